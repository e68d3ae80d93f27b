"""The chapters the analyst writes (Markdown). A chapter the analyst has not written is left out of the report
(the run says so): the report never shows a placeholder. The Methode and the Conclusies have generated texts of
their own; the analyst's methode.md is put before the generated rules, conclusies.md replaces the draft.

The Markdown is untrusted input: a file mailed around, pasted from a website or edited by someone else. Its HTML
is cut down to an allow-list (nh3, the Rust ammonia sanitiser): no scripts, styles, event handlers, iframes,
forms or objects. Nothing in it can make the report fetch anything: images are taken only from the narrative
folder itself and embedded; a link to a website becomes its text with the address beside it, so the reader
sees where it points and nothing is loaded.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3
from markupsafe import Markup

from pipeline.errors import UserError

CHAPTERS = {
    "samenvatting": "Samenvatting",
    "inleiding": "Inleiding",
    "methode": "Onderzoeksmethode",
    "interviews": "Resultaten van de interviews met samenwerkingspartners",
    "conclusies": "Conclusies en aanbevelingen",
}

TAGS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code"),
    *("strong", "em", "b", "i", "u", "s", "sup", "sub", "abbr", "span"),
    *("ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "a", "img"),
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "abbr": {"title"},
}
LINK_SCHEMES = {"http", "https", "mailto"}
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # a photo or chart, not a data dump: larger files are left out
_LINK = re.compile(r'<a href="((?:https?|mailto):[^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")


@dataclass(frozen=True)
class Chapter:
    key: str
    title: str
    html: Markup
    source: str  # the file it came from
    left_out: tuple[str, ...] = ()  # what the sanitiser refused, for the analyst


def _embedded_image(src: str, folder: Path, left_out: list[str]) -> str | None:
    """A picture from the narrative folder as a data URI; anything else (remote, file:, outside the folder,
    not a picture, too large) is left out and named."""
    base = folder.resolve()
    if ":" in src.split("/")[0] or src.startswith(("/", "\\")):
        left_out.append(f"afbeelding {src!r}: alleen afbeeldingen uit de map van de teksten worden opgenomen")
        return None
    path = (base / src).resolve()
    kind = IMAGE_TYPES.get(path.suffix.lower())
    if not path.is_relative_to(base) or not path.is_file() or kind is None:
        left_out.append(f"afbeelding {src!r}: geen PNG-, JPEG- of GIF-bestand in {folder}")
        return None
    if path.stat().st_size > MAX_IMAGE_BYTES:
        left_out.append(f"afbeelding {src!r}: groter dan {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
        return None
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _to_html(text: str, folder: Path) -> tuple[Markup, tuple[str, ...]]:
    """Markdown (with tables) to HTML that is safe to embed, and what was left out of it."""
    left_out: list[str] = []

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            return _embedded_image(value, folder, left_out)
        if element == "a" and attribute == "href" and not value.startswith("#") and ":" not in value:
            return None  # a relative link points at a file beside the report that the reader does not have
        return value

    raw = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        raw,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        attribute_filter=keep,
        link_rel=None,
        strip_comments=True,
    )
    # links to elsewhere become text: the address stays readable, nothing is requested or embedded
    clean = _LINK.sub(lambda m: f"{m[2]} ({m[1].removeprefix('mailto:')})" if m[2] != m[1] else m[1], clean)
    # the analyst's headings sit below the report's numbered ones (h2 chapters, h3 parts), never beside them
    clean = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 3, 6)}", clean)
    return Markup(clean), tuple(left_out)


def _read_text(path: Path) -> str:
    """The analyst's file as Word or Notepad saved it: UTF-8 (with or without BOM) or Windows-1252."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path}: geen UTF-8- en geen Windows-1252-tekst (byte {exc.start}); sla het op als UTF-8-tekst"
        ) from None


def load_chapters(folder: Path | None) -> dict[str, Chapter]:
    """The chapters the analyst wrote in `folder` (inleiding.md, methode.md, interviews.md, conclusies.md), by
    key; a missing file is a missing chapter."""
    chapters = {}
    if folder is None:
        return chapters
    for key, title in CHAPTERS.items():
        own = Path(folder) / f"{key}.md"
        if own.is_file():
            html, left_out = _to_html(_read_text(own), Path(folder))
            chapters[key] = Chapter(key, title, html, str(own), left_out)
    return chapters


def missing_notice(chapters: dict[str, Chapter]) -> list[str]:
    """What the run tells the analyst about chapters not written (never printed on the page)."""
    notes = {
        "samenvatting": "de Samenvatting is de gegenereerde tekst",
        "inleiding": "hoofdstuk Inleiding niet opgenomen",
        "methode": "alleen de gegenereerde rekenregels in de Onderzoeksmethode",
        "interviews": "hoofdstuk Interviews niet opgenomen",
        "conclusies": "de Conclusies zijn het gegenereerde concept",
    }
    return [f"{key}.md ontbreekt: {notes[key]}" for key in CHAPTERS if key not in chapters]
