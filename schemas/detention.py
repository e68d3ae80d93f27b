"""Detention periods (optional, for time at risk): one row per period in which a client could not be registered
in the community: client_id, van, tot (inclusive)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas.checks import a_date, not_before, not_empty
from schemas.parsing import parse_dates

DETENTION_COLUMNS = ("client_id", "van", "tot")
COLUMNS = DETENTION_COLUMNS  # every column the contract reads; a missing optional one counts as empty
REQUIRED = DETENTION_COLUMNS
END_BEFORE_START = "tot mag niet vóór van liggen"


def parse(text: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": text["client_id"].str.strip(),
            "van": parse_dates(text["van"]),
            "tot": parse_dates(text["tot"]),
        },
        index=text.index,
    )


def schema(text: pd.DataFrame, parsed: pd.DataFrame) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "client_id": pa.Column(str, not_empty()),
            "van": pa.Column("datetime64[us]", a_date(), nullable=True),
            "tot": pa.Column("datetime64[us]", [a_date(), not_before(parsed["van"], END_BEFORE_START)], nullable=True),
        },
        name="detention",
    )


def typed(parsed: pd.DataFrame) -> pd.DataFrame:
    return parsed
