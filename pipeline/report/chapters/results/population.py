"""Resultaten: the clients and their registrations (by sex and age, per IMK class, per client, per E-code)."""

from __future__ import annotations

import math
from functools import partial
from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.disclosure.safe_bins import safe_bins
from pipeline.formatting.numbers import nl_int, nl_pct, share
from pipeline.formatting.table import Hidden, Table
from pipeline.report.chart import Chart
from pipeline.report.chart import save as _save
from pipeline.report.figures import AGE_AXIS, Drawn, Frequency, GroupCounts, simple_bars
from pipeline.report.outline import Outline
from pipeline.report.tables import SMALL_GROUPS, group_labels, hidden_notes, masked_row, merge_hidden
from pipeline.report.words import nl_list
from schemas.results import Results


def clients_table(r: Results, p: Protection, *, family: str, table_id: str, title: str, first: str) -> Table:
    groups, hidden, labels = getattr(r, family), p.hidden_in(family), group_labels(family)
    n_total = sum(g.n for g in groups.values())
    reg_total = sum(g.totaal for g in groups.values())
    rows = [
        masked_row(
            [labels.get(k, k), g.n, share(g.n, n_total), g.totaal, share(g.totaal, reg_total)],
            hidden.get(k),
        )
        for k, g in groups.items()
    ]
    rows.append(["Totaal", n_total, share(n_total, n_total), reg_total, share(reg_total, reg_total)])
    return Table(
        table_id,
        title,
        [first, "Cliënten", "% cliënten", "Registraties", "% registraties"],
        ["text", "int", "pct", "int", "pct"],
        rows,
        notes=hidden_notes(p, hidden),
        total_row=True,
    )


def counts_table(
    p: Protection,
    *,
    hidden: dict[str, Hidden],
    table_id: str,
    title: str,
    first: str,
    counts: dict[str, int],
    names: dict[str, str],
) -> Table:
    """Registrations per code or class with their share; codes or classes of few clients are merged."""
    counts = merge_hidden(counts, hidden)
    total = sum(counts.values())
    rows = [[k, names.get(k, ""), n, share(n, total)] for k, n in counts.items()]
    rows.append(["Totaal", "", total, share(total, total)])
    notes = (
        [
            f"{SMALL_GROUPS}: codes of klassen van minder dan {p.k} cliënten, of waarvan één of twee cliënten het "
            "grootste deel van de registraties hebben, of die nodig zijn om die te beschermen; samengenomen zodat "
            "niemand herkenbaar is."
        ]
        if hidden
        else []
    )
    return Table(
        table_id,
        title,
        [first, "Omschrijving", "Aantal", "Percentage"],
        ["text", "text", "int", "pct"],
        rows,
        notes=notes,
        total_row=True,
    )


def frequency_table(r: Results, p: Protection, *, distribution: str, table_id: str, title: str, what: str) -> Table:
    """Clients by how many registrations they have, in bins that each hold none or at least k clients."""
    bins = safe_bins(getattr(r.distributions, distribution), p.k)
    total = sum(n for _, n in bins)
    rows = [[label, n, share(n, total)] for label, n in bins]
    rows.append(["Totaal", total, share(total, total)])
    return Table(
        table_id,
        title,
        [what, "Cliënten", "Percentage"],
        ["text", "int", "pct"],
        rows,
        total_row=True,
        notes=[f"Groepen zijn samengevoegd tot elk geen of minstens {p.k} cliënten telt."],
    )


def registrations_by_class(r: Results, p: Protection) -> Chart:
    classes = merge_hidden(r.imk_classes, p.imk_class)
    labels = [f"{k} {r.imk_class_names[k]}" if k in r.imk_class_names else k for k in classes]
    fig = simple_bars(
        "Registraties per IMK-klasse",
        labels,
        list(classes.values()),
        "",
        "Aantal registraties",
        horizontal=True,
        total=sum(r.imk_classes.values()),
    )
    parts = ", ".join(f"{k} {nl_int(v)}" for k, v in classes.items())
    return Chart(
        "imk_klassen",
        "Registraties per IMK-klasse (Incident Maatschappelijke Klasse), alle vijf perioden.",
        f"Liggend staafdiagram van het aantal registraties per IMK-klasse: {parts}.",
        *_save(fig),
    )


def e_codes_chart(r: Results, p: Protection, top: int = 10) -> Chart:
    codes = merge_hidden(r.e_codes, p.e_code)
    ranked = sorted(((n, k) for k, n in codes.items() if k != SMALL_GROUPS), key=lambda t: (-t[0], t[1]))
    shown = [(k, n) for n, k in ranked[:top]]
    rest = sum(n for n, _ in ranked[top:]) + codes.get(SMALL_GROUPS, 0)
    labels = [f"{k} {r.e_code_names.get(k, '').capitalize()[:38]}" for k, _ in shown]
    values = [v for _, v in shown]
    if rest:
        labels.append("Overige E-codes")
        values.append(rest)
    fig = simple_bars(
        "E-registraties per E-code",
        labels,
        values,
        "",
        "Aantal registraties",
        horizontal=True,
        total=sum(r.e_codes.values()),
    )
    parts = ", ".join(f"{k} {nl_int(v)}" for k, v in shown[:5])
    return Chart(
        "e_codes",
        f"De {len(shown)} meest voorkomende E-codes (meldingen en assistentie).",
        f"Liggend staafdiagram van het aantal E-registraties per code; de grootste: {parts}.",
        *_save(fig),
    )


