"""The extended two-way Poisson (Wooldridge 2023, "ETWFE"): one effect per cohort and event time.

Clients are grouped in cohorts by the calendar period their ICO started (a quarter or half-year, a setting). Every
treated cell (the run-up, each month of the ICO, each month after it) gets a dummy of its own cohort and event
time, beside the client and calendar-month effects that the not-yet-treated months identify. So an effect that
differs between early and late cohorts, or grows with time since the ICO, is estimated as it is instead of being
averaged with already-treated clients as controls, which biases the static fixed-effects estimate (Goodman-Bacon
2021; de Chaisemartin & D'Haultfoeuille 2020). Unlike the imputation estimator, the calendar months in which every
client is already treated are not lost: the model carries the month effects into them.

The 'na' effect is the count-weighted average of the cohort effects over the 'na' months: the registrations in
those months against the number expected there without the ICO, sum(y) / sum(mu exp(-delta)). Its interval is
the delta method on the model's client scores and the client sums of the ratio, clustered on the client with
G / (G - 1), as the imputation estimator's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.stats

from pipeline.estimation.fepois import Cells, NotEstimable, _newton, _recode
from pipeline.estimation.intervals import Z
from pipeline.estimation.panel import AFTER, month_number


def cohorts(starts: pd.Series, months: int) -> pd.Series:
    """The cohort of each client (index: client_id): the first calendar month of the period of `months` months in
    which its ICO started, as 'JJJJ-MM' (periods counted from January)."""
    number = month_number(starts) // months * months
    return pd.Series([f"{n // 12:04d}-{n % 12 + 1:02d}" for n in number], index=starts.index)


def cohort_estimate(cells: pd.DataFrame, treated: np.ndarray, target: np.ndarray, cohort: pd.Series) -> dict[str, Any]:
    """The 'na' rate ratio of the cohort x event-time model. `treated`: the cells that get a dummy (not the
    untreated months); `target`: the 'na' cells, among the treated; `cohort`: each client's cohort label (index:
    client_id)."""
    labels, cohort_code = np.unique(cohort.reindex(cells["client_id"]).to_numpy(dtype=str), return_inverse=True)
    phase, k = cells["phase"].to_numpy(), cells["k"].to_numpy()
    key = (cohort_code * 10 + phase) * 1000 + k  # one dummy per cohort, phase and event time
    group = np.where(treated, key, -1)
    y, dagen = cells["y"].to_numpy(dtype=float), cells["dagen"].to_numpy(dtype=float)
    keep = _kept(cells["client"].to_numpy(), cells["maand"].to_numpy(), group, y, dagen)
    t = target[keep]
    if not t.any() or y[keep][t].sum() == 0:
        raise NotEstimable("geen registraties in de maanden na het ICO die te vergelijken zijn")
    _, client = _recode(cells["client"].to_numpy()[keep])
    _, month = _recode(cells["maand"].to_numpy()[keep])
    kept = Cells(client, month, y[keep], dagen[keep])
    on = group[keep] >= 0
    keys, dummy = np.unique(group[keep][on], return_inverse=True)
    n, rows = len(kept.y), np.arange(len(kept.y))
    months = sp.csr_matrix((np.ones(n), (rows, month)), shape=(n, month.max() + 1))[:, 1:].tocsr()
    dummies = sp.csr_matrix((np.ones(on.sum()), (rows[on], dummy)), shape=(n, len(keys)))
    z = sp.hstack([months, dummies], format="csr")
    theta, info, scores, p, converged = _newton(kept, client, z, 100)
    if not (np.isfinite(theta).all() and np.isfinite(info).all()):
        raise NotEstimable("de schatting convergeerde niet")
    delta = theta[months.shape[1] :]
    cell_dummy = np.full(n, -1)
    cell_dummy[on] = dummy
    starts = np.flatnonzero(np.r_[True, client[1:] != client[:-1]])
    totals = np.add.reduceat(kept.y, starts)
    mu = totals[client] * p  # fitted counts, the ICO included
    without = mu * np.exp(-np.where(on, delta[np.maximum(cell_dummy, 0)], 0.0))  # expected without the ICO
    observed, expected = math.fsum(kept.y[t]), math.fsum(without[t])
    tau = observed / expected
    # delta method on log tau = log A - log B (A: the target's registrations, B: their expected count without the
    # ICO), each a sum over clients; B also moves with the model's parameters, whose influence is info^-1 x score
    g = len(starts)
    a_i = np.bincount(client[t], weights=kept.y[t], minlength=g)
    b_i = np.bincount(client[t], weights=without[t], minlength=g)
    incidence = sp.csr_matrix((np.ones(n), (client, rows)), shape=(g, n))
    share_mean = (incidence @ z.multiply(p[:, None]).tocsr()).toarray()  # per client: the share-weighted mean of z
    month_part = np.hstack([months[t].toarray(), np.zeros((int(t.sum()), len(keys)))])  # a cell's own dummy drops out
    grad_b = (without[t][:, None] * (month_part - share_mean[client[t]])).sum(axis=0)
    try:
        influence = np.linalg.solve(info, grad_b / expected)
    except np.linalg.LinAlgError:
        raise NotEstimable("de schatting convergeerde niet") from None
    psi = (a_i - tau * b_i) / observed - scores @ influence
    se = float(np.sqrt(psi @ psi * g / (g - 1)))
    if not (np.isfinite(se) and se > 0 and np.isfinite(tau)):
        raise NotEstimable("niet te schatten: te weinig registraties om deze verhouding vast te leggen")
    log_tau = math.log(tau)
    effects = []
    for j, code in enumerate(keys):
        if code // 1000 % 10 != AFTER:
            continue
        cells_j = cell_dummy == j
        effects.append(
            {
                "cohort": str(labels[code // 10000]),
                "maand": int(code % 1000),
                "irr": float(np.exp(delta[j])),
                "registraties": int(kept.y[cells_j].sum()),
                "verwacht_zonder_ico": math.fsum(without[cells_j]),
            }
        )
    return {
        "irr": tau,
        "ci_low": math.exp(log_tau - Z * se),
        "ci_high": math.exp(log_tau + Z * se),
        "p": float(2 * scipy.stats.norm.sf(abs(log_tau) / se)),
        "se": se,
        "n_clients": int(g),
        "registraties_na": int(observed),
        "verwacht_zonder_ico": expected,
        "cohort_effecten": effects,
        "converged": bool(converged),
    }


def _kept(client: np.ndarray, maand: np.ndarray, group: np.ndarray, y: np.ndarray, dagen: np.ndarray) -> np.ndarray:
    """The cells that carry information: days at risk, and a client, a month and a dummy that have registrations
    (one without any would run off to infinity); repeated until nothing more drops out."""
    keep = dagen > 0
    while True:
        before = keep.sum()
        w = np.where(keep, y, 0.0)
        keep &= np.bincount(client, weights=w)[client] > 0
        w = np.where(keep, y, 0.0)
        keep &= np.bincount(maand - maand.min(), weights=w)[maand - maand.min()] > 0
        w = np.where(keep, y, 0.0)
        on = group >= 0
        per_group = np.bincount(np.where(on, group, 0), weights=np.where(on, w, 0.0))
        keep &= ~on | (per_group[np.where(on, group, 0)] > 0)
        if keep.sum() == before:
            return keep
