"""Every figure of the report, in one house style, computed from results.json alone.

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

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from pipeline.disclosure.protection import Protection
from pipeline.disclosure.safe_bins import safe_bins
from pipeline.formatting.numbers import nl_decimal, nl_int, nl_pct, share
from pipeline.formatting.table import Hidden
from pipeline.report.chart import HATCHES, PALETTE, PERIOD_COLOURS, Chart
from pipeline.report.chart import save as _save
from pipeline.report.chart import style as _style
from pipeline.report.effect_figures import effect_chart, event_time_chart, sensitivity_chart
from pipeline.report.matched_group import love_plot, months_chart
from pipeline.report.tables import SEX_LABELS, SMALL_GROUPS, change_labels, merge_hidden
from schemas.results import Results
from schemas.vocabulary import PERIODS


def _integers(ax, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(integer=True))
    target.set_major_formatter(FuncFormatter(lambda v, _: nl_int(v)))


def _label_bars(ax, bars, texts: list[str], horizontal: bool = False) -> None:
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


def bar_id(label: str) -> str:
    """The SVG id of a group's bar ('staaf-18-25'), so the file says which groups it draws (text is paths)."""
    return "staaf-" + (re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-") or "leeg")


def _name_bars(bars, labels: list[str]) -> None:
    for bar, label in zip(bars, labels, strict=True):
        bar.set_gid(bar_id(label))


def _simple_bars(
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
        _name_bars(bars, labels[::-1])
        _label_bars(ax, bars, texts[::-1], horizontal=True)
        _integers(ax, "x")
        ax.set_xlabel(ylabel)
        ax.margins(x=0.18)
    else:
        bars = ax.bar(labels, values, color=PALETTE[0])
        _name_bars(bars, labels)
        _label_bars(ax, bars, texts)
        _integers(ax)
        ax.set_ylabel(ylabel)
        ax.set_xlabel(xlabel)
        ax.margins(y=0.15)
    ax.set_title(title)
    return fig


def _grouped(
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
        _label_bars(ax, bars, texts)
    ax.set_xticks(range(len(groups)), [textwrap.fill(g, 12) for g in groups])
    if percent:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_pct(v, 0)))
    elif shown is nl_int:
        _integers(ax)
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


def _frequency(title: str, freq: dict[str, int], xlabel: str, k: int) -> tuple[Figure, str]:
    """Bars of clients per number of registrations, in bins of none or at least k clients (disclosure.safe_bins)."""
    bins = safe_bins(freq, k)
    labels, counts = [b[0].replace(" of meer", "+") for b in bins], [b[1] for b in bins]
    fig, ax = plt.subplots(figsize=(8, 3.4))
    bars = ax.bar(range(len(labels)), counts, color=PALETTE[0])
    _label_bars(ax, bars, [nl_int(v) for v in counts])
    ax.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 14 else 0)
    _integers(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Aantal cliënten")
    ax.margins(y=0.15)
    ax.set_title(title)
    mode = labels[max(range(len(counts)), key=lambda i: (counts[i], -i))]
    return fig, mode


def _left_out(hidden: dict, k: int) -> str:
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


# --- the figures ------------------------------------------------------------------------------------------


Family = Literal["by_sex", "by_age", "by_ico_type", "ico_duur", "e_categories", "severity", "by_role"]


def _family(r: Results, p: Protection, family: Family) -> tuple[dict, dict[str, Hidden], dict[str, str]]:
    """A family of groups in the results: its groups, the ones disclosure control hides, their labels."""
    groups = (r.ico_duur.groepen if r.ico_duur else {}) if family == "ico_duur" else getattr(r, family)
    return groups, p.hidden_in(family), SEX_LABELS if family == "by_sex" else {}


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


def group_counts(r: Results, p: Protection, spec: GroupCounts) -> Chart:
    """Small groups are left out, and the caption says so."""
    all_groups, hidden, labels = _family(r, p, spec.family)
    groups = {k: g for k, g in all_groups.items() if k not in hidden}
    names = [labels.get(k, k) for k in groups]
    values = [getattr(g, spec.field) for g in groups.values()]
    total = sum(getattr(g, spec.field) for g in all_groups.values())
    fig = _simple_bars(spec.title, names, values, spec.xlabel, f"Aantal {spec.what}", total=total)
    parts = ", ".join(f"{n}: {nl_int(v)}" for n, v in zip(names, values, strict=True))
    return Chart(
        spec.id,
        spec.caption + _left_out(hidden, p.k),
        f"Staafdiagram van het aantal {spec.what} per groep: {parts}.",
        *_save(fig),
    )


AGE_AXIS = "Leeftijd bij de start van het ICO"


def registrations_by_class(r: Results, p: Protection) -> Chart:
    classes = merge_hidden(r.imk_classes, p.imk_class)
    labels = [f"{k} {r.imk_class_names[k]}" if k in r.imk_class_names else k for k in classes]
    fig = _simple_bars(
        "Registraties per IMK-klasse",
        labels,
        list(classes.values()),
        "",
        "Aantal registraties",
        horizontal=True,
        total=sum(r.imk_classes.values()),
    )
    parts = ", ".join(f"{k} {nl_int(v)}" for k, v in classes.items())
    return Chart(
        "imk_klassen",
        "Registraties per IMK-klasse (Incident Maatschappelijke Klasse), alle vijf perioden.",
        f"Liggend staafdiagram van het aantal registraties per IMK-klasse: {parts}.",
        *_save(fig),
    )


@dataclass(frozen=True, kw_only=True)
class Frequency(FigureSpec):
    """How many clients have how many registrations, in bins of at least k clients."""

    distribution: Literal["registraties_per_client", "e_registraties_per_client"]
    what: str

    def make(self, r: Results, p: Protection) -> Chart:
        return frequency_chart(r, p, self)


def frequency_chart(r: Results, p: Protection, spec: Frequency) -> Chart:
    what = spec.what
    fig, mode = _frequency(spec.title, getattr(r.distributions, spec.distribution), f"Aantal {what} per cliënt", p.k)
    return Chart(
        spec.id,
        f"Hoeveel cliënten hoeveel {what} hebben (alle vijf perioden). Aantallen zijn samengevoegd tot elke "
        f"staaf minstens {p.k} cliënten telt, zodat geen staaf voor één cliënt staat.",
        f"Staafdiagram van de frequentieverdeling van het aantal {what} per cliënt; de hoogste staaf is bij {mode}.",
        *_save(fig),
    )


def e_codes(r: Results, p: Protection, top: int = 10) -> Chart:
    codes = merge_hidden(r.e_codes, p.e_code)
    ranked = sorted(((n, k) for k, n in codes.items() if k != SMALL_GROUPS), key=lambda t: (-t[0], t[1]))
    shown = [(k, n) for n, k in ranked[:top]]
    rest = sum(n for n, _ in ranked[top:]) + codes.get(SMALL_GROUPS, 0)
    labels = [f"{k} {r.e_code_names.get(k, '').capitalize()[:38]}" for k, _ in shown]
    values = [v for _, v in shown]
    if rest:
        labels.append("Overige E-codes")
        values.append(rest)
    fig = _simple_bars(
        "E-registraties per E-code",
        labels,
        values,
        "",
        "Aantal registraties",
        horizontal=True,
        total=sum(r.e_codes.values()),
    )
    parts = ", ".join(f"{k} {nl_int(v)}" for k, v in shown[:5])
    return Chart(
        "e_codes",
        f"De {len(shown)} meest voorkomende E-codes (meldingen en assistentie).",
        f"Liggend staafdiagram van het aantal E-registraties per code; de grootste: {parts}.",
        *_save(fig),
    )


def windows(r: Results, p: Protection) -> Chart:
    """Registrations per client per month in each window: 'tijdens' lasts as long as each ICO, the others a fixed
    number of months, so counts alone would compare periods of different length."""
    per = r.perioden_per_maand or {}
    labels = [k[0].upper() + k[1:] for k in r.windows]
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    colours = [PERIOD_COLOURS["voor"]] * 2 + [PERIOD_COLOURS["tijdens"]] + [PERIOD_COLOURS["na"]] * 2
    hidden = p.windows  # a window hidden in the table has no bar here, only its mark (its rate would tell it)
    rates = {k: per[k].per_client_per_maand if k in per else None for k in r.windows}
    heights = [0 if k in hidden or v is None else v for k, v in rates.items()]
    bars = ax.bar(labels, heights, color=colours)
    for bar, hatch in zip(bars, ["", "", "///", "...", "..."], strict=True):
        bar.set_hatch(hatch)
        bar.set_edgecolor("white")
    texts = [str(hidden[k]) if k in hidden else nl_decimal(v, 2) for k, v in rates.items()]
    _label_bars(ax, bars, texts)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_decimal(v, 1)))
    ax.set_ylabel("Registraties per cliënt per maand")
    ax.margins(y=0.15)
    ax.set_title("Registraties per cliënt per maand, voor, tijdens en na het ICO")
    parts = ", ".join(f"{k} {hidden[k] if k in hidden else nl_decimal(v, 2)}" for k, v in rates.items())
    return Chart(
        "vensters",
        "Registraties per cliënt per maand in elke periode rond het ICO. De periode tijdens het ICO duurt per cliënt "
        "even lang als zijn ICO, de andere perioden een vast aantal maanden; per maand zijn ze te vergelijken. De "
        "aantallen staan in de tabel per periode. De perioden vóór zijn blauw, tijdens oranje, erna groen."
        + _left_out(hidden, p.k),
        f"Staafdiagram van het aantal registraties per cliënt per maand per periode: {parts}.",
        *_save(fig),
    )


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


