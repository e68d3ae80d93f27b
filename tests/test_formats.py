"""Every form an export arrives in gives the same results as the canonical CSV (issues 4 and 15): ';' with a
BOM, Windows-1252 with DD-MM-YYYY dates, DD/MM/YYYY, dates with a time of day, UTF-16 (Excel's "Unicode
text"), tab and '|' separators, trailing separators, a title above the header, an Excel workbook with date cells,
the export's own column names and a hidden sheet, LibreOffice's .ods and Excel 97's .xls. What cannot be read
right (a formula without its value, a zip bomb, 20,000 columns) is refused at once, with the cell or the limit
named."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import schemas
from pipeline.analysis.analyse import analyse
from pipeline.errors import UserError
from pipeline.io.outputs import to_json
from pipeline.io.readers import read_table
from pipeline.stages.align import align
from pipeline.stages.classify import classify
from pipeline.stages.validate import validate
from pipeline.workflow.validate import read_input
from tests.conftest import SYNTHETIC

CLIENTS = pd.read_csv(SYNTHETIC / "clients.csv", dtype=str, keep_default_na=False)
BVH = pd.read_csv(SYNTHETIC / "bvh.csv", dtype=str, keep_default_na=False)
DATES = {"clients": ["ico_start", "ico_eind"], "bvh": ["datum"]}
OWN_HEADERS = {
    "registratienummer": "Registratienummer",
    "datum": "Pleegdatum",
    "imk_code": "Maatschappelijke klasse code",
    "rol": "Rol",
    "client_id": "Client ID",
}


def _results(settings, mapping, clients_path, bvh_path) -> str:
    clients, bvh = validate(
        read_input(clients_path, settings.inputs.clients, schemas.clients.REQUIRED),
        read_input(bvh_path, settings.inputs.bvh, schemas.bvh.REQUIRED),
    )
    rows, aligned = align(bvh, clients, settings)
    results, _ = analyse(classify(rows, mapping, settings), aligned, mapping, settings)
    return to_json(results.to_dict())


def _redate(frame: pd.DataFrame, columns: list[str], fmt: str) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        parsed = pd.to_datetime(out[c], format="%Y-%m-%d", errors="coerce")
        out[c] = parsed.dt.strftime(fmt).fillna("")
    return out


@pytest.fixture(scope="module")
def canonical(settings, mapping) -> str:
    return _results(settings, mapping, SYNTHETIC / "clients.csv", SYNTHETIC / "bvh.csv")


def test_semicolon_with_bom(settings, mapping, canonical, tmp_path):
    for name, frame in (("clients", CLIENTS), ("bvh", BVH)):
        (tmp_path / f"{name}.csv").write_bytes(frame.to_csv(index=False, sep=";").encode("utf-8-sig"))
    assert _results(settings, mapping, tmp_path / "clients.csv", tmp_path / "bvh.csv") == canonical


@pytest.mark.parametrize(("fmt", "encoding", "sep"), [("%d-%m-%Y", "cp1252", ";"), ("%d/%m/%Y", "utf-8", ",")])
def test_day_first_dates_and_windows_1252(settings, mapping, canonical, tmp_path, fmt, encoding, sep):
    for name, frame in (("clients", CLIENTS), ("bvh", BVH)):
        text = _redate(frame, DATES[name], fmt).to_csv(index=False, sep=sep, lineterminator="\r\n")
        (tmp_path / f"{name}.csv").write_bytes(text.encode(encoding))
    assert _results(settings, mapping, tmp_path / "clients.csv", tmp_path / "bvh.csv") == canonical


def test_excel_with_date_cells_own_headers_and_a_named_sheet(settings, mapping, canonical, tmp_path):
    for name, frame in (("clients", CLIENTS), ("bvh", BVH)):
        book = openpyxl.Workbook()
        book.active.title = "Toelichting"
        book.active.append(["Export uit BVH, vertrouwelijk"])
        sheet = book.create_sheet("Gegevens")
        headers = [OWN_HEADERS.get(c, c) if name == "bvh" else c for c in frame.columns]
        sheet.append(headers)
        for row in frame.itertuples(index=False):
            cells = []
            for column, value in zip(frame.columns, row, strict=True):
                if column in DATES[name] and value:
                    cells.append(pd.Timestamp(value).to_pydatetime())
                elif column == "leeftijd":
                    cells.append(int(value))
                else:
                    cells.append(value or None)
            sheet.append(cells)
        book.save(tmp_path / f"{name}.xlsx")
    renamed = settings.with_values(
        {
            "invoer.bvh": {"blad": "Gegevens", "kolommen": {v: k for k, v in OWN_HEADERS.items()}},
            "invoer.clienten": {"blad": "Gegevens"},
        }
    )
    assert _results(renamed, mapping, tmp_path / "clients.xlsx", tmp_path / "bvh.xlsx") == canonical


def test_headers_match_without_case_and_spaces(settings, mapping, canonical, tmp_path):
    CLIENTS.rename(columns=lambda c: f" {c.upper()} ").to_csv(tmp_path / "clients.csv", index=False)
    BVH.rename(columns=lambda c: c.replace("_", " ").title()).to_csv(tmp_path / "bvh.csv", index=False)
    assert _results(settings, mapping, tmp_path / "clients.csv", tmp_path / "bvh.csv") == canonical


def _write_both(tmp_path, suffix: str, write) -> tuple:
    for name, frame in (("clients", CLIENTS), ("bvh", BVH)):
        write(frame, name, tmp_path / f"{name}{suffix}")
    return tmp_path / f"clients{suffix}", tmp_path / f"bvh{suffix}"


def _with_times(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Dates as Excel exports them with a time of day: '01-06-2019 00:00', a registration at '14:35'."""
    out = _redate(frame, DATES[name], "%d-%m-%Y")
    for c in DATES[name]:
        filled = out[c] != ""
        out.loc[filled, c] = out.loc[filled, c] + (" 14:35" if name == "bvh" else " 00:00")
    return out


