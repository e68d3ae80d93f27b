"""Privacy (issue 7): disclosure control in everything published, keyed pseudonyms, raw data never committed."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.report.figures import bar_id
from tests.conftest import ROOT, SYNTHETIC

pytestmark = pytest.mark.slow  # runs the whole pipeline; `make test-fast` leaves it out

KEY = "0123456789abcdef0123456789abcdef"


def _published_text(out: Path) -> str:
    """Everything a partner receives: the HTML, the PDF's text, every CSV table and every figure."""
    parts = [(out / "rendementsanalyse.html").read_text(encoding="utf-8")]
    parts += [page.extract_text() for page in PdfReader(out / "rendementsanalyse.pdf").pages]
    parts += [p.read_text(encoding="utf-8-sig") for p in sorted((out / "tables").glob("*.csv"))]
    parts += [p.read_text(encoding="utf-8") for p in sorted((out / "figures").glob("*.svg"))]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def small_groups_run(tmp_path_factory) -> tuple[Path, dict, pd.DataFrame]:
    """The synthetic default with a few clients turned into small groups: 3 of unknown sex, 2 aged 86+."""
    folder = tmp_path_factory.mktemp("small")
    clients = pd.read_csv(SYNTHETIC / "clients.csv", dtype=str, keep_default_na=False)
    compared = clients.index[(clients["ico_eind"] != "") & (clients["ico_start"] < "2021-05-01")]
    clients.loc[compared[[3, 17, 40]], "geslacht"] = "onbekend"
    clients.loc[compared[[5, 60]], "leeftijd"] = "90"
    clients.to_csv(folder / "clients.csv", index=False)
    out = folder / "reports"
    assert (
        main(
            [
                "--quiet",
                "run",
                "--clients",
                str(folder / "clients.csv"),
                "--bvh",
                str(SYNTHETIC / "bvh.csv"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return out, json.loads((out / "intern" / "results.json").read_text(encoding="utf-8")), clients


def test_small_groups_are_hidden_in_every_published_table(small_groups_run):
    out, r, _ = small_groups_run
    assert r["by_sex"]["onbekend"]["n"] == 3 and r["by_age"]["86+"]["n"] == 2  # results.json stays exact
    assert r["intern"] is True
    tables = {p.stem: p.read_text(encoding="utf-8-sig").splitlines() for p in (out / "tables").glob("*.csv")}
    for name in ("geslacht", "geslacht_verdeling", "toetsen"):
        row = next(line for line in tables[name] if line.startswith("Onbekend"))
        assert set(row.split(";")[1:]) <= {"<5", "x", ""}, (name, row)
    for name in ("leeftijd", "leeftijd_verdeling", "toetsen"):
        row = next(line for line in tables[name] if line.startswith("86+"))
        assert set(row.split(";")[1:]) <= {"<5", "x", ""}, (name, row)
    # a lone hidden group would be recomputable from the total, so a second group is hidden beside it
    for name in ("geslacht", "leeftijd"):
        hidden = [line for line in tables[name] if ";<5;" in line or ";x;" in line]
        assert len(hidden) >= 2, name
    html = (out / "rendementsanalyse.html").read_text(encoding="utf-8")
    assert "minder dan 5 cliënten" in html


def test_figures_leave_small_groups_out(small_groups_run):
    out, _, _ = small_groups_run
    svg = (out / "figures" / "clienten_leeftijd.svg").read_text(encoding="utf-8")
    html = (out / "rendementsanalyse.html").read_text(encoding="utf-8")
    alts = re.findall(r'alt="(Staafdiagram van het aantal cliënten per groep: [^"]*)"', html)
    ages = next(a for a in alts if "18-25" in a)
    sexes = next(a for a in alts if "Man" in a)
    assert "86+" not in ages and "Onbekend" not in sexes
    # the figure files themselves: a bar for every shown group, none for the hidden ones
    assert f'id="{bar_id("18-25")}"' in svg and f'id="{bar_id("86+")}"' not in svg
    sex_svg = (out / "figures" / "clienten_geslacht.svg").read_text(encoding="utf-8")
    assert f'id="{bar_id("Man")}"' in sex_svg and f'id="{bar_id("Onbekend")}"' not in sex_svg


def test_no_published_output_holds_a_client_id(small_groups_run, default_run):
    for out, clients in (
        (small_groups_run[0], small_groups_run[2]),
        (default_run[0], pd.read_csv(SYNTHETIC / "clients.csv", dtype=str)),
    ):
        text = _published_text(out)
        leaked = [c for c in clients["client_id"] if c in text]
        assert leaked == []
        bvh = pd.read_csv(SYNTHETIC / "bvh.csv", dtype=str)
        assert not any(n in text for n in bvh["registratienummer"].head(500))


def test_per_client_distributions_have_no_bar_for_fewer_than_five(default_run):
    out, r = default_run
    for name in ("frequentie_registraties", "frequentie_e_registraties"):
        rows = [
            line.split(";")
            for line in (out / "tables" / f"{name}.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
        ]
        counts = [int(row[1]) for row in rows[:-1]]
        assert all(n == 0 or n >= 5 for n in counts), name
        assert sum(counts) == r["n_clients"]
        assert rows[-2][0].endswith("of meer")  # the tail is top-coded


# --- pseudonyms ------------------------------------------------------------------------------------------


def _pseudonymise(key: Path, src: Path, dst: Path) -> int:
    return main(
        [
            "--quiet",
            "pseudonymise",
            "--key-file",
            str(key),
            "--in",
            str(src),
            "--out",
            str(dst),
            "--columns",
            "client_id",
        ]
    )


def test_pseudonymised_inputs_give_the_same_results_and_hold_no_original_id(tmp_path, default_run):
    key = tmp_path / "sleutel.key"
    key.write_text(KEY + "\n", encoding="utf-8")
    files = ("clients.csv", "bvh.csv", "comparison_persons.csv", "comparison_bvh.csv")
    for name in files:
        assert _pseudonymise(key, SYNTHETIC / name, tmp_path / name) == 0
    originals = set(pd.read_csv(SYNTHETIC / "clients.csv", dtype=str)["client_id"])
    for name in files:
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert not any(c in text for c in originals)
        assert KEY not in text
    out = tmp_path / "reports"
    assert (
        main(
            [
                "--quiet",
                "run",
                "--clients",
                str(tmp_path / "clients.csv"),
                "--bvh",
                str(tmp_path / "bvh.csv"),
                "--comparison-persons",
                str(tmp_path / "comparison_persons.csv"),
                "--comparison-bvh",
                str(tmp_path / "comparison_bvh.csv"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    pseudo = json.loads((out / "intern" / "results.json").read_text(encoding="utf-8"))
    original = default_run[1]
    ignore = {"provenance", "data_quality", "matching"}
    assert {k: v for k, v in pseudo.items() if k not in ignore} == {
        k: v for k, v in original.items() if k not in ignore
    }
    # the matching too, but for the pseudonyms of the clients it could not match
    assert {k: v for k, v in pseudo["matching"].items() if k != "ongematchte_clients"} == {
        k: v for k, v in original["matching"].items() if k != "ongematchte_clients"
    }
    assert {k: v for k, v in pseudo["data_quality"].items() if k != "excluded_clients"} == {
        k: v for k, v in original["data_quality"].items() if k != "excluded_clients"
    }
    assert KEY not in (out / "intern" / "results.json").read_text(encoding="utf-8")


def test_same_key_same_pseudonym_other_key_other_pseudonym(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("client_id;naam\n K1 ;x\nK2;y\n", encoding="utf-8")
    for name, key in (("k1", KEY), ("k2", KEY[::-1])):
        (tmp_path / name).write_text(key, encoding="utf-8")
        assert _pseudonymise(tmp_path / name, src, tmp_path / f"{name}.csv") == 0
    one = (tmp_path / "k1.csv").read_text(encoding="utf-8").splitlines()
    two = (tmp_path / "k2.csv").read_text(encoding="utf-8").splitlines()
    assert one[0] == "client_id;naam"  # the separator and other columns stay as they were
    assert one[1].endswith(";x") and one[1] != two[1]
    first = one[1].split(";")[0]
    assert re.fullmatch(r"P[0-9a-f]{32}", first)
    # spaces around an id do not change its pseudonym
    src.write_text("client_id;naam\nK1;z\n", encoding="utf-8")
    assert _pseudonymise(tmp_path / "k1", src, tmp_path / "again.csv") == 0
    assert (tmp_path / "again.csv").read_text(encoding="utf-8").splitlines()[1].split(";")[0] == first


def test_xlsx_in_xlsx_out(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Client ID", "datum"])
    book.active.append(["K1", "2020-01-01"])
    book.save(tmp_path / "in.xlsx")
    key = tmp_path / "key"
    key.write_text(KEY, encoding="utf-8")
    assert (
        main(
            [
                "--quiet",
                "pseudonymise",
                "--key-file",
                str(key),
                "--in",
                str(tmp_path / "in.xlsx"),
                "--out",
                str(tmp_path / "out.xlsx"),
                "--columns",
                "client_id",
            ]
        )
        == 0
    )
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("Client ID", "datum") and rows[1][0].startswith("P") and rows[1][1] == "2020-01-01"


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "sleutelbestand niet gevonden"), ("", "het sleutelbestand is leeg"), ("kort", "te kort")],
)
def test_a_missing_or_empty_key_is_a_clear_error(tmp_path, capsys, content, message):
    key = tmp_path / "key"
    if content is not None:
        key.write_text(content, encoding="utf-8")
    assert _pseudonymise(key, SYNTHETIC / "clients.csv", tmp_path / "out.csv") == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


# --- raw data never committed ------------------------------------------------------------------------------


def _ignored(path: str) -> bool:
    done = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
    return done.returncode == 0


def test_raw_data_is_ignored_and_the_synthetic_default_tracked():
    assert _ignored("data/raw/bvh_2025.csv")
    assert _ignored("data/raw/export/clienten.xlsx")
    assert _ignored("data/processed/bvh.parquet")
    assert _ignored("reports/rendementsanalyse.html")
    assert not _ignored("data/raw/synthetic/bvh.csv")
    tracked = subprocess.run(["git", "ls-files", "data"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert tracked and all(p.startswith("data/raw/synthetic/") for p in tracked)
