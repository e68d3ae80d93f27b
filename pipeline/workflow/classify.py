"""Stage 3 at its file edges: the aligned rows in, IMK class, E-category and severity per row out."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from pipeline import paths
from pipeline.config.mapping import ImkMapping, load_mapping
from pipeline.config.settings import Settings, load_settings
from pipeline.io.outputs import write_parquet
from pipeline.stages.classify import classify
from pipeline.workflow.common import Reporter, count_text
from schemas.frames import AlignedRows, ClassifiedRows


def step_classify(
    rep: Reporter, rows: pd.DataFrame, mapping: ImkMapping, settings: Settings, source: str
) -> pd.DataFrame:
    return rep.stage(
        "classify",
        lambda: ClassifiedRows.validate(classify(AlignedRows.validate(rows), mapping, settings, source=source)),
        lambda r: f"{count_text(len(r))} rijen, {count_text(int(r['onbekende_code'].sum()))} met een onbekende code",
    )


def stage_classify(config: Path, mapping: Path, processed: Path, rep: Reporter) -> None:
    source = processed / paths.ALIGNED_ROWS
    classified = step_classify(rep, pd.read_parquet(source), load_mapping(mapping), load_settings(config), str(source))
    write_parquet(processed / paths.CLASSIFIED, classified)


def command(args: argparse.Namespace, rep: Reporter) -> None:
    stage_classify(args.config, args.mapping, args.processed, rep)
