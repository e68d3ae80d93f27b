"""Person-months per window, by hand: month ends, leap days, detention."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.stages.align import client_windows
from pipeline.stages.rates import DAYS_PER_MONTH, person_months, rates


def _compared(settings) -> pd.DataFrame:
    clients = pd.DataFrame(
        {
            "client_id": ["a"],
            "ico_start": pd.to_datetime(["2020-08-31"]),
            "ico_eind": pd.to_datetime(["2020-09-30"]),
        }
    )
    return client_windows(clients, settings)


def test_days_in_each_window_by_hand(settings):
    # 6 months before 31 August 2020 is 29 February (leap year), 3 months before is 31 May:
    # [29 Feb, 31 May) = 92 days, [31 May, 31 Aug) = 92, tijdens 31 Aug..30 Sep = 31,
    # (30 Sep, 30 Dec] = 91, (30 Dec, 30 Mar 2021] = 90
    months = person_months(_compared(settings), settings.windows)
    days = {w: round(m * DAYS_PER_MONTH, 6) for w, m in months.items()}
    assert list(days.values()) == [92, 92, 31, 91, 90]


def test_detention_and_death_are_not_time_at_risk(settings):
    detention = pd.DataFrame(
        {"client_id": ["a"], "van": pd.to_datetime(["2020-10-01"]), "tot": pd.to_datetime(["2020-10-10"])}
    )
    deaths = pd.Series(pd.to_datetime(["2021-03-20"]), index=["a"])
    months = person_months(_compared(settings), settings.windows, detention, deaths)
    days = [round(m * DAYS_PER_MONTH, 6) for m in months.values()]
    assert days == [92, 92, 31, 81, 80]  # 10 days in detention; 21..30 March 2021 after death


def test_rates_are_registrations_per_month_and_none_without_time():
    out = rates({"x": 10, "y": 3}, {"x": 5.0, "y": 0.0})
    assert out["x"]["per_client_per_maand"] == pytest.approx(2.0)
    assert out["y"]["per_client_per_maand"] is None
