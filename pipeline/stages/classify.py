"""Stage 3, classify: give every registration its IMK class, E-category, severity and weight (SPEC §4)."""

from __future__ import annotations

import pandas as pd

from pipeline.config.mapping import ImkMapping
from pipeline.config.settings import Settings
from pipeline.errors import Problem, UserError
from schemas.vocabulary import E_CLASS

CLASS_COLUMNS = ("klasse", "klasse_naam", "e_categorie", "zwaarte", "gewicht")


def _fallback(codes: pd.Series, mapping: ImkMapping, settings: Settings) -> pd.DataFrame:
    """Unknown codes: the class of their letter, that class's default severity (or the fallback setting)."""
    letters = codes.str[0]
    classes = mapping.classes.set_index("klasse")
    known_class = letters.isin(classes.index)
    severity = letters.map(classes["zwaarte"]).where(known_class, settings.unknown_codes.fallback_severity)
    return pd.DataFrame(
        {
            "code": codes,
            "klasse": letters,
            "klasse_naam": letters.map(classes["klasse_naam"]).where(known_class, "Onbekende klasse"),
            "e_categorie": pd.Series(settings.unknown_codes.fallback_e_category, index=codes.index).where(
                letters == E_CLASS
            ),
            "zwaarte": severity,
            "gewicht": severity.map(mapping.weights),
        }
    )


def classify(rows: pd.DataFrame, mapping: ImkMapping, settings: Settings, source: str = "bvh") -> pd.DataFrame:
    """Rows with their classification; unknown codes stop the run unless the settings name the fallback."""
    table = mapping.table.set_index("code")
    codes = pd.Series(rows["imk_code"].unique(), dtype="str")
    unknown = codes[~codes.isin(table.index)]
    if len(unknown) and settings.unknown_codes.action == "stoppen":
        counts = rows.loc[rows["imk_code"].isin(unknown), "imk_code"].value_counts()
        counts = counts.sort_index().sort_values(ascending=False, kind="stable")
        problems = [
            Problem(source, None, "imk_code", code, f"IMK-code niet in de indeling, {n} rij(en)")
            for code, n in counts.items()
        ]
        raise UserError(
            f"{len(counts)} IMK-code(s) in de gegevens staan niet in de indeling. Voeg ze toe aan de indeling, of zet "
            "'onbekende_codes: {actie: terugval}' in de instellingen om ze de standaard van hun klasse te geven.",
            problems,
        )
    if settings.unknown_codes.fallback_severity not in mapping.weights:
        raise UserError(
            "instellingen: onbekende_codes.terugval_zwaarte: onbekende zwaarte "
            f"{settings.unknown_codes.fallback_severity!r} "
            f"(toegestaan: {', '.join(mapping.weights)})"
        )
    if settings.unknown_codes.fallback_e_category not in mapping.e_categories:
        raise UserError(
            f"instellingen: onbekende_codes.terugval_e_categorie: onbekende E-categorie "
            f"{settings.unknown_codes.fallback_e_category!r} "
            f"(toegestaan: {', '.join(mapping.e_categories)})"
        )
    known = table.loc[codes[codes.isin(table.index)], list(CLASS_COLUMNS)].reset_index()
    lookup = pd.concat([known, _fallback(unknown, mapping, settings)], ignore_index=True)
    lookup["onbekende_code"] = lookup["code"].isin(unknown)
    # an empty fallback part would leave the weights as objects: the typed frame (ClassifiedRows) wants floats
    lookup["gewicht"] = lookup["gewicht"].astype("float64")
    classified = rows.merge(
        lookup.rename(columns={"code": "imk_code"}), on="imk_code", how="left", validate="many_to_one"
    )
    return classified
