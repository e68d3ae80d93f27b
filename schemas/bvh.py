"""The police export (BVH): one row per registration per client (SPEC §2)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas.checks import a_date, not_empty
from schemas.parsing import CODE_PATTERN, normalise_codes, parse_dates

BVH_COLUMNS = ("client_id", "registratienummer", "datum", "imk_code", "imk_omschrijving", "rol")
COLUMNS = BVH_COLUMNS  # every column the contract reads; a missing optional one counts as empty
REQUIRED = ("client_id", "registratienummer", "datum", "imk_code")


def parse(text: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": text["client_id"].str.strip(),
            "registratienummer": text["registratienummer"].str.strip(),
            "datum": parse_dates(text["datum"]),
            "imk_code": normalise_codes(text["imk_code"]),
            "imk_omschrijving": text["imk_omschrijving"].str.strip(),
            "rol": text["rol"].str.strip().str.lower(),
        },
        index=text.index,
    )


def schema(text: pd.DataFrame, parsed: pd.DataFrame) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "client_id": pa.Column(str, not_empty()),
            "registratienummer": pa.Column(str, not_empty()),
            "datum": pa.Column("datetime64[us]", a_date(), nullable=True),
            "imk_code": pa.Column(
                str,
                pa.Check(
                    lambda s: s.str.fullmatch(CODE_PATTERN.pattern),
                    error="moet een IMK-code zijn: een klasseletter, één tot vijf cijfers en soms een letter erachter "
                    "(E33, F010)",
                ),
            ),
            "imk_omschrijving": pa.Column(str),
            "rol": pa.Column(str),
        },
        name="bvh",
    )


def typed(parsed: pd.DataFrame) -> pd.DataFrame:
    return parsed