def period_bars(r: Results, p: Protection, spec: PeriodBars) -> Chart:
    all_groups, hidden, labels = _family(r, p, spec.family)
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
    fig = _grouped(
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
    return Chart(spec.id, spec.caption + _left_out(hidden, p.k), f"Staafdiagram {spec.alt}. {parts}.", *_save(fig))


def classes_by_sex(r: Results, p: Protection) -> Chart:
    by_class = r.class_by_sex
    sexes = [s for s in ("man", "vrouw") if s in r.by_sex and s not in p.sex]
    totals = {s: sum(v.get(s, 0) for v in by_class.values()) for s in sexes}
    classes = [k for k in r.imk_classes if k not in p.imk_class and any(by_class[k].get(s, 0) for s in sexes)]
    hidden = {(k, s) for k in classes for s in sexes if (k, s) in p.class_by_sex}
    series = {
        SEX_LABELS[s]: [0.0 if (k, s) in hidden else share(by_class[k].get(s, 0), totals[s]) or 0.0 for k in classes]
        for s in sexes
    }
    fig = _grouped(
        "Soort registraties naar geslacht", classes, series, "Aandeel van de registraties", "IMK-klasse", percent=True
    )
    e_parts = (
        ", ".join(f"{name.lower()} {nl_pct(vals[classes.index('E')], 0)}" for name, vals in series.items())
        if "E" in classes
        else ""
    )
    note = (
        (
            " Een staaf van 0% bij een klasse staat voor een aantal dat ook in de tabel niet getoond wordt "
            f"(<{p.k} of x)."
        )
        if hidden
        else ""
    )
    return Chart(
        "klassen_geslacht",
        "Aandeel van elke IMK-klasse in de registraties van mannen en van vrouwen." + note,
        f"Staafdiagram van het aandeel per IMK-klasse voor mannen en vrouwen; E-registraties: {e_parts}.",
        *_save(fig),
    )


def change_groups(r: Results, p: Protection) -> Chart:
    groups = {k: g for k, g in r.change_groups.items() if k not in p.change_group and g.n}
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    names = [f"{k.capitalize()} (n = {nl_int(g.n)})" for k, g in groups.items()]
    left = [0.0] * len(groups)
    colours = [PALETTE[5], PALETTE[6], PALETTE[4], PALETTE[2], "#B0B0B0"]
    labels = change_labels(r)
    segments = {**labels, "klein": "Niet apart getoond"}
    descriptions = {k: [] for k in groups}
    for i, (key, label) in enumerate(segments.items()):
        if key == "klein":
            counts = [sum(getattr(g, c) for c in labels if c in p.change[k]) for k, g in groups.items()]
        else:
            counts = [0 if key in p.change[k] else getattr(g, key) for k, g in groups.items()]
        if not any(counts):
            continue
        shares = [share(n, g.n) or 0.0 for n, g in zip(counts, groups.values(), strict=True)]
        bars = ax.barh(
            names,
            shares,
            left=left,
            label=label,
            color=colours[i],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="white",
            linewidth=0.5,
        )
        for bar, part, k in zip(bars, shares, groups, strict=True):
            if part:
                descriptions[k].append(f"{label.lower()} {nl_pct(part, 0)}")
            if part >= 6:
                ax.annotate(
                    nl_pct(part, 0),
                    (bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2),
                    ha="center",
                    va="center",
                    fontsize=8.5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
                )
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_pct(v, 0)))
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8.5)
    ax.set_title("Verandering per cliënt na het ICO")
    parts = "; ".join(f"{k}: " + ", ".join(d) for k, d in descriptions.items())
    small = any(p.change[k] for k in groups)
    note = f" Wat ook in de tabel niet getoond wordt (<{p.k} of x), is samengenomen (grijs)." if small else ""
    return Chart(
        "veranderingsgroepen",
        "Aandeel van de cliënten per verandering van het aantal registraties na het ICO ("
        + "; ".join(v.lower() for v in labels.values())
        + "), voor cliënten met weinig en met veel registraties vooraf."
        + note
        + _left_out(p.change_group, p.k),
        f"Gestapeld staafdiagram. {parts}.",
        *_save(fig),
    )


