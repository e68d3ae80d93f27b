"""Wat de gegevens over het effect zeggen: the registrations month by month, the estimates side by side, the
primary estimate and its checks, and what would make the answer firmer; every verdict conditioned on the
numbers it states (an interval with or without 1, a pre-trend check passed or failed)."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import (
    months,
    nl_count,
    nl_decimal,
    nl_int,
    nl_ordinal,
    nl_pct,
)
from pipeline.formatting.table import Hidden, Table
from pipeline.report.chapters.comparison_group import few_unmatched
from pipeline.report.chart import PALETTE, PERIOD_COLOURS, Chart
from pipeline.report.chart import save as _save
from pipeline.report.effect_words import (
    LABELS,
    change_words,
    n_estimates,
    pretrend_failed,
    pretrend_sentence,
    primary_check_failed,
    ratio,
)
from pipeline.report.figures import Drawn, interval_words, ratio_axis
from pipeline.report.outline import Outline
from pipeline.report.tables import hidden_notes
from pipeline.report.words import nl_month
from schemas.results import Effects, EventMonth, Results


def event_study_table(r: Results, p: Protection) -> Table:
    rows = []
    for e in r.event_study:
        if e.referentie == "start":
            label = f"{-e.maand} mnd vóór de start" if e.maand < 0 else f"tijdens, maand {e.maand + 1}"
            if e.en_later:
                label += " en later"
        else:
            label = f"{e.maand} mnd na het einde"
        hidden = Hidden("x") if (e.referentie, e.maand) in p.months else None
        rows.append([label, hidden or e.registraties, e.clients, hidden or e.per_client])
    return Table(
        "maand_voor_maand",
        "Registraties per maand rond het ICO",
        ["Maand", "Registraties", "Cliënten", "Per cliënt per maand"],
        ["text", "int", "int", "dec2"],
        rows,
        notes=[
            "Cliënten: de cliënten die de maand meemaken. Vóór de start en na het einde is dat iedere cliënt een hele "
            "maand; tijdens het ICO telt een cliënt wiens ICO halverwege de maand eindigt voor een halve maand, dus "
            "is 'per cliënt per maand' daar het aantal registraties gedeeld door die cliëntmaanden. De laatste "
            "maanden van het ICO, die weinig cliënten meemaken, staan samen in één rij ('en later'); die rij staat "
            "niet in de figuur.",
            *hidden_notes(p, p.months),
        ],
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


def effect_table(
    r: Results,
    p: Protection,
    key: str = "effect",
    table_id: str = "effect",
    title: str = "Hoe groot is de verandering? De schattingen naast elkaar",
) -> Table:
    rows = []
    primary = r.effect.primary.estimator
    labels = _effect_labels(r)
    for name in [primary, *[k for k in labels if k != primary]]:
        label, what = labels[name]
        e = getattr(getattr(r, key), name)
        if e is None:  # the matched estimate exists only with time at risk as given
            continue
        change = None if e.irr is None else (e.irr - 1) * 100
        shown_n = Hidden("x") if name == "matched" and few_unmatched(r, p) else e.n_clients
        rows.append(
            [
                label + (" (hoofdschatting)" if name == primary else ""),
                what,
                e.irr,
                e.ci_low,
                e.ci_high,
                change,
                shown_n,
            ]
        )
    return Table(
        table_id,
        title,
        [
            "Schatting",
            "Vergelijking",
            "Verhouding",
            "95%-interval van",
            "95%-interval tot",
            "Verandering",
            "Cliënten",
        ],
        ["text", "text", "dec2", "dec2", "dec2", "chg", "int"],
        rows,
        notes=[
            "Verhouding: per cohort, bij vaste effecten en bij imputatie het aantal registraties per cliënt per maand "
            "na het ICO "
            "gedeeld door het aantal dat zonder ICO te verwachten was; bij vóór-na en symmetrisch gedeeld door het "
            "aantal per cliënt per maand vóór het ICO (1 = geen verandering, 0,70 = 30% minder). Het 95%-interval "
            "geeft aan hoe zeker de schatting is, en houdt er rekening mee dat elke cliënt vele maanden meetelt. De "
            "hoofdschatting is vooraf in de instellingen van de analyse gekozen."
        ],
    )


def _effect_labels(r: Results) -> dict[str, tuple[str, str]]:
    w = r.settings.vensters
    lng, sht, a = w.lang_maanden, w.kort_maanden, r.settings.anticipatie_maanden
    return {
        "cohort": (
            "Per cohort",
            f"eigen maanden tot {a} mnd vóór het ICO; een effect per cohort (ICO begonnen in dezelfde periode van "
            f"{months(r.settings.cohort_maanden)}) en per maand na het ICO",
        ),
        "comparison": (
            "Vaste effecten (één effect)",
            f"eigen maanden tot {a} mnd vóór het ICO, kalendermaanden uit later besproken cliënten",
        ),
        "imputation": ("Imputatie", "verwachting zonder ICO uit alleen de maanden vóór de ICO's"),
        "naive": (
            "Vóór-na",
            f"{lng} maanden vóór tegen {lng} maanden na het ICO (zoals de eerdere, met de hand gemaakte analyses)",
        ),
        "symmetric": ("Symmetrisch", f"maand {lng} tot {sht} vóór de start tegen maand {sht} tot {lng} na het einde"),
    } | (
        {"matched": ("Vergelijkingsgroep", "na tegen vóór, tegenover gekoppelde personen uit de politiegegevens")}
        if r.effect.matched is not None
        else {}
    )


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
    ratio_axis(ax)
    ax.set_xlabel("Verhouding registraties per cliënt per maand, na het ICO / vergelijking (1 = geen verandering)")
    highs = [e.ci_high for e in estimates if e.ci_high is not None]
    ax.set_xlim(0, max([1.3, *[h * 1.35 for h in highs]]))
    ax.set_title(f"{nl_count(len(estimates)).capitalize()} schattingen van de verandering, met 95%-interval")
    parts = "; ".join(
        f"{n}: {interval_words(e.irr, e.ci_low, e.ci_high)}" for n, e in zip(names, estimates, strict=True)
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
    ratio_axis(ax, "y")
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xticks(positions, [_event_label(x.fase, x.maand) for x in shown], fontsize=7)
    ax.set_xlabel("Maand vóór de start (−), tijdens het ICO (T) en na het einde (+)")
    ax.set_ylabel("Verhouding (log-schaal)")
    lead_months = r.settings.voorperiode_maanden
    ax.set_title(f"Per maand, vergeleken met de maanden meer dan {months(lead_months)} vóór de start")
    words = "; ".join(f"{_event_label(x.fase, x.maand)}: {interval_words(x.irr, x.ci_low, x.ci_high)}" for x in shown)
    return Chart(
        "effect_maanden",
        f"Verhouding van het aantal registraties per maand rond het ICO tegenover de maanden meer dan "
        f"{months(lead_months)} vóór de start, met vaste effecten per cliënt en kalendermaand en 95%-interval. "
        f"Open punten: de aanloop ({months(a)} vóór de start), die niet als vergelijking telt. Liggen de "
        f"maanden daarvóór rond 1, dan veranderde het aantal niet al vóór het ICO.",
        f"Puntdiagram per maand. {words}." if words else "Geen maanden te schatten.",
        *_save(fig),
    )


# the order of the effect table: the primary estimate first, then these
SHORT = {
    "cohort": "Per cohort",
    "comparison": "Vaste effecten",
    "imputation": "Imputatie",
    "naive": "Vóór-na",
    "symmetric": "Symmetrisch",
    "matched": "Vergelijkingsgroep",
}


def _event_label(fase: str, month: int) -> str:
    if fase == "voor":
        return f"{month}"
    if fase == "tijdens":
        return f"T{month + 1}"
    return f"+{month}"


def effect_text(r: Results, p: Protection) -> dict[str, Any]:
    """Wat de gegevens over het effect zeggen: the estimates, the primary one and its checks, what would help."""
    out: dict[str, Any] = {
        "intro": _peak_intro(
            r, [m for m in r.event_study if (m.referentie, m.maand) not in p.months and not m.en_later]
        ),
        "estimates": _estimate_sentences(r, p),
        "primary": _primary_text(r, p),
        "firmer": what_would_help(bool(r.effect.naive.tijd_at_risk), r.matching is not None),
    }
    if r.effect_zonder_tijd_at_risk is not None and r.tijd_at_risk is not None:
        primary = r.effect.primary.estimator
        names = [primary, *[k for k in LABELS if k != primary]]
        found = [(k, getattr(r.effect_zonder_tijd_at_risk, k)) for k in names]
        found = [(k, e) for k, e in found if e is not None and e.irr is not None]
        out["time_at_risk"] = (
            f"De schattingen hierboven tellen alleen de dagen waarop een cliënt niet vastzat en nog leefde "
            f"({r.tijd_at_risk.detentieperioden} detentieperioden, {r.tijd_at_risk.overleden} overleden cliënten)."
        )
        if found:
            name, t = found[0]
            which = "de hoofdschatting" if name == primary else f"de schatting {LABELS[name]}"
            out["time_at_risk"] += f" Zonder die correctie zou {which} {ratio(t)} zijn."
    return out


def _estimate_sentences(r: Results, p: Protection) -> list[str]:
    e: Effects = r.effect
    lng, sht = r.settings.vensters.lang_maanden, r.settings.vensters.kort_maanden
    out = []
    naive, symmetric, fe, imp, co = e.naive, e.symmetric, e.comparison, e.imputation, e.cohort
    if pretrend_failed(r):
        out.append(
            "Vooraf: het aantal registraties veranderde al vóór het ICO (zie de toets op een eerdere trend, verderop "
            "in dit hoofdstuk). "
            + (
                "Geen van de schattingen die de cliënten met hun eigen eerdere maanden vergelijken (per cohort, vaste "
                "effecten, imputatie, vóór-na, symmetrisch) is daarom het effect van het ICO; de vergelijking met "
                "gekoppelde "
                "personen rust op een andere aanname (zie de volgende paragraaf)."
                if e.matched is not None and e.matched.irr is not None
                else "Geen van de getallen hieronder is daarom het effect van het ICO; het zijn verhoudingen "
                "tegenover een vergelijking die in deze gegevens niet betrouwbaar is."
            )
        )
    if naive.irr is not None:
        out.append(
            f"Vóór-na, zoals in de eerdere, met de hand gemaakte rendementsanalyses ({months(lng)} vóór tegen "
            f"{months(lng)} na het ICO): "
            f"{ratio(naive)}, {change_words(naive.irr)}. Dit beschrijft wat er gebeurde; de maanden vlak vóór het "
            f"ICO zijn vaak de maanden van de piek, en een daling daarna is dan deels ook zonder ICO te verwachten."
        )
    if symmetric.irr is not None:
        out.append(
            f"Symmetrisch (maand {lng} tot {sht} vóór de start tegen maand {sht} tot {lng} na het einde, dus zonder "
            f"de laatste maanden vóór het ICO en zonder de eerste nazorg): {ratio(symmetric)}, "
            f"{change_words(symmetric.irr)}."
        )
    a = r.settings.anticipatie_maanden
    if co.irr is None:
        out.append(f"Per cohort: niet te schatten ({co.reden or ''}).")
    else:
        n_cohorts = len({c.cohort for c in co.cohort_effecten})
        out.append(
            f"Per cohort (Wooldridge, 2023): de cliënten zijn ingedeeld naar de periode van "
            f"{months(r.settings.cohort_maanden)} waarin hun ICO begon ({nl_count(n_cohorts)} cohorten), en voor "
            f"elk cohort en elke maand na het ICO is een eigen effect geschat, tegenover de eigen maanden tot "
            f"{months(a)} vóór het ICO en wat in dezelfde kalendermaanden voor iedereen veranderde. Samengenomen, "
            f"gewogen naar het aantal registraties dat zonder ICO te verwachten was: {ratio(co)}, "
            f"{change_words(co.irr)}. Zo telt een effect dat bij vroeg en laat "
            f"besproken cliënten verschilt, of dat met de tijd groeit, mee zoals het is."
        )
    if fe.irr is None:
        out.append(f"Met vaste effecten per cliënt en kalendermaand: niet te schatten ({fe.reden or ''}).")
    else:
        missing = fe.n_clients_zonder_registraties or 0
        without = (
            " Cliënten zonder enige registratie in de exportperiode tellen in deze schatting niet mee (bij hen "
            "valt niets te vergelijken); "
            + (f"dat zijn er {_small(missing, p)}." if missing else "die zijn er in deze gegevens niet.")
        )
        out.append(
            f"Met vaste effecten per cliënt en kalendermaand, en één effect voor alle cliënten samen: elke cliënt "
            f"wordt vergeleken met zijn eigen maanden "
            f"tot {months(a)} vóór zijn ICO, en de maanden van cliënten die pas later in een ICO kwamen laten zien "
            f"wat in dezelfde kalendermaanden voor iedereen veranderde (COVID-19-maatregelen, werkwijze van de "
            f"politie). Deze schatting gebruikt alle {nl_int(fe.n_clients)} cliënten met registraties in de "
            f"exportperiode, ook wie in de vóór-na-vergelijking niet meetelt omdat zijn periode vóór of na het ICO "
            f"niet helemaal in de gegevens valt: zijn maanden die wel in de gegevens vallen, tellen mee. "
            f"Uitkomst: {ratio(fe)}, {change_words(fe.irr)}.{without} Deze schatting staat er ter vergelijking: als "
            f"het effect verschilt tussen cliënten die vroeg en laat besproken zijn, of met de tijd groeit, "
            f"vergelijkt zij cliënten ook met al eerder besprokenen en kan zij vertekend zijn."
        )
    if imp.irr is None:
        out.append(f"Met imputatie: niet te schatten ({imp.reden or ''}).")
    else:
        lost = imp.registraties_niet_te_imputeren or 0
        latest = imp.laatste_start_gedekt
        gap = (
            ""
            if lost == 0 or imp.aandeel_gedekt is None
            else f" Deze schatting geldt alleen voor {nl_pct(imp.aandeel_gedekt * 100, 0)} van de registraties na het "
            f"ICO: die in maanden waarin nog cliënten niet besproken waren"
            + (f", bij cliënten met een ICO-start tot en met {nl_month(latest)}" if latest else "")
            + f". De andere {nl_int(lost)} (in maanden waarin iedereen al besproken was, of van cliënten zonder "
            f"registratie vóór hun ICO) zijn niet te vergelijken en tellen niet mee; zo meet zij het effect bij vooral "
            f"de vroeg besproken cliënten, en niet hetzelfde als de andere schattingen."
        )
        out.append(
            f"Met imputatie (Borusyak, Jaravel en Spiess, Review of Economic Studies, 2024): uit alleen de maanden "
            f"vóór de ICO's wordt voor elke maand na een ICO geschat hoeveel registraties er zonder ICO te "
            f"verwachten waren, als het aantal zonder ICO niet al aan het veranderen was. Over "
            f"{nl_int(imp.n_clients)} cliënten: {ratio(imp)}, {change_words(imp.irr)}.{gap}"
        )
    return out


def _group_name(kenmerk: str, groep: str) -> str:
    if kenmerk == "geslacht":
        return {"man": "mannen", "vrouw": "vrouwen"}.get(groep, groep)
    return f"cliënten van {groep} jaar"


def _hidden(kenmerk: str, groep: str, p: Protection) -> bool:
    return groep in (p.sex if kenmerk == "geslacht" else p.age)


def _peak_intro(r: Results, es: list[EventMonth]) -> str:
    """How registrations per client rise towards the ICO, in the data's own numbers."""
    before = [x for x in es if x.referentie == "start" and x.maand < 0]
    if not before:  # every month before the start hidden by disclosure control: no numbers to tell
        return (
            "Cliënten worden aangemeld voor een ICO als het slecht gaat; na zo'n piek daalt het aantal registraties "
            "vaak ook zonder ingreep (regressie naar het gemiddelde). Daarom staan hieronder "
            f"{n_estimates(r)} schattingen van de verandering naast elkaar."
        )
    peak = max(es, key=lambda x: x.per_client or 0)
    if peak.referentie == "start" and peak.maand < 0:
        peak_name = f"de maand die {months(-peak.maand)} vóór de start begint"
    elif peak.referentie == "start":
        peak_name = f"de {nl_ordinal(peak.maand + 1)} maand van het ICO"
    else:
        peak_name = f"de {nl_ordinal(peak.maand)} maand na het einde"
    first, top = before[0].per_client, peak.per_client
    movement = "oploopt" if top > first else "verloopt"
    return (
        f"Cliënten worden aangemeld voor een ICO als het slecht gaat. Maand voor maand is te zien hoe het aantal "
        f"registraties per cliënt per maand {movement}: van {nl_decimal(first, 2)} in de maand die "
        f"{months(-before[0].maand)} vóór de start begint tot {nl_decimal(top, 2)} in {peak_name}, het hoogste punt. "
        f"Na een piek daalt het aantal vaak ook zonder ingreep (regressie naar het gemiddelde). Daarom staan "
        f"hieronder {n_estimates(r)} schattingen van de verandering naast elkaar."
    )


