"""Reading an input file as it arrived into a frame of text cells, with the file's own row numbers kept.

What police units and ZVHs really send: CSV separated by ',', ';', tab or '|', in UTF-8 (with or without BOM),
UTF-16 (Excel's "Unicode text") or Windows-1252; workbooks as .xlsx, .xlsm, .xlsb, .xls or .ods (read by
calamine, in Rust). A title or a few notes above the header are skipped: the header is the first row that holds
the expected column names (or the row the settings name). Headers are matched without regard to case and
spaces, and a settings section can rename an export's own headers. Every input is bounded (columns, cell size,
the unpacked size of a workbook), so no file makes a run take more than a few times its linear cost.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from defusedxml import ElementTree  # the workbook's XML is untrusted: no entity expansion, no external DTDs

from pipeline.errors import UserError
from schemas.raw import RawTable, canonical_column

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
SEPARATORS = (",", ";", "\t", "|")  # on a tie, the earlier one
SEPARATOR_NAMES = {";": "puntkomma", ",": "komma", "\t": "tab", "|": "verticale streep"}

# Bounds on what an input may hold: far above any real export (a client list has a dozen columns, a BVH export
# of 10 million rows is about 1 GB), far below what would exhaust the machine.
MAX_COLUMNS = 1_000
MAX_CELL_CHARS = 10_000
MAX_UNPACKED_BYTES = 2 * 1024**3  # what a workbook may unpack to
MAX_PACKING_RATIO = 200  # unpacked / packed size of one part of a workbook: a zip bomb packs far tighter
HEADER_SEARCH_ROWS = 50  # a header below this many rows of notes is not looked for


# --- text files -------------------------------------------------------------------------------------------------


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise UserError(f"{path}: het bestand is leeg")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM: Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UserError(f"{path}: UTF-16-tekst met een fout bij byte {exc.start}; sla het opnieuw op") from None
    if len(data) >= 4 and data[1:200:2].count(0) > 0.9 * len(data[1:200:2]) and data[0:200:2].count(0) == 0:
        return data.decode("utf-16-le", errors="replace")  # UTF-16 without a BOM: every second byte zero
    if b"\x00" in data[:65536]:
        raise UserError(f"{path}: dit is geen tekstbestand (CSV); sla de export op als CSV of als werkmap (.xlsx)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Dutch Excel saves CSV in Windows-1252; every byte sequence decodes, so this is the last resort.
        return data.decode("cp1252", errors="replace")


def _first_lines(text: str, n: int) -> list[str]:
    """The first n lines (split on newlines only, as CSV does), without reading the rest of the text."""
    stream, lines = io.StringIO(text, newline=""), []
    for _ in range(n):
        line = stream.readline()
        if not line:
            break
        lines.append(line)
    return lines


def _split(line: str, sep: str) -> list[str]:
    return next(csv.reader([line.rstrip("\r\n")], delimiter=sep), [])


def _holds(cells: list[object], expected: set[str], rename: Mapping[str, str]) -> bool:
    names = {rename.get(canonical_column(c), canonical_column(c)) for c in cells}
    return expected <= names


def _header_and_separator(
    path: Path, lines: list[str], expected: set[str], rename: Mapping[str, str], fixed: int | None
) -> tuple[int, str]:
    """(line index of the header, separator): the first line that holds every expected column name under some
    separator; without such a line, the first non-blank one under the separator it holds most of."""
    blank = [not line.strip() for line in lines]
    if fixed is not None:
        if fixed > len(lines) or blank[fixed - 1]:
            raise UserError(f"{path}: rij {fixed}, die de instellingen als kopregel noemen, is leeg of bestaat niet")
        candidates = [fixed - 1]
    else:
        candidates = [i for i, b in enumerate(blank) if not b]
    if not candidates:
        raise UserError(f"{path}: het bestand is leeg")
    if expected:
        for i in candidates:
            for sep in SEPARATORS:
                if sep in lines[i] and _holds(_split(lines[i], sep), expected, rename):
                    return i, sep
    first = candidates[0]
    return first, max(SEPARATORS, key=lambda s: (lines[first].count(s), -SEPARATORS.index(s)))


def _cells_fast(text: str, sep: str, width: int) -> pd.DataFrame | None:
    """All lines as rows of text cells by pyarrow's multi-threaded reader, or None when the file is anything but
    plain (a line with another number of fields, a line of spaces): then the careful reader takes over."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

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


