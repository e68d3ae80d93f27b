"""The report's sentences that carry numbers: written here from results.json, in plain Dutch, so the templates
hold words and layout but never a number of their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipeline.report.disclosure import Protection
from pipeline.report.formatting import nl_decimal, nl_int, nl_p, nl_pct, share
from schemas.results import ChangeGroup, Effects, Estimate, EventMonth, Results

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
NUMBER_WORDS = {
    1: "één",
    2: "twee",
    3: "drie",
    4: "vier",
    6: "zes",
    9: "negen",
    12: "twaalf",
    18: "achttien",
    24: "vierentwintig",
}
# The COVID-19 measures in the Netherlands: from the first lockdown to the end of the last measures.
COVID = (dt.date(2020, 3, 15), dt.date(2022, 2, 25))


def months(n: int) -> str:
    return f"{NUMBER_WORDS.get(n, str(n))} maanden"


def nl_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def nl_month(year_month: str | None) -> str:
    if not year_month:
        return "–"
    year, month = (int(x) for x in year_month.split("-"))
    return f"{MONTHS[month - 1]} {year}"


def _significance(p: float | None, alpha: float) -> str:
    if p is None:
        return "niet getoetst"
    return f"statistisch significant ({nl_p(p)})" if p < alpha else f"niet statistisch significant ({nl_p(p)})"


def _direction(before: int, after: int, verb_down: str = "daalde", verb_up: str = "steeg") -> str:
    return verb_down if after < before else (verb_up if after > before else "bleef gelijk")


def _count_or_small(n: int, p: Protection) -> str:
    return f"minder dan {p.k}" if 0 < n < p.k else nl_int(n)


def key_sentences(r: Results, p: Protection) -> list[str]:
    """Kerncijfers: the answer in a few plain sentences, for a reader who reads only the first page."""
    o, s = r.overall, r.settings
    lng = months(s.vensters.lang_maanden)
    alpha = s.alpha
    out = []
    change = "" if o.afname_pct is None else f" ({nl_pct(o.afname_pct, sign=True)})"
    out.append(
        f"Het aantal registraties {_direction(o.voor, o.na)} van {nl_int(o.voor)} in de {lng} vóór het ICO "
        f"naar {nl_int(o.na)} in de {lng} erna{change}."
    )
    p_value = o.wilcoxon.p
    if p_value is not None:
        out.append(
            f"Per cliënt vergeleken is dit verschil {_significance(p_value, alpha)}: gemiddeld "
            f"{nl_decimal(o.gemiddeld_voor)} registraties per cliënt vóór en {nl_decimal(o.gemiddeld_na)} erna."
        )
    sexes = ", ".join(
        f"{nl_int(g.n)} {'mannen' if k == 'man' else 'vrouwen' if k == 'vrouw' else 'onbekend'}"
        for k, g in r.by_sex.items()
        if k not in p.sex
    )
    out.append(
        f"Het gaat om {nl_int(r.n_clients)} cliënten ({sexes}) met samen {nl_int(r.n_registrations)} "
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
            f"Bij {_count_or_small(halved, p)} van de {nl_int(n)} cliënten halveerde het aantal registraties of meer; "
            f"bij {_count_or_small(rose, p)} nam het toe."
        )
    symmetric = r.effect.symmetric
    if symmetric.irr is not None:
        out.append(
            f"Zonder de piek vlak vóór het ICO (maand 6 tot 3 vóór de start tegen maand 3 tot 6 na het einde) is de "
            f"verandering {nl_pct((symmetric.irr - 1) * 100, 0, sign=True)}; zie 'Hoe groot is het effect echt?'."
        )
    if rises_towards_ico(r):
        out.append(
            f"Let op: het aantal registraties liep al op {rise_text(r)}. Een deel van de daling daarna was ook "
            f"zonder ICO te verwachten (regressie naar het gemiddelde). Zonder vergelijkingsgroep laten deze cijfers "
            f"niet zien hoeveel van de daling door het ICO komt."
        )
    return out


def rises_towards_ico(r: Results) -> bool:
    """The referral spike: more registrations in the months just before the ICO than in the months before."""
    w = list(r.windows.values())
    return w[0] < w[1]


def rise_text(r: Results) -> str:
    w = list(r.windows.values())
    if w[1] < w[2]:
        return f"in de maanden vóór en tijdens het ICO ({nl_int(w[0])} → {nl_int(w[1])} → {nl_int(w[2])})"
    return f"in de maanden vóór het ICO ({nl_int(w[0])} → {nl_int(w[1])})"


def windows_text(r: Results) -> str:
    w = r.windows
    names = list(w)
    o = r.overall
    peak = max(w, key=w.get)
    return (
        f"In de {months(r.settings.vensters.lang_maanden)} vóór het ICO zijn {nl_int(o.voor)} registraties "
        f"geteld ({nl_int(w[names[0]])} in de periode '{names[0]}' en {nl_int(w[names[1]])} in '{names[1]}'), "
        f"tijdens het ICO {nl_int(w['tijdens'])} en in de {months(r.settings.vensters.lang_maanden)} erna "
        f"{nl_int(o.na)} ({nl_int(w[names[3]])} in '{names[3]}' en {nl_int(w[names[4]])} in '{names[4]}'). "
        f"Het hoogste aantal valt in de periode '{peak}'. Gemiddeld had een cliënt {nl_decimal(o.gemiddeld_voor)} "
        f"registraties vóór het ICO en {nl_decimal(o.gemiddeld_na)} erna."
    )


def sex_text(r: Results, p: Protection) -> list[str]:
    out = []
    alpha = r.settings.alpha
    for key, g in r.by_sex.items():
        who = {"man": "mannen", "vrouw": "vrouwen"}.get(key, "cliënten met onbekend geslacht")
        if key in p.sex:
            out.append(
                f"Over de {who} staan hier geen aantallen: om niemand herkenbaar te maken worden groepen van "
                f"minder dan {p.k} cliënten (en zo nodig één groep ernaast) niet getoond."
            )
            continue
        text = (
            f"De {nl_int(g.n)} {who} hadden {nl_int(g.voor)} registraties vóór het ICO (gemiddeld "
            f"{nl_decimal(g.gemiddeld_voor)} per cliënt) en {nl_int(g.na)} erna (gemiddeld "
            f"{nl_decimal(g.gemiddeld_na)})"
        )
        if g.afname_pct is not None:
            text += f": een verandering van {nl_pct(g.afname_pct, sign=True)}"
        if g.getoetst:
            holm = "" if g.p_holm is None else f", na correctie voor meervoudig toetsen {nl_p(g.p_holm)}"
            verdict = "significant" if (g.p_holm if g.p_holm is not None else g.p) < alpha else "niet significant"
            text += f". Dit verschil is {verdict} ({nl_p(g.p)}{holm})."
        else:
            text += f". Niet getoetst: {g.reden}."
        out.append(text)
    return out


def age_text(r: Results) -> str:
    small = [k for k, g in r.by_age.items() if not g.getoetst]
    tested = [k for k, g in r.by_age.items() if g.getoetst]
    alpha = r.settings.alpha
    significant = [k for k in tested if r.by_age[k].p_holm is not None and r.by_age[k].p_holm < alpha]
    parts = []
    if small:
        parts.append(
            f"De groepen {', '.join(small)} hebben minder dan {r.settings.min_groepsgrootte} cliënten; "
            f"daar is niet getoetst of het verschil toeval kan zijn (niet getoetst i.v.m. te kleine aantallen)."
        )
    if tested:
        parts.append(
            f"Van de {len(tested)} getoetste leeftijdsgroepen is de daling in {len(significant)} statistisch "
            f"significant na Holm-correctie" + (f" ({', '.join(significant)})." if significant else ".")
        )
    return " ".join(parts)


def change_text(r: Results, p: Protection) -> list[str]:
    threshold = r.settings.veel_vanaf
    out = []
    for key, g in r.change_groups.items():
        if not g.n or key in p.change_group:
            continue
        which = f"minder dan {threshold}" if key == "weinig" else f"{threshold} of meer"

        def share_of(c: str, g: ChangeGroup = g, key: str = key) -> str:
            return f"minder dan {p.k} cliënten" if c in p.change[key] else nl_pct(share(getattr(g, c), g.n), 0)

        no_after = f"minder dan {p.k}" if 0 < g.geen_na < p.k else nl_int(g.geen_na)
        out.append(
            f"{nl_int(g.n)} cliënten hadden vóór het ICO {which} registraties. Bij {share_of('toegenomen')} van hen "
            f"nam het aantal na het ICO toe, bij {share_of('afname_0_10')} daalde het met hooguit 10%, bij "
            f"{share_of('afname_11_50')} met 11 tot 50% en bij {share_of('afname_50_plus')} met de helft of meer; "
            f"{no_after} hadden na het ICO geen enkele registratie meer."
        )
    return out


def severity_text(r: Results, p: Protection) -> str:
    parts = [
        f"{k} van {nl_int(g.voor)} naar {nl_int(g.na)} ({nl_pct(g.afname_pct, sign=True)})"
        for k, g in r.severity.items()
        if k not in p.severity
    ]
    s = r.severity_score
    alpha = r.settings.alpha
    score = (
        f"De zwaartescore per cliënt (de som van de gewichten van zijn registraties) ging van gemiddeld "
        f"{nl_decimal(s.gemiddeld_voor)} naar {nl_decimal(s.gemiddeld_na)}; dit verschil is "
        f"{_significance(s.wilcoxon.p, alpha)}."
    )
    return (
        "Buiten de E-meldingen veranderde het aantal registraties per zwaarte als volgt: "
        + "; ".join(parts)
        + ". "
        + score
    )


def limits(r: Results) -> list[str]:
    """Wat deze cijfers wel en niet zeggen: the caveats, with the data's own numbers where they apply."""
    w = list(r.windows.values())
    out = [
        "Er is geen vergelijkingsgroep: we weten niet hoe het aantal registraties zich had ontwikkeld bij "
        "vergelijkbare cliënten die niet in een ICO zijn besproken. De cijfers laten zien dát het aantal daalde, "
        "niet dat het ICO die daling veroorzaakte."
    ]
    if rises_towards_ico(r):
        out.append(
            f"Regressie naar het gemiddelde. Cliënten worden aangemeld voor een ICO als het slecht gaat: het aantal "
            f"registraties liep op {rise_text(r)}. Na zo'n piek daalt het aantal vaak vanzelf weer, ook zonder "
            f"ingreep. Een deel "
            f"van de daling naar {nl_int(w[3])} en {nl_int(w[4])} is daarom te verwachten, los van het ICO. "
            f"Onderzoek naar vergelijkbare aanpakken liet zien dat zulke vóór-na-vergelijkingen het effect sterk "
            f"kunnen "
            f"overschatten."
        )
    else:
        out.append(
            "Regressie naar het gemiddelde. Cliënten worden aangemeld als het slecht gaat; na zo'n periode "
            "daalt het aantal registraties vaak vanzelf. In deze gegevens liep het aantal vóór het ICO niet op, "
            "maar ook dan kan een deel van een daling toeval zijn."
        )
    out.append(
        "Tijd waarin iemand geen registraties kón hebben, telt niet mee. Detentie, opname, overlijden of verhuizing "
        "buiten de regio staan niet in de gegevens; een cliënt die na het ICO vastzat, lijkt in deze cijfers "
        "verbeterd."
    )
    van, tot = r.settings.periode.van, r.settings.periode.tot
    if dt.date.fromisoformat(van) <= COVID[1] and dt.date.fromisoformat(tot) >= COVID[0]:
        out.append(
            f"De gegevens ({nl_date(van)} t/m {nl_date(tot)}) vallen deels in de periode van de COVID-19-maatregelen "
            f"(maart 2020 tot februari 2022). Lockdowns en avondklok veranderden het dagelijks leven en het werk van "
            f"de "
            f"politie; dat kan het aantal registraties vóór en na het ICO ongelijk hebben beïnvloed."
        )
    out.append(
        "Politieregistraties meten niet alleen gedrag: ook wie er meldt, waar de politie surveilleert en hoe er wordt "
        "geregistreerd, bepaalt het aantal. En een significante toets zegt dat een verschil waarschijnlijk geen toeval "
        "is, niet hoe groot of hoe belangrijk het is."
    )
    return out