def _primary_text(r: Results, p: Protection) -> list[str]:
    e = r.effect
    matched = e.primary.estimator == "matched"
    out = [
        f"Welke schatting de hoofdschatting is, staat vóór het zien van de gegevens vast in de instellingen "
        f"van de analyse: hier {LABELS[e.primary.estimator]}. De andere schattingen staan ernaast als controle; "
        f"de keuze hangt niet af van de uitkomst."
        + (f" Zonder vergelijkingsgroep was dat {LABELS[r.settings.primair]} geweest." if matched else ""),
        pretrend_sentence(r),
    ]
    rows = [s for s in (e.sensitivity or []) if s.irr is not None]
    if len(rows) >= 2:
        low, high = min(rows, key=lambda s: s.irr), max(rows, key=lambda s: s.irr)
        choice = (
            "of de laatste maanden vóór de start, waarin het aantal registraties vaak al oploopt, meetellen in de "
            "periode vóór het ICO, is een keuze: nu tellen ze mee, bij cliënten en vergelijkingspersonen gelijk"
            if matched
            else "hoeveel maanden vóór de start als aanloop tellen (en dus niet als vergelijking), is een keuze: nu "
            f"{months(e.primary.anticipatie_maanden)}"
        )
        spread = (
            f"{choice[0].upper()}{choice[1:]}. Met een aanloop van {rows[0].anticipatie_maanden} tot "
            f"{rows[-1].anticipatie_maanden} maanden ligt de hoofdschatting tussen {nl_decimal(low.irr, 2)} "
            f"(aanloop {low.anticipatie_maanden}) en {nl_decimal(high.irr, 2)} (aanloop {high.anticipatie_maanden})"
        )
        crosses = any(s.ci_low <= 1 <= s.ci_high for s in rows) and not all(s.ci_low <= 1 <= s.ci_high for s in rows)
        out.append(
            spread
            + (
                "; bij een deel van die keuzes bevat het interval 1, dus de conclusie hangt van deze keuze af."
                if crosses
                else "; zie bijlage A."
            )
        )
    mde = e.mde
    if mde is not None and mde.irr is not None:
        out.append(
            f"Hoe groot een verandering minstens moet zijn om opgemerkt te worden: met deze aantallen zou de "
            f"hoofdschatting een daling van {nl_pct((1 - mde.irr) * 100, 0)} of meer met een kans van "
            f"{nl_pct(mde.power * 100, 0)} opmerken (tweezijdig, {nl_pct(mde.alpha * 100, 0)} significantieniveau); "
            f"een kleinere verandering kan bestaan zonder dat deze gegevens haar laten zien."
            + (
                " Dat geldt alleen als de aanname van de schatting klopt, en hier klopt zij niet."
                if primary_check_failed(r)
                else ""
            )
        )
        groups = [g for g in mde.subgroepen if g.irr is not None and not _hidden(g.kenmerk, g.groep, p)]
        if groups:
            parts = [
                f"bij {nl_int(g.n_clients)} {_group_name(g.kenmerk, g.groep)} {nl_pct((1 - g.irr) * 100, 0)}"
                for g in groups
            ]
            out.append(
                "Per subgroep, met de hoofdschatting op alleen die cliënten, is de kleinste daling die zo opgemerkt "
                "zou worden groter: " + "; ".join(parts) + ". In een kleine subgroep kan een verandering van "
                "die omvang dus bestaan zonder dat de gegevens haar laten zien."
            )
    return out


