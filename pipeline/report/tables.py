"""Every table of the report, computed from results.json alone (so the report holds no person-level data),
with disclosure control: groups of fewer than `min_publicatie` clients are hidden (pipeline/disclosure.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.disclosure.safe_bins import safe_bins
from pipeline.formatting.numbers import months, nl_int, nl_pct, pct_change, share
from pipeline.formatting.table import Hidden, Table
from pipeline.report.matched_group import balance_table, few_unmatched, months_table
from schemas.results import Results
from schemas.vocabulary import EXCLUSION_REASONS, PERIODS, SEXES


def change_labels(r: Results) -> dict[str, str]:
    """The change classes as the settings draw them (veranderingsgroepen.kleine_afname_tot, grote_afname_vanaf);
    the first class holds the clients whose count stayed the same too."""
    small, large = (nl_pct(v * 100, 0) for v in (r.settings.kleine_afname_tot, r.settings.grote_afname_vanaf))
    return {
        "toegenomen": "Toegenomen",
        "afname_0_10": f"Gelijk of gedaald met hooguit {small}",
        "afname_11_50": f"Gedaald met meer dan {small}, minder dan {large}",
        "afname_50_plus": f"Gedaald met {large} of meer",
    }


SEX_LABELS = {"man": "Man", "vrouw": "Vrouw", "onbekend": "Onbekend"}
SMALL_GROUPS = "Overige (niet apart getoond)"
CHANGE_NOTE = "Verandering: het aantal na het ICO vergeleken met het aantal ervoor; − is een daling, + een stijging."


def _masked(row: list[Any], mark: Hidden | None) -> list[Any]:
    """A row with every number replaced by the suppression mark; the label stays."""
    if mark is None:
        return row
    return [row[0], *(v if isinstance(v, str) else mark for v in row[1:])]


def _notes(p: Protection, *hidden: dict) -> list[str]:
    return [p.footnote()] if any(hidden) else []


def key_figures(r: Results, p: Protection) -> Table:
    o = r.overall
    per = r.perioden_per_maand or {}
    rate = [per[k].per_client_per_maand if k in per else None for k in ("voor", "na")]
    rows: list[list[Any]] = [
        ["Cliënten in de vergelijking", o.n, o.n, None],
        ["Registraties", o.voor, o.na, o.afname_pct],
    ]
    if None not in rate:
        rows.append(["Registraties per cliënt per maand", *rate, pct_change(*rate)])
    suspect = r.by_role.get("verdachte")
    if suspect is not None and r.settings.rollen != ["verdachte"]:
        row = ["Registraties als verdachte", suspect.voor, suspect.na, suspect.afname_pct]
        rows.append(_masked(row, p.role.get("verdachte")))
    rows += [
        _masked([f"Registraties {k} (buiten de E-meldingen)", g.voor, g.na, g.afname_pct], p.severity.get(k))
        for k, g in r.severity.items()
    ]
    return Table(
        "kerncijfers",
        "Kerncijfers",
        ["", "Vóór het ICO", "Na het ICO", "Verandering"],
        ["text", "num", "num", "chg"],
        rows,
        notes=[
            f"Vóór en na: de {months(r.settings.vensters.lang_maanden)} vóór de start en na het einde van het ICO. "
            + CHANGE_NOTE,
            *_notes(p, p.severity, p.role),
        ],
    )


def _labels(family: str) -> dict[str, str]:
    return SEX_LABELS if family == "by_sex" else {}


def clients_table(r: Results, p: Protection, *, family: str, table_id: str, title: str, first: str) -> Table:
    groups, hidden, labels = getattr(r, family), p.hidden_in(family), _labels(family)
    n_total = sum(g.n for g in groups.values())
    reg_total = sum(g.totaal for g in groups.values())
    rows = [
        _masked(
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
        notes=_notes(p, hidden),
        total_row=True,
    )


def duration_table(r: Results, p: Protection) -> Table:
    """Before and after per duration group of the ICO (about equal thirds, cut at whole months)."""
    groups = r.ico_duur.groepen if r.ico_duur else {}
    rows = [
        _masked(
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
        notes=_notes(p, p.ico_duration),
        total_row=True,
    )


def rates_table(r: Results, p: Protection) -> Table:
    """Registrations per client per month: the windows differ in length ('tijdens' lasts as long as the ICO)."""
    per = r.perioden_per_maand or {}
    rows = []
    for key in [w for w in (*r.windows, "voor", "na") if w in per]:
        rate = per[key]
        label = {"voor": "Vóór het ICO (samen)", "na": "Na het ICO (samen)"}.get(key, key[0].upper() + key[1:])
        row = [label, rate.registraties, rate.persoonsmaanden, rate.per_client_per_maand]
        rows.append(_masked(row, p.windows.get(key) if key in r.windows else None))
    return Table(
        "perioden_per_maand",
        "Registraties per cliënt per maand, per periode rond het ICO",
        ["Periode", "Registraties", "Cliëntmaanden", "Per cliënt per maand"],
        ["text", "int", "dec", "dec2"],
        rows,
        notes=[
            "Cliëntmaanden: de tijd die alle cliënten samen in de periode doorbrachten (een maand is 365,25 / 12 "
            "dagen); "
            + (
                "tijd in detentie of na overlijden telt niet mee. "
                if r.tijd_at_risk is not None
                else "of iemand vastzat of overleed, is niet bekend, dus die tijd telt mee. "
            )
            + "De periode tijdens het ICO duurt per cliënt even lang als zijn ICO; daarom vergelijkt deze tabel per "
            "cliënt per maand.",
            *_notes(p, p.windows),
        ],
    )


def windows_table(r: Results, p: Protection) -> Table:
    total = sum(r.windows.values())
    rows = [_masked([w[0].upper() + w[1:], n, share(n, total)], p.windows.get(w)) for w, n in r.windows.items()]
    rows.append(["Totaal", total, share(total, total)])
    return Table(
        "vensters",
        "Registraties voor, tijdens en na het ICO",
        ["Periode", "Aantal", "Percentage"],
        ["text", "int", "pct"],
        rows,
        total_row=True,
        notes=_notes(p, p.windows),
    )


def subgroup_table(r: Results, p: Protection, *, family: str, table_id: str, title: str, first: str) -> Table:
    hidden, labels = p.hidden_in(family), _labels(family)
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
        rows.append(_masked(row, hidden.get(name)))
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
        notes=notes + _notes(p, hidden),
        total_row=True,
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


def by_period_table(r: Results, p: Protection, *, family: str, table_id: str, title: str, first: str) -> Table:
    hidden = p.hidden_in(family)
    rows = [
        _masked(
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
        notes=[CHANGE_NOTE, PER_MONTH_NOTE, *_notes(p, hidden)],
    )


def roles_table(r: Results, p: Protection) -> Table:
    """Registrations by the client's role, counting or not: what the choice of roles includes."""
    rows = [
        _masked(
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
            *_notes(p, p.role),
        ],
    )


