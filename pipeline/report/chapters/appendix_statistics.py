"""Bijlage A, statistische verantwoording: the tests per group, the primary estimate's sensitivity to the run-up,
the rate ratio per month, the next edition's planning and the settings used."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import months, nl_decimal, nl_int, nl_pct
from pipeline.formatting.table import Table
from pipeline.report.chapters.comparison_group import few_unmatched
from pipeline.report.chart import PALETTE, Chart
from pipeline.report.chart import save as _save
from pipeline.report.effect_words import LABELS
from pipeline.report.figures import Drawn, interval_words, ratio_axis
from pipeline.report.outline import Outline
from pipeline.report.tables import SEX_LABELS, hidden_notes, masked_row, ratio_table
from pipeline.report.words import nl_date
from schemas.results import Results


def tests_table(r: Results, p: Protection) -> Table:
    o = r.overall
    rows = [
        [
            "Alle cliënten",
            o.n,
            o.wilcoxon.n_ongelijk,
            o.wilcoxon.statistic,
            o.wilcoxon.p,
            None,
            o.rank_biserial,
        ]
    ]
    families = (("by_sex", SEX_LABELS, p.sex), ("by_age", {}, p.age), ("by_ico_type", {}, p.ico_type))
    for key, labels, hidden in families:
        for name, g in getattr(r, key).items():
            row = [
                labels.get(name, name),
                g.n,
                g.n_ongelijk,
                g.statistic,
                g.p,
                g.p_holm,
                g.rank_biserial,
            ]
            rows.append(masked_row(row, hidden.get(name)))
    s = r.severity_score
    rows.append(
        [
            "Zwaartescore, alle cliënten",
            s.wilcoxon.n,
            s.wilcoxon.n_ongelijk,
            s.wilcoxon.statistic,
            s.wilcoxon.p,
            None,
            s.rank_biserial,
        ]
    )
    return Table(
        "toetsen",
        "Wilcoxon-toetsen (gepaard, tweezijdig): registraties per cliënt voor en na het ICO",
        ["Groep", "n", "n met verschil", "W", "p", "p (Holm)", "Effectgrootte r"],
        ["text", "int", "int", "dec", "p", "p", "dec2"],
        rows,
        notes=[
            "Een streepje bij W en p: niet getoetst (te kleine groep, geslacht onbekend of alle paren gelijk). Een "
            "streepje alleen bij p (Holm): de toets valt buiten de Holm-correctie, die de groepen naar geslacht, "
            "leeftijd en soort ICO samen corrigeert (alle cliënten en de zwaartescore zijn elk één toets).",
            "r is de rangbiseriële correlatie: +1 als alle cliënten na het ICO minder registraties hebben, −1 als "
            "alle meer hebben.",
            *hidden_notes(p, p.sex, p.age, p.ico_type),
        ],
    )


def sensitivity_note(r: Results) -> str:
    """What the run-up means for the primary estimate: months not used as its comparison."""
    if r.effect.primary.estimator == "matched":
        return (
            "Ingesteld: geen aanloop; de hele periode vóór het ICO telt mee, bij cliënten en vergelijkingspersonen "
            "gelijk (zij zijn op dat verloop gekoppeld). Bij een aanloop van een aantal maanden telt de periode vóór "
            "het ICO zonder die laatste maanden, waarin het aantal registraties vaak al oploopt."
        )
    return (
        f"Ingesteld: een aanloop van {months(r.effect.primary.anticipatie_maanden)}. De maanden van de aanloop "
        "tellen niet als vergelijking, omdat het aantal registraties vlak vóór een aanmelding vaak al oploopt."
    )


def sensitivity_table(r: Results, p: Protection) -> Table:
    return ratio_table(
        "gevoeligheid",
        "De hoofdschatting bij een andere aanloop",
        ("Aanloop (maanden)", "int"),
        [[s.anticipatie_maanden, s.irr, s.ci_low, s.ci_high] for s in (r.effect.sensitivity or [])],
        sensitivity_note(r),
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
    ratio_axis(ax, "y")
    ax.set_xticks([x.anticipatie_maanden for x in rows])
    ax.set_xlabel("Aanloop: maanden vóór de start die niet als vergelijking tellen")
    ax.set_ylabel("Verhouding")
    estimator = LABELS[r.effect.primary.estimator]
    ax.set_title("Schatting bij een andere keuze van de aanloop")
    words = "; ".join(f"{months(x.anticipatie_maanden)}: {interval_words(x.irr, x.ci_low, x.ci_high)}" for x in rows)
    return Chart(
        "gevoeligheid",
        f"De schatting {estimator} met een aanloop van {rows[0].anticipatie_maanden if rows else 0} tot "
        f"{months(rows[-1].anticipatie_maanden) if rows else '0 maanden'}, met 95%-interval; het grote punt is "
        f"de ingestelde aanloop ({months(chosen)}).",
        f"Puntdiagram. {words}." if words else "Geen schattingen.",
        *_save(fig),
    )


def event_time_table(r: Results, p: Protection) -> Table:
    names = {"voor": "vóór de start", "tijdens": "tijdens het ICO, maand", "na": "na het einde"}
    rows = []
    for x in r.effect.event_time or []:
        label = f"{names[x.fase]} {x.maand + 1}" if x.fase == "tijdens" else f"{abs(x.maand)} mnd {names[x.fase]}"
        rows.append([label, x.irr, x.ci_low, x.ci_high])
    return ratio_table(
        "effect_maanden",
        "Verhouding per maand rond het ICO (vaste effecten per cliënt en kalendermaand)",
        ("Maand", "text"),
        rows,
        f"Vergeleken met de maanden meer dan {r.settings.voorperiode_maanden} maanden vóór de start van "
        "dezelfde cliënt, gecorrigeerd voor wat in dezelfde kalendermaand voor alle cliënten gold.",
    )


# Every table of the report, in the order of the report; each takes the results and the disclosure decisions.
def planning_table(r: Results, p: Protection) -> Table:
    """How many clients the next edition needs to detect a fall of 10, 20 or 30% with the primary estimate."""
    mde = r.effect.mde
    shown_n = "bijna alle" if r.effect.primary.estimator == "matched" and few_unmatched(r, p) else nl_int(mde.n_clients)
    power = mde.power
    rows = [[row.irr, row.clients_nodig] for row in mde.volgende_editie]
    return Table(
        "planning",
        f"Cliënten die een volgende editie nodig heeft ({nl_pct(power * 100, 0)} kans, tweezijdig "
        f"{nl_pct(mde.alpha * 100, 0)})",
        ["Te vinden verhouding", "Cliënten nodig"],
        ["dec2", "int"],
        rows,
        notes=[
            f"Uit de standaardfout van de hoofdschatting van deze editie ({shown_n} cliënten), aangenomen dat die "
            "afneemt met de wortel van het aantal cliënten en dat de volgende editie op dezelfde manier wordt "
            "gemaakt. 0,80 is 20% minder registraties."
        ],
    )


def settings_list(r: Results) -> list[tuple[str, str]]:
    s = r.settings
    return [
        ("Exportperiode", f"{nl_date(s.periode.van)} t/m {nl_date(s.periode.tot)}"),
        ("Perioden rond het ICO", f"{s.vensters.lang_maanden} en {s.vensters.kort_maanden} maanden"),
        ("Leeftijdsgroepen", ", ".join(s.leeftijdsgroepen)),
        ("Significantieniveau", nl_decimal(s.alpha, 2)),
        ("Kleinste getoetste groep", f"{s.min_groepsgrootte} cliënten"),
        ("Grens 'veel registraties'", f"{s.veel_vanaf} of meer vóór het ICO"),
        (
            "Grenzen afname",
            f"tot en met {nl_decimal(s.kleine_afname_tot * 100, 0)}% en vanaf "
            f"{nl_decimal(s.grote_afname_vanaf * 100, 0)}%",
        ),
        ("Rollen die meetellen", s.rollen if isinstance(s.rollen, str) else ", ".join(s.rollen)),
        ("Onbekende IMK-codes", s.onbekende_codes),
        ("Gewichten zwaarte", ", ".join(f"{k} {v:g}" for k, v in r.severity_score.gewichten.items())),
    ]


TABLES = [tests_table, sensitivity_table, event_time_table, planning_table]
FIGURES = (Drawn(id="gevoeligheid", draw=lambda r, p: sensitivity_chart(r)),)


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"settings_list": settings_list(r)}
