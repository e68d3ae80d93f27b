"""Stage 1 at its file edges: read both exports (and detention periods), validate, write typed Parquet."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

import schemas
from pipeline import paths
from pipeline.config.settings import Settings, load_settings
from pipeline.errors import Problem, UserError
from pipeline.io.outputs import PROBLEMS, write_json, write_parquet, write_problems
from pipeline.io.provenance import describe_data
from pipeline.io.readers import read_table
from pipeline.stages.validate import validate, validate_comparison, validate_detention
from pipeline.workflow.common import Reporter, count_text
from schemas.frames import ValidatedBvh, ValidatedClients
from schemas.raw import RawTable
from schemas.settings import InputFile

T = TypeVar("T")
ProblemSink = Callable[[list[Problem]], Path]  # writes the problem list somewhere and says where


def problems_beside(processed: Path) -> ProblemSink:
    return lambda problems: write_problems(Path(processed) / PROBLEMS, problems)


def read_input(path: Path, spec: InputFile, required: tuple[str, ...]) -> RawTable:
    """One input as its settings describe it: sheet, own column names, header row (or found from `required`)."""
    return read_table(path, spec.sheet, spec.renames, expected=required, header_row=spec.header_row)


def step_validate(
    rep: Reporter, bvh: Path, clients: Path, settings: Settings, problems_to: ProblemSink
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both inputs typed; on failure every problem is also written to `problems_to` (validatie.csv)."""

    def work() -> tuple[pd.DataFrame, pd.DataFrame]:
        clients_raw = read_input(clients, settings.inputs.clients, schemas.clients.REQUIRED)
        bvh_raw = read_input(bvh, settings.inputs.bvh, schemas.bvh.REQUIRED)
        clients_frame, bvh_frame = validate(clients_raw, bvh_raw)
        return ValidatedClients.validate(clients_frame), ValidatedBvh.validate(bvh_frame)

    def summary(result: tuple[pd.DataFrame, pd.DataFrame]) -> str:
        return f"{count_text(len(result[0]))} cliënten, {count_text(len(result[1]))} registratierijen"

    return reporting_problems(problems_to, lambda: rep.stage("validate", work, summary))


def step_detention(rep: Reporter, detention: Path | None, problems_to: ProblemSink) -> pd.DataFrame | None:
    """The optional detention periods (time at risk), validated like the other inputs."""
    if detention is None:
        return None
    return reporting_problems(
        problems_to,
        lambda: rep.stage(
            "detention",
            lambda: validate_detention(read_table(detention, expected=schemas.detention.REQUIRED)),
            lambda r: f"{count_text(len(r))} detentieperioden",
        ),
    )


Comparison = tuple[Path, Path] | None  # (comparison persons, their police export), or none


def step_comparison(
    rep: Reporter, comparison: Comparison, settings: Settings, problems_to: ProblemSink
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The optional comparison group (issue 12): the persons and their export, read and validated as the main
    inputs are (the export with the column names and sheet of the main export's settings)."""
    if comparison is None:
        return None

    def work() -> tuple[pd.DataFrame, pd.DataFrame]:
        persons = read_table(comparison[0], expected=schemas.persons.REQUIRED)
        bvh = read_input(comparison[1], settings.inputs.bvh, schemas.bvh.REQUIRED)
        persons_frame, bvh_frame = validate_comparison(persons, bvh)
        return persons_frame, ValidatedBvh.validate(bvh_frame)

    def summary(result: tuple[pd.DataFrame, pd.DataFrame]) -> str:
        return f"{count_text(len(result[0]))} vergelijkingspersonen, {count_text(len(result[1]))} registratierijen"

    return reporting_problems(problems_to, lambda: rep.stage("vergelijk", work, summary))


def reporting_problems(problems_to: ProblemSink, work: Callable[[], T]) -> T:
    """Run `work`; when it stops on bad input, list every problem in validatie.csv as well."""
    try:
        return work()
    except UserError as exc:
        if exc.problems:
            where = problems_to(exc.problems)
            exc.message += f"\nAll {len(exc.problems)} problem(s) are listed in {where}"
        raise


def stage_validate(
    bvh: Path,
    clients: Path,
    detention: Path | None,
    config: Path,
    processed: Path,
    rep: Reporter,
    comparison: Comparison = None,
) -> None:
    sink = problems_beside(processed)
    settings = load_settings(config)
    clients_frame, bvh_frame = step_validate(rep, bvh, clients, settings, sink)
    detention_frame = step_detention(rep, detention, sink)
    comparison_frames = step_comparison(rep, comparison, settings, sink)
    write_parquet(processed / paths.VALIDATED_CLIENTS, clients_frame)
    write_parquet(processed / paths.VALIDATED_BVH, bvh_frame)
    if detention_frame is None:
        (processed / paths.DETENTION).unlink(missing_ok=True)  # no stale periods from an earlier run
    else:
        write_parquet(processed / paths.DETENTION, detention_frame)
    for name, frame in zip(
        (paths.COMPARISON_PERSONS, paths.COMPARISON_BVH), comparison_frames or (None, None), strict=True
    ):
        if frame is None:
            (processed / name).unlink(missing_ok=True)  # no stale comparison group from an earlier run
        else:
            write_parquet(processed / name, frame)
    write_json(processed / paths.INPUTS, describe_data(bvh, clients, detention, comparison))


def comparison_of(args: argparse.Namespace) -> Comparison:
    return None if args.comparison_persons is None else (args.comparison_persons, args.comparison_bvh)


def command(args: argparse.Namespace, rep: Reporter) -> None:
    stage_validate(args.bvh, args.clients, args.detention, args.config, args.processed, rep, comparison_of(args))
