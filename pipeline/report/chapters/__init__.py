"""The report's chapters, each a module holding its own tables, figures and sentences: TABLES (functions of the
results and the protection giving a Table, or None where this run has none), FIGURES (figure specifications,
pipeline/report/figures.py) and text(results, protection, outline), what the template shows of it.
pipeline/report/render.py gathers them in reading order."""

from __future__ import annotations

from pipeline.report.chapters import (
    appendix_data_quality,
    appendix_statistics,
    colophon,
    comparison_group,
    conclusions,
    effect,
    glossary,
    key_figures,
    limits,
    method,
    summary,
)
from pipeline.report.chapters.results import before_after, kinds, population, subgroups

MODULES = (
    key_figures,
    summary,
    method,
    population,
    before_after,
    subgroups,
    kinds,
    effect,
    comparison_group,
    limits,
    conclusions,
    glossary,
    appendix_statistics,
    appendix_data_quality,
    colophon,
)
