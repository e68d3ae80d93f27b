"""Subgroups and their paired tests (SPEC §5): sex, age groups and ICO types in one Holm family, and the
ICO's duration."""

from __future__ import annotations

from typing import Any

import pandas as pd
import scipy.stats

from pipeline.analysis.counts import UNKNOWN_TYPE, duration_groups, mean
from pipeline.config.settings import Settings
from pipeline.formatting.numbers import pct_change
from pipeline.stages.stats import holm, paired_test, rank_biserial, wilcoxon
from schemas.results import IcoDuration, Overall, Subgroup
from schemas.vocabulary import (
    SEXES,
    SEXES_TESTED,
)

NOT_TESTED_SMALL = "niet getoetst i.v.m. te kleine aantallen"


NOT_TESTED_SEX_UNKNOWN = "niet getoetst: geslacht onbekend"


NOT_TESTED_TYPE_UNKNOWN = "niet getoetst: soort ICO onbekend"


def group_summary(group: pd.DataFrame) -> dict[str, Any]:
    voor, na = int(group["voor"].sum()), int(group["na"].sum())
    return {
        "n": len(group),
        "voor": voor,
        "tijdens": int(group["tijdens"].sum()),
        "na": na,
        "totaal": int(group["totaal"].sum()),
        "afname": na - voor,
        "afname_pct": pct_change(voor, na),
        "gemiddeld_voor": mean(group["voor"]),
        "gemiddeld_na": mean(group["na"]),
        "min_voor": int(group["voor"].min()) if len(group) else None,
        "max_voor": int(group["voor"].max()) if len(group) else None,
        "min_na": int(group["na"].min()) if len(group) else None,
        "max_na": int(group["na"].max()) if len(group) else None,
    }


def tested(group: pd.DataFrame) -> dict[str, Any]:
    test = wilcoxon(group["voor"].to_numpy(), group["na"].to_numpy())
    return {
        "statistic": test["statistic"],
        "p": test["p"],
        "rank_biserial": rank_biserial(group["voor"].to_numpy(), group["na"].to_numpy()),
        "n_ongelijk": test["n_ongelijk"],
        "reden": test.get("reden"),
    }


def subgroups(counts: pd.DataFrame, column: str, order: list[str], testable, settings: Settings) -> dict:
    groups: dict[str, dict[str, Any]] = {}
    present = set(counts[column].dropna().astype(str))
    for label in order:
        if label not in present:
            continue
        group = counts.loc[counts[column].astype(str) == label]
        entry = group_summary(group)
        reason = testable(label, len(group))
        if reason is None:
            entry |= tested(group)
        else:
            entry |= {
                "statistic": None,
                "p": None,
                "rank_biserial": None,
                "n_ongelijk": None,
                "reden": reason,
            }
        entry["getoetst"] = entry["p"] is not None
        entry["p_holm"] = None
        groups[label] = entry
    return groups


def too_small(settings: Settings):
    def reason(label: str, n: int) -> str | None:
        return NOT_TESTED_SMALL if n < settings.tests.min_group_size else None

    return reason


def sex_reason(settings: Settings):
    small = too_small(settings)

    def reason(label: str, n: int) -> str | None:
        return NOT_TESTED_SEX_UNKNOWN if label not in SEXES_TESTED else small(label, n)

    return reason


def _type_reason(settings: Settings):
    small = too_small(settings)

    def reason(label: str, n: int) -> str | None:
        return NOT_TESTED_TYPE_UNKNOWN if label == UNKNOWN_TYPE else small(label, n)

    return reason


def ico_type_order(types: pd.Series) -> list[str]:
    """The ICO types of the client list, alphabetically, the unknown last: the same order every run."""
    known = sorted(set(types.astype(str)) - {UNKNOWN_TYPE})
    return [*known, UNKNOWN_TYPE] if (types == UNKNOWN_TYPE).any() else known


def by_ico_type(counts: pd.DataFrame, settings: Settings) -> dict[str, dict[str, Any]]:
    """Before and after per ICO type; nothing when the client list names no type (one group would only repeat
    the totals)."""
    if (counts["ico_type"] == UNKNOWN_TYPE).all():
        return {}
    return subgroups(counts, "ico_type", ico_type_order(counts["ico_type"]), _type_reason(settings), settings)


def ico_duration(counts: pd.DataFrame) -> IcoDuration:
    """Did clients with a longer ICO change more? The rank correlation of duration with the change per client
    (na - voor; both periods have the same length whatever the duration), and before/after per duration group."""
    months, change = counts["duur_maanden"], counts["na"] - counts["voor"]
    rho, p = (None, None)
    if len(counts) >= 3 and months.nunique() > 1 and change.nunique() > 1:
        test = scipy.stats.spearmanr(months.to_numpy(), change.to_numpy())
        rho, p = float(test.statistic), float(test.pvalue)
    groups = duration_groups(months)
    return IcoDuration.model_validate(
        {
            "maat": "verandering per cliënt (na - voor) tegen de duur van het ICO in maanden",
            "n": len(counts),
            "mediaan_maanden": float(months.median()) if len(counts) else None,
            "spearman_rho": rho,
            "p": p,
            "groepen": {
                str(label): group_summary(counts.loc[(groups == label).to_numpy()])
                for label in groups.cat.categories
                if (groups == label).any()
            }
            if len(counts)
            else {},
        }
    )


def apply_holm(*families: dict[str, dict[str, Any]]) -> None:
    """One Holm family over every tested subgroup (SPEC §5: sex and age together; with them the ICO types)."""
    tested = [g for family in families for g in family.values() if g["p"] is not None]
    for group, adjusted in zip(tested, holm([g["p"] for g in tested]), strict=True):
        group["p_holm"] = adjusted


def tested_groups(counts: pd.DataFrame, settings: Settings) -> dict[tuple[str, str], pd.Index]:
    """The subgroups SPEC §5 tests (sex: man and vrouw; age groups), by their compared clients."""
    out = {}
    for column, labels in (("geslacht", SEXES_TESTED), ("leeftijdsgroep", settings.age_labels)):
        for label in labels:
            ids = counts.index[(counts[column] == label).to_numpy()]
            if len(ids) >= max(settings.tests.min_group_size, 2):
                out[(column, str(label))] = ids
    return out


def tested_subgroups(
    counts: pd.DataFrame, settings: Settings
) -> tuple[dict[str, Subgroup], dict[str, Subgroup], dict[str, Subgroup]]:
    """(by sex, by age group, by ICO type), each tested group's p-value Holm-adjusted in one family."""
    by_sex = subgroups(counts, "geslacht", list(SEXES), sex_reason(settings), settings)
    by_age = subgroups(counts, "leeftijdsgroep", list(settings.age_labels), too_small(settings), settings)
    by_type = by_ico_type(counts, settings)
    apply_holm(by_sex, by_age, by_type)
    return tuple({k: Subgroup.model_validate(v) for k, v in family.items()} for family in (by_sex, by_age, by_type))


def overall(counts: pd.DataFrame) -> Overall:
    """All compared clients: the counts and the main test of SPEC §5."""
    return Overall.model_validate(group_summary(counts) | paired_test(counts["voor"], counts["na"]))
