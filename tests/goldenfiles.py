"""Golden files: the synthetic default's published results, committed, so that every change of a number or a file
is seen and has to be made on purpose.

`tests/golden/results.json` is the default run's results.json without its provenance; `tests/golden/files.sha256`
holds the SHA-256 of every file the run writes (published and internal). The one thing a run records that is not
a function of its inputs and code is where it ran from (the git commit and whether the tree had changes): the
golden run fixes that to "no checkout", so the same code gives the same golden files in every clone and commit.

Update after a deliberate change: `make golden`, then say in the commit message which numbers moved and why.
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
GOLDEN_RESULTS = GOLDEN / "results.json"
GOLDEN_FILES = GOLDEN / "files.sha256"
RESULTS = Path("intern") / "results.json"
# The part of results.json that says where and with what it was made, not what it found; its inputs and
# settings are pinned by their own hashes in it, which the file hashes below pin in turn.
NOT_A_RESULT = ("provenance",)

# The run, with the project state fixed: the commit is not an input of the analysis.
_RUN = """
import sys
import pipeline.io.provenance as provenance
import pipeline
provenance.project_state = lambda: {"version": pipeline.__version__, "git_commit": None, "git_dirty": None}
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""


def golden_run(out: Path) -> subprocess.CompletedProcess:
    """The synthetic default, end to end, into `out` (a fresh process: nothing of the caller's state)."""
    return subprocess.run(
        [sys.executable, "-c", _RUN, "--quiet", "run", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def sha256_of_files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def results_of(folder: Path) -> dict[str, Any]:
    results = json.loads((folder / RESULTS).read_text(encoding="utf-8"))
    return {k: v for k, v in results.items() if k not in NOT_A_RESULT}


def read_files_golden() -> dict[str, str]:
    lines = GOLDEN_FILES.read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines if line)}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def differences(golden: Any, got: Any, path: str = "") -> list[str]:
    """Every key path where `got` differs from `golden`, with both values: a reader sees which number moved."""
    where = path or "(top)"
    if isinstance(golden, dict) and isinstance(got, dict):
        out = [f"{path}.{k}: weg (was {_short(golden[k])})".lstrip(".") for k in golden if k not in got]
        out += [f"{path}.{k}: nieuw ({_short(got[k])})".lstrip(".") for k in got if k not in golden]
        for k in golden:
            if k in got:
                out += differences(golden[k], got[k], f"{path}.{k}".lstrip("."))
        return out
    if isinstance(golden, list) and isinstance(got, list):
        if len(golden) != len(got):
            return [f"{where}: {len(got)} elementen, was {len(golden)}"]
        return [d for i, (a, b) in enumerate(zip(golden, got, strict=True)) for d in differences(a, b, f"{path}[{i}]")]
    same = golden == got or (
        isinstance(golden, float) and isinstance(got, float) and math.isnan(golden) and math.isnan(got)
    )
    return [] if same and type(golden) is type(got) else [f"{where}: {_short(got)}, was {_short(golden)}"]


def file_differences(golden: dict[str, str], got: dict[str, str]) -> list[str]:
    out = [f"{name}: ontbreekt" for name in golden if name not in got]
    out += [f"{name}: nieuw bestand" for name in got if name not in golden]
    out += [f"{name}: andere inhoud" for name in golden if name in got and got[name] != golden[name]]
    return sorted(out)


def write_golden(folder: Path) -> None:
    GOLDEN.mkdir(exist_ok=True)
    GOLDEN_RESULTS.write_text(
        json.dumps(results_of(folder), ensure_ascii=False, indent=2, allow_nan=True) + "\n", encoding="utf-8"
    )
    GOLDEN_FILES.write_text(
        "".join(f"{digest}  {name}\n" for name, digest in sha256_of_files(folder).items()), encoding="utf-8"
    )


def main() -> None:
    """`make golden`: run the synthetic default and write the golden files from it."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reports"
        done = golden_run(out)
        if done.returncode != 0:
            sys.exit(f"de gouden run faalde:\n{done.stderr}")
        if not (GOLDEN_RESULTS.exists() and GOLDEN_FILES.exists()):
            write_golden(out)
            print(f"gouden bestanden geschreven in {GOLDEN.relative_to(ROOT)}/")
            return
        before_results = json.loads(GOLDEN_RESULTS.read_text(encoding="utf-8"))
        changed = differences(before_results, results_of(out)) + file_differences(
            read_files_golden(), sha256_of_files(out)
        )
        write_golden(out)
    print("gewijzigd (zeg in de commit waarom):\n" + "\n".join(changed) if changed else "gouden bestanden ongewijzigd")


if __name__ == "__main__":
    main()