def _cells_careful(path: Path, text: str, sep: str, offset: int) -> pd.DataFrame:
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
            f"{path}: het bestand is niet als CSV te lezen ({_parse_reason(str(exc), offset)}); controleer de "
            f"aanhalingstekens en scheidingstekens"
        ) from None
    except pd.errors.EmptyDataError:
        raise UserError(f"{path}: het bestand is leeg") from None
    return cells.fillna("")


def _parse_reason(message: str, offset: int) -> str:
    """pandas' parser message in the file's own line numbers (pandas counts 'row' from 0, 'line' from 1)."""
    if m := re.search(r"EOF inside string starting at row (\d+)", message):
        return f"een aanhalingsteken geopend in rij {int(m[1]) + 1 + offset} wordt nooit gesloten"
    if m := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message):
        return f"rij {int(m[2]) + offset} heeft {m[3]} velden waar de kopregel er {m[1]} heeft"
    return message.strip().replace("C error: ", "")


def _read_csv(
    path: Path, data: bytes, expected: set[str], rename: Mapping[str, str], fixed: int | None
) -> tuple[pd.DataFrame, int]:
    """(cells below the header under the header's names, the file row of the first of them)."""
    text = _decode(path, data)
    lines = _first_lines(text, max(HEADER_SEARCH_ROWS, fixed or 0))
    at, sep = _header_and_separator(path, lines, expected, rename, fixed)
    header = _split(lines[at], sep)
    _check_width(path, len(header))
    body = text[sum(len(line) for line in lines[:at]) :]  # from the header on; the lines above are notes
    cells = _cells_fast(body, sep, len(header))
    if cells is None:
        cells = _cells_careful(path, body, sep, at)
    frame = cells.iloc[1:].copy()
    frame.columns = list(cells.iloc[0])
    frame.index = frame.index - 1  # the first data row has index 0
    return frame, at + 2


# --- workbooks --------------------------------------------------------------------------------------------------


def _check_unpacked_size(path: Path) -> None:
    """A workbook is a zip archive: refuse one that unpacks to more than any export could (a zip bomb) before
    a single part of it is unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserError(f"{path}: de werkmap is beschadigd of geen werkmap ({exc})") from None
    total = sum(p.file_size for p in parts)
    tight = [p for p in parts if p.file_size > 10 * 1024**2 and p.file_size > MAX_PACKING_RATIO * p.compress_size]
    if total > MAX_UNPACKED_BYTES or tight:
        why = f"een onderdeel is {tight[0].file_size // max(1, tight[0].compress_size)} keer ingepakt" if tight else ""
        raise UserError(
            f"{path}: de werkmap pakt uit tot {total // 1024**2} MB{'; ' + why if why else ''}: meer dan een export "
            f"kan bevatten (grens {MAX_UNPACKED_BYTES // 1024**3} GB, {MAX_PACKING_RATIO} keer ingepakt); niet gelezen"
        )


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "waar" if value else "onwaar"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _pick_sheet(path: Path, book, sheet: str | None) -> str:
    """The named sheet, or the first visible worksheet: a hidden sheet (an old copy, a lookup list) is never
    read by accident."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    metas = book.sheets_metadata
    names = [m.name for m in metas]
    if sheet is not None:
        if sheet not in names:
            raise UserError(f"{path}: geen blad met de naam {sheet!r} (bladen: {', '.join(names)})")
        return sheet
    visible = [m.name for m in metas if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet]
    if not visible:
        raise UserError(f"{path}: de werkmap heeft geen zichtbaar werkblad; noem het blad in de instellingen (blad)")
    return visible[0]


