"""Risk-set matching (issue 12, first part) on hand-made persons whose right matches are worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.estimation.matched.matching import FEATURES, History, MatchSettings, match, smd


def _regs(rows):
    frame = pd.DataFrame(rows, columns=["client_id", "datum", "is_e", "gewicht"])
    frame["datum"] = pd.to_datetime(frame["datum"])
    return frame


def test_window_counts_at_a_date_by_hand():
    # date 2021-07-15: months -12..-7 = [2020-07-15, 2021-01-15), -6..-4 = [2021-01-15, 2021-04-15),
    # -3..-1 = [2021-04-15, 2021-07-15)
    regs = _regs(
        [
            ("p", "2020-07-14", False, 1.0),  # before the 12 months: not counted
            ("p", "2020-07-15", True, 1.0),  # first day of month -12
            ("p", "2021-01-14", False, 3.0),  # last day of -12..-7
            ("p", "2021-01-15", False, 2.0),  # first day of -6..-4
            ("p", "2021-07-14", True, 1.0),  # last day before the date
            ("p", "2021-07-15", False, 3.0),  # the date itself: after, not before
        ]
    )
    f = History(regs).features(np.array(["p", "nobody"]), pd.Timestamp("2021-07-15")).loc["p"]
    assert list(f[["maanden_12_7", "maanden_6_4", "maanden_3_1"]]) == [2, 1, 1]
    assert f["e_aandeel"] == pytest.approx(2 / 4) and f["zwaartescore"] == pytest.approx(1 + 3 + 2 + 1)


def _population():
    clients = pd.DataFrame(
        {
            "client_id": ["c1"],
            "geslacht": ["man"],
            "geboortejaar": [1980],
            "ico_start": [pd.Timestamp("2021-07-15")],
            "ico_eind": [pd.Timestamp("2021-10-01")],
        }
    )
    persons = pd.DataFrame(
        {
            "client_id": ["near", "far", "woman", "old", "quiet", "mid"],
            "geslacht": ["man", "man", "vrouw", "man", "man", "man"],
            "geboortejaar": [1982, 1979, 1980, 1960, 1980, 1981],
        }
    )
    rows = []
    # c1: a spell in the last three months before referral
    rows += [("c1", f"2021-0{m}-01", True, 1.0) for m in (4, 5, 6, 7)] + [("c1", "2020-09-01", False, 1.0)]
    rows += [("near", f"2021-0{m}-02", True, 1.0) for m in (4, 5, 6, 7)] + [("near", "2020-10-01", False, 1.0)]
    rows += [("mid", f"2021-0{m}-02", True, 1.0) for m in (5, 6, 7)] + [("mid", "2020-10-01", False, 1.0)]
    rows += [("far", "2020-08-01", False, 3.0)]  # one old, heavy registration
    rows += [("woman", f"2021-0{m}-02", True, 1.0) for m in (4, 5, 6, 7)]  # other sex
    rows += [("old", f"2021-0{m}-02", True, 1.0) for m in (4, 5, 6, 7)]  # 20 years older
    rows += [("quiet", "2019-01-01", False, 1.0)]  # nothing in the 12 months: not at risk
    return clients, persons, _regs(rows)


def test_the_nearest_history_of_the_same_sex_and_age_is_chosen():
    clients, persons, regs = _population()
    result = match(clients, persons, History(regs), MatchSettings(k=2, caliper=10))
    matches = result.matches
    assert result.unmatched.empty
    assert list(matches["control_id"]) == ["near", "mid"]  # never the woman, the old man or the quiet one
    assert matches["weight"].tolist() == [0.5, 0.5]
    assert (matches["pseudo_start"] == pd.Timestamp("2021-07-15")).all()  # the client's dates


def test_a_client_without_a_candidate_is_reported_not_dropped():
    clients, persons, regs = _population()
    only_women = persons.loc[persons["geslacht"] == "vrouw"]
    result = match(clients, only_women, History(regs), MatchSettings())
    assert result.matches.empty and result.unmatched["client_id"].tolist() == ["c1"]
    assert result.unmatched["reden"].tolist() == ["geen kandidaat met registraties"]


def test_standardised_mean_difference_by_hand():
    treated, control = np.array([1.0, 3.0]), np.array([0.0, 2.0, 4.0])
    # means 2 and 2: no difference
    assert smd(treated, control) == pytest.approx(0.0)
    # treated 2, control 1 (weights on 0 and 2): var_t 2 (ddof 1), var_c weighted 1 -> sd sqrt(1.5)
    assert smd(treated, np.array([0.0, 2.0])) == pytest.approx(1 / np.sqrt(1.5))


def test_a_candidate_outside_the_caliper_is_no_match():
    clients, persons, regs = _population()
    only_far = persons.loc[persons["client_id"].isin(["far", "near"])]
    wide = match(clients, only_far, History(regs), MatchSettings(k=2, caliper=10)).matches
    assert sorted(wide["control_id"]) == ["far", "near"]
    narrow = match(clients, only_far, History(regs), MatchSettings(k=2, caliper=0.5))
    assert list(narrow.matches["control_id"]) == ["near"] and narrow.unmatched.empty  # 'near' has c1's own history


def test_no_registrations_at_all_gives_empty_histories():
    f = History(_regs([])).features(np.array(["p"]), pd.Timestamp("2021-07-15"))
    assert f.loc["p"].tolist() == [0.0] * 5


def _two_clients():
    """c1 as in _population; c2 with two registrations in months -6..-4 and two in -3..-1; 'near' has c1's
    history, 'twin2' c2's, a day later; 'far' one old heavy registration."""
    clients, persons, regs = _population()
    clients = pd.concat([clients, clients.assign(client_id="c2")], ignore_index=True)
    persons = persons.loc[persons["client_id"].isin(["near", "far", "mid"])]
    persons = pd.concat([persons, persons.iloc[[0]].assign(client_id="twin2", geboortejaar=1980)], ignore_index=True)
    c2 = [("c2", d, False, 1.0) for d in ("2021-02-01", "2021-03-01", "2021-05-01", "2021-06-01")]
    twin2 = [("twin2", d, False, 1.0) for d in ("2021-02-02", "2021-03-02", "2021-05-02", "2021-06-02")]
    return clients, persons, pd.concat([regs, _regs(c2 + twin2)], ignore_index=True)


