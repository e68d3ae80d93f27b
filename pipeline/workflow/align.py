"""Stage 2 at its file edges: the validated Parquet in, every row placed in its window out."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from pipeline import paths
from pipeline.config.settings import Settings, load_settings
from pipeline.io.outputs import ROW_FATE_WORDS, write_parquet
from pipeline.stages.align import align, plausible
from pipeline.workflow.common import Reporter, count_text
from schemas.frames import AlignedClients, AlignedRows, ValidatedBvh, ValidatedClients, check_windows


def step_align(
    rep: Reporter, bvh: pd.DataFrame, clients: pd.DataFrame, settings: Settings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    def summary(result: tuple[pd.DataFrame, pd.DataFrame]) -> str:
        counts = result[0]["status"].value_counts()
        return ", ".join(f"{ROW_FATE_WORDS[k]} {count_text(int(v))}" for k, v in counts.items() if v)

    def work() -> tuple[pd.DataFrame, pd.DataFrame]:
        rows, aligned = align(ValidatedBvh.validate(bvh), ValidatedClients.validate(clients), settings)
        check_windows(rows, settings.windows)
        rows, aligned = AlignedRows.validate(rows), AlignedClients.validate(aligned)
        plausible(rows, aligned, settings)
        return rows, aligned

    return rep.stage("align", work, summary)


def stage_align(config: Path, processed: Path, rep: Reporter) -> None:
    rows, clients = step_align(
        rep,
        pd.read_parquet(processed / paths.VALIDATED_BVH),
        pd.read_parquet(processed / paths.VALIDATED_CLIENTS),
        load_settings(config),
    )
    write_parquet(processed / paths.ALIGNED_ROWS, rows)
    write_parquet(processed / paths.ALIGNED_CLIENTS, clients)


def command(args: argparse.Namespace, rep: Reporter) -> None:
    stage_align(args.config, args.processed, rep)
