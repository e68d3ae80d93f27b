"""Reading an input file as it arrived into a frame of text cells, with the file's own row numbers kept.

CSV with ',' or ';', in UTF-8 (with or without BOM) or Windows-1252, or an Excel workbook (.xlsx). Headers are
matched without regard to case and spaces, and a settings section can rename an export's own headers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.errors import UserError

HEADER_ROW = 1  # rows are numbered as a spreadsheet shows them: the header is row 1
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass(frozen=True)
class RawTable:
    """An input file as text: every cell a string, column names canonical; the index is the file row - 2."""

    frame: pd.DataFrame
    path: Path

    def file_row(self, index: int) -> int:
        return int(index) + HEADER_ROW + 1


def canonical_column(name: object) -> str:
    """'IMK code ', 'Imk_Code' -> 'imk_code'."""
    return "_".join(str(name).strip().lower().replace("_", " ").split())


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise UserError(f"{path}: the file is empty")
    if b"\x00" in data[:65536]:
        raise UserError(f"{path}: this is not a text (CSV) file; save the export as CSV or .xlsx")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Dutch Excel saves CSV in Windows-1252; every byte sequence decodes, so this is the last resort.
        return data.decode("cp1252", errors="replace")


def _separator(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _cells_fast(text: str, sep: str, header: str) -> pd.DataFrame | None:
    """All lines as rows of text cells by pyarrow's multi-threaded reader, or None when the file is anything but
    plain (a line with another number of fields, a line of spaces): then the careful reader takes over."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    width = len(next(csv.reader([header], delimiter=sep)))
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=sep, ignore_empty_lines=False, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    return table.to_pandas().fillna("")


def _cells_careful(path: Path, text: str, sep: str) -> pd.DataFrame:
    try:
        # header=None: the header is read as a row, so a data row with more fields than the header is an error
        # (with a header, pandas would silently turn the extra fields into an index and lose columns)
        cells = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,  # keep blank lines so row numbers stay those of the file
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise UserError(
            f"{path}: cannot read the file as CSV ({_parse_reason(str(exc))}); check quotes and separators"
        ) from None
    except pd.errors.EmptyDataError:
        raise UserError(f"{path}: the file is empty") from None
    return cells.fillna("")


def _parse_reason(message: str) -> str:
    """pandas' parser message in the file's own line numbers (pandas counts 'row' from 0, 'line' from 1)."""
    if m := re.search(r"EOF inside string starting at row (\d+)", message):
        return f"a quote opened on row {int(m[1]) + 1} is never closed"
    if m := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message):
        return f"row {m[2]} has {m[3]} fields where the header has {m[1]}"
    return message.strip().replace("C error: ", "")


def _read_csv(path: Path, data: bytes) -> pd.DataFrame:
    text = _decode(path, data)
    header = next((line for line in text.splitlines() if line.strip()), "")
    sep = _separator(header)
    cells = _cells_fast(text, sep, header)
    if cells is None:
        cells = _cells_careful(path, text, sep)
    first = int((cells != "").any(axis=1).idxmax())  # the header is the first line that is not blank
    frame = cells.iloc[first + 1 :].copy()
    frame.columns = list(cells.iloc[first])
    frame.index = frame.index - 1  # so that RawTable.file_row gives the line number in the file
    return frame


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_excel(path: Path, sheet: str | None) -> pd.DataFrame:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UserError(f"{path}: cannot open the workbook ({type(exc).__name__}: {exc})") from None
    try:
        if sheet is None:
            worksheet = book.worksheets[0]
        elif sheet in book.sheetnames:
            worksheet = book[sheet]
        else:
            raise UserError(f"{path}: no sheet named {sheet!r} (sheets: {', '.join(book.sheetnames)})")
        rows = [[_excel_cell(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        raise UserError(f"{path}: the sheet is empty")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(rows[1:], columns=rows[0], dtype="str")


@dataclass(frozen=True)
class TextFormat:
    """How a CSV file was written, so a tool can write a copy the same way."""

    encoding: str
    bom: bool
    separator: str
    newline: str


def text_format(path: Path, data: bytes) -> TextFormat:
    text = _decode(path, data)
    header = next((line for line in text.splitlines() if line.strip()), "")
    encoding = "utf-8" if _is_utf8(data) else "cp1252"
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    return TextFormat(encoding, data.startswith(b"\xef\xbb\xbf"), _separator(header), newline)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_cells(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """Every row below the header as text cells, blank rows included, under the file's own header names."""
    path = Path(path)
    try:
        data = path.read_bytes() if path.suffix.lower() not in EXCEL_SUFFIXES else b""
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a file") from None
    if path.suffix.lower() in EXCEL_SUFFIXES:
        if not path.is_file():
            raise UserError(f"{path}: file not found")
        frame = _read_excel(path, sheet)
    else:
        frame = _read_csv(path, data)
    return frame.fillna("").astype("str")


def read_table(path: Path, sheet: str | None = None, rename: Mapping[str, str] | None = None) -> RawTable:
    """The file as text cells; `rename` maps an export's own headers to the canonical names."""
    path = Path(path)
    frame = read_cells(path, sheet)
    # rows where every cell is empty are not data (a blank line, an emptied spreadsheet row); a cell of only
    # spaces counts as empty, so those few rows are looked at again
    filled = (frame != "").sum(axis=1)
    maybe_blank = filled <= 1
    if maybe_blank.any():
        spaces = frame.loc[maybe_blank].apply(lambda c: c.str.strip() != "").any(axis=1)
        frame = frame.loc[~maybe_blank | spaces.reindex(frame.index, fill_value=True)]
    if frame.empty:
        raise UserError(f"{path}: the file has no rows below its header")

    renames = {canonical_column(k): canonical_column(v) for k, v in (rename or {}).items()}
    columns = [renames.get(canonical_column(c), canonical_column(c)) for c in frame.columns]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise UserError(f"{path}: column {repeated[0]!r} occurs more than once in the header")
    frame.columns = columns
    return RawTable(frame=frame, path=path)


def workbook_sheets(path: Path) -> list[str]:
    """Every sheet of a workbook, hidden ones included: a tool that must see all data cannot trust the first."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UserError(f"{path}: cannot open the workbook ({type(exc).__name__})") from None
    try:
        return list(book.sheetnames)
    finally:
        book.close()