def data_quality_text(r: Results, p: Protection) -> str:
    rec = r.reconciliation
    dq = r.data_quality
    excluded_n = sum(dq.clients_excluded_followup.values())
    excluded = f"minder dan {p.k}" if 0 < excluded_n < p.k else nl_int(excluded_n)
    text = (
        f"Uit de politie-export zijn {nl_int(rec.rows_read)} rijen gelezen. Daarvan waren "
        f"{nl_int(rec.duplicates)} "
        f"dubbel (dezelfde registratie van dezelfde cliënt, bijvoorbeeld in twee rollen), hoorden "
        f"{nl_int(rec.unknown_client)} bij een persoon die niet in de cliëntenlijst staat, vielen "
        f"{nl_int(rec.rows_excluded_followup)} af omdat hun cliënt niet volledig gevolgd kon worden en lagen "
        f"{nl_int(rec.outside_windows)} buiten de perioden rond het ICO. De overige {nl_int(rec.used)} zijn "
        f"gebruikt. Samen is dat weer {nl_int(rec.rows_read)}: elke rij is verantwoord."
    )
    if "rows_excluded_role" in rec:
        text += f" {nl_int(rec.rows_excluded_role)} rijen telden niet mee omdat de rol van de cliënt niet meetelt."
    text += (
        f" Van de {nl_int(dq.clients_read)} cliënten in de cliëntenlijst zijn er {excluded} niet "
        f"vergeleken omdat hun periode vóór of na het ICO niet helemaal binnen de exportperiode valt of het ICO "
        f"nog loopt."
    )
    if dq.unknown_codes:
        n = sum(dq.unknown_codes.values())
        text += (
            f" {nl_int(n)} registraties hadden een IMK-code die niet in de indeling staat "
            f"({', '.join(dq.unknown_codes)}); ze zijn volgens de instellingen ondergebracht bij de "
            f"standaard van hun klasse."
        )
    return text


