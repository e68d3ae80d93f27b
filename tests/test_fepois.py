"""The fixed-effects estimators of issue 11: worked out by hand on saturated designs, cross-checked against
pyfixest, the imputation interval against a cluster bootstrap, the panel's accounting as a property, and the
pre-trend check on designs where the answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from pipeline.estimation import panel
from pipeline.estimation.effect import Estimators, fixed_effects, imputed, pretrend
from pipeline.estimation.fepois import Cells, NotEstimable, fit, imputation
from pipeline.stages.align import client_windows
from pipeline.synthetic.simulation import Truth, registrations

T = pd.Timestamp


def _cells(rows: list[tuple[int, int, int, float]]) -> Cells:
    a = np.array(rows, dtype=float)
    return Cells(a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2].astype(int), a[:, 3])


def test_two_by_two_is_the_ratio_of_ratios():
    # client 0 treated in month 1; client 1 never: a saturated model, so the estimate is exact
    cells = _cells([(0, 0, 10, 30.0), (0, 1, 4, 31.0), (1, 0, 6, 30.0), (1, 1, 9, 31.0)])
    result = fit(cells, np.array([[0.0], [1.0], [0.0], [0.0]]), ["na"])
    assert result.rate_ratio("na")["irr"] == pytest.approx((4 / 10) / (9 / 6), rel=1e-10)


def test_exposure_enters_as_an_offset():
    cells = _cells([(0, 0, 10, 30.0), (0, 1, 4, 15.0), (1, 0, 6, 30.0), (1, 1, 9, 30.0)])
    result = fit(cells, np.array([[0.0], [1.0], [0.0], [0.0]]), ["na"])
    assert result.rate_ratio("na")["irr"] == pytest.approx((4 / 15 / (10 / 30)) / (9 / 30 / (6 / 30)), rel=1e-10)


def test_imputation_by_hand():
    # untreated: client 0 in months 0 and 1, client 1 in month 0; treated: client 1 in month 1
    untreated = _cells([(0, 0, 8, 30.0), (0, 1, 12, 30.0), (1, 0, 5, 30.0)])
    treated = _cells([(1, 1, 3, 30.0)])
    out = imputation(untreated, treated)
    # client 1's month-1 count without the ICO: its month-0 count times client 0's growth 12 / 8
    assert out["verwacht_zonder_ico"] == pytest.approx(5 * 12 / 8)
    assert out["irr"] == pytest.approx(3 / (5 * 12 / 8))


def test_a_client_or_month_without_untreated_registrations_is_not_imputed_and_counted():
    untreated = _cells([(0, 0, 8, 30.0), (0, 1, 12, 30.0), (1, 0, 5, 30.0), (2, 0, 0, 30.0)])
    treated = _cells([(1, 1, 3, 30.0), (1, 2, 7, 30.0), (2, 1, 4, 30.0)])
    out = imputation(untreated, treated)
    # month 2 has no untreated cell; client 2 has no untreated registration
    assert out["n_cellen_geimputeerd"] == 1 and out["n_cellen_niet_te_imputeren"] == 2
    assert out["registraties_niet_te_imputeren"] == 11


def test_nothing_to_estimate_says_why():
    with pytest.raises(NotEstimable):
        fit(_cells([(0, 0, 0, 30.0), (1, 0, 0, 30.0)]), np.zeros((2, 1)), ["na"])
    # both clients treated in the same month: the ICO and the calendar cannot be told apart
    cells = _cells([(0, 0, 5, 30.0), (0, 1, 4, 30.0), (1, 0, 6, 30.0), (1, 1, 2, 30.0)])
    with pytest.raises(NotEstimable, match="niet te scheiden"):
        fit(cells, np.array([[0.0], [1.0], [0.0], [1.0]]), ["na"])


def _simulated_cells(truth: Truth, seed: int, settings) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    clients, regs, _ = registrations(truth, seed)
    clients = client_windows(clients, settings)
    cells = panel.build(regs, clients, settings.van, settings.tot, 12, settings.window_months.long)
    return clients, regs, cells


def test_fixed_effects_equal_pyfixest(settings):
    """Coefficient and client-clustered standard error of every dummy agree with pyfixest's fepois (with the
    small-sample factor G / (G - 1) only)."""
    import pyfixest as pf  # a dev dependency (pyproject.toml), installed by make test

    _, _, cells = _simulated_cells(Truth(irr=0.7, n_clients=200), 4, settings)
    phase, k = cells["phase"].to_numpy(), cells["k"].to_numpy()
    dummies = {
        "ant": (phase == panel.LEAD) & (k <= 3),
        "tijdens": phase == panel.DURING,
        "na": phase == panel.AFTER,
        "later": phase == panel.LATER,
    }
    ours = fit(
        Cells(cells["client"].to_numpy(), cells["maand"].to_numpy(), cells["y"].to_numpy(), cells["dagen"].to_numpy()),
        np.column_stack(list(dummies.values())),
        list(dummies),
    )
    data = cells.assign(**{n: v.astype(float) for n, v in dummies.items()})
    data = data.loc[data["dagen"] > 0].assign(offset=lambda f: np.log(f["dagen"]))
    theirs = pf.fepois(
        "y ~ ant + tijdens + na + later | client + maand",
        data=data[["y", "client", "maand", "offset", *dummies]],
        offset="offset",
        vcov={"CRV1": "client"},
        ssc=pf.ssc(k_adj=False, G_adj=True),
    )
    for j, name in enumerate(ours.names):
        assert ours.coef[j] == pytest.approx(theirs.coef()[name], abs=1e-7), name
        assert np.sqrt(ours.cov[j, j]) == pytest.approx(theirs.se()[name], rel=1e-5), name


@pytest.mark.slow
def test_the_imputation_interval_matches_a_cluster_bootstrap(settings):
    _, _, cells = _simulated_cells(Truth(irr=0.8, n_clients=300), 8, settings)
    point = imputed(cells, 3)
    rng = np.random.default_rng(0)
    ids = cells["client"].unique()
    logs = []
    for _ in range(300):
        draw = rng.choice(ids, size=len(ids), replace=True)
        parts = [cells.loc[cells["client"] == c].assign(client=i) for i, c in enumerate(draw)]
        est = imputed(pd.concat(parts, ignore_index=True), 3)
        if est["irr"] is not None:
            logs.append(np.log(est["irr"]))
    # the delta-method standard error and the bootstrap's agree within the bootstrap's own noise (~5%)
    assert point["se"] == pytest.approx(np.std(logs, ddof=1), rel=0.15)


clients_strategy = st.lists(
    st.tuples(st.integers(0, 1000), st.one_of(st.none(), st.integers(0, 400))), min_size=1, max_size=8
)


@hyp_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clients_strategy, st.integers(0, 10_000))
def test_the_panel_counts_every_registration_and_every_day_once(spec, seed):
    van, tot = T("2019-06-01"), T("2022-05-31")
    start = [van + pd.Timedelta(days=s) for s, _ in spec]
    end = [pd.NaT if d is None else st_ + pd.Timedelta(days=d) for st_, (_, d) in zip(start, spec, strict=True)]
    clients = pd.DataFrame({"client_id": [f"c{i}" for i in range(len(spec))], "ico_start": start, "ico_eind": end})
    rng = np.random.default_rng(seed)
    n = rng.integers(0, 60)
    regs = pd.DataFrame(
        {
            "client_id": rng.choice(clients["client_id"], size=n),
            "datum": van + pd.to_timedelta(rng.integers(0, (tot - van).days + 1, size=n), unit="D"),
        }
    )
    cells = panel.build(regs, clients, van, tot, 12, 6)
    assert cells["y"].sum() == len(regs)
    days = cells.groupby("client_id")["dagen"].sum()
    assert (days == (tot - van).days + 1).all() and len(days) == len(clients)
    # one cell per client, calendar month and event time; the phases of a client never overlap in time
    assert not cells.duplicated(["client_id", "maand", "phase", "k"]).any()
    ordered = cells.sort_values(["client_id", "lo"])
    gaps = ordered.groupby("client_id")["lo"].shift(-1) - ordered["hi"]
    assert (gaps.dropna() == pd.Timedelta(days=1)).all()


def test_the_pre_trend_check_passes_when_nothing_happens_before_and_fails_on_a_long_escalation(settings):
    _, _, calm = _simulated_cells(Truth(irr=0.7, n_clients=500), 21, settings)
    _, _, escalating = _simulated_cells(Truth(irr=1.0, n_clients=500, surge_months=6), 21, settings)
    passed = pretrend(calm, 3, 12, 0.05)
    failed = pretrend(escalating, 3, 12, 0.05)
    assert passed["passed"] is True and passed["maanden"] == list(range(-12, -3))
    assert failed["passed"] is False and failed["p"] < 0.001


def test_longer_ico_for_high_rate_clients_and_incomplete_follow_up_do_not_fool_fixed_effects(settings):
    """The design that broke the old pooled estimate (0.39 with no effect)."""
    _, _, cells = _simulated_cells(Truth(irr=1.0, n_clients=500, duration_by_rate=True), 5, settings)
    estimate = fixed_effects(cells, 3)
    assert estimate["ci_low"] <= 1.0 <= estimate["ci_high"]


def test_estimates_with_ids_renamed_are_identical_to_the_last_digit(settings):
    clients, regs, _ = registrations(Truth(irr=0.8, n_clients=150), 9)
    clients = client_windows(clients, settings)
    renamed = {c: f"X{(i * 7919) % 1000:04d}" for i, c in enumerate(clients["client_id"])}
    first = Estimators(regs, clients, settings).basic()
    second = Estimators(
        regs.assign(client_id=regs["client_id"].map(renamed)).iloc[::-1],
        clients.assign(client_id=clients["client_id"].map(renamed)).iloc[::-1],
        settings,
    ).basic()
    for name in ("comparison", "imputation"):
        assert first[name] == second[name], name


def test_a_large_true_effect_is_estimated_not_called_separation():
    # a rate ratio of 1/20 (log -3.0): far from infinity, so it is estimated, with an interval
    cells = _cells([(0, 0, 40, 30.0), (0, 1, 2, 30.0), (1, 0, 10, 30.0), (1, 1, 10, 30.0)])
    out = fit(cells, np.array([[0.0], [1.0], [0.0], [0.0]]), ["na"]).rate_ratio("na")
    assert out["irr"] == pytest.approx((2 / 40) / (10 / 10), rel=1e-8)
    assert out["ci_low"] < out["irr"] < out["ci_high"] and "reden" not in out


def _stacked_sandwich_se(untreated: Cells, treated: Cells) -> tuple[float, float]:
    """An independent imputation estimate and its standard error: statsmodels' Poisson GLM with every client and
    month dummy on the untreated cells, then the stacked estimating equations (the model's scores and the
    treated moment Y - tau * mu), a numerical Jacobian and the client-clustered sandwich with G / (G - 1)."""
    import statsmodels.api as sm

    clients, months = np.unique(untreated.client), np.unique(untreated.maand)
    g, m = len(clients), len(months)

    def design(c: np.ndarray, t: np.ndarray) -> np.ndarray:
        x = np.zeros((len(c), g + m - 1))
        x[np.arange(len(c)), np.searchsorted(clients, c)] = 1.0
        later = np.searchsorted(months, t) > 0
        x[np.flatnonzero(later), g + np.searchsorted(months, t[later]) - 1] = 1.0
        return x

    xu, xt = design(untreated.client, untreated.maand), design(treated.client, treated.maand)
    model = sm.GLM(untreated.y, xu, family=sm.families.Poisson(), offset=np.log(untreated.dagen))
    beta = model.fit(tol=1e-13).params
    tau = treated.y.sum() / (treated.dagen * np.exp(xt @ beta)).sum()

    def psi(theta: np.ndarray) -> np.ndarray:
        """Per client (rows): the model's score and the treated moment."""
        b, t = theta[:-1], theta[-1]
        mu_u = untreated.dagen * np.exp(xu @ b)
        mu_t = treated.dagen * np.exp(xt @ b)
        out = np.zeros((g, len(theta)))
        np.add.at(out[:, :-1], np.searchsorted(clients, untreated.client), xu * (untreated.y - mu_u)[:, None])
        np.add.at(out[:, -1], np.searchsorted(clients, treated.client), treated.y - t * mu_t)
        return out

    theta = np.r_[beta, tau]
    h = 1e-6
    jac = np.column_stack(
        [(psi(theta + h * e).sum(0) - psi(theta - h * e).sum(0)) / (2 * h) for e in np.eye(len(theta))]
    )
    scores = psi(theta)
    bread = np.linalg.inv(jac)
    cov = bread @ (scores.T @ scores) @ bread.T * g / (g - 1)
    return float(tau), float(np.sqrt(cov[-1, -1]) / tau)


