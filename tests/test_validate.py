"""Validation against the schemas (SPEC §2): every failure with file, row, column, value and rule."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.errors import UserError
from pipeline.io.readers import read_table
from pipeline.stages.validate import validate
from tests.conftest import raw, write

GOOD_CLIENTS = "client_id,geslacht,leeftijd,ico_start,ico_eind\nA,M,30,2020-08-31,2020-09-30\nB,vrouw,12,2020-02-01,\n"
GOOD_BVH = "client_id,registratienummer,datum,imk_code,imk_omschrijving,rol\nA,PL1,2020-09-01,e 33,X,Verdachte\n"


def problems(clients: str, bvh: str) -> list[tuple]:
    with pytest.raises(UserError) as caught:
        validate(raw(clients, "clients.csv"), raw(bvh, "bvh.csv"))
    return [(p.file, p.row, p.column, p.value, p.rule) for p in caught.value.problems]


def test_good_input_is_typed():
    clients, bvh = validate(raw(GOOD_CLIENTS), raw(GOOD_BVH))
    assert list(clients["geslacht"]) == ["man", "vrouw"]
    assert clients["leeftijd"].tolist() == [30, 12]
    assert clients["ico_start"].iloc[0] == pd.Timestamp("2020-08-31")
    assert pd.isna(clients["ico_eind"].iloc[1])
    assert bvh["imk_code"].iloc[0] == "E33" and bvh["rol"].iloc[0] == "verdachte"
    assert clients["bron_rij"].tolist() == [2, 3] and bvh["bron_rij"].tolist() == [2]


def test_every_failure_is_reported_with_row_column_value_and_rule():
    clients = (
        "client_id,geslacht,leeftijd,ico_start,ico_eind\n"
        "A,M,30,2020-08-31,2020-09-30\n"
        "B,q,-1,2020-02-30,\n"  # row 3: unknown sex, negative age, impossible date
        "A,V,abc,2020-05-01,2020-04-01\n"  # row 4: duplicate id, non-numeric age, end before start
        ",X,20.5,2020-05-01,\n"  # row 5: empty id, age not whole
    )
    bvh = (
        "client_id,registratienummer,datum,imk_code\n"
        "A,,2020-13-01,F010\n"  # row 2: empty number, impossible date
        "A,2,2020-01-01,33\n"  # row 3: malformed code
    )
    got = problems(clients, bvh)
    rules = {(f, r, c): v for f, r, c, v, _ in got}
    assert rules == {
        ("clients.csv", 2, "client_id"): "A",
        ("clients.csv", 4, "client_id"): "A",
        ("clients.csv", 3, "geslacht"): "q",
        ("clients.csv", 3, "leeftijd"): "-1",
        ("clients.csv", 3, "ico_start"): "2020-02-30",
        ("clients.csv", 4, "leeftijd"): "abc",
        ("clients.csv", 4, "ico_eind"): "2020-04-01",
        ("clients.csv", 5, "client_id"): "",
        ("clients.csv", 5, "leeftijd"): "20.5",
        ("bvh.csv", 2, "registratienummer"): "",
        ("bvh.csv", 2, "datum"): "2020-13-01",
        ("bvh.csv", 3, "imk_code"): "33",
    }
    by_key = {(f, r, c): rule for f, r, c, _, rule in got}
    assert "uniek" in by_key[("clients.csv", 2, "client_id")]
    assert "man, vrouw of onbekend" in by_key[("clients.csv", 3, "geslacht")]
    assert "0 tot en met 110" in by_key[("clients.csv", 3, "leeftijd")]
    assert "vóór ico_start" in by_key[("clients.csv", 4, "ico_eind")]
    assert "IMK-code" in by_key[("bvh.csv", 3, "imk_code")]


def test_missing_column_names_itself_and_the_columns_found():
    got = problems("client_id,geslacht,leeftijd,ico_start\nA,M,30,2020-01-01\n", GOOD_BVH)
    assert got == [
        (
            "clients.csv",
            None,
            "ico_eind",
            None,
            "verplichte kolom ontbreekt (gevonden kolommen: client_id, geslacht, leeftijd, ico_start)",
        )
    ]


@pytest.mark.parametrize(
    ("sex", "expected"),
    [
        ("M", "man"),
        ("m", "man"),
        ("man", "man"),
        ("Man", "man"),
        (" V ", "vrouw"),
        ("v", "vrouw"),
        ("vrouw", "vrouw"),
        ("VROUW", "vrouw"),
        ("X", "onbekend"),
        ("onbekend", "onbekend"),
    ],
)
def test_sex_spellings(sex, expected):
    clients, _ = validate(
        raw(f"client_id,geslacht,leeftijd,ico_start,ico_eind\nA,{sex},30,2020-01-01,\n"), raw(GOOD_BVH)
    )
    assert clients["geslacht"].iloc[0] == expected


@pytest.mark.parametrize("age", ["0", "12", "92", "110"])
def test_age_range_accepts_the_ends(age):
    clients, _ = validate(
        raw(f"client_id,geslacht,leeftijd,ico_start,ico_eind\nA,M,{age},2020-01-01,\n"), raw(GOOD_BVH)
    )
    assert clients["leeftijd"].iloc[0] == int(age)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"", "het bestand is leeg"),
        (b"\x00\x01\x02garbage\x00", "geen tekstbestand"),
        (b"client_id,geslacht\n", "geen rijen onder de kopregel"),
    ],
)
def test_unreadable_files(tmp_path, text, message):
    path = tmp_path / "clients.csv"
    path.write_bytes(text)
    with pytest.raises(UserError, match=message):
        read_table(path)


def test_reader_strips_and_lowercases_headers(tmp_path):
    path = write(tmp_path, "bvh.csv", "Client_ID , Registratienummer,DATUM,IMK code\nA,1,2020-01-01,E33\n")
    assert list(read_table(path).frame.columns) == ["client_id", "registratienummer", "datum", "imk_code"]


def test_semicolon_windows_1252_and_day_first_dates(tmp_path):
    text = "client_id;geslacht;leeftijd;ico_start;ico_eind\nA;V;30;31-08-2020;30/09/2020\nB;m;40;2020-01-02;\n"
    path = tmp_path / "clients.csv"
    path.write_bytes(text.replace("A;", "Ä;").encode("cp1252"))
    clients, _ = validate(read_table(path), raw(GOOD_BVH))
    assert clients["client_id"].tolist() == ["Ä", "B"]
    assert clients["ico_start"].tolist() == [pd.Timestamp("2020-08-31"), pd.Timestamp("2020-01-02")]
    assert clients["ico_eind"].iloc[0] == pd.Timestamp("2020-09-30")


def test_bom_is_not_part_of_the_first_header(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_CLIENTS.encode("utf-8"))
    assert read_table(path).frame.columns[0] == "client_id"


def test_each_date_column_is_parsed_once(monkeypatch):
    """Parse once: the checks see the parsed values; nothing parses the text a second time."""
    import schemas.bvh
    import schemas.clients

    calls: list[int] = []
    real = schemas.clients.parse_dates

    def counting(text):
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(schemas.clients, "parse_dates", counting)
    monkeypatch.setattr(schemas.bvh, "parse_dates", counting)
    validate(raw(GOOD_CLIENTS), raw(GOOD_BVH))
    assert len(calls) == 4  # ico_start, ico_eind, overleden; datum


def test_an_end_before_its_start_is_the_end_dates_problem():
    got = problems(
        "client_id,geslacht,leeftijd,ico_start,ico_eind\nA,M,30,2020-05-01,2020-04-30\nB,V,30,2020-05-01,2020-05-01\n",
        GOOD_BVH,
    )
    assert got == [("clients.csv", 2, "ico_eind", "2020-04-30", "ico_eind mag niet vóór ico_start liggen")]
