"""How big is the effect really? The event study and three estimates of the rate ratio after / before.

Clients are referred to an ICO when things go worst, so registrations rise towards the ICO and part of any
fall afterwards happens without it (regression to the mean). Three estimates, each an incidence rate ratio
from a Poisson GEE clustered on the client with robust (sandwich) standard errors:

- naive: 'na' against 'voor', the comparison of the original report;
- symmetric: the 'lang na' window against the 'lang voor' window, both outside the referral spike and the
  immediate after-care (Chabé-Ferret 2017);
- comparison: a client x calendar-month panel in which clients discussed later serve as the comparison for
  calendar time (the not-yet-treated design of Callaway & Sant'Anna 2021): each client's months from the start
  of the export period up to its anticipation period (a setting, 3 months) are 'before', its 'lang na' window
  'after'; a calendar month's 'before' cells are those of clients whose own ICO starts more than the
  anticipation period later. Calendar-month effects absorb what happens to everybody at once (COVID-19
  measures, police practice); ICO-cohort effects (the quarter of the start) absorb differences between
  clients referred early and late (Wooldridge 2023: pooled Poisson with cohort and time effects).

Rates use days at risk when detention periods or dates of death are given: the exposure is an offset.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import PerfectSeparationError

from pipeline.config.settings import Settings

CONFIDENCE = 0.95


# --- exposure ----------------------------------------------------------------------------------------------


def _overlap_days(lo: pd.Series, hi: pd.Series, other_lo: pd.Series, other_hi: pd.Series) -> pd.Series:
    """Days (inclusive) that [lo, hi] shares with [other_lo, other_hi]; 0 when they do not meet."""
    start = np.maximum(lo.to_numpy(), other_lo.to_numpy())
    end = np.minimum(hi.to_numpy(), other_hi.to_numpy())
    days = (end - start) / np.timedelta64(1, "D") + 1
    return pd.Series(np.clip(np.nan_to_num(days, nan=0.0), 0, None), index=lo.index)


def days_at_risk(intervals: pd.DataFrame, detention: pd.DataFrame | None, deaths: pd.Series | None) -> pd.Series:
    """Days of each interval (client_id, lo, hi; inclusive dates) at which the client could be registered:
    the days in the interval, minus days in detention, minus days after death."""
    days = (intervals["hi"] - intervals["lo"]) / np.timedelta64(1, "D") + 1
    days = days.clip(lower=0).astype(float)
    if detention is not None and len(detention):
        pairs = intervals.reset_index().merge(detention, on="client_id", how="inner")
        if len(pairs):
            lost = _overlap_days(pairs["lo"], pairs["hi"], pairs["van"], pairs["tot"])
            days = days - lost.groupby(pairs["index"]).sum().reindex(intervals.index, fill_value=0.0)
    if deaths is not None:
        died = intervals["client_id"].map(deaths)
        after_death = _overlap_days(
            intervals["lo"],
            intervals["hi"],
            died + pd.Timedelta(days=1),
            pd.Series(pd.Timestamp.max.normalize(), index=intervals.index),
        )
        days = days - after_death.where(died.notna(), 0.0)
    return days.clip(lower=0.0)


# --- the GEE ---------------------------------------------------------------------------------------------


def _content_clusters(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """A cluster number per client that depends on the client's rows, not on its id or on row order, so that
    pseudonymised ids or a shuffled export give the same floating-point sums, to the last bit."""
    row_hash = pd.util.hash_pandas_object(frame[columns], index=False).to_numpy()
    per_client = pd.DataFrame({"client_id": frame["client_id"].to_numpy(), "h": row_hash})
    signature = per_client.groupby("client_id")["h"].sum()  # uint64 sum wraps: order-free
    rows = per_client.groupby("client_id").size()
    key = pd.DataFrame({"signature": signature.astype("uint64"), "rows": rows}).sort_values(["signature", "rows"])
    number = pd.Series(np.arange(len(key)), index=key.index)
    return frame["client_id"].map(number)


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
    frame = frame.assign(cluster=_content_clusters(frame, ["after", "y", "dagen", *covariates]))
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
        z = scipy.stats.norm.ppf(0.5 + CONFIDENCE / 2)
        values = [np.exp(b), np.exp(b - z * se), np.exp(b + z * se), 2 * scipy.stats.norm.sf(abs(b) / se)]
    return values, caught


# --- the three estimates ----------------------------------------------------------------------------------


def _interval_counts(regs: pd.DataFrame, intervals: pd.DataFrame) -> pd.Series:
    """Registrations of each interval's client dated inside it (intervals: client_id, lo, hi, inclusive)."""
    pairs = regs[["client_id", "datum"]].merge(intervals.reset_index(), on="client_id", how="inner")
    inside = (pairs["datum"] >= pairs["lo"]) & (pairs["datum"] <= pairs["hi"])
    return pairs.loc[inside].groupby("index").size().reindex(intervals.index, fill_value=0)


