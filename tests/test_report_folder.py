"""The report folder: replaced only when it holds nothing but what the pipeline wrote, swapped in whole."""

from __future__ import annotations

import json
import re
import sys

import pytest

from pipeline.errors import UserError
from pipeline.io import report_folder as rf


def _report(target, files: dict[str, str]) -> None:
    with rf.report_folder(target) as staging:
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")


def _tree(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_folder_gets_the_files_and_a_manifest_of_them(tmp_path):
    out = tmp_path / "reports"
    _report(out, {"a.html": "A", "intern/results.json": "{}"})
    manifest = json.loads((out / rf.MANIFEST).read_text())
    assert manifest["generator"] == "rendementsanalyse" and manifest["status"] == "rapport"
    assert sorted(manifest["files"]) == ["a.html", "intern/results.json"]
    assert sorted(_tree(out)) == ["a.html", "intern/manifest.json", "intern/results.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]  # no staging folder, no lock file left


def test_an_earlier_report_is_replaced_whole(tmp_path):
    out = tmp_path / "reports"
    _report(out, {"old.html": "1", "tables/x.csv": "2"})
    _report(out, {"new.html": "3"})
    assert _tree(out).keys() == {"new.html", "intern/manifest.json"}


@pytest.mark.parametrize(
    "foreign",
    ["notes.docx", "intern/bvh_export.csv", "tables/mine.csv"],
)
def test_a_folder_with_a_foreign_file_is_refused_and_untouched(tmp_path, foreign):
    out = tmp_path / "reports"
    _report(out, {"a.html": "A", "tables/x.csv": "x"})
    (out / foreign).parent.mkdir(parents=True, exist_ok=True)
    (out / foreign).write_text("the analyst's own")
    before = _tree(out)
    with pytest.raises(UserError, match=re.escape(foreign.split("/")[-1])):
        _report(out, {"b.html": "B"})
    assert _tree(out) == before


def test_a_folder_holding_results_json_but_no_manifest_is_not_ours(tmp_path):
    """The old marker: a results.json beside the analyst's inputs once made the whole folder deletable."""
    out = tmp_path / "d"
    out.mkdir()
    (out / "results.json").write_text("{}")
    (out / "clients.csv").write_text("client_id\nK1\n")
    with pytest.raises(UserError, match=r"clients\.csv"):
        _report(out, {"a.html": "A"})
    assert _tree(out) == {"results.json": "{}", "clients.csv": "client_id\nK1\n"}


def test_a_changed_file_of_ours_counts_as_foreign(tmp_path):
    out = tmp_path / "reports"
    _report(out, {"tables/x.csv": "1;2"})
    (out / "tables" / "x.csv").write_text("1;2;my own column")
    with pytest.raises(UserError, match=r"x\.csv"):
        _report(out, {"a.html": "A"})
    assert (out / "tables" / "x.csv").read_text() == "1;2;my own column"


def test_a_forged_manifest_of_another_tool_is_not_ours(tmp_path):
    out = tmp_path / "reports"
    (out / "intern").mkdir(parents=True)
    (out / rf.MANIFEST).write_text(json.dumps({"generator": "other", "files": {}}))
    with pytest.raises(UserError):
        _report(out, {"a.html": "A"})


def test_a_failed_run_leaves_the_earlier_report_and_nothing_else(tmp_path):
    out = tmp_path / "reports"
    _report(out, {"a.html": "A"})
    before = _tree(out)
    with pytest.raises(RuntimeError), rf.report_folder(out) as staging:
        (staging / "half.html").write_text("half")
        raise RuntimeError("render failed")
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]


def test_a_first_failed_run_does_not_block_the_next(tmp_path):
    out = tmp_path / "reports"
    rf.add_file(out, "intern/validatie.csv", b"bestand;rij\n", status="validatie mislukt")
    assert json.loads((out / rf.MANIFEST).read_text())["status"] == "validatie mislukt"
    _report(out, {"a.html": "A"})
    assert _tree(out).keys() == {"a.html", "intern/manifest.json"}


def test_leftovers_of_a_killed_run_are_removed_but_only_ours(tmp_path):
    out = tmp_path / "reports"
    killed = tmp_path / ".reports.new-abc123"
    killed.mkdir()
    (killed / rf.STAGING_MARK).touch()
    (killed / "half.html").write_text("half")
    lookalike = tmp_path / ".reports.new-mine"
    lookalike.mkdir()
    (lookalike / "keep.txt").write_text("not ours")
    _report(out, {"a.html": "A"})
    assert not killed.exists()
    assert (lookalike / "keep.txt").read_text() == "not ours"


def test_a_symbolic_link_in_the_folder_is_foreign(tmp_path):
    out = tmp_path / "reports"
    _report(out, {"a.html": "A"})
    (tmp_path / "secret.key").write_text("k")
    (out / "link").symlink_to(tmp_path / "secret.key")
    with pytest.raises(UserError, match="link"):
        _report(out, {"b.html": "B"})
    assert (tmp_path / "secret.key").read_text() == "k"


def test_a_file_given_as_out_is_refused(tmp_path):
    out = tmp_path / "report.html"
    out.write_text("mine")
    with pytest.raises(UserError):
        _report(out, {"a.html": "A"})
    assert out.read_text() == "mine"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux")
def test_the_swap_exchanges_both_folders_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("from a")
    (b / "y").write_text("from b")
    assert rf._exchange(a, b)
    assert (b / "x").read_text() == "from a" and (a / "y").read_text() == "from b"


def test_a_second_run_into_the_same_folder_at_the_same_time_is_refused(tmp_path):
    out = tmp_path / "reports"
    with rf.report_folder(out) as staging:
        (staging / "a.html").write_text("A")
        with pytest.raises(UserError, match="andere run"):
            _report(out, {"b.html": "B"})
    assert _tree(out).keys() == {"a.html", "intern/manifest.json"}
