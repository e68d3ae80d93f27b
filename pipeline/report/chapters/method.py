"""Onderzoeksmethode: written from the settings, the mapping and the run, so it cannot drift from what was computed."""

from __future__ import annotations

from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import months, nl_count, nl_int, nl_pct
from pipeline.report.effect_words import LABELS, n_estimates
from pipeline.report.outline import Outline, Part
from pipeline.report.words import counted_roles, nl_date, nl_list
from schemas.results import Results


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


TABLES: list = []
FIGURES: tuple = ()


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"method": method(r)}
