"""The stages with their file edges: each reads its inputs, calls the pure stage function, writes its output.

`run_all` chains the same steps in one process and writes only the final outputs.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from pipeline import paths
from pipeline.align import align
from pipeline.analyse import analyse
from pipeline.classify import classify
from pipeline.errors import UserError
from pipeline.mapping import ImkMapping, load_mapping
from pipeline.outputs import (
    PROBLEMS,
    atomic_folder,
    problems_file,
    write_json,
    write_parquet,
    write_problems,
    write_row_fates,
)
from pipeline.provenance import describe_data, describe_run
from pipeline.readers import read_table
from pipeline.render import render
from pipeline.settings import Settings, load_settings
from pipeline.validate import validate, validate_detention

T = TypeVar("T")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass
class Reporter:
    """One line per stage on stderr, with its row counts and seconds."""

    quiet: bool = False

    def stage(self, name: str, work: Callable[[], T], summary: Callable[[T], str]) -> T:
        began = time.perf_counter()
        result = work()
        if not self.quiet:
            seconds = time.perf_counter() - began
            print(f"{name:<9} {summary(result)} ({seconds:.2f} s)", file=sys.stderr)
        return result


# --- the steps, shared by the single stages and the whole run ------------------------------------------


def step_validate(
    rep: Reporter, bvh: Path, clients: Path, settings: Settings, problems_to: Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both inputs typed; on failure every problem is also written to `problems_to` (validatie.csv)."""

    def work() -> tuple[pd.DataFrame, pd.DataFrame]:
        clients_raw = read_table(clients, settings.clients_input.sheet, dict(settings.clients_input.columns))
        bvh_raw = read_table(bvh, settings.bvh_input.sheet, dict(settings.bvh_input.columns))
        return validate(clients_raw, bvh_raw)

    return _reporting_problems(
        problems_to,
        lambda: rep.stage(
            "validate", work, lambda r: f"{_count(len(r[0]))} clients, {_count(len(r[1]))} registration rows"
        ),
    )


def step_detention(rep: Reporter, detention: Path | None, problems_to: Path) -> pd.DataFrame | None:
    """The optional detention periods (time at risk), validated like the other inputs."""
    if detention is None:
        return None
    return _reporting_problems(
        problems_to,
        lambda: rep.stage(
            "detention", lambda: validate_detention(read_table(detention)), lambda r: f"{_count(len(r))} periods"
        ),
    )


def _reporting_problems(problems_to: Path, work: Callable[[], T]) -> T:

    try:
        return work()
    except UserError as exc:
        if exc.problems:
            write_problems(problems_to, exc.problems)
            exc.message += f"\nAll {len(exc.problems)} problem(s) are listed in {problems_to}"
        raise


