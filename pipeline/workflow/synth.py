"""The synth command: the synthetic default export, made again from its seed."""

from __future__ import annotations

import argparse

from pipeline.synthetic.default import write_synthetic
from pipeline.workflow.common import Reporter


def command(args: argparse.Namespace, rep: Reporter) -> None:
    write_synthetic(args.out, seed=args.seed)
