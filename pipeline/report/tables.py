"""What the chapters' tables share: labels, the marks of hidden cells and their notes, and the builders of tables
that several chapters use. Every table is computed from results.json alone, with disclosure control: groups of
fewer than `min_publicatie` clients are hidden (pipeline/disclosure/)."""

from __future__ import annotations

from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import nl_pct
from pipeline.formatting.table import Hidden, Table
from schemas.results import Results

SEX_LABELS = {"man": "Man", "vrouw": "Vrouw", "onbekend": "Onbekend"}


SMALL_GROUPS = "Overige (niet apart getoond)"


CHANGE_NOTE = "Verandering: het aantal na het ICO vergeleken met het aantal ervoor; − is een daling, + een stijging."


def change_labels(r: Results) -> dict[str, str]:
    """The change classes as the settings draw them (veranderingsgroepen.kleine_afname_tot, grote_afname_vanaf);
    the first class holds the clients whose count stayed the same too."""
    small, large = (nl_pct(v * 100, 0) for v in (r.settings.kleine_afname_tot, r.settings.grote_afname_vanaf))
    return {
        "toegenomen": "Toegenomen",
        "afname_0_10": f"Gelijk of gedaald met hooguit {small}",
        "afname_11_50": f"Gedaald met meer dan {small}, minder dan {large}",
        "afname_50_plus": f"Gedaald met {large} of meer",
    }


def masked_row(row: list[Any], mark: Hidden | None) -> list[Any]:
    """A row with every number replaced by the suppression mark; the label stays."""
    if mark is None:
        return row
    return [row[0], *(v if isinstance(v, str) else mark for v in row[1:])]


def hidden_notes(p: Protection, *hidden: dict) -> list[str]:
    return [p.footnote()] if any(hidden) else []


def group_labels(family: str) -> dict[str, str]:
    return SEX_LABELS if family == "by_sex" else {}


def merge_hidden(counts: dict[str, int], hidden: dict[str, Hidden]) -> dict[str, int]:
    """Counts with the hidden groups merged into one 'Overige' group, which then holds at least two of them."""
    shown = {k: n for k, n in counts.items() if k not in hidden}
    merged = sum(n for k, n in counts.items() if k in hidden)
    if merged:
        shown[SMALL_GROUPS] = merged
    return shown


def ratio_table(table_id: str, title: str, first: tuple[str, str], rows: list[list], note: str) -> Table:
    """A table of rate ratios with their 95% intervals, one row per first-column value."""
    return Table(
        table_id,
        title,
        [first[0], "Verhouding", "95%-interval van", "95%-interval tot"],
        [first[1], "dec2", "dec2", "dec2"],
        rows,
        notes=[note],
    )
