"""Disclosure control: threshold and dominance rules, secondary suppression no recomputation breaks, safe bins."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipeline.disclosure.cells import Registry
from pipeline.disclosure.safe_bins import safe_bins
from pipeline.disclosure.suppression import exposure, suppress_all


def _one_way(sizes: dict[str, int], regs: dict[str, tuple[float, float, float]] | None = None) -> Registry:
    """A family of client groups with its total, as _groups registers sex or age; regs: (count, top1, top2)."""
    reg = Registry()
    reg.add(("n",), sum(sizes.values()), "clients", "t", clients=sum(sizes.values()))
    reg.add(("reg", "totaal"), sum(v[0] for v in (regs or {}).values()), "registraties", "t")
    for g, n in sizes.items():
        cells = [reg.add(("sex", g, "n"), n, "clients", "by_sex", clients=n)]
        if regs:
            count, one, two = regs[g]
            cells.append(reg.add(("sex", g, "totaal"), count, "registraties", "by_sex", clients=n, tops=[one, two]))
        reg.together(tuple(cells))
    reg.relate(("n",), [("sex", g, "n") for g in sizes], disjoint=True)
    if regs:
        reg.relate(("reg", "totaal"), [("sex", g, "totaal") for g in sizes], disjoint=True)
    return reg


def _marks(reg: Registry, k: int = 5) -> dict[str, str]:
    return {key[1]: d.mark(k) for key, d in suppress_all(reg, k, 0.5, 0.8).items() if key[-1] == "n"}


def test_primary_and_secondary_suppression():
    assert _marks(_one_way({"a": 12, "b": 4, "c": 7, "d": 0})) == {"b": "<5", "c": "x"}
    assert _marks(_one_way({"a": 12, "b": 5})) == {}
    # two small groups of 4 and 1: together 5 clients, so showing 'a' and the total is safe
    assert _marks(_one_way({"a": 12, "b": 4, "c": 1})) == {"b": "<5", "c": "<5"}


def test_the_hidden_groups_together_must_not_be_a_small_group():
    """The issue's case: 161 men, 2 women, 1 unknown. Men and the total give 'not man' = 3 clients back, so the
    men cannot be shown either."""
    assert _marks(_one_way({"man": 161, "vrouw": 2, "onbekend": 1})) == {"man": "x", "vrouw": "<5", "onbekend": "<5"}


def test_a_count_made_by_one_client_is_hidden():
    # 40 registrations of 20 clients, one client has 25 of them (62%): dominated, though the group is large
    reg = _one_way({"a": 20, "b": 30, "c": 25}, {"a": (40, 25, 2), "b": (90, 9, 8), "c": (70, 10, 9)})
    assert _marks(reg) == {"a": "x", "c": "x"}  # and the next-smallest, or 'a' follows from the total


def test_two_hidden_groups_that_one_client_dominates_together_take_a_third():
    # a and b are each dominated; together (30 registrations) the largest client still has 20 of them, so the
    # sum 'total - c - d' would be dominated: one more group is hidden
    reg = _one_way(
        {"a": 10, "b": 10, "c": 40, "d": 50},
        {"a": (22, 20, 1), "b": (8, 5, 1), "c": (100, 5, 5), "d": (200, 6, 6)},
    )
    marks = _marks(reg)
    assert {"a", "b"} <= set(marks) and len(marks) == 3


def _weighted(score: bool) -> Registry:
    """Registrations by severity (licht 100, middel 30, zwaar 12, zwaar dominated) with their total and,
    if `score`, the severity score 1*licht + 2*middel + 3*zwaar = 196 beside them."""
    reg = Registry()
    counts, tops = {"licht": 100, "middel": 30, "zwaar": 12}, {"licht": (5, 4), "middel": (3, 3), "zwaar": (9, 1)}
    for sev, n in counts.items():
        reg.add(("sev", sev), n, "registraties", "severity", clients=20, tops=list(tops[sev]))
    reg.add(("reg",), 142, "registraties", "t")
    reg.relate(("reg",), [("sev", s) for s in counts], disjoint=False)
    if score:
        reg.add(("score",), 196, "score", "severity_score")
        reg.relate(("score",), [("sev", s) for s in counts], disjoint=False, weights=[1, 2, 3])
    return reg


def test_a_weighted_sum_is_one_more_equation_and_the_score_is_hidden_first():
    """By hand: zwaar (12) is dominated; the total hides middel (30) with it, as the smallest other part. With the
    score, 30 + 12 = 42 and 2*30 + 3*12 = 96 give both back: one more cell must go, and the score is the one
    whose loss tells the reader least."""
    plain = suppress_all(_weighted(False), 5, 0.5, 0.8)
    assert set(plain) == {("sev", "zwaar"), ("sev", "middel")}
    reg = _weighted(True)
    assert [key for key, _, _ in exposure(reg, plain, 5)] == [("sev", "middel"), ("sev", "zwaar")]
    hidden = suppress_all(reg, 5, 0.5, 0.8)
    assert set(hidden) == {("sev", "zwaar"), ("sev", "middel"), ("score",)}
    assert exposure(reg, hidden, 5) == []


def _cross(matrix: dict[str, dict[str, int]]) -> Registry:
    """Client counts in a cross table whose row and column totals are published."""
    reg = Registry()
    for row, line in matrix.items():
        for col, n in line.items():
            reg.add(("cell", row, col), n, "clients", "x", clients=n)
        reg.add(("row", row), sum(line.values()), "clients", "x", clients=sum(line.values()))
        reg.relate(("row", row), [("cell", row, col) for col in line], disjoint=True)
    cols = sorted({c for line in matrix.values() for c in line})
    for col in cols:
        total = sum(line.get(col, 0) for line in matrix.values())
        reg.add(("col", col), total, "clients", "x", clients=total)
        reg.relate(("col", col), [("cell", row, col) for row in matrix], disjoint=True)
    return reg


def test_cross_table_cells_are_protected_in_rows_and_columns():
    matrix = {"B": {"man": 5, "vrouw": 1}, "E": {"man": 120, "vrouw": 37}, "L": {"man": 7, "vrouw": 1}}
    hidden = suppress_all(_cross(matrix), 5, 0.5, 0.8)
    cells = {key[1:]: d.mark(5) for key, d in hidden.items() if key[0] == "cell"}
    # B and L each have one woman: the rows need a second hidden cell (the men); and the women's column would
    # give 'B + L = 2 women' back, each at least 1, so exactly 1: the largest other woman's cell (E) goes too,
    # and with it E's men
    assert cells == {
        ("B", "vrouw"): "<5",
        ("L", "vrouw"): "<5",
        ("B", "man"): "x",
        ("L", "man"): "x",
        ("E", "vrouw"): "x",
        ("E", "man"): "x",
    }


cross_tables = st.dictionaries(
    st.sampled_from("ABCDEF"),
    st.dictionaries(st.sampled_from(["man", "vrouw", "onbekend"]), st.integers(0, 40), min_size=1),
    min_size=1,
    max_size=6,
)


def _determined(reg: Registry, hidden: set) -> list:
    """Independent of the pipeline's audit: a hidden cell is recomputable when its unit vector lies in the row
    space of the published sums restricted to the unknowns (exact linear algebra, no bounds)."""
    unknown = sorted(hidden | reg.unpublished)
    index = {k: i for i, k in enumerate(unknown)}
    rows = []
    for rel in reg.relations:
        row = np.zeros(len(unknown))
        for key, sign in [(rel.total, -1.0), *[(p, 1.0) for p in rel.parts]]:
            if key in index:
                row[index[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return sorted(hidden)
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    out = []
    for key in hidden:
        extended = np.vstack([a, np.eye(len(unknown))[index[key]]])
        if np.linalg.matrix_rank(extended) == rank:
            out.append(key)
    return out


@hsettings(max_examples=300, deadline=None)
@given(cross_tables, st.integers(3, 10))  # with k = 2, "<2" itself says 1
def test_no_hidden_cell_of_a_cross_table_can_be_recomputed(matrix, k):
    assume(sum(n for line in matrix.values() for n in line.values()) >= 2 * k)  # else no report: Protection refuses
    reg = _cross(matrix)
    hidden = suppress_all(reg, k, 0.5, 0.8)
    open_cells = exposure(reg, hidden, k)
    if open_cells:
        # only when nothing around the exposed cells is left to hide: then Protection refuses the report (exit 2)
        event("refused")
        reached, frontier = set(), {key for key, _, _ in open_cells}
        while frontier:
            reached |= frontier
            frontier = {
                c for rel in reg.relations if reached & {rel.total, *rel.parts} for c in (rel.total, *rel.parts)
            }
            frontier -= reached
        assert not [key for key in reached if reg.value[key] > 0 and key not in hidden]
        return
    assert not _determined(reg, {key for key, d in hidden.items() if reg.value[key] > 0})
    for key, value in reg.value.items():  # every small cell is hidden, and shown as '<k'
        if 0 < value < k:
            assert hidden[key].mark(k) == f"<{k}"


def test_safe_bins_by_hand():
    freq = {1: 6, 2: 7, 3: 2, 4: 2, 5: 1, 8: 9, 30: 1, 60: 2, 146: 1}
    bins = safe_bins(freq, 5)
    # 3 and 4 and 5 merge into 3-5 (5 clients); 6-7 is empty; the tail from 30 up holds 4 clients, so it takes
    # the bins below it down to 8 (9 clients): '8 of meer' with 13
    assert bins == [("1", 6), ("2", 7), ("3-5", 5), ("6", 0), ("7", 0), ("8 of meer", 13)]


@given(st.dictionaries(st.integers(0, 400), st.integers(1, 30), min_size=1, max_size=40), st.integers(2, 10))
def test_safe_bins_never_show_a_small_group_and_lose_nobody(freq, k):
    bins = safe_bins(freq, k)
    total = sum(freq.values())
    assert sum(n for _, n in bins) == total
    if total >= k:
        assert all(n == 0 or n >= k for _, n in bins)


# --- the boundaries of the primary rules, each pinned from both sides -----------------------------------------


def _role_holders(n_clients: int, with_role: int) -> Registry:
    """'Clients with at least one registration as suspect': all clients minus them are the clients without."""
    reg = Registry()
    reg.add(("n",), n_clients, "clients", "totaal", clients=n_clients)
    key = reg.add(("rolc", "verdachte"), with_role, "clients", "by_role", clients=with_role)
    reg.complement[key] = n_clients - with_role
    return reg


def test_a_role_held_by_all_but_four_clients_is_hidden():
    hidden = suppress_all(_role_holders(20, 16), 5, 0.5, 0.8)
    assert set(hidden) == {("rolc", "verdachte")}
    assert hidden[("rolc", "verdachte")].rule == "rest" and hidden[("rolc", "verdachte")].mark(5) == "x"


def test_a_role_held_by_all_but_five_or_by_all_is_shown():
    assert suppress_all(_role_holders(20, 15), 5, 0.5, 0.8) == {}
    assert suppress_all(_role_holders(20, 20), 5, 0.5, 0.8) == {}  # nobody without the role: nobody revealed


def test_dominance_is_more_than_the_limit_not_the_limit_itself():
    from pipeline.disclosure.suppression import dominated

    # one client exactly half of 10 registrations, or the two largest exactly 80%: not dominated
    assert not dominated(10, (5, 2), 0.5, 0.8)
    assert not dominated(10, (4, 4), 0.5, 0.8)
    # one registration more for the largest client, or for the second: dominated
    assert dominated(10, (6, 0), 0.5, 0.8)
    assert dominated(10, (5, 4), 0.5, 0.8)
    assert not dominated(0, (0, 0), 0.5, 0.8)


def test_a_group_at_exactly_the_dominance_limit_is_published():
    reg = _one_way({"a": 20, "b": 30}, {"a": (10, 5, 3), "b": (40, 20, 12)})  # 50% and 80% exactly
    assert _marks(reg) == {}
    reg = _one_way({"a": 20, "b": 30}, {"a": (10, 5, 3), "b": (40, 20, 13)})  # the two largest 82.5%
    assert _marks(reg) == {"a": "x", "b": "x"}
