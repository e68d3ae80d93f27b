"""Registrations by role (issue 13, item 3), on a hand-made case whose answer was worked out by hand."""

from __future__ import annotations

import pandas as pd

from pipeline.stages.align import align
from pipeline.stages.roles import by_role, role_rows
from tests.conftest import typed
from tests.test_align import client, reg


def _case():
    # A: ICO 31 Aug - 30 Sep 2020; 'voor' is 29 Feb - 30 Aug 2020, 'na' 1 Oct 2020 - 30 Mar 2021.
    # B: never compared (open ICO): its rows are in no role's count.
    clients = [client("A", "2020-08-31", "2020-09-30"), client("B", "2020-08-31", "")]
    rows = [
        reg("A", "R1", "2020-06-01", rol="verdachte"),
        reg("A", "R1", "2020-06-01", rol="slachtoffer"),  # the same registration in a second role: in both rows
        reg("A", "R1", "2020-06-01", rol="verdachte"),  # a repeated row: once
        reg("A", "R2", "2020-09-10", rol="verdachte"),  # tijdens
        reg("A", "R3", "2020-11-01", rol="getuige"),  # na
        reg("A", "R4", "2020-11-02", rol=""),  # no role: 'onbekend'
        reg("A", "R5", "2019-01-01", rol="verdachte"),  # outside every window
        reg("B", "R6", "2020-06-01", rol="verdachte"),
    ]
    return typed(clients, rows)


def test_roles_count_once_per_role_and_overlap(settings):
    clients, bvh = _case()
    rows, _ = align(bvh, clients, settings)
    frame = role_rows(rows)
    assert len(frame) == 5  # R1 twice (two roles), R2, R3, R4
    got = by_role(frame, pd.Index(["A"]), settings)
    assert list(got) == ["verdachte", "slachtoffer", "getuige", "onbekend"]
    assert {k: (g["voor"], g["tijdens"], g["na"]) for k, g in got.items()} == {
        "verdachte": (1, 1, 0),
        "slachtoffer": (1, 0, 0),
        "getuige": (0, 0, 1),
        "onbekend": (0, 0, 1),
    }
    assert got["verdachte"]["afname_pct"] == -100.0 and got["getuige"]["afname_pct"] is None
    assert all(g["telt_mee"] for g in got.values())
    # the rows overlap: 2 registrations before in the roles, 1 in the counted results (R1 once)
    assert sum(g["voor"] for g in got.values()) == 2
    assert int(((rows["status"] == "used") & rows["venster"].isin(["6 mnd voor", "3 mnd voor"])).sum()) == 1


def test_roles_that_do_not_count_are_shown_and_marked(settings):
    clients, bvh = _case()
    only_suspects = settings.with_values({"rollen": ["verdachte"]})
    rows, _ = align(bvh, clients, only_suspects)
    got = by_role(role_rows(rows), pd.Index(["A"]), only_suspects)
    assert {k: g["telt_mee"] for k, g in got.items()} == {
        "verdachte": True,
        "slachtoffer": False,
        "getuige": False,
        "onbekend": False,
    }
    # the excluded roles keep their counts in this table, though no other result counts them
    assert got["getuige"]["na"] == 1
    assert set(rows.loc[rows["status"] == "used", "rol"]) == {"verdachte"}
