"""Colofon: who made the report, from which inputs and with which software, so that it can be made again."""

from __future__ import annotations

from typing import Any

from pipeline.disclosure.protection import Protection
from pipeline.report.outline import Outline
from pipeline.report.words import nl_date
from schemas.results import Project, Results


def colophon_rows(r: Results) -> list[tuple[str, str]]:
    """Who made the report and from what: author, organisation, contact and date from the settings (rows left
    empty there are left out), then the inputs by name and fingerprint (never a path on the analyst's machine)."""
    p, rapport = r.provenance, r.settings.rapport
    i = p.inputs
    rows = [
        ("Titel", rapport.titel),
        ("Uitgave", rapport.organisatie),
        *([("Auteur", rapport.auteur)] if rapport.auteur else []),
        *([("Contact", rapport.contact)] if rapport.contact else []),
        *([("Datum", nl_date(rapport.datum))] if rapport.datum else []),
        ("Politie-export", f"{_name(i.bvh.file)} (SHA-256 {i.bvh.sha256})"),
        ("Cliëntenlijst", f"{_name(i.clients.file)} (SHA-256 {i.clients.sha256})"),
    ]
    if p.synthetic:
        generator = p.generator
        rows.append(
            (
                "Synthetische gegevens",
                f"gemaakt door het programma {generator.generator} van dit project, met startwaarde "
                f"{generator.seed} voor de toevalsgenerator (dezelfde startwaarde geeft dezelfde gegevens)",
            )
        )
    rows += [
        ("Instellingen", f"{_name(p.settings.file)} (SHA-256 {p.settings.sha256})"),
        ("IMK-indeling", f"{_name(p.mapping.file)} (SHA-256 {p.mapping.sha256})"),
        ("Versie", _version_text(p.project)),
        ("Software", ", ".join(f"{k} {v}" for k, v in p.software.items())),
        ("Reproduceerbaar", "dezelfde gegevens, instellingen en software geven hetzelfde rapport, tot op de byte."),
        (
            "Publiceren",
            "dit rapport (HTML en PDF) en de mappen 'tables' en 'figures' mogen worden gepubliceerd; de map "
            "'intern' niet: die bevat de exacte aantallen van kleine groepen, pseudoniemen, de verantwoording per "
            "rij en de lijst van onderdrukte cellen.",
        ),
    ]
    return rows


def _name(file: str) -> str:
    """A file by its name alone: where it lay on the analyst's machine is nobody's business in a publication."""
    return file.replace("\\", "/").rsplit("/", 1)[-1]


def _version_text(project: Project) -> str:
    text = f"rendementsanalyse {project.version}"
    if project.git_commit:
        text += f", commit {project.git_commit[:12]}"
        if project.git_dirty:
            text += " met niet-vastgelegde wijzigingen"
    return text


TABLES: list = []
FIGURES: tuple = ()


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"colophon": colophon_rows(r)}
