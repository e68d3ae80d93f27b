"""How big is the effect really (issues 6 and 11): days at risk by hand, the estimates on data whose answer is
known, time at risk, and the event study."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.analysis.analyse import analyse
from pipeline.estimation.effect import estimates
from pipeline.stages.align import align
from pipeline.stages.classify import classify
from pipeline.stages.exposure import days_at_risk
from pipeline.synthetic.simulation import Truth, run_once
from schemas.vocabulary import ESTIMATORS, USABLE
from tests.conftest import typed

T = pd.Timestamp


def test_days_at_risk_by_hand():
    intervals = pd.DataFrame(
        {
            "client_id": ["a", "a", "b", "c"],
            "lo": [T("2020-01-01"), T("2020-03-01"), T("2020-01-01"), T("2020-01-01")],
            "hi": [T("2020-01-31"), T("2020-03-31"), T("2020-01-10"), T("2020-01-31")],
        }
    )
    detention = pd.DataFrame(
        {
            "client_id": ["a", "a", "z"],
            "van": [T("2020-01-21"), T("2020-03-31"), T("2020-01-01")],
            "tot": [T("2020-02-10"), T("2020-04-05"), T("2020-12-31")],
        }
    )
    deaths = pd.Series({"b": T("2020-01-04")})
    got = days_at_risk(intervals, detention, deaths).tolist()
    # a: 31 days minus 21-31 January (11); a: 31 days minus 31 March (1); b: died on the 4th, 4 days at risk;
    # c: no detention, no death: all 31 days; z's detention touches nobody here
    assert got == [20.0, 30.0, 4.0, 31.0]


def _client(cid: str, start: str, end: str) -> dict:
    return {"client_id": cid, "geslacht": "man", "leeftijd": "40", "ico_start": start, "ico_eind": end}


def _regs(cid: str, dates: list[str]) -> list[dict]:
    return [
        {"client_id": cid, "registratienummer": f"{cid}-{i}", "datum": d, "imk_code": "E33", "rol": ""}
        for i, d in enumerate(dates)
    ]


def _run(clients, bvh, settings, mapping, detention=None):
    c, b = typed(clients, bvh)
    rows, aligned = align(b, c, settings)
    return analyse(classify(rows, mapping, settings), aligned, mapping, settings, detention)[0].to_dict()


def test_naive_and_symmetric_on_counts_worked_out_by_hand(settings, mapping):
    # start 2020-08-31, end 2020-09-30: 'voor' = 29 Feb - 30 Aug (184 days), 'na' = 1 Oct - 30 Mar (181 days);
    # '6 mnd voor' = 29 Feb - 30 May (92 days), '6 mnd na' = 31 Dec - 30 Mar (90 days)
    clients = [_client(f"k{i}", "2020-08-31", "2020-09-30") for i in range(4)]
    bvh = []
    for i in range(4):
        bvh += _regs(f"k{i}", ["2020-03-10"] * 4 + ["2020-07-10"] * 8 + ["2020-11-10"] * 2 + ["2021-02-10"] * 2)
    r = _run(clients, bvh, settings, mapping)
    naive, symmetric = r["effect"]["naive"], r["effect"]["symmetric"]
    assert (naive["registraties_voor"], naive["registraties_na"]) == (48, 16)
    assert (naive["dagen_voor"], naive["dagen_na"]) == (4 * 184, 4 * 181)
    assert naive["irr"] == pytest.approx((16 / (4 * 181)) / (48 / (4 * 184)))
    assert (symmetric["registraties_voor"], symmetric["registraties_na"]) == (16, 8)
    assert symmetric["irr"] == pytest.approx((8 / (4 * 90)) / (16 / (4 * 92)))
    assert symmetric["ci_low"] < symmetric["irr"] < symmetric["ci_high"]
    assert symmetric["vensters_voor"] == ["6 mnd voor"] and symmetric["vensters_na"] == ["6 mnd na"]


def test_time_at_risk_changes_the_rate_and_both_are_reported(settings, mapping):
    clients = [_client(f"k{i}", "2020-08-31", "2020-09-30") for i in range(4)]
    bvh = []
    for i in range(4):
        after = ["2021-02-10"] * 2 if i else []
        bvh += _regs(f"k{i}", ["2020-03-10"] * 4 + ["2020-07-10"] * 4 + ["2020-11-10"] * 2 + after)
    # k0 is detained the whole '6 mnd na' window: its zero registrations there are not a fall
    detention = pd.DataFrame({"client_id": ["k0"], "van": [T("2020-12-31")], "tot": [T("2021-03-30")]})
    r = _run(clients, bvh, settings, mapping, detention)
    with_, without = r["effect"]["symmetric"], r["effect_zonder_tijd_at_risk"]["symmetric"]
    assert with_["tijd_at_risk"] is True and with_["dagen_na"] == 3 * 90 and without["dagen_na"] == 4 * 90
    assert with_["irr"] == pytest.approx((6 / 270) / (16 / 368))
    assert without["irr"] == pytest.approx((6 / 360) / (16 / 368))
    assert with_["irr"] > without["irr"]  # time spent detained no longer counts as improvement
    assert r["tijd_at_risk"]["detentieperioden"] == 1 and r["tijd_at_risk"]["clients_met_detentie"] == 1


def test_too_little_data_gives_null_with_a_reason(settings, mapping):
    r = _run([_client("a", "2020-08-31", "2020-09-30")], _regs("a", ["2020-03-10"]), settings, mapping)
    for name in ESTIMATORS:
        assert r["effect"][name]["irr"] is None and r["effect"][name]["reden"], name
    assert r["effect"]["primary"]["irr"] is None


def test_event_study_months_and_keys(settings, mapping):
    clients = [_client(f"k{i}", "2020-08-31", "2021-01-15") for i in range(12)]
    bvh = []
    for i in range(12):
        bvh += _regs(f"k{i}", ["2020-03-05", "2020-08-30", "2020-08-31", "2020-10-01", "2021-01-16", "2021-07-15"])
    r = _run(clients, bvh, settings, mapping)
    es = {(e["referentie"], e["maand"]): e for e in r["event_study"]}
    assert len(r["event_study"]) >= 10
    assert all({"maand", "referentie", "registraties", "per_client"} <= set(e) for e in r["event_study"])
    assert es[("start", -6)]["registraties"] == 12  # 5 March is in [29 Feb, 31 Mar)
    assert es[("start", -1)]["registraties"] == 12  # 30 August is in [31 Jul, 31 Aug)
    assert es[("start", 0)]["registraties"] == 12 and es[("start", 1)]["registraties"] == 12
    assert es[("eind", 1)]["registraties"] == 12  # 16 January is in (15 Jan, 15 Feb]
    assert es[("eind", 6)]["registraties"] == 12  # 15 July is in (15 Jun, 15 Jul]
    assert es[("start", 4)]["clients"] == 12 and ("start", 5) not in es  # the ICO lasts 4.5 months
    assert es[("eind", 3)]["per_client"] == 0.0 and es[("start", -6)]["per_client"] == 1.0


def test_estimates_do_not_depend_on_row_order(settings):
    rng = np.random.default_rng(3)
    from pipeline.synthetic.simulation import simulate

    clients, export = simulate(Truth(irr=0.7, n_clients=120), seed=5)
    c = clients.astype(str)
    c, b = typed(c.to_dict("records"), export.to_dict("records"))
    rows, aligned = align(b, c, settings)
    regs = rows.loc[rows["status"].isin(USABLE), ["client_id", "datum"]]
    first = estimates(regs, aligned, settings)
    shuffled = estimates(regs.sample(frac=1.0, random_state=rng), aligned.sample(frac=1.0, random_state=rng), settings)
    assert first == shuffled


@pytest.mark.parametrize("irr", [1.0, 0.7])
def test_on_a_simulated_export_the_robust_estimates_find_the_truth(settings, mapping, tmp_path, irr):
    """One seeded replication of `make simulate`: the referral surge fools the naive estimate only."""
    effect = run_once(Truth(irr=irr), seed=11, folder=tmp_path, settings=settings, mapping=mapping)
    if irr == 1.0:
        assert effect["naive"]["ci_high"] < 0.85
    for name in ("symmetric", "comparison", "imputation"):
        assert effect[name]["ci_low"] <= irr <= effect[name]["ci_high"], name
        if irr < 1:
            assert effect[name]["ci_high"] < 1, name


def test_anticipation_is_a_setting(settings, mapping):
    wider = settings.with_values({"effect.anticipatie_maanden": 5})
    clients = [_client(f"k{i}", "2020-08-31", "2020-09-30") for i in range(3)]
    bvh = []
    for i in range(3):
        bvh += _regs(f"k{i}", ["2020-03-10", "2020-04-20", "2021-02-10"])
    r3 = _run(clients, bvh, settings, mapping)["effect"]["comparison"]
    r5 = _run(clients, bvh, wider, mapping)["effect"]["comparison"]
    assert r3["anticipatie_maanden"] == 3 and r5["anticipatie_maanden"] == 5
    assert r5["dagen_voor"] < r3["dagen_voor"]


def test_the_fast_sandwich_equals_statsmodels_gee(settings):
    """The estimate of _irr (GLM on covariate patterns plus per-client score sums) is the Poisson GEE with
    independence working correlation and robust standard errors, as statsmodels computes it on every cell."""
    import statsmodels.api as sm

    from pipeline.estimation import panel
    from pipeline.estimation.two_period import _irr
    from pipeline.synthetic.simulation import simulate

    clients, export = simulate(Truth(irr=0.7, n_clients=150), seed=2)
    c, b = typed(clients.astype(str).to_dict("records"), export.to_dict("records"))
    rows, aligned = align(b, c, settings)
    regs = rows.loc[rows["status"].isin(USABLE), ["client_id", "datum"]]
    cells = panel.build(regs, aligned, settings.van, settings.tot, 12, 6)
    cells = cells.loc[cells["phase"].isin([panel.REF, panel.AFTER])].assign(
        after=lambda f: (f["phase"] == panel.AFTER).astype(int)
    )
    ours = _irr(cells, ["after", "maand"])
    frame = cells.loc[cells["dagen"] > 0]
    frame = frame.loc[frame.groupby("maand")["y"].transform("sum") > 0]
    exog = pd.get_dummies(frame[["after", "maand"]], columns=["maand"], drop_first=True, dtype=float)
    exog = exog.loc[:, exog.std(ddof=0).gt(0)]
    exog.insert(0, "const", 1.0)
    gee = sm.GEE(
        frame["y"].to_numpy(float),
        exog,
        groups=pd.factorize(frame["client_id"])[0],
        family=sm.families.Poisson(),
        cov_struct=sm.cov_struct.Independence(),
        offset=np.log(frame["dagen"].to_numpy(float)),
    ).fit()
    low, high = np.exp(gee.conf_int().loc["after"])
    assert ours["irr"] == pytest.approx(np.exp(gee.params["after"]), rel=1e-9)
    assert (ours["ci_low"], ours["ci_high"]) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))
    assert ours["p"] == pytest.approx(gee.pvalues["after"], rel=1e-6)


def test_the_report_shows_the_estimates_without_time_at_risk_only_when_they_exist(settings, mapping):
    from pipeline.disclosure.protection import Protection
    from pipeline.report.chapters.effect import effect_text
    from pipeline.report.render import report_tables
    from schemas.results import Results
    from tests.conftest import unprotected

    clients = [_client(f"k{i}", "2020-08-31", "2020-09-30") for i in range(4)]
    bvh = []
    for i in range(4):
        bvh += _regs(f"k{i}", ["2020-03-10"] * 4 + ["2020-07-10"] * 4 + ["2020-11-10"] * 2 + ["2021-02-10"] * 2)
    detention = pd.DataFrame({"client_id": ["k0"], "van": [T("2020-12-31")], "tot": [T("2021-03-30")]})
    with_detention = unprotected(Results.model_validate(_run(clients, bvh, settings, mapping, detention)))
    without = unprotected(Results.model_validate(_run(clients, bvh, settings, mapping)))
    assert "effect_zonder_tijd_at_risk" in report_tables(with_detention)
    assert "1 detentieperioden" in effect_text(with_detention, Protection(with_detention))["time_at_risk"]
    assert "effect_zonder_tijd_at_risk" not in report_tables(without)
    assert "time_at_risk" not in effect_text(without, Protection(without))