def _xlsx_sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The part of an .xlsx that holds the named sheet (xl/worksheets/sheetN.xml)."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rid = next(
        (s.get(f"{{{ns['r']}}}id") for s in workbook.iterfind("m:sheets/m:sheet", ns) if s.get("name") == sheet), None
    )
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _formulas_without_value(path: Path, sheet: str) -> list[str]:
    """Cells of an .xlsx sheet that hold a formula but no stored result (written by a tool that does not
    calculate): read as empty, they would pass as 'no value' (an ICO still running) where the file means one."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as archive:
        part = _xlsx_sheet_part(archive, sheet)
        if part is None or part not in archive.namelist():
            return []
        cells = []
        with archive.open(part) as stream:
            for _, element in ElementTree.iterparse(stream):
                if element.tag == f"{main}c":
                    formula, value = element.find(f"{main}f"), element.find(f"{main}v")
                    if formula is not None and (value is None or not (value.text or "").strip()):
                        cells.append(element.get("r", "?"))
                    element.clear()
    return cells


def _read_spreadsheet(
    path: Path, sheet: str | None, expected: set[str], rename: Mapping[str, str], fixed: int | None
) -> tuple[pd.DataFrame, int]:
    from python_calamine import CalamineError, CalamineWorkbook

    suffix = path.suffix.lower()
    if suffix in ZIP_SUFFIXES:
        _check_unpacked_size(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise UserError(f"{path}: de werkmap is niet te openen ({type(exc).__name__}: {exc})") from None
    try:
        name = _pick_sheet(path, book, sheet)
        worksheet = book.get_sheet_by_name(name)
        _check_width(path, worksheet.total_width)
        rows = worksheet.to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise UserError(f"{path}: de werkmap is niet te lezen ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()
    if suffix in {".xlsx", ".xlsm"}:
        missing = _formulas_without_value(path, name)
        if missing:
            raise UserError(
                f"{path}: blad {name!r}: {len(missing)} cel(len) met een formule zonder opgeslagen uitkomst, eerste "
                f"{missing[0]}; open de werkmap in Excel of LibreOffice, laat herberekenen en sla haar op, of sla de "
                "waarden op in plaats van de formules"
            )
    rows = [[_excel_cell(v) for v in row] for row in rows]
    if not any(any(c.strip() for c in row) for row in rows):
        raise UserError(f"{path}: blad {name!r} is leeg")
    lines = rows[: max(HEADER_SEARCH_ROWS, fixed or 0)]
    if fixed is not None:
        if fixed > len(lines) or not any(c.strip() for c in lines[fixed - 1]):
            raise UserError(f"{path}: rij {fixed}, die de instellingen als kopregel noemen, is leeg of bestaat niet")
        at = fixed - 1
    else:
        filled = [i for i, row in enumerate(lines) if any(c.strip() for c in row)]
        at = next((i for i in filled if expected and _holds(lines[i], expected, rename)), filled[0])
    width = max(len(r) for r in rows)
    body = [r + [""] * (width - len(r)) for r in rows[at + 1 :]]
    header = rows[at] + [""] * (width - len(rows[at]))
    return pd.DataFrame(body, columns=header, dtype="str"), at + 2


# --- both -------------------------------------------------------------------------------------------------------


def _check_width(path: Path, width: int) -> None:
    if width > MAX_COLUMNS:
        raise UserError(
            f"{path}: {width:,} kolommen, meer dan de {MAX_COLUMNS:,} die een export kan hebben; vaak zijn dat lege "
            "kolommen achter de gegevens: verwijder ze en sla het bestand opnieuw op".replace(",", ".")
        )


def _drop_unnamed_empty_columns(path: Path, frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Columns without a header (trailing separators, a spreadsheet's emptied columns) are dropped when they hold
    nothing; a nameless column with values is an error, since nobody can tell what it means."""
    names = [str(c).strip() for c in frame.columns]
    keep = []
    for i, name in enumerate(names):
        if name:
            keep.append(i)
            continue
        column = frame.iloc[:, i]
        filled = column.str.strip() != ""
        if filled.any():
            row = first_row + int(filled.to_numpy().argmax())
            raise UserError(
                f"{path}: kolom {i + 1} heeft geen naam in de kopregel maar wel waarden (eerste in rij {row}); geef "
                "de kolom een naam of verwijder haar"
            )
    return frame.iloc[:, keep] if len(keep) < len(names) else frame


def _check_cell_size(path: Path, frame: pd.DataFrame, first_row: int) -> None:
    for column in frame.columns:
        lengths = frame[column].str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            row = first_row + int(lengths.to_numpy().argmax())
            raise UserError(
                f"{path}: rij {row}, kolom {str(column)!r}: een cel van {int(lengths.max()):,} tekens, meer dan de "
                f"{MAX_CELL_CHARS:,} die een export kan hebben (een aanhalingsteken dat niet gesloten is?)".replace(
                    ",", "."
                )
            )


