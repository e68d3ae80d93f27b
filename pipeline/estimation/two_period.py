"""The two before/after estimates on the client's own windows: naive ('na' against 'voor', the comparison of
the original report) and symmetric ('lang na' against 'lang voor', both outside the referral spike and the
immediate after-care; Chabé-Ferret 2017). Each an incidence rate ratio from a Poisson GEE clustered on the
client with robust (sandwich) standard errors; days at risk are the exposure (an offset)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import PerfectSeparationError

from pipeline.estimation.intervals import Z
from pipeline.estimation.panel import content_order
from pipeline.stages.align import day_ranges
from pipeline.stages.exposure import days_at_risk


def _irr(frame: pd.DataFrame, covariates: list[str]) -> dict[str, Any]:
    """Rate ratio for 'after' from a Poisson GEE with independence working correlation, clustered on the client,
    with robust (sandwich) standard errors and log(days at risk) as offset.

    Computed so that it scales with the number of covariate patterns and clients, not cells: the point estimate
    is statsmodels' Poisson GLM on the cells summed per covariate pattern (the Poisson likelihood depends on the
    data only through those sums, so the estimate is the same); the sandwich's bread is that fit's information
    matrix, its meat the per-client sums of the score. tests/test_effect.py checks the result against
    statsmodels' GEE on the cells themselves.
    """
    out: dict[str, Any] = {"irr": None, "ci_low": None, "ci_high": None, "p": None}
    frame = frame.loc[frame["dagen"] > 0]
    factors = [c for c in covariates if c != "after"]
    # a level of a factor without a single registration has an effect of minus infinity: such levels say nothing
    # about the ratio and are left out, as fixed-effects Poisson estimators do
    while factors:
        kept = len(frame)
        for factor in factors:
            frame = frame.loc[frame.groupby(factor)["y"].transform("sum") > 0]
        if len(frame) == kept:
            break
    before, after = frame.loc[frame["after"] == 0, "y"].sum(), frame.loc[frame["after"] == 1, "y"].sum()
    if before == 0 or after == 0 or frame["client_id"].nunique() < 2:
        out["reden"] = "te weinig registraties of cliënten om een verhouding te schatten"
        return out
    # a fixed order that depends on content only: floating-point sums must not depend on row order or ids
    frame = frame.assign(cluster=content_order(frame, ["after", "y", "dagen", *covariates]))
    frame = frame.sort_values(["cluster", *covariates, "y", "dagen"], kind="stable")
    patterns = frame.groupby(covariates, sort=True).agg(y=("y", "sum"), dagen=("dagen", "sum")).reset_index()
    design = pd.get_dummies(patterns[covariates], columns=factors, drop_first=True, dtype=float)
    design = design.loc[:, design.std(ddof=0).gt(0)]
    design.insert(0, "const", 1.0)
    try:
        values, caught = _sandwich_fit(frame, patterns, design, covariates)
    except (ValueError, np.linalg.LinAlgError, PerfectSeparationError):
        out["reden"] = "de schatting convergeerde niet"
        return out
    if not np.isfinite(values).all():
        out["reden"] = "de schatting convergeerde niet"
        return out
    out |= dict(zip(("irr", "ci_low", "ci_high", "p"), (float(v) for v in values), strict=True))
    problems = sorted({type(w.message).__name__ for w in caught if "Convergence" in type(w.message).__name__})
    if problems:
        out["waarschuwing"] = ", ".join(problems)
    return out


def _sandwich_fit(frame: pd.DataFrame, patterns: pd.DataFrame, design: pd.DataFrame, covariates: list[str]):
    """(irr, ci_low, ci_high, p) for 'after', and the warnings the fit raised."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        fit = sm.GLM(
            patterns["y"].to_numpy(dtype=float),
            design,
            family=sm.families.Poisson(),
            offset=np.log(patterns["dagen"].to_numpy(dtype=float)),
        ).fit(maxiter=200)
        x_pattern = design.to_numpy()
        beta = fit.params.to_numpy()
        bread = np.linalg.pinv(x_pattern.T @ (fit.mu[:, None] * x_pattern))
        # each cell's pattern, fitted mean and residual; per-client sums of the score x * (y - mu)
        which = frame[covariates].merge(patterns[covariates].reset_index(), on=covariates, how="left")["index"]
        x_cells = x_pattern[which.to_numpy()]
        mu = frame["dagen"].to_numpy(dtype=float) * np.exp(x_cells @ beta)
        residual = frame["y"].to_numpy(dtype=float) - mu
        clusters = frame["cluster"].to_numpy()
        scores = np.column_stack(
            [np.bincount(clusters, weights=x_cells[:, j] * residual) for j in range(x_cells.shape[1])]
        )
        cov = bread @ (scores.T @ scores) @ bread
        j = list(design.columns).index("after")
        b, se = beta[j], float(np.sqrt(cov[j, j]))
        values = [np.exp(b), np.exp(b - Z * se), np.exp(b + Z * se), 2 * scipy.stats.norm.sf(abs(b) / se)]
    return values, caught


# --- the two-period estimates ----------------------------------------------------------------------------


def interval_counts(regs: pd.DataFrame, intervals: pd.DataFrame) -> pd.Series:
    """Registrations of each interval's client dated inside it (intervals: client_id, lo, hi, inclusive)."""
    pairs = regs[["client_id", "datum"]].merge(intervals.reset_index(), on="client_id", how="inner")
    inside = (pairs["datum"] >= pairs["lo"]) & (pairs["datum"] <= pairs["hi"])
    return pairs.loc[inside].groupby("index").size().reindex(intervals.index, fill_value=0)


def _two_period(regs: pd.DataFrame, compared: pd.DataFrame, before: str, after: str, detention, deaths) -> pd.DataFrame:
    """One row per client and period, with its registrations and days at risk."""
    bounds = day_ranges(compared)
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "client_id": compared["client_id"].to_numpy(),
                    "after": flag,
                    "lo": bounds[key][0].to_numpy(),
                    "hi": bounds[key][1].to_numpy(),
                }
            )
            for flag, key in ((0, before), (1, after))
        ],
        ignore_index=True,
    )
    frame["y"] = interval_counts(regs, frame)
    frame["dagen"] = days_at_risk(frame, detention, deaths)
    return frame


def _describe(frame: pd.DataFrame, before: list[str], after: list[str]) -> dict[str, Any]:
    return {
        "n_clients": int(frame["client_id"].nunique()),
        "registraties_voor": int(frame.loc[frame["after"] == 0, "y"].sum()),
        "registraties_na": int(frame.loc[frame["after"] == 1, "y"].sum()),
        "dagen_voor": float(frame.loc[frame["after"] == 0, "dagen"].sum()),
        "dagen_na": float(frame.loc[frame["after"] == 1, "dagen"].sum()),
        "vensters_voor": before,
        "vensters_na": after,
    }
