"""What the numbers say, phrased once for every chapter that says it: the rise towards the ICO, the fall after
it, the effect and the severity in a sentence."""

from __future__ import annotations

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import nl_decimal, nl_int, nl_p, nl_pct
from pipeline.report.effect_words import LABELS, change_words, pretrend_failed, primary_check_failed, ratio
from pipeline.report.words import count_words
from schemas.results import Results


def window_rates(r: Results) -> list[float]:
    """Registrations per client per month in each window: the windows differ in length ('tijdens' lasts as long
    as each ICO; '6 mnd voor' spans lang - kort months, '3 mnd voor' kort), so only rates compare."""
    per = r.perioden_per_maand or {}
    if all(w in per and per[w].per_client_per_maand is not None for w in r.windows):
        return [per[w].per_client_per_maand for w in r.windows]
    v = r.settings.vensters
    length = [v.lang_maanden - v.kort_maanden, v.kort_maanden, None, v.kort_maanden, v.lang_maanden - v.kort_maanden]
    n = max(r.n_clients, 1)
    return [c / (m * n) if m else 0.0 for c, m in zip(r.windows.values(), length, strict=True)]


def rises_towards_ico(r: Results) -> bool:
    """The referral spike: more registrations per month in the months just before the ICO than before them."""
    w = window_rates(r)
    return w[0] < w[1]


def large_fall(r: Results, form: str) -> str:
    """The largest change class in words, from its setting: 'halveerde het aantal registraties of meer' at 50%."""
    large = r.settings.grote_afname_vanaf
    if form == "past":
        if large == 0.5:
            return "halveerde het aantal registraties of meer"
        return f"daalde het aantal registraties met {nl_pct(large * 100, 0)} of meer"
    return "halveren" if large == 0.5 else f"met {nl_pct(large * 100, 0)} of meer dalen"


def window_rates_shown(r: Results, p: Protection) -> list[str]:
    """A window's rate, or the mark of its hidden count (the rate and the published months would tell it)."""
    return [
        "een niet getoond aantal" if name in p.windows else nl_decimal(rate, 2)
        for name, rate in zip(r.windows, window_rates(r), strict=True)
    ]


def rise_text(r: Results, p: Protection) -> str:
    w = window_rates(r)
    shown = window_rates_shown(r, p)
    if w[1] < w[2]:
        return (
            f"in de maanden vóór en tijdens het ICO ({shown[0]} → {shown[1]} → {shown[2]} registraties per cliënt "
            f"per maand)"
        )
    return f"in de maanden vóór het ICO ({shown[0]} → {shown[1]} registraties per cliënt per maand)"


def fell_words(before: float, after: float) -> str:
    return "daalde" if after < before else ("steeg" if after > before else "bleef gelijk")


def is_significant(p: float | None, alpha: float) -> bool | None:
    return None if p is None else p < alpha


def effect_paragraph(r: Results) -> str:
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


def severity_paragraph(r: Results, p: Protection) -> str | None:
    heavy = r.severity.get("zwaar")
    parts = []
    if heavy is not None and "zwaar" not in p.severity:
        parts.append(
            f"Het aantal zware registraties (buiten de E-meldingen) {fell_words(heavy.voor, heavy.na)}: van "
            f"{nl_int(heavy.voor)} naar {nl_int(heavy.na)}."
        )
    mix = r.severity_score.mix
    if mix is not None and mix.gemiddeld_voor is not None and mix.gemiddeld_na is not None:
        significant = is_significant(mix.wilcoxon.p, r.settings.alpha)
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
