"""Vectorised checks shared by the input contracts; each carries the rule in words a person can act on.

The checks run on the values as parsed (once, by the contract's `parse`), not on the text: a date is checked
by being a date. Where a rule needs the text (an optional value may be left empty) or another column (an end
not before its start), the check is made for one file and closes over what it needs, so every failure belongs
to one column and needs no guessing afterwards.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas.vocabulary import SEXES

# A value that did not parse is NaN or NaT: the checks must see it (pandera leaves missing values out by default).
SEE_MISSING = {"ignore_na": False}

DATE_RULE = (
    "moet een bestaande datum zijn, geschreven als JJJJ-MM-DD, DD-MM-JJJJ of DD/MM/JJJJ (een tijd erachter mag), "
    "met een jaar van 1900 tot 2100"
)


def empty(text: pd.Series) -> pd.Series:
    return text.astype("str").str.strip() == ""


def not_empty() -> pa.Check:
    return pa.Check(lambda s: s != "", error="mag niet leeg zijn", **SEE_MISSING)


def a_date(text: pd.Series | None = None) -> pa.Check:
    """A parsed date; with the column's text, an empty cell is allowed too (an optional date)."""
    if text is None:
        return pa.Check(lambda s: s.notna(), error=DATE_RULE, **SEE_MISSING)
    allowed = empty(text)
    return pa.Check(lambda s: s.notna() | allowed, error=DATE_RULE + " (of leeg)", **SEE_MISSING)


def whole_number_between(low: int, high: int) -> pa.Check:
    return pa.Check(
        lambda s: s.between(low, high),
        error=f"moet een geheel getal van {low} tot en met {high} zijn, in cijfers",
        **SEE_MISSING,
    )


def unique_text() -> pa.Check:
    return pa.Check(
        lambda s: ~s.duplicated(keep=False) | (s == ""),
        error="moet uniek zijn: deze waarde staat op meer dan één rij",
        **SEE_MISSING,
    )


def not_before(start: pd.Series, error: str) -> pa.Check:
    """An end date not before its start, on the end's column (rows where either is missing pass)."""
    return pa.Check(lambda end: ~(end < start), error=error, **SEE_MISSING)


def a_sex() -> pa.Check:
    return pa.Check(lambda s: s.isin(SEXES), error="moet man, vrouw of onbekend zijn (of M, V, X)")
