"""Every table of the report, computed from results.json alone (so the report holds no person-level data)."""

from __future__ import annotations

from typing import Any

from pipeline.tables import Table

PERIOD_LABELS = {"voor": "Voor", "tijdens": "Tijdens", "na": "Na"}
CHANGE_LABELS = {
    "toegenomen": "Toegenomen",
    "afname_0_10": "Afname 0-10%",
    "afname_11_50": "Afname 11-50%",
    "afname_50_plus": "Afname 50% of meer",
}
SEX_LABELS = {"man": "Man", "vrouw": "Vrouw", "onbekend": "Onbekend"}


def _share(part: float, whole: float) -> float | None:
    return None if not whole else part / whole * 100


def windows_table(r: dict[str, Any]) -> Table:
    total = sum(r["windows"].values())
    rows = [[w, n, _share(n, total)] for w, n in r["windows"].items()]
    rows.append(["Totaal", total, _share(total, total)])
    return Table(
        "vensters",
        "Registraties voor, tijdens en na het ICO",
        ["Periode", "Aantal", "Percentage"],
        ["text", "int", "pct"],
        rows,
        total_row=True,
    )


def subgroup_table(
    r: dict[str, Any], key: str, labels: dict[str, str] | None, table_id: str, title: str, first: str
) -> Table:
    rows = []
    notes = []
    for name, g in r[key].items():
        label = (labels or {}).get(name, name)
        if not g["getoetst"]:
            label += "*"
            if g.get("reden") and g["reden"] not in notes:
                notes.append(g["reden"])
        rows.append(
            [
                label,
                g["n"],
                g["voor"],
                g["na"],
                g["gemiddeld_voor"],
                g["gemiddeld_na"],
                g["afname_pct"],
                g["p"],
                g["p_holm"],
            ]
        )
    o = r["overall"]
    rows.append(
        [
            "Totaal",
            o["n"],
            o["voor"],
            o["na"],
            o["gemiddeld_voor"],
            o["gemiddeld_na"],
            o["afname_pct"],
            o["wilcoxon"]["p"],
            None,
        ]
    )
    return Table(
        table_id,
        title,
        [
            first,
            "Cliënten",
            "Registraties voor",
            "Registraties na",
            "Gemiddeld voor",
            "Gemiddeld na",
            "Verandering",
            "p",
            "p (Holm)",
        ],
        ["text", "int", "int", "int", "dec", "dec", "pct", "p", "p"],
        rows,
        notes=[f"* {n}" for n in notes],
        total_row=True,
    )


def by_period_table(r: dict[str, Any], key: str, table_id: str, title: str, first: str, labels=None) -> Table:
    rows = []
    for name, g in r[key].items():
        rows.append(
            [
                (labels or {}).get(name, name),
                g["totaal"],
                g["voor"],
                g["tijdens"],
                g["na"],
                g["afname"],
                g["afname_pct"],
            ]
        )
    return Table(
        table_id,
        title,
        [first, "Totaal", "Voor", "Tijdens", "Na", "Afname", "% afname"],
        ["text", "int", "int", "int", "int", "int", "pct"],
        rows,
    )


def change_groups_table(r: dict[str, Any], threshold: int) -> Table:
    rows = []
    for group, g in r["change_groups"].items():
        label = f"Weinig (minder dan {threshold} voor)" if group == "weinig" else f"Veel ({threshold} of meer voor)"
        rows.append([label, g["n"], *(g[c] for c in CHANGE_LABELS), g["geen_na"]])
    return Table(
        "veranderingsgroepen",
        "Verandering per cliënt: na het ICO vergeleken met ervoor",
        ["Groep", "Cliënten", *CHANGE_LABELS.values(), "Geen registratie na"],
        ["text", *["int"] * 6],
        rows,
    )


def classes_table(r: dict[str, Any]) -> Table:
    total = sum(r["imk_classes"].values())
    rows = [[k, r["imk_class_names"][k], n, _share(n, total)] for k, n in r["imk_classes"].items()]
    rows.append(["", "Totaal", total, _share(total, total)])
    return Table(
        "imk_klassen",
        "Registraties per IMK-klasse",
        ["Klasse", "Omschrijving", "Aantal", "Percentage"],
        ["text", "text", "int", "pct"],
        rows,
        total_row=True,
    )


def reconciliation_table(r: dict[str, Any]) -> Table:
    rec = r["reconciliation"]
    labels = [
        ("rows_read", "Rijen gelezen uit de politie-export"),
        ("rows_excluded_role", "Rol telt niet mee (instelling 'rollen')"),
        ("duplicates", "Dubbel: dezelfde registratie van dezelfde cliënt (bv. in twee rollen)"),
        ("unknown_client", "Persoon staat niet in de cliëntenlijst"),
        ("rows_excluded_followup", "Cliënt valt buiten de vergelijking (onvolledige follow-up)"),
        ("outside_windows", "Buiten de vijf vensters rond het ICO"),
        ("used", "Gebruikt in de analyse"),
    ]
    rows = [[text, rec[key]] for key, text in labels if key in rec]
    return Table("verantwoording", "Verantwoording van elke rij uit de export", ["", "Rijen"], ["text", "int"], rows)


def main_tables(r: dict[str, Any]) -> list[Table]:
    threshold = r["settings"]["veel_vanaf"]
    return [
        windows_table(r),
        subgroup_table(
            r, "by_sex", SEX_LABELS, "geslacht", "Registraties voor en na het ICO naar geslacht", "Geslacht"
        ),
        subgroup_table(
            r, "by_age", None, "leeftijd", "Registraties voor en na het ICO per leeftijdsgroep", "Leeftijdsgroep"
        ),
        change_groups_table(r, threshold),
        classes_table(r),
        by_period_table(r, "e_categories", "e_categorieen", "Soorten E-meldingen: aantallen en afname", "E-categorie"),
        by_period_table(
            r, "severity", "zwaarte", "Zwaarte van de overige registraties voor, tijdens en na het ICO", "Zwaarte"
        ),
        reconciliation_table(r),
    ]
