"""Report tables: one object per table, shown in the HTML and written as CSV for Dutch Excel."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pipeline.formatting.numbers import half_up, nl_decimal, nl_int, nl_p, nl_pct


@dataclass(frozen=True)
class Hidden:
    """A suppressed cell (disclosure control): what the reader sees instead of the number."""

    text: str

    def __str__(self) -> str:
        return self.text


# How a column's values are shown: in the report (Dutch format) and in the CSV (numbers Excel can compute with).
KINDS = ("text", "int", "dec", "dec2", "num", "pct", "chg", "p")  # chg: a change in %, with its sign; num: int or dec2
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _show(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, Hidden):
        return str(value)
    if kind == "int":
        return nl_int(value)
    if kind == "dec":
        return nl_decimal(value)
    if kind == "dec2" or (kind == "num" and isinstance(value, float)):
        return nl_decimal(value, 2)
    if kind == "num":
        return nl_int(value)
    if kind == "pct":
        return nl_pct(value)
    if kind == "chg":
        return nl_pct(value, sign=True)
    if kind == "p":
        return nl_p(value).removeprefix("p = ").removeprefix("p ")
    return str(value)


def _csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Hidden):
        return str(value)
    if kind == "int":
        return str(int(half_up(value, 0)))
    if kind in ("dec", "pct", "chg"):
        return f"{half_up(value, 1):.1f}".replace(".", ",")
    if kind == "dec2" or (kind == "num" and isinstance(value, float)):
        return f"{half_up(value, 2):.2f}".replace(".", ",")
    if kind == "num":
        return str(value)
    if kind == "p":
        return f"{value:.4G}".replace(".", ",")
    text = str(value)
    # a text cell that Excel would read as a formula is neutralised (CSV injection)
    return "'" + text if text.startswith(FORMULA_START) else text


@dataclass
class Table:
    id: str  # also the CSV file name: tables/<id>.csv
    title: str
    columns: list[str]
    kinds: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    total_row: bool = False  # the last row is a total, shown in bold

    def __post_init__(self) -> None:
        assert len(self.columns) == len(self.kinds), self.id
        assert all(k in KINDS for k in self.kinds), self.id
        assert all(len(r) == len(self.columns) for r in self.rows), self.id

    def shown(self) -> list[list[str]]:
        return [[_show(v, k) for v, k in zip(row, self.kinds, strict=True)] for row in self.rows]

    def numeric(self) -> list[bool]:
        return [k != "text" for k in self.kinds]

    def to_csv(self) -> bytes:
        """UTF-8 with BOM, ';' between cells, decimal comma: opens correctly in Dutch Excel by a double click."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([_csv_cell(c, "text") for c in self.columns])
        for row in self.rows:
            writer.writerow([_csv_cell(v, k) for v, k in zip(row, self.kinds, strict=True)])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
