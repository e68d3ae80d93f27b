"""Alignment (SPEC §3) and reconciliation (SPEC §6) on hand-made cases whose answers were worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipeline.stages.align import align, reconciliation
from tests.conftest import typed


def client(cid: str, start: str, end: str, sex: str = "man", age: str = "30") -> dict:
    return {"client_id": cid, "geslacht": sex, "leeftijd": age, "ico_start": start, "ico_eind": end}


def reg(cid: str, nr: str, date: str, code: str = "E33", rol: str = "verdachte") -> dict:
    return {"client_id": cid, "registratienummer": nr, "datum": date, "imk_code": code, "rol": rol}


# Start on 31 August 2020: six months back is 29 February 2020 (leap year, day clipped), three months back
# 31 May 2020. End on 30 September 2020: three months on is 30 December 2020, six months on 30 March 2021.
BOUNDARY_CASES = [
    ("2020-02-28", None),
    ("2020-02-29", "6 mnd voor"),
    ("2020-05-30", "6 mnd voor"),
    ("2020-05-31", "3 mnd voor"),
    ("2020-08-30", "3 mnd voor"),
    ("2020-08-31", "tijdens"),
    ("2020-09-30", "tijdens"),
    ("2020-10-01", "3 mnd na"),
    ("2020-12-30", "3 mnd na"),
    ("2020-12-31", "6 mnd na"),
    ("2021-03-30", "6 mnd na"),
    ("2021-03-31", None),
]


def test_month_end_and_every_boundary(settings):
    clients, bvh = typed(
        [client("A", "2020-08-31", "2020-09-30")],
        [reg("A", f"R{i}", d) for i, (d, _) in enumerate(BOUNDARY_CASES)],
    )
    rows, aligned = align(bvh, clients, settings)
    bounds = aligned.iloc[0]
    assert bounds["lang_voor"] == pd.Timestamp("2020-02-29")
    assert bounds["kort_voor"] == pd.Timestamp("2020-05-31")
    assert bounds["kort_na"] == pd.Timestamp("2020-12-30")
    assert bounds["lang_na"] == pd.Timestamp("2021-03-30")
    got = [None if pd.isna(w) else w for w in rows["venster"]]
    assert got == [w for _, w in BOUNDARY_CASES]
    assert list(rows["status"]) == ["outside_windows" if w is None else "used" for _, w in BOUNDARY_CASES]


def test_one_day_ico(settings):
    clients, bvh = typed(
        [client("B", "2021-01-15", "2021-01-15")],
        [reg("B", "1", "2021-01-14"), reg("B", "2", "2021-01-15"), reg("B", "3", "2021-01-16")],
    )
    rows, _ = align(bvh, clients, settings)
    assert list(rows["venster"]) == ["3 mnd voor", "tijdens", "3 mnd na"]


def test_follow_up_rule(settings):
    clients, bvh = typed(
        [
            client("open", "2020-06-01", ""),
            client("late", "2021-06-01", "2021-12-15"),  # 2021-12-15 + 6 months = 2022-06-15 > tot
            client("early", "2019-11-30", "2020-01-31"),  # 2019-11-30 - 6 months = 2019-05-30 < van
            client("edge", "2019-12-01", "2021-11-30"),  # from exactly van to 2022-05-30 (30 Nov + 6 months): in
        ],
        [
            reg("open", "1", "2020-06-02"),
            reg("late", "2", "2021-06-02"),
            reg("early", "3", "2019-12-01"),
            reg("edge", "4", "2019-06-01"),
            reg("edge", "5", "2022-05-30"),
            reg("edge", "6", "2022-05-31"),
        ],
    )
    rows, aligned = align(bvh, clients, settings)
    reasons = dict(zip(aligned["client_id"], aligned["uitsluiting"], strict=True))
    assert reasons == {"open": "open_ico", "late": "after_period", "early": "before_period", "edge": ""}
    assert list(rows["status"]) == ["excluded_followup"] * 3 + ["used", "used", "outside_windows"]
    assert list(rows["venster"].iloc[3:5]) == ["6 mnd voor", "6 mnd na"]


def test_follow_up_period_is_a_setting(settings):
    later = settings.with_values({"periode.tot": "2022-06-30"})
    clients, bvh = typed([client("late", "2021-06-01", "2021-12-15")], [reg("late", "1", "2021-06-02")])
    assert align(bvh, clients, settings)[0]["status"].iloc[0] == "excluded_followup"
    assert align(bvh, clients, later)[0]["status"].iloc[0] == "used"


def test_window_lengths_are_settings(settings):
    wider = settings.with_values({"vensters.lang_maanden": 12, "vensters.kort_maanden": 6})
    clients, bvh = typed([client("A", "2021-01-15", "2021-02-15")], [reg("A", "1", "2020-03-01")])
    rows, _ = align(bvh, clients, wider)
    assert rows["venster"].iloc[0] == "12 mnd voor"


def test_reconciliation_order_and_sum(settings):
    clients, bvh = typed(
        [
            client("A", "2020-08-31", "2020-09-30"),
            client("open", "2020-06-01", ""),
            client("none", "2020-05-01", "2020-06-01"),
        ],
        [
            reg("A", "1", "2020-09-01"),
            reg("A", "1", "2020-09-01", rol="slachtoffer"),  # the same registration, a second role: duplicate
            reg("A", "1", "2020-09-01"),  # an exact repeat: duplicate
            reg("Z", "1", "2020-09-01"),  # a person not in the client list
            reg("Z", "1", "2020-09-01"),  # ... repeated: a duplicate first (fixed order)
            reg("open", "2", "2020-06-05"),
            reg("A", "3", "2019-06-01"),  # before every window
            reg("A", "4", "2020-10-10"),
        ],
    )
    rows, aligned = align(bvh, clients, settings)
    assert list(rows["status"]) == [
        "used",
        "duplicate",
        "duplicate",
        "unknown_client",
        "duplicate",
        "excluded_followup",
        "outside_windows",
        "used",
    ]
    rec = reconciliation(rows, aligned)
    assert rec == {
        "rows_read": 8,
        "duplicates": 3,
        "unknown_client": 1,
        "rows_excluded_followup": 1,
        "outside_windows": 1,
        "used": 2,
        "clients_excluded_followup": 1,
    }
    parts = ("duplicates", "unknown_client", "rows_excluded_followup", "outside_windows", "used")
    assert rec["rows_read"] == sum(rec[k] for k in parts)


def test_first_row_in_file_order_is_kept(settings):
    clients, bvh = typed(
        [client("A", "2020-08-31", "2020-09-30")],
        [reg("A", "1", "2020-09-01", rol="getuige"), reg("A", "1", "2020-09-01", rol="verdachte")],
    )
    rows, _ = align(bvh, clients, settings)
    assert list(rows["status"]) == ["used", "duplicate"]
    assert rows.loc[rows["status"] == "used", "rol"].item() == "getuige"


def test_same_number_for_two_clients_counts_for_both(settings):
    clients, bvh = typed(
        [client("A", "2020-08-31", "2020-09-30"), client("B", "2020-08-31", "2020-09-30")],
        [reg("A", "1", "2020-09-01"), reg("B", "1", "2020-09-01")],
    )
    rows, _ = align(bvh, clients, settings)
    assert list(rows["status"]) == ["used", "used"]


def test_role_restriction_counts_a_registration_once_through_any_counting_role(settings):
    suspects = settings.with_values({"rollen": ["verdachte"]})
    clients, bvh = typed(
        [client("A", "2020-08-31", "2020-09-30")],
        [
            reg("A", "1", "2020-09-01", rol="getuige"),
            reg("A", "1", "2020-09-01", rol="verdachte"),  # counts: a counting role of the same registration
            reg("A", "2", "2020-09-02", rol="slachtoffer"),
        ],
    )
    rows, aligned = align(bvh, clients, suspects)
    assert list(rows["status"]) == ["excluded_role", "used", "excluded_role"]
    rec = reconciliation(rows, aligned)
    assert rec["rows_excluded_role"] == 2 and rec["used"] == 1 and rec["rows_read"] == 3


@pytest.mark.parametrize("start", ["2020-01-31", "2020-03-31", "2020-05-31", "2020-07-31", "2020-12-31"])
def test_month_end_starts_clip_to_shorter_months(settings, start):
    clients, bvh = typed([client("A", start, start)], [reg("A", "1", start)])
    _, aligned = align(bvh, clients, settings)
    six_back = aligned["lang_voor"].iloc[0]
    assert (six_back.year * 12 + six_back.month) == (pd.Timestamp(start).year * 12 + pd.Timestamp(start).month - 6)
    assert six_back.day == six_back.days_in_month  # the last day of that month, whatever its length


@hsettings(max_examples=60, deadline=None)
@given(
    st.dates(dt.date(2019, 1, 1), dt.date(2022, 1, 1)),
    st.integers(0, 400),
    st.lists(st.integers(-300, 700), min_size=1, max_size=30),
)
def test_the_day_ranges_are_the_window_rules(start, length, offsets):
    """Every date lies in the window whose day range holds it, and in no other: one definition of the windows
    for counting (assign_windows) and for the days at risk (day_ranges)."""
    from pipeline.config.settings import load_settings
    from pipeline.stages.align import WINDOW_KEYS, assign_windows, client_windows, day_ranges
    from tests.conftest import CONFIG

    settings = load_settings(CONFIG)
    client = pd.DataFrame(
        {"ico_start": [pd.Timestamp(start)], "ico_eind": [pd.Timestamp(start) + pd.Timedelta(days=length)]}
    )
    bounds = client_windows(client, settings)
    dates = pd.Series([pd.Timestamp(start) + pd.Timedelta(days=o) for o in offsets])
    window = assign_windows(dates, bounds.loc[[0] * len(dates)].reset_index(drop=True), settings.windows)
    ranges = day_ranges(bounds)
    for i, d in enumerate(dates):
        inside = [k for k, key in enumerate(WINDOW_KEYS) if ranges[key][0][0] <= d <= ranges[key][1][0]]
        assert inside == ([window.codes[i]] if window.codes[i] >= 0 else [])
        assert (ranges["voor"][0][0] <= d <= ranges["voor"][1][0]) == (window.codes[i] in (0, 1))
        assert (ranges["na"][0][0] <= d <= ranges["na"][1][0]) == (window.codes[i] in (3, 4))