def change_groups_table(r: Results, p: Protection) -> Table:
    threshold = r.settings.veel_vanaf
    rows = []
    for group, g in r.change_groups.items():
        label = f"Weinig (minder dan {threshold} voor)" if group == "weinig" else f"Veel ({threshold} of meer voor)"
        whole = p.change_group.get(group)
        for key, name in change_labels(r).items():
            mark = whole or p.change[group].get(key)
            rows.append([label, name, mark or getattr(g, key), mark or share(getattr(g, key), g.n)])
        rows.append([label, "Totaal", whole or g.n, whole or share(g.n, g.n)])
    hidden = [p.change_group, *p.change.values()]
    return Table(
        "veranderingsgroepen",
        "Verandering per cliënt: registraties na het ICO vergeleken met ervoor",
        ["Groep", "Verandering", "Cliënten", "Percentage"],
        ["text", "text", "int", "pct"],
        rows,
        notes=_notes(p, *hidden),
    )


def merge_hidden(counts: dict[str, int], hidden: dict[str, Hidden]) -> dict[str, int]:
    """Counts with the hidden groups merged into one 'Overige' group, which then holds at least two of them."""
    shown = {k: n for k, n in counts.items() if k not in hidden}
    merged = sum(n for k, n in counts.items() if k in hidden)
    if merged:
        shown[SMALL_GROUPS] = merged
    return shown


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
        notes=_notes(p, p.class_by_sex, p.sex, p.imk_class),
    )


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


