"""Turning the text of an export into typed values, explicitly and never by guessing."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# A class letter, one to five digits, sometimes a closing letter (SPEC §2).
CODE_PATTERN = re.compile(r"^[A-Z][0-9]{1,5}[A-Z]?$")
_SPACES = re.compile(r"\s+")

# Tried in this order, each in full: a value matches one format or none. Day-first only; never month-first.
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
# The shapes those formats may take, strictly: a four-digit year (never '0020' for 2020 or '20'), one separator
# throughout, and optionally a time of day after it (exports from Excel write '01-06-2019 00:00'): the day counts.
_DATE_SHAPE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4}|\d{1,2}/\d{1,2}/\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
YEARS = (1900, 2100)  # a year outside these is a typing error, not a police registration or an ICO

SEX_VALUES = {
    "man": "man",
    "m": "man",
    "vrouw": "vrouw",
    "v": "vrouw",
    "onbekend": "onbekend",
    "x": "onbekend",
}


def _per_distinct(text: pd.Series, convert) -> tuple[np.ndarray, pd.Series]:
    """Apply `convert` once per distinct text: exports repeat the same dates and codes many times."""
    codes, uniques = pd.factorize(text.astype("str"), use_na_sentinel=True)
    return codes, convert(pd.Series(uniques))


def parse_dates(text: pd.Series) -> pd.Series:
    """Dates as datetime64; NaT where the text is empty or not a real date in one of DATE_FORMATS."""

    def convert(uniques: pd.Series) -> pd.Series:
        shape = uniques.str.strip().str.extract(_DATE_SHAPE, expand=False)
        uniques = shape.fillna("")  # a value of another shape parses as nothing
        parsed = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[us]")
        for fmt in DATE_FORMATS:
            todo = parsed.isna()
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(uniques[todo], format=fmt, errors="coerce").astype("datetime64[us]")
        years = parsed.dt.year
        return parsed.where((years >= YEARS[0]) & (years <= YEARS[1]))

    codes, parsed = _per_distinct(text, convert)
    values = parsed.to_numpy()[codes]
    values[codes < 0] = np.datetime64("NaT")
    return pd.Series(values, index=text.index, dtype="datetime64[us]")


def parse_whole(text: pd.Series, digits: int) -> pd.Series:
    """Whole numbers of at most `digits` digits as float (NaN where the text is not one, in digits)."""
    stripped = text.astype("str").str.strip()
    numbers = pd.to_numeric(stripped.where(stripped.str.fullmatch(rf"\d{{1,{digits}}}"), ""), errors="coerce")
    numbers = numbers.astype("float64")
    return numbers.where(np.isfinite(numbers))


def parse_ages(text: pd.Series) -> pd.Series:
    """Whole ages as float (NaN where the text is not written as a whole number in digits: '1e1', '10.0' and
    '+10' are typing errors, not ages)."""
    return parse_whole(text, 3)


def normalise_sex(text: pd.Series) -> pd.Series:
    """'M', 'man', ' Man ' -> 'man'; unknown spellings are kept (lower case) for the schema to reject."""
    lowered = text.astype("str").str.strip().str.lower()
    return lowered.map(SEX_VALUES).fillna(lowered).astype("str")


def normalise_code(code: str) -> str:
    """'e 33' -> 'E33'; leading zeros are kept ('F010' stays 'F010')."""
    return _SPACES.sub("", str(code)).upper()


def normalise_codes(text: pd.Series) -> pd.Series:
    codes, normalised = _per_distinct(text, lambda uniques: uniques.map(normalise_code))
    return pd.Series(normalised.to_numpy(dtype=object)[codes], index=text.index, dtype="str")
