"""The matched comparison group (issue 12): from the comparison persons and their police export to the
balance, the matched estimate and the controls' months, for results.json (`matching`, `effect.matched`).

Every row of the comparison export is accounted for once: a role that does not count, a repeated
registration, a person who is a client (the main export counts a client's registrations; a person in both
lists is a client), a person missing from the list of comparison persons, or used.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from pipeline.config.settings import Settings
from pipeline.estimation.matched.did import MatchedDesign, matched_units
from pipeline.estimation.matched.matching import History, Matching, MatchSettings, match
from pipeline.stages.align import counted_once
from schemas.vocabulary import E_CLASS, USABLE

HISTORY_COLUMNS = ["client_id", "datum", "is_e", "gewicht"]


def _history_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(is_e=frame["klasse"] == E_CLASS)[HISTORY_COLUMNS]


def comparison_rows(
    rows: pd.DataFrame, persons: pd.DataFrame, clients: pd.DataFrame, settings: Settings
) -> tuple[pd.DataFrame, dict[str, int]]:
    """(the counting registrations of the comparison persons who are no client, the fate of every row)."""
    role_counts, duplicate = counted_once(rows, settings.roles)
    is_client = rows["client_id"].isin(clients["client_id"]).to_numpy()
    listed = rows["client_id"].isin(persons["client_id"]).to_numpy()
    fate = np.select([~role_counts, duplicate, is_client, ~listed], [0, 1, 2, 3], default=4)
    names = ("rijen_rol_telt_niet", "dubbel", "rijen_van_clienten", "rijen_onbekende_persoon", "rijen_gebruikt")
    counts = {"rijen_gelezen": len(rows)} | {n: int((fate == i).sum()) for i, n in enumerate(names)}
    return rows.loc[fate == 4].reset_index(drop=True), counts


def _clients_to_match(clients: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The compared clients with a birth year (the ICO year minus the age: the list gives an age) and the date
    after which a later client's own start must lie to serve as its control: the client's start plus the gap
    of the settings (default 0: anybody not yet referred on that day is at risk, the design of a sequential
    trial; a later client's follow-up as a control ends the day before its own ICO starts)."""
    compared = clients.loc[clients["vergeleken"]].copy()
    compared["geboortejaar"] = compared["ico_start"].dt.year - compared["leeftijd"]
    compared["later_na"] = compared["ico_start"] + pd.DateOffset(months=settings.matching.later_clients_months or 0)
    return compared


def _candidates(persons: pd.DataFrame, clients: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The comparison persons who are no client and, as the settings allow, every client with a known start
    (serving only clients whose `later_na` lies before its own start, and only until then)."""
    others = persons.loc[~persons["client_id"].isin(clients["client_id"]), ["client_id", "geslacht", "geboortejaar"]]
    others = others.assign(eigen_start=pd.NaT)
    if settings.matching.later_clients_months is None:
        return others
    later = clients.loc[clients["ico_start"].notna()]
    later = pd.DataFrame(
        {
            "client_id": later["client_id"],
            "geslacht": later["geslacht"],
            "geboortejaar": later["ico_start"].dt.year - later["leeftijd"],
            "eigen_start": later["ico_start"],
        }
    )
    return pd.concat([others, later], ignore_index=True)


def control_months(
    regs: pd.DataFrame, matches: pd.DataFrame, clients: pd.DataFrame, settings: Settings, censor: pd.Series
) -> list:
    """Registrations per person per month before the start and after the end, of the matched clients and of
    their controls (weighted 1/k; a later client only in the months before its own ICO): the two lines."""
    units = matched_units(matches, clients, censor)
    pairs = regs[["client_id", "datum"]].merge(units.reset_index(), on="client_id", how="inner")
    last = units["censor"].fillna(pd.Timestamp.max.normalize())
    rows = []
    for referentie, months in (
        ("start", range(-settings.window_months.long, 0)),
        ("eind", range(1, settings.window_months.long + 1)),
    ):
        for k in months:
            if referentie == "start":
                lo, hi = pairs["ico_start"] + pd.DateOffset(months=k), pairs["ico_start"] + pd.DateOffset(months=k + 1)
                inside = (pairs["datum"] >= lo) & (pairs["datum"] < hi)
            else:
                lo, hi = pairs["ico_eind"] + pd.DateOffset(months=k - 1), pairs["ico_eind"] + pd.DateOffset(months=k)
                inside = (pairs["datum"] > lo) & (pairs["datum"] <= hi)
            inside &= pairs["datum"] < pairs["censor"].fillna(pd.Timestamp.max.normalize())
            unit_hi = (
                (units["ico_start"] + pd.DateOffset(months=k + 1))
                if referentie == "start"
                else (units["ico_eind"] + pd.DateOffset(months=k))
            )
            at_risk = units.loc[unit_hi.to_numpy() <= last.to_numpy()]  # not censored before the month ends
            total = at_risk.groupby("treated")["weight"].agg(math.fsum)  # exact sums: no order of rows shows
            weights = pairs.loc[inside].groupby("treated")["weight"].agg(math.fsum)
            rate = {t: float(weights.get(t, 0.0) / total[t]) if total.get(t, 0) else None for t in (0, 1)}
            rows.append({"maand": k, "referentie": referentie, "clients": rate[1], "controles": rate[0]})
    return rows


def comparison_group(
    rows: pd.DataFrame,
    clients: pd.DataFrame,
    persons: pd.DataFrame,
    classified_comparison: pd.DataFrame,
    settings: Settings,
) -> tuple[dict[str, Any], MatchedDesign]:
    """(results' `matching`, the matched design that gives `effect.matched`). `rows`: the classified rows of the
    main export; `clients`: the aligned client list; `persons`: the comparison persons; `classified_comparison`:
    their export, classified."""
    own = rows.loc[rows["status"].isin(USABLE)]
    others, fates = comparison_rows(classified_comparison, persons, clients, settings)
    history_rows = pd.concat([_history_rows(own), _history_rows(others)], ignore_index=True)
    to_match = _clients_to_match(clients, settings)
    candidates = _candidates(persons, clients, settings)
    result: Matching = match(
        to_match,
        candidates,
        History(history_rows),
        MatchSettings(
            k=settings.matching.k,
            age_band=settings.matching.age_band,
            caliper=settings.matching.caliper,
            later_clients_months=settings.matching.later_clients_months,
            max_smd=settings.matching.max_smd if settings.matching.narrow else None,
        ),
    )
    regs = history_rows[["client_id", "datum"]]
    censor = candidates.dropna(subset=["eigen_start"]).set_index("client_id")["eigen_start"]
    design = MatchedDesign(regs, result.matches, to_match, settings, censor)
    reasons = result.unmatched["reden"].value_counts().sort_index()
    matching = {
        "balance": result.balance,
        "max_abs_smd": result.max_abs_smd,
        "caliper": result.caliper,
        "caliper_versmallingen": result.narrowings,
        "ongematcht_door_versmallen": result.unmatched_by_narrowing,
        "personen": len(persons),
        "personen_ook_client": int(persons["client_id"].isin(clients["client_id"]).sum()),
        "latere_clienten_als_controle": int(
            result.matches["control_id"].isin(clients["client_id"]).sum() if len(result.matches) else 0
        ),
        "export": fates,
        "ongematcht": {str(k): int(v) for k, v in reasons.items()},
        "ongematchte_clients": sorted(result.unmatched["client_id"].tolist()),
        **result.counts,
        "maanden": control_months(regs, result.matches, to_match, settings, censor) if len(result.matches) else [],
    }
    return matching, design
