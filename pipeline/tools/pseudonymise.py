"""Keyed pseudonyms (HMAC-SHA256) for the id columns of an export, before it leaves the organisation.

The police and the ZVH each run this on their own file with the same key, kept apart from the data (EDPB
guidelines 01/2025): the same client gets the same pseudonym in both files, so the pipeline can link them,
while nobody without the key can go back from a pseudonym to the person. The key is never written anywhere.
CSV stays CSV (same separator, encoding and line ends), an Excel workbook stays a workbook.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from pathlib import Path

from pipeline.errors import UserError
from pipeline.io.readers import EXCEL_SUFFIXES, canonical_column

PREFIX = "P"
DIGITS = 32  # 128 bits of the HMAC: collisions are out of the question for any client list


def load_key(path: Path) -> bytes:
    path = Path(path)
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        raise UserError(f"{path}: key file not found (make one with: make key)") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a key file") from None
    if not key:
        raise UserError(f"{path}: the key file is empty")
    if len(key) < 16:
        raise UserError(f"{path}: the key is too short to be secret (at least 16 characters; make one with: make key)")
    return key


def pseudonym(value: str, key: bytes) -> str:
    """The same value and key always give the same pseudonym; surrounding spaces do not count."""
    return PREFIX + hmac.new(key, value.strip().encode("utf-8"), hashlib.sha256).hexdigest()[:DIGITS]


def _columns(path: Path, header: list[str], wanted: list[str]) -> list[int]:
    found = [canonical_column(h) for h in header]
    positions = []
    for name in wanted:
        if canonical_column(name) not in found:
            raise UserError(
                f"{path}: no column {name!r} to pseudonymise (columns found: {', '.join(map(str, header))})"
            )
        positions.append(found.index(canonical_column(name)))
    return positions


def _csv(src: Path, dst: Path, key: bytes, wanted: list[str]) -> int:
    data = src.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        text, encoding = body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = body.decode("cp1252"), "cp1252"
    if not text.strip():
        raise UserError(f"{src}: the file is empty")
    first = text.splitlines()[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    newline = "\r\n" if "\r\n" in text[: len(first) + 2] else "\n"
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise UserError(f"{src}: cannot read the file as CSV ({exc})") from None
    positions = _columns(src, rows[0], wanted)
    cache: dict[str, str] = {}
    for row in rows[1:]:
        for i in positions:
            if i < len(row) and row[i].strip():
                row[i] = cache.setdefault(row[i], pseudonym(row[i], key))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=sep, lineterminator=newline).writerows(rows)
    dst.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding))
    return len(rows) - 1


def _xlsx(src: Path, dst: Path, key: bytes, wanted: list[str], sheet: str | None) -> int:
    import openpyxl

    try:
        book = openpyxl.load_workbook(src)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UserError(f"{src}: cannot open the workbook ({type(exc).__name__}: {exc})") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise UserError(f"{src}: no sheet named {sheet!r} (sheets: {', '.join(book.sheetnames)})")
    worksheet = book[sheet] if sheet else book.worksheets[0]
    header = [c.value for c in next(worksheet.iter_rows(min_row=1, max_row=1))]
    positions = _columns(src, ["" if h is None else str(h) for h in header], wanted)
    rows = 0
    for row in worksheet.iter_rows(min_row=2):
        rows += 1
        for i in positions:
            cell = row[i]
            if cell.value is not None and str(cell.value).strip():
                cell.value = pseudonym(str(cell.value), key)
    book.save(dst)
    return rows


def pseudonymise_file(key_file: Path, src: Path, dst: Path, columns: list[str], sheet: str | None = None) -> int:
    """Write `src` to `dst` with the named columns pseudonymised; returns the number of data rows."""
    src, dst = Path(src), Path(dst)
    key = load_key(key_file)
    if not src.is_file():
        raise UserError(f"{src}: file not found")
    if dst.resolve() == src.resolve():
        raise UserError(f"{dst}: choose another file for --out; the original is not overwritten")
    if (src.suffix.lower() in EXCEL_SUFFIXES) != (dst.suffix.lower() in EXCEL_SUFFIXES):
        raise UserError(f"{dst}: the output keeps the input's format ({src.suffix}); give it the same extension")
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.suffix.lower() in EXCEL_SUFFIXES:
        return _xlsx(src, dst, key, columns, sheet)
    return _csv(src, dst, key, columns)