def event_study_chart(r: Results, p: Protection) -> Chart:
    # a hidden month is left out, and so is the pooled tail of the long ICOs (it is no single month)
    es = [e for e in r.event_study if (e.referentie, e.maand) not in p.months and not e.en_later]
    labels, colours, hatches = [], [], []
    for e in es:
        if e.referentie == "start" and e.maand < 0:
            labels.append(f"{e.maand}".replace("-", "\u2212"))
            colours.append(PERIOD_COLOURS["voor"])
            hatches.append("")
        elif e.referentie == "start":
            labels.append(f"T{e.maand + 1}")
            colours.append(PERIOD_COLOURS["tijdens"])
            hatches.append("///")
        else:
            labels.append(f"+{e.maand}")
            colours.append(PERIOD_COLOURS["na"])
            hatches.append("...")
    values = [e.per_client or 0.0 for e in es]
    fig, ax = plt.subplots(figsize=(8.5, 3.8))
    bars = ax.bar(range(len(es)), values, color=colours, edgecolor="white", linewidth=0.5)
    for bar, hatch in zip(bars, hatches, strict=True):
        bar.set_hatch(hatch)
    ax.set_xticks(range(len(es)), labels)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_decimal(v, 1)))
    ax.set_ylabel("Registraties per cliënt per maand")
    ax.set_xlabel("Maanden vóór de start (−), tijdens het ICO (T) en na het einde (+)")
    ax.set_title("Registraties maand voor maand rond het ICO")
    peak = max(range(len(es)), key=lambda i: values[i])
    parts = ", ".join(f"{lab}: {nl_decimal(v, 2)}" for lab, v in zip(labels, values, strict=True))
    return Chart(
        "maand_voor_maand",
        "Gemiddeld aantal registraties per cliënt per maand, vóór de start, tijdens het ICO en na het einde. De piek "
        "rond de aanmelding laat zien waarom een vergelijking met de maanden vlak vóór het ICO de daling overschat.",
        f"Staafdiagram van registraties per cliënt per maand; het hoogst in maand {labels[peak]}. {parts}.",
        *_save(fig),
    )


