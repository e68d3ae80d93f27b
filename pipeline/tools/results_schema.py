"""Write schemas/results.schema.json from the typed results model, so the published schema cannot drift from
the code that writes results.json (tests/test_results_schema.py fails when the file is out of date)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schemas.results import json_schema_text

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "results.schema.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SCHEMA_FILE)
    args = parser.parse_args(argv)
    args.out.write_text(json_schema_text(), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
