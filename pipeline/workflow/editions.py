"""`vergelijk` at its file edges: several results.json in, the comparison report folder out, whole or not at all."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.editions.compare import compare
from pipeline.editions.report import render_comparison
from pipeline.errors import UserError
from pipeline.io.outputs import read_results
from pipeline.io.report_folder import report_folder
from pipeline.workflow.common import Reporter


def stage_compare(files: list[Path], out: Path, rep: Reporter) -> None:
    if len(files) < 2:
        raise UserError("vergelijk: geef minstens twee results.json-bestanden (van edities of regio's)")
    for f in files:
        if not Path(f).is_file():
            raise UserError(f"{f}: bestand niet gevonden (verwacht: de results.json uit de map 'intern' van een run)")
    runs = rep.stage(
        "inlezen", lambda: [(Path(f).name, read_results(Path(f))) for f in files], lambda r: f"{len(r)} runs"
    )
    comparison = rep.stage(
        "vergelijk", lambda: compare(runs), lambda c: f"{len(c.methode_verschillen)} methodeverschillen"
    )
    latest = max((r for _, r in runs), key=lambda r: r.settings.periode.tot)
    with report_folder(out, status="vergelijking") as staging:
        rep.stage("render", lambda: render_comparison(comparison, latest, staging), lambda w: f"{len(w)} bestanden")
    rep.say(f"Vergelijking geschreven: {Path(out) / 'vergelijking.html'}")


def command(args: argparse.Namespace, rep: Reporter) -> None:
    stage_compare(args.results, args.out, rep)
