"""The month-by-month counts on hand-made clients: the months add up to the windows, and the months during the
ICO that few clients reach are pooled into one row, never dropped."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.stages.event_study import event_study


def _clients(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["client_id", "ico_start", "ico_eind"])
    for c in ("ico_start", "ico_eind"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def _regs(rows: list[tuple[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["client_id", "datum"])
    frame["datum"] = pd.to_datetime(frame["datum"])
    return frame


@pytest.fixture
def small(settings):
    return settings.with_values({"toetsen.min_groepsgrootte": 2, "min_publicatie": 1})


def test_long_icos_are_pooled_into_one_last_row(small):
    # a: 1 Jan - 31 Mar (three months); b: 1 Jan - 31 Mar; c: 1 Jan - 30 Jun (six months)
    clients = _clients(
        [("a", "2020-01-01", "2020-03-31"), ("b", "2020-01-01", "2020-03-31"), ("c", "2020-01-01", "2020-06-30")]
    )
    regs = _regs(
        [
            ("a", "2020-01-01"),  # month 1 (the start day counts as 'tijdens')
            ("b", "2020-02-29"),  # month 2
            ("a", "2020-03-31"),  # month 3, the last day of the ICO
            ("c", "2020-04-01"),  # month 4: only c reaches it, fewer than 2 clients
            ("c", "2020-06-30"),  # month 6, the last day of c's ICO
            ("c", "2020-07-01"),  # the first month after c's end
        ]
    )
    rows = event_study(regs, clients, small)
    during = [r for r in rows if r["referentie"] == "start" and r["maand"] >= 0]
    assert [(r["maand"], r["registraties"], r["clients"], r["en_later"]) for r in during] == [
        (0, 1, 3, False),
        (1, 1, 3, False),
        (2, 1, 3, False),
        (3, 2, 1, True),  # months 4-6 of c pooled: 2 registrations, 1 client, 3 client-months
    ]
    assert during[-1]["clientmaanden"] == pytest.approx(3.0)
    assert during[-1]["per_client"] == pytest.approx(2 / 3)
    assert sum(r["registraties"] for r in during) == 5  # every registration of the 'tijdens' window
    after = {r["maand"]: r["registraties"] for r in rows if r["referentie"] == "eind"}
    assert after[1] == 1 and sum(after.values()) == 1


def test_no_pooled_row_when_every_month_is_reached_by_enough_clients(small):
    clients = _clients([("a", "2020-01-15", "2020-02-14"), ("b", "2020-01-15", "2020-02-14")])
    regs = _regs([("a", "2020-02-14"), ("b", "2020-01-15")])
    rows = event_study(regs, clients, small)
    during = [r for r in rows if r["referentie"] == "start" and r["maand"] >= 0]
    # 15 Jan + 1 month = 15 Feb > 14 Feb: no client reaches a second month
    assert [(r["maand"], r["registraties"], r["en_later"]) for r in during] == [(0, 2, False)]
    assert during[0]["clientmaanden"] == pytest.approx(2.0)


def test_a_month_in_which_too_few_icos_end_starts_the_pooled_row(settings):
    """Four clients reach month 2 and three month 3: shown apart, 4 - 3 = 1 client whose ICO ended in month 2
    could be subtracted. With a publication minimum of 2, month 2 is where the pooled row begins."""
    rules = settings.with_values({"toetsen.min_groepsgrootte": 2, "min_publicatie": 2})
    clients = _clients(
        [
            ("a", "2020-01-01", "2020-01-20"),  # ends in month 1
            ("b", "2020-01-01", "2020-01-25"),  # ends in month 1: two end there, enough
            ("c", "2020-01-01", "2020-02-10"),  # ends in month 2: the only one
            ("d", "2020-01-01", "2020-04-30"),
            ("e", "2020-01-01", "2020-04-30"),
            ("f", "2020-01-01", "2020-04-30"),
        ]
    )
    regs = _regs([("c", "2020-02-05"), ("d", "2020-04-30"), ("a", "2020-01-02")])
    during = [r for r in event_study(regs, clients, rules) if r["referentie"] == "start" and r["maand"] >= 0]
    assert [(r["maand"], r["clients"], r["registraties"], r["en_later"]) for r in during] == [
        (0, 6, 1, False),
        (1, 4, 2, True),  # months 2-4 together: the registrations of c and d, 4 clients
    ]
    assert during[1]["clientmaanden"] == pytest.approx(10 / 29 + 3 * 3.0, rel=1e-9)


def test_the_client_months_do_not_depend_on_the_order_of_the_clients(small):
    """Found by the row-order property test: a float sum over clients in file order differed in its last bit."""
    rng = __import__("numpy").random.default_rng(3)
    n = 500
    starts = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 300, size=n), unit="D")
    ends = starts + pd.to_timedelta(rng.integers(0, 400, size=n), unit="D")
    clients = pd.DataFrame({"client_id": [f"C{i}" for i in range(n)], "ico_start": starts, "ico_eind": ends})
    regs = _regs([("C1", "2020-06-01")])
    forward = [r.get("clientmaanden") for r in event_study(regs, clients, small)]
    for seed in range(5):
        shuffled = clients.sample(frac=1, random_state=seed).reset_index(drop=True)
        assert [r.get("clientmaanden") for r in event_study(regs, shuffled, small)] == forward
