"""The event study that describes: registrations per month before, during and after the ICO."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pipeline.config.settings import Settings


def _top(regs: pd.DataFrame, mask: pd.Series) -> dict[str, list[float]]:
    """The two largest contributions of one client to a month's count, for the dominance rule."""
    largest = regs.loc[mask, "client_id"].value_counts().head(2).astype(float).tolist()
    return {"grootste": largest + [0.0] * (2 - len(largest))}


def event_study(used: pd.DataFrame, compared: pd.DataFrame, settings: Settings) -> list[dict[str, Any]]:
    """Registrations per month relative to the ICO start (before it and during it) and to its end (after it),
    with the number of clients each month covers; months during the ICO that fewer than the minimum group
    size of clients reach are left out. A month during the ICO is divided by the client-months at risk in it
    (a client whose ICO ends halfway counts as half), not by the clients who reach it, so that a month that
    most clients see only partly is not made to look quiet."""
    regs = used.merge(compared[["client_id", "ico_start", "ico_eind"]], on="client_id", how="inner")
    n = len(compared)
    rows: list[dict[str, Any]] = []
    for k in range(settings.months_long, 0, -1):
        lo = regs["ico_start"] - pd.DateOffset(months=k)
        hi = regs["ico_start"] - pd.DateOffset(months=k - 1)
        mask = (regs["datum"] >= lo) & (regs["datum"] < hi)
        rows.append(
            {"maand": -k, "referentie": "start", "registraties": int(mask.sum()), "clients": n} | _top(regs, mask)
        )
    k = 0
    while True:
        lo_c = compared["ico_start"] + pd.DateOffset(months=k)
        reached = int((compared["ico_eind"] >= lo_c).sum())
        if reached < max(settings.min_group_size, 1):
            break
        lo = regs["ico_start"] + pd.DateOffset(months=k)
        hi = regs["ico_start"] + pd.DateOffset(months=k + 1)
        inside = (regs["datum"] >= lo) & (regs["datum"] < hi) & (regs["datum"] <= regs["ico_eind"])
        hi_c = compared["ico_start"] + pd.DateOffset(months=k + 1)
        slot = (hi_c - lo_c).dt.days
        at_risk = (np.minimum(hi_c, compared["ico_eind"] + pd.Timedelta(days=1)) - lo_c).dt.days.clip(lower=0)
        client_months = float((at_risk / slot).sum())
        rows.append(
            {
                "maand": k,
                "referentie": "start",
                "registraties": int(inside.sum()),
                "clients": reached,
                "clientmaanden": client_months,
            }
            | _top(regs, inside)
        )
        k += 1
    for k in range(1, settings.months_long + 1):
        lo = regs["ico_eind"] + pd.DateOffset(months=k - 1)
        hi = regs["ico_eind"] + pd.DateOffset(months=k)
        mask = (regs["datum"] > lo) & (regs["datum"] <= hi)
        rows.append(
            {"maand": k, "referentie": "eind", "registraties": int(mask.sum()), "clients": n} | _top(regs, mask)
        )
    for row in rows:
        exposure = row.get("clientmaanden", row["clients"])
        row["per_client"] = row["registraties"] / exposure if exposure else None
    return rows
