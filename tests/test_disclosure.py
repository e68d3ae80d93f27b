"""Disclosure control (issue 7): small groups hidden, a second one beside a lone hidden group, safe bins."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.report.disclosure import Hidden, safe_bins, suppress, suppress_matrix


def test_primary_and_secondary_suppression():
    assert suppress({"a": 12, "b": 4, "c": 7, "d": 0}, 5) == {"b": Hidden("<5"), "c": Hidden("x")}
    # two small groups hide each other; no secondary needed
    assert suppress({"a": 12, "b": 4, "c": 1}, 5) == {"b": Hidden("<5"), "c": Hidden("<5")}
    assert suppress({"a": 12, "b": 4}, 5, has_total=False) == {"b": Hidden("<5")}
    assert suppress({"a": 12, "b": 5}, 5) == {}


def test_cross_table_cells_are_protected_in_rows_and_columns():
    # B and L each have one small cell for women; the class totals are published, so each row needs a second
    # hidden cell (the men), and then the men's column holds two hidden cells too
    matrix = {"B": {"man": 5, "vrouw": 1}, "E": {"man": 120, "vrouw": 37}, "L": {"man": 7, "vrouw": 1}}
    assert suppress_matrix(matrix, 5) == {
        ("B", "vrouw"): Hidden("<5"),
        ("L", "vrouw"): Hidden("<5"),
        ("B", "man"): Hidden("x"),
        ("L", "man"): Hidden("x"),
    }
    # a lone small cell: its row and its column each get a partner, and the partners' lines are protected too
    matrix = {"A": {"man": 30, "vrouw": 2}, "E": {"man": 120, "vrouw": 37}, "F": {"man": 50, "vrouw": 20}}
    hidden = suppress_matrix(matrix, 5)
    for axis in (0, 1):
        for line in {c[axis] for c in hidden}:
            assert sum(c[axis] == line for c in hidden) != 1


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