def tests_table(r: Results, p: Protection) -> Table:
    o = r.overall
    rows = [
        [
            "Alle cliënten",
            o.n,
            o.wilcoxon.n_ongelijk,
            o.wilcoxon.statistic,
            o.wilcoxon.p,
            None,
            o.rank_biserial,
        ]
    ]
    families = (("by_sex", SEX_LABELS, p.sex), ("by_age", {}, p.age), ("by_ico_type", {}, p.ico_type))
    for key, labels, hidden in families:
        for name, g in getattr(r, key).items():
            row = [
                labels.get(name, name),
                g.n,
                g.n_ongelijk,
                g.statistic,
                g.p,
                g.p_holm,
                g.rank_biserial,
            ]
            rows.append(_masked(row, hidden.get(name)))
    s = r.severity_score
    rows.append(
        [
            "Zwaartescore, alle cliënten",
            s.wilcoxon.n,
            s.wilcoxon.n_ongelijk,
            s.wilcoxon.statistic,
            s.wilcoxon.p,
            None,
            s.rank_biserial,
        ]
    )
    return Table(
        "toetsen",
        "Wilcoxon-toetsen (gepaard, tweezijdig): registraties per cliënt voor en na het ICO",
        ["Groep", "n", "n met verschil", "W", "p", "p (Holm)", "Effectgrootte r"],
        ["text", "int", "int", "dec", "p", "p", "dec2"],
        rows,
        notes=[
            "Een streepje bij W en p: niet getoetst (te kleine groep, geslacht onbekend of alle paren gelijk). Een "
            "streepje alleen bij p (Holm): de toets valt buiten de Holm-correctie, die de groepen naar geslacht, "
            "leeftijd en soort ICO samen corrigeert (alle cliënten en de zwaartescore zijn elk één toets).",
            "r is de rangbiseriële correlatie: +1 als alle cliënten na het ICO minder registraties hebben, −1 als "
            "alle meer hebben.",
            *_notes(p, p.sex, p.age, p.ico_type),
        ],
    )


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
            _masked(["Totaal", s.voor, s.na, s.afname_pct], mark),
            _masked(["Gemiddeld per cliënt", s.gemiddeld_voor, s.gemiddeld_na, None], mark),
        ],
        notes=[f"Gewichten: {weights}; E-meldingen tellen als licht.", *_notes(p, p.score)],
    )


RECONCILIATION_LABELS = [
    ("rows_read", "Rijen gelezen uit de politie-export"),
    ("rows_excluded_role", "Rol telt volgens de instellingen niet mee"),
    ("duplicates", "Dubbel: dezelfde registratie van dezelfde cliënt (bv. in twee rollen)"),
    ("unknown_client", "Persoon staat niet in de cliëntenlijst"),
    ("rows_excluded_followup", "Cliënt valt buiten de vergelijking (onvolledige follow-up)"),
    ("outside_windows", "Buiten de vijf perioden rond het ICO"),
    ("used", "Gebruikt in de analyse"),
]


def reconciliation_table(r: Results, p: Protection) -> Table:
    rec = r.reconciliation
    rows = [[text, getattr(rec, key)] for key, text in RECONCILIATION_LABELS if getattr(rec, key) is not None]
    return Table(
        "verantwoording", "Verantwoording van elke rij uit de politie-export", ["", "Rijen"], ["text", "int"], rows
    )


def exclusions_table(r: Results, p: Protection) -> Table:
    dq = r.data_quality
    rows = [["Cliënten in de cliëntenlijst", dq.clients_read]]
    rows += [
        _masked([f"Niet vergeleken: {EXCLUSION_REASONS[k]}", n], p.excluded.get(k))
        for k, n in dq.clients_excluded_followup.items()
    ]
    rows.append(["Cliënten in de vergelijking", r.n_clients])
    rows.append(
        ["  waarvan zonder enige registratie in de perioden (telt mee met nullen)", dq.clients_without_registrations]
    )
    return Table(
        "clienten_verantwoording",
        "Verantwoording van de cliënten",
        ["", "Cliënten"],
        ["text", "int"],
        rows,
        notes=_notes(p, p.excluded),
    )


