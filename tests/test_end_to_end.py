"""End to end: the command line on the synthetic default reproduces the report's published numbers
(SPEC §7), agrees with the independent reference, and handles bad input without losing earlier output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests import reference
from tests.conftest import ROOT, SPEC_KEYS, SYNTHETIC, run_cli
from tests.test_properties import CODE_TABLE, TOT, VAN, _approx, _core

pytestmark = pytest.mark.slow  # runs the whole pipeline; `make test-fast` leaves it out


def test_published_numbers_of_chapter_3(default_run):
    _, r = default_run
    expected = reference.compute(SYNTHETIC / "clients.csv", SYNTHETIC / "bvh.csv", CODE_TABLE, VAN, TOT)
    assert r["n_clients"] == 164 and r["n_registrations"] == 3909
    assert {k: v["n"] for k, v in r["by_sex"].items()} == {"man": 127, "vrouw": 37}
    assert {k: v["totaal"] for k, v in r["by_sex"].items()} == {"man": 3200, "vrouw": 709}
    assert r["windows"] == {"6 mnd voor": 643, "3 mnd voor": 1039, "tijdens": 1380, "3 mnd na": 481, "6 mnd na": 366}
    assert (r["overall"]["voor"], r["overall"]["na"]) == (1682, 847)
    assert round(r["overall"]["afname_pct"], 1) == -49.6
    assert (r["by_sex"]["man"]["voor"], r["by_sex"]["man"]["na"]) == (1361, 643)
    assert (r["by_sex"]["vrouw"]["voor"], r["by_sex"]["vrouw"]["na"]) == (321, 204)
    tabel_1 = {
        "<18": (5, 7, 6),
        "18-25": (23, 204, 83),
        "26-35": (44, 425, 273),
        "36-45": (37, 450, 212),
        "46-55": (34, 342, 158),
        "56-65": (16, 148, 91),
        "66-75": (4, 105, 23),
        "76-85": (1, 1, 1),
    }
    assert {k: (v["n"], v["voor"], v["na"]) for k, v in r["by_age"].items()} == tabel_1
    assert {k: r["by_age"][k]["totaal"] for k in ("26-35", "36-45", "46-55")} == {
        "26-35": 1032,
        "36-45": 1002,
        "46-55": 882,
    }
    tabel_3 = {
        "ruzie": (224, 132, 97),
        "verward persoon": (267, 258, 163),
        "alcohol/drugs": (49, 74, 31),
        "zwerver": (106, 149, 46),
        "assistenties": (26, 28, 16),
        "overig": (84, 61, 36),
    }
    assert {k: (v["voor"], v["tijdens"], v["na"]) for k, v in r["e_categories"].items()} == tabel_3
    tabel_4 = {"licht": (646, 481, 325), "middel": (233, 184, 118), "zwaar": (47, 13, 15)}
    assert {k: (v["voor"], v["tijdens"], v["na"]) for k, v in r["severity"].items()} == tabel_4
    assert (r["imk_classes"]["E"], r["imk_classes"]["F"], r["imk_classes"]["D"]) == (1847, 583, 510)
    assert r["e_codes"]["E33"] == 688
    per_client = [int(k) for k in r["distributions"]["registraties_per_client"]]
    e_per_client = r["distributions"]["e_registraties_per_client"]
    assert (min(per_client), max(per_client)) == (1, 146)
    assert (min(int(k) for k in e_per_client), max(int(k) for k in e_per_client)) == (1, 113)
    assert sum(e_per_client.values()) == 164  # every client has at least one E registration
    assert r["change_groups"]["weinig"] == {
        "n": 108,
        "toegenomen": 30,
        "afname_0_10": 8,
        "afname_11_50": 8,
        "afname_50_plus": 62,
        "geen_na": expected["change_groups"]["weinig"]["geen_na"],  # not published: the independent reference
    }
    veel = r["change_groups"]["veel"]
    assert (veel["n"], veel["toegenomen"], veel["afname_0_10"], veel["afname_11_50"], veel["afname_50_plus"]) == (
        56,
        2,
        5,
        10,
        39,
    )
    assert veel["geen_na"] == 6


def test_reconciliation_and_contract_keys(default_run):
    _, r = default_run
    rec = r["reconciliation"]
    assert (
        rec["rows_read"]
        == rec["duplicates"]
        + rec["unknown_client"]
        + rec["rows_excluded_followup"]
        + rec["outside_windows"]
        + rec["used"]
    )
    assert rec["used"] == r["n_registrations"] and rec["duplicates"] > 0
    for key in SPEC_KEYS:
        assert key in r
    assert set(r["overall"]) >= {"n", "voor", "na", "afname_pct", "wilcoxon", "rank_biserial"}
    assert set(r["overall"]["wilcoxon"]) >= {"statistic", "p"}
    for group in [*r["by_sex"].values(), *r["by_age"].values()]:
        assert set(group) >= {"n", "voor", "na", "p", "p_holm"}
    assert r["by_age"]["66-75"]["p"] is None and r["by_age"]["18-25"]["p"] is not None
    assert r["provenance"]["synthetic"] is True


def test_agrees_with_the_reference_on_the_default(default_run):
    _, r = default_run
    expected = reference.compute(SYNTHETIC / "clients.csv", SYNTHETIC / "bvh.csv", CODE_TABLE, VAN, TOT)
    assert _core(r) == _approx(expected)


def test_stages_one_by_one_give_the_same_results(default_run, tmp_path):
    _, r = default_run
    processed, out = tmp_path / "processed", tmp_path / "out"
    for stage in (["validate"], ["align"], ["classify"], ["analyse"]):
        done = run_cli(*stage, "--processed", str(processed))
        assert done.returncode == 0, done.stderr
    done = run_cli("render", "--results", str(processed / "results.json"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    staged = json.loads((out / "intern" / "results.json").read_text(encoding="utf-8"))
    assert staged == r


def test_bad_input_exits_2_without_traceback_and_keeps_the_earlier_report(default_run, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(default_run[0], out)  # an earlier report, as the shared run wrote it
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "clients.csv"
    bad.write_text("client_id,geslacht,leeftijd,ico_start,ico_eind\nA,q,30,2020-02-30,\n", encoding="utf-8")
    done = run_cli("run", "--bvh", str(SYNTHETIC / "bvh.csv"), "--clients", str(bad), "--out", str(out))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "rij 2" in done.stderr and "geslacht" in done.stderr and "'q'" in done.stderr
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    kept = set(before) - {"intern/manifest.json"}
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}  # every earlier output untouched
    assert set(after) - set(before) == {"intern/validatie.csv"}  # and the problems listed in intern/
    listing = after["intern/validatie.csv"].decode("utf-8-sig").splitlines()
    assert listing[0] == "bestand;rij;kolom;waarde;regel" and len(listing) == 3
    assert "validatie.csv" in done.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".reports")]


def test_unknown_code_stops_with_the_list(tmp_path):
    bvh = tmp_path / "bvh.csv"
    text = (SYNTHETIC / "bvh.csv").read_text(encoding="utf-8").splitlines()
    text[1] = ",".join([*text[1].split(",")[:3], "Q123", "ONBEKEND", "verdachte"])
    bvh.write_text("\n".join(text) + "\n", encoding="utf-8")
    done = run_cli("run", "--bvh", str(bvh), "--clients", str(SYNTHETIC / "clients.csv"), "--out", str(tmp_path / "o"))
    assert done.returncode == 2 and "Q123" in done.stderr and "1 rij(en)" in done.stderr
    assert not (tmp_path / "o").exists()


def test_refuses_to_replace_a_folder_that_is_not_a_report(tmp_path):
    keep = tmp_path / "documents"
    keep.mkdir()
    (keep / "thesis.docx").write_text("precious", encoding="utf-8")
    done = run_cli("run", "--out", str(keep))
    assert done.returncode == 2 and "(thesis.docx)" in done.stderr and "nooit overschreven" in done.stderr
    assert "validate" not in done.stderr  # stopped before any work
    assert sorted(p.name for p in keep.iterdir()) == ["thesis.docx"]
    assert (keep / "thesis.docx").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents"]  # and nothing written beside it


def test_the_report_folder_holds_what_may_be_published_and_intern_the_rest(default_run):
    out = default_run[0]
    top = sorted(p.name for p in out.iterdir())
    assert top == ["figures", "intern", "rendementsanalyse.html", "rendementsanalyse.pdf", "tables"]
    intern = sorted(p.name for p in (out / "intern").iterdir())
    assert {"results.json", "verantwoording_rijen.csv", "manifest.json"} <= set(intern)
    manifest = json.loads((out / "intern" / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [f for f in files if f != "intern/manifest.json"]


def test_progress_lines_and_quiet(default_process, tmp_path):
    done = default_process[2]
    first_words = [line.split()[0] for line in done.stderr.splitlines() if line.strip()]
    stages = ["validate", "align", "classify", "analyse", "render"]
    assert [w for w in first_words if w in stages] == stages
    assert "tekst" in first_words  # notices about chapters the analyst did not write
    quiet = run_cli("--quiet", "run", "--out", str(tmp_path / "b"))
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_closed_pipe_on_the_progress_lines_does_not_stop_the_run(tmp_path):
    out = tmp_path / "piped"
    done = subprocess.run(
        f"{sys.executable} -m pipeline run --out {out} 2>&1 | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        executable="/bin/bash",
    )
    assert done.stdout.startswith("validate")
    assert (out / "rendementsanalyse.html").exists() and (out / "rendementsanalyse.pdf").exists()
