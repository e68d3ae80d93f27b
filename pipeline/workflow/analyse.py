"""Stage 4 at its file edges: the classified rows in, results.json (with its provenance) out."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import paths
from pipeline.analysis.analyse import analyse
from pipeline.config.mapping import ImkMapping, load_mapping
from pipeline.config.settings import Settings, load_settings
from pipeline.io.outputs import write_parquet, write_results
from pipeline.io.provenance import describe_run
from pipeline.workflow.common import Reporter, count_text
from schemas.frames import AlignedClients, ClassifiedRows
from schemas.results import Provenance, Results


def step_analyse(
    rep: Reporter,
    rows: pd.DataFrame,
    clients: pd.DataFrame,
    mapping: ImkMapping,
    settings: Settings,
    provenance: dict[str, Any],
    detention: pd.DataFrame | None = None,
    comparison: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> tuple[Results, pd.DataFrame]:
    """The results, with the provenance of the data, settings and mapping they came from."""

    def summary(result: tuple[Results, pd.DataFrame]) -> str:
        res = result[0]
        return (
            f"{count_text(res.n_clients)} cliënten vergeleken, {count_text(res.n_registrations)} registraties gebruikt"
        )

    def work() -> tuple[Results, pd.DataFrame]:
        return analyse(
            ClassifiedRows.validate(rows), AlignedClients.validate(clients), mapping, settings, detention, comparison
        )

    results, counts = rep.stage("analyse", work, summary)
    return results.model_copy(update={"provenance": Provenance.model_validate(provenance)}), counts


def _comparison(processed: Path) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    persons, bvh = processed / paths.COMPARISON_PERSONS, processed / paths.COMPARISON_BVH
    return (pd.read_parquet(persons), pd.read_parquet(bvh)) if persons.exists() and bvh.exists() else None


def stage_analyse(config: Path, mapping: Path, processed: Path, rep: Reporter) -> None:
    results, counts = step_analyse(
        rep,
        pd.read_parquet(processed / paths.CLASSIFIED),
        pd.read_parquet(processed / paths.ALIGNED_CLIENTS),
        load_mapping(mapping),
        load_settings(config),
        describe_run(json.loads((processed / paths.INPUTS).read_text(encoding="utf-8")), config, mapping),
        pd.read_parquet(processed / paths.DETENTION) if (processed / paths.DETENTION).exists() else None,
        _comparison(processed),
    )
    write_parquet(processed / paths.CLIENT_COUNTS, counts.reset_index())
    write_results(processed / paths.RESULTS, results)


def command(args: argparse.Namespace, rep: Reporter) -> None:
    stage_analyse(args.config, args.mapping, args.processed, rep)