def imk_intro(r: Results, p: Protection) -> str:
    """What the IMK classes are, with the E-meldingen's largest categories named from this run's mapping."""
    shown = sorted((c for c in r.e_categories if c not in p.e_category), key=lambda c: (-r.e_categories[c].totaal, c))[
        :3
    ]
    examples = f", zoals {nl_list([c.lower() for c in shown])}" if shown else ""
    return (
        "De politie deelt elke registratie in naar een Incident Maatschappelijke Klasse (IMK). De klasse E omvat "
        f"meldingen en assistentie{examples}: daarbij is niet altijd een strafbaar feit gepleegd. De andere "
        "klassen omvatten onder meer verkeer, vernielingen en misdrijven."
    )


def spread_text(r: Results, p: Protection) -> str:
    """How unequal the registrations per client are, as shares of groups of clients (never one client's count):
    the tenth with the most registrations against the half with the fewest."""
    counts = sorted(
        (int(v) for v, n in r.distributions.registraties_per_client.items() for _ in range(int(n))), reverse=True
    )
    counts += [0] * max(r.n_clients - len(counts), 0)  # clients without registrations are not in the frequencies
    total, top = sum(counts), math.ceil(len(counts) / 10)
    half = len(counts) // 2
    if not total or top < p.k:
        return "De aantallen per cliënt lopen uiteen; de figuren tonen de hele verdeling."
    top_share = share(sum(counts[:top]), total)
    low_share = share(sum(counts[-half:]), total) if half else 0.0
    return (
        f"De aantallen per cliënt lopen sterk uiteen: de {nl_int(top)} cliënten met de meeste registraties (een "
        f"tiende van alle cliënten) hebben samen {nl_pct(top_share)} van alle registraties, de helft met de minste "
        f"registraties samen {nl_pct(low_share)}. Een gemiddelde zegt daarom weinig; de figuren tonen de hele "
        f"verdeling."
    )


TABLES = [
    partial(
        clients_table,
        family="by_sex",
        table_id="geslacht_verdeling",
        title="Cliënten en registraties naar geslacht",
        first="Geslacht",
    ),
    partial(
        clients_table,
        family="by_age",
        table_id="leeftijd_verdeling",
        title="Cliënten en registraties per leeftijdsgroep",
        first="Leeftijdsgroep",
    ),
    lambda r, p: counts_table(
        p,
        hidden=p.imk_class,
        table_id="imk_klassen",
        title="Registraties per IMK-klasse",
        first="Klasse",
        counts=r.imk_classes,
        names=r.imk_class_names,
    ),
    partial(
        frequency_table,
        distribution="registraties_per_client",
        table_id="frequentie_registraties",
        title="Aantal registraties per cliënt",
        what="Registraties per cliënt",
    ),
    partial(
        frequency_table,
        distribution="e_registraties_per_client",
        table_id="frequentie_e_registraties",
        title="Aantal E-registraties per cliënt",
        what="E-registraties per cliënt",
    ),
    lambda r, p: counts_table(
        p,
        hidden=p.e_code,
        table_id="e_codes",
        title="E-registraties per E-code",
        first="Code",
        counts=r.e_codes,
        names=r.e_code_names,
    ),
]
FIGURES = (
    GroupCounts(
        id="clienten_geslacht",
        title="Cliënten naar geslacht",
        caption="Verdeling van de cliënten naar geslacht (aantal en percentage).",
        family="by_sex",
        field="n",
        what="cliënten",
    ),
    GroupCounts(
        id="clienten_leeftijd",
        title="Cliënten per leeftijdsgroep",
        caption="Verdeling van de cliënten per leeftijdsgroep (leeftijd bij de start van het ICO).",
        family="by_age",
        field="n",
        what="cliënten",
        xlabel=AGE_AXIS,
    ),
    GroupCounts(
        id="registraties_geslacht",
        title="Registraties naar geslacht",
        caption="Aantal registraties in de vijf perioden rond het ICO naar geslacht.",
        family="by_sex",
        field="totaal",
        what="registraties",
    ),
    GroupCounts(
        id="registraties_leeftijd",
        title="Registraties per leeftijdsgroep",
        caption="Aantal registraties in de vijf perioden rond het ICO per leeftijdsgroep.",
        family="by_age",
        field="totaal",
        what="registraties",
        xlabel=AGE_AXIS,
    ),
    Drawn(id="imk_klassen", draw=registrations_by_class),
    Frequency(
        id="frequentie_registraties",
        title="Registraties per cliënt",
        distribution="registraties_per_client",
        what="registraties",
    ),
    Frequency(
        id="frequentie_e_registraties",
        title="E-registraties per cliënt",
        distribution="e_registraties_per_client",
        what="E-registraties",
    ),
    Drawn(id="e_codes", draw=e_codes_chart),
)


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"imk": imk_intro(r, p), "spread": spread_text(r, p)}
