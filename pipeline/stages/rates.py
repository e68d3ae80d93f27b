"""Registrations per client per month: windows of different length (tijdens lasts as long as each ICO) are
compared by rate, not by count. The time in a window is the client's days in it, less days in detention or
after death where those are known (pipeline/stages/exposure.py), in months of 365.25 / 12 days."""

from __future__ import annotations

import pandas as pd

from pipeline.stages.align import WINDOW_KEYS, day_ranges
from pipeline.stages.exposure import days_at_risk

DAYS_PER_MONTH = 365.25 / 12


def window_intervals(compared: pd.DataFrame, windows: tuple[str, ...]) -> pd.DataFrame:
    """(client_id, venster, lo, hi) with inclusive dates, by the window rules of SPEC §3 (align.day_ranges)."""
    ranges = day_ranges(compared)
    bounds = [ranges[key] for key in WINDOW_KEYS]
    parts = [
        pd.DataFrame(
            {"client_id": compared["client_id"].to_numpy(), "venster": w, "lo": lo.to_numpy(), "hi": hi.to_numpy()}
        )
        for w, (lo, hi) in zip(windows, bounds, strict=True)
    ]
    return pd.concat(parts, ignore_index=True)


def person_months(
    compared: pd.DataFrame,
    windows: tuple[str, ...],
    detention: pd.DataFrame | None = None,
    deaths: pd.Series | None = None,
) -> dict[str, float]:
    """Months at risk per window, summed over the compared clients."""
    intervals = window_intervals(compared, windows)
    days = days_at_risk(intervals, detention, deaths)
    by_window = days.groupby(intervals["venster"]).sum()
    return {w: float(by_window.get(w, 0.0)) / DAYS_PER_MONTH for w in windows}


def rates(counts: dict[str, int], months: dict[str, float]) -> dict[str, dict[str, float | int | None]]:
    """{window or period: registrations, person-months, registrations per client per month}."""
    return {
        k: {
            "registraties": int(counts[k]),
            "persoonsmaanden": months[k],
            "per_client_per_maand": float(counts[k] / months[k]) if months[k] > 0 else None,
        }
        for k in counts
    }
