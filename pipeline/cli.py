"""The command line: `python -m pipeline run` for everything, or one stage at a time.

Exit status: 0 done, 2 bad input or settings (a message, no traceback), 1 an internal error (a bug).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from pathlib import Path

from pipeline import __version__, paths
from pipeline.errors import UserError
from pipeline.workflow.common import Reporter

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    # no defaults here: both or neither (then the synthetic default), see _inputs_together
    parser.add_argument("--bvh", type=Path, default=None, help="police export (with --clients; default: synthetic)")
    parser.add_argument("--clients", type=Path, default=None, help="ZVH client list (with --bvh)")
    parser.add_argument(
        "--detention",
        type=Path,
        default=None,
        help="optional: detention periods (client_id, van, tot) for time at risk",
    )
    parser.add_argument(
        "--comparison-persons",
        type=Path,
        default=None,
        help="optional, with --comparison-bvh: the comparison persons (client_id, geslacht, geboortejaar)",
    )
    parser.add_argument(
        "--comparison-bvh",
        type=Path,
        default=None,
        help="optional, with --comparison-persons: the police export of the comparison persons (BVH contract)",
    )


def _add_config(parser: argparse.ArgumentParser, mapping: bool = True) -> None:
    parser.add_argument("--config", type=Path, default=paths.DEFAULT_CONFIG, help="analysis settings (YAML)")
    if mapping:
        parser.add_argument("--mapping", type=Path, default=paths.DEFAULT_MAPPING, help="IMK mapping (YAML)")


def _add_processed(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--processed", type=Path, default=paths.PROCESSED, help="folder of stage outputs")


def _add_global(parser: argparse.ArgumentParser, top: bool) -> None:
    """--quiet before or after the command; after it, it must not reset what was said before it."""
    parser.add_argument(
        "--quiet", action="store_true", default=False if top else argparse.SUPPRESS, help="no progress lines on stderr"
    )


def _command(sub: argparse._SubParsersAction, name: str, **kwargs) -> argparse.ArgumentParser:
    command = sub.add_parser(name, **kwargs)
    _add_global(command, top=False)
    return command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    _add_global(parser, top=True)
    parser.add_argument("--version", action="version", version=f"rendementsanalyse {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = _command(sub, "run", help="run every stage and write the report")
    _add_inputs(run)
    _add_config(run)
    run.add_argument("--out", type=Path, default=paths.DEFAULT_OUT, help="output folder (default: reports/)")
    run.add_argument("--narrative", type=Path, default=paths.DEFAULT_NARRATIVE, help="folder of the analyst's chapters")

    validate = _command(sub, "validate", help="check both inputs, write typed Parquet")
    _add_inputs(validate)
    _add_config(validate, mapping=False)
    _add_processed(validate)

    align = _command(sub, "align", help="place registrations in the windows around the ICO")
    _add_config(align, mapping=False)
    _add_processed(align)

    classify = _command(sub, "classify", help="IMK class, E-category and severity per registration")
    _add_config(classify)
    _add_processed(classify)

    analyse = _command(sub, "analyse", help="counts and tests into results.json")
    _add_config(analyse)
    _add_processed(analyse)

    render = _command(sub, "render", help="the report from results.json")
    render.add_argument("--results", type=Path, default=paths.PROCESSED / paths.RESULTS)
    render.add_argument("--out", type=Path, default=paths.DEFAULT_OUT)
    render.add_argument(
        "--narrative", type=Path, default=paths.DEFAULT_NARRATIVE, help="folder of the analyst's chapters"
    )

    pseudo = _command(sub, "pseudonymise", help="replace id columns by keyed pseudonyms (HMAC-SHA256)")
    pseudo.add_argument("--key-file", type=Path, required=True, help="the secret key (make key creates one)")
    pseudo.add_argument("--in", dest="input", type=Path, required=True, help="the export (CSV or .xlsx)")
    pseudo.add_argument("--out", type=Path, required=True, help="where the pseudonymised copy goes (same format)")
    pseudo.add_argument("--columns", nargs="+", default=["client_id"], help="columns to pseudonymise")
    pseudo.add_argument("--sheet", default=None, help="Excel: the sheet (default: the first)")

    compare = _command(sub, "vergelijk", help="compare editions or regions from their results.json files")
    compare.add_argument("results", type=Path, nargs="+", help="results.json of each run (the first: reference)")
    compare.add_argument("--out", type=Path, default=Path("reports/vergelijking"))

    synth = _command(sub, "synth", help="write the synthetic default export (calibrated to the report)")
    synth.add_argument("--out", type=Path, default=paths.SYNTHETIC_DIR)
    synth.add_argument("--seed", type=int, default=None, help="random seed (default: the committed one)")
    return parser


# The module that carries out each command, imported only when that command runs, so a stage's process loads
# just the code of that stage. pipeline/tools/makedeps.py reads this table to give each Make target its code.
COMMANDS = {
    "run": "pipeline.workflow.run",
    "validate": "pipeline.workflow.validate",
    "align": "pipeline.workflow.align",
    "classify": "pipeline.workflow.classify",
    "analyse": "pipeline.workflow.analyse",
    "render": "pipeline.workflow.render",
    "pseudonymise": "pipeline.workflow.pseudonymise",
    "synth": "pipeline.workflow.synth",
    "vergelijk": "pipeline.workflow.editions",
}


def _inputs_together(args: argparse.Namespace) -> None:
    """A real export with the synthetic client list (or the reverse) gives a report of zeros: refuse it."""
    if not hasattr(args, "bvh"):
        return
    if (args.bvh is None) != (args.clients is None):
        given, missing = ("--bvh", "--clients") if args.clients is None else ("--clients", "--bvh")
        raise UserError(
            f"{given} zonder {missing}: geef de politie-export en de cliëntenlijst samen op (of geen van beide "
            "voor de synthetische gegevens). Een echte export met de synthetische cliëntenlijst geeft een "
            "verkeerd rapport."
        )
    if (args.comparison_persons is None) != (args.comparison_bvh is None):
        given, missing = (
            ("--comparison-persons", "--comparison-bvh")
            if args.comparison_bvh is None
            else ("--comparison-bvh", "--comparison-persons")
        )
        raise UserError(
            f"{given} zonder {missing}: de vergelijkingsgroep bestaat uit de lijst van personen én hun "
            "politie-export; geef beide op, of geen van beide."
        )
    if args.bvh is None:
        args.bvh, args.clients = paths.DEFAULT_BVH, paths.DEFAULT_CLIENTS
        synthetic = (paths.DEFAULT_COMPARISON_PERSONS, paths.DEFAULT_COMPARISON_BVH)
        if args.comparison_persons is None and all(p.exists() for p in synthetic):
            args.comparison_persons, args.comparison_bvh = synthetic  # the synthetic default comes with its group


def dispatch(args: argparse.Namespace) -> None:
    _inputs_together(args)
    importlib.import_module(COMMANDS[args.command]).command(args, Reporter(quiet=args.quiet))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        dispatch(args)
    except UserError as exc:
        print(f"fout: {exc.render()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except FileNotFoundError as exc:
        print(
            f"fout: {exc.filename or exc}: bestand niet gevonden (eerst de eerdere stappen draaien?)", file=sys.stderr
        )
        return EXIT_USER_ERROR
    except OSError as exc:
        # the machine refused: a read-only or full disk, a folder where a file belongs, no permission
        where = exc.filename or "?"
        print(
            f"fout: {where}: {exc.strerror or exc} (er is niets over een eerder rapport heen geschreven)",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    except Exception:
        traceback.print_exc()
        print(
            "interne fout: dit is een fout in de pijplijn, niet in uw gegevens; meld haar alstublieft.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR
    return 0
