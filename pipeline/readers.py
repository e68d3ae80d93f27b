"""Reading an input file into a frame of text cells, with the file's own row numbers kept."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.errors import UserError

HEADER_ROW = 1  # rows are numbered as a spreadsheet shows them: the header is row 1


@dataclass(frozen=True)
class RawTable:
    """An input file as text: every cell a string, column names lower case with spaces as '_'."""

    frame: pd.DataFrame
    path: Path

    def file_row(self, index: int) -> int:
        return int(index) + HEADER_ROW + 1


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise UserError(f"{path}: the file is empty")
    if b"\x00" in data[:65536]:
        raise UserError(f"{path}: this is not a text (CSV) file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _separator(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def canonical_column(name: str) -> str:
    return "_".join(str(name).strip().lower().split())


def read_csv_text(path: Path) -> RawTable:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a file") from None
    text = _decode(path, data)
    header = text.splitlines()[0]
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=_separator(header),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            quoting=csv.QUOTE_MINIMAL,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise UserError(f"{path}: cannot read the file as CSV: {exc}") from None
    if frame.empty:
        raise UserError(f"{path}: the file has no rows below its header")
    columns = [canonical_column(c) for c in frame.columns]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise UserError(f"{path}: column {repeated[0]!r} occurs more than once in the header")
    frame.columns = columns
    return RawTable(frame=frame.astype("str"), path=path)
