"""The whole pipeline in one process: the same steps as the single stages, only the final outputs written."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.analysis.analyse import analyse
from pipeline.config.mapping import load_mapping
from pipeline.config.settings import load_settings
from pipeline.errors import Problem
from pipeline.io.outputs import PROBLEMS, problems_csv
from pipeline.io.provenance import describe_data, describe_run
from pipeline.io.report_folder import INTERN, add_file, check_replaceable
from pipeline.workflow.align import step_align
from pipeline.workflow.analyse import step_analyse
from pipeline.workflow.classify import step_classify
from pipeline.workflow.common import Reporter
from pipeline.workflow.render import step_render
from pipeline.workflow.validate import Comparison, comparison_of, step_comparison, step_detention, step_validate


def run_all(
    bvh: Path,
    clients: Path,
    config: Path,
    mapping_path: Path,
    out: Path,
    narrative: Path | None,
    rep: Reporter,
    detention: Path | None = None,
    comparison: Comparison = None,
) -> None:
    check_replaceable(out)  # a folder that is not ours stops the run before any work, and is never touched
    settings, mapping = load_settings(config), load_mapping(mapping_path)

    def sink(problems: list[Problem]) -> Path:
        return add_file(out, f"{INTERN}/{PROBLEMS}", problems_csv(problems), status="validatie mislukt")

    clients_frame, bvh_frame = step_validate(rep, bvh, clients, settings, sink)
    detention_frame = step_detention(rep, detention, sink)
    comparison_frames = step_comparison(rep, comparison, settings, sink)
    rows, aligned_clients = step_align(rep, bvh_frame, clients_frame, settings)
    classified = step_classify(rep, rows, mapping, settings, str(bvh))
    provenance = describe_run(describe_data(bvh, clients, detention, comparison), config, mapping_path)
    results, _ = step_analyse(
        rep, classified, aligned_clients, mapping, settings, provenance, detention_frame, comparison_frames
    )
    step_render(rep, results, out, narrative, classified)


def analyse_files(files: dict[str, Path], config: Path, mapping_path: Path, with_comparison: bool = True) -> dict:
    """results.json (as a dict) of a simulated region's files (pipeline/synthetic/region.py) through the same
    steps as `run`, without the report: what the simulation study and the tests need of hundreds of regions."""
    settings, mapping = load_settings(config), load_mapping(mapping_path)
    rep, sink = Reporter(quiet=True), lambda problems: Path("validatie.csv")
    clients, bvh = step_validate(rep, files["bvh"], files["clients"], settings, sink)
    comparison = (files["comparison_persons"], files["comparison_bvh"]) if with_comparison else None
    frames = step_comparison(rep, comparison, settings, sink)
    rows, aligned = step_align(rep, bvh, clients, settings)
    classified = step_classify(rep, rows, mapping, settings, str(files["bvh"]))
    results, _ = analyse(classified, aligned, mapping, settings, None, frames)
    return results.to_dict()


def command(args: argparse.Namespace, rep: Reporter) -> None:
    run_all(
        args.bvh,
        args.clients,
        args.config,
        args.mapping,
        args.out,
        args.narrative,
        rep,
        args.detention,
        comparison_of(args),
    )
    rep.say(
        f"Rapport geschreven: {args.out / 'rendementsanalyse.html'}; niet publiceren: {args.out / INTERN}/ "
        "(results.json, verantwoording per rij, onderdrukkingen)"
    )
