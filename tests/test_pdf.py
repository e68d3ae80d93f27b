"""The PDF's bytes depend on the inputs and the locked software only, not on what else the system has."""

from __future__ import annotations

import weasyprint.pdf.fonts as pdf_fonts

from pipeline.report.document import write_pdf
from schemas.results import Results

HTML = (
    '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Proef</title></head>'
    "<body><h1>Cliënten</h1><p>Gewoon, <b>vet</b> en <i>schuin</i>: 1.682 → 847 (−49,6%).</p></body></html>"
)


def test_the_pdf_does_not_depend_on_the_systems_harfbuzz_subset(default_results, tmp_path, monkeypatch):
    """WeasyPrint subsets fonts with libharfbuzz-subset where the system has it (Debian installs it with chromium)
    and with fontTools otherwise; the report always takes fontTools, from the lock."""
    results = Results.model_validate(default_results)
    write_pdf(HTML, tmp_path / "as_found.pdf", results)
    monkeypatch.setattr(pdf_fonts, "harfbuzz_subset", None)  # as on a system without the library
    write_pdf(HTML, tmp_path / "without.pdf", results)
    assert (tmp_path / "as_found.pdf").read_bytes() == (tmp_path / "without.pdf").read_bytes()
