"""What the chapters' figures share: their specifications (a chapter lists its figures as these), the bar charts
several chapters draw, and writing them. Every figure is computed from results.json alone, in one house style.

House style: the Okabe-Ito palette (safe for colour-blind readers), hatching where series stand side by side so
the figure still reads in black and white, Dutch labels and number formats, values written on the bars.
Files are byte-identical run after run: fixed SVG hash salt and no dates or software names in the metadata.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from pipeline.disclosure.protection import Protection
from pipeline.disclosure.safe_bins import safe_bins
from pipeline.formatting.numbers import nl_decimal, nl_int, nl_pct, share
from pipeline.formatting.table import Hidden
from pipeline.report.chart import HATCHES, PALETTE, PERIOD_COLOURS, Chart
from pipeline.report.chart import save as _save
from pipeline.report.tables import SEX_LABELS
from schemas.results import Results
from schemas.vocabulary import PERIODS

AGE_AXIS = "Leeftijd bij de start van het ICO"


@dataclass(frozen=True, kw_only=True)
class FigureSpec:
    """What one figure of the report shows: its id (the file name), title and caption."""

    id: str
    title: str = ""
    caption: str = ""

    def make(self, r: Results, p: Protection) -> Chart:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class GroupCounts(FigureSpec):
    """A bar per group (sex or age group) of one count: clients (n) or registrations (totaal)."""

    family: Family
    field: Literal["n", "totaal"]
    what: str
    xlabel: str = ""

    def make(self, r: Results, p: Protection) -> Chart:
        return group_counts(r, p, self)


@dataclass(frozen=True, kw_only=True)
class Frequency(FigureSpec):
    """How many clients have how many registrations, in bins of at least k clients."""

    distribution: Literal["registraties_per_client", "e_registraties_per_client"]
    what: str

    def make(self, r: Results, p: Protection) -> Chart:
        return frequency_chart(r, p, self)


@dataclass(frozen=True, kw_only=True)
class PeriodBars(FigureSpec):
    """A group's registrations in some of the periods (voor, tijdens, na), a bar per period side by side:
    before and after per sex or age group, or before, during and after per E-category or severity."""

    family: Family
    periods: tuple[str, ...] = PERIODS
    alt: str  # what the bars are, for the alt text
    per_month: bool = False  # registrations per client per month: for periods of different length

    def make(self, r: Results, p: Protection) -> Chart:
        return period_bars(r, p, self)


@dataclass(frozen=True, kw_only=True)
class Drawn(FigureSpec):
    """A figure with a drawing of its own (its function sets id, title and caption)."""

    draw: Callable[[Results, Protection], Chart | None]

    def make(self, r: Results, p: Protection) -> Chart:
        return self.draw(r, p)


Family = Literal["by_sex", "by_age", "by_ico_type", "ico_duur", "e_categories", "severity", "by_role"]


def family_values(r: Results, p: Protection, family: Family) -> tuple[dict, dict[str, Hidden], dict[str, str]]:
    """A family of groups in the results: its groups, the ones disclosure control hides, their labels."""
    groups = (r.ico_duur.groepen if r.ico_duur else {}) if family == "ico_duur" else getattr(r, family)
    return groups, p.hidden_in(family), SEX_LABELS if family == "by_sex" else {}


def frequency_figure(title: str, freq: dict[str, int], xlabel: str, k: int) -> tuple[Figure, str]:
    """Bars of clients per number of registrations, in bins of none or at least k clients (disclosure.safe_bins)."""
    bins = safe_bins(freq, k)
    labels, counts = [b[0].replace(" of meer", "+") for b in bins], [b[1] for b in bins]
    fig, ax = plt.subplots(figsize=(8, 3.4))
    bars = ax.bar(range(len(labels)), counts, color=PALETTE[0])
    label_bars(ax, bars, [nl_int(v) for v in counts])
    ax.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 14 else 0)
    integer_axis(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Aantal cliënten")
    ax.margins(y=0.15)
    ax.set_title(title)
    mode = labels[max(range(len(counts)), key=lambda i: (counts[i], -i))]
    return fig, mode


def grouped_bars(
    title: str,
    groups: list[str],
    series: dict[str, list[float]],
    ylabel: str,
    xlabel: str = "",
    percent: bool = False,
    colours: list[str] | None = None,
    shown: Callable[[float], str] = nl_int,
) -> Figure:
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    n = len(series)
    width = 0.8 / max(n, 1)
    for k, (name, values) in enumerate(series.items()):
        xs = [i + (k - (n - 1) / 2) * width for i in range(len(groups))]
        colour = (colours or PALETTE)[k % len(PALETTE)]
        bars = ax.bar(
            xs,
            values,
            width,
            label=name,
            color=colour,
            hatch=HATCHES[k % len(HATCHES)],
            edgecolor="white",
            linewidth=0.5,
        )
        texts = [nl_pct(v, 0) if percent else shown(v) for v in values]
        label_bars(ax, bars, texts)
    ax.set_xticks(range(len(groups)), [textwrap.fill(g, 12) for g in groups])
    if percent:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_pct(v, 0)))
    elif shown is nl_int:
        integer_axis(ax)
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_decimal(v, 1)))
    ax.set_ylabel(ylabel)
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.margins(y=0.15)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title)
    return fig


def integer_axis(ax, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(integer=True))
    target.set_major_formatter(FuncFormatter(lambda v, _: nl_int(v)))


def label_bars(ax, bars, texts: list[str], horizontal: bool = False) -> None:
    for bar, text in zip(bars, texts, strict=True):
        if horizontal:
            ax.annotate(
                text,
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
            )
        else:
            ax.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8.5,
            )


def left_out_note(hidden: dict, k: int) -> str:
    """Why groups are missing, true to the marks the tables show for them."""
    marks = {str(m) for m in hidden.values()}
    reasons = []
    if f"<{k}" in marks:
        reasons.append(f"groepen van minder dan {k} cliënten")
    if "x" in marks:
        reasons.append(
            "groepen die ook in de tabel niet getoond worden (x: één of twee cliënten hebben het grootste deel van "
            "hun registraties, of ze zouden een verborgen groep verraden)"
        )
    return f" Weggelaten: {' en '.join(reasons)}." if reasons else ""


def name_bars(bars, labels: list[str]) -> None:
    for bar, label in zip(bars, labels, strict=True):
        bar.set_gid(bar_id(label))


def simple_bars(
    title: str,
    labels: list[str],
    values: list[int],
    xlabel: str,
    ylabel: str,
    horizontal: bool = False,
    total: float | None = None,
) -> Figure:
    """Bars with their values, and with `total` (of all groups, the hidden ones included, as the tables count it)
    each bar's share of it."""
    texts = [f"{nl_int(v)} ({nl_pct(share(v, total))})" if total is not None else nl_int(v) for v in values]
    fig, ax = plt.subplots(figsize=(7, 3.4 if not horizontal else max(2.5, 0.38 * len(labels) + 1)))
    if horizontal:
        bars = ax.barh(labels[::-1], values[::-1], color=PALETTE[0])
        name_bars(bars, labels[::-1])
        label_bars(ax, bars, texts[::-1], horizontal=True)
        integer_axis(ax, "x")
        ax.set_xlabel(ylabel)
        ax.margins(x=0.18)
    else:
        bars = ax.bar(labels, values, color=PALETTE[0])
        name_bars(bars, labels)
        label_bars(ax, bars, texts)
        integer_axis(ax)
        ax.set_ylabel(ylabel)
        ax.set_xlabel(xlabel)
        ax.margins(y=0.15)
    ax.set_title(title)
    return fig


