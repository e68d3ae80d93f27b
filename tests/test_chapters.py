"""The report by chapter: each chapter module holds its own tables, figures and sentences, and together they make
every table and figure the page shows, each exactly once."""

from __future__ import annotations

import re
from collections import Counter

from pipeline.disclosure.protection import Protection
from pipeline.report.chapters import MODULES
from pipeline.report.render import report_outline
from schemas.results import Results
from tests.conftest import ROOT


def _made(default_results):
    r = Results.model_validate(default_results)
    p = Protection(r)
    tables = {m.__name__: [t.id for f in m.TABLES if (t := f(r, p)) is not None] for m in MODULES}
    figures = {m.__name__: [spec.id for spec in m.FIGURES] for m in MODULES}
    return r, p, tables, figures


def test_every_table_and_figure_belongs_to_one_chapter(default_results):
    _, _, tables, figures = _made(default_results)
    for made in (tables, figures):
        counts = Counter(i for ids in made.values() for i in ids)
        assert [i for i, n in counts.items() if n > 1] == []


def test_the_page_shows_what_the_chapters_make_and_nothing_else(default_results):
    _, _, tables, figures = _made(default_results)
    template = (ROOT / "templates" / "report.html").read_text(encoding="utf-8")
    shown_tables = set(re.findall(r"tables\.(\w+)", template))
    shown_figures = set(re.findall(r"figures\.(\w+)", template))
    # the default has no detention data: the table of the estimates without time at risk is the one it lacks
    made_tables = {i for ids in tables.values() for i in ids} | {"effect_zonder_tijd_at_risk"}
    made_figures = {i for ids in figures.values() for i in ids}
    assert shown_tables == made_tables
    assert shown_figures == made_figures


def test_each_chapter_writes_its_own_part_of_the_text(default_results):
    r, p, _, _ = _made(default_results)
    outline = report_outline({}, [], [], r.matching is not None)
    keys = Counter(k for m in MODULES for k in m.text(r, p, outline))
    assert [k for k, n in keys.items() if n > 1] == []
    template = (ROOT / "templates" / "report.html").read_text(encoding="utf-8")
    assert set(re.findall(r"text\.(\w+)", template)) <= set(keys)
