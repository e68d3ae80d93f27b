"""Vectorised checks shared by the input contracts; each carries the rule in words a person can act on.

The checks run on the values as parsed (once, by the contract's `parse`), not on the text: a date is checked
by being a date. Where a rule needs the text (an optional value may be left empty) or another column (an end
not before its start), the check is made for one file and closes over what it needs, so every failure belongs
to one column and needs no guessing afterwards.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

# A value that did not parse is NaN or NaT: the checks must see it (pandera leaves missing values out by default).
SEE_MISSING = {"ignore_na": False}

DATE_RULE = "must be a real date written YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY"


def empty(text: pd.Series) -> pd.Series:
    return text.astype("str").str.strip() == ""


def not_empty() -> pa.Check:
    return pa.Check(lambda s: s != "", error="must not be empty", **SEE_MISSING)


def a_date(text: pd.Series | None = None) -> pa.Check:
    """A parsed date; with the column's text, an empty cell is allowed too (an optional date)."""
    if text is None:
        return pa.Check(lambda s: s.notna(), error=DATE_RULE, **SEE_MISSING)
    allowed = empty(text)
    return pa.Check(lambda s: s.notna() | allowed, error=DATE_RULE + " (or empty)", **SEE_MISSING)


def whole_number_between(low: int, high: int) -> pa.Check:
    return pa.Check(lambda s: s.between(low, high), error=f"must be a whole number from {low} to {high}", **SEE_MISSING)


def unique_text() -> pa.Check:
    return pa.Check(
        lambda s: ~s.duplicated(keep=False) | (s == ""),
        error="must be unique: this value occurs on more than one row",
        **SEE_MISSING,
    )


def not_before(start: pd.Series, error: str) -> pa.Check:
    """An end date not before its start, on the end's column (rows where either is missing pass)."""
    return pa.Check(lambda end: ~(end < start), error=error, **SEE_MISSING)