def test_dates_with_a_time_of_day(settings, mapping, canonical, tmp_path):
    paths = _write_both(tmp_path, ".csv", lambda f, n, p: _with_times(f, n).to_csv(p, index=False, sep=";"))
    assert _results(settings, mapping, *paths) == canonical


@pytest.mark.parametrize(("sep", "encoding"), [("\t", "utf-16"), ("\t", "utf-8"), ("|", "utf-8"), (",", "utf-16")])
def test_utf16_tab_and_pipe_separated(settings, mapping, canonical, tmp_path, sep, encoding):
    def write(frame, name, path):
        path.write_bytes(frame.to_csv(index=False, sep=sep, lineterminator="\r\n").encode(encoding))  # with BOM

    assert _results(settings, mapping, *_write_both(tmp_path, ".txt", write)) == canonical


def test_a_title_above_the_header_and_two_trailing_separators(settings, mapping, canonical, tmp_path):
    def write(frame, name, path):
        body = frame.to_csv(index=False, sep=";", lineterminator="\n").replace("\n", ";;\n")
        path.write_text(f"Export {name} politie-eenheid;;\nAangemaakt 2022-06-01;;\n;;\n{body}", encoding="utf-8")

    assert _results(settings, mapping, *_write_both(tmp_path, ".csv", write)) == canonical


def _book(frame: pd.DataFrame, name: str, *, title: bool, hidden_first: bool) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    decoy = book.active
    decoy.title = "Oud"
    decoy.append(list(frame.columns))
    decoy.append(["niet", "deze", "gegevens"])
    if hidden_first:
        decoy.sheet_state = "hidden"
    sheet = book.create_sheet("Export")
    if title:
        sheet.append([f"Rapportage {name}, vertrouwelijk"])
        sheet.append([])
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            if column in DATES[name] and value:
                stamp = pd.Timestamp(value) + (pd.Timedelta(hours=9, minutes=5) if name == "bvh" else pd.Timedelta(0))
                cells.append(stamp.to_pydatetime())
            elif column == "leeftijd":
                cells.append(int(value))
            else:
                cells.append(value or None)
        sheet.append(cells)
    return book


def test_xlsx_with_a_title_row_and_a_hidden_first_sheet(settings, mapping, canonical, tmp_path):
    def write(frame, name, path):
        _book(frame, name, title=True, hidden_first=True).save(path)

    assert _results(settings, mapping, *_write_both(tmp_path, ".xlsx", write)) == canonical


