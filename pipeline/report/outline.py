"""The report's outline: which chapters it holds, in which order, and their numbers.

The headings on the page and the table of contents are both made from this one list, so a chapter left out
(no Inleiding written) renumbers both, and they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from string import ascii_uppercase


@dataclass(frozen=True)
class Section:
    """A chapter (level 2) or a part of one (level 3) as the outline defines it, before numbering."""

    id: str
    title: str
    parts: tuple[tuple[str, str], ...] = ()  # (id, title) of its numbered parts
    kind: str = "chapter"  # chapter (1, 2, ...), appendix (A, B, ...) or plain (no number)


@dataclass(frozen=True)
class Heading:
    id: str
    title: str
    number: str  # "3", "3.2", "A", "A.1" or "" for an unnumbered chapter
    level: int  # 2 for a chapter, 3 for a part
    children: list[Heading] = field(default_factory=list)

    @property
    def text(self) -> str:
        if not self.number:
            return self.title
        if self.level == 2 and self.number.isalpha():
            return f"Bijlage {self.number}. {self.title}"
        return f"{self.number} {self.title}"


@dataclass(frozen=True)
class Outline:
    chapters: list[Heading]

    def __getitem__(self, id: str) -> str:
        """The heading text of `id`, for the template: a missing id is a template error, never a blank."""
        for chapter in self.chapters:
            if chapter.id == id:
                return chapter.text
            for part in chapter.children:
                if part.id == id:
                    return part.text
        raise KeyError(id)

    def __contains__(self, id: str) -> bool:
        return any(c.id == id or any(p.id == id for p in c.children) for c in self.chapters)

    def number(self, id: str) -> str:
        for chapter in self.chapters:
            if chapter.id == id:
                return chapter.number
        raise KeyError(id)

    def ref(self, id: str) -> str:
        """How running text points to a heading: 'hoofdstuk 6', 'bijlage A', 'paragraaf 5.1' (a title in
        quotes would go stale when the heading changes; a number is what the table of contents shows)."""
        for h in self.headings():
            if h.id == id and h.number:
                if h.level == 3:
                    return f"paragraaf {h.number}"
                return f"bijlage {h.number}" if h.number.isalpha() else f"hoofdstuk {h.number}"
        raise KeyError(id)

    def headings(self) -> list[Heading]:
        """Every heading in reading order, chapters and their parts."""
        return [h for c in self.chapters for h in (c, *c.children)]


def number(sections: list[Section]) -> Outline:
    """Number chapters 1, 2, ... and appendices A, B, ...; their parts get the chapter's number and their own."""
    chapters, n_chapter, n_appendix = [], 0, 0
    for s in sections:
        if s.kind == "chapter":
            n_chapter += 1
            num = str(n_chapter)
        elif s.kind == "appendix":
            num = ascii_uppercase[n_appendix]
            n_appendix += 1
        else:
            num = ""
        children = [
            Heading(pid, title, f"{num}.{i}" if num else "", 3) for i, (pid, title) in enumerate(s.parts, start=1)
        ]
        chapters.append(Heading(s.id, s.title, num, 2, children))
    return Outline(chapters)


@dataclass(frozen=True)
class Part:
    """A titled part of a generated chapter: its heading and its paragraphs."""

    title: str
    paragraphs: list[str]