def _small(n: int, p: Protection) -> str:
    return f"minder dan {p.k}" if 0 < n < p.k else nl_int(n)


def what_would_help(with_time_at_risk: bool, with_comparison: bool = False) -> list[str]:
    comparison = (
        "Meer over de vergelijkingspersonen dan de politie registreert (zorg, wonen, eerdere hulp), zodat de "
        "vergelijking ook daarop kan koppelen; en hun detentie, zodat ook bij hen tijd vast niet als verbetering telt."
        if with_comparison
        else "Een echte vergelijkingsgroep: vergelijkbare personen die niet in een ICO zijn besproken, bijvoorbeeld "
        "uit de politiegegevens van dezelfde regio, gekoppeld op hun registraties vóór het moment van aanmelding "
        "(de analyse doet dat als de politie die gegevens levert)."
    )
    firmer = [
        comparison,
        "Langere follow-up: registraties tot een jaar of langer na het ICO laten zien of een daling blijft.",
        "Meer cliënten: meerdere jaargangen samen geven smallere intervallen.",
    ]
    if not with_time_at_risk:
        firmer.append(
            "Gegevens over detentie, opname en overlijden: dan telt tijd waarin iemand niet geregistreerd "
            "kón worden niet als verbetering (de analyse neemt ze mee als er een bestand met detentieperioden en "
            "de overlijdensdatum in de cliëntenlijst worden aangeleverd)."
        )
    return firmer


def _without_time_at_risk(r: Results, p: Protection) -> Table | None:
    if r.effect_zonder_tijd_at_risk is None:
        return None
    return effect_table(
        r,
        p,
        "effect_zonder_tijd_at_risk",
        "effect_zonder_tijd_at_risk",
        "De schattingen zonder correctie voor tijd at risk",
    )


TABLES = [effect_table, event_study_table, _without_time_at_risk]
FIGURES = (
    Drawn(id="maand_voor_maand", draw=event_study_chart),
    Drawn(id="effect", draw=lambda r, p: effect_chart(r)),
    Drawn(id="effect_maanden", draw=lambda r, p: event_time_chart(r)),
)


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"effect": effect_text(r, p)}
