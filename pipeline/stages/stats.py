"""The paired tests of SPEC §5, in one place: Wilcoxon signed-rank, rank-biserial correlation, Holm."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.stats
from statsmodels.stats.multitest import multipletests

ALL_PAIRS_EQUAL = "alle paren gelijk: de toets is niet gedefinieerd"


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def rank_biserial(before: np.ndarray, after: np.ndarray) -> float | None:
    """Matched-pairs rank-biserial correlation (Kerby 2014) of d = before - after, zero differences dropped
    as scipy's default does: (R+ - R-) / (R+ + R-); +1 means every client has fewer registrations after."""
    d = np.asarray(before, dtype=float) - np.asarray(after, dtype=float)
    d = d[d != 0]
    if d.size == 0:
        return None
    ranks = scipy.stats.rankdata(np.abs(d))
    return float((ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum())


def wilcoxon(before: np.ndarray, after: np.ndarray) -> dict[str, Any]:
    """Two-sided Wilcoxon signed-rank test with scipy's defaults; p is None when every pair is equal."""
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    nonzero = int(np.count_nonzero(before != after))
    result: dict[str, Any] = {"n": len(before), "n_ongelijk": nonzero, "statistic": None, "p": None}
    if nonzero == 0:
        result["reden"] = ALL_PAIRS_EQUAL
        return result
    test = scipy.stats.wilcoxon(before, after)
    result["statistic"] = _finite(test.statistic)
    result["p"] = _finite(test.pvalue)
    return result


def holm(p_values: list[float]) -> list[float]:
    """Holm-adjusted p-values (statsmodels' default method is Holm-Sidak, so the method is named)."""
    if not p_values:
        return []
    return [float(p) for p in multipletests(p_values, method="holm")[1]]


def paired_test(before, after) -> dict[str, Any]:
    """The Wilcoxon test of SPEC §5 with its rank-biserial effect size, as results.json writes them."""
    before, after = np.asarray(before), np.asarray(after)
    test = wilcoxon(before, after)
    out = {"wilcoxon": {k: test[k] for k in ("statistic", "p", "n", "n_ongelijk")}}
    if "reden" in test:
        out["wilcoxon"]["reden"] = test["reden"]
    out["rank_biserial"] = rank_biserial(before, after)
    return out
