"""Resultaten: the kinds of registrations (E-categories, the client's role, severity)."""

from __future__ import annotations

from functools import partial
from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import nl_count, nl_decimal, nl_int, nl_pct
from pipeline.formatting.table import Table
from pipeline.report.figures import PeriodBars
from pipeline.report.outline import Outline
from pipeline.report.tables import CHANGE_NOTE, hidden_notes, masked_row
from pipeline.report.words import count_words, counted_roles, nl_list, significance_words
from schemas.results import Results
from schemas.vocabulary import PERIODS


def by_period_table(r: Results, p: Protection, *, family: str, table_id: str, title: str, first: str) -> Table:
    hidden = p.hidden_in(family)
    rows = [
        masked_row(
            [k[0].upper() + k[1:], g.voor, g.tijdens, g.na, g.totaal, g.afname_pct, *per_month(r, g)],
            hidden.get(k),
        )
        for k, g in getattr(r, family).items()
    ]
    return Table(
        table_id,
        title,
        [first, "Voor", "Tijdens", "Na", "Totaal", "Verandering", *PER_MONTH],
        ["text", "int", "int", "int", "int", "chg", "dec2", "dec2", "dec2"],
        rows,
        notes=[CHANGE_NOTE, PER_MONTH_NOTE, *hidden_notes(p, hidden)],
    )


PER_MONTH = ["Per maand vóór", "Per maand tijdens", "Per maand na"]


PER_MONTH_NOTE = (
    "Per maand: registraties per cliënt per maand in die periode (de periode tijdens het ICO duurt per cliënt even "
    "lang als zijn ICO, de andere perioden een vast aantal maanden; zie de tabel per periode)."
)


def per_month(r: Results, g) -> list[float | None]:
    """A row's registrations per client per month before, during and after: comparable across periods of
    different length. Every compared client is at risk in every row, so the denominators are the periods'."""
    per = r.perioden_per_maand or {}
    out = []
    for period in PERIODS:
        months = per[period].persoonsmaanden if period in per else None
        out.append(getattr(g, period) / months if months else None)
    return out


def e_categories_intro(r: Results) -> str:
    """The E-meldingen's categories as the mapping names them: their number is the mapping's, not the text's."""
    cats = list(r.e_categories)
    return (
        f"De E-meldingen (meldingen en assistentie) zijn ingedeeld in {nl_count(len(cats))} "
        f"{'categorie' if len(cats) == 1 else 'categorieën'}: {nl_list(cats)}. Alle E-meldingen gelden als licht."
    )


def roles_table(r: Results, p: Protection) -> Table:
    """Registrations by the client's role, counting or not: what the choice of roles includes."""
    rows = [
        masked_row(
            [
                g_name[0].upper() + g_name[1:],
                "ja" if g.telt_mee else "nee",
                p.role_clients.get(g_name) or g.n_clients,
                g.voor,
                g.tijdens,
                g.na,
                g.afname_pct,
                *per_month(r, g),
            ],
            p.role.get(g_name),
        )
        for g_name, g in r.by_role.items()
    ]
    return Table(
        "rollen",
        "Registraties naar de rol van de cliënt, voor, tijdens en na het ICO",
        ["Rol", "Telt mee", "Cliënten", "Voor", "Tijdens", "Na", "Verandering", *PER_MONTH],
        ["text", "text", "int", "int", "int", "int", "chg", "dec2", "dec2", "dec2"],
        rows,
        notes=[
            "Een registratie telt hier één keer per rol van de cliënt: wie in één registratie verdachte én "
            "slachtoffer is, staat in beide rijen. De rijen tellen daarom niet op tot het totaal. 'Telt mee': of "
            "de rol volgens de instellingen meetelt in de andere cijfers van dit rapport. Cliënten: cliënten met "
            "minstens één registratie in die rol.",
            CHANGE_NOTE,
            PER_MONTH_NOTE,
            *hidden_notes(p, p.role),
        ],
    )


def roles_text(r: Results, p: Protection) -> list[str]:
    out = [
        f"De cijfers in dit rapport tellen {counted_roles(r)}. Een cliënt "
        f"kan in een registratie verdachte zijn, maar ook slachtoffer, getuige of "
        f"betrokkene: minder registraties als slachtoffer is iets anders dan minder overlast of criminaliteit. "
        f"Daarom staan de rollen hieronder apart."
    ]
    if not r.by_role or set(r.by_role) == {"onbekend"}:
        out.append("De politie-export noemt bij geen enkele registratie de rol van de cliënt.")
        return out
    parts = []
    for role, g in r.by_role.items():
        if role in p.role:
            continue
        change = "" if g.afname_pct is None else f" ({nl_pct(g.afname_pct, sign=True)})"
        who = "zonder rol in de export" if role == "onbekend" else f"als {role}"
        parts.append(f"{who} van {nl_int(g.voor)} naar {nl_int(g.na)}{change}")
    if parts:
        out.append("Vóór tegenover na het ICO: " + "; ".join(parts) + ".")
    left = [role for role, g in r.by_role.items() if not g.telt_mee]
    if left:
        out.append(f"De rollen {nl_list(left)} tellen niet mee in de andere cijfers; ze staan hier ter vergelijking.")
    return out


