"""The largest two clients' share of every published count, for the dominance rule of disclosure control."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.analysis.counts import duration_groups
from pipeline.stages.align import period_of
from schemas.vocabulary import (
    E_CLASS,
)


def _top_two(frame: pd.DataFrame, unit: str, column: str) -> dict:
    """unit -> column -> [largest, second-largest] contribution of one client to that count."""
    per_client = (
        frame.groupby([unit, column, "client_id"], observed=True).size().astype(float).sort_values(ascending=False)
    )
    top = per_client.groupby(level=[0, 1], observed=True).head(2)
    out: dict[str, dict[str, list[float]]] = {}
    for (u, c, _), v in top.sort_index(level=[0, 1], sort_remaining=False).items():
        out.setdefault(str(u), {}).setdefault(str(c), []).append(float(v))
    for columns in out.values():
        for contributions in columns.values():
            contributions.sort(reverse=True)
            contributions.extend([0.0] * (2 - len(contributions)))
    return out


def _by_period_and_total(frame: pd.DataFrame, unit: str) -> dict:
    periods = frame.assign(_periode=period_of(frame["venster"].array).astype(str))
    out = _top_two(periods, unit, "_periode")
    for u, columns in _top_two(periods.assign(_periode="totaal"), unit, "_periode").items():
        out.setdefault(u, {}).update(columns)
    return out


def dominance(used: pd.DataFrame, counts: pd.DataFrame, roles: pd.DataFrame) -> dict[str, Any]:
    """The one or two clients behind every published registration count, for the dominance rule: a count that
    one client makes (almost) alone tells about that client."""
    frame = used.assign(
        geslacht=used["client_id"].map(counts["geslacht"].astype(str)),
        leeftijdsgroep=used["client_id"].map(counts["leeftijdsgroep"].astype(str)),
        ico_type=used["client_id"].map(counts["ico_type"]),
        duurgroep=used["client_id"].map(duration_groups(counts["duur_maanden"]).astype(str)),
        alle="alle",
        totaal="totaal",
    )
    is_e = frame["klasse"] == E_CLASS
    return {
        "overall": _by_period_and_total(frame, "alle"),
        "windows": _top_two(frame, "venster", "totaal"),
        "by_sex": _by_period_and_total(frame, "geslacht"),
        "by_age": _by_period_and_total(frame, "leeftijdsgroep"),
        "by_ico_type": _by_period_and_total(frame, "ico_type"),
        "ico_duur": _by_period_and_total(frame, "duurgroep"),
        "imk_class": _top_two(frame, "klasse", "totaal"),
        "e_code": _top_two(frame.loc[is_e], "imk_code", "totaal"),
        "e_category": _by_period_and_total(frame.loc[is_e], "e_categorie"),
        "severity": _by_period_and_total(frame.loc[~is_e], "zwaarte"),
        "class_by_sex": _top_two(frame, "klasse", "geslacht"),
        "by_role": _by_period_and_total(roles, "rol"),
    }
