"""The typed frames between the stages: what validate hands to align, align to classify, classify to analyse.

Checked at every stage boundary (pipeline/workflow), so a stage can rely on the columns, types and categories
of its input instead of checking them again, and a stage that breaks its contract stops the run as a bug
(exit 1), never as a wrong report. The text of the input files is checked, and parsed once, by the input
schemas (schemas/clients.py, schemas/bvh.py); these models describe the parsed result.

Only pandas and pandera: the schemas depend on nothing of the pipeline.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.parsing import CODE_PATTERN
from schemas.vocabulary import E_CLASS, EXCLUSION_REASONS, SEXES, STATUSES


class _Frame(pa.DataFrameModel):
    class Config:
        strict = True  # no column that the contract does not name
        ordered = True  # in the contract's order, so the Parquet files between stages are the same every run


class ValidatedClients(_Frame):
    """The client list after validation: one row per client."""

    client_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    geslacht: Series[str] = pa.Field(isin=list(SEXES))
    leeftijd: Series[int] = pa.Field(ge=0, le=110)
    ico_start: Series[pa.DateTime]
    ico_eind: Series[pa.DateTime] = pa.Field(nullable=True, description="NaT while the ICO still runs")
    ico_type: Series[str]
    overleden: Series[pa.DateTime] = pa.Field(nullable=True)
    bron_rij: Series[int] = pa.Field(ge=1, unique=True, description="the row number in the input file")

    @pa.dataframe_check(error="ico_eind must not lie before ico_start")
    def end_not_before_start(cls, frame: pd.DataFrame) -> pd.Series:
        return ~(frame["ico_eind"] < frame["ico_start"])


class ValidatedBvh(_Frame):
    """The police export after validation: one row per row of the file, in file order."""

    client_id: Series[str] = pa.Field(str_length={"min_value": 1})
    registratienummer: Series[str] = pa.Field(str_length={"min_value": 1})
    datum: Series[pa.DateTime]
    imk_code: Series[str] = pa.Field(str_matches=CODE_PATTERN.pattern)
    imk_omschrijving: Series[str]
    rol: Series[str]
    bron_rij: Series[int] = pa.Field(ge=1, unique=True)


class AlignedRows(ValidatedBvh):
    """Every row with its fate (SPEC §6) and, for a row that counts, its window around the ICO (SPEC §3)."""

    status: Series[pd.CategoricalDtype] = pa.Field(dtype_kwargs={"categories": list(STATUSES), "ordered": False})
    venster: Series[pd.CategoricalDtype] = pa.Field(nullable=True, description="categories: the settings' windows")
    venster_elke_rol: Series[pd.CategoricalDtype] = pa.Field(
        nullable=True, description="the window of any row of a compared client, whatever its role or repetition"
    )

    @pa.dataframe_check(error="a row is used exactly when it lies in a window")
    def used_rows_have_a_window(cls, frame: pd.DataFrame) -> pd.Series:
        return (frame["status"] == "used") == frame["venster"].notna()


class AlignedClients(ValidatedClients):
    """Every client with its window boundaries and whether it is compared (SPEC §3)."""

    lang_voor: Series[pa.DateTime]
    kort_voor: Series[pa.DateTime]
    kort_na: Series[pa.DateTime] = pa.Field(nullable=True)
    lang_na: Series[pa.DateTime] = pa.Field(nullable=True)
    uitsluiting: Series[str] = pa.Field(isin=["", *EXCLUSION_REASONS])
    vergeleken: Series[bool]

    @pa.dataframe_check(error="a client is compared exactly when no reason leaves it out")
    def compared_without_reason(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["vergeleken"] == (frame["uitsluiting"] == "")


class ClassifiedRows(AlignedRows):
    """Every row with its IMK class, E-category and severity (SPEC §4)."""

    klasse: Series[str] = pa.Field(str_matches=r"^[A-Z]$")
    klasse_naam: Series[str]
    e_categorie: Series[str] = pa.Field(nullable=True, description="only for E codes")
    zwaarte: Series[str]
    gewicht: Series[float] = pa.Field(ge=0)
    onbekende_code: Series[bool]

    @pa.dataframe_check(error="an E code has an E-category and only an E code has one")
    def e_category_for_e_codes(cls, frame: pd.DataFrame) -> pd.Series:
        return (frame["klasse"] == E_CLASS) == frame["e_categorie"].notna()


def check_windows(frame: pd.DataFrame, windows: tuple[str, ...] | list[str]) -> None:
    """The window categories are the settings' own, in their order (they depend on the window lengths)."""
    categories = list(frame["venster"].cat.categories)
    if categories != list(windows) or not frame["venster"].cat.ordered:
        raise pa.errors.SchemaError(
            None, frame, f"venster must have the ordered categories {list(windows)}, has {categories}"
        )
