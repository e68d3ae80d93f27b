"""Frequency distributions of registrations per client, binned so that no bar stands for fewer than k clients."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Candidate bin edges for registrations per client; bins are merged until each holds 0 or at least k clients.
EDGES = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500)


def safe_bins(freq: Mapping[Any, int], k: int) -> list[tuple[str, int]]:
    """(label, clients) per bin of a per-client frequency distribution, merged so that no bin holds 1 to k-1
    clients: the tail is top-coded ('40 of meer'), so no bar stands for a single identifiable client."""
    counts = {int(v): n for v, n in freq.items() if n}
    if not counts:
        return []
    top = max(counts)
    edges = [e for e in EDGES if e <= top] or [0]
    first = min(counts)
    edges = [e for e in edges if e >= first] or [first]
    if edges[0] > first:
        edges.insert(0, first)
    bins = [[lo, None, 0] for lo in edges]  # [low, high (None: open), clients]
    for i, b in enumerate(bins):
        b[1] = bins[i + 1][0] - 1 if i + 1 < len(bins) else None
        b[2] = sum(n for v, n in counts.items() if v >= b[0] and (b[1] is None or v <= b[1]))
    bins = [b for b in bins if b[2] or b[1] is not None]
    # merge from the top: the open top bin takes lower bins until it holds at least k clients
    while len(bins) > 1 and 0 < bins[-1][2] < k:
        low = bins.pop(-2)
        bins[-1] = [low[0], None, low[2] + bins[-1][2]]
    # then from the bottom up: a bin of 1 to k-1 clients takes in the bins above it until it holds k; a small
    # remainder just below the top joins the top
    merged: list[list] = []
    for b in bins[:-1]:
        if merged and 0 < merged[-1][2] < k:
            merged[-1] = [merged[-1][0], b[1], merged[-1][2] + b[2]]
        else:
            merged.append(list(b))
    top = bins[-1]
    if merged and 0 < merged[-1][2] < k:
        low = merged.pop()
        top = [low[0], top[1], low[2] + top[2]]
    bins = [*merged, top]
    out = []
    for lo, hi, n in bins:
        if hi is None:
            label = f"{lo} of meer"
        elif lo == hi:
            label = str(lo)
        else:
            label = f"{lo}-{hi}"
        out.append((label, n))
    return out
