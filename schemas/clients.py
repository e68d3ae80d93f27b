"""The client list of the ZVH case system: one row per client (SPEC §2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from schemas.checks import a_date, a_sex, not_before, not_empty, unique_text, whole_number_between
from schemas.parsing import normalise_sex, parse_ages, parse_dates

CLIENT_COLUMNS = ("client_id", "geslacht", "leeftijd", "ico_start", "ico_eind", "ico_type", "overleden")
COLUMNS = CLIENT_COLUMNS  # every column the contract reads; a missing optional one counts as empty
REQUIRED = ("client_id", "geslacht", "leeftijd", "ico_start", "ico_eind")
END_BEFORE_START = "ico_eind mag niet vóór ico_start liggen"


def parse(text: pd.DataFrame) -> pd.DataFrame:
    """Every column as the type it means, once; NaN or NaT where the text is not a valid value."""
    return pd.DataFrame(
        {
            "client_id": text["client_id"].str.strip(),
            "geslacht": normalise_sex(text["geslacht"]),
            "leeftijd": parse_ages(text["leeftijd"]),
            "ico_start": parse_dates(text["ico_start"]),
            "ico_eind": parse_dates(text["ico_eind"]),
            "ico_type": text["ico_type"].str.strip(),
            "overleden": parse_dates(text["overleden"]),
        },
        index=text.index,
    )


def schema(text: pd.DataFrame, parsed: pd.DataFrame) -> pa.DataFrameSchema:
    """The rules for the parsed values of one file (the optional dates may be empty in its text)."""
    return pa.DataFrameSchema(
        {
            "client_id": pa.Column(str, [not_empty(), unique_text()]),
            "geslacht": pa.Column(str, a_sex()),
            "leeftijd": pa.Column(float, whole_number_between(0, 110), nullable=True),
            "ico_start": pa.Column("datetime64[us]", a_date(), nullable=True),
            "ico_eind": pa.Column(
                "datetime64[us]",
                [a_date(text["ico_eind"]), not_before(parsed["ico_start"], END_BEFORE_START)],
                nullable=True,
            ),
            "ico_type": pa.Column(str),
            # optional, for time at risk: the date of death, empty for the living
            "overleden": pa.Column("datetime64[us]", a_date(text["overleden"]), nullable=True),
        },
        name="clients",
    )


def typed(parsed: pd.DataFrame) -> pd.DataFrame:
    """The parsed values once they passed: whole ages as integers."""
    return parsed.assign(leeftijd=parsed["leeftijd"].astype(np.int64))
