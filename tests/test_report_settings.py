"""The report under settings other than the default: every window, age group and role in its text and tables
comes from the settings, so 12/6-month windows, other age bounds and `rollen: [verdachte]` read as such."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import CONFIG, run_cli
from tests.test_report import parse, words

pytestmark = pytest.mark.slow

CHANGES = (
    ("  lang_maanden: 6\n", "  lang_maanden: 12\n"),
    ("  kort_maanden: 3\n", "  kort_maanden: 6\n"),
    ("leeftijdsgrenzen: [18, 26, 36, 46, 56, 66, 76, 86]\n", "leeftijdsgrenzen: [18, 30, 50]\n"),
    ("rollen: alle\n", "rollen: [verdachte]\n"),
)


@pytest.fixture(scope="module")
def other_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other")
    text = CONFIG.read_text(encoding="utf-8")
    for old, new in CHANGES:
        assert old in text, old
        text = text.replace(old, new)
    config = folder / "analysis.yaml"
    config.write_text(text, encoding="utf-8")
    out = folder / "reports"
    done = run_cli("run", "--config", str(config), "--out", str(out))
    assert done.returncode == 0, done.stderr
    results = json.loads((out / "intern" / "results.json").read_text(encoding="utf-8"))
    return out, results, parse(out / "rendementsanalyse.html")


def test_the_windows_are_the_settings_windows(other_run):
    _, r, page = other_run
    text = words(page)
    assert list(r["windows"]) == ["12 mnd voor", "6 mnd voor", "tijdens", "6 mnd na", "12 mnd na"]
    assert "in de 12 maanden vóór het ICO" in text and "in de 12 maanden erna" in text
    assert "'12 mnd voor' (12 maanden tot 6 maanden vóór de start)" in text
    assert "de laatste 6 maanden vóór de start" in text
    assert "maand 12 tot 6 vóór de start tegen maand 6 tot 12 na het einde" in text  # the symmetric estimate
    for default in (
        "maand 6 tot 3",
        "3 mnd voor",
        "6 maanden vóór tegen 6 maanden na",
        "6 maanden tot 3 maanden",
        "de laatste 3 maanden vóór de start,",
    ):
        assert default not in text, default
    # month-by-month labels ('3 mnd na het einde') are months, not windows
    assert not re.search(r"3 mnd na(?! het einde)", text)
    periods = page.tables["perioden_per_maand"]
    assert [row[0].lower() for row in periods[1:6]] == list(r["windows"])


def test_the_age_groups_are_the_settings_groups(other_run):
    _, r, page = other_run
    assert list(r["by_age"]) == ["<18", "18-29", "30-49", "50+"]
    rows = [row[0].rstrip("*") for row in page.tables["leeftijd"][1:-1]]
    assert rows == list(r["by_age"])
    assert "26-35" not in words(page)


def test_only_the_suspect_role_counts_and_the_report_says_so(other_run):
    _, r, page = other_run
    text = words(page)
    assert r["settings"]["rollen"] == ["verdachte"]
    assert "alleen de registraties waarin de cliënt verdachte is" in text
    roles = {row[0]: row for row in page.tables["rollen"][1:]}
    header = page.tables["rollen"][0]
    counts = header.index("Telt mee")
    assert roles["Verdachte"][counts] == "ja"
    assert {name: row[counts] for name, row in roles.items() if name != "Verdachte"} == {
        name: "nee" for name in roles if name != "Verdachte"
    }
    # what counts is the suspect role alone: the overall numbers are the suspect row's numbers
    assert r["overall"]["voor"] == r["by_role"]["verdachte"]["voor"]
    assert r["overall"]["na"] == r["by_role"]["verdachte"]["na"]
    key = page.tables["kerncijfers"]
    assert not any(row[0] == "Registraties als verdachte" for row in key)  # no second row saying the same
    assert re.search(r"De rollen slachtoffer, getuige en betrokkene tellen niet mee", text)
