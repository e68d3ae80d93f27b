"""Resultaten: men and women, the age groups, the kind and the duration of the ICO."""

from __future__ import annotations

from functools import partial
from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import nl_decimal, nl_int, nl_of, nl_p, nl_pct, share
from pipeline.formatting.table import Table
from pipeline.report.chart import Chart
from pipeline.report.chart import save as _save
from pipeline.report.figures import Drawn, PeriodBars, grouped_bars
from pipeline.report.outline import Outline
from pipeline.report.tables import SEX_LABELS, group_labels, hidden_notes, masked_row
from pipeline.report.words import nl_list
from schemas.results import Results
from schemas.vocabulary import SEXES


def subgroup_table(r: Results, p: Protection, *, family: str, table_id: str, title: str, first: str) -> Table:
    hidden, labels = p.hidden_in(family), group_labels(family)
    rows, reasons = [], []
    for name, g in getattr(r, family).items():
        label = labels.get(name, name)
        if not g.getoetst:
            reason = g.reden or ""
            if reason not in reasons:
                reasons.append(reason)
            label += "*" * (reasons.index(reason) + 1)
        row = [
            label,
            g.n,
            g.voor,
            g.na,
            g.gemiddeld_voor,
            g.gemiddeld_na,
            g.afname_pct,
            g.p,
            g.p_holm,
        ]
        rows.append(masked_row(row, hidden.get(name)))
    o = r.overall
    rows.append(
        [
            "Totaal",
            o.n,
            o.voor,
            o.na,
            o.gemiddeld_voor,
            o.gemiddeld_na,
            o.afname_pct,
            o.wilcoxon.p,
            None,
        ]
    )
    notes = [
        "Voor / na: registraties in de periode vóór en na het ICO; gem.: gemiddeld per cliënt; p: "
        "Wilcoxon-toets, p (Holm): gecorrigeerd voor het aantal getoetste subgroepen."
    ]
    notes += ["*" * (i + 1) + " " + n[0].upper() + n[1:] for i, n in enumerate(reasons)]
    return Table(
        table_id,
        title,
        [first, "Cliënten", "Voor", "Na", "Gem. voor", "Gem. na", "Verandering", "p", "p (Holm)"],
        ["text", "int", "int", "int", "dec", "dec", "chg", "p", "p"],
        rows,
        notes=notes + hidden_notes(p, hidden),
        total_row=True,
    )


def classes_by_sex_table(r: Results, p: Protection) -> Table:
    sexes = [s for s in SEXES if s in r.by_sex and s not in p.sex]
    totals = {s: sum(v.get(s, 0) for v in r.class_by_sex.values()) for s in sexes}
    rows = []
    for k in r.imk_classes:
        row: list[Any] = [k, r.imk_class_names[k]]
        for s in sexes:
            n = r.class_by_sex[k].get(s, 0)
            mark = p.imk_class.get(k) or p.class_by_sex.get((k, s))
            row += [mark or n, mark or share(n, totals[s])]
        rows.append(row)
    columns = ["Klasse", "Omschrijving"]
    for s in sexes:
        columns += [SEX_LABELS[s], f"% {SEX_LABELS[s].lower()}"]
    return Table(
        "klassen_geslacht",
        "Registraties per IMK-klasse naar geslacht",
        columns,
        ["text", "text"] + ["int", "pct"] * len(sexes),
        rows,
        notes=hidden_notes(p, p.class_by_sex, p.sex, p.imk_class),
    )