def _cell_counts(regs: pd.DataFrame, cells: pd.DataFrame) -> pd.Series:
    """Registrations per client x calendar-month cell: a client has at most one cell per month (its 'before' and
    'after' spans are months apart), so each registration is looked up by (client, month), not joined to every
    cell of its client."""
    month = (regs["datum"].dt.year * 12 + regs["datum"].dt.month - 1).to_numpy()
    key = pd.MultiIndex.from_arrays([cells["client_id"].to_numpy(), cells["maand"].to_numpy()])
    cell = key.get_indexer(pd.MultiIndex.from_arrays([regs["client_id"].to_numpy(), month]))
    found = cell >= 0
    dates = regs["datum"].to_numpy()[found]
    cell = cell[found]
    inside = (dates >= cells["lo"].to_numpy()[cell]) & (dates <= cells["hi"].to_numpy()[cell])
    counts = np.bincount(cell[inside], minlength=len(cells))
    return pd.Series(counts, index=cells.index)


def _window_bounds(compared: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series]]:
    """Inclusive first and last day of the periods the estimates compare (SPEC §3 windows)."""
    day = pd.Timedelta(days=1)
    return {
        "voor": (compared["lang_voor"], compared["ico_start"] - day),
        "na": (compared["ico_eind"] + day, compared["lang_na"]),
        "lang_voor": (compared["lang_voor"], compared["kort_voor"] - day),
        "lang_na": (compared["kort_na"] + day, compared["lang_na"]),
    }


def _two_period(regs: pd.DataFrame, compared: pd.DataFrame, before: str, after: str, detention, deaths) -> pd.DataFrame:
    """One row per client and period, with its registrations and days at risk."""
    bounds = _window_bounds(compared)
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
    frame["y"] = _interval_counts(regs, frame)
    frame["dagen"] = days_at_risk(frame, detention, deaths)
    return frame


