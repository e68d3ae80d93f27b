"""Classification (SPEC §4): normalised codes, leading zeros, unknown codes."""

from __future__ import annotations

import pytest

from pipeline.errors import UserError
from pipeline.stages.align import align
from pipeline.stages.classify import classify
from schemas.parsing import normalise_code
from tests.conftest import typed


def test_normalise_code_keeps_leading_zeros():
    assert normalise_code("e 33") == "E33"
    assert normalise_code(" f010 ") == "F010"
    assert normalise_code("F010") != normalise_code("F10")
    assert normalise_code("f807a") == "F807A"


def _rows(codes: list[str], settings):
    clients, bvh = typed(
        [{"client_id": "A", "geslacht": "V", "leeftijd": "40", "ico_start": "2020-08-31", "ico_eind": "2020-09-30"}],
        [
            {"client_id": "A", "registratienummer": str(i), "datum": "2020-09-01", "imk_code": c, "rol": ""}
            for i, c in enumerate(codes)
        ],
    )
    return align(bvh, clients, settings)[0]


def test_codes_in_lower_case_or_with_spaces_are_found(settings, mapping):
    out = classify(_rows(["e 33", "F010", "f10", "E11"], settings), mapping, settings)
    assert list(out["imk_code"]) == ["E33", "F010", "F10", "E11"]
    assert list(out["klasse"]) == ["E", "F", "F", "E"]
    assert list(out["e_categorie"].fillna("-")) == ["verward persoon", "-", "-", "ruzie"]
    # F010 (openbare dronkenschap) and F10 are different codes with their own rows in the mapping
    table = mapping.table.set_index("code")
    assert table.loc["F010", "omschrijving"] != table.loc["F10", "omschrijving"]
    assert list(out["zwaarte"]) == [table.loc[c, "zwaarte"] for c in ["E33", "F010", "F10", "E11"]]
    assert list(out["gewicht"]) == [mapping.weights[z] for z in out["zwaarte"]]


def test_unknown_codes_stop_the_run_with_every_code_and_its_count(settings, mapping):
    with pytest.raises(UserError) as caught:
        classify(_rows(["E33", "X12", "F999", "X12"], settings), mapping, settings)
    problems = {p.value: p.rule for p in caught.value.problems}
    assert problems == {
        "X12": "IMK-code niet in de indeling, 2 rij(en)",
        "F999": "IMK-code niet in de indeling, 1 rij(en)",
    }
    assert "onbekende_codes" in caught.value.message


def test_unknown_codes_fall_back_when_the_settings_say_so(settings, mapping):
    fallback = settings.with_values({"onbekende_codes.actie": "terugval", "onbekende_codes.terugval_zwaarte": "middel"})
    out = classify(_rows(["E999", "A999", "R1"], settings), mapping, fallback)
    assert list(out["klasse"]) == ["E", "A", "R"]
    assert list(out["onbekende_code"]) == [True, True, True]
    # E: always licht, the fallback category; A: its class default (middel); R: a class the mapping lacks
    assert list(out["zwaarte"]) == ["licht", "middel", "middel"]
    assert out["e_categorie"].iloc[0] == "overig"
    assert out["klasse_naam"].iloc[2] == "Onbekende klasse"


def test_fallback_severity_must_exist(settings, mapping):
    bad = settings.with_values({"onbekende_codes.actie": "terugval", "onbekende_codes.terugval_zwaarte": "extreem"})
    with pytest.raises(UserError, match="extreem"):
        classify(_rows(["E33"], settings), mapping, bad)
