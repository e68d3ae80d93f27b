"""Poisson regression with client and calendar-month fixed effects, and the imputation estimator built on it.

The client effects are concentrated out: for a Poisson model with one intercept per client, the maximum-
likelihood estimates of the other parameters are those of the conditional (multinomial) likelihood of each
client's cells given its total (Hausman, Hall & Griliches 1984), so Newton's method runs on the month effects
and the few treatment dummies only, and a client that was never registered drops out exactly. This is the
estimator of fixest's and pyfixest's `fepois`; tests/test_fepois.py checks both estimates and clustered
standard errors against pyfixest. Written here rather than called from pyfixest because the simulation study
fits it thousands of times (about a hundredth of a second each here), and because its sums run in an order
fixed by content, so that pseudonymised ids or a shuffled export give the same digits.

Cells are rows with `client` (int codes, cells of one client contiguous), `maand` (int codes), registrations
`y` and exposure `dagen`; the design is a small dense matrix of treatment dummies per cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.stats

from pipeline.estimation.intervals import Z
from pipeline.estimation.newton import maximise

SEPARATED = 20.0  # |log rate ratio| beyond this (a ratio of 5e8) is a coefficient running off to infinity
COLLINEAR = (
    "niet te schatten: de fasen rond het ICO vallen voor alle cliënten in dezelfde kalendermaanden, dus wat het "
    "ICO deed en wat in die maanden voor iedereen gebeurde zijn niet te scheiden"
)


@dataclass(frozen=True)
class Cells:
    """The panel as arrays: one entry per client x calendar month x treatment state."""

    client: np.ndarray  # int, contiguous per client, in an order fixed by content
    maand: np.ndarray  # int month number
    y: np.ndarray  # registrations
    dagen: np.ndarray  # days at risk (> 0)

    def take(self, keep: np.ndarray) -> Cells:
        return Cells(self.client[keep], self.maand[keep], self.y[keep], self.dagen[keep])


@dataclass(frozen=True)
class Fit:
    """Coefficients of the treatment dummies, their clustered covariance, and what the fit used."""

    names: tuple[str, ...]
    coef: np.ndarray
    cov: np.ndarray
    n_clients: int
    n_cells: int
    converged: bool

    def rate_ratio(self, name: str) -> dict[str, float | str | None]:
        """exp(coefficient) with its 95% interval; None with a reason when the data cannot pin it down (no
        registration in its cells, or a coefficient running off to infinity: separation)."""
        empty: dict[str, float | str | None] = {"irr": None, "ci_low": None, "ci_high": None, "p": None, "se": None}
        if name not in self.names:
            return empty | {"reden": "geen registraties in deze cellen"}
        j = self.names.index(name)
        b, var = float(self.coef[j]), float(self.cov[j, j])
        if not (np.isfinite(b) and np.isfinite(var) and var > 0 and abs(b) < SEPARATED):
            return empty | {"reden": "niet te schatten: te weinig registraties om deze verhouding vast te leggen"}
        se = float(np.sqrt(var))
        return {
            "irr": float(np.exp(b)),
            "ci_low": float(np.exp(b - Z * se)),
            "ci_high": float(np.exp(b + Z * se)),
            "p": float(2 * scipy.stats.norm.sf(abs(b) / se)),
            "se": se,
        }

    def wald(self, names: list[str]) -> dict[str, float | int | None]:
        """Joint test that the named coefficients are all zero (chi-square with clustered covariance)."""
        idx = [self.names.index(n) for n in names if n in self.names]
        if not idx:
            return {"chi2": None, "df": 0, "p": None}
        b = self.coef[idx]
        v = self.cov[np.ix_(idx, idx)]
        if not (np.isfinite(b).all() and np.isfinite(v).all()):
            return {"chi2": None, "df": len(idx), "p": None}
        stat = float(b @ np.linalg.pinv(v) @ b)
        return {"chi2": stat, "df": len(idx), "p": float(scipy.stats.chi2.sf(stat, len(idx)))}


class NotEstimable(ValueError):
    """The data hold too little to estimate the model (the message says what, in Dutch)."""


def _prune(cells: Cells, design: np.ndarray) -> tuple[Cells, np.ndarray, np.ndarray]:
    """Leave out what carries no information and would make the estimates infinite: clients and months
    without a registration, and the cells of a dummy whose cells hold no registration. Returns the kept
    cells, their design and which dummy columns remain."""
    columns = np.ones(design.shape[1], dtype=bool)
    keep = cells.dagen > 0
    while True:
        before = keep.sum(), columns.sum()
        y = np.where(keep, cells.y, 0)
        for j in np.flatnonzero(columns):
            on = keep & (design[:, j] != 0)
            if not on.any() or y[on].sum() == 0:
                columns[j] = False
                keep &= design[:, j] == 0
        y = np.where(keep, cells.y, 0)
        keep &= np.bincount(cells.client, weights=y)[cells.client] > 0
        y = np.where(keep, cells.y, 0)
        keep &= np.bincount(cells.maand, weights=y)[cells.maand] > 0
        if (keep.sum(), columns.sum()) == before:
            break
    return cells.take(keep), design[keep][:, columns], columns


def _recode(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    levels, codes = np.unique(values, return_inverse=True)
    return levels, codes


def fit(cells: Cells, design: np.ndarray, names: list[str], max_iter: int = 100) -> Fit:
    """Poisson with client and month fixed effects and the dummies of `design`; client-clustered covariance
    with fixest's small-sample factor G / (G - 1)."""
    if len(cells.y) == 0 or cells.y.sum() == 0:
        raise NotEstimable("geen enkele registratie in de cellen van het model")
    kept, x, columns = _prune(cells, np.asarray(design, dtype=float).reshape(len(cells.y), -1))
    kept_names = tuple(n for n, c in zip(names, columns, strict=True) if c)
    if len(kept.y) == 0 or kept.y.sum() == 0:
        raise NotEstimable("geen enkele registratie in de cellen van het model")
    _, client = _recode(kept.client)
    _, month = _recode(kept.maand)
    n_clients, n_months = client.max() + 1, month.max() + 1
    if n_clients < 2:
        raise NotEstimable("minder dan twee cliënten met registraties")
    # month one-hot without the first month (the reference), then the dummies
    rows = np.arange(len(month))
    months = sp.csr_matrix((np.ones(len(month)), (rows, month)), shape=(len(month), n_months))[:, 1:]
    z = sp.hstack([months, sp.csr_matrix(x)], format="csr")
    theta, info, scores, _, converged = _newton(kept, client, z, max_iter)
    try:
        bread = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        raise NotEstimable(COLLINEAR) from None
    cov = bread @ (scores.T @ scores) @ bread * n_clients / (n_clients - 1)
    if not (np.isfinite(theta).all() and np.isfinite(cov).all()):
        raise NotEstimable("de schatting convergeerde niet")
    q = len(kept_names)
    return Fit(
        names=kept_names,
        coef=theta[n_months - 1 :],
        cov=cov[n_months - 1 :, n_months - 1 :].reshape(q, q),
        n_clients=int(n_clients),
        n_cells=len(kept.y),
        converged=converged,
    )