def bar_id(label: str) -> str:
    """The SVG id of a group's bar ('staaf-18-25'), so the file says which groups it draws (text is paths)."""
    return "staaf-" + (re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-") or "leeg")


def frequency_chart(r: Results, p: Protection, spec: Frequency) -> Chart:
    what = spec.what
    fig, mode = frequency_figure(
        spec.title, getattr(r.distributions, spec.distribution), f"Aantal {what} per cliënt", p.k
    )
    return Chart(
        spec.id,
        f"Hoeveel cliënten hoeveel {what} hebben (alle vijf perioden). Aantallen zijn samengevoegd tot elke "
        f"staaf minstens {p.k} cliënten telt, zodat geen staaf voor één cliënt staat.",
        f"Staafdiagram van de frequentieverdeling van het aantal {what} per cliënt; de hoogste staaf is bij {mode}.",
        *_save(fig),
    )


def group_counts(r: Results, p: Protection, spec: GroupCounts) -> Chart:
    """Small groups are left out, and the caption says so."""
    all_groups, hidden, labels = family_values(r, p, spec.family)
    groups = {k: g for k, g in all_groups.items() if k not in hidden}
    names = [labels.get(k, k) for k in groups]
    values = [getattr(g, spec.field) for g in groups.values()]
    total = sum(getattr(g, spec.field) for g in all_groups.values())
    fig = simple_bars(spec.title, names, values, spec.xlabel, f"Aantal {spec.what}", total=total)
    parts = ", ".join(f"{n}: {nl_int(v)}" for n, v in zip(names, values, strict=True))
    return Chart(
        spec.id,
        spec.caption + left_out_note(hidden, p.k),
        f"Staafdiagram van het aantal {spec.what} per groep: {parts}.",
        *_save(fig),
    )


def period_bars(r: Results, p: Protection, spec: PeriodBars) -> Chart:
    all_groups, hidden, labels = family_values(r, p, spec.family)
    groups = {k: g for k, g in all_groups.items() if k not in hidden}
    names = [labels.get(k, k.capitalize()) for k in groups]
    per = r.perioden_per_maand or {}
    months = {q: per[q].persoonsmaanden if q in per else None for q in spec.periods}
    if spec.per_month and all(months.values()):

        def value(g, q: str) -> float:
            return getattr(g, q) / months[q]

        shown, ylabel = (lambda v: nl_decimal(v, 2)), "Registraties per cliënt per maand"
    else:

        def value(g, q: str) -> float:
            return getattr(g, q)

        shown, ylabel = nl_int, "Aantal registraties"
    fig = grouped_bars(
        spec.title,
        names,
        {q.capitalize(): [value(g, q) for g in groups.values()] for q in spec.periods},
        ylabel,
        colours=[PERIOD_COLOURS[q] for q in spec.periods],
        shown=shown,
    )
    parts = "; ".join(
        f"{n}: " + ", ".join(f"{shown(value(g, q))} {q}" for q in spec.periods)
        for n, g in zip(names, groups.values(), strict=True)
    )
    return Chart(spec.id, spec.caption + left_out_note(hidden, p.k), f"Staafdiagram {spec.alt}. {parts}.", *_save(fig))


def write_figures(charts: dict[str, Chart], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in charts.values():
        for suffix, data in (("svg", chart.svg), ("png", chart.png)):
            path = folder / f"{chart.id}.{suffix}"
            path.write_bytes(data)
            written.append(path)
    return written


def interval_words(irr: float | None, low: float | None, high: float | None) -> str:
    if irr is None:
        return "niet te schatten"
    return f"{nl_decimal(irr, 2)} (95%-interval {nl_decimal(low, 2)} tot {nl_decimal(high, 2)})"


def ratio_axis(ax, axis: str = "x") -> None:
    formatter = FuncFormatter(lambda v, _: nl_decimal(v, 1))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)
