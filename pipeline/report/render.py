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
from pipeline.formatting.table import Table
from pipeline.report.chapters import MODULES
from pipeline.report.chapters.conclusions import conclusions
from pipeline.report.chapters.method import method
from pipeline.report.chart import Chart, style
from pipeline.report.document import Embedded, css, environment, write_pdf
from pipeline.report.figures import write_figures
from pipeline.report.narrative import CHAPTERS, Chapter, load_chapters, missing_notice
from pipeline.report.outline import Outline, Part, Section, number
from schemas.results import Results

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


def report_tables(r: Results, p: Protection | None = None) -> dict[str, Table]:
    """Every table of the report, chapter by chapter (a chapter's table that this run has nothing for is None)."""
    p = p or Protection(r)
    tables = [make(r, p) for chapter in MODULES for make in chapter.TABLES]
    return {t.id: t for t in tables if t is not None}


def make_figures(results: Results, protection: Protection | None = None) -> dict[str, Chart]:
    """Every figure of the report, chapter by chapter, in one house style."""
    style()
    protection = protection or Protection(results)
    specs = [spec for chapter in MODULES for spec in chapter.FIGURES]
    charts = [spec.make(results, protection) for spec in specs]
    for spec, chart in zip(specs, charts, strict=True):
        if chart is not None and chart.id != spec.id:
            raise ValueError(f"figure {spec.id!r} drew {chart.id!r}")
    return {c.id: c for c in charts if c is not None}  # None: a figure this run has nothing for


def report_text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    """What the template shows of each chapter, every sentence written from the results."""
    text: dict[str, Any] = {}
    for chapter in MODULES:
        text |= chapter.text(r, p, outline)
    return text


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
            text=report_text(results, protection, outline),
            tables=tables,
            figures={k: Embedded(c) for k, c in charts.items()},
            chapters=chapters,
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
