"""Registrations broken down: by period per E-category and severity, per IMK class and E-code, classes by sex
and age, per client; the change groups and the severity score."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.analysis.counts import mean
from pipeline.config.mapping import ImkMapping
from pipeline.config.settings import Settings
from pipeline.formatting.numbers import pct_change
from pipeline.stages.align import period_of
from pipeline.stages.stats import paired_test
from schemas.results import ChangeGroup, ClientsPer, Counts, SeverityScore
from schemas.vocabulary import (
    CHANGE_CLASSES,
    CHANGE_GROUPS,
    E_CLASS,
    PERIODS,
    SEXES,
)


def by_period_table(frame: pd.DataFrame, column: str, order: tuple[str, ...]) -> dict[str, Counts]:
    table = pd.crosstab(frame[column], period_of(frame["venster"].array), dropna=False)
    table = table.reindex(columns=list(PERIODS), fill_value=0)
    out = {}
    for label in order:
        if label not in table.index or table.loc[label].sum() == 0:
            continue
        row = {p: int(table.at[label, p]) for p in PERIODS}
        row["totaal"] = sum(row.values())
        row["afname"] = row["na"] - row["voor"]
        row["afname_pct"] = pct_change(row["voor"], row["na"])
        out[label] = Counts.model_validate(row)
    return out


def frequencies(values: pd.Series) -> dict[str, int]:
    counts = values.value_counts().sort_index()
    return {str(int(k)): int(v) for k, v in counts.items()}


def change_group_counts(counts: pd.DataFrame) -> dict[str, ChangeGroup]:
    out = {}
    for group in CHANGE_GROUPS:
        members = counts.loc[counts["verandergroep"] == group]
        entry = {"n": len(members)}
        tally = members["verandering"].value_counts()
        entry |= {c: int(tally.get(c, 0)) for c in CHANGE_CLASSES}
        entry["geen_na"] = int((members["na"] == 0).sum())
        out[group] = entry
    return {k: ChangeGroup.model_validate(v) for k, v in out.items()}


def _class_breakdown(
    used: pd.DataFrame, counts: pd.DataFrame, column: str, order: list[str], distinct_clients: bool = False
) -> dict:
    """Registrations (or, with distinct_clients, the clients behind them) per IMK class and group."""
    frame = used.assign(groep=used["client_id"].map(counts[column].astype(str)))
    if distinct_clients:
        frame = frame.drop_duplicates(["klasse", "groep", "client_id"])
    table = pd.crosstab(frame["klasse"], frame["groep"])
    out = {}
    for klasse in sorted(table.index):
        out[klasse] = {g: int(table.at[klasse, g]) for g in order if g in table.columns}
    return out


def _clients_per(used: pd.DataFrame, column: str) -> dict[str, int]:
    """How many clients stand behind each value of `column`: the group size that disclosure control needs."""
    sizes = used.loc[used[column].notna()].groupby(column, observed=True)["client_id"].nunique()
    return {str(k): int(v) for k, v in sizes.sort_index().items()}


def _ranked(values: pd.Series) -> pd.Series:
    """Counts from most to least frequent, ties in alphabetical order: the same order every run."""
    return values.value_counts().sort_index().sort_values(ascending=False, kind="stable")


def catalogue(used: pd.DataFrame, mapping: ImkMapping) -> dict[str, Any]:
    """Registrations per IMK class and per E code, with their names from the mapping."""
    classes = _ranked(used["klasse"])
    e_codes = _ranked(used.loc[used["klasse"] == E_CLASS, "imk_code"])
    class_names = mapping.classes.set_index("klasse")["klasse_naam"]
    code_names = mapping.table.set_index("code")["omschrijving"]
    return {
        "imk_classes": {k: int(v) for k, v in classes.items()},
        "imk_class_names": {k: str(class_names.get(k, "Onbekende klasse")) for k in classes.index},
        "e_codes": {k: int(v) for k, v in e_codes.items()},
        "e_code_names": {k: code_names.get(k, "") for k in e_codes.index},
    }


def class_breakdowns(
    used: pd.DataFrame, counts: pd.DataFrame, settings: Settings, roles: pd.DataFrame
) -> dict[str, Any]:
    """Classes by sex and age, and the clients behind every published breakdown (for disclosure control)."""
    is_e = used["klasse"] == E_CLASS
    ages = list(settings.age_labels)
    return {
        "class_by_sex": _class_breakdown(used, counts, "geslacht", list(SEXES)),
        "class_by_age": _class_breakdown(used, counts, "leeftijdsgroep", ages),
        "clients_per": ClientsPer.model_validate(
            {
                "imk_class": _clients_per(used, "klasse"),
                "e_code": _clients_per(used.loc[is_e], "imk_code"),
                "e_category": _clients_per(used.loc[is_e], "e_categorie"),
                "severity": _clients_per(used.loc[~is_e], "zwaarte"),
                "class_by_sex": _class_breakdown(used, counts, "geslacht", list(SEXES), True),
                "class_by_age": _class_breakdown(used, counts, "leeftijdsgroep", ages, True),
                "role": _clients_per(roles, "rol"),
            }
        ),
    }


def _severity_mix(counts: pd.DataFrame) -> dict[str, Any]:
    """Were the registrations after the ICO less severe, whatever their number? The mean weight per registration
    before and after, per client with registrations in both periods (the volume is the main test's)."""
    both = counts.loc[(counts["voor"] > 0) & (counts["na"] > 0)]
    before, after = both["score_voor"] / both["voor"], both["score_na"] / both["na"]
    test = paired_test(before, after)
    test["wilcoxon"].pop("reden", None)
    return {
        "maat": "gemiddeld gewicht per registratie, per cliënt met registraties vóór én na",
        "n_clients": len(both),
        "gemiddeld_voor": mean(before),
        "gemiddeld_na": mean(after),
        **test,
    }


def severity_score(counts: pd.DataFrame, mapping: ImkMapping) -> SeverityScore:
    before, after = counts["score_voor"], counts["score_na"]
    test = paired_test(before, after)
    test["wilcoxon"].pop("reden", None)
    return SeverityScore.model_validate(
        {
            "mix": _severity_mix(counts),
            "registraties": "alle registraties (E-registraties wegen als licht)",
            "gewichten": dict(mapping.weights),
            "voor": float(before.sum()),
            "na": float(after.sum()),
            "gemiddeld_voor": mean(before),
            "gemiddeld_na": mean(after),
            "afname_pct": pct_change(before.sum(), after.sum()),
            **test,
        }
    )
