"""pseudonymise either replaces every id in the file or exits non-zero and writes nothing."""

from __future__ import annotations

import re
import string

import openpyxl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.io.readers import read_cells
from pipeline.tools.pseudonymise import PSEUDONYM, pseudonymise_file

KEY = "3f9c2a7d5e8b1c4f6a0d9e2b7c5a8f1e3d6b9c2a5f8e1d4c7b0a3f6e9d2c5b8a"


@pytest.fixture
def key(tmp_path):
    path = tmp_path / "sleutel.key"
    path.write_text(KEY + "\n", encoding="utf-8")
    return path


def _run(key, src, dst, *extra: str) -> int:
    return main(["--quiet", "pseudonymise", "--key-file", str(key), "--in", str(src), "--out", str(dst), *extra])


def test_an_unmatched_quote_is_refused_with_its_row_and_nothing_written(tmp_path, key, capsys):
    src = tmp_path / "bvh.csv"
    lines = ["client_id;registratienummer;datum"] + [f"K{i};R{i};2020-01-01" for i in range(300)]
    lines[50] = 'K49;"R49;2020-01-01'  # the quote is never closed: the rest of the file would be one cell
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _run(key, src, tmp_path / "out.csv") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "rij 51" in err, err
    assert "R49" not in err  # the contents are not shown
    assert not (tmp_path / "out.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bvh.csv", "sleutel.key"]  # no temporary file left


def test_every_spelling_of_the_id_column_is_pseudonymised(tmp_path, key):
    src = tmp_path / "c.csv"
    src.write_text("client_id,Client-ID,CLIENT ID,naam\nK1,K1,K1,x\nK2,K2,K2,y\n", encoding="utf-8")
    done = pseudonymise_file(key, src, tmp_path / "o.csv", ["client_id"])
    assert done.columns == ("client_id", "Client-ID", "CLIENT ID") and done.values == 6
    copy = read_cells(tmp_path / "o.csv")
    assert list(copy.columns) == ["client_id", "Client-ID", "CLIENT ID", "naam"]  # headers as the file spells them
    assert copy.iloc[:, :3].map(lambda v: bool(PSEUDONYM.fullmatch(v))).all().all()
    assert copy.iloc[0, 0] == copy.iloc[0, 1] == copy.iloc[0, 2] and list(copy["naam"]) == ["x", "y"]


def test_an_id_left_in_another_column_stops_it(tmp_path, key, capsys):
    src = tmp_path / "c.csv"
    src.write_text("client_id;betrokkene;datum\nK1;K2;2020-01-01\nK2;;2020-01-02\n", encoding="utf-8")
    assert _run(key, src, tmp_path / "o.csv") == 2
    err = capsys.readouterr().err
    assert "'betrokkene'" in err and "K2" not in err
    assert not (tmp_path / "o.csv").exists()


def _book(path, hidden: bool) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Gegevens"
    book.active.append(["Client ID", "datum"])
    book.active.append(["K1", "2020-01-01"])
    other = book.create_sheet("Oud")
    other.append(["client_id"])
    other.append(["K9"])
    if hidden:
        other.sheet_state = "hidden"
    book.save(path)