def _shares(eta: np.ndarray, starts: np.ndarray, client: np.ndarray) -> np.ndarray:
    """Each cell's share of its client's expected total, computed stably per client."""
    top = np.maximum.reduceat(eta, starts)[client]
    e = np.exp(eta - top)
    return e / np.add.reduceat(e, starts)[client]


def _loglik(y: np.ndarray, eta: np.ndarray, starts: np.ndarray, client: np.ndarray) -> float:
    top = np.maximum.reduceat(eta, starts)
    log_total = np.log(np.add.reduceat(np.exp(eta - top[client]), starts)) + top
    totals = np.add.reduceat(y, starts)
    return float(y @ eta - totals @ log_total)


def _newton(kept: Cells, client: np.ndarray, z: sp.csr_matrix, max_iter: int):
    """The conditional log-likelihood's maximum (estimation/newton.py), then its information and the clients'
    scores there."""
    y = kept.y.astype(float)
    offset = np.log(kept.dagen.astype(float))
    starts = np.flatnonzero(np.r_[True, client[1:] != client[:-1]])
    totals = np.add.reduceat(y, starts)
    incidence = sp.csr_matrix((np.ones(len(y)), (client, np.arange(len(y)))), shape=(len(starts), len(y)))

    def derivatives(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        eta = offset + z @ theta
        p = _shares(eta, starts, client)
        w = totals[client] * p
        info = _information(z, w, p, totals, incidence)
        if not np.isfinite(info).all():
            raise NotEstimable("de schatting convergeerde niet")
        return z.T @ (y - w), info

    start = np.zeros(z.shape[1])
    if np.linalg.matrix_rank(derivatives(start)[1]) < len(start):
        raise NotEstimable(COLLINEAR)
    try:
        solution = maximise(lambda theta: _loglik(y, offset + z @ theta, starts, client), derivatives, start, max_iter)
    except np.linalg.LinAlgError:
        raise NotEstimable(COLLINEAR) from None
    theta, converged = solution.theta, solution.converged
    eta = offset + z @ theta
    p = _shares(eta, starts, client)
    w = totals[client] * p
    info = _information(z, w, p, totals, incidence)
    scores = np.asarray((incidence @ sp.diags(y - w) @ z).todense())
    return theta, info, scores, p, converged


def _information(z: sp.csr_matrix, w: np.ndarray, p: np.ndarray, totals: np.ndarray, incidence) -> np.ndarray:
    """Minus the Hessian of the conditional log-likelihood: sum_c w_c z_c z_c' - sum_i Y_i m_i m_i'."""
    first = (z.T @ z.multiply(w[:, None]).tocsr()).toarray()
    m = (incidence @ z.multiply(p[:, None]).tocsr()).toarray()  # per client: the share-weighted mean of z
    second = (m.T * totals) @ m
    return first - second


# --- the imputation estimator --------------------------------------------------------------------------------


def imputation(untreated: Cells, treated: Cells) -> dict[str, float | int | None]:
    """Borusyak, Jaravel & Spiess (2024) for counts: client and month effects from the untreated cells only,
    each treated cell's expected count without the ICO imputed from them, and the rate ratio
    sum(observed) / sum(imputed) over the treated cells that can be imputed (a client with registrations in
    its untreated months, a month with untreated registrations). The interval is the delta method on the
    stacked estimating equations, clustered on the client."""
    if len(untreated.y) == 0 or untreated.y.sum() == 0:
        raise NotEstimable("geen registraties in de nog niet behandelde maanden")
    kept, _, _ = _prune(untreated, np.zeros((len(untreated.y), 0)))
    if len(kept.y) == 0:
        raise NotEstimable("geen registraties in de nog niet behandelde maanden")
    client_levels, client = _recode(kept.client)
    month_levels, month = _recode(kept.maand)
    n_months = len(month_levels)
    rows = np.arange(len(month))
    z = sp.csr_matrix((np.ones(len(month)), (rows, month)), shape=(len(month), n_months))[:, 1:].tocsr()
    theta, info, scores, p, converged = _newton(kept, client, z, 100)
    if not (np.isfinite(theta).all() and np.isfinite(info).all()):
        raise NotEstimable("de schatting convergeerde niet")
    gamma = np.r_[0.0, theta]
    starts = np.flatnonzero(np.r_[True, client[1:] != client[:-1]])
    totals_u = np.add.reduceat(kept.y.astype(float), starts)
    exposure_u = np.add.reduceat(kept.dagen * np.exp(gamma[month]), starts)  # A_i^U
    # the treated cells that can be imputed
    t_client = np.searchsorted(client_levels, treated.client)
    t_month = np.searchsorted(month_levels, treated.maand)
    known = (
        (t_client < len(client_levels))
        & (client_levels[np.minimum(t_client, len(client_levels) - 1)] == treated.client)
        & (t_month < n_months)
        & (month_levels[np.minimum(t_month, n_months - 1)] == treated.maand)
        & (treated.dagen > 0)
    )
    tc, tm = t_client[known], t_month[known]
    mu = treated.dagen[known] * np.exp(gamma[tm]) * totals_u[tc] / exposure_u[tc]
    observed = treated.y[known].astype(float)
    total_obs, total_mu = observed.sum(), mu.sum()
    out: dict[str, float | int | None] = {
        "gedekte_cellen": known,  # which treated cells could be imputed (for the caller, not published)
        "n_cellen_geimputeerd": int(known.sum()),
        "n_cellen_niet_te_imputeren": int((~known & (treated.dagen > 0)).sum()),
        "registraties_niet_te_imputeren": int(treated.y[~known].sum()),
        "n_clients": len(np.unique(tc)),
        "registraties_na": int(total_obs),
        "verwacht_zonder_ico": float(total_mu),
    }
    if total_obs == 0 or total_mu == 0:
        raise NotEstimable("geen registraties in de maanden na het ICO die te vergelijken zijn")
    tau = float(total_obs / total_mu)
    g = len(client_levels)
    # per client: g_tau = Y_i^T - tau M_i; b = -tau (sum_T mu z - sum_i M_i m_i)
    m_i = np.bincount(tc, weights=mu, minlength=g)
    g_tau = np.bincount(tc, weights=observed, minlength=g) - tau * m_i
    z_t = sp.csr_matrix((np.ones(len(tm)), (np.arange(len(tm)), tm)), shape=(len(tm), n_months))[:, 1:]
    incidence = sp.csr_matrix((np.ones(len(month)), (client, rows)), shape=(g, len(month)))
    share_u = np.asarray((incidence @ sp.diags(p) @ z).todense())  # m_i over the month columns
    b = -tau * (np.asarray(z_t.T @ mu).ravel() - share_u.T @ m_i)
    try:
        psi = (g_tau + scores @ np.linalg.solve(info, b)) / total_obs
    except np.linalg.LinAlgError:
        raise NotEstimable("de schatting convergeerde niet") from None
    se = float(np.sqrt(psi @ psi * g / (g - 1)))
    if not (np.isfinite(se) and se > 0 and np.isfinite(tau)):
        raise NotEstimable("niet te schatten: te weinig registraties om deze verhouding vast te leggen")
    log_tau = float(np.log(tau))
    return out | {
        "irr": tau,
        "ci_low": float(np.exp(log_tau - Z * se)),
        "ci_high": float(np.exp(log_tau + Z * se)),
        "p": float(2 * scipy.stats.norm.sf(abs(log_tau) / se)) if se > 0 else None,
        "se": se,
        "converged": bool(converged),
    }