def _effect_labels(r: Results) -> dict[str, tuple[str, str]]:
    w = r.settings.vensters
    lng, sht, a = w.lang_maanden, w.kort_maanden, r.settings.anticipatie_maanden
    return {
        "comparison": (
            "Vaste effecten",
            f"eigen maanden tot {a} mnd vóór het ICO, kalendermaanden uit later besproken cliënten",
        ),
        "imputation": ("Imputatie", "verwachting zonder ICO uit alleen de maanden vóór de ICO's"),
        "naive": (
            "Vóór-na",
            f"{lng} maanden vóór tegen {lng} maanden na het ICO (zoals de eerdere, met de hand gemaakte analyses)",
        ),
        "symmetric": ("Symmetrisch", f"maand {lng} tot {sht} vóór de start tegen maand {sht} tot {lng} na het einde"),
    } | (
        {"matched": ("Vergelijkingsgroep", "na tegen vóór, tegenover gekoppelde personen uit de politiegegevens")}
        if r.effect.matched is not None
        else {}
    )


def effect_table(
    r: Results,
    p: Protection,
    key: str = "effect",
    table_id: str = "effect",
    title: str = "Hoe groot is de verandering? De schattingen naast elkaar",
) -> Table:
    rows = []
    primary = r.effect.primary.estimator
    labels = _effect_labels(r)
    for name in [primary, *[k for k in labels if k != primary]]:
        label, what = labels[name]
        e = getattr(getattr(r, key), name)
        if e is None:  # the matched estimate exists only with time at risk as given
            continue
        change = None if e.irr is None else (e.irr - 1) * 100
        shown_n = Hidden("x") if name == "matched" and few_unmatched(r, p) else e.n_clients
        rows.append(
            [
                label + (" (hoofdschatting)" if name == primary else ""),
                what,
                e.irr,
                e.ci_low,
                e.ci_high,
                change,
                shown_n,
            ]
        )
    return Table(
        table_id,
        title,
        [
            "Schatting",
            "Vergelijking",
            "Verhouding",
            "95%-interval van",
            "95%-interval tot",
            "Verandering",
            "Cliënten",
        ],
        ["text", "text", "dec2", "dec2", "dec2", "chg", "int"],
        rows,
        notes=[
            "Verhouding: bij vaste effecten en imputatie het aantal registraties per cliënt per maand na het ICO "
            "gedeeld door het aantal dat zonder ICO te verwachten was; bij vóór-na en symmetrisch gedeeld door het "
            "aantal per cliënt per maand vóór het ICO (1 = geen verandering, 0,70 = 30% minder). Het 95%-interval "
            "geeft aan hoe zeker de schatting is, en houdt er rekening mee dat elke cliënt vele maanden meetelt. De "
            "hoofdschatting is vooraf in de instellingen van de analyse gekozen."
        ],
    )


def _ratio_table(table_id: str, title: str, first: tuple[str, str], rows: list[list], note: str) -> Table:
    """A table of rate ratios with their 95% intervals, one row per first-column value."""
    return Table(
        table_id,
        title,
        [first[0], "Verhouding", "95%-interval van", "95%-interval tot"],
        [first[1], "dec2", "dec2", "dec2"],
        rows,
        notes=[note],
    )


def sensitivity_note(r: Results) -> str:
    """What the run-up means for the primary estimate: months not used as its comparison."""
    if r.effect.primary.estimator == "matched":
        return (
            "Ingesteld: geen aanloop; de hele periode vóór het ICO telt mee, bij cliënten en vergelijkingspersonen "
            "gelijk (zij zijn op dat verloop gekoppeld). Bij een aanloop van een aantal maanden telt de periode vóór "
            "het ICO zonder die laatste maanden, waarin het aantal registraties vaak al oploopt."
        )
    return (
        f"Ingesteld: een aanloop van {months(r.effect.primary.anticipatie_maanden)}. De maanden van de aanloop "
        "tellen niet als vergelijking, omdat het aantal registraties vlak vóór een aanmelding vaak al oploopt."
    )


def sensitivity_table(r: Results, p: Protection) -> Table:
    return _ratio_table(
        "gevoeligheid",
        "De hoofdschatting bij een andere aanloop",
        ("Aanloop (maanden)", "int"),
        [[s.anticipatie_maanden, s.irr, s.ci_low, s.ci_high] for s in (r.effect.sensitivity or [])],
        sensitivity_note(r),
    )


