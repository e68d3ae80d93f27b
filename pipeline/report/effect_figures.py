"""The figures of 'Wat de gegevens over het effect zeggen': the four estimates, the rate ratio month by month around
the ICO, and the primary estimate for each anticipation period."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from pipeline.formatting.numbers import months, nl_count, nl_decimal
from pipeline.report.chart import PALETTE, Chart
from pipeline.report.chart import save as _save
from pipeline.report.effect_text import LABELS
from schemas.results import Results

# the order of the effect table: the primary estimate first, then these
SHORT = {
    "comparison": "Vaste effecten",
    "imputation": "Imputatie",
    "naive": "Vóór-na",
    "symmetric": "Symmetrisch",
    "matched": "Vergelijkingsgroep",
}


def _interval_words(irr: float | None, low: float | None, high: float | None) -> str:
    if irr is None:
        return "niet te schatten"
    return f"{nl_decimal(irr, 2)} (95%-interval {nl_decimal(low, 2)} tot {nl_decimal(high, 2)})"


def _ratio_axis(ax, axis: str = "x") -> None:
    formatter = FuncFormatter(lambda v, _: nl_decimal(v, 1))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def effect_chart(r: Results) -> Chart:
    primary = r.effect.primary.estimator
    order = [k for k in [primary, *[k for k in SHORT if k != primary]] if getattr(r.effect, k) is not None]
    names = [SHORT[k] + (" (hoofdschatting)" if k == primary else "") for k in order]
    estimates = [getattr(r.effect, k) for k in order]
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    for i, e in enumerate(estimates):
        y = len(estimates) - 1 - i
        if e.irr is None:
            ax.annotate("niet te schatten", (1.0, y), ha="center", va="center", fontsize=8.5)
            continue
        colour = PALETTE[5] if i == 0 else PALETTE[4]
        ax.plot([e.ci_low, e.ci_high], [y, y], color=PALETTE[0], linewidth=2.5, solid_capstyle="butt")
        ax.plot([e.irr], [y], marker="o", markersize=8, color=colour, markeredgecolor="black")
        ax.annotate(
            f"{nl_decimal(e.irr, 2)} ({nl_decimal(e.ci_low, 2)}–{nl_decimal(e.ci_high, 2)})",
            (e.ci_high, y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    ax.axvline(1.0, color="black", linewidth=1, linestyle="--")
    ax.set_yticks(range(len(names)), names[::-1])
    _ratio_axis(ax)
    ax.set_xlabel("Verhouding registraties per cliënt per maand, na het ICO / vergelijking (1 = geen verandering)")
    highs = [e.ci_high for e in estimates if e.ci_high is not None]
    ax.set_xlim(0, max([1.3, *[h * 1.35 for h in highs]]))
    ax.set_title(f"{nl_count(len(estimates)).capitalize()} schattingen van de verandering, met 95%-interval")
    parts = "; ".join(
        f"{n}: {_interval_words(e.irr, e.ci_low, e.ci_high)}" for n, e in zip(names, estimates, strict=True)
    )
    return Chart(
        "effect",
        f"De verhouding van het aantal registraties per cliënt per maand na het ICO tot de vergelijking, volgens "
        f"{nl_count(len(estimates))} vergelijkingen; "
        f"bovenaan de vooraf gekozen hoofdschatting ({LABELS[primary]}). Een punt links van de stippellijn is een "
        f"daling; de lijn eromheen is het 95%-interval.",
        f"Puntdiagram met intervallen. {parts}.",
        *_save(fig),
    )


def _event_label(fase: str, month: int) -> str:
    if fase == "voor":
        return f"{month}"
    if fase == "tijdens":
        return f"T{month + 1}"
    return f"+{month}"


def event_time_chart(r: Results) -> Chart:
    rows = r.effect.event_time or []
    fig, ax = plt.subplots(figsize=(8, 3.4))
    shown = [x for x in rows if x.irr is not None]
    positions = list(range(len(shown)))
    colours = {"voor": PALETTE[0], "tijdens": PALETTE[1], "na": PALETTE[2]}
    a = r.settings.anticipatie_maanden
    for x, row in zip(positions, shown, strict=True):
        colour = colours[row.fase]
        ax.plot([x, x], [row.ci_low, row.ci_high], color=colour, linewidth=2)
        hollow = row.fase == "voor" and -row.maand <= a
        ax.plot([x], [row.irr], marker="o", markersize=5, color="white" if hollow else colour, markeredgecolor=colour)
    ax.axhline(1.0, color="black", linewidth=1, linestyle="--")
    ax.set_yscale("log")
    values = [v for x in shown for v in (x.ci_low, x.ci_high)]
    if values:
        low, high = min(values), max(values)
        ticks = [t for t in (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0) if low / 1.1 <= t <= high * 1.1]
        ax.set_yticks(ticks or [1.0])
    _ratio_axis(ax, "y")
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xticks(positions, [_event_label(x.fase, x.maand) for x in shown], fontsize=7)
    ax.set_xlabel("Maand vóór de start (−), tijdens het ICO (T) en na het einde (+)")
    ax.set_ylabel("Verhouding (log-schaal)")
    lead_months = r.settings.voorperiode_maanden
    ax.set_title(f"Per maand, vergeleken met de maanden meer dan {months(lead_months)} vóór de start")
    words = "; ".join(f"{_event_label(x.fase, x.maand)}: {_interval_words(x.irr, x.ci_low, x.ci_high)}" for x in shown)
    return Chart(
        "effect_maanden",
        f"Verhouding van het aantal registraties per maand rond het ICO tegenover de maanden meer dan "
        f"{months(lead_months)} vóór de start, met vaste effecten per cliënt en kalendermaand en 95%-interval. "
        f"Open punten: de aanloop ({months(a)} vóór de start), die niet als vergelijking telt. Liggen de "
        f"maanden daarvóór rond 1, dan veranderde het aantal niet al vóór het ICO.",
        f"Puntdiagram per maand. {words}." if words else "Geen maanden te schatten.",
        *_save(fig),
    )


def sensitivity_chart(r: Results) -> Chart:
    rows = [x for x in (r.effect.sensitivity or []) if x.irr is not None]
    fig, ax = plt.subplots(figsize=(6.5, 2.8))
    chosen = r.effect.primary.anticipatie_maanden
    for row in rows:
        mine = row.anticipatie_maanden == chosen
        colour = PALETTE[5] if mine else PALETTE[0]
        ax.plot([row.anticipatie_maanden] * 2, [row.ci_low, row.ci_high], color=colour, linewidth=2.5)
        size = 11 if mine else 7
        ax.plot(
            [row.anticipatie_maanden], [row.irr], marker="o", markersize=size, color=colour, markeredgecolor="black"
        )
    ax.axhline(1.0, color="black", linewidth=1, linestyle="--")
    _ratio_axis(ax, "y")
    ax.set_xticks([x.anticipatie_maanden for x in rows])
    ax.set_xlabel("Aanloop: maanden vóór de start die niet als vergelijking tellen")
    ax.set_ylabel("Verhouding")
    estimator = LABELS[r.effect.primary.estimator]
    ax.set_title("Schatting bij een andere keuze van de aanloop")
    words = "; ".join(f"{months(x.anticipatie_maanden)}: {_interval_words(x.irr, x.ci_low, x.ci_high)}" for x in rows)
    return Chart(
        "gevoeligheid",
        f"De schatting {estimator} met een aanloop van {rows[0].anticipatie_maanden if rows else 0} tot "
        f"{months(rows[-1].anticipatie_maanden) if rows else '0 maanden'}, met 95%-interval; het grote punt is "
        f"de ingestelde aanloop ({months(chosen)}).",
        f"Puntdiagram. {words}." if words else "Geen schattingen.",
        *_save(fig),
    )
