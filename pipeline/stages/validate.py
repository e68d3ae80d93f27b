"""Stage 1, validate: parse both inputs once, check the parsed values against their contracts, return them typed.

Every failure of both files is collected in one pass and reported with file, row, column, value (as it stands
in the file) and rule. The contracts are in schemas/ (clients.py, bvh.py, detention.py).
"""

from __future__ import annotations

from types import ModuleType

import pandas as pd
import pandera.pandas as pa

import schemas
from pipeline.errors import Problem, UserError
from schemas.raw import RawTable

SOURCE_ROW = "bron_rij"  # the row number in the input file, kept so later stages can point back to it


def _missing_columns(raw: RawTable, contract: ModuleType) -> list[Problem]:
    found = ", ".join(raw.frame.columns)
    return [
        Problem(str(raw.path), None, column, None, f"verplichte kolom ontbreekt (gevonden kolommen: {found})")
        for column in contract.REQUIRED
        if column not in raw.frame.columns
    ]


def _describe(raw: RawTable, failures: pd.DataFrame) -> list[Problem]:
    """Each failing cell as a Problem, with the value as the file has it (not as it was parsed)."""
    problems = [
        Problem(
            str(raw.path),
            raw.file_row(case.index),
            case.column,
            str(raw.frame.at[case.index, case.column]) if case.column in raw.frame.columns else "",
            str(case.check),
        )
        for case in failures.itertuples(index=False)
    ]
    problems.sort(key=lambda p: (p.row if p.row is not None else -1, p.column or ""))
    return problems


def check(raw: RawTable, contract: ModuleType) -> tuple[pd.DataFrame | None, list[Problem]]:
    """(the typed frame, no problems) or (None, every problem of this file)."""
    missing = _missing_columns(raw, contract)
    if missing:
        return None, missing
    text = raw.frame.assign(**{c: "" for c in contract.COLUMNS if c not in raw.frame.columns})
    parsed = contract.parse(text)
    try:
        contract.schema(text, parsed).validate(parsed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return None, _describe(raw, exc.failure_cases)
    typed = contract.typed(parsed)
    typed[SOURCE_ROW] = typed.index.to_numpy() + raw.file_row(0)
    return typed.reset_index(drop=True), []


def validate_detention(raw: RawTable) -> pd.DataFrame:
    periods, problems = check(raw, schemas.detention)
    if problems:
        raise UserError(
            f"Het detentiebestand voldoet niet aan zijn afspraken: {len(problems)} probleem/problemen", problems
        )
    return periods.drop(columns=SOURCE_ROW)


def _typed_pair(first: RawTable, contract: ModuleType, bvh: RawTable, what: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A list and its police export typed together, or a UserError listing every problem in both files."""
    first_frame, first_problems = check(first, contract)
    bvh_frame, bvh_problems = check(bvh, schemas.bvh)
    problems = first_problems + bvh_problems
    if problems:
        files = sorted({p.file for p in problems})
        raise UserError(
            f"{what} voldoet niet aan de gegevensafspraken: {len(problems)} probleem/problemen in {', '.join(files)}",
            problems,
        )
    return first_frame, bvh_frame


def validate(clients: RawTable, bvh: RawTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both inputs typed, or a UserError listing every problem in both files."""
    return _typed_pair(clients, schemas.clients, bvh, "De invoer")


def validate_comparison(persons: RawTable, bvh: RawTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The comparison persons and their police export (issue 12), typed as the main inputs are, or a UserError
    listing every problem in both files."""
    persons_frame, bvh_frame = _typed_pair(persons, schemas.persons, bvh, "De vergelijkingsgroep")
    return persons_frame.drop(columns=SOURCE_ROW), bvh_frame
