"""The sentences about the effect: the primary estimate first, every verdict conditioned on the numbers it
states (an interval with or without 1, a pre-trend check passed or failed), never a fixed judgement."""

from __future__ import annotations

import math
from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import half_up, months, nl_count, nl_decimal, nl_int, nl_ordinal, nl_p, nl_pct
from schemas.results import Effects, Estimate, EventMonth, MatchedEstimate, Primary, Results

LABELS = {
    "comparison": "vaste effecten per cliënt en kalendermaand",
    "imputation": "imputatie uit de maanden vóór het ICO",
    "naive": "vóór-na",
    "symmetric": "symmetrisch vóór-na",
    "matched": "vergelijking met gekoppelde personen uit de politiegegevens",
}


def primary_check_failed(r: Results) -> bool:
    """Whether the primary estimate's own check failed: for the matched comparison the balance of the groups,
    for the others the pre-trend check (the matched design does not assume an unchanging count before the ICO:
    it compares with persons who had the same course)."""
    if r.effect.primary.estimator == "matched":
        m = r.matching
        return m is None or m.max_abs_smd is None or m.max_abs_smd > r.settings.vergelijkingsgroep.max_smd
    return pretrend_failed(r)


def ratio(e: Estimate | MatchedEstimate | Primary) -> str:
    return f"{nl_decimal(e.irr, 2)} (95%-interval {nl_decimal(e.ci_low, 2)} tot {nl_decimal(e.ci_high, 2)})"


def change_words(irr: float) -> str:
    change = (irr - 1) * 100
    if half_up(abs(change), 0) == 0:
        return "vrijwel evenveel registraties"
    return f"{nl_pct(abs(change), 0)} {'minder' if change < 0 else 'meer'} registraties"


def interval_verdict(e: Estimate | MatchedEstimate | Primary) -> str:
    """What the interval says, in the words its numbers allow."""
    if e.ci_low <= 1 <= e.ci_high:
        return (
            "Het interval bevat 1: met deze gegevens is een effect niet aangetoond, en evenmin uitgesloten "
            f"(van {change_words(e.ci_low)} tot {change_words(e.ci_high)} past bij de gegevens)."
        )
    if e.ci_high < 1:
        return f"Het hele interval ligt onder 1: ook aan de voorzichtige kant zijn het {change_words(e.ci_high)}."
    return f"Het hele interval ligt boven 1: ook aan de voorzichtige kant zijn het {change_words(e.ci_low)}."


def pretrend_failed(r: Results) -> bool:
    return r.effect.pretrend is not None and r.effect.pretrend.passed is False


def pretrend_sentence(r: Results, figure: str = "in de figuur hieronder") -> str:
    """The pre-trend verdict in plain words; `figure` says where the month-by-month ratios are shown."""
    t = r.effect.pretrend
    if t is None or t.p is None:
        return "Of het aantal registraties al ruim vóór het ICO veranderde, kon niet worden getoetst" + (
            f" ({t.reden})." if t is not None and t.reden else "."
        )
    span = f"maand {-t.maanden[0]} tot {-t.maanden[-1]} vóór de start"
    if t.passed:
        return (
            f"In {span} week het aantal registraties niet aantoonbaar af van de maanden daarvóór (toets op een "
            f"eerdere trend, {nl_p(t.p)}). Dat maakt de schatting geloofwaardiger, maar bewijst niet dat er geen "
            f"eerdere trend was."
        )
    leads = [x.irr for x in (r.effect.event_time or []) if x.fase == "voor" and x.maand in t.maanden and x.irr]
    if leads:
        level = float(sum(math.log(v) for v in leads) / len(leads))
        how = f"lag het aantal al {'lager' if level < 0 else 'hoger'} dan in de maanden daarvóór"
    else:
        how = "week het aantal al af van de maanden daarvóór"
    return (
        f"Het aantal registraties veranderde al ruim vóór het ICO: in {span} {how} (toets op een eerdere trend "
        f"in blokken van {months(t.blok_maanden or 1)}, {nl_p(t.p)}; per maand {figure}). "
        + (
            "De schattingen die de cliënten met hun eigen eerdere maanden vergelijken, kunnen daarom niet gelezen "
            "worden als het effect van het ICO: zij nemen aan dat het aantal zonder ICO niet al aan het veranderen "
            "was, en die aanname houdt hier geen stand. De vergelijking met gekoppelde personen neemt iets anders "
            "aan: dat de cliënten zich zonder ICO hadden ontwikkeld als personen die in dezelfde maanden hetzelfde "
            "verloop van registraties hadden en niet werden besproken. Deze toets kan die aanname niet controleren."
            if r.effect.matched is not None and r.effect.matched.irr is not None
            else "Geen van de schattingen in dit rapport kan daarom gelezen worden als het effect van het ICO: zij "
            "nemen aan dat het aantal zonder ICO niet al aan het veranderen was, en die aanname houdt hier geen "
            "stand."
        )
    )


