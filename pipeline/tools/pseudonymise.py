"""Keyed pseudonyms (HMAC-SHA256) for the id columns of an export, before it leaves the organisation.

The police and the ZVH each run this on their own file with the same key, kept apart from the data (EDPB
guidelines 01/2025): the same client gets the same pseudonym in both files, so the pipeline can link them,
while nobody without the key can go back from a pseudonym to the person. The key is never written anywhere.

Strict, because a silent miss puts raw ids on the road: the file is parsed by the pipeline's own reader (a
file it cannot read is refused with the row, never half-copied); every column whose header is the id under
any spelling is pseudonymised; a workbook with more than one sheet (hidden ones count) is refused unless
`--sheet` names the one to keep, and then only that sheet is written; rows in must equal rows out; and the
copy is read back and checked before it is kept: no original id may be left in any column. Errors never show
the contents of a file: the key, or an id, could be in them.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.errors import UserError
from pipeline.io.outputs import atomic_file
from pipeline.io.readers import SPREADSHEET_SUFFIXES, read_cells, text_format, workbook_sheets

PREFIX = "P"
DIGITS = 32  # 128 bits of the HMAC: collisions are out of the question for any client list
PSEUDONYM = re.compile(rf"{PREFIX}[0-9a-f]{{{DIGITS}}}")


@dataclass(frozen=True)
class Outcome:
    rows_in: int
    rows_out: int
    columns: tuple[str, ...]  # the headers pseudonymised, as the file spells them
    values: int  # non-empty id cells replaced
    sheets_left_out: tuple[str, ...] = ()


def load_key(path: Path) -> bytes:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: sleutelbestand niet gevonden (maak er een met: make key)") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is een map, geen sleutelbestand") from None
    key = raw.strip()
    if not key:
        raise UserError(f"{path}: het sleutelbestand is leeg")
    if b"\n" in key or b"\r" in key or b"," in key or b";" in key:
        raise UserError(
            f"{path}: dit lijkt geen sleutel maar een tabel (meer dan een regel, of scheidingstekens); "
            "zijn --key-file en --in verwisseld?"
        )
    if len(key) < 16:
        raise UserError(f"{path}: de sleutel is te kort om geheim te zijn (minstens 16 tekens; make key maakt er een)")
    return key


def pseudonym(value: str, key: bytes) -> str:
    """The same value and key always give the same pseudonym; surrounding spaces do not count."""
    return PREFIX + hmac.new(key, value.strip().encode("utf-8"), hashlib.sha256).hexdigest()[:DIGITS]


def _spelling(name: object) -> str:
    """'Client ID', 'client_id', 'Client-Id', 'CLIENTID' are one column: only letters and digits count."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def _id_columns(path: Path, header: list[str], wanted: list[str]) -> list[int]:
    positions = []
    for name in wanted:
        found = [i for i, h in enumerate(header) if _spelling(h) == _spelling(name)]
        if not found:
            # the header is not shown: in a swapped or headerless file it would be a key or an id
            raise UserError(
                f"{path}: geen kolom {name!r} om te pseudonimiseren (de kopregel heeft {len(header)} kolommen); "
                "controleer de kolomnaam (--columns) en of --in het exportbestand is"
            )
        positions += found
    return sorted(set(positions))


def _replace(frame: pd.DataFrame, positions: list[int], key: bytes) -> tuple[pd.DataFrame, int, set[str]]:
    """The frame with every non-empty id cell pseudonymised; the number replaced and the original values."""
    out = frame.copy()
    originals: set[str] = set()
    replaced = 0
    for i in positions:
        column = out.iloc[:, i]
        filled = column.str.strip() != ""
        values = column[filled]
        originals |= set(values.str.strip())
        mapping = {v: pseudonym(v, key) for v in values.unique()}
        out.iloc[:, i] = column.where(~filled, column.map(mapping))
        replaced += int(filled.sum())
    return out, replaced, originals


