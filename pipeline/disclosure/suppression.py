"""Which published counts to hide: primary suppression by the threshold and dominance rules, secondary
suppression until no hidden cell can be recomputed from everything else the report shows.

The rules are those of statistical offices (and of ACRO, the SACRO project's output checker, whose nk-dominance
and threshold checks these follow; ACRO itself pins pandas 2 and works on microdata, where this stage sees only
aggregates):

- threshold: a cell of 1 to k-1 clients is hidden, and so is a count of clients with some trait when the
  clients without it are 1 to k-1 (all clients minus the count would show them);
- dominance: a registration count is hidden when one client makes more than `one` of it, or two clients more
  than `two` (the count would tell about those clients);
- secondary: in every published sum, the hidden parts together must themselves pass both rules (so 'all but
  the men' is not a group of 3), and never be a single cell; the smallest visible part is hidden until they do;
- audit: every hidden cell is then attacked with linear programming over all published sums, with what the
  reader knows ('<5' is 1 to 4; a hidden client count 'x' is at least k); a cell whose interval is narrower
  than one is exposed, and one more cell around it is hidden, until none is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from pipeline.disclosure.cells import Key, Registry

THRESHOLD = "drempel"
DOMINANCE = "dominantie"
SECONDARY = "secundair"
COMPLEMENT = "rest"


@dataclass(frozen=True)
class Decision:
    key: Key
    rule: str
    why: str

    def mark(self, k: int) -> str:
        """What the reader sees: '<k' for a group of too few clients, 'x' for any other hidden count."""
        return f"<{k}" if self.rule == THRESHOLD else "x"


def dominated(value: float, tops: tuple[float, float], one: float, two: float) -> bool:
    return value > 0 and (tops[0] > one * value or tops[0] + tops[1] > two * value)


class Suppressor:
    def __init__(self, reg: Registry, k: int, one: float, two: float) -> None:
        self.reg, self.k, self.one, self.two = reg, k, one, two
        self.hidden: dict[Key, Decision] = {}

    # --- hiding, with the cells that go with it ------------------------------------------------------------

    def hide(self, key: Key, rule: str, why: str) -> None:
        todo = [key]
        while todo:
            cell = todo.pop()
            if cell in self.hidden or cell in self.reg.unpublished:
                continue
            self.hidden[cell] = Decision(cell, rule, why if cell == key else f"hoort bij {'/'.join(key)}: {why}")
            todo += self.reg.implies.get(cell, ())

    def primary(self) -> None:
        reg, k = self.reg, self.k
        for key in sorted(reg.value):
            if key in reg.unpublished:
                continue
            clients = reg.clients.get(key)
            if clients is not None and 0 < clients < k and reg.value[key] > 0:
                self.hide(key, THRESHOLD, f"{clients} {'cliënt' if clients == 1 else 'cliënten'}, minder dan {k}")
        for key in sorted(reg.complement):
            rest = reg.complement[key]
            if key not in self.hidden and 0 < rest < k:
                self.hide(key, COMPLEMENT, f"de andere cliënten zijn er {rest}, minder dan {k}")
        for key in sorted(reg.tops):
            if key in self.hidden or key in reg.unpublished:
                continue
            value, tops = reg.value[key], reg.tops[key]
            if dominated(value, tops, self.one, self.two):
                share = tops[0] / value
                self.hide(
                    key, DOMINANCE, f"grootste cliënt {share:.0%}, twee grootste {(tops[0] + tops[1]) / value:.0%}"
                )

    # --- secondary: the hidden parts of every published sum must be safe together ------------------------------

    def _union_unsafe(self, parts: list[Key], disjoint: bool) -> str | None:
        reg = self.reg
        value = sum(reg.value[p] for p in parts)
        if len(parts) == 1:
            return "de enige verborgen cel van een getoonde som"
        with_clients = [reg.clients[p] for p in parts if p in reg.clients]
        if with_clients:
            clients = sum(with_clients) if disjoint else max(with_clients)
            if 0 < clients < self.k and value > 0:
                return f"samen {clients} cliënten, minder dan {self.k}"
        tops = [reg.tops[p] for p in parts if p in reg.tops]
        if tops and value > 0:
            if disjoint:
                largest = sorted((t for pair in tops for t in pair), reverse=True)[:2]
                pair = (largest[0], largest[1] if len(largest) > 1 else 0.0)
            else:  # a client may count in several parts: add up what each part's largest could be
                pair = (min(sum(t[0] for t in tops), value), min(sum(t[1] for t in tops), value))
            if dominated(value, pair, self.one, self.two):
                return "samen gedomineerd door een of twee cliënten"
        return None

    def _smallest_visible(self, cells: Iterable[Key]) -> Key | None:
        # a summary (the severity score) goes before a count: it tells the reader less than the count would
        candidates = sorted(
            (self.reg.kind[c] != "score", self.reg.value[c], c)
            for c in cells
            if c not in self.hidden and c not in self.reg.unpublished
        )
        positive = [c for _, v, c in candidates if v > 0]
        return positive[0] if positive else None

    def secondary(self) -> None:
        changed = True
        while changed:
            changed = False
            for rel in self.reg.relations:
                if rel.total in self.hidden or rel.total in self.reg.unpublished:
                    continue
                parts = [p for p in rel.parts if p in self.hidden and self.reg.value[p] > 0]
                if not parts:
                    continue
                reason = self._union_unsafe(parts, rel.disjoint)
                if reason is None:
                    continue
                extra = self._smallest_visible(rel.parts)
                target = extra if extra is not None else rel.total
                self.hide(target, SECONDARY, f"{reason} in {'/'.join(rel.total)}")
                changed = True

    # --- audit: can a hidden cell be recomputed from everything that is shown? --------------------------------

    def exposed(self) -> list[tuple[Key, float, float]]:
        return exposure(self.reg, self.hidden, self.k)

    def run(self) -> dict[Key, Decision]:
        self.primary()
        for _ in range(len(self.reg.value)):
            self.secondary()
            open_cells = self.exposed()
            if not open_cells:
                return self.hidden
            key = open_cells[0][0]
            extra = self._nearest_visible(key)
            if extra is None:
                break
            self.hide(extra, SECONDARY, f"anders is {'/'.join(key)} te berekenen uit de andere getallen")
        return self.hidden

    def _nearest_visible(self, key: Key) -> Key | None:
        """The smallest visible cell in the sums around `key`, going out through hidden cells until one is found."""
        seen, frontier = {key}, {key}
        while frontier:
            around = {
                c for rel in self.reg.relations if frontier & {rel.total, *rel.parts} for c in (rel.total, *rel.parts)
            }
            extra = self._smallest_visible(around)
            if extra is not None:
                return extra
            frontier = {c for c in around - seen if c in self.hidden or c in self.reg.unpublished}
            seen |= around
        return None


def _bounds(reg: Registry, hidden: dict[Key, Decision], key: Key, k: int) -> tuple[float, float | None]:
    """What a reader knows of a hidden cell. A client count shown as '<k' is 0 to k-1 (1 to k-1 for the group
    itself); one shown as 'x' is at least k, for every count of 1 to k-1 clients says '<k' (a hidden zero, in a
    hidden group, is only known to be at least 0); any registration count is at least 0. Where this grants the
    attacker more than the reader really knows, the check is only the stricter for it."""
    if key not in hidden or reg.kind[key] != "clients":
        return (0.0, None)
    value = reg.value[key]
    if hidden[key].rule == THRESHOLD:
        return (1.0 if 0 < reg.clients.get(key, 0) < k else 0.0, float(k - 1))
    return (float(k), None) if value >= k else (0.0, None)


def exposure(reg: Registry, hidden: dict[Key, Decision], k: int) -> list[tuple[Key, float, float]]:
    """Every hidden cell whose value the published numbers pin down to an interval narrower than 1:
    (cell, lowest, highest) by linear programming over every relation."""
    unknown = sorted({*hidden, *reg.unpublished})
    if not hidden:
        return []
    index = {key: i for i, key in enumerate(unknown)}
    rows, rhs = [], []
    for rel in reg.relations:
        cells = (rel.total, *rel.parts)
        if not any(c in index for c in cells):
            continue
        row = np.zeros(len(unknown))
        known = 0.0
        for c, sign in [(rel.total, -1.0), *zip(rel.parts, rel.coefficients(), strict=True)]:
            if c in index:
                row[index[c]] += sign
            else:
                known += sign * reg.value[c]
        rows.append(row)
        rhs.append(-known)
    if not rows:
        return []
    a_eq, b_eq = np.array(rows), np.array(rhs)
    bounds = [_bounds(reg, hidden, key, k) for key in unknown]
    out = []
    for key in sorted(hidden):
        i = index[key]
        c = np.zeros(len(unknown))
        c[i] = 1.0
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if low.status != 0:  # the true values always fit, and every bound is at least 0
            raise RuntimeError(f"disclosure audit: no solution for {key} ({low.message})")
        top = np.inf if high.status == 3 else -high.fun
        lo, hi = bounds[i]
        known_before = (hi if hi is not None else np.inf) - lo  # with k <= 2, '<k' alone says 1
        if top - low.fun < 1 - 1e-6 and known_before >= 1:
            out.append((key, float(low.fun), float(top)))
    return out


def suppress_all(reg: Registry, k: int, one: float, two: float) -> dict[Key, Decision]:
    return Suppressor(reg, k, one, two).run()
