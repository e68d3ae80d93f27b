"""Begrippenlijst: every technical word the report uses, in plain Dutch, with the values this run used."""

from __future__ import annotations

from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import months, nl_decimal, nl_int
from pipeline.report.outline import Outline
from schemas.results import Results


def glossary(r: Results) -> list[tuple[str, str]]:
    """(term, explanation) in alphabetical order; thresholds and windows come from the run's settings."""
    s = r.settings
    alpha = nl_decimal(s.alpha, 2)
    terms = {
        "BVH": "Basisvoorziening Handhaving: het systeem waarin de politie incidenten, meldingen en aangiften "
        "vastlegt. Elke vastlegging waarbij een cliënt betrokken is, heet in dit rapport een registratie.",
        "Cliëntmaanden": "De tijd die alle cliënten samen in een periode doorbrachten: tien cliënten die elk drie "
        "maanden gevolgd zijn, zijn samen dertig cliëntmaanden. Het aantal registraties gedeeld door de "
        "cliëntmaanden is het aantal registraties per cliënt per maand.",
        "E-code, E-melding": "Een IMK-code die met een E begint: een melding of assistentie, zoals overlast, een "
        "ruzie of een verward persoon. Er is dan niet altijd een strafbaar feit. Het rapport deelt de "
        f"E-meldingen in {nl_int(len(r.e_categories))} soorten in.",
        "ICO": "Individueel casusoverleg: een overleg van de partners in het Zorg- en Veiligheidshuis over één "
        "cliënt, om samen een aanpak af te spreken. Het ICO begint en eindigt op een datum die het Zorg- en "
        "Veiligheidshuis vastlegt.",
        "IMK": "Incident Maatschappelijke Klasse: de indeling van de politie naar soort incident, met een letter "
        "voor de klasse (bijvoorbeeld A voor diefstal zonder geweld, E voor meldingen en assistentie) en een code "
        "per soort.",
        "Interval (95%-interval)": "De waarden die met de gegevens goed te verenigen zijn. Het is zo berekend dat "
        "het bij herhaald onderzoek in 95 van de 100 keer de werkelijke waarde bevat. Een smal interval is een "
        "nauwkeurige schatting; een interval dat 1 bevat, laat zowel een daling als een stijging toe.",
        "p-waarde": "De kans op een verschil minstens zo groot als gevonden, als er in werkelijkheid geen verschil "
        f"is. Is de p-waarde kleiner dan {alpha}, dan heet het verschil statistisch significant: toeval alleen is "
        "dan een onwaarschijnlijke verklaring. Het zegt niet hoe groot of hoe belangrijk het verschil is.",
        "Holm-correctie": "Wie veel groepen toetst, vindt door toeval vaker een 'significant' verschil. De "
        "correctie volgens Holm maakt de p-waarden van alle getoetste groepen samen strenger, zodat de kans op "
        f"ook maar één toevallig 'significant' verschil niet groter is dan {alpha}.",
        "Regressie naar het gemiddelde": "Wie wordt aangemeld omdat het juist slecht gaat, heeft daarna vaak "
        "vanzelf minder registraties, ook zonder hulp: een uitschieter wordt meestal gevolgd door een gewonere "
        "periode. Een vergelijking van vóór met na schat het effect daardoor te groot.",
        "Verhouding (rate ratio)": "Twee aantallen registraties per cliënt per maand gedeeld door elkaar. Bij de "
        "vergelijking vóór-na is dat het aantal na het ICO gedeeld door het aantal ervoor; bij de andere schattingen "
        "het aantal na het ICO gedeeld door het aantal dat zonder ICO te verwachten was. 1 betekent geen "
        "verandering; 0,80 betekent 20% minder, 1,20 betekent 20% meer.",
        "Toets op een eerdere trend": "Een controle of het aantal registraties al ruim vóór het ICO aan het "
        "veranderen was. De schattingen die cliënten met hun eigen eerdere maanden vergelijken, nemen aan dat het "
        "aantal zonder ICO gelijk zou zijn gebleven; veranderde het al eerder, dan houdt die aanname geen stand en "
        "is geen van die schattingen als effect van het ICO te lezen."
        + (
            " De vergelijking met gekoppelde personen neemt dat niet aan; zij neemt aan dat de cliënten zich zonder "
            "ICO hadden ontwikkeld als personen met hetzelfde verloop."
            if r.matching is not None
            else ""
        ),
        "Hoofdschatting": "De schatting van het effect die vóór het zien van de gegevens is gekozen als de beste "
        "voor dit soort gegevens. De andere schattingen staan ernaast als controle; wie na afloop de mooiste "
        "uitkomst kiest, overschat het effect.",
        "Vaste effecten": "Een rekenmethode die elke cliënt met zijn eigen eerdere maanden vergelijkt, en die "
        "tegelijk rekening houdt met wat in dezelfde kalendermaanden voor alle cliënten veranderde.",
        "Cohort": f"De cliënten van wie het ICO in dezelfde periode van {months(s.cohort_maanden)} begon (gerekend "
        "vanaf januari). De schatting per "
        "cohort geeft elk cohort en elke maand na het ICO een eigen effect, zodat een effect dat bij vroeg en laat "
        "besproken cliënten verschilt de uitkomst niet vertekent.",
        "Imputatie": "Een rekenmethode die uit de maanden vóór de ICO's schat hoeveel registraties er zonder ICO "
        "te verwachten waren, en dat vergelijkt met het aantal dat er na het ICO echt was.",
        "Aanloop": f"De laatste {months(s.anticipatie_maanden)} vóór de start van het ICO. Daarin hebben cliënten "
        "vaak juist veel registraties, omdat dat de reden van aanmelding is; die maanden tellen in de "
        "schattingen van het effect niet mee als vergelijking.",
        "Wilcoxon-toets": "Een toets die per cliënt het aantal vóór vergelijkt met het aantal na en kijkt of de "
        "dalingen groter en talrijker zijn dan de stijgingen. Hij past bij aantallen die scheef verdeeld zijn: een "
        "paar cliënten met heel veel registraties bepalen de uitkomst niet. Cliënten zonder verschil tellen niet "
        "mee.",
        "Rangbiseriële correlatie (r)": "Hoe sterk de verandering per cliënt de ene kant op wijst, van −1 (alle "
        "cliënten meer registraties) tot 1 (alle cliënten minder). Rond 0: evenveel stijgers als dalers.",
        "Vóór, tijdens, na": f"'Vóór' zijn de {months(s.vensters.lang_maanden)} vóór de start van het ICO, "
        f"'tijdens' de tijd van start tot einde van het ICO, 'na' de {months(s.vensters.lang_maanden)} na het "
        "einde. Maanden zijn kalendermaanden.",
        "Zwaarte, zwaartescore": "Elke registratie buiten de E-meldingen is licht, middel of zwaar, volgens de "
        "indeling die bij dit rapport hoort. De zwaartescore van een cliënt telt de gewichten van zijn "
        "registraties op (" + ", ".join(f"{k} {v:g}" for k, v in r.severity_score.gewichten.items()) + ").",
        **(
            {
                "Vergelijkingsgroep, koppelen": "Personen uit de politiegegevens die niet in een ICO zijn besproken "
                "en op de dag dat het ICO van een cliënt begon op die cliënt leken: hetzelfde geslacht, ongeveer "
                "dezelfde leeftijd en een gelijk verloop van hun registraties in het jaar ervoor. Wat er daarna met "
                "hen gebeurde, laat zien wat er met de cliënt zonder ICO had kunnen gebeuren.",
                "Gestandaardiseerd verschil": "Het verschil tussen twee gemiddelden gedeeld door de spreiding "
                "(standaardafwijking). Zo zijn verschillen in aantallen, aandelen en leeftijd met elkaar te "
                "vergelijken; onder 0,1 heet een verschil klein.",
            }
            if r.matching is not None
            else {}
        ),
        "Zorg- en Veiligheidshuis (ZVH)": "Een samenwerkingsverband van gemeenten, zorg, politie, justitie en "
        "andere partners voor mensen bij wie zorg en veiligheid samenkomen.",
        "'<" + str(s.min_publicatie) + "' en 'x'": f"Een groep van minder dan {nl_int(s.min_publicatie)} "
        f"cliënten toont '<{s.min_publicatie}' in plaats van haar aantallen, en 'x' staat voor een getal dat "
        "verborgen is om te voorkomen dat iets over één persoon te herleiden is.",
    }
    if r.by_role:
        counted = (
            "Alle rollen tellen mee."
            if r.settings.rollen == "alle"
            else (f"In dit rapport tellen alleen mee: {', '.join(r.settings.rollen)}.")
        )
        involved = (
            " Een betrokkene is bij het incident betrokken zonder verdachte, slachtoffer of getuige te zijn."
            if "betrokkene" in r.by_role
            else ""
        )
        terms["Rol"] = (
            f"De rol van de cliënt bij een registratie, zoals de politie die vastlegt: {', '.join(sorted(r.by_role))}."
            f"{involved} {counted}"
        )
    if r.by_ico_type:
        kinds = ", ".join(sorted(r.by_ico_type))
        pga = (
            " 'PGA' staat voor persoonsgerichte aanpak; 'OGGZ 1%' voor de kleine groep met de meest complexe en "
            "ernstige problemen."
            if any("PGA" in t or "1%" in t for t in r.by_ico_type)
            else ""
        )
        terms["Soort ICO"] = f"Het soort overleg zoals het Zorg- en Veiligheidshuis het vastlegt: {kinds}.{pga}"
    return sorted(terms.items(), key=lambda kv: kv[0].strip("'<").lower())


TABLES: list = []
FIGURES: tuple = ()


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"glossary": glossary(r)}
