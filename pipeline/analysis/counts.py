"""Per-client counts: the table every other part of the analysis is computed from."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from pipeline.config.settings import Settings
from pipeline.stages.align import period_of
from pipeline.stages.change_groups import change_class, change_group
from pipeline.stages.rates import DAYS_PER_MONTH
from schemas.vocabulary import (
    E_CLASS,
    PERIODS,
)


def age_groups(ages: pd.Series, settings: Settings) -> pd.Categorical:
    bins = [-np.inf, *settings.age_bounds, np.inf]
    return pd.cut(ages, bins=bins, right=False, labels=list(settings.age_labels)).array


def _tally(rows: np.ndarray, columns: np.ndarray, n_rows: int, n_columns: int, weights=None) -> np.ndarray:
    """rows x columns table of counts (or weight sums) from two code arrays; codes < 0 are left out."""
    keep = (rows >= 0) & (columns >= 0)
    flat = rows[keep] * n_columns + columns[keep]
    w = None if weights is None else np.asarray(weights, dtype=float)[keep]
    return np.bincount(flat, weights=w, minlength=n_rows * n_columns).reshape(n_rows, n_columns)


def client_counts(used: pd.DataFrame, clients: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One row per compared client: counts per window and period, E counts, severity scores, groups.

    Clients of the comparison with no registration count with zeros (SPEC §3).
    """
    compared = clients.loc[clients["vergeleken"]].set_index("client_id").sort_index()
    index = compared.index
    n = len(index)
    client = index.get_indexer(used["client_id"])
    window = np.asarray(used["venster"].cat.codes)
    period = np.asarray(period_of(used["venster"].array).codes)
    is_e = (used["klasse"] == E_CLASS).to_numpy()

    by_window = _tally(client, window, n, len(settings.windows))
    by_period = _tally(client, period, n, len(PERIODS))
    e_period = _tally(np.where(is_e, client, -1), period, n, len(PERIODS))
    score = _tally(client, period, n, len(PERIODS), used["gewicht"].to_numpy())

    out = pd.DataFrame(index=index)
    for i, w in enumerate(settings.windows):
        out[w] = by_window[:, i].astype("int64")
    for i, p in enumerate(PERIODS):
        out[p] = by_period[:, i].astype("int64")
    out["totaal"] = by_period.sum(axis=1).astype("int64")
    out["e_totaal"] = e_period.sum(axis=1).astype("int64")
    for i, p in enumerate(PERIODS):
        out[f"e_{p}"] = e_period[:, i].astype("int64")
    out["score_voor"] = score[:, PERIODS.index("voor")]
    out["score_na"] = score[:, PERIODS.index("na")]
    out["geslacht"] = compared["geslacht"]
    out["ico_type"] = compared["ico_type"].fillna("").replace("", UNKNOWN_TYPE)
    out["duur_maanden"] = ((compared["ico_eind"] - compared["ico_start"]).dt.days + 1) / DAYS_PER_MONTH
    out["leeftijd"] = compared["leeftijd"]
    out["leeftijdsgroep"] = age_groups(compared["leeftijd"], settings)
    out["verandergroep"] = change_group(out["voor"], settings)
    out["verandering"] = change_class(out["voor"], out["na"], settings)
    return out


def duration_groups(months: pd.Series) -> pd.Series:
    """Three groups of about equal size by ICO duration, cut at whole months (so the labels say exactly who is
    in them): 'korter dan a mnd', 'a tot b mnd', 'b mnd of langer'. Fewer groups when the cut points coincide."""
    cuts = sorted({round(q) for q in months.quantile([1 / 3, 2 / 3]).to_numpy() if np.isfinite(q)})
    cuts = [c for c in cuts if (months < c).any() and (months >= c).any()]
    if not cuts:
        return pd.Series(pd.Categorical(["alle duren"] * len(months)), index=months.index)
    labels = [f"korter dan {cuts[0]} mnd"]
    labels += [f"{lo} tot {hi} mnd" for lo, hi in itertools.pairwise(cuts)]
    labels.append(f"{cuts[-1]} mnd of langer")
    codes = np.searchsorted(np.array(cuts, dtype=float), months.to_numpy(), side="right")
    return pd.Series(pd.Categorical.from_codes(codes, labels), index=months.index)


UNKNOWN_TYPE = "onbekend"  # the ICO type of a client whose row in the client list leaves it empty


def mean(values: pd.Series) -> float | None:
    """The mean, correctly rounded whatever the order of the values (math.fsum): pseudonymised ids, which
    reorder the clients, must not change a digit."""
    return math.fsum(values.to_numpy(dtype=float)) / len(values) if len(values) else None