@pytest.mark.parametrize("hidden", [False, True])
def test_a_workbook_with_more_sheets_needs_sheet_and_keeps_only_that_one(tmp_path, key, capsys, hidden):
    src = tmp_path / "in.xlsx"
    _book(src, hidden)
    assert _run(key, src, tmp_path / "out.xlsx") == 2
    assert "2 bladen" in capsys.readouterr().err and not (tmp_path / "out.xlsx").exists()
    assert _run(key, src, tmp_path / "out.xlsx", "--sheet", "Gegevens") == 0
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["Gegevens"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("Client ID", "datum") and PSEUDONYM.fullmatch(rows[1][0]) and rows[1][1] == "2020-01-01"


def test_swapped_key_and_input_never_show_the_key(tmp_path, key, capsys):
    src = tmp_path / "c.csv"
    src.write_text("client_id;naam\nK1;x\n", encoding="utf-8")
    assert _run(src, key, tmp_path / "o.csv") == 2  # --key-file the export, --in the key
    err = capsys.readouterr().err
    assert KEY not in err and KEY[:16] not in err and "K1" not in err and "verwisseld" in err
    assert not (tmp_path / "o.csv").exists()


def test_a_key_file_given_as_input_does_not_echo_it(tmp_path, key, capsys):
    other = tmp_path / "other.key"
    other.write_text(KEY[::-1], encoding="utf-8")
    assert _run(other, key, tmp_path / "o.csv") == 2  # the key file as the export: one line, no column
    err = capsys.readouterr().err
    assert KEY not in err and KEY[:12] not in err and "Traceback" not in err


def test_an_existing_output_is_not_overwritten(tmp_path, key):
    src = tmp_path / "c.csv"
    src.write_text("client_id\nK1\n", encoding="utf-8")
    (tmp_path / "o.csv").write_text("mine", encoding="utf-8")
    assert _run(key, src, tmp_path / "o.csv") == 2
    assert (tmp_path / "o.csv").read_text(encoding="utf-8") == "mine"


def test_windows_1252_with_crlf_stays_so_and_rows_in_equal_rows_out(tmp_path, key):
    src = tmp_path / "c.csv"
    src.write_bytes("client_id;plaats\r\nK1;Zoetermeer – Oost\r\n\r\nK2;Cliëntstraat\r\n".encode("cp1252"))
    done = pseudonymise_file(key, src, tmp_path / "o.csv", ["client_id"])
    assert done.rows_in == done.rows_out == 3  # the blank line is a row of the file and stays one
    data = (tmp_path / "o.csv").read_bytes()
    text = data.decode("cp1252")
    assert "\r\n" in text and "Cliëntstraat" in text and "K1" not in text and "K2" not in text


ids = st.text(string.ascii_uppercase + string.digits + " -", min_size=1, max_size=8).filter(lambda s: s.strip())


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(ids, st.text(string.ascii_lowercase + " ;,\"'", max_size=6)), min_size=1, max_size=12),
    header=st.sampled_from(["client_id", "Client ID", "CLIENT-ID", "clientId"]),
    sep=st.sampled_from([";", ","]),
)
def test_every_id_is_replaced_or_the_run_fails(tmp_path_factory, rows, header, sep):
    folder = tmp_path_factory.mktemp("p")
    key = folder / "k"
    key.write_text(KEY, encoding="utf-8")
    src = folder / "in.csv"
    body = [sep.join([header, "notitie"])]
    for ident, note in rows:
        quoted = '"' + note.replace('"', '""') + '"'
        body.append(sep.join([ident, quoted]))
    src.write_text("\n".join(body) + "\n", encoding="utf-8")
    status = _run(key, src, folder / "out.csv")
    if status != 0:
        assert status == 2 and not (folder / "out.csv").exists()
        return
    copy = read_cells(folder / "out.csv")
    assert len(copy) == len(read_cells(src))
    assert all(re.fullmatch(PSEUDONYM.pattern, v) for v in copy.iloc[:, 0])
    originals = {ident.strip() for ident, _ in rows}
    assert not copy.map(str.strip).isin(originals).any().any()


def test_an_ods_workbook_gets_an_xlsx_copy(tmp_path, key, capsys):
    import pandas as pd

    src = tmp_path / "in.ods"
    pd.DataFrame({"client_id": ["K1", "K2"], "datum": ["2020-01-01", "2020-02-01"]}).to_excel(
        src, engine="odf", index=False, sheet_name="Gegevens"
    )
    assert _run(key, src, tmp_path / "out.ods") == 2
    assert ".xlsx" in capsys.readouterr().err and not (tmp_path / "out.ods").exists()
    assert _run(key, src, tmp_path / "out.xlsx") == 0
    copy = read_cells(tmp_path / "out.xlsx", None)
    assert list(copy.columns) == ["client_id", "datum"] and len(copy) == 2
    assert all(PSEUDONYM.fullmatch(v) for v in copy["client_id"]) and list(copy["datum"]) == [
        "2020-01-01",
        "2020-02-01",
    ]
