"""The effect estimates in the results: rates per month, the event study, the estimates with and without time at
risk, and the matched comparison group."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.config.mapping import ImkMapping
from pipeline.config.settings import Settings
from pipeline.estimation.effect import estimates
from pipeline.estimation.matched.did import MatchedDesign
from pipeline.estimation.matched.group import comparison_group
from pipeline.stages.classify import classify
from pipeline.stages.event_study import event_study
from pipeline.stages.rates import person_months, rates
from schemas.results import Effects, EventMonth, Matching, Rate, TimeAtRisk
from schemas.vocabulary import (
    ESTIMATORS,
    USABLE,
)


def _deaths(clients: pd.DataFrame) -> pd.Series | None:
    if "overleden" in clients and clients["overleden"].notna().any():
        return clients.set_index("client_id")["overleden"].dropna()
    return None


def rates_per_month(
    windows: dict[str, int], counts: pd.DataFrame, clients: pd.DataFrame, settings: Settings, detention
) -> dict[str, Rate]:
    """Per window and per period: registrations, person-months at risk, and their ratio."""
    months = person_months(clients.loc[clients["vergeleken"]], settings.windows, detention, _deaths(clients))
    names = list(settings.windows)
    periods = {"voor": names[:2], "tijdens": names[2:3], "na": names[3:]}
    regs = dict(windows) | {p: int(counts[p].sum()) for p in periods}
    months |= {p: sum(months[w] for w in ws) for p, ws in periods.items()}
    return {k: Rate.model_validate(v) for k, v in rates(regs, months).items()}


def effects(
    rows: pd.DataFrame,
    clients: pd.DataFrame,
    settings: Settings,
    detention: pd.DataFrame | None,
    subgroups: dict[tuple[str, str], pd.Index],
    matched: MatchedDesign | None = None,
) -> dict[str, Any]:
    """The event study and the effect estimates, typed; with time at risk, also the estimates without it."""
    regs = rows.loc[rows["status"].isin(USABLE), ["client_id", "datum"]]
    deaths = _deaths(clients)
    at_risk = detention is not None or deaths is not None
    months = event_study(rows.loc[rows["status"] == "used"], clients.loc[clients["vergeleken"]], settings)
    effect = estimates(regs, clients, settings, detention, deaths, subgroups, matched=matched)
    for name in ESTIMATORS:
        effect[name]["tijd_at_risk"] = at_risk
    out: dict[str, Any] = {
        "event_study": [EventMonth.model_validate(m) for m in months],
        "effect": Effects.model_validate(effect),
    }
    if at_risk:
        out["effect_zonder_tijd_at_risk"] = Effects.model_validate(estimates(regs, clients, settings, full=False))
        periods = detention if detention is not None else pd.DataFrame({"client_id": []})
        known = periods["client_id"].isin(clients["client_id"])
        out["tijd_at_risk"] = TimeAtRisk(
            detentieperioden=len(periods),
            clients_met_detentie=int(periods.loc[known, "client_id"].nunique()),
            detentieperioden_onbekende_client=int((~known).sum()),
            overleden=0 if deaths is None else len(deaths),
        )
    return out


def matched_design(
    rows: pd.DataFrame,
    clients: pd.DataFrame,
    mapping: ImkMapping,
    settings: Settings,
    comparison: tuple[pd.DataFrame, pd.DataFrame],
) -> tuple[Matching, MatchedDesign]:
    """`matching` and the matched design the effect estimates use (issue 12)."""
    persons, export = comparison
    classified = classify(export, mapping, settings, source="vergelijkingsgroep (politie-export)")
    matching, design = comparison_group(rows, clients, persons, classified, settings)
    return Matching.model_validate(matching), design
