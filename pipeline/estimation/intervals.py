"""The level of every interval in one place: each estimator's 95% interval, the standard error read back from an
interval, and the z of a planned test."""

from __future__ import annotations

import math

import scipy.stats

CONFIDENCE = 0.95
Z = float(scipy.stats.norm.ppf(0.5 + CONFIDENCE / 2))


def se_from_interval(low: float | None, high: float | None) -> float | None:
    """The standard error of the log rate ratio that an interval on the log scale implies."""
    if low is None or high is None or low <= 0:
        return None
    return (math.log(high) - math.log(low)) / (2 * Z)


def z_for_power(alpha: float, power: float) -> float:
    """z_{1-alpha/2} + z_power: how many standard errors a two-sided test at `alpha` needs to find an effect with
    probability `power`."""
    return float(scipy.stats.norm.ppf(1 - alpha / 2) + scipy.stats.norm.ppf(power))
