"""Newton's method with step halving, the one maximiser of both likelihoods (the fixed-effects Poisson's
conditional likelihood and the matched difference-in-differences' binomial one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Solution:
    theta: np.ndarray
    converged: bool
    last_step: float  # the largest absolute change of the last step taken


def maximise(
    loglik: Callable[[np.ndarray], float],
    derivatives: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    start: np.ndarray,
    max_iter: int = 100,
    tol: float = 1e-9,
) -> Solution:
    """Maximise `loglik` from `start`. `derivatives(theta)` gives the gradient and the information (minus the
    Hessian); a step that lowers the likelihood is halved until it does not (or is a millionth of a Newton step),
    so a poor start or a flat stretch cannot throw the search off. Converged when a step moves no parameter more
    than `tol`. np.linalg.LinAlgError from a singular information reaches the caller, who knows what it means."""
    theta = np.asarray(start, dtype=float)
    ll = loglik(theta)
    converged, moved = False, np.inf
    for _ in range(max_iter):
        grad, info = derivatives(theta)
        step = np.linalg.solve(info, grad)
        size = 1.0
        while True:
            candidate = theta + size * step
            ll_candidate = loglik(candidate)
            if (np.isfinite(ll_candidate) and ll_candidate >= ll - 1e-12 * abs(ll)) or size < 1e-6:
                break
            size /= 2
        theta, ll = candidate, ll_candidate
        moved = float(np.max(np.abs(size * step), initial=0.0))
        if moved < tol:
            converged = True
            break
    return Solution(theta, converged, moved)