def step_align(
    rep: Reporter, bvh: pd.DataFrame, clients: pd.DataFrame, settings: Settings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    def summary(result: tuple[pd.DataFrame, pd.DataFrame]) -> str:
        counts = result[0]["status"].value_counts()
        return ", ".join(f"{k} {_count(int(v))}" for k, v in counts.items() if v)

    return rep.stage("align", lambda: align(bvh, clients, settings), summary)


def step_classify(
    rep: Reporter, rows: pd.DataFrame, mapping: ImkMapping, settings: Settings, source: str
) -> pd.DataFrame:
    return rep.stage(
        "classify",
        lambda: classify(rows, mapping, settings, source=source),
        lambda r: f"{_count(len(r))} rows, {_count(int(r['onbekende_code'].sum()))} with an unknown code",
    )


def step_analyse(
    rep: Reporter,
    rows: pd.DataFrame,
    clients: pd.DataFrame,
    mapping: ImkMapping,
    settings: Settings,
    provenance: dict[str, Any],
    detention: pd.DataFrame | None = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The results, with the provenance of the data, settings and mapping they came from."""

    def summary(result: tuple[dict[str, Any], pd.DataFrame]) -> str:
        res = result[0]
        return f"{_count(res['n_clients'])} clients compared, {_count(res['n_registrations'])} registrations used"

    results, counts = rep.stage("analyse", lambda: analyse(rows, clients, mapping, settings, detention), summary)
    results["provenance"] = provenance
    return results, counts


def step_render(
    rep: Reporter, results: dict[str, Any], out: Path, narrative: Path | None, rows: pd.DataFrame | None
) -> None:
    with atomic_folder(out) as staging:
        rep.stage("render", lambda: render(results, staging, narrative), lambda files: f"{len(files)} files")
        write_json(staging / paths.RESULTS, results)
        if rows is not None:
            write_row_fates(staging / paths.ROW_FATES, rows)


# --- each stage alone, through data/processed ----------------------------------------------------------


def stage_validate(
    bvh: Path, clients: Path, detention: Path | None, config: Path, processed: Path, rep: Reporter
) -> None:
    clients_frame, bvh_frame = step_validate(rep, bvh, clients, load_settings(config), processed / PROBLEMS)
    detention_frame = step_detention(rep, detention, processed / PROBLEMS)
    write_parquet(processed / paths.VALIDATED_CLIENTS, clients_frame)
    write_parquet(processed / paths.VALIDATED_BVH, bvh_frame)
    if detention_frame is None:
        (processed / paths.DETENTION).unlink(missing_ok=True)  # no stale periods from an earlier run
    else:
        write_parquet(processed / paths.DETENTION, detention_frame)
    write_json(processed / paths.INPUTS, describe_data(bvh, clients, detention))


def stage_align(config: Path, processed: Path, rep: Reporter) -> None:
    rows, clients = step_align(
        rep,
        pd.read_parquet(processed / paths.VALIDATED_BVH),
        pd.read_parquet(processed / paths.VALIDATED_CLIENTS),
        load_settings(config),
    )
    write_parquet(processed / paths.ALIGNED_ROWS, rows)
    write_parquet(processed / paths.ALIGNED_CLIENTS, clients)


def stage_classify(config: Path, mapping: Path, processed: Path, rep: Reporter) -> None:
    source = processed / paths.ALIGNED_ROWS
    classified = step_classify(rep, pd.read_parquet(source), load_mapping(mapping), load_settings(config), str(source))
    write_parquet(processed / paths.CLASSIFIED, classified)


def stage_analyse(config: Path, mapping: Path, processed: Path, rep: Reporter) -> None:
    results, counts = step_analyse(
        rep,
        pd.read_parquet(processed / paths.CLASSIFIED),
        pd.read_parquet(processed / paths.ALIGNED_CLIENTS),
        load_mapping(mapping),
        load_settings(config),
        describe_run(json.loads((processed / paths.INPUTS).read_text(encoding="utf-8")), config, mapping),
        pd.read_parquet(processed / paths.DETENTION) if (processed / paths.DETENTION).exists() else None,
    )
    write_parquet(processed / paths.CLIENT_COUNTS, counts.reset_index())
    write_json(processed / paths.RESULTS, results)


def stage_render(results: Path, out: Path, narrative: Path | None, rep: Reporter) -> None:
    classified = Path(results).parent / paths.CLASSIFIED
    rows = pd.read_parquet(classified, columns=["bron_rij", "status"]) if classified.exists() else None
    step_render(rep, json.loads(Path(results).read_text(encoding="utf-8")), out, narrative, rows)


# --- the whole pipeline in one process -----------------------------------------------------------------


def run_all(
    bvh: Path,
    clients: Path,
    config: Path,
    mapping_path: Path,
    out: Path,
    narrative: Path | None,
    rep: Reporter,
    detention: Path | None = None,
) -> None:
    settings, mapping = load_settings(config), load_mapping(mapping_path)
    clients_frame, bvh_frame = step_validate(rep, bvh, clients, settings, problems_file(out))
    detention_frame = step_detention(rep, detention, problems_file(out))
    rows, aligned_clients = step_align(rep, bvh_frame, clients_frame, settings)
    classified = step_classify(rep, rows, mapping, settings, str(bvh))
    provenance = describe_run(describe_data(bvh, clients, detention), config, mapping_path)
    results, _ = step_analyse(rep, classified, aligned_clients, mapping, settings, provenance, detention_frame)
    step_render(rep, results, out, narrative, classified)
