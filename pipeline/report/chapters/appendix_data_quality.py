"""Bijlage B, datakwaliteit en verantwoording: what became of every row and every client."""

from __future__ import annotations

from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import nl_int
from pipeline.formatting.table import Table
from pipeline.report.outline import Outline
from pipeline.report.tables import hidden_notes, masked_row
from schemas.results import Results
from schemas.vocabulary import EXCLUSION_REASONS

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
        masked_row([f"Niet vergeleken: {EXCLUSION_REASONS[k]}", n], p.excluded.get(k))
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
        notes=hidden_notes(p, p.excluded),
    )


def data_quality_text(r: Results, p: Protection) -> str:
    rec = r.reconciliation
    dq = r.data_quality
    excluded_n = sum(dq.clients_excluded_followup.values())
    excluded = f"minder dan {p.k}" if 0 < excluded_n < p.k else nl_int(excluded_n)
    text = (
        f"Uit de politie-export zijn {nl_int(rec.rows_read)} rijen gelezen. Daarvan waren "
        f"{nl_int(rec.duplicates)} "
        f"dubbel (dezelfde registratie van dezelfde cliënt, bijvoorbeeld in twee rollen), hoorden "
        f"{nl_int(rec.unknown_client)} bij een persoon die niet in de cliëntenlijst staat, vielen "
        f"{nl_int(rec.rows_excluded_followup)} af omdat hun cliënt niet volledig gevolgd kon worden en lagen "
        f"{nl_int(rec.outside_windows)} buiten de perioden rond het ICO. De overige {nl_int(rec.used)} zijn "
        f"gebruikt. Samen is dat weer {nl_int(rec.rows_read)}: elke rij is verantwoord."
    )
    if "rows_excluded_role" in rec:
        text += f" {nl_int(rec.rows_excluded_role)} rijen telden niet mee omdat de rol van de cliënt niet meetelt."
    text += (
        f" Van de {nl_int(dq.clients_read)} cliënten in de cliëntenlijst zijn er {excluded} niet "
        f"vergeleken omdat hun periode vóór of na het ICO niet helemaal binnen de exportperiode valt of het ICO "
        f"nog loopt."
    )
    if dq.unknown_codes:
        n = sum(dq.unknown_codes.values())
        text += (
            f" {nl_int(n)} registraties hadden een IMK-code die niet in de indeling staat "
            f"({', '.join(dq.unknown_codes)}); ze zijn volgens de instellingen ondergebracht bij de "
            f"standaard van hun klasse."
        )
    return text


TABLES = [reconciliation_table, exclusions_table]
FIGURES: tuple = ()


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"data_quality": data_quality_text(r, p)}