def read_cells(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """Every row below the header (the first non-blank row) as text cells, blank rows included, under the
    file's own header names."""
    return read_cells_at(path, sheet)[0]


def read_cells_at(
    path: Path,
    sheet: str | None = None,
    expected: Collection[str] = (),
    rename: Mapping[str, str] | None = None,
    header_row: int | None = None,
) -> tuple[pd.DataFrame, int]:
    """The cells below the header, and the file row of the first of them. `expected` (canonical names, after
    `rename`) finds the header row below a title; `header_row` fixes it (1 = the first row)."""
    path = Path(path)
    renames = {canonical_column(k): canonical_column(v) for k, v in (rename or {}).items()}
    expected = {canonical_column(c) for c in expected}
    if path.is_dir():
        raise UserError(f"{path}: is een map, geen bestand")
    if not path.is_file():
        raise UserError(f"{path}: bestand niet gevonden")
    try:
        if path.suffix.lower() in SPREADSHEET_SUFFIXES:
            frame, first_row = _read_spreadsheet(path, sheet, expected, renames, header_row)
        else:
            frame, first_row = _read_csv(path, path.read_bytes(), expected, renames, header_row)
    except PermissionError:
        raise UserError(f"{path}: geen leesrechten op dit bestand") from None
    except OSError as exc:
        raise UserError(f"{path}: niet te lezen ({exc.strerror or exc})") from None
    frame = frame.fillna("").astype("str")
    frame = _drop_unnamed_empty_columns(path, frame, first_row)
    _reject_repeated_columns(path, frame)
    _check_cell_size(path, frame, first_row)
    return frame, first_row


def _reject_repeated_columns(path: Path, frame: pd.DataFrame) -> None:
    """Two columns with one name (after case and spaces, or a mapping of the settings): nobody can tell which
    holds the value, so the run stops rather than guess (found by the property test of random corruptions)."""
    names = pd.Series([str(c) for c in frame.columns])
    repeated = names[names.duplicated()].unique().tolist()
    if repeated:
        which = f"de kolom {repeated[0]!r}" if len(repeated) == 1 else "de kolommen " + ", ".join(map(repr, repeated))
        raise UserError(f"{path}: de kopregel heeft {which} meer dan eens; laat van elke naam één kolom over")


def read_table(
    path: Path,
    sheet: str | None = None,
    rename: Mapping[str, str] | None = None,
    expected: Collection[str] = (),
    header_row: int | None = None,
) -> RawTable:
    """The file as text cells; `rename` maps an export's own headers to the canonical names, `expected` (the
    contract's required columns) finds the header below a title row."""
    path = Path(path)
    frame, first_row = read_cells_at(path, sheet, expected, rename, header_row)
    # rows where every cell is empty are not data (a blank line, an emptied spreadsheet row); a cell of only
    # spaces counts as empty, so those few rows are looked at again
    filled = (frame != "").sum(axis=1)
    maybe_blank = filled <= 1
    if maybe_blank.any():
        spaces = frame.loc[maybe_blank].apply(lambda c: c.str.strip() != "").any(axis=1)
        frame = frame.loc[~maybe_blank | spaces.reindex(frame.index, fill_value=True)]
    if frame.empty:
        raise UserError(f"{path}: het bestand heeft geen rijen onder de kopregel")

    renames = {canonical_column(k): canonical_column(v) for k, v in (rename or {}).items()}
    columns = [renames.get(canonical_column(c), canonical_column(c)) for c in frame.columns]
    repeated = sorted(c for c, n in Counter(columns).items() if n > 1)  # linear in the number of columns
    if repeated:
        raise UserError(f"{path}: kolom {repeated[0]!r} komt meer dan één keer voor in de kopregel")
    frame.columns = columns
    return RawTable(frame=frame, path=path, first_row=first_row)


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
    separator = max(SEPARATORS, key=lambda s: (header.count(s), -SEPARATORS.index(s)))
    return TextFormat(encoding, data.startswith(b"\xef\xbb\xbf"), separator, newline)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def workbook_sheets(path: Path) -> list[str]:
    """Every sheet of a workbook, hidden ones included: a tool that must see all data cannot trust the first."""
    from python_calamine import CalamineError, CalamineWorkbook

    if path.suffix.lower() in ZIP_SUFFIXES:
        _check_unpacked_size(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise UserError(f"{path}: de werkmap is niet te openen ({type(exc).__name__})") from None
    try:
        return list(book.sheet_names)
    finally:
        book.close()
