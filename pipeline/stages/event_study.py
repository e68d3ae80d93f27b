"""The event study that describes: registrations per month before, during and after the ICO."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from pipeline.config.settings import Settings


def _top(regs: pd.DataFrame, mask: pd.Series) -> dict[str, list[float]]:
    """The two largest contributions of one client to a month's count, for the dominance rule."""
    largest = regs.loc[mask, "client_id"].value_counts().head(2).astype(float).tolist()
    return {"grootste": largest + [0.0] * (2 - len(largest))}


def _client_months(compared: pd.DataFrame, first: int, stop: int | None) -> float:
    """Client-months at risk during the ICO from month `first` up to month `stop` (None: to the end of every
    ICO), each calendar month counted by the share of its days a client's ICO still runs."""
    total, k = 0.0, first  # months added in order; each month's sum is exact, so no order of clients shows
    while stop is None or k < stop:
        lo = compared["ico_start"] + pd.DateOffset(months=k)
        if stop is None and not (compared["ico_eind"] >= lo).any():
            break
        hi = compared["ico_start"] + pd.DateOffset(months=k + 1)
        slot = (hi - lo).dt.days
        at_risk = (np.minimum(hi, compared["ico_eind"] + pd.Timedelta(days=1)) - lo).dt.days.clip(lower=0)
        total += math.fsum(at_risk / slot)  # exactly rounded: the same for any order of the clients
        k += 1
    return total


def _last_single_month(compared: pd.DataFrame, settings: Settings) -> int:
    """The last month during the ICO shown on its own. A month is shown when enough clients reach it, and when the
    clients whose ICO ends in it are none or at least the publication minimum: the clients of two shown months
    differ by exactly those, so a few of them would otherwise be a group anyone can subtract."""
    k, floor = 0, max(settings.tests.min_group_size, 1)
    reached = int((compared["ico_eind"] >= compared["ico_start"]).sum())
    while True:
        following = int((compared["ico_eind"] >= compared["ico_start"] + pd.DateOffset(months=k + 1)).sum())
        ended = reached - following
        if reached < floor or 0 < ended < settings.min_publication:
            return k - 1
        if following == 0:
            return k
        k, reached = k + 1, following


def event_study(used: pd.DataFrame, compared: pd.DataFrame, settings: Settings) -> list[dict[str, Any]]:
    """Registrations per month relative to the ICO start (before it and during it) and to its end (after it),
    with the number of clients each month covers. The months during the ICO that fewer than the minimum group
    size of clients reach (or after which fewer than the publication minimum end) are pooled into one last row
    ('en_later'), so that the months add up to the 'tijdens' window and disclosure control can see (and hide)
    what the long ICOs hold. A month during the
    ICO is divided by the client-months at risk in it (a client whose ICO ends halfway counts as half), not by
    the clients who reach it, so that a month that most clients see only partly is not made to look quiet."""
    regs = used.merge(compared[["client_id", "ico_start", "ico_eind"]], on="client_id", how="inner")
    n = len(compared)
    rows: list[dict[str, Any]] = []
    for k in range(settings.window_months.long, 0, -1):
        lo = regs["ico_start"] - pd.DateOffset(months=k)
        hi = regs["ico_start"] - pd.DateOffset(months=k - 1)
        mask = (regs["datum"] >= lo) & (regs["datum"] < hi)
        rows.append(
            {"maand": -k, "referentie": "start", "registraties": int(mask.sum()), "clients": n} | _top(regs, mask)
        )
    last = _last_single_month(compared, settings)
    k = 0
    while True:
        lo_c = compared["ico_start"] + pd.DateOffset(months=k)
        reached = int((compared["ico_eind"] >= lo_c).sum())
        if reached == 0:
            break
        rest = k > last
        lo = regs["ico_start"] + pd.DateOffset(months=k)
        hi = regs["ico_start"] + pd.DateOffset(months=k + 1)
        inside = (regs["datum"] >= lo) & (regs["datum"] <= regs["ico_eind"])
        if not rest:
            inside &= regs["datum"] < hi
        client_months = _client_months(compared, k, None if rest else k + 1)
        rows.append(
            {
                "maand": k,
                "referentie": "start",
                "registraties": int(inside.sum()),
                "clients": reached,
                "clientmaanden": client_months,
                "en_later": rest,
            }
            | _top(regs, inside)
        )
        if rest:
            break
        k += 1
    for k in range(1, settings.window_months.long + 1):
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