def _panel(regs: pd.DataFrame, clients: pd.DataFrame, settings: Settings, detention, deaths) -> pd.DataFrame:
    """Client x calendar-month cells. 'Before': a client's months from the start of the export period until its
    anticipation period, for every client with a known start (also those left out of the comparison for lack
    of follow-up: discussed late, they are the comparison group for the months before them). 'After': each
    compared client's 'lang na' window. Counts and days at risk per cell."""
    day = pd.Timedelta(days=1)
    baseline_end = clients["ico_start"] - pd.DateOffset(months=settings.anticipation_months) - day
    inside = clients["ico_start"].notna() & (baseline_end >= settings.van)
    before = pd.DataFrame(
        {
            "client_id": clients.loc[inside, "client_id"].to_numpy(),
            "after": 0,
            "lo": settings.van,
            "hi": np.minimum(baseline_end.loc[inside].to_numpy(), np.datetime64(settings.tot)),
        }
    )
    compared = clients.loc[clients["vergeleken"]]
    after = pd.DataFrame(
        {
            "client_id": compared["client_id"].to_numpy(),
            "after": 1,
            "lo": (compared["kort_na"] + day).to_numpy(),
            "hi": compared["lang_na"].to_numpy(),
        }
    )
    spans = pd.concat([before, after], ignore_index=True)
    spans = spans.loc[spans["hi"] >= spans["lo"]].reset_index(drop=True)
    # split every span at calendar-month boundaries; months are numbered year * 12 + month - 1
    first = (spans["lo"].dt.year * 12 + spans["lo"].dt.month - 1).to_numpy()
    last = (spans["hi"].dt.year * 12 + spans["hi"].dt.month - 1).to_numpy()
    cells = spans.loc[spans.index.repeat(last - first + 1)].copy()
    month = first[cells.index] + cells.groupby(level=0).cumcount().to_numpy()
    month_start = pd.to_datetime(pd.DataFrame({"year": month // 12, "month": month % 12 + 1, "day": 1}))
    month_end = month_start + pd.offsets.MonthEnd(0)
    cells["maand"] = month
    cells["lo"] = np.maximum(cells["lo"].to_numpy(), month_start.to_numpy())
    cells["hi"] = np.minimum(cells["hi"].to_numpy(), month_end.to_numpy())
    cells = cells.reset_index(drop=True)
    cells["y"] = _cell_counts(regs, cells)
    cells["dagen"] = days_at_risk(cells, detention, deaths)
    cohort = clients.set_index("client_id")["ico_start"].dt.to_period("Q").astype(str)
    cells["cohort"] = cells["client_id"].map(cohort)
    # clients or months without a single registration in the panel add nothing but non-convergence
    cells = cells.loc[cells.groupby("client_id")["y"].transform("sum") > 0]
    cells = cells.loc[cells.groupby("maand")["y"].transform("sum") > 0]
    return cells.reset_index(drop=True)


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


def estimates(
    regs: pd.DataFrame,
    clients: pd.DataFrame,
    settings: Settings,
    detention: pd.DataFrame | None = None,
    deaths: pd.Series | None = None,
) -> dict[str, dict[str, Any]]:
    """The three estimates; `regs` are the registrations of known clients, counted once (client_id, datum)."""
    compared = clients.loc[clients["vergeleken"]]
    w = settings.windows
    naive = _two_period(regs, compared, "voor", "na", detention, deaths)
    symmetric = _two_period(regs, compared, "lang_voor", "lang_na", detention, deaths)
    panel = _panel(regs, clients, settings, detention, deaths)
    comparison = _irr(panel, ["after", "maand", "cohort"]) | _describe(
        panel, [f"alle maanden tot {settings.anticipation_months} mnd vóór de eigen start"], [w[4]]
    )
    comparison |= {
        "n_cellen": len(panel),
        "n_clients_na": int(panel.loc[panel["after"] == 1, "client_id"].nunique()),
        "anticipatie_maanden": settings.anticipation_months,
        "maanden": int(panel["maand"].nunique()),
        "cohorten": int(panel["cohort"].nunique()),
    }
    return {
        "naive": _irr(naive, ["after"]) | _describe(naive, [w[0], w[1]], [w[3], w[4]]),
        "symmetric": _irr(symmetric, ["after"]) | _describe(symmetric, [w[0]], [w[4]]),
        "comparison": comparison,
    }


# --- the event study ----------------------------------------------------------------------------------------


def event_study(used: pd.DataFrame, compared: pd.DataFrame, settings: Settings) -> list[dict[str, Any]]:
    """Registrations per month relative to the ICO start (before it and during it) and to its end (after it),
    with the number of clients each month covers; months during the ICO that fewer than the minimum group
    size of clients reach are left out."""
    regs = used.merge(compared[["client_id", "ico_start", "ico_eind"]], on="client_id", how="inner")
    n = len(compared)
    rows: list[dict[str, Any]] = []
    for k in range(settings.months_long, 0, -1):
        lo = regs["ico_start"] - pd.DateOffset(months=k)
        hi = regs["ico_start"] - pd.DateOffset(months=k - 1)
        count = int(((regs["datum"] >= lo) & (regs["datum"] < hi)).sum())
        rows.append({"maand": -k, "referentie": "start", "registraties": count, "clients": n})
    k = 0
    while True:
        lo_c = compared["ico_start"] + pd.DateOffset(months=k)
        reached = int((compared["ico_eind"] >= lo_c).sum())
        if reached < max(settings.min_group_size, 1):
            break
        lo = regs["ico_start"] + pd.DateOffset(months=k)
        hi = regs["ico_start"] + pd.DateOffset(months=k + 1)
        inside = (regs["datum"] >= lo) & (regs["datum"] < hi) & (regs["datum"] <= regs["ico_eind"])
        rows.append({"maand": k, "referentie": "start", "registraties": int(inside.sum()), "clients": reached})
        k += 1
    for k in range(1, settings.months_long + 1):
        lo = regs["ico_eind"] + pd.DateOffset(months=k - 1)
        hi = regs["ico_eind"] + pd.DateOffset(months=k)
        count = int(((regs["datum"] > lo) & (regs["datum"] <= hi)).sum())
        rows.append({"maand": k, "referentie": "eind", "registraties": count, "clients": n})
    for row in rows:
        row["per_client"] = row["registraties"] / row["clients"] if row["clients"] else None
    return rows
