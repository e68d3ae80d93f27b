"""Wat deze cijfers wel en niet zeggen: the limits of the design, each said where this run meets it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.report.findings import rise_text, rises_towards_ico, window_rates, window_rates_shown
from pipeline.report.outline import Outline
from pipeline.report.words import nl_date
from schemas.results import Results


def limits(r: Results, p: Protection) -> list[str]:
    """Wat deze cijfers wel en niet zeggen: the caveats, with the data's own numbers where they apply."""
    w, rates = window_rates_shown(r, p), window_rates(r)
    out = [
        "Er is geen vergelijkingsgroep van personen die niet in een ICO zijn besproken. De schattingen met vaste "
        "effecten en met imputatie vergelijken cliënten met hun eigen eerdere maanden en met cliënten die later "
        "aan de beurt kwamen; dat corrigeert voor wat in dezelfde maanden voor iedereen veranderde, maar niet voor "
        "alles waarin cliënten op het moment van aanmelding verschillen van wie niet werd aangemeld."
        if r.matching is None
        else "De vergelijkingsgroep lijkt op de cliënten in wat de politie registreerde, niet per se in wat zij "
        "niet registreert (zorg, familie, wonen, verslaving): juist om zulke redenen kan iemand zijn aangemeld. "
        "Ook de vergelijking met gekoppelde personen kan daarom een verschil tussen de groepen voor een effect "
        "houden. Cliënten zonder registraties in het jaar vóór het ICO, en cliënten op wie niemand genoeg leek, "
        "tellen in die vergelijking niet mee."
    ]
    if rises_towards_ico(r):
        out.append(
            f"Regressie naar het gemiddelde. Cliënten worden aangemeld voor een ICO als het slecht gaat: het aantal "
            f"registraties liep op {rise_text(r, p)}. Na zo'n piek daalt het aantal vaak vanzelf weer, ook zonder "
            f"ingreep. "
            + (
                f"Een deel van de daling daarna (naar {w[3]} en {w[4]} per cliënt per maand) is daarom te verwachten, "
                f"los van het ICO. "
                if max(rates[3], rates[4]) < rates[1]
                else "Ook zonder ICO was na zo'n piek een daling te verwachten. "
            )
            + "Onderzoek naar vergelijkbare aanpakken liet zien dat zulke vóór-na-vergelijkingen het effect sterk "
            "kunnen overschatten."
        )
    else:
        out.append(
            "Regressie naar het gemiddelde. Cliënten worden aangemeld als het slecht gaat; na zo'n periode "
            "daalt het aantal registraties vaak vanzelf. In deze gegevens liep het aantal vóór het ICO niet op, "
            "maar ook dan kan een deel van een daling toeval zijn."
        )
    if r.tijd_at_risk is None:
        out.append(
            "Tijd waarin iemand geen registraties kón hebben, telt als gewone tijd mee: detentie, opname, overlijden "
            "of verhuizing buiten de regio staan niet in de gegevens; een cliënt die na het ICO vastzat, lijkt in "
            "deze cijfers verbeterd."
        )
    else:
        out.append(
            "De tijd in detentie en na overlijden telt niet mee; opname en verhuizing buiten de regio staan niet in "
            "de gegevens en tellen als gewone tijd: een cliënt die na het ICO was opgenomen, lijkt verbeterd."
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


# The COVID-19 measures in the Netherlands: from the first lockdown to the end of the last measures.
COVID = (dt.date(2020, 3, 15), dt.date(2022, 2, 25))


TABLES: list = []
FIGURES: tuple = ()


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"limits": limits(r, p)}