def period_text(r: Results) -> str:
    s = r.settings
    return (
        f"Politiegegevens van {nl_date(s.periode.van)} t/m {nl_date(s.periode.tot)}; ICO's gestart "
        f"vanaf {nl_month(r.ico_periode.eerste_start)} en afgesloten uiterlijk in "
        f"{nl_month(r.ico_periode.laatste_eind)}."
    )


def method_text(r: Results) -> list[str]:
    s = r.settings
    lng, sht = s.vensters.lang_maanden, s.vensters.kort_maanden
    return [
        f"Per cliënt is elke politieregistratie ingedeeld naar het moment ten opzichte van het ICO: {months(lng)} tot "
        f"{months(sht)} vóór de start, de laatste {months(sht)} vóór de start, tijdens het ICO (van start tot en met "
        f"einde), de eerste {months(sht)} na het einde en {months(sht)} tot {months(lng)} na het einde. Maanden zijn "
        f"kalendermaanden.",
        f"Een cliënt telt alleen mee als zijn ICO is afgesloten en de hele periode van {months(lng)} vóór tot "
        f"{months(lng)} na het ICO binnen de politiegegevens valt; anders zou de periode erna te kort zijn en een "
        f"daling nabootsen. Een registratie telt één keer per cliënt, ook als de cliënt in meer rollen voorkomt.",
        f"Het verschil vóór-na is per cliënt getoetst met de Wilcoxon-toets voor gepaarde waarnemingen (tweezijdig, "
        f"significantieniveau {nl_decimal(s.alpha * 100, 0)}%). Deze toets past bij aantallen die scheef verdeeld "
        f"zijn: een paar cliënten met heel veel registraties bepalen de uitkomst niet. Subgroepen met minder dan "
        f"{s.min_groepsgrootte} cliënten zijn niet getoetst. Omdat er meerdere subgroepen zijn getoetst, is de "
        f"p-waarde gecorrigeerd volgens Holm.",
    ]


