"""An input as it arrived, before any parsing: the contract between reading a file (pipeline/io/readers.py) and
validating it (pipeline/stages/validate.py), so that validation needs nothing of how a file is read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

HEADER_ROW = 1  # rows are numbered as a spreadsheet shows them: the header of a plain file is row 1


@dataclass(frozen=True)
class RawTable:
    """An input file as text: every cell a string, column names canonical. `first_row` is the file row of the
    first data row (the row below the header), so row numbers in messages are those the analyst sees."""

    frame: pd.DataFrame
    path: Path
    first_row: int = HEADER_ROW + 1

    def file_row(self, index: int) -> int:
        return int(index) + self.first_row


def canonical_column(name: object) -> str:
    """'IMK code ', 'Imk_Code' -> 'imk_code'."""
    return "_".join(str(name).strip().lower().replace("_", " ").split())
