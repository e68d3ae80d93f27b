"""The synthetic default against its committed golden files: a changed number or file fails here by name.

After a deliberate change: `make golden`, and the commit message says which numbers moved and why.
"""

from __future__ import annotations

import json

import pytest

from tests.goldenfiles import (
    GOLDEN_RESULTS,
    differences,
    file_differences,
    golden_run,
    read_files_golden,
    results_of,
    sha256_of_files,
)


@pytest.fixture(scope="module")
def golden_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden") / "reports"
    done = golden_run(out)
    assert done.returncode == 0, done.stderr
    return out


HOW = "bewust veranderd? `make golden` en zeg in de commit waarom"


def test_every_result_equals_the_golden_one(golden_out):
    golden = json.loads(GOLDEN_RESULTS.read_text(encoding="utf-8"))
    changed = differences(golden, results_of(golden_out))
    assert changed == [], f"{len(changed)} getallen anders dan de gouden ({HOW}):\n" + "\n".join(changed[:50])


def test_every_file_has_the_golden_bytes(golden_out):
    changed = file_differences(read_files_golden(), sha256_of_files(golden_out))
    assert changed == [], f"bestanden anders dan de gouden ({HOW}):\n" + "\n".join(changed)


def test_the_golden_files_cover_the_published_report():
    names = set(read_files_golden())
    assert {"rendementsanalyse.html", "rendementsanalyse.pdf", "intern/results.json"} <= names
    assert any(n.startswith("tables/") for n in names) and any(n.startswith("figures/") for n in names)


# --- the comparison names what moved ------------------------------------------------------------------------


def test_differences_name_the_key_path_and_both_values():
    golden = {"overall": {"voor": 1682, "p": 0.001}, "by_age": [{"n": 5}], "gone": 1}
    got = {"overall": {"voor": 1683, "p": 0.001}, "by_age": [{"n": 6}], "extra": True}
    assert differences(golden, got) == [
        "gone: weg (was 1)",
        "extra: nieuw (True)",
        "overall.voor: 1683, was 1682",
        "by_age[0].n: 6, was 5",
    ]


def test_a_number_that_changes_type_is_a_difference():
    assert differences({"n": 1}, {"n": 1.0}) == ["n: 1.0, was 1"]
    assert differences({"p": None}, {"p": 0.0}) == ["p: 0.0, was None"]
    assert differences({"x": [1, 2]}, {"x": [1]}) == ["x: 1 elementen, was 2"]


def test_file_differences_name_each_file():
    assert file_differences({"a.csv": "1", "b.svg": "2"}, {"a.csv": "9", "c.png": "3"}) == [
        "a.csv: andere inhoud",
        "b.svg: ontbreekt",
        "c.png: nieuw bestand",
    ]