def _csv_bytes(frame: pd.DataFrame, src: Path, data: bytes) -> bytes:
    fmt = text_format(src, data)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=fmt.separator, lineterminator=fmt.newline)
    writer.writerow(list(frame.columns))
    writer.writerows(frame.itertuples(index=False, name=None))
    try:
        encoded = buffer.getvalue().encode(fmt.encoding)
    except UnicodeEncodeError:
        raise UserError(f"{src}: tekens die in {fmt.encoding} niet bestaan; sla de export op als UTF-8") from None
    return (b"\xef\xbb\xbf" if fmt.bom else b"") + encoded


def _xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    worksheet = book.active
    worksheet.title = sheet
    worksheet.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        worksheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _check_copy(dst: Path, sheet: str | None, rows_in: int, positions: list[int], originals: set[str]) -> int:
    """Read the written copy back as the pipeline would: same rows, only pseudonyms in the id columns, and no
    original id left in any other column."""
    copy = read_cells(dst, sheet)
    if len(copy) != rows_in:
        raise UserError(f"{dst}: de kopie heeft {len(copy)} rijen, het origineel {rows_in}; niets bewaard")
    for i in positions:
        values = copy.iloc[:, i].str.strip()
        if not (values.eq("") | values.str.fullmatch(PSEUDONYM.pattern)).all():
            raise UserError(f"{dst}: kolom {i + 1} bevat na pseudonimiseren nog andere waarden; niets bewaard")
    leaks = [
        str(name)
        for j, name in enumerate(copy.columns)
        if j not in positions and copy.iloc[:, j].str.strip().isin(originals).any()
    ]
    if leaks:
        raise UserError(
            f"kolom(men) {', '.join(repr(c) for c in leaks)} bevatten ook waarden die gelijk zijn aan een "
            "id; pseudonimiseer die ook (--columns ...) of haal ze uit de export; niets bewaard"
        )
    return len(copy)


def pseudonymise_file(key_file: Path, src: Path, dst: Path, columns: list[str], sheet: str | None = None) -> Outcome:
    """Write `src` to `dst` with every id column pseudonymised, or nothing at all."""
    src, dst = Path(src), Path(dst)
    key = load_key(key_file)
    if not src.is_file():
        raise UserError(f"{src}: bestand niet gevonden")
    if dst.exists():
        raise UserError(
            f"{dst}: bestaat al; kies een nieuwe naam voor --out (een bestaand bestand wordt niet overschreven)"
        )
    excel = src.suffix.lower() in SPREADSHEET_SUFFIXES
    if excel and dst.suffix.lower() != ".xlsx":
        # .xls, .xlsb and .ods are read but not written: the copy of every workbook is an .xlsx, which the
        # pipeline reads the same way
        raise UserError(f"{dst}: de kopie van een werkmap ({src.suffix}) wordt een .xlsx; geef haar die extensie")
    if not excel and dst.suffix.lower() in SPREADSHEET_SUFFIXES:
        raise UserError(f"{dst}: de kopie houdt het formaat van de invoer ({src.suffix}); geef haar dezelfde extensie")
    left_out: tuple[str, ...] = ()
    if excel:
        sheets = workbook_sheets(src)
        if sheet is None and len(sheets) > 1:
            raise UserError(
                f"{src}: de werkmap heeft {len(sheets)} bladen (verborgen bladen tellen mee); geef met --sheet het "
                "blad met de gegevens: alleen dat blad komt in de kopie"
            )
        if sheet is not None and sheet not in sheets:
            raise UserError(f"{src}: geen blad met de naam {sheet!r} ({len(sheets)} bladen)")
        sheet = sheet or sheets[0]
        left_out = tuple(s for s in sheets if s != sheet)
    frame = read_cells(src, sheet)
    positions = _id_columns(src, [str(c) for c in frame.columns], columns)
    out, replaced, originals = _replace(frame, positions, key)
    data = _xlsx_bytes(out, sheet) if excel else _csv_bytes(out, src, src.read_bytes())
    dst.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(dst) as tmp:
        checked = tmp.with_suffix(dst.suffix)  # the reader goes by the extension
        checked.write_bytes(data)
        try:
            rows_out = _check_copy(checked, sheet if excel else None, len(frame), positions, originals)
            checked.replace(tmp)
        finally:
            checked.unlink(missing_ok=True)
    names = tuple(str(frame.columns[i]) for i in positions)
    return Outcome(len(frame), rows_out, names, replaced, left_out)
