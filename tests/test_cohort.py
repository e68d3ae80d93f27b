"""The cohort x event-time Poisson (issue 32): by hand on a saturated design, against pyfixest on the same design,
and its interval against a cluster bootstrap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.estimation import panel
from pipeline.estimation.cohort import _kept, cohort_estimate, cohorts
from pipeline.estimation.effect import _target, _untreated
from pipeline.stages.align import client_windows
from pipeline.synthetic.simulation import Truth, registrations

T = pd.Timestamp


def _cells(rows: list[tuple[str, int, int, int, int, float]]) -> pd.DataFrame:
    """(client_id, maand, phase, k, y, dagen) -> panel cells as panel.build gives them."""
    cells = pd.DataFrame(rows, columns=["client_id", "maand", "phase", "k", "y", "dagen"])
    return cells.assign(client=pd.factorize(cells["client_id"])[0])


def test_one_treated_cell_is_its_own_imputation():
    """Client a is never treated in these months; client b is treated in month 1 only. With one dummy for that
    cell the model is saturated there: its count without the ICO is b's month-0 count times a's growth 12 / 8."""
    cells = _cells(
        [
            ("a", 0, panel.REF, 0, 8, 30.0),
            ("a", 1, panel.REF, 0, 12, 30.0),
            ("b", 0, panel.REF, 0, 5, 30.0),
            ("b", 1, panel.AFTER, 1, 3, 30.0),
        ]
    )
    treated = cells["phase"].to_numpy() != panel.REF
    out = cohort_estimate(cells, treated, treated, pd.Series({"a": "2020-01", "b": "2020-01"}))
    assert out["verwacht_zonder_ico"] == pytest.approx(5 * 12 / 8)
    assert out["irr"] == pytest.approx(3 / (5 * 12 / 8))
    assert out["cohort_effecten"] == [
        {
            "cohort": "2020-01",
            "maand": 1,
            "irr": pytest.approx(0.4),
            "registraties": 3,
            "verwacht_zonder_ico": pytest.approx(7.5),
        }
    ]


def test_cohorts_are_calendar_periods_of_the_start():
    starts = pd.Series([T("2020-01-31"), T("2020-06-30"), T("2020-07-01"), T("2021-12-01")], index=list("abcd"))
    assert cohorts(starts, 6).tolist() == ["2020-01", "2020-01", "2020-07", "2021-07"]
    assert cohorts(starts, 3).tolist() == ["2020-01", "2020-04", "2020-07", "2021-10"]


def _simulated(settings, truth: Truth, seed: int):
    clients, regs, _ = registrations(truth, seed)
    clients = client_windows(clients, settings)
    cells = panel.build(regs, clients, settings.van, settings.tot, 12, settings.window_months.long)
    untreated, target = _untreated(cells, 3), _target(cells)
    return cells, ~untreated, target, cohorts(clients.set_index("client_id")["ico_start"], 6)


def test_the_cohort_effects_and_the_ratio_equal_pyfixest(settings):
    """An independent fit of the same saturated design: pyfixest's fepois with a dummy per cohort, phase and event
    time, client and month effects and the log of the days as offset; the 'na' ratio rebuilt from its fitted counts
    and coefficients."""
    import pyfixest as pf  # a dev dependency, installed by make test

    cells, treated, target, cohort = _simulated(settings, Truth(irr=0.7, n_clients=200, irr_late=0.9), 5)
    ours = cohort_estimate(cells, treated, target, cohort)
    group = np.where(
        treated,
        cohort.reindex(cells["client_id"]).to_numpy(dtype=str)
        + "_"
        + cells["phase"].astype(str).to_numpy()
        + "_"
        + cells["k"].astype(str).to_numpy(),
        "untreated",
    )
    keep = _kept(
        cells["client"].to_numpy(),
        cells["maand"].to_numpy(),
        np.where(treated, pd.factorize(group)[0], -1),
        cells["y"].to_numpy(dtype=float),
        cells["dagen"].to_numpy(dtype=float),
    )
    data = cells.assign(grp=group, offset=np.log(cells["dagen"].clip(lower=1e-9)), target=target).loc[keep]
    fit = pf.fepois("y ~ i(grp, ref='untreated') | client + maand", data=data, offset="offset", vcov={"CRV1": "client"})
    coef = fit.coef()  # named 'grp::<group>'
    delta = data["grp"].map(lambda g: 0.0 if g == "untreated" else coef[f"grp::{g}"]).to_numpy()
    mu = np.asarray(fit.predict(type="response"))
    on = data["target"].to_numpy()
    theirs = data["y"].to_numpy()[on].sum() / (mu[on] * np.exp(-delta[on])).sum()
    assert ours["irr"] == pytest.approx(theirs, rel=1e-6)
    assert len(ours["cohort_effecten"]) > 5
    for effect in ours["cohort_effecten"]:
        name = f"grp::{effect['cohort']}_{panel.AFTER}_{effect['maand']}"
        assert np.log(effect["irr"]) == pytest.approx(coef[name], abs=1e-6), name


@pytest.mark.slow
def test_the_cohort_interval_matches_a_cluster_bootstrap(settings):
    cells, treated, target, cohort = _simulated(settings, Truth(irr=0.8, n_clients=300), 8)
    point = cohort_estimate(cells, treated, target, cohort)
    rng = np.random.default_rng(0)
    ids = cells["client_id"].unique()
    logs = []
    for _ in range(300):
        draw = rng.choice(ids, size=len(ids), replace=True)
        boot = pd.concat(
            [cells.loc[cells["client_id"] == c].assign(client_id=f"{c}#{i}", client=i) for i, c in enumerate(draw)],
            ignore_index=True,
        )
        names = boot["client_id"].unique()
        boot_cohort = pd.Series(cohort.reindex([n.split("#")[0] for n in names]).to_numpy(), index=names)
        logs.append(np.log(cohort_estimate(boot, ~_untreated(boot, 3), _target(boot), boot_cohort)["irr"]))
    # the delta-method standard error and the bootstrap's agree within the bootstrap's own noise (~5%)
    assert point["se"] == pytest.approx(np.std(logs, ddof=1), rel=0.15)
