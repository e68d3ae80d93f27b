"""Disclosure control for everything published: no group of fewer than `min_publicatie` clients is shown.

A group (a sex, an age group, a change group, an IMK class, a code, a category, a cell of a cross table) of
1 to k-1 clients shows '<k' instead of its numbers (primary suppression). Where a table has a total, one
hidden group could be recomputed from it, so the next-smallest group is hidden too (secondary suppression,
shown as 'x'). Frequency distributions of registrations per client are binned so that no bin stands for
fewer than k clients. results.json stays exact: it is the analyst's internal file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schemas.results import Results
from schemas.vocabulary import CHANGE_CLASSES

SECONDARY = "x"


@dataclass(frozen=True)
class Hidden:
    """A suppressed cell: what the reader sees instead of the number."""

    text: str

    def __str__(self) -> str:
        return self.text


def suppress(sizes: Mapping[str, int], k: int, has_total: bool = True) -> dict[str, Hidden]:
    """The groups to hide, by name: '<k' for groups of 1 to k-1 clients; where a total is shown and only one
    group is hidden, the next-smallest group too ('x'), so the hidden one cannot be recomputed."""
    primary = {g for g, n in sizes.items() if 0 < n < k}
    hidden = {g: Hidden(f"<{k}") for g in primary}
    if has_total and len(primary) == 1:
        others = sorted((n, str(g)) for g, n in sizes.items() if g not in primary and n > 0)
        if others:
            hidden[others[0][1]] = Hidden(SECONDARY)
    return hidden


def suppress_matrix(matrix: Mapping[str, Mapping[str, int]], k: int) -> dict[tuple[str, str], Hidden]:
    """Cells (row, column) of a cross table of client counts to hide. Rows and columns both have totals shown
    elsewhere in the report, so wherever a line holds exactly one hidden cell, its smallest visible cell is hidden
    too, until no line has a lone hidden cell."""
    cells = {(row, col): n for row, line in matrix.items() for col, n in line.items() if n > 0}
    hidden: dict[tuple[str, str], Hidden] = {c: Hidden(f"<{k}") for c, n in cells.items() if n < k}
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            for line in sorted({c[axis] for c in cells}):
                members = [c for c in cells if c[axis] == line]
                lone = [c for c in members if c in hidden]
                visible = sorted((cells[c], c) for c in members if c not in hidden)
                if len(lone) == 1 and visible:
                    hidden[visible[0][1]] = Hidden(SECONDARY)
                    changed = True
    return hidden


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


class Protection:
    """Every suppression decision for one report, made once from results.json so that the tables, the figures
    and the sentences hide exactly the same groups."""

    def __init__(self, r: Results) -> None:
        k = self.k = r.settings.min_publicatie
        per = r.clients_per
        self.sex = suppress({g: v.n for g, v in r.by_sex.items()}, k)
        self.age = suppress({g: v.n for g, v in r.by_age.items()}, k)
        self.imk_class = suppress(per.imk_class, k)
        self.e_code = suppress(per.e_code, k)
        self.e_category = suppress(per.e_category, k)
        self.severity = suppress(per.severity, k)
        groups = r.change_groups
        self.change_group = suppress({g: v.n for g, v in groups.items()}, k)
        self.change = {g: suppress({c: getattr(v, c) for c in CHANGE_CLASSES}, k) for g, v in groups.items()}
        self.class_by_sex = suppress_matrix(per.class_by_sex, k)
        self.class_by_age = {(klasse, age): n for klasse, ages in per.class_by_age.items() for age, n in ages.items()}
        self.excluded = suppress(r.data_quality.clients_excluded_followup, k)

    def hidden_in(self, family: str) -> dict[str, Hidden]:
        """The hidden groups of a family of results: by_sex, by_age, e_categories or severity."""
        return {"by_sex": self.sex, "by_age": self.age, "e_categories": self.e_category, "severity": self.severity}[
            family
        ]

    def footnote(self) -> str:
        return (
            f"<{self.k}: een groep van minder dan {self.k} cliënten; om niemand herkenbaar te maken staan haar "
            f"aantallen er niet. x: niet getoond, zodat een kleine groep niet uit een totaal is af te leiden."
        )
