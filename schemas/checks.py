"""Vectorised checks shared by the schemas; each carries the rule in words a person can act on."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas.parsing import parse_ages, parse_dates


def not_empty() -> pa.Check:
    return pa.Check(lambda s: s.astype("str").str.strip() != "", error="must not be empty")


def a_date(optional: bool = False) -> pa.Check:
    def check(s: pd.Series) -> pd.Series:
        ok = parse_dates(s).notna()
        return ok | (s.astype("str").str.strip() == "") if optional else ok

    rule = "must be a real date written YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY"
    return pa.Check(check, error=rule + (" (or empty)" if optional else ""))


def whole_number_between(low: int, high: int) -> pa.Check:
    def check(s: pd.Series) -> pd.Series:
        ages = parse_ages(s)
        return ages.between(low, high)

    return pa.Check(check, error=f"must be a whole number from {low} to {high}")


def unique_text() -> pa.Check:
    def check(s: pd.Series) -> pd.Series:
        stripped = s.astype("str").str.strip()
        return ~stripped.duplicated(keep=False) | (stripped == "")

    return pa.Check(check, error="must be unique: this value occurs on more than one row")
