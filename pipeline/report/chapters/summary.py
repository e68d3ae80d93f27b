"""Samenvatting and Leeswijzer, written from the results, each sentence conditioned on the numbers it states."""

from __future__ import annotations

from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import months, nl_count, nl_decimal, nl_int, nl_p, nl_pct
from pipeline.report.findings import (
    effect_paragraph,
    fell_words,
    is_significant,
    rises_towards_ico,
    severity_paragraph,
    window_rates,
)
from pipeline.report.outline import Outline
from pipeline.report.words import change_word, counted_roles, nl_list, nl_month
from schemas.results import Results


def summary(r: Results, p: Protection, outline: Outline) -> list[str]:
    """The Samenvatting: what was studied, what happened, whether it is an effect, severity, and the limits."""
    first, last = nl_month(r.ico_periode.eerste_start), nl_month(r.ico_periode.laatste_eind)
    out = [
        f"Dit rapport volgt {nl_int(r.n_clients)} cliënten die in het individueel casusoverleg (ICO) van het "
        f"{r.settings.rapport.organisatie} zijn besproken, met ICO's die begonnen vanaf {first} en uiterlijk in "
        f"{last} waren afgesloten. Voor elke cliënt zijn de politieregistraties geteld in de "
        f"{months(r.settings.vensters.lang_maanden)} vóór, tijdens en in de "
        f"{months(r.settings.vensters.lang_maanden)} na het ICO.",
        _what_happened(r),
    ]
    suspect = _suspect_paragraph(r, p)
    if suspect:
        out.append(suspect)
    severity = severity_paragraph(r, p)
    if severity:
        out.append(severity)
    out.append(effect_paragraph(r))
    if rises_towards_ico(r):
        rates = window_rates(r)
        out.append(
            f"Cliënten worden aangemeld als het slecht gaat: vlak vóór het ICO was het aantal registraties per "
            f"cliënt per maand hoger ({nl_decimal(rates[1], 2)}) dan daarvóór ({nl_decimal(rates[0], 2)}). Na zo'n "
            f"piek daalt het aantal vaak vanzelf weer (regressie naar het gemiddelde); een vergelijking van vóór "
            f"met na overschat daarom het effect."
        )
    if r.matching is None:
        out.append(
            "Er is geen vergelijkingsgroep van personen die niet in een ICO zijn besproken; "
            f"{outline.ref('wel-en-niet')} noemt wat dat betekent."
        )
    else:
        out.append(
            f"De vergelijkingspersonen zijn personen uit de politiegegevens die niet in een ICO zijn besproken en op "
            f"de dag van de start op de cliënten leken ({outline.ref('effect-vergelijkingsgroep')}); wat zo'n "
            f"vergelijking niet uitsluit, staat daar en in {outline.ref('wel-en-niet')}."
        )
    return out


def reading_guide(r: Results, outline: Outline) -> list[str]:
    """The Leeswijzer: what is where, and how to read the numbers, tables and figures."""
    s = r.settings
    lng = months(s.vensters.lang_maanden)
    named = [
        f"{h.number} ({h.title})"
        for h in outline.chapters
        if h.number and h.number.isdigit() and h.id not in ("samenvatting", "leeswijzer")
    ]
    appendices = [h for h in outline.chapters if h.number.isalpha()]
    return [
        "Het rapport begint met de kerncijfers en een samenvatting. Daarna volgen de hoofdstukken "
        + nl_list(named)
        + (f", en {nl_count(len(appendices))} bijlagen met de verantwoording." if appendices else "."),
        f"'Vóór' staat steeds voor de {lng} vóór de start van het ICO, 'na' voor de {lng} na het einde. De "
        f"kolom 'Verandering' geeft het verschil tussen na en vóór als percentage van vóór: een min-teken is een "
        f"daling, een plus-teken een stijging. Omdat de perioden niet even lang zijn (het ICO zelf duurt per cliënt "
        f"anders), vergelijkt het rapport ze ook per cliënt per maand.",
        f"Het rapport bevat geen gegevens over personen. Een groep van minder dan {nl_int(s.min_publicatie)} "
        f"cliënten toont '<{s.min_publicatie}' in plaats van haar aantallen. 'x' staat voor een getal dat niet "
        f"getoond wordt omdat één of twee cliënten het grootste deel ervan hebben, of omdat een verborgen getal "
        f"er anders uit te berekenen zou zijn. Aandelen (percentages) zijn steeds berekend op het totaal van alle "
        f"groepen, ook de verborgen.",
        "Woorden als p-waarde, interval en regressie naar het gemiddelde worden uitgelegd in de begrippenlijst "
        f"(hoofdstuk {outline.number('begrippen')}). Elke tabel staat ook als CSV-bestand bij het rapport, om er "
        f"zelf mee verder te rekenen; elke figuur als SVG-bestand.",
    ]


def _what_happened(r: Results) -> str:
    o, s = r.overall, r.settings
    lng = months(s.vensters.lang_maanden)
    per = r.perioden_per_maand or {}
    text = (
        f"In de {lng} na het ICO hadden de {nl_int(r.n_clients)} cliënten samen {nl_int(o.na)} politieregistraties, "
        f"tegen {nl_int(o.voor)} in de {lng} ervoor: het aantal {fell_words(o.voor, o.na)}"
        + ("" if o.afname_pct is None or o.voor == o.na else f" met {nl_pct(abs(o.afname_pct))}")
        + "."
    )
    if "voor" in per and "na" in per and per["voor"].per_client_per_maand and per["na"].per_client_per_maand:
        text += (
            f" Per cliënt per maand is dat {nl_decimal(per['voor'].per_client_per_maand, 2)} vóór en "
            f"{nl_decimal(per['na'].per_client_per_maand, 2)} na het ICO."
        )
    significant = is_significant(o.wilcoxon.p, s.alpha)
    if significant is True:
        text += f" Per cliënt vergeleken is dat verschil statistisch significant ({nl_p(o.wilcoxon.p)})."
    elif significant is False:
        text += (
            f" Per cliënt vergeleken is dat verschil niet statistisch significant ({nl_p(o.wilcoxon.p)}): het kan "
            f"toeval zijn."
        )
    return text


def _suspect_paragraph(r: Results, p: Protection) -> str | None:
    g = r.by_role.get("verdachte")
    if g is None or "verdachte" in p.role or r.settings.rollen == ["verdachte"]:
        return None
    return (
        f"De cijfers tellen {counted_roles(r)}. Alleen de registraties waarin de cliënt verdachte is: "
        f"{change_word(g.voor, g.na)} van {nl_int(g.voor)} naar {nl_int(g.na)}"
        + ("" if g.afname_pct is None else f" ({nl_pct(g.afname_pct, sign=True)})")
        + "."
    )


TABLES: list = []
FIGURES: tuple = ()


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"summary": summary(r, p, outline), "guide": reading_guide(r, outline)}
