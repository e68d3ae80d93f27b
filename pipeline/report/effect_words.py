"""How the report speaks of the effect estimates, in one place for every chapter that does: their names, a ratio
with its interval, the verdicts of the pre-trend and balance checks."""

from __future__ import annotations

import math

from pipeline.formatting.numbers import half_up, months, nl_count, nl_decimal, nl_p, nl_pct
from schemas.results import Estimate, MatchedEstimate, Primary, Results

LABELS = {
    "cohort": "een effect per cohort en maand sinds het ICO, met vaste effecten per cliënt en kalendermaand",
    "comparison": "vaste effecten per cliënt en kalendermaand",
    "imputation": "imputatie uit de maanden vóór het ICO",
    "naive": "vóór-na",
    "symmetric": "symmetrisch vóór-na",
    "matched": "vergelijking met gekoppelde personen uit de politiegegevens",
}


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


def primary_check_failed(r: Results) -> bool:
    """Whether the primary estimate's own check failed: for the matched comparison the balance of the groups,
    for the others the pre-trend check (the matched design does not assume an unchanging count before the ICO:
    it compares with persons who had the same course)."""
    if r.effect.primary.estimator == "matched":
        m = r.matching
        return m is None or m.max_abs_smd is None or m.max_abs_smd > r.settings.vergelijkingsgroep.max_smd
    return pretrend_failed(r)


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
        return matched_primary_sentences(r, e)
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


def matched_primary_sentences(r: Results, e: Primary) -> list[str]:
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
