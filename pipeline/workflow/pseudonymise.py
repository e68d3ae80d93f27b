"""The pseudonymise command: keyed pseudonyms for the id columns of an export, before it leaves its owner."""

from __future__ import annotations

import argparse

from pipeline.tools.pseudonymise import pseudonymise_file
from pipeline.workflow.common import Reporter, count_text


def command(args: argparse.Namespace, rep: Reporter) -> None:
    done = pseudonymise_file(args.key_file, args.input, args.out, args.columns, args.sheet)
    rep.say(
        f"gepseudonimiseerd: kolom(men) {', '.join(done.columns)}, {count_text(done.values)} waarden; "
        f"{count_text(done.rows_in)} rijen gelezen, {count_text(done.rows_out)} geschreven: {args.out}"
    )
    if done.sheets_left_out:
        rep.say(f"niet in de kopie: de andere bladen ({', '.join(done.sheets_left_out)})")
