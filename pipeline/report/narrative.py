"""The chapters the analyst writes (Markdown), with defaults that say what belongs there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import markdown
from markupsafe import Markup

from pipeline.errors import UserError
from pipeline.paths import TEMPLATES

CHAPTERS = {
    "inleiding": "Inleiding",
    "methode": "Onderzoeksmethode",
    "interviews": "Resultaten van de interviews met samenwerkingspartners",
    "conclusies": "Conclusies en aanbevelingen",
}
DEFAULTS = TEMPLATES / "narrative"


@dataclass(frozen=True)
class Chapter:
    key: str
    title: str
    html: Markup
    source: str  # the file it came from
    is_default: bool


def _to_html(text: str) -> Markup:
    # The analyst's own text: Markdown with tables; it is trusted like the templates are.
    return Markup(markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html"))


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
            f"{path}: neither UTF-8 nor Windows-1252 text (byte {exc.start}); save it as UTF-8 text"
        ) from None


def load_chapters(folder: Path | None) -> dict[str, Chapter]:
    """Each chapter from `folder`, or its default with a marking when the analyst has not written it yet."""
    chapters = {}
    for key, title in CHAPTERS.items():
        own = None if folder is None else Path(folder) / f"{key}.md"
        if own is not None and own.is_file():
            text, source, default = _read_text(own), str(own), False
        else:
            text = (DEFAULTS / f"{key}.md").read_text(encoding="utf-8")
            source, default = str(own) if own is not None else f"{key}.md", True
        chapters[key] = Chapter(key, title, _to_html(text), source, default)
    return chapters
