"""Kerncijfers: the key sentences, the registrations per period and the key-figures table, and the period line of
the title page."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import months, nl_decimal, nl_int, nl_pct, pct_change
from pipeline.formatting.table import Table
from pipeline.report.chart import PERIOD_COLOURS, Chart
from pipeline.report.chart import save as _save
from pipeline.report.effect_words import pretrend_failed, primary_sentences
from pipeline.report.figures import Drawn, label_bars, left_out_note
from pipeline.report.findings import large_fall, rise_text, rises_towards_ico
from pipeline.report.outline import Outline
from pipeline.report.tables import CHANGE_NOTE, hidden_notes, masked_row
from pipeline.report.words import change_word, count_words, direction_words, nl_date, nl_month, significance_words
from schemas.results import Results


def key_figures(r: Results, p: Protection) -> Table:
    o = r.overall
    per = r.perioden_per_maand or {}
    rate = [per[k].per_client_per_maand if k in per else None for k in ("voor", "na")]
    rows: list[list[Any]] = [
        ["Cliënten in de vergelijking", o.n, o.n, None],
        ["Registraties", o.voor, o.na, o.afname_pct],
    ]
    if None not in rate:
        rows.append(["Registraties per cliënt per maand", *rate, pct_change(*rate)])
    suspect = r.by_role.get("verdachte")
    if suspect is not None and r.settings.rollen != ["verdachte"]:
        row = ["Registraties als verdachte", suspect.voor, suspect.na, suspect.afname_pct]
        rows.append(masked_row(row, p.role.get("verdachte")))
    rows += [
        masked_row([f"Registraties {k} (buiten de E-meldingen)", g.voor, g.na, g.afname_pct], p.severity.get(k))
        for k, g in r.severity.items()
    ]
    return Table(
        "kerncijfers",
        "Kerncijfers",
        ["", "Vóór het ICO", "Na het ICO", "Verandering"],
        ["text", "num", "num", "chg"],
        rows,
        notes=[
            f"Vóór en na: de {months(r.settings.vensters.lang_maanden)} vóór de start en na het einde van het ICO. "
            + CHANGE_NOTE,
            *hidden_notes(p, p.severity, p.role),
        ],
    )


def windows_chart(r: Results, p: Protection) -> Chart:
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
    label_bars(ax, bars, texts)
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
        + left_out_note(hidden, p.k),
        f"Staafdiagram van het aantal registraties per cliënt per maand per periode: {parts}.",
        *_save(fig),
    )


def key_sentences(r: Results, p: Protection, outline: Outline) -> list[str]:
    """Kerncijfers: the answer in a few plain sentences, for a reader who reads only the first page."""
    o, s = r.overall, r.settings
    lng = months(s.vensters.lang_maanden)
    alpha = s.alpha
    out = primary_sentences(r, f"in de figuur van {outline.ref('effect-hoofdschatting')}")
    change = "" if o.afname_pct is None else f" ({nl_pct(o.afname_pct, sign=True)})"
    out.append(
        f"Wat er gebeurde: het aantal registraties {direction_words(o.voor, o.na)} van {nl_int(o.voor)} in de {lng} "
        f"vóór het ICO naar {nl_int(o.na)} in de {lng} erna{change}. Dat is een beschrijving, niet het effect van "
        f"het ICO: ook zonder ICO kan het aantal registraties veranderen."
    )
    p_value = o.wilcoxon.p
    if p_value is not None:
        out.append(
            f"Per cliënt vergeleken is dit verschil {significance_words(p_value, alpha)}: gemiddeld "
            f"{nl_decimal(o.gemiddeld_voor)} registraties per cliënt vóór en {nl_decimal(o.gemiddeld_na)} erna."
        )
    suspect = suspect_sentence(r, p)
    if suspect:
        out.append(suspect)
    sexes = ", ".join(
        f"{nl_int(g.n)} {'mannen' if k == 'man' else 'vrouwen' if k == 'vrouw' else 'onbekend'}"
        for k, g in r.by_sex.items()
        if k not in p.sex
    )
    out.append(
        f"Het gaat om {nl_int(r.n_clients)} cliënten{f' ({sexes})' if sexes else ''} met samen "
        f"{nl_int(r.n_registrations)} "
        f"politieregistraties in de perioden rond het ICO."
    )
    if "zwaar" in r.severity and "zwaar" not in p.severity:
        z = r.severity["zwaar"]
        out.append(
            f"Zware registraties (buiten de E-meldingen) gingen van {nl_int(z.voor)} naar {nl_int(z.na)}"
            + ("" if z.afname_pct is None else f" ({nl_pct(z.afname_pct, sign=True)})")
            + "."
        )
    groups = r.change_groups
    n = sum(g.n for g in groups.values())
    halved = sum(g.afname_50_plus for g in groups.values())
    rose = sum(g.toegenomen for g in groups.values())
    if n:
        out.append(
            f"Bij {count_words(p.change_total.get('afname_50_plus'), halved, p)} van de {nl_int(n)} cliënten "
            f"{large_fall(r, 'past')}; bij {count_words(p.change_total.get('toegenomen'), rose, p)} nam het toe."
        )
    if rises_towards_ico(r):
        accounted = (
            "" if pretrend_failed(r) else "; de hoofdschatting houdt daar rekening mee, de beschrijving hierboven niet"
        )
        out.append(
            f"Let op: het aantal registraties liep op {rise_text(r, p)}. Een deel van een daling daarna is ook zonder "
            f"ICO te verwachten (regressie naar het gemiddelde){accounted}. Zie {outline.ref('effect')}."
        )
    return out


def period_text(r: Results) -> str:
    s = r.settings
    return (
        f"Politiegegevens van {nl_date(s.periode.van)} t/m {nl_date(s.periode.tot)}; ICO's gestart "
        f"vanaf {nl_month(r.ico_periode.eerste_start)} en afgesloten uiterlijk in "
        f"{nl_month(r.ico_periode.laatste_eind)}."
    )


def suspect_sentence(r: Results, p: Protection) -> str | None:
    """The change in registrations as a suspect alone: a fall in victimisation is no improvement in behaviour."""
    g = r.by_role.get("verdachte")
    if g is None or "verdachte" in p.role or r.settings.rollen == ["verdachte"]:
        return None
    change = "" if g.afname_pct is None else f" ({nl_pct(g.afname_pct, sign=True)})"
    return (
        f"Alleen de registraties waarin de cliënt verdachte is: {change_word(g.voor, g.na)} van {nl_int(g.voor)} "
        f"naar {nl_int(g.na)}{change}."
    )


TABLES = [key_figures]
FIGURES = (Drawn(id="vensters", draw=windows_chart),)


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"key": key_sentences(r, p, outline), "period": period_text(r)}
