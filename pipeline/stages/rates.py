"""Registrations per client per month: windows of different length (tijdens lasts as long as each ICO) are
compared by rate, not by count. The time in a window is the client's days in it, less days in detention or
after death where those are known (pipeline/stages/exposure.py), in months of 365.25 / 12 days."""

from __future__ import annotations

import pandas as pd

from pipeline.stages.exposure import days_at_risk

DAYS_PER_MONTH = 365.25 / 12
ONE_DAY = pd.Timedelta(days=1)


def window_intervals(compared: pd.DataFrame, windows: tuple[str, ...]) -> pd.DataFrame:
    """(client_id, venster, lo, hi) with inclusive dates, by the window rules of SPEC §3 (align.assign_windows):
    [lang_voor, kort_voor), [kort_voor, start), [start, eind], (eind, kort_na], (kort_na, lang_na]."""
    bounds = [
        (compared["lang_voor"], compared["kort_voor"] - ONE_DAY),
        (compared["kort_voor"], compared["ico_start"] - ONE_DAY),
        (compared["ico_start"], compared["ico_eind"]),
        (compared["ico_eind"] + ONE_DAY, compared["kort_na"]),
        (compared["kort_na"] + ONE_DAY, compared["lang_na"]),
    ]
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
