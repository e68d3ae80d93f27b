"""Stage 1, validate: check both inputs against their schemas and return them typed.

Every failure of both files is collected in one pass and reported with file, row, column, value and rule.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pipeline.errors import Problem, UserError
from pipeline.io.readers import RawTable
from schemas import (
    BVH_COLUMNS,
    BVH_SCHEMA,
    CLIENT_COLUMNS,
    CLIENTS_SCHEMA,
    DETENTION_SCHEMA,
    FRAME_CHECK_COLUMNS,
)
from schemas.parsing import normalise_codes, normalise_sex, parse_ages, parse_dates

SOURCE_ROW = "bron_rij"  # the row number in the input file, kept so later stages can point back to it


def _problems(raw: RawTable, schema: pa.DataFrameSchema) -> list[Problem]:
    try:
        schema.validate(raw.frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _describe(raw, exc.failure_cases)
    return []


def _describe(raw: RawTable, failures: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    found = ", ".join(raw.frame.columns)
    for case in failures.itertuples(index=False):
        if case.check == "column_in_dataframe":
            problems.append(
                Problem(
                    str(raw.path),
                    None,
                    str(case.failure_case),
                    None,
                    f"required column is missing (columns found: {found})",
                )
            )
            continue
        column = case.column
        if case.schema_context == "DataFrameSchema" and FRAME_CHECK_COLUMNS.get(case.check) != column:
            continue  # a frame-wide check fails on every column it read; report it once
        row = None if pd.isna(case.index) else raw.file_row(case.index)
        value = None if row is None else str(raw.frame.at[case.index, column])
        problems.append(Problem(str(raw.path), row, column, value, str(case.check)))
    problems.sort(key=lambda p: (p.row if p.row is not None else -1, p.column or ""))
    return problems


def _with_optional(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    missing = {c: "" for c in columns if c not in frame.columns}
    return frame.assign(**missing) if missing else frame


def parse_clients(raw: RawTable) -> pd.DataFrame:
    frame = _with_optional(raw.frame, CLIENT_COLUMNS)
    return pd.DataFrame(
        {
            "client_id": frame["client_id"].str.strip(),
            "geslacht": normalise_sex(frame["geslacht"]),
            "leeftijd": parse_ages(frame["leeftijd"]).astype("int64"),
            "ico_start": parse_dates(frame["ico_start"]),
            "ico_eind": parse_dates(frame["ico_eind"]),
            "ico_type": frame["ico_type"].str.strip(),
            "overleden": parse_dates(frame["overleden"]),
            SOURCE_ROW: frame.index.to_numpy() + raw.file_row(0),
        }
    )


def parse_bvh(raw: RawTable) -> pd.DataFrame:
    frame = _with_optional(raw.frame, BVH_COLUMNS)
    return pd.DataFrame(
        {
            "client_id": frame["client_id"].str.strip(),
            "registratienummer": frame["registratienummer"].str.strip(),
            "datum": parse_dates(frame["datum"]),
            "imk_code": normalise_codes(frame["imk_code"]),
            "imk_omschrijving": frame["imk_omschrijving"].str.strip(),
            "rol": frame["rol"].str.strip().str.lower(),
            SOURCE_ROW: frame.index.to_numpy() + raw.file_row(0),
        }
    )


def parse_detention(raw: RawTable) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": raw.frame["client_id"].str.strip(),
            "van": parse_dates(raw.frame["van"]),
            "tot": parse_dates(raw.frame["tot"]),
        }
    )


def validate_detention(raw: RawTable) -> pd.DataFrame:
    problems = _problems(raw, DETENTION_SCHEMA)
    if problems:
        raise UserError(f"The detention file does not meet its contract: {len(problems)} problem(s)", problems)
    return parse_detention(raw)


def validate(clients: RawTable, bvh: RawTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both inputs typed, or a UserError listing every problem in both files."""
    problems = _problems(clients, CLIENTS_SCHEMA) + _problems(bvh, BVH_SCHEMA)
    if problems:
        files = sorted({p.file for p in problems})
        raise UserError(
            f"The input does not meet the data contract: {len(problems)} problem(s) in {', '.join(files)}",
            problems,
        )
    return parse_clients(clients), parse_bvh(bvh)
