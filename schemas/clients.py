"""The client list of the ZVH case system: one row per client (SPEC §2)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas.checks import a_date, not_empty, unique_text, whole_number_between
from schemas.parsing import SEX_VALUES, normalise_sex, parse_dates

CLIENT_COLUMNS = ("client_id", "geslacht", "leeftijd", "ico_start", "ico_eind", "ico_type", "overleden")
END_BEFORE_START = "ico_eind must not lie before ico_start"


def _end_not_before_start(frame: pd.DataFrame) -> pd.Series:
    start = parse_dates(frame["ico_start"])
    end = parse_dates(frame["ico_eind"])
    return ~(end < start)


CLIENTS_SCHEMA = pa.DataFrameSchema(
    {
        "client_id": pa.Column(str, [not_empty(), unique_text()]),
        "geslacht": pa.Column(
            str,
            pa.Check(
                lambda s: normalise_sex(s).isin(set(SEX_VALUES.values())),
                error="must be man, vrouw or onbekend (or M, V, X)",
            ),
        ),
        "leeftijd": pa.Column(str, whole_number_between(0, 110)),
        "ico_start": pa.Column(str, a_date()),
        "ico_eind": pa.Column(str, a_date(optional=True)),
        "ico_type": pa.Column(str, required=False),
        # optional, for time at risk: the date of death, empty for the living
        "overleden": pa.Column(str, a_date(optional=True), required=False),
    },
    checks=[pa.Check(_end_not_before_start, error=END_BEFORE_START)],
    name="clients",
)
# Which column a frame-wide check is about, for the error report.
FRAME_CHECK_COLUMNS = {END_BEFORE_START: "ico_eind"}
