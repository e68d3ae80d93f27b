"""The whole pipeline in one process: the same steps as the single stages, only the final outputs written."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.config.mapping import load_mapping
from pipeline.config.settings import load_settings
from pipeline.io.outputs import problems_file
from pipeline.io.provenance import describe_data, describe_run
from pipeline.workflow.align import step_align
from pipeline.workflow.analyse import step_analyse
from pipeline.workflow.classify import step_classify
from pipeline.workflow.common import Reporter
from pipeline.workflow.render import step_render
from pipeline.workflow.validate import step_detention, step_validate


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


def command(args: argparse.Namespace, rep: Reporter) -> None:
    run_all(args.bvh, args.clients, args.config, args.mapping, args.out, args.narrative, rep, args.detention)
    rep.say(f"Report written to {args.out / 'rendementsanalyse.html'} (results: {args.out / 'results.json'})")