def test_ods_as_libreoffice_saves_it(settings, mapping, canonical, tmp_path):
    def write(frame, name, path):
        typed = frame.copy()
        for c in DATES[name]:
            typed[c] = pd.to_datetime(typed[c].replace("", None))
        if "leeftijd" in typed:
            typed["leeftijd"] = typed["leeftijd"].astype(int)
        typed.replace("", None).to_excel(path, index=False, engine="odf", sheet_name="Export")

    assert _results(settings, mapping, *_write_both(tmp_path, ".ods", write)) == canonical


def test_an_excel_97_workbook_with_date_cells(settings, mapping, canonical):
    """The client list as .xls (BIFF8, written once by scripts/make_xls_fixture.py: nothing here writes .xls)."""
    fixture = Path(__file__).parent / "fixtures" / "clients.xls"
    from_xls = read_input(fixture, settings.inputs.clients, schemas.clients.REQUIRED)
    assert from_xls.frame["client_id"].tolist() == CLIENTS["client_id"].tolist(), (
        "tests/fixtures/clients.xls is older than the synthetic client list: run scripts/make_xls_fixture.py"
    )
    assert _results(settings, mapping, fixture, SYNTHETIC / "bvh.csv") == canonical


def test_the_header_row_can_be_named_in_the_settings(settings, mapping, canonical, tmp_path):
    def write(frame, name, path):
        # a first row that holds the column names too (a sample row above the export): the settings say row 3
        header = ";".join(frame.columns)
        path.write_text(f"{header}\nvoorbeeld\n" + frame.to_csv(index=False, sep=";"), encoding="utf-8")

    paths = _write_both(tmp_path, ".csv", write)
    fixed = settings.with_values({"invoer.bvh.kopregel": 3, "invoer.clienten.kopregel": 3})
    assert _results(fixed, mapping, *paths) == canonical


def test_a_formula_without_its_value_is_refused_with_the_cell(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["client_id", "geslacht", "leeftijd", "ico_start", "ico_eind"])
    sheet.append(["K1", "man", 30, "2020-01-01", "=D2+90"])  # openpyxl stores the formula, no result
    path = tmp_path / "clients.xlsx"
    book.save(path)
    with pytest.raises(UserError, match=r"formule zonder opgeslagen uitkomst, eerste E2"):
        read_table(path, expected=schemas.clients.REQUIRED)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bvh.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            block = b"<c>" + b"0" * (1024**2 - 3)
            for _ in range(64):
                part.write(block)  # 64 MB that packs to a few hundred KB
    assert path.stat().st_size < 2 * 1024**2
    with pytest.raises(UserError, match="keer ingepakt"):
        read_table(path)


def test_twenty_thousand_columns_are_refused_at_the_header(tmp_path):
    path = tmp_path / "clients.csv"
    header = ",".join(["client_id", "geslacht", "leeftijd", "ico_start", "ico_eind"] + [""] * 20_000)
    row = ",".join(["K1", "man", "30", "2020-01-01", "2020-06-01"] + [""] * 20_000)
    path.write_text("\n".join([header] + [row] * 200) + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"20\.005 kolommen"):
        read_table(path, expected=schemas.clients.REQUIRED)


def test_a_nameless_column_with_values_is_refused(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text("client_id,geslacht,,leeftijd\nK1,man,x,30\n", encoding="utf-8")
    with pytest.raises(UserError, match="kolom 3 heeft geen naam"):
        read_table(path)


@pytest.mark.parametrize(
    ("column", "value"),
    [("leeftijd", "1e1"), ("leeftijd", "10.0"), ("ico_start", "01-01-0020"), ("ico_start", "01-01-20")],
)
def test_numbers_and_years_are_read_strictly(tmp_path, column, value):
    row = {"client_id": "K1", "geslacht": "man", "leeftijd": "30", "ico_start": "2020-01-01", "ico_eind": ""}
    row[column] = value
    path = tmp_path / "clients.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    bvh = tmp_path / "bvh.csv"
    bvh.write_text("client_id,registratienummer,datum,imk_code\nK1,R1,2020-02-01,E33\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        validate(read_table(path), read_table(bvh))
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, column)]
