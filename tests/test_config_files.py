"""The YAML files researchers edit: the mapping and the settings are checked on load with clear errors."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import yaml

from pipeline.config.mapping import load_mapping
from pipeline.config.settings import load_settings
from pipeline.errors import UserError
from tests.conftest import CONFIG, MAPPING, ROOT

MINIMAL = """\
gewichten: {licht: 1, middel: 2, zwaar: 3}
e_categorieen: [ruzie, overig]
klassen:
  E:
    naam: Meldingen en assistentie
    zwaarte: licht
    e_categorie: overig
    codes:
      E11: {omschrijving: VECHTPARTIJ, e_categorie: ruzie}
      E33: OVERLAST DOOR VERWARD PERSOON
  F:
    naam: Overige incidenten
    zwaarte: licht
    codes:
      F010: OPENBARE DRONKENSCHAP
      F12: {omschrijving: OPENLIJKE GEWELDPLEGING, zwaarte: zwaar}
"""


def _mapping(tmp_path, text):
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_mapping_holds_every_code_of_the_shared_table(mapping):
    assert len(mapping.table) == 648
    assert mapping.table["code"].is_unique
    assert set(mapping.table["klasse"]) == set("ABCDEFGHIJLM")
    assert mapping.weights == {"licht": 1.0, "middel": 2.0, "zwaar": 3.0}
    e = mapping.table[mapping.table["klasse"] == "E"]
    assert set(e["zwaarte"]) == {"licht"}
    ruzie = set(e.loc[e["e_categorie"] == "ruzie", "code"])
    assert ruzie == {"E11", "E12", "E13", "E16"}
    assert set(e.loc[e["e_categorie"] == "assistenties", "code"]) == {f"E5{i}" for i in range(9)}
    table = mapping.table.set_index("code")
    assert table.loc["F010", "omschrijving"] != table.loc["F10", "omschrijving"]
    assert table.loc["D12", "zwaarte"] == "zwaar" and table.loc["F551", "zwaarte"] == "zwaar"


def test_default_mapping_matches_the_shared_table_where_it_exists(mapping):
    # tests/fixtures/imk_mapping.tsv is SPEC §4's source table (shared/imk/imk_mapping.tsv), committed as it was
    source = pd.read_csv(ROOT / "tests" / "fixtures" / "imk_mapping.tsv", sep="\t", dtype=str, keep_default_na=False)
    source = source.set_index("code")
    assert len(source) == 648
    ours = mapping.table.set_index("code").loc[source.index]
    assert (ours["zwaarte"] == source["zwaarte"]).all()
    assert (ours["e_categorie"].fillna("") == source["e_categorie"]).all()
    assert (ours["omschrijving"] == source["omschrijving"]).all()


def test_minimal_mapping_loads_with_class_defaults(tmp_path):
    m = load_mapping(_mapping(tmp_path, MINIMAL))
    table = m.table.set_index("code")
    assert table.loc["E33", "e_categorie"] == "overig"
    assert table.loc["E11", "e_categorie"] == "ruzie"
    assert table.loc["F12", "zwaarte"] == "zwaar" and table.loc["F12", "gewicht"] == 3.0
    assert table.loc["F010", "zwaarte"] == "licht"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "      F010: OPENBARE DRONKENSCHAP\n",
            "      F010: OPENBARE DRONKENSCHAP\n      F010: NOG EEN KEER\n",
            "komt twee keer voor",
        ),
        (
            "      F010: OPENBARE DRONKENSCHAP\n",
            "      F010: OPENBARE DRONKENSCHAP\n      f 010: NOG EEN KEER\n",
            "staat twee keer in de indeling",
        ),
        ("zwaarte: zwaar}", "zwaarte: extreem}", "onbekende zwaarte 'extreem'"),
        ("e_categorie: ruzie}", "e_categorie: vechten}", "onbekende E-categorie 'vechten'"),
        ("middel: 2", "middel: twee", "gewicht 'gewichten.middel' moet een getal zijn"),
        (
            "    naam: Overige incidenten\n",
            "    naam: Overige incidenten\n    kleur: rood\n",
            "onbekende sleutel 'kleur'",
        ),
        ("F12: {omschrijving", "F12: {omschrijvng", "onbekende sleutel 'omschrijvng'"),
        ("      F010:", "      E010:", "hoort onder klasse E"),
        ("      F010:", "      F0100000:", "geen IMK-code"),
        ("e_categorieen: [ruzie, overig]", "e_categorieen: [ruzie, overig\n", "regel"),
    ],
)
def test_mapping_errors_name_the_file_key_and_value(tmp_path, old, new, message):
    assert old in MINIMAL
    path = _mapping(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(UserError) as caught:
        load_mapping(path)
    assert message in caught.value.message
    assert str(path) in caught.value.message


def test_broken_yaml_names_the_line(tmp_path):
    path = _mapping(tmp_path, MINIMAL.replace("  F:\n", "  F\n    - oops: [\n"))
    with pytest.raises(UserError, match=r"regel \d+"):
        load_mapping(path)


def test_e_codes_cannot_be_made_heavier(tmp_path):
    path = _mapping(
        tmp_path, MINIMAL.replace("E33: OVERLAST DOOR VERWARD PERSOON", "E33: {omschrijving: X, zwaarte: zwaar}")
    )
    with pytest.raises(UserError, match="E-codes zijn altijd 'licht'"):
        load_mapping(path)


# --- settings --------------------------------------------------------------------------------------------


def test_default_settings(settings):
    assert settings.van == pd.Timestamp("2019-06-01") and settings.tot == pd.Timestamp("2022-05-31")
    assert settings.windows == ("6 mnd voor", "3 mnd voor", "tijdens", "3 mnd na", "6 mnd na")
    assert settings.age_labels == ("<18", "18-25", "26-35", "36-45", "46-55", "56-65", "66-75", "76-85", "86+")
    assert (settings.tests.min_group_size, settings.change_groups.many_from, settings.tests.alpha) == (10, 10, 0.05)
    assert settings.roles is None and settings.unknown_codes.action == "stoppen"
    effect = settings.effect
    assert (effect.primary, effect.cohort_months, effect.anticipation_months, effect.lead_months) == (
        "cohort",
        6,
        3,
        12,
    )


def test_effect_settings_may_be_left_out_and_take_their_defaults(tmp_path):
    """An older settings file with only the anticipation period still runs, with the documented defaults;
    anticipation beyond lang_maanden is allowed now (the sensitivity analysis goes to 6)."""
    path = _settings_with(tmp_path, lambda d: d.update(effect={"anticipatie_maanden": 7}))
    s = load_settings(path)
    assert (s.effect.anticipation_months, s.effect.lead_months, s.effect.lead_block_months, s.effect.power) == (
        7,
        12,
        3,
        0.8,
    )
    assert s.effect.primary == "cohort" and s.effect.cohort_months == 6


def _settings_with(tmp_path, change):
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "analysis.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(extra=1), "onbekende sleutel 'extra'"),
        (lambda d: d["toetsen"].update(alfa=0.05), "onbekende sleutel 'alfa'"),
        (lambda d: d["toetsen"].update(alpha="vijf procent"), "'toetsen.alpha' moet een getal zijn"),
        (lambda d: d["periode"].update(van="01-06-2019x"), "moet een datum zijn"),
        (lambda d: d["periode"].update(tot="2019-01-01"), "moet na"),
        (lambda d: d["vensters"].update(kort_maanden=6), "moet kleiner zijn"),
        (lambda d: d.update(leeftijdsgrenzen=[18, 18, 30]), "oplopende lijst"),
        (lambda d: d.update(rollen="sommige"), "'rollen' moet 'alle' zijn of een lijst"),
        (lambda d: d["onbekende_codes"].update(actie="negeren"), "moet een van stoppen, terugval zijn"),
        (lambda d: d.pop("periode"), "sleutel 'periode' ontbreekt"),
        (lambda d: d["veranderingsgroepen"].update(veel_vanaf=2.5), "geheel getal"),
        (lambda d: d["veranderingsgroepen"].update(nul_herhalingen=10), "'veranderingsgroepen.nul_herhalingen'"),
        (lambda d: d["effect"].update(primair="beste"), "'effect.primair' moet een van cohort, comparison"),
        (lambda d: d["effect"].update(anticipatie_maanden=12), "kleiner zijn dan 'effect.voorperiode_maanden'"),
        (lambda d: d["effect"].update(power=1.5), "'effect.power' moet een getal zijn tussen 0 en 1"),
        (lambda d: d["effect"].update(voorperiode_blok_maanden=0), "'effect.voorperiode_blok_maanden'"),
        # strict: a value of another kind is refused, never converted
        (lambda d: d["vergelijkingsgroep"].update(hoofdschatting=0), "'vergelijkingsgroep.hoofdschatting' moet true"),
        (lambda d: d["vergelijkingsgroep"].update(k=True), "'vergelijkingsgroep.k' moet een geheel getal zijn"),
        (lambda d: d["vensters"].update(lang_maanden="6"), "'vensters.lang_maanden' moet een geheel getal zijn"),
        (lambda d: d["periode"].update(van=dt.datetime(2019, 6, 1, 12)), "'periode.van' moet een datum zijn"),
        (lambda d: d.update(toetsen=5), "'toetsen' moet een onderdeel zijn met de sleutels alpha, min_groepsgrootte"),
        (lambda d: d["dominantie"].update(grootste=0.9), "mag niet kleiner zijn dan 'dominantie.grootste'"),
        (lambda d: d["invoer"]["bvh"].update(kolommen={"Pleegdatum": "pleegdatum"}), "geen kolom van dit bestand"),
        (lambda d: d["vergelijkingsgroep"].update(latere_clienten_na_maanden=-1), "of false (nooit)"),
    ],
)
def test_settings_errors_name_the_key(tmp_path, change, message):
    path = _settings_with(tmp_path, change)
    with pytest.raises(UserError) as caught:
        load_settings(path)
    assert message in caught.value.message and str(path) in caught.value.message


def test_every_problem_of_a_settings_file_is_named_at_once(tmp_path):
    def two_problems(d):
        d["toetsen"].update(alpha=2)
        d["effect"].update(power="hoog")

    with pytest.raises(UserError) as caught:
        load_settings(_settings_with(tmp_path, two_problems))
    lines = caught.value.message.splitlines()
    assert len(lines) == 2 and "'toetsen.alpha'" in lines[0] and "'effect.power'" in lines[1]


def test_never_and_zero_months_are_told_apart(tmp_path):
    for value, expected in ((0, 0), (False, None), (None, None), (12, 12)):
        path = _settings_with(tmp_path, lambda d, v=value: d["vergelijkingsgroep"].update(latere_clienten_na_maanden=v))
        assert load_settings(path).matching.later_clients_months == expected


def test_the_settings_used_read_back_as_the_same_settings(settings):
    """with_values checks a changed copy like a file: a copy without changes is the same settings."""
    assert settings.with_values({}) == settings
    assert settings.with_values({"vensters.lang_maanden": 12}).windows[0] == "12 mnd voor"


@pytest.mark.parametrize("date", ["2019-13-01", "2019-02-30"])
def test_an_impossible_date_names_its_line(tmp_path, date):
    path = tmp_path / "analysis.yaml"
    path.write_text(CONFIG.read_text(encoding="utf-8").replace("  van: 2019-06-01", f"  van: {date}"), encoding="utf-8")
    with pytest.raises(UserError, match=rf"regel \d+, kolom \d+: '{date}' is geen bestaande datum"):
        load_settings(path)


def test_role_list_is_normalised(tmp_path):
    path = _settings_with(tmp_path, lambda d: d.update(rollen=["Verdachte ", "betrokkene"]))
    assert load_settings(path).roles == ("betrokkene", "verdachte")


def test_missing_files_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="bestand niet gevonden"):
        load_settings(tmp_path / "nope.yaml")
    with pytest.raises(UserError, match="bestand niet gevonden"):
        load_mapping(tmp_path / "nope.yaml")
    assert MAPPING.exists()


DEEP = "[" * 400 + "]" * 400
BIG = "1" * 5000


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        # values YAML cannot read: named by line, never an internal error (an independent attack found these)
        ("  datum: 2022-11-30", "  datum: !!timestamp foo", "regel"),
        ("  power: 0.8", "  power: !!float abc", "is niet te lezen als getal"),
        ("  primair: cohort", "  primair: !!bool maybe", "is niet te lezen als true of false"),
        ("  nul_seed: 20231130", "  nul_seed: !!int 08", "is niet te lezen als geheel getal"),
        ("  k: 3", f"  k: {BIG}", "is niet te lezen als geheel getal"),
        ("rollen: alle", "rollen: {[a, b]: x}", "een sleutel moet een naam zijn"),
        ("rollen: alle", f"rollen: {DEEP}", "niveaus diep genest"),
        ("rollen: alle", "rollen: alle\n1: x", "'1' is geen geldige sleutel"),
        # values the rules refuse rather than rewrite
        ("  van: 2019-06-01", '  van: "20190601"', "'periode.van' moet een datum zijn geschreven als JJJJ-MM-DD"),
        ("  datum: 2022-11-30", '  datum: "2022-W48-3"', "'rapport.datum' moet een datum zijn"),
        ("  contact: het secretariaat", "  contact: 0201234567\n  x_: het secretariaat", "'rapport.contact' moet een"),
        ("  titel: Rendementsanalyse", '  titel: "Analyse \\ud800"\n  x_: Rendementsanalyse', "'rapport.titel' moet"),
        ("  titel: Rendementsanalyse", '  titel: "A \\0 b"\n  x_: Rendementsanalyse', "zonder stuurtekens"),
    ],
)
def test_a_value_that_cannot_be_read_or_would_be_rewritten_stops_with_file_and_place(tmp_path, old, new, says):
    text = CONFIG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "analysis.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_settings(path)
    assert str(path) in caught.value.message and says in caught.value.message, caught.value.message
