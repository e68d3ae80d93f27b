"""Planning the next edition: how many clients a study like this one needs to see a given change."""

from __future__ import annotations

import math

from pipeline.estimation.intervals import se_from_interval as _se
from pipeline.estimation.intervals import z_for_power

PLANNED_RATIOS = (0.9, 0.8, 0.7)


def se_from_interval(irr: float | None, low: float | None, high: float | None) -> float | None:
    """The standard error of log(irr) that a 95% interval on the log scale implies."""
    return None if irr is None else _se(low, high)


def clients_needed(se: float, n: int, irr: float, alpha: float, power: float) -> int:
    """Clients for a two-sided test of log(irr) at `alpha` with `power`, if the standard error falls as 1/√n
    from this run's: n·(se·(z₁₋α/₂ + z_power) / |log irr|)²."""
    sigma = se * math.sqrt(n)
    z = z_for_power(alpha, power)
    return math.ceil((sigma * z / abs(math.log(irr))) ** 2)