def primary_sentences(r: Results, figure: str = "in de figuur hieronder") -> list[str]:
    """The primary estimate, its interval and the pre-trend verdict: the first lines of the key figures."""
    e = r.effect.primary
    label = LABELS[e.estimator]
    if e.irr is None:
        reason = getattr(r.effect, e.estimator).reden
        return [
            f"De vooraf gekozen hoofdschatting van het effect ({label}) kon met deze gegevens niet worden gemaakt"
            + (f": {reason}." if reason else ".")
        ]
    if e.estimator == "matched":
        return _matched_primary(r, e)
    if pretrend_failed(r):
        return [
            pretrend_sentence(r, figure),
            f"De vooraf gekozen hoofdschatting ({label}) komt uit op een verhouding van {ratio(e)}; door die "
            f"eerdere verandering is dat getal niet als effect van het ICO te lezen.",
        ]
    head = (
        f"Hoofdschatting van het effect (vooraf gekozen: {label}): na het ICO {change_words(e.irr)} dan zonder "
        f"ICO te verwachten was, een verhouding van {ratio(e)}."
    )
    return [head + " " + interval_verdict(e), pretrend_sentence(r, figure)]


def _matched_primary(r: Results, e: Primary) -> list[str]:
    """The matched comparison as the primary estimate: its check is how alike the groups are."""
    m = r.matching
    label = LABELS["matched"]
    if primary_check_failed(r):
        return [
            f"De vooraf gekozen hoofdschatting ({label}) komt uit op een verhouding van {ratio(e)}. De gekoppelde "
            f"groepen lijken vóór de start niet genoeg op elkaar (grootste verschil "
            f"{nl_decimal(m.max_abs_smd or 0, 2)} standaardafwijking), dus dat getal is niet als effect van het ICO "
            f"te lezen."
        ]
    head = (
        f"Hoofdschatting van het effect (vooraf gekozen: {label}): na het ICO {change_words(e.irr)} dan bij "
        f"vergelijkbare personen in dezelfde maanden, een verhouding van {ratio(e)}."
    )
    return [
        head + " " + interval_verdict(e),
        f"De vergelijkingspersonen leken op de dag van de start op de cliënten in geslacht, leeftijd en het "
        f"verloop van hun registraties in het jaar ervoor (grootste verschil {nl_decimal(m.max_abs_smd, 2)} "
        f"standaardafwijking). Dat het verschil door het ICO komt, neemt aan dat zij ook lijken in wat de politie "
        f"niet registreert (zorg, familie, wonen); dat is met deze gegevens niet te controleren.",
    ]


def estimators(r: Results) -> list[str]:
    """The estimators this run reports, in the order of LABELS."""
    return [k for k in LABELS if getattr(r.effect, k, None) is not None]


def n_estimates(r: Results) -> str:
    return nl_count(len(estimators(r)))


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


def _estimate_sentences(r: Results, p: Protection) -> list[str]:
    e: Effects = r.effect
    lng, sht = r.settings.vensters.lang_maanden, r.settings.vensters.kort_maanden
    out = []
    naive, symmetric, fe, imp = e.naive, e.symmetric, e.comparison, e.imputation
    if pretrend_failed(r):
        out.append(
            "Vooraf: het aantal registraties veranderde al vóór het ICO (zie de toets op een eerdere trend, verderop "
            "in dit hoofdstuk). "
            + (
                "Geen van de schattingen die de cliënten met hun eigen eerdere maanden vergelijken (vaste effecten, "
                "imputatie, vóór-na, symmetrisch) is daarom het effect van het ICO; de vergelijking met gekoppelde "
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
            f"Met vaste effecten per cliënt en kalendermaand: elke cliënt wordt vergeleken met zijn eigen maanden "
            f"tot {months(a)} vóór zijn ICO, en de maanden van cliënten die pas later in een ICO kwamen laten zien "
            f"wat in dezelfde kalendermaanden voor iedereen veranderde (COVID-19-maatregelen, werkwijze van de "
            f"politie). Deze schatting gebruikt alle {nl_int(fe.n_clients)} cliënten met registraties in de "
            f"exportperiode, ook wie in de vóór-na-vergelijking niet meetelt omdat zijn periode vóór of na het ICO "
            f"niet helemaal in de gegevens valt: zijn maanden die wel in de gegevens vallen, tellen mee. "
            f"Uitkomst: {ratio(fe)}, {change_words(fe.irr)}.{without}"
        )
    if imp.irr is None:
        out.append(f"Met imputatie: niet te schatten ({imp.reden or ''}).")
    else:
        lost = imp.registraties_niet_te_imputeren or 0
        gap = (
            ""
            if lost == 0
            else f" {nl_int(lost)} registraties na het ICO vielen in maanden waarin geen cliënt meer 'nog niet "
            f"besproken' was, of bij cliënten zonder registratie vóór hun ICO; die zijn niet te vergelijken en "
            f"tellen hier niet mee."
        )
        out.append(
            f"Met imputatie (Borusyak, Jaravel en Spiess, Review of Economic Studies, 2024): uit alleen de maanden "
            f"vóór de ICO's wordt voor elke maand na een ICO geschat hoeveel registraties er zonder ICO te "
            f"verwachten waren, als het aantal zonder ICO niet al aan het veranderen was. Over "
            f"{nl_int(imp.n_clients)} cliënten: {ratio(imp)}, {change_words(imp.irr)}.{gap}"
        )
    return out


def _small(n: int, p: Protection) -> str:
    return f"minder dan {p.k}" if 0 < n < p.k else nl_int(n)


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


def _hidden(kenmerk: str, groep: str, p: Protection) -> bool:
    return groep in (p.sex if kenmerk == "geslacht" else p.age)


def _group_name(kenmerk: str, groep: str) -> str:
    if kenmerk == "geslacht":
        return {"man": "mannen", "vrouw": "vrouwen"}.get(groep, groep)
    return f"cliënten van {groep} jaar"


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
