"""Planning the next edition: how many clients a study like this one needs to see a given change."""

from __future__ import annotations

import math

from scipy import stats

Z95 = float(stats.norm.ppf(0.975))
PLANNED_RATIOS = (0.9, 0.8, 0.7)


def se_from_interval(irr: float | None, low: float | None, high: float | None) -> float | None:
    """The standard error of log(irr) that a 95% interval on the log scale implies."""
    if irr is None or low is None or high is None or low <= 0:
        return None
    return (math.log(high) - math.log(low)) / (2 * Z95)


def clients_needed(se: float, n: int, irr: float, alpha: float, power: float) -> int:
    """Clients for a two-sided test of log(irr) at `alpha` with `power`, if the standard error falls as 1/√n
    from this run's: n·(se·(z₁₋α/₂ + z_power) / |log irr|)²."""
    sigma = se * math.sqrt(n)
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return math.ceil((sigma * z / abs(math.log(irr))) ** 2)
