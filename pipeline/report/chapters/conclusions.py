"""Conclusies: the draft the analyst may replace, written from the results."""

from __future__ import annotations

from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import nl_int
from pipeline.report.findings import effect_paragraph, fell_words, is_significant, severity_paragraph
from pipeline.report.outline import Outline, Part
from schemas.results import Results


def conclusions(r: Results, p: Protection) -> list[Part]:
    """A draft of the Conclusies, one answer per research question, in the words the numbers allow."""
    o = r.overall
    alpha = r.settings.alpha
    significant = is_significant(o.wilcoxon.p, alpha)
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
            f"Niet aantoonbaar: het aantal {fell_words(o.voor, o.na)} ({nl_int(o.voor)} → {nl_int(o.na)}), maar dat "
            f"verschil is niet statistisch significant."
        )
    severity = severity_paragraph(r, p) or "Over de zwaarte zijn in dit rapport geen aantallen te tonen."
    parts = [
        Part("Zijn er na het ICO minder politieregistraties?", [fewer]),
        Part("Zijn de registraties minder zwaar?", [severity]),
        Part("Komt dat door het ICO?", [effect_paragraph(r)]),
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


TABLES: list = []
FIGURES: tuple = ()


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"conclusions": conclusions(r, p)}
