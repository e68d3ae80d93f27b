"""Bad input (issue 4): every case of the corpus stops with exit status 2 and a message that names the file,
row, column or key and the value, with no traceback, and leaves an earlier report untouched; random
corruptions of a valid export give a clean error, never an internal one."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipeline.analysis.analyse import analyse
from pipeline.cli import main
from pipeline.errors import UserError
from pipeline.io.readers import read_table
from pipeline.stages.align import align
from pipeline.stages.classify import classify
from pipeline.stages.validate import validate
from tests.conftest import CONFIG, MAPPING, internal_config

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def _args(role: str, path: Path, out: Path) -> list[str]:
    files = {
        "bvh": CORPUS / "good_bvh.csv",
        "clients": CORPUS / "good_clients.csv",
        "config": SMALL_CONFIG,  # the good corpus has 3 clients: publishable only without disclosure control
        "mapping": MAPPING,
    }
    files[role] = path
    return [
        "--quiet",
        "run",
        "--bvh",
        str(files["bvh"]),
        "--clients",
        str(files["clients"]),
        "--config",
        str(files["config"]),
        "--mapping",
        str(files["mapping"]),
        "--out",
        str(out),
    ]


@pytest.fixture(scope="module")
def earlier_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("earlier") / "reports"
    assert main(_args("bvh", CORPUS / "good_bvh.csv", out)) == 0
    return out


_SMALL_FOLDER = tempfile.mkdtemp(prefix="bad-inputs-")
atexit.register(shutil.rmtree, _SMALL_FOLDER, ignore_errors=True)
SMALL_CONFIG = internal_config(Path(_SMALL_FOLDER))


def _case_file(name: str, folder: Path) -> Path:
    """The corpus file, or for a derived case the current config file with one line replaced."""
    case = CASES[name]
    if "derive" not in case:
        return CORPUS / name
    old, new = case["derive"]
    source = {"config": CONFIG, "mapping": MAPPING}[case["role"]].read_text(encoding="utf-8")
    assert old in source, f"{name}: {old!r} no longer occurs in the {case['role']} file"
    path = folder / name
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 15
    assert all((CORPUS / name).exists() for name, case in CASES.items() if "derive" not in case)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_stops_cleanly(name, earlier_report, tmp_path, capsys):
    case = CASES[name]
    out = tmp_path / "reports"
    shutil.copytree(earlier_report, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    status = main(_args(case["role"], _case_file(name, tmp_path), out))
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    for fragment in case["expect"]:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    manifest = Path("intern/manifest.json")
    assert {k: after[k] for k in before if k != manifest} == {k: v for k, v in before.items() if k != manifest}
    assert set(after) - set(before) <= {Path("intern/validatie.csv")}


def test_one_rule_broken_on_many_rows_reads_as_one_line_and_all_are_written(tmp_path, capsys):
    rows = "".join(f"K{i:03d},man,999,2020-01-01,\n" for i in range(30))
    clients = tmp_path / "clients.csv"
    clients.write_text("client_id,geslacht,leeftijd,ico_start,ico_eind\n" + rows, encoding="utf-8")
    out = tmp_path / "reports"
    status = main(_args("clients", clients, out))
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("'999'") == 1  # one cause, one line
    assert "clients.csv, kolom 'leeftijd': 30 rijen: " in err and "eerste in rij 2 (waarde '999')" in err
    listing = (out / "intern" / "validatie.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert len(listing) == 31 and listing[1].startswith(f"{clients};2;leeftijd;999;")


# --- random corruptions ---------------------------------------------------------------------------------

GOOD = {"clients": (CORPUS / "good_clients.csv").read_bytes(), "bvh": (CORPUS / "good_bvh.csv").read_bytes()}


@st.composite
def corruptions(draw):
    which = draw(st.sampled_from(sorted(GOOD)))
    data = bytearray(GOOD[which])
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate_line"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "delete" and data:
            del data[at : at + draw(st.integers(1, 8))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=6) | st.sampled_from([b",", b";", b'"', b"\n", b"\r\n"]))
        elif kind == "replace" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "duplicate_line":
            lines = bytes(data).split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines.insert(k, lines[k])
            data = bytearray(b"\n".join(lines))
    return which, bytes(data)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corruptions())
def test_random_corruptions_give_a_clean_error_or_a_result(settings, mapping, tmp_path_factory, corrupted):
    which, data = corrupted
    folder = tmp_path_factory.mktemp("corrupt")
    paths = {k: folder / f"{k}.csv" for k in GOOD}
    for k, path in paths.items():
        path.write_bytes(data if k == which else GOOD[k])
    try:
        clients, bvh = validate(read_table(paths["clients"]), read_table(paths["bvh"]))
        rows, aligned = align(bvh, clients, settings)
        results, _ = analyse(classify(rows, mapping, settings, source=str(paths["bvh"])), aligned, mapping, settings)
    except UserError as exc:
        assert str(paths[which]) in exc.render()  # the message names the file to fix
        return
    rec = results.to_dict()["reconciliation"]
    assert (
        rec["rows_read"]
        == len(bvh)
        == sum(rec[k] for k in ("duplicates", "unknown_client", "rows_excluded_followup", "outside_windows", "used"))
    )


def test_at_most_twenty_lines_of_problems_are_shown():
    from pipeline.errors import Problem, UserError

    problems = [Problem("f.csv", i + 2, f"kolom{i}", "x", "ongeldig") for i in range(25)]  # 25 different columns
    problems += [Problem("f.csv", i + 2, "datum", "01-06-2019 00:00", "geen datum") for i in range(9533)]
    text = UserError("De invoer klopt niet", problems).render()
    lines = text.splitlines()
    assert len(lines) == 1 + 20 + 1 and lines[-1] == "  ... en nog 9.538"
    assert "rij 2, kolom 'kolom0': waarde 'x': ongeldig" in text


def test_a_header_with_a_column_twice_stops_with_its_name(tmp_path):
    # found by the random corruptions: two headers glued together gave 'geslacht' twice and an internal error
    path = tmp_path / "clients.csv"
    path.write_text(
        "client_id,geslacht,leeftijd,ico_start,iclient_id,geslacht,ico_eind\nK001,man,34,2020-08-31,x,man,2020-11-15\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError, match="de kolom 'geslacht' meer dan eens"):
        read_table(path)
