"""Run `python -m pipeline ARGS...` and record which project modules the command really loaded.

The tests of the Make graph use it as an oracle independent of pipeline/tools/makedeps.py: makedeps reads the
imports, this watches what a real run of each stage loads.
usage: python tests/import_trace.py LOG ARGS...   (appends one JSON line per run to LOG)
"""

from __future__ import annotations

import json
import runpy
import sys

PACKAGES = ("pipeline", "schemas")


def main() -> None:
    log, args = sys.argv[1], sys.argv[2:]
    command = next(a for a in args if not a.startswith("-"))
    sys.argv = ["pipeline", *args]
    try:
        runpy.run_module("pipeline", run_name="__main__", alter_sys=True)
    finally:
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in PACKAGES and m != "pipeline.__main__")
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"command": command, "modules": loaded}) + "\n")


if __name__ == "__main__":
    main()