def _ratio(e: Estimate) -> str:
    return f"{nl_decimal(e.irr, 2)} (95%-interval {nl_decimal(e.ci_low, 2)} tot {nl_decimal(e.ci_high, 2)})"


def _change_words(e: Estimate) -> str:
    change = (e.irr - 1) * 100
    return f"{nl_pct(abs(change), 0)} {'minder' if change < 0 else 'meer'} registraties"


def trusted_estimate(r: Results) -> str:
    """The comparison-group estimate when it is informative, else the symmetric one."""
    comparison = r.effect.comparison
    if comparison.irr is not None and comparison.ci_high / comparison.ci_low < 2.0:
        return "comparison"
    return "symmetric"


def _peak_intro(es: list[EventMonth]) -> str:
    """How registrations per client rise towards the ICO, in the data's own numbers."""
    before = [x for x in es if x.referentie == "start" and x.maand < 0]
    peak = max(es, key=lambda x: x.per_client or 0)
    if peak.referentie == "start" and peak.maand < 0:
        peak_name = f"de maand die {months(-peak.maand)} vóór de start begint"
    elif peak.referentie == "start":
        peak_name = f"de {peak.maand + 1}e maand van het ICO"
    else:
        peak_name = f"de {peak.maand}e maand na het einde"
    return (
        f"Cliënten worden aangemeld voor een ICO als het slecht gaat. Maand voor maand is te zien hoe het aantal "
        f"registraties per cliënt per maand oploopt: van {nl_decimal(before[0].per_client, 2)} "
        f"{months(-before[0].maand)} vóór de start naar {nl_decimal(peak.per_client, 2)} in {peak_name}. "
        f"Na zo'n piek daalt het aantal vaak ook zonder ingreep (regressie naar het gemiddelde). "
        f"Daarom staan hieronder drie schattingen van de verandering naast elkaar."
    )


