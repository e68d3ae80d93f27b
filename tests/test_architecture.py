"""The shape of the code. The direction of imports is a contract checked by import-linter (.importlinter, run by
make test); these tests keep that contract complete and the pure parts pure."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PURE = ("stages", "estimation", "analysis", "disclosure")


def _layers() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    lines = config["importlinter:contract:layers"]["layers"].split()
    return [name for line in lines for name in line.split("|") if name]


def test_every_part_of_the_pipeline_has_its_layer():
    """A package or module missing from the layers would be free to import anything: each one is listed."""
    package = ROOT / "pipeline"
    parts = {p.stem for p in package.glob("*.py") if p.name != "__init__.py"}
    parts |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert parts == set(_layers())


def test_the_import_contract_holds():
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "BROKEN" not in done.stdout and done.stdout.count("KEPT") == 3


def test_the_pure_parts_do_no_file_reading_or_writing():
    """File edges live in pipeline/workflow and pipeline/io; a stage or an estimator is a function of data frames."""
    for part in PURE:
        for path in (ROOT / "pipeline" / part).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for edge in ("read_parquet", "to_parquet", "read_csv", "to_csv", "write_text", "open("):
                assert edge not in text, (path.name, edge)


def test_the_readme_tree_is_the_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```\nMakefile -> python -m pipeline STAGE")
    tree = readme[start : readme.index("```", start + 3)]
    pipeline_part, schemas_part = (
        tree[tree.index("\npipeline/") : tree.index("\nschemas/")],
        tree[tree.index("\nschemas/") :],
    )
    named = {line.split()[0].rstrip("/") for line in pipeline_part.splitlines() if line[:2] == "  " and line[2] != " "}
    package = ROOT / "pipeline"
    folders = {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert named == folders | {"cli.py", "errors.py,"}
    schemas = {p.name for p in (ROOT / "schemas").glob("*.py") if p.name != "__init__.py"}
    listed = {word.rstrip(",") for word in schemas_part.split() if word.rstrip(",").endswith(".py")}
    assert listed == schemas