def test_the_imputation_standard_error_equals_the_stacked_sandwich_with_the_small_sample_factor():
    # five clients over four months, treated from months 2, 2, 3, 3 and never: every treated cell imputable
    rows_u, rows_t = [], []
    rng = np.random.default_rng(3)
    for c, start in enumerate([2, 2, 3, 3, 9]):
        for t in range(4):
            cell = (c, t, int(rng.poisson(6 if t < start else 4)), 30.0 + t)
            (rows_u if t < start else rows_t).append(cell)
    untreated, treated = _cells(rows_u), _cells(rows_t)
    out = imputation(untreated, treated)
    tau, se = _stacked_sandwich_se(untreated, treated)
    assert out["n_cellen_niet_te_imputeren"] == 0
    assert out["irr"] == pytest.approx(tau, rel=1e-9)
    # with 5 clients G / (G - 1) = 1.25 moves the standard error by 12%: the oracle tells the two apart
    assert out["se"] == pytest.approx(se, rel=1e-5)


def test_the_imputation_says_what_share_of_the_na_registrations_it_covers():
    """Only 'na' months in which some client is still untreated can be imputed: here client b's month 1 (a is
    untreated then), not a's month 2 nor c's month 3 (nobody untreated). 3 of the 4 + 3 + 7 registrations after
    the ICO are covered, of clients started up to b's start."""
    from pipeline.estimation.effect import imputed

    cells = pd.DataFrame(
        [
            ("a", 0, panel.REF, 0, 8, 30.0),
            ("a", 1, panel.REF, 0, 12, 30.0),
            ("a", 2, panel.AFTER, 1, 4, 30.0),
            ("b", 0, panel.REF, 0, 5, 30.0),
            ("b", 1, panel.AFTER, 1, 3, 30.0),
            ("c", 0, panel.REF, 0, 2, 30.0),
            ("c", 3, panel.AFTER, 1, 7, 30.0),
        ],
        columns=["client_id", "maand", "phase", "k", "y", "dagen"],
    ).assign(client=lambda f: pd.factorize(f["client_id"])[0])
    starts = pd.Series([T("2020-01-15"), T("2020-03-01"), T("2020-06-01")], index=["a", "b", "c"])
    out = imputed(cells, 3, starts)
    assert out["registraties_na"] == 3 and out["registraties_niet_te_imputeren"] == 11
    assert out["aandeel_gedekt"] == pytest.approx(3 / 14)
    assert out["laatste_start_gedekt"] == "2020-03"
