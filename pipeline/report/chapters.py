"""The chapters the report writes itself: the Samenvatting, the Onderzoeksmethode and a draft of the Conclusies.

The method is written from the settings, the mapping and the run, so it cannot drift from what was computed.
The summary and the draft conclusions are written from the results, each sentence conditioned on the numbers it
states: a fall, a rise, no change, an interval with or without 1, a failed pre-trend check each read differently.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import months, nl_count, nl_decimal, nl_int, nl_p, nl_pct
from pipeline.report.effect_text import (
    LABELS,
    change_words,
    n_estimates,
    pretrend_failed,
    primary_check_failed,
    ratio,
)
from pipeline.report.outline import Outline
from pipeline.report.text import (
    change_word,
    count_words,
    counted_roles,
    nl_date,
    nl_list,
    nl_month,
    rises_towards_ico,
    window_rates,
)
from schemas.results import Results


@dataclass(frozen=True)
class Part:
    """A titled part of a generated chapter: its heading and its paragraphs."""

    title: str
    paragraphs: list[str]


def _fell(before: float, after: float) -> str:
    return "daalde" if after < before else ("steeg" if after > before else "bleef gelijk")


def _significant(p: float | None, alpha: float) -> bool | None:
    return None if p is None else p < alpha


def _what_happened(r: Results) -> str:
    o, s = r.overall, r.settings
    lng = months(s.vensters.lang_maanden)
    per = r.perioden_per_maand or {}
    text = (
        f"In de {lng} na het ICO hadden de {nl_int(r.n_clients)} cliënten samen {nl_int(o.na)} politieregistraties, "
        f"tegen {nl_int(o.voor)} in de {lng} ervoor: het aantal {_fell(o.voor, o.na)}"
        + ("" if o.afname_pct is None or o.voor == o.na else f" met {nl_pct(abs(o.afname_pct))}")
        + "."
    )
    if "voor" in per and "na" in per and per["voor"].per_client_per_maand and per["na"].per_client_per_maand:
        text += (
            f" Per cliënt per maand is dat {nl_decimal(per['voor'].per_client_per_maand, 2)} vóór en "
            f"{nl_decimal(per['na'].per_client_per_maand, 2)} na het ICO."
        )
    significant = _significant(o.wilcoxon.p, s.alpha)
    if significant is True:
        text += f" Per cliënt vergeleken is dat verschil statistisch significant ({nl_p(o.wilcoxon.p)})."
    elif significant is False:
        text += (
            f" Per cliënt vergeleken is dat verschil niet statistisch significant ({nl_p(o.wilcoxon.p)}): het kan "
            f"toeval zijn."
        )
    return text


def _effect_paragraph(r: Results) -> str:
    e = r.effect.primary
    label = LABELS[e.estimator]
    if e.irr is None:
        return (
            f"Hoe groot het effect van het ICO is, kon met deze gegevens niet worden geschat (hoofdschatting: {label})."
        )
    if e.estimator == "matched" and primary_check_failed(r):
        return (
            f"Of die verandering door het ICO komt, is met deze gegevens niet te zeggen: de vergelijkingsgroep lijkt "
            f"vóór de start niet genoeg op de cliënten. De hoofdschatting ({label}) komt uit op een verhouding van "
            f"{ratio(e)}, maar is daardoor niet als effect te lezen."
        )
    if e.estimator != "matched" and pretrend_failed(r):
        return (
            f"Of die verandering door het ICO komt, is met deze gegevens niet te zeggen: het aantal registraties "
            f"veranderde al ruim vóór het ICO, dus is niet vast te stellen wat er zonder ICO was gebeurd. De "
            f"hoofdschatting "
            f"({label}) komt uit op een verhouding van {ratio(e)}, maar is daardoor niet als effect te lezen."
        )
    if e.ci_low <= 1 <= e.ci_high:
        verdict = (
            "Het interval bevat 1: een effect van het ICO is met deze gegevens niet aangetoond, en evenmin uitgesloten."
        )
    elif e.ci_high < 1:
        verdict = "Het hele interval ligt onder 1: deze gegevens wijzen op minder registraties door het ICO."
    else:
        verdict = "Het hele interval ligt boven 1: deze gegevens wijzen op meer registraties na het ICO."
    if e.estimator == "matched":
        if e.ci_high < 1:
            verdict = (
                "Het hele interval ligt onder 1: de cliënten hadden na het ICO minder registraties dan personen die "
                "er op de dag van de start op leken. Dat is het effect van het ICO voor zover de twee groepen ook "
                "lijken in wat de politie niet registreert."
            )
        elif e.ci_low > 1:
            verdict = (
                "Het hele interval ligt boven 1: de cliënten hadden na het ICO meer registraties dan personen die "
                "er op de dag van de start op leken."
            )
        return (
            f"Niet alles wat na het ICO veranderde, komt door het ICO. De hoofdschatting ({label}) vergelijkt de "
            f"cliënten met personen uit de politiegegevens die niet in een ICO zijn besproken en vóór de start "
            f"hetzelfde verloop hadden: na het ICO {change_words(e.irr)}, een verhouding van {ratio(e)}. {verdict}"
        )
    return (
        f"Niet alles wat na het ICO veranderde, komt door het ICO. De hoofdschatting van het effect ({label}) "
        f"vergelijkt met wat zonder ICO te verwachten was: na het ICO {change_words(e.irr)}, een verhouding van "
        f"{ratio(e)}. {verdict}"
    )


def _severity_paragraph(r: Results, p: Protection) -> str | None:
    heavy = r.severity.get("zwaar")
    parts = []
    if heavy is not None and "zwaar" not in p.severity:
        parts.append(
            f"Het aantal zware registraties (buiten de E-meldingen) {_fell(heavy.voor, heavy.na)}: van "
            f"{nl_int(heavy.voor)} naar {nl_int(heavy.na)}."
        )
    mix = r.severity_score.mix
    if mix is not None and mix.gemiddeld_voor is not None and mix.gemiddeld_na is not None:
        significant = _significant(mix.wilcoxon.p, r.settings.alpha)
        lighter = mix.gemiddeld_na < mix.gemiddeld_voor
        measure = (
            f"het gemiddelde gewicht van de registraties van een cliënt, E-meldingen als licht, gemiddeld over de "
            f"{count_words(p.mix, mix.n_clients, p)} cliënten met registraties vóór én na: "
            f"{nl_decimal(mix.gemiddeld_voor, 2)} vóór, {nl_decimal(mix.gemiddeld_na, 2)} na; {nl_p(mix.wilcoxon.p)}"
        )
        score, o = r.severity_score, r.overall
        if not p.score and o.voor and o.na:  # the score totals and the counts are both in the tables
            measure += (
                f"; over alle registraties samen van {nl_decimal(score.voor / o.voor, 2)} naar "
                f"{nl_decimal(score.na / o.na, 2)}"
            )
        if significant:
            parts.append(
                "Ook per registratie werden de registraties "
                + ("lichter" if lighter else "zwaarder")
                + f" ({measure})."
            )
        elif significant is False:
            parts.append(f"Of de registraties zelf minder zwaar werden, tonen deze gegevens niet aan ({measure}).")
    return " ".join(parts) or None


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
    severity = _severity_paragraph(r, p)
    if severity:
        out.append(severity)
    out.append(_effect_paragraph(r))
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


def method(r: Results) -> list[Part]:
    """The Onderzoeksmethode, from the settings, the mapping and the run: true for this report by construction."""
    s, dq = r.settings, r.data_quality
    v = s.vensters
    lng, sht = months(v.lang_maanden), months(v.kort_maanden)
    names = list(r.windows)
    excluded = sum(dq.clients_excluded_followup.values())
    data = [
        f"De politie leverde de registraties (uit BVH, het registratiesysteem van de politie) van de cliënten over "
        f"de periode {nl_date(s.periode.van)} t/m {nl_date(s.periode.tot)}. Het {s.rapport.organisatie} leverde de "
        f"lijst van {nl_int(dq.clients_read)} cliënten met hun geslacht, leeftijd en de begin- en einddatum van hun "
        f"ICO. Beide bestanden zijn gepseudonimiseerd: ze bevatten geen namen, alleen een code per persoon.",
        f"Een cliënt telt alleen mee als zijn ICO is afgesloten en de hele periode van {lng} vóór de start tot {lng} "
        f"na het einde binnen de politiegegevens valt; anders zou de periode erna te kort zijn en een daling "
        f"nabootsen. Zo zijn {nl_int(r.n_clients)} cliënten vergeleken; "
        + (
            "de andere cliënten vielen af (zie bijlage B)."
            if excluded >= r.settings.min_publicatie or excluded == 0
            else f"minder dan {r.settings.min_publicatie} cliënten vielen af (zie bijlage B)."
        ),
    ]
    windows = [
        f"Elke registratie is ingedeeld naar het moment ten opzichte van het ICO, in kalendermaanden: "
        f"'{names[0]}' ({months(v.lang_maanden)} tot {sht} vóór de start), '{names[1]}' (de laatste {sht} vóór de "
        f"start), 'tijdens' (van de start tot en met het einde van het ICO), '{names[3]}' (de eerste {sht} na het "
        f"einde) en '{names[4]}' ({sht} tot {lng} na het einde). 'Vóór' is de som van de eerste twee, 'na' van de "
        f"laatste twee. Bestaat de dag niet in een kortere maand (31 maart min één maand), dan geldt de laatste dag "
        f"van die maand.",
        "De periode tijdens het ICO duurt per cliënt even lang als zijn ICO; de andere perioden duren een vast "
        "aantal maanden. Daarom vergelijkt het rapport de perioden ook per cliënt per maand: het aantal "
        "registraties gedeeld door de tijd die alle cliënten samen in de periode doorbrachten"
        + (
            ", zonder de tijd in detentie of na overlijden."
            if r.tijd_at_risk is not None
            else ". Tijd in detentie, opname of na overlijden is niet bekend en telt mee."
        ),
    ]
    counted = [
        f"Geteld zijn {counted_roles(r)}. Komt een cliënt in één registratie in meer rollen voor, "
        f"dan telt die registratie één keer. Het rapport toont de rollen ook apart.",
        f"De politie deelt elke registratie in naar een IMK-code (Incident Maatschappelijke Klasse). De E-codes "
        f"(meldingen en assistentie, vaak overlast) zijn ingedeeld in {nl_count(len(r.e_categories))} "
        f"categorieën ({nl_list(list(r.e_categories))}); de andere registraties naar zwaarte ("
        + nl_list([f"{k} met gewicht {v:g}" for k, v in r.severity_score.gewichten.items()])
        + "). De onderzoeker legt die indeling vast in een bestand dat bij dit rapport hoort; "
        + (
            "een code die daar niet in staat, stopt de analyse, zodat niets ongemerkt verkeerd wordt ingedeeld."
            if s.onbekende_codes == "stoppen"
            else "een code die daar niet in staat, krijgt de indeling van haar klasse; bijlage B telt ze."
        ),
    ]
    tests = [
        f"Of het aantal registraties na het ICO verschilt van het aantal ervoor, is per cliënt getoetst met de "
        f"Wilcoxon-toets voor gepaarde waarnemingen (tweezijdig, significantieniveau "
        f"{nl_pct(s.alpha * 100, 0)}). Die toets past bij aantallen die scheef verdeeld zijn: een paar cliënten "
        f"met heel veel registraties bepalen de uitkomst niet. Groepen van minder dan {nl_int(s.min_groepsgrootte)} "
        f"cliënten zijn niet getoetst. De p-waarden van alle getoetste groepen (geslacht, leeftijd en soort ICO "
        f"samen) zijn gecorrigeerd voor meervoudig toetsen (Holm).",
        f"Per cliënt is ook de verandering ingedeeld: toegenomen, gelijk of gedaald met hooguit "
        f"{nl_pct(s.kleine_afname_tot * 100, 0)}, gedaald met meer dan dat maar minder dan "
        f"{nl_pct(s.grote_afname_vanaf * 100, 0)}, of met {nl_pct(s.grote_afname_vanaf * 100, 0)} of meer; apart "
        f"voor cliënten met minder dan {nl_int(s.veel_vanaf)} en met {nl_int(s.veel_vanaf)} of meer registraties "
        f"vóór het ICO. "
        + (
            f"Om te zien wat toeval alleen al geeft, is het totaal van elke cliënt "
            f"{nl_int(r.change_groups_null.herhalingen)} keer willekeurig over vóór en na verdeeld."
            if r.change_groups_null is not None
            else ""
        ),
    ]
    pre = r.effect.pretrend
    effect = [
        "Een daling na het ICO is nog geen effect van het ICO: het aantal registraties kan ook zonder ICO veranderen. "
        f"Het rapport geeft daarom {n_estimates(r)} "
        "schattingen van de verhouding tussen het aantal registraties na het ICO en "
        "het aantal dat zonder ICO te verwachten was. De hoofdschatting is vóór het zien van de gegevens gekozen ("
        f"{LABELS[r.effect.primary.estimator]}); de andere staan ernaast als controle.",
        f"De maanden vlak vóór het ICO, waarin cliënten vaak juist veel registraties hebben (de reden van "
        f"aanmelding), tellen niet mee als vergelijking: de laatste {months(s.anticipatie_maanden)} vóór de start "
        f"zijn aanloop."
        + (
            f" Een toets kijkt of het aantal al eerder veranderde (maand {-pre.maanden[0]} tot {-pre.maanden[-1]} "
            f"vóór de start tegen de maanden daarvóór)."
            if pre is not None and pre.maanden
            else ""
        ),
    ]
    privacy = [
        f"Het rapport bevat geen gegevens over personen, alleen aantallen. Een groep van minder dan "
        f"{nl_int(s.min_publicatie)} cliënten toont '<{s.min_publicatie}' in plaats van haar aantallen; een aantal "
        f"registraties dat één of twee cliënten bijna alleen maken, toont 'x'. Waar een verborgen getal uit de "
        f"andere getallen af te leiden zou zijn, is ook een ander getal verborgen."
    ]
    return [
        Part("Gegevens", data),
        Part("Perioden rond het ICO", windows),
        Part("Welke registraties tellen", counted),
        Part("Toetsen", tests),
        Part("Schattingen van de verandering", effect),
        Part("Geheimhouding", privacy),
    ]


def conclusions(r: Results, p: Protection) -> list[Part]:
    """A draft of the Conclusies, one answer per research question, in the words the numbers allow."""
    o = r.overall
    alpha = r.settings.alpha
    significant = _significant(o.wilcoxon.p, alpha)
    if o.na < o.voor and significant:
        fewer = (
            f"Ja, gemeten als beschrijving: na het ICO hadden de cliënten minder registraties dan ervoor "
            f"({nl_int(o.voor)} → {nl_int(o.na)}), en dat verschil is statistisch significant."
        )
    elif o.na > o.voor and significant:
        fewer = (
            f"Nee: na het ICO hadden de cliënten meer registraties dan ervoor ({nl_int(o.voor)} → {nl_int(o.na)}), "
            f"en dat verschil is statistisch significant."
        )
    else:
        fewer = (
            f"Niet aantoonbaar: het aantal {_fell(o.voor, o.na)} ({nl_int(o.voor)} → {nl_int(o.na)}), maar dat "
            f"verschil is niet statistisch significant."
        )
    severity = _severity_paragraph(r, p) or "Over de zwaarte zijn in dit rapport geen aantallen te tonen."
    parts = [
        Part("Zijn er na het ICO minder politieregistraties?", [fewer]),
        Part("Zijn de registraties minder zwaar?", [severity]),
        Part("Komt dat door het ICO?", [_effect_paragraph(r)]),
    ]
    advice = [
        "Een vergelijkingsgroep van vergelijkbare personen die niet in een ICO zijn besproken, uit de "
        "politiegegevens van dezelfde regio, zou laten zien hoeveel van de verandering ook zonder ICO was gekomen."
        if r.matching is None
        else "De vergelijkingsgroep uit de politiegegevens kent alleen wat de politie registreert; gegevens van "
        "zorgpartners over wie in aanmerking kwam, zouden de vergelijking sterker maken.",
        "Registraties waarin de cliënt slachtoffer of getuige is, zeggen iets anders dan registraties als "
        "verdachte; het rapport toont ze apart, en een keuze voor alleen bepaalde rollen kan in de instellingen.",
    ]
    if r.tijd_at_risk is None:
        advice.append(
            "Gegevens over detentie en overlijden voorkomen dat tijd waarin iemand geen registraties kón hebben, "
            "als verbetering telt."
        )
    if r.n_clients < 300:
        advice.append(
            f"Met {nl_int(r.n_clients)} cliënten zijn kleine effecten niet te zien; meer jaargangen samen geven "
            f"nauwkeuriger schattingen."
        )
    parts.append(Part("Aanbevelingen voor een volgende analyse", advice))
    return parts


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