def classes_by_sex_chart(r: Results, p: Protection) -> Chart:
    by_class = r.class_by_sex
    sexes = [s for s in ("man", "vrouw") if s in r.by_sex and s not in p.sex]
    totals = {s: sum(v.get(s, 0) for v in by_class.values()) for s in sexes}
    classes = [k for k in r.imk_classes if k not in p.imk_class and any(by_class[k].get(s, 0) for s in sexes)]
    hidden = {(k, s) for k in classes for s in sexes if (k, s) in p.class_by_sex}
    series = {
        SEX_LABELS[s]: [0.0 if (k, s) in hidden else share(by_class[k].get(s, 0), totals[s]) or 0.0 for k in classes]
        for s in sexes
    }
    fig = grouped_bars(
        "Soort registraties naar geslacht", classes, series, "Aandeel van de registraties", "IMK-klasse", percent=True
    )
    e_parts = (
        ", ".join(f"{name.lower()} {nl_pct(vals[classes.index('E')], 0)}" for name, vals in series.items())
        if "E" in classes
        else ""
    )
    note = (
        (
            " Een staaf van 0% bij een klasse staat voor een aantal dat ook in de tabel niet getoond wordt "
            f"(<{p.k} of x)."
        )
        if hidden
        else ""
    )
    return Chart(
        "klassen_geslacht",
        "Aandeel van elke IMK-klasse in de registraties van mannen en van vrouwen." + note,
        f"Staafdiagram van het aandeel per IMK-klasse voor mannen en vrouwen; E-registraties: {e_parts}.",
        *_save(fig),
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
        out.append(_group_sentence(f"De {nl_int(g.n)} {who}", g, alpha))
    sentence = difference_sentence(r, "geslacht", p.sex, {"man": "mannen", "vrouw": "vrouwen"})
    if sentence:
        out.append(sentence)
    return out


def _group_sentence(who: str, g, alpha: float) -> str:
    """A subgroup's before and after, its change and its test, in one sentence that starts with `who`."""
    text = (
        f"{who} hadden {nl_int(g.voor)} registraties vóór het ICO (gemiddeld {nl_decimal(g.gemiddeld_voor)} per "
        f"cliënt) en {nl_int(g.na)} erna (gemiddeld {nl_decimal(g.gemiddeld_na)})"
    )
    if g.afname_pct is not None:
        text += f": een verandering van {nl_pct(g.afname_pct, sign=True)}"
    if g.getoetst:
        holm = "" if g.p_holm is None else f", na correctie voor meervoudig toetsen {nl_p(g.p_holm)}"
        verdict = "significant" if (g.p_holm if g.p_holm is not None else g.p) < alpha else "niet significant"
        return text + f". Dit verschil is {verdict} ({nl_p(g.p)}{holm})."
    return text + f". Niet getoetst: {g.reden}."


def top_age_per_class(r: Results, p: Protection) -> Table:
    """The seed's Tabel 2: the age group with the most registrations per IMK class, named only when at least
    `min_groepsgrootte` registrations and `min_publicatie` clients stand behind it."""
    minimum = r.settings.min_groepsgrootte
    rows, small = [], False
    for k in r.imk_classes:
        counts = r.class_by_age[k]
        total = sum(counts.values())
        top = max(counts.values())
        groups = [g for g, n in counts.items() if n == top]
        too_small = any(p.class_by_age.get((k, g), 0) < p.k or g in p.age for g in groups)
        if total < minimum or k in p.imk_class or too_small:
            rows.append([k, r.imk_class_names[k] + "*", "–", p.imk_class.get(k) or total])
            small = True
            continue
        rows.append([k, r.imk_class_names[k], " en ".join(groups), total])
    notes = (
        [
            f"* Te klein om uit te splitsen naar leeftijd (minder dan {minimum} registraties of minder dan {p.k} "
            f"cliënten in de grootste leeftijdsgroep)."
        ]
        if small
        else []
    ) + [
        "De leeftijdsgroep met de meeste registraties van die klasse. Een grote leeftijdsgroep heeft vanzelf meer "
        "registraties: dit is geen kans per cliënt. Registraties in de klasse: alle leeftijden samen."
    ]
    return Table(
        "leeftijd_per_klasse",
        "Meest voorkomende leeftijdsgroep per IMK-klasse",
        ["Klasse", "Omschrijving", "Meest voorkomend in leeftijdsgroep", "Registraties in de klasse"],
        ["text", "text", "text", "int"],
        rows,
        notes=notes,
    )


def age_text(r: Results, p: Protection) -> str:
    small = [k for k, g in r.by_age.items() if not g.getoetst]
    tested = [k for k, g in r.by_age.items() if g.getoetst]
    alpha = r.settings.alpha
    significant = [k for k in tested if r.by_age[k].p_holm is not None and r.by_age[k].p_holm < alpha]
    parts = []
    if small:
        parts.append(
            (f"De groep {small[0]} heeft" if len(small) == 1 else f"De groepen {nl_list(small)} hebben")
            + f" minder dan {r.settings.min_groepsgrootte} cliënten; "
            f"daar is niet getoetst of het verschil toeval kan zijn (niet getoetst i.v.m. te kleine aantallen)."
        )
    if tested:
        which = f" ({', '.join(significant)})" if significant and len(significant) < len(tested) else ""
        parts.append(
            f"Van de getoetste leeftijdsgroepen is het verschil tussen vóór en na in "
            f"{nl_of(len(significant), len(tested))} statistisch significant na Holm-correctie{which}."
        )
    hidden = {k for k in r.by_age if k not in tested} | set(p.age)
    sentence = difference_sentence(r, "leeftijdsgroep", hidden, {})
    if sentence:
        parts.append(sentence)
    return " ".join(parts)


def difference_sentence(r: Results, kenmerk: str, hidden, names: dict[str, str]) -> str | None:
    """Whether the groups changed differently, from the one model with an interaction: the test a reader
    needs before saying that the ICO works better for one group than for another."""
    d = (r.effect.verschillen or {}).get(kenmerk)
    if d is None or d.p is None or any(g in hidden for g in d.groepen):
        return None
    ratios = ", ".join(f"{names.get(g, g)} {nl_decimal(v, 2)}" for g, v in d.groepen.items())
    differs = d.p < r.settings.alpha
    return (
        f"Verschilt de verandering tussen de groepen? In één model met een verhouding na/vóór per groep ({ratios}; "
        f"de vóór-na-vergelijking, dus met dezelfde beperking: een groep die vóór het ICO hoger begon, daalt ook "
        f"zonder ICO vaak sterker) "
        + (
            f"is het verschil statistisch significant ({nl_p(d.p)}): de groepen veranderden niet even sterk."
            if differs
            else f"is het verschil niet statistisch significant ({nl_p(d.p)}): deze gegevens tonen niet aan dat "
            f"de groepen verschillend veranderden."
        )
    )


def ico_type_text(r: Results, p: Protection) -> list[str]:
    """Before and after per ICO type (regulier, PGA OGGZ 1%, ...), the types as the client list names them."""
    if not r.by_ico_type:
        return [
            "De cliëntenlijst noemt bij geen enkele cliënt de soort ICO (kolom ico_type), dus de cijfers zijn niet "
            "naar soort ICO uitgesplitst."
        ]
    out = []
    for key, g in r.by_ico_type.items():
        who = "cliënten van wie de soort ICO niet in de cliëntenlijst staat" if key == "onbekend" else f"'{key}'"
        if key in p.ico_type:
            out.append(
                f"Over {who if key == 'onbekend' else 'de soort ICO ' + who} staan hier geen aantallen: om niemand "
                f"herkenbaar te maken worden groepen van minder dan {p.k} cliënten (en zo nodig een groep ernaast) "
                f"niet getoond."
            )
            continue
        start = f"De {nl_int(g.n)} {who}" if key == "onbekend" else f"De {nl_int(g.n)} cliënten met een ICO {who}"
        out.append(_group_sentence(start, g, r.settings.alpha))
    return out


def duration_table(r: Results, p: Protection) -> Table:
    """Before and after per duration group of the ICO (about equal thirds, cut at whole months)."""
    groups = r.ico_duur.groepen if r.ico_duur else {}
    rows = [
        masked_row(
            [k, g.n, g.voor, g.na, g.gemiddeld_voor, g.gemiddeld_na, g.afname_pct],
            p.ico_duration.get(k),
        )
        for k, g in groups.items()
    ]
    o = r.overall
    rows.append(["Totaal", o.n, o.voor, o.na, o.gemiddeld_voor, o.gemiddeld_na, o.afname_pct])
    return Table(
        "ico_duur",
        "Registraties voor en na het ICO naar duur van het ICO",
        ["Duur van het ICO", "Cliënten", "Voor", "Na", "Gem. voor", "Gem. na", "Verandering"],
        ["text", "int", "int", "int", "dec", "dec", "chg"],
        rows,
        notes=hidden_notes(p, p.ico_duration),
        total_row=True,
    )


def duration_text(r: Results, p: Protection) -> str:
    """Did clients with a longer ICO change more? Said as the rank correlation allows, and never as a cause."""
    d = r.ico_duur
    if d is None or d.mediaan_maanden is None:
        return ""
    text = f"De helft van de ICO's duurde korter dan {nl_decimal(d.mediaan_maanden)} maanden. "
    if d.spearman_rho is None:
        return (
            text + "Of de verandering samenhangt met de duur, is niet te berekenen: de duur of de verandering is bij "
            "iedereen gelijk."
        )
    text += (
        f"De rangcorrelatie (Spearman) tussen de duur van het ICO en de verandering per cliënt (na min vóór) is "
        f"{nl_decimal(d.spearman_rho, 2)} ({nl_p(d.p)}). "
    )
    if d.p is not None and d.p < r.settings.alpha:
        direction = "sterker" if d.spearman_rho < 0 else "minder sterk"
        text += (
            f"Bij cliënten met een langer ICO daalde het aantal registraties {direction}. Dat is een samenhang, "
            f"geen bewijs dat een langer ICO daar de oorzaak van is: wie een langer ICO krijgt, kan ook in andere "
            f"opzichten verschillen."
        )
    else:
        text += "Deze gegevens tonen geen samenhang aan tussen de duur van het ICO en de verandering."
    return text


TABLES = [
    partial(
        subgroup_table,
        family="by_sex",
        table_id="geslacht",
        title="Registraties voor en na het ICO naar geslacht",
        first="Geslacht",
    ),
    classes_by_sex_table,
    partial(
        subgroup_table,
        family="by_age",
        table_id="leeftijd",
        title="Registraties voor en na het ICO per leeftijdsgroep",
        first="Leeftijdsgroep",
    ),
    top_age_per_class,
    partial(
        subgroup_table,
        family="by_ico_type",
        table_id="ico_type",
        title="Registraties voor en na het ICO per soort ICO",
        first="Soort ICO",
    ),
    duration_table,
]
FIGURES = (
    PeriodBars(
        id="voor_na_geslacht",
        title="Registraties voor en na het ICO naar geslacht",
        caption="Aantal registraties in de periode vóór en in de periode na het ICO, voor mannen en vrouwen.",
        family="by_sex",
        periods=("voor", "na"),
        alt="van registraties voor en na het ICO",
    ),
    Drawn(id="klassen_geslacht", draw=classes_by_sex_chart),
    PeriodBars(
        id="voor_na_ico_duur",
        title="Registraties voor en na het ICO naar duur van het ICO",
        caption="Aantal registraties in de periode vóór en in de periode na het ICO, voor cliënten met een kort, "
        "middellang en lang ICO (drie ongeveer even grote groepen). De perioden vóór en na zijn voor iedereen even "
        "lang.",
        family="ico_duur",
        periods=("voor", "na"),
        alt="van registraties voor en na het ICO per duur van het ICO",
    ),
    PeriodBars(
        id="voor_na_leeftijd",
        title="Registraties voor en na het ICO per leeftijdsgroep",
        caption="Aantal registraties in de periode vóór en in de periode na het ICO per leeftijdsgroep.",
        family="by_age",
        periods=("voor", "na"),
        alt="van registraties voor en na het ICO",
    ),
)


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {
        "sex": sex_text(r, p),
        "age": age_text(r, p),
        "ico_type": ico_type_text(r, p),
        "duration": duration_text(r, p),
    }
