"""Do men and women (or the age groups) change differently? One Poisson model with a before/after rate ratio
per group, clustered on the client, and a Wald test that the ratios are equal: separate before/after tests
per group cannot say that, since 'significant in one group, not in the other' is not a difference."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats
import statsmodels.api as sm

from pipeline.estimation.panel import content_order


def group_differences(frame: pd.DataFrame, groups: pd.Series, min_size: int) -> dict[str, Any]:
    """`frame`: the two-period cells (client_id, after, y, dagen); `groups`: each client's group. Groups with
    fewer than `min_size` clients, or without registrations before or after, are left out."""
    data = frame.assign(groep=frame["client_id"].map(groups)).dropna(subset=["groep"])
    data = data.loc[data["dagen"] > 0]
    sizes = data.groupby("groep")["client_id"].nunique()
    sums = data.groupby(["groep", "after"])["y"].sum().unstack(fill_value=0)
    kept = [g for g in sizes.index if sizes[g] >= min_size and sums.loc[g].min() > 0 if {0, 1} <= set(sums.columns)]
    out: dict[str, Any] = {"groepen": {}, "chi2": None, "df": 0, "p": None}
    if len(kept) < 2:
        return out | {"reden": "minder dan twee groepen om te vergelijken"}
    data = data.loc[data["groep"].isin(kept)]
    data = data.assign(cluster=content_order(data, ["after", "y", "dagen", "groep"]))
    data = data.sort_values(["cluster", "after"], kind="stable")
    level = pd.Categorical(data["groep"], categories=sorted(kept))
    base = pd.get_dummies(level, dtype=float).to_numpy()
    design = np.column_stack([base, base * data["after"].to_numpy()[:, None]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(
            data["y"].to_numpy(float),
            design,
            family=sm.families.Poisson(),
            offset=np.log(data["dagen"].to_numpy(float)),
        ).fit(cov_type="cluster", cov_kwds={"groups": data["cluster"].to_numpy()})
    k = len(kept)
    beta, cov = np.asarray(fit.params)[k:], np.asarray(fit.cov_params())[k:, k:]
    contrast = np.column_stack([np.ones(k - 1), -np.eye(k - 1)])  # first group against each other
    diff = contrast @ beta
    v = contrast @ cov @ contrast.T
    if not (np.isfinite(diff).all() and np.isfinite(v).all()):
        return out | {"reden": "de schatting convergeerde niet"}
    stat = float(diff @ np.linalg.pinv(v) @ diff)
    out["groepen"] = {str(g): float(np.exp(b)) for g, b in zip(level.categories, beta, strict=True)}
    return out | {"chi2": stat, "df": k - 1, "p": float(scipy.stats.chi2.sf(stat, k - 1))}
