"""Days at risk: the days of an interval at which a client could be registered (not in detention, alive)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _overlap_days(lo: pd.Series, hi: pd.Series, other_lo: pd.Series, other_hi: pd.Series) -> pd.Series:
    """Days (inclusive) that [lo, hi] shares with [other_lo, other_hi]; 0 when they do not meet."""
    start = np.maximum(lo.to_numpy(), other_lo.to_numpy())
    end = np.minimum(hi.to_numpy(), other_hi.to_numpy())
    days = (end - start) / np.timedelta64(1, "D") + 1
    return pd.Series(np.clip(np.nan_to_num(days, nan=0.0), 0, None), index=lo.index)


def days_at_risk(intervals: pd.DataFrame, detention: pd.DataFrame | None, deaths: pd.Series | None) -> pd.Series:
    """Days of each interval (client_id, lo, hi; inclusive dates) at which the client could be registered:
    the days in the interval, minus days in detention, minus days after death."""
    days = (intervals["hi"] - intervals["lo"]) / np.timedelta64(1, "D") + 1
    days = days.clip(lower=0).astype(float)
    if detention is not None and len(detention):
        pairs = intervals.reset_index().merge(detention, on="client_id", how="inner")
        if len(pairs):
            lost = _overlap_days(pairs["lo"], pairs["hi"], pairs["van"], pairs["tot"])
            days = days - lost.groupby(pairs["index"]).sum().reindex(intervals.index, fill_value=0.0)
    if deaths is not None:
        died = intervals["client_id"].map(deaths)
        after_death = _overlap_days(
            intervals["lo"],
            intervals["hi"],
            died + pd.Timedelta(days=1),
            pd.Series(pd.Timestamp.max.normalize(), index=intervals.index),
        )
        days = days - after_death.where(died.notna(), 0.0)
    return days.clip(lower=0.0)
