"""The pseudonymise command: keyed pseudonyms for the id columns of an export, before it leaves its owner."""

from __future__ import annotations

import argparse
import sys

from pipeline.tools.pseudonymise import pseudonymise_file
from pipeline.workflow.common import Reporter


def command(args: argparse.Namespace, rep: Reporter) -> None:
    rows = pseudonymise_file(args.key_file, args.input, args.out, args.columns, args.sheet)
    if not rep.quiet:
        print(f"pseudonymised {', '.join(args.columns)} in {rows} rows: {args.out}", file=sys.stderr)
