"""Stage 5 at its file edges: results.json in, the report folder out, swapped in whole or not at all."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from pipeline import paths
from pipeline.io.outputs import read_results, write_results, write_row_fates
from pipeline.io.report_folder import INTERN, report_folder
from pipeline.report.render import render
from pipeline.workflow.common import Reporter
from schemas.results import Results


def step_render(rep: Reporter, results: Results, out: Path, narrative: Path | None, rows: pd.DataFrame | None) -> None:
    """What may be published in `out`, what may not in `out/intern/`; the folder swapped in whole."""
    with report_folder(out) as staging:
        rep.stage(
            "render",
            lambda: render(results, staging, narrative, say=rep.say, log_to=staging / INTERN / paths.SUPPRESSION_LOG),
            lambda files: f"{len(files)} bestanden",
        )
        write_results(staging / INTERN / paths.RESULTS, results)
        if rows is not None:
            write_row_fates(staging / INTERN / paths.ROW_FATES, rows)


def stage_render(results: Path, out: Path, narrative: Path | None, rep: Reporter) -> None:
    classified = Path(results).parent / paths.CLASSIFIED
    rows = pd.read_parquet(classified, columns=["bron_rij", "status"]) if classified.exists() else None
    step_render(rep, read_results(Path(results)), out, narrative, rows)


def command(args: argparse.Namespace, rep: Reporter) -> None:
    stage_render(args.results, args.out, args.narrative, rep)