def event_time_table(r: Results, p: Protection) -> Table:
    names = {"voor": "vóór de start", "tijdens": "tijdens het ICO, maand", "na": "na het einde"}
    rows = []
    for x in r.effect.event_time or []:
        label = f"{names[x.fase]} {x.maand + 1}" if x.fase == "tijdens" else f"{abs(x.maand)} mnd {names[x.fase]}"
        rows.append([label, x.irr, x.ci_low, x.ci_high])
    return _ratio_table(
        "effect_maanden",
        "Verhouding per maand rond het ICO (vaste effecten per cliënt en kalendermaand)",
        ("Maand", "text"),
        rows,
        f"Vergeleken met de maanden meer dan {r.settings.voorperiode_maanden} maanden vóór de start van "
        "dezelfde cliënt, gecorrigeerd voor wat in dezelfde kalendermaand voor alle cliënten gold.",
    )


def event_study_table(r: Results, p: Protection) -> Table:
    rows = []
    for e in r.event_study:
        if e.referentie == "start":
            label = f"{-e.maand} mnd vóór de start" if e.maand < 0 else f"tijdens, maand {e.maand + 1}"
            if e.en_later:
                label += " en later"
        else:
            label = f"{e.maand} mnd na het einde"
        hidden = Hidden("x") if (e.referentie, e.maand) in p.months else None
        rows.append([label, hidden or e.registraties, e.clients, hidden or e.per_client])
    return Table(
        "maand_voor_maand",
        "Registraties per maand rond het ICO",
        ["Maand", "Registraties", "Cliënten", "Per cliënt per maand"],
        ["text", "int", "int", "dec2"],
        rows,
        notes=[
            "Cliënten: de cliënten die de maand meemaken. Vóór de start en na het einde is dat iedere cliënt een hele "
            "maand; tijdens het ICO telt een cliënt wiens ICO halverwege de maand eindigt voor een halve maand, dus "
            "is 'per cliënt per maand' daar het aantal registraties gedeeld door die cliëntmaanden. De laatste "
            "maanden van het ICO, die weinig cliënten meemaken, staan samen in één rij ('en later'); die rij staat "
            "niet in de figuur.",
            *_notes(p, p.months),
        ],
    )


# Every table of the report, in the order of the report; each takes the results and the disclosure decisions.
def planning_table(r: Results, p: Protection) -> Table:
    """How many clients the next edition needs to detect a fall of 10, 20 or 30% with the primary estimate."""
    mde = r.effect.mde
    shown_n = "bijna alle" if r.effect.primary.estimator == "matched" and few_unmatched(r, p) else nl_int(mde.n_clients)
    power = mde.power
    rows = [[row.irr, row.clients_nodig] for row in mde.volgende_editie]
    return Table(
        "planning",
        f"Cliënten die een volgende editie nodig heeft ({nl_pct(power * 100, 0)} kans, tweezijdig "
        f"{nl_pct(mde.alpha * 100, 0)})",
        ["Te vinden verhouding", "Cliënten nodig"],
        ["dec2", "int"],
        rows,
        notes=[
            f"Uit de standaardfout van de hoofdschatting van deze editie ({shown_n} cliënten), aangenomen dat die "
            "afneemt met de wortel van het aantal cliënten en dat de volgende editie op dezelfde manier wordt "
            "gemaakt. 0,80 is 20% minder registraties."
        ],
    )


TABLES: list[Callable[[Results, Protection], Table]] = [
    key_figures,
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
    windows_table,
    rates_table,
    change_groups_table,
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
    tests_table,
    reconciliation_table,
    exclusions_table,
    effect_table,
    sensitivity_table,
    event_time_table,
    event_study_table,
    planning_table,
]


def report_tables(r: Results, p: Protection | None = None) -> dict[str, Table]:
    p = p or Protection(r)
    tables = [make(r, p) for make in TABLES]
    tables += [t for t in (balance_table(r, p), months_table(r, p)) if t is not None]
    if r.effect_zonder_tijd_at_risk is not None:
        tables.append(
            effect_table(
                r,
                p,
                "effect_zonder_tijd_at_risk",
                "effect_zonder_tijd_at_risk",
                "De schattingen zonder correctie voor tijd at risk",
            )
        )
    return {t.id: t for t in tables}