def _estimate_sentences(e: Effects) -> list[str]:
    out = []
    naive, symmetric, comparison = e.naive, e.symmetric, e.comparison
    if naive.irr is not None:
        out.append(
            f"Eenvoudig, zoals in het oorspronkelijke rapport (de zes maanden vóór tegen de zes maanden na het ICO): "
            f"een verhouding van {_ratio(naive)}, dus {_change_words(naive)}. De maanden vlak vóór het ICO zijn de "
            f"maanden van de piek: zonder ICO was een deel van deze daling ook opgetreden."
        )
    if symmetric.irr is not None:
        out.append(
            f"Symmetrisch (maand 6 tot 3 vóór de start tegen maand 3 tot 6 na het einde, dus zonder de piek en zonder "
            f"de eerste nazorg): {_ratio(symmetric)}, {_change_words(symmetric)}."
        )
    if comparison.irr is None:
        out.append(f"Met een vergelijkingsgroep: niet te schatten ({comparison.reden or ''}).")
        return out
    verdict = (
        "Het interval bevat 1: met deze gegevens is niet uit te sluiten dat de daling geheel buiten het ICO om is "
        "opgetreden."
        if comparison.ci_low <= 1 <= comparison.ci_high
        else "Ook na deze correctie blijft er een verandering over."
    )
    out.append(
        f"Met een vergelijkingsgroep: cliënten die pas later in een ICO kwamen, laten zien hoe het aantal "
        f"registraties in dezelfde kalendermaanden verliep zonder ICO (COVID-19-maatregelen, werkwijze van de "
        f"politie). Deze schatting is {_ratio(comparison)}, {_change_words(comparison)}. {verdict}"
    )
    return out


def _which_to_believe(r: Results) -> str:
    if trusted_estimate(r) == "comparison":
        return (
            "Het meest te vertrouwen is de schatting met vergelijkingsgroep: die laat de piek vóór het ICO buiten de "
            "vergelijking en houdt rekening met wat in dezelfde maanden voor iedereen veranderde. De eenvoudige "
            "vergelijking overschat de daling."
        )
    return (
        "De schatting met vergelijkingsgroep zou het meest te vertrouwen zijn, maar haar interval is hier te breed "
        "om veel te zeggen. De symmetrische schatting is dan de beste aanwijzing: zij laat de piek vóór het ICO "
        "buiten de vergelijking, maar houdt geen rekening met veranderingen in de tijd die iedereen raakten. De "
        "eenvoudige vergelijking overschat de daling."
    )


def _what_would_help(with_time_at_risk: bool) -> list[str]:
    firmer = [
        "Een echte vergelijkingsgroep: vergelijkbare cliënten die niet in een ICO zijn besproken, bijvoorbeeld uit "
        "een regio of periode zonder ICO, of aangemelde cliënten die (nog) niet aan de beurt kwamen.",
        "Langere follow-up: registraties tot een jaar of langer na het ICO laten zien of een daling blijft.",
        "Meer cliënten: meerdere jaargangen samen geven smallere intervallen.",
    ]
    if not with_time_at_risk:
        firmer.append(
            "Gegevens over detentie, opname en overlijden: dan telt tijd waarin iemand niet geregistreerd "
            "kón worden niet als verbetering (de pijplijn kan ze meenemen met --detention en de kolom "
            "'overleden')."
        )
    return firmer


def effect_text(r: Results) -> dict[str, Any]:
    """Hoe groot is het effect echt? The three estimates in plain Dutch, which one to believe, what would help."""
    out: dict[str, Any] = {
        "intro": _peak_intro(r.event_study),
        "estimates": _estimate_sentences(r.effect),
        "believe": _which_to_believe(r),
        "firmer": _what_would_help(bool(r.effect.naive.tijd_at_risk)),
    }
    if r.effect_zonder_tijd_at_risk is not None and r.tijd_at_risk is not None:
        t = r.effect_zonder_tijd_at_risk.symmetric
        out["time_at_risk"] = (
            f"De schattingen hierboven tellen alleen de dagen waarop een cliënt niet vastzat en nog leefde "
            f"({r.tijd_at_risk.detentieperioden} detentieperioden, {r.tijd_at_risk.overleden} "
            f"overleden cliënten). Zonder die correctie zou de symmetrische schatting {_ratio(t)} zijn."
        )
    return out