def severity_score_table(r: Results, p: Protection) -> Table:
    s = r.severity_score
    mark = next(iter(p.score.values()), None)  # the totals before and after are hidden together, or not at all
    weights = ", ".join(f"{k} {v:g}" for k, v in s.gewichten.items())
    return Table(
        "zwaartescore",
        "Zwaartescore (som van de gewichten van de registraties) voor en na het ICO",
        ["", "Voor", "Na", "Verandering"],
        ["text", "dec", "dec", "chg"],
        [
            masked_row(["Totaal", s.voor, s.na, s.afname_pct], mark),
            masked_row(["Gemiddeld per cliënt", s.gemiddeld_voor, s.gemiddeld_na, None], mark),
        ],
        notes=[f"Gewichten: {weights}; E-meldingen tellen als licht.", *hidden_notes(p, p.score)],
    )


def severity_text(r: Results, p: Protection) -> str:
    parts = [
        f"{k} van {nl_int(g.voor)} naar {nl_int(g.na)} ({nl_pct(g.afname_pct, sign=True)})"
        for k, g in r.severity.items()
        if k not in p.severity
    ]
    s = r.severity_score
    alpha = r.settings.alpha
    means = (
        "staat hier niet, omdat zij een niet getoond aantal zou verraden"
        if p.score
        else f"ging van gemiddeld {nl_decimal(s.gemiddeld_voor)} naar {nl_decimal(s.gemiddeld_na)}"
    )
    score = (
        f"De zwaartescore per cliënt (de som van de gewichten van zijn registraties) {means}; dit verschil is "
        f"{significance_words(s.wilcoxon.p, alpha)}. Die score telt het aantal mee: minder registraties geven een "
        f"lagere score, ook als ze niet minder zwaar zijn."
    )
    if s.mix is not None and s.mix.gemiddeld_voor is not None:
        score += (
            f" Of de registraties zelf minder zwaar werden, zegt het gemiddelde gewicht van de registraties van een "
            f"cliënt, gemiddeld over de {count_words(p.mix, s.mix.n_clients, p)} cliënten met registraties vóór én "
            f"na: van "
            f"{nl_decimal(s.mix.gemiddeld_voor, 2)} naar {nl_decimal(s.mix.gemiddeld_na, 2)}; dit verschil is "
            f"{significance_words(s.mix.wilcoxon.p, alpha)}."
        )
    return (
        "Buiten de E-meldingen veranderde het aantal registraties per zwaarte als volgt: "
        + "; ".join(parts)
        + ". "
        + score
    )


TABLES = [
    partial(
        by_period_table,
        family="e_categories",
        table_id="e_categorieen",
        title="Soorten E-meldingen: aantallen en verandering",
        first="E-categorie",
    ),
    partial(
        by_period_table,
        family="severity",
        table_id="zwaarte",
        title="Zwaarte van de overige registraties voor, tijdens en na het ICO",
        first="Zwaarte",
    ),
    severity_score_table,
    roles_table,
]
FIGURES = (
    PeriodBars(
        id="e_categorieen",
        title="Soorten E-meldingen voor, tijdens en na het ICO",
        caption="E-meldingen per cliënt per maand, per categorie, voor, tijdens en na het ICO (per maand, omdat de "
        "periode tijdens het ICO een andere lengte heeft). De aantallen staan in de tabel.",
        family="e_categories",
        alt="van E-meldingen per cliënt per maand per categorie voor, tijdens en na het ICO",
        per_month=True,
    ),
    PeriodBars(
        id="zwaarte",
        title="Zwaarte van de overige registraties",
        caption="Registraties buiten de E-meldingen per cliënt per maand, per zwaarte (licht, middel, zwaar), voor, "
        "tijdens en na het ICO. De aantallen staan in de tabel.",
        family="severity",
        alt="van registraties per cliënt per maand per zwaarte voor, tijdens en na het ICO",
        per_month=True,
    ),
    PeriodBars(
        id="rollen",
        title="Registraties naar de rol van de cliënt",
        caption="Registraties per cliënt per maand naar de rol van de cliënt (verdachte, slachtoffer, getuige, ...), "
        "voor, tijdens en na het ICO. Een registratie telt één keer per rol. De aantallen, en welke rollen "
        "meetellen, staan in de tabel.",
        family="by_role",
        alt="van registraties per cliënt per maand per rol voor, tijdens en na het ICO",
        per_month=True,
    ),
)


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {
        "e_categories": e_categories_intro(r),
        "severity": severity_text(r, p),
        "roles": roles_text(r, p),
    }
