"""Detention periods (optional, for time at risk): one row per period in which a client could not be registered
in the community: client_id, van, tot (inclusive)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas.checks import a_date, not_empty
from schemas.parsing import parse_dates

DETENTION_COLUMNS = ("client_id", "van", "tot")
END_BEFORE_START = "tot must not lie before van"


def _end_not_before_start(frame: pd.DataFrame) -> pd.Series:
    return ~(parse_dates(frame["tot"]) < parse_dates(frame["van"]))


DETENTION_SCHEMA = pa.DataFrameSchema(
    {
        "client_id": pa.Column(str, not_empty()),
        "van": pa.Column(str, a_date()),
        "tot": pa.Column(str, a_date()),
    },
    checks=[pa.Check(_end_not_before_start, error=END_BEFORE_START)],
    name="detention",
)
FRAME_CHECK_COLUMNS = {END_BEFORE_START: "tot"}
