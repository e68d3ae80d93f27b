"""The page both reports are made of: the jinja2 templates, the stylesheet, figures embedded as data, and the PDF
laid out from the HTML with the shipped fonts and nothing from outside the project."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import jinja2

from pipeline.paths import TEMPLATES
from pipeline.report.chart import Chart
from schemas.results import Results

FONTS = TEMPLATES / "fonts"


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


class Embedded:
    """A chart as the template sees it: caption, alt text and the SVG as a data URI (inline SVGs collide on ids)."""

    def __init__(self, chart: Chart) -> None:
        self.id, self.caption, self.alt = chart.id, chart.caption, chart.alt
        self.data_uri = "data:image/svg+xml;base64," + base64.b64encode(chart.svg).decode("ascii")


def css(synthetic: bool) -> str:
    sheet = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    if synthetic:
        sheet += (
            '\n@page { @top-right { content: "SYNTHETISCHE GEGEVENS"; font-size: 8pt; font-weight: bold; '
            "color: #9a6b00; } }\n"
        )
    return sheet


def font_faces() -> str:
    faces = [
        ("DejaVuSans.ttf", "normal", "normal"),
        ("DejaVuSans-Bold.ttf", "bold", "normal"),
        ("DejaVuSans-Oblique.ttf", "normal", "italic"),
    ]
    return "\n".join(
        f'@font-face {{ font-family: "DejaVu Sans"; src: url("{(FONTS / f).as_uri()}"); font-weight: {w}; '
        f"font-style: {s}; }}"
        for f, w, s in faces
    )


@contextlib.contextmanager
def source_date(results: Results) -> Iterator[None]:
    """WeasyPrint stamps the PDF with SOURCE_DATE_EPOCH when set: take it from the data (the end of the export
    period), never from the clock, so the same inputs give the same bytes."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    end = dt.datetime.fromisoformat(results.settings.periode.tot).replace(tzinfo=dt.UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(end.timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def own_files_only(refused: list[str] | None = None):
    """A WeasyPrint URL fetcher that loads the project's own templates and fonts and embedded data, nothing else:
    the PDF can never read a local file (an attachment link to a key file) or reach the network. What it refused
    is collected in `refused`."""
    from weasyprint.urls import URLFetcher

    allowed = TEMPLATES.resolve()

    class OwnFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path)).resolve()
                if path.is_relative_to(allowed) and path.is_file():
                    return super().fetch(url, headers)
            if refused is not None:
                refused.append(url)
            raise ValueError("geweigerd: het rapport laadt alleen eigen sjablonen, lettertypen en ingebedde data")

    return OwnFilesOnly(allowed_protocols={"data", "file"}, allow_redirects=False)


@contextlib.contextmanager
def fonttools_subsetting() -> Iterator[None]:
    """Subset the embedded fonts with fontTools (pinned in requirements.lock), never with the system's HarfBuzz.

    WeasyPrint takes libharfbuzz-subset when the system has it and fontTools otherwise; the two embed different
    bytes. Debian installs that library with chromium, so a machine with a browser and one without made different
    PDFs from the same inputs (the golden files caught it). The module's switch is WeasyPrint 70's
    (weasyprint/pdf/fonts.py); the golden test fails if a later version moves it."""
    import weasyprint.pdf.fonts as pdf_fonts

    system = pdf_fonts.harfbuzz_subset
    pdf_fonts.harfbuzz_subset = None
    try:
        yield
    finally:
        pdf_fonts.harfbuzz_subset = system


def write_pdf(html: str, target: Path, results: Results, refused: list[str] | None = None) -> None:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = own_files_only(refused)
    with source_date(results), fonttools_subsetting():
        document = weasyprint.HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher)
        shipped = weasyprint.CSS(string=font_faces(), font_config=fonts, url_fetcher=fetcher)
        # PDF/UA-1: tagged, with the document language (html lang="nl") and title, as public bodies must publish
        document.write_pdf(target, stylesheets=[shipped], font_config=fonts, pdf_variant="pdf/ua-1")
