"""Stage 5, render: the report from results.json alone: HTML (self-contained), PDF, tables as CSV, figures.

Nothing person-level reaches this stage: it sees only the aggregated results, so the report cannot show a
client id, a registration number or the date of a single registration.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from pipeline import __version__
from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import nl_decimal
from pipeline.formatting.table import Table
from pipeline.report import text as report_text
from pipeline.report.chapters import Part, conclusions, method, reading_guide, summary
from pipeline.report.document import Embedded, css, environment, write_pdf
from pipeline.report.effect_text import effect_text
from pipeline.report.figures import make_figures, write_figures
from pipeline.report.glossary import glossary
from pipeline.report.matched_group import matching_text
from pipeline.report.narrative import CHAPTERS, Chapter, load_chapters, missing_notice
from pipeline.report.outline import Outline, Section, number
from pipeline.report.tables import report_tables
from schemas.results import Project, Results

HTML_NAME = "rendementsanalyse.html"
PDF_NAME = "rendementsanalyse.pdf"

RESULT_PARTS = (
    ("clienten", "Cliënten naar geslacht en leeftijd"),
    ("registraties", "Registraties naar geslacht en leeftijd"),
    ("imk", "Registraties per IMK-klasse"),
    ("per-client", "Registraties en E-registraties per cliënt"),
    ("e-codes", "E-registraties per E-code"),
    ("voor-na", "Voor, tijdens en na het ICO"),
    ("veranderingsgroepen", "Cliënten met weinig en met veel registraties"),
    ("geslacht", "Mannen en vrouwen"),
    ("leeftijd", "Leeftijdsgroepen"),
    ("soort-ico", "Soort ICO"),
    ("duur-ico", "Duur van het ICO"),
    ("e-meldingen", "Soorten E-meldingen"),
    ("rollen", "Rol van de cliënt"),
    ("zwaarte", "Zwaarte van de registraties"),
)
EFFECT_PARTS = (
    ("effect-schattingen", "De schattingen naast elkaar"),
    ("effect-hoofdschatting", "De hoofdschatting en haar controles"),
    ("effect-steviger", "Wat het antwoord steviger zou maken"),
)
MATCHED_PART = ("effect-vergelijkingsgroep", "Vergeleken met vergelijkbare personen uit de politiegegevens")


def report_outline(
    chapters: dict[str, Chapter],
    method: list[Part],
    conclusions: list[Part],
    matched: bool = False,
) -> Outline:
    """The chapters in reading order; the analyst's Inleiding and interviews only when written, the generated
    conclusions' parts only when the analyst's own text does not replace them."""

    def parts(prefix: str, items: list[Part]) -> tuple[tuple[str, str], ...]:
        return tuple((f"{prefix}-{i}", part.title) for i, part in enumerate(items, start=1))

    sections = [
        Section("kerncijfers", "Kerncijfers", kind="plain"),
        Section("samenvatting", "Samenvatting"),
        Section("leeswijzer", "Leeswijzer"),
        *([Section("inleiding", CHAPTERS["inleiding"])] if "inleiding" in chapters else []),
        Section("methode", "Onderzoeksmethode", parts("methode", method)),
        Section("resultaten", "Resultaten: politieregistraties voor en na het ICO", RESULT_PARTS),
        Section(
            "effect",
            "Wat de gegevens over het effect zeggen",
            (EFFECT_PARTS[0], MATCHED_PART, *EFFECT_PARTS[1:]) if matched else EFFECT_PARTS,
        ),
        Section("wel-en-niet", "Wat deze cijfers wel en niet zeggen"),
        *([Section("interviews", CHAPTERS["interviews"])] if "interviews" in chapters else []),
        Section(
            "conclusies", CHAPTERS["conclusies"], () if "conclusies" in chapters else parts("conclusies", conclusions)
        ),
        Section("begrippen", "Begrippenlijst"),
        Section(
            "bijlage-statistiek",
            "Statistische verantwoording",
            (
                ("bijlage-toetsen", "Toetsen per groep"),
                (
                    "bijlage-gevoeligheid",
                    "Gevoeligheid van de hoofdschatting voor de aanloop",
                ),
                ("bijlage-maanden", "Verhouding per maand rond het ICO"),
                ("bijlage-planning", "De volgende editie plannen"),
                ("bijlage-instellingen", "Gebruikte instellingen"),
            ),
            kind="appendix",
        ),
        Section("bijlage-datakwaliteit", "Datakwaliteit en verantwoording", kind="appendix"),
        Section("colofon", "Colofon", kind="plain"),
    ]
    return number(sections)


def _settings_list(r: Results) -> list[tuple[str, str]]:
    s = r.settings
    return [
        ("Exportperiode", f"{report_text.nl_date(s.periode.van)} t/m {report_text.nl_date(s.periode.tot)}"),
        ("Perioden rond het ICO", f"{s.vensters.lang_maanden} en {s.vensters.kort_maanden} maanden"),
        ("Leeftijdsgroepen", ", ".join(s.leeftijdsgroepen)),
        ("Significantieniveau", nl_decimal(s.alpha, 2)),
        ("Kleinste getoetste groep", f"{s.min_groepsgrootte} cliënten"),
        ("Grens 'veel registraties'", f"{s.veel_vanaf} of meer vóór het ICO"),
        (
            "Grenzen afname",
            f"tot en met {nl_decimal(s.kleine_afname_tot * 100, 0)}% en vanaf "
            f"{nl_decimal(s.grote_afname_vanaf * 100, 0)}%",
        ),
        ("Rollen die meetellen", s.rollen if isinstance(s.rollen, str) else ", ".join(s.rollen)),
        ("Onbekende IMK-codes", s.onbekende_codes),
        ("Gewichten zwaarte", ", ".join(f"{k} {v:g}" for k, v in r.severity_score.gewichten.items())),
    ]


def _colophon(r: Results) -> list[tuple[str, str]]:
    """Who made the report and from what: author, organisation, contact and date from the settings (rows left
    empty there are left out), then the inputs by name and fingerprint (never a path on the analyst's machine)."""
    p, rapport = r.provenance, r.settings.rapport
    i = p.inputs
    rows = [
        ("Titel", rapport.titel),
        ("Uitgave", rapport.organisatie),
        *([("Auteur", rapport.auteur)] if rapport.auteur else []),
        *([("Contact", rapport.contact)] if rapport.contact else []),
        *([("Datum", report_text.nl_date(rapport.datum))] if rapport.datum else []),
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


def _text(
    r: Results, p: Protection, outline: Outline, method_parts: list[Part], conclusion_parts: list[Part]
) -> dict[str, Any]:
    return {
        "key": report_text.key_sentences(r, p, outline),
        "period": report_text.period_text(r),
        "summary": summary(r, p, outline),
        "imk": report_text.imk_intro(r, p),
        "spread": report_text.spread_text(r, p),
        "guide": reading_guide(r, outline),
        "method": method_parts,
        "conclusions": conclusion_parts,
        "e_categories": report_text.e_categories_intro(r),
        "windows": report_text.windows_text(r, p),
        "change": report_text.change_text(r, p),
        "sex": report_text.sex_text(r, p),
        "age": report_text.age_text(r, p),
        "ico_type": report_text.ico_type_text(r, p),
        "duration": report_text.duration_text(r, p),
        "severity": report_text.severity_text(r, p),
        "roles": report_text.roles_text(r, p),
        "limits": report_text.limits(r, p),
        "data_quality": report_text.data_quality_text(r, p),
        "effect": effect_text(r, p),
        "matching": matching_text(r, p, "de figuur hieronder"),
    }


def suppression_log(p: Protection) -> Table:
    """The audit log of disclosure control: every hidden cell, its exact value, the rule and why."""
    return Table(
        "onderdrukking",
        "Niet getoonde cellen",
        ["onderdeel", "cel", "waarde", "regel", "getoond als", "reden"],
        ["text", "text", "dec", "text", "text", "text"],
        p.log_rows(),
    )


def render_html(results: Results, tables, charts, chapters, protection: Protection | None = None) -> str:
    protection = protection or Protection(results)
    synthetic = results.provenance.synthetic
    method_parts, conclusion_parts = method(results), conclusions(results, protection)
    outline = report_outline(
        chapters,
        method_parts,
        conclusion_parts,
        results.matching is not None,
    )
    return (
        environment()
        .get_template("report.html")
        .render(
            css=Markup(css(synthetic)),  # the project's own stylesheet, not data: not escaped
            version=__version__,
            synthetic=synthetic,
            title=results.settings.rapport.titel,
            author=results.settings.rapport.auteur or results.settings.rapport.organisatie,
            organisation=results.settings.rapport.organisatie,
            outline=outline,
            h=outline,
            text=_text(results, protection, outline, method_parts, conclusion_parts),
            glossary=glossary(results),
            tables=tables,
            figures={k: Embedded(c) for k, c in charts.items()},
            chapters=chapters,
            settings_list=_settings_list(results),
            colophon=_colophon(results),
        )
    )


def render(
    results: Results,
    out: Path,
    narrative: Path | None = None,
    pdf: bool = True,
    say: Callable[[str], None] | None = None,
    log_to: Path | None = None,
) -> list[Path]:
    """Write the report into `out` (a fresh folder); return the files written. What the narrative or the PDF
    tried to load and was refused is told through `say`; every hidden cell is listed in `log_to` (internal)."""
    out = Path(out)
    protection = Protection(results)
    if log_to is not None:
        log_to.parent.mkdir(parents=True, exist_ok=True)
        log_to.write_bytes(suppression_log(protection).to_csv())
    tables = report_tables(results, protection)
    charts = make_figures(results, protection)
    written = write_figures(charts, out / "figures")
    (out / "tables").mkdir(parents=True, exist_ok=True)
    for table in tables.values():
        path = out / "tables" / f"{table.id}.csv"
        path.write_bytes(table.to_csv())
        written.append(path)
    chapters = load_chapters(narrative)
    html = render_html(results, tables, charts, chapters, protection)
    (out / HTML_NAME).write_text(html, encoding="utf-8")
    written.append(out / HTML_NAME)
    refused: list[str] = []
    if pdf:
        write_pdf(html, out / PDF_NAME, results, refused)
        written.append(out / PDF_NAME)
    if say is not None:
        for notice in missing_notice(chapters):
            say(f"tekst     {notice}")
        for chapter in chapters.values():
            for what in chapter.left_out:
                say(f"tekst     {chapter.source}: {what}; niet opgenomen")
        for url in sorted(set(refused)):
            say(f"pdf       {url[:80]}: niet geladen (alleen eigen sjablonen en lettertypen)")
    return written