def test_the_caliper_narrows_until_the_groups_are_balanced():
    # with k = 2 each client also gets a second, unlike person: unbalanced. Narrowed, each keeps only
    # its own twin (distance 0), and every variable matched on is equal: SMD 0, and no client is lost. Age
    # ('near' is two years older than c1) is not the caliper's to mend: the band holds it
    clients, persons, regs = _two_clients()
    kept = match(clients, persons, History(regs), MatchSettings(k=2, caliper=4.0))
    assert kept.narrowings == 0 and kept.caliper == 4.0 and len(kept.matches) == 4
    assert max(abs(b["smd_na"]) for b in kept.balance if b["kenmerk"] in FEATURES) > 0.1
    narrowed = match(clients, persons, History(regs), MatchSettings(k=2, caliper=4.0, max_smd=0.1))
    pairs = sorted(zip(narrowed.matches["client_id"], narrowed.matches["control_id"], strict=True))
    assert pairs == [("c1", "near"), ("c2", "twin2")]
    assert [b["smd_na"] for b in narrowed.balance if b["kenmerk"] in FEATURES] == [0.0] * len(FEATURES)
    assert narrowed.unmatched.empty
    assert narrowed.narrowings >= 1 and narrowed.caliper == pytest.approx(4.0 * 0.8**narrowed.narrowings)
    assert narrowed.unmatched_by_narrowing == 0


def test_a_client_lost_by_narrowing_is_reported_with_its_reason():
    # without its twin, c2's nearest is c1's twin: unbalanced; narrowed, c2 has nobody left and says so
    clients, persons, regs = _two_clients()
    persons = persons.loc[~persons["client_id"].isin(["twin2", "mid"])]
    wide = match(clients, persons, History(regs), MatchSettings(k=1, caliper=4.0))
    assert sorted(wide.matches["client_id"]) == ["c1", "c2"] and wide.unmatched.empty
    narrowed = match(clients, persons, History(regs), MatchSettings(k=1, caliper=4.0, max_smd=0.1))
    assert narrowed.matches["client_id"].tolist() == ["c1"]
    assert [b["smd_na"] for b in narrowed.balance if b["kenmerk"] in FEATURES] == [0.0] * len(FEATURES)
    assert narrowed.unmatched.to_dict("records") == [{"client_id": "c2", "reden": "geen kandidaat binnen de caliper"}]
    assert narrowed.unmatched_by_narrowing == 1