@dataclass(frozen=True, kw_only=True)
class Drawn(FigureSpec):
    """A figure with a drawing of its own (its function sets id, title and caption)."""

    draw: Callable[[Results, Protection], Chart | None]

    def make(self, r: Results, p: Protection) -> Chart:
        return self.draw(r, p)


# Every figure of the report, in the order of the report.
FIGURES: tuple[FigureSpec, ...] = (
    GroupCounts(
        id="clienten_geslacht",
        title="Cliënten naar geslacht",
        caption="Verdeling van de cliënten naar geslacht (aantal en percentage).",
        family="by_sex",
        field="n",
        what="cliënten",
    ),
    GroupCounts(
        id="clienten_leeftijd",
        title="Cliënten per leeftijdsgroep",
        caption="Verdeling van de cliënten per leeftijdsgroep (leeftijd bij de start van het ICO).",
        family="by_age",
        field="n",
        what="cliënten",
        xlabel=AGE_AXIS,
    ),
    GroupCounts(
        id="registraties_geslacht",
        title="Registraties naar geslacht",
        caption="Aantal registraties in de vijf perioden rond het ICO naar geslacht.",
        family="by_sex",
        field="totaal",
        what="registraties",
    ),
    GroupCounts(
        id="registraties_leeftijd",
        title="Registraties per leeftijdsgroep",
        caption="Aantal registraties in de vijf perioden rond het ICO per leeftijdsgroep.",
        family="by_age",
        field="totaal",
        what="registraties",
        xlabel=AGE_AXIS,
    ),
    Drawn(id="imk_klassen", draw=registrations_by_class),
    Frequency(
        id="frequentie_registraties",
        title="Registraties per cliënt",
        distribution="registraties_per_client",
        what="registraties",
    ),
    Frequency(
        id="frequentie_e_registraties",
        title="E-registraties per cliënt",
        distribution="e_registraties_per_client",
        what="E-registraties",
    ),
    Drawn(id="e_codes", draw=e_codes),
    Drawn(id="vensters", draw=windows),
    Drawn(id="veranderingsgroepen", draw=change_groups),
    PeriodBars(
        id="voor_na_geslacht",
        title="Registraties voor en na het ICO naar geslacht",
        caption="Aantal registraties in de periode vóór en in de periode na het ICO, voor mannen en vrouwen.",
        family="by_sex",
        periods=("voor", "na"),
        alt="van registraties voor en na het ICO",
    ),
    Drawn(id="klassen_geslacht", draw=classes_by_sex),
    PeriodBars(
        id="voor_na_ico_duur",
        title="Registraties voor en na het ICO naar duur van het ICO",
        caption="Aantal registraties in de periode vóór en in de periode na het ICO, voor cliënten met een kort, "
        "middellang en lang ICO (drie ongeveer even grote groepen). De perioden vóór en na zijn voor iedereen even "
        "lang.",
        family="ico_duur",
        periods=("voor", "na"),
        alt="van registraties voor en na het ICO per duur van het ICO",
    ),
    PeriodBars(
        id="voor_na_leeftijd",
        title="Registraties voor en na het ICO per leeftijdsgroep",
        caption="Aantal registraties in de periode vóór en in de periode na het ICO per leeftijdsgroep.",
        family="by_age",
        periods=("voor", "na"),
        alt="van registraties voor en na het ICO",
    ),
    PeriodBars(
        id="e_categorieen",
        title="Soorten E-meldingen voor, tijdens en na het ICO",
        caption="E-meldingen per cliënt per maand, per categorie, voor, tijdens en na het ICO (per maand, omdat de "
        "periode tijdens het ICO een andere lengte heeft). De aantallen staan in de tabel.",
        family="e_categories",
        alt="van E-meldingen per cliënt per maand per categorie voor, tijdens en na het ICO",
        per_month=True,
    ),
    PeriodBars(
        id="zwaarte",
        title="Zwaarte van de overige registraties",
        caption="Registraties buiten de E-meldingen per cliënt per maand, per zwaarte (licht, middel, zwaar), voor, "
        "tijdens en na het ICO. De aantallen staan in de tabel.",
        family="severity",
        alt="van registraties per cliënt per maand per zwaarte voor, tijdens en na het ICO",
        per_month=True,
    ),
    PeriodBars(
        id="rollen",
        title="Registraties naar de rol van de cliënt",
        caption="Registraties per cliënt per maand naar de rol van de cliënt (verdachte, slachtoffer, getuige, ...), "
        "voor, tijdens en na het ICO. Een registratie telt één keer per rol. De aantallen, en welke rollen "
        "meetellen, staan in de tabel.",
        family="by_role",
        alt="van registraties per cliënt per maand per rol voor, tijdens en na het ICO",
        per_month=True,
    ),
    Drawn(id="maand_voor_maand", draw=event_study_chart),
    Drawn(id="effect", draw=lambda r, p: effect_chart(r)),
    Drawn(id="effect_maanden", draw=lambda r, p: event_time_chart(r)),
    Drawn(id="gevoeligheid", draw=lambda r, p: sensitivity_chart(r)),
    Drawn(id="vergelijkingsgroep_balans", draw=love_plot),  # only with a comparison group
    Drawn(id="vergelijkingsgroep_maanden", draw=months_chart),
)


def make_figures(results: Results, protection: Protection | None = None) -> dict[str, Chart]:
    _style()
    protection = protection or Protection(results)
    charts = [spec.make(results, protection) for spec in FIGURES]
    for spec, chart in zip(FIGURES, charts, strict=True):
        if chart is not None and chart.id != spec.id:
            raise ValueError(f"figure {spec.id!r} drew {chart.id!r}")
    return {c.id: c for c in charts if c is not None}  # None: a figure this run has nothing for


def write_figures(charts: dict[str, Chart], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in charts.values():
        for suffix, data in (("svg", chart.svg), ("png", chart.png)):
            path = folder / f"{chart.id}.{suffix}"
            path.write_bytes(data)
            written.append(path)
    return written
