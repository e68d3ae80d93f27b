"""The comparison persons (optional, issue 12): everybody the police export covers who may serve as a comparison,
one row per person: client_id (the same pseudonym key as the client list), geslacht, geboortejaar. A birth year,
never a date of birth: it is all that matching within an age band needs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from schemas.checks import a_sex, not_empty, unique_text, whole_number_between
from schemas.parsing import normalise_sex, parse_whole

PERSON_COLUMNS = ("client_id", "geslacht", "geboortejaar")
COLUMNS = PERSON_COLUMNS
REQUIRED = PERSON_COLUMNS
FIRST_YEAR, LAST_YEAR = 1900, 2100


def parse(text: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": text["client_id"].str.strip(),
            "geslacht": normalise_sex(text["geslacht"]),
            "geboortejaar": parse_whole(text["geboortejaar"], 4),
        },
        index=text.index,
    )


def schema(text: pd.DataFrame, parsed: pd.DataFrame) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "client_id": pa.Column(str, [not_empty(), unique_text()]),
            "geslacht": pa.Column(str, a_sex()),
            "geboortejaar": pa.Column(float, whole_number_between(FIRST_YEAR, LAST_YEAR), nullable=True),
        },
        name="comparison_persons",
    )


def typed(parsed: pd.DataFrame) -> pd.DataFrame:
    return parsed.assign(geboortejaar=parsed["geboortejaar"].astype(np.int64))
