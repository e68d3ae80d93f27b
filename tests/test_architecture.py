"""The shape of the code: sub-packages by responsibility, and the schemas independent of the pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

TOP_LEVEL = {"__init__.py", "__main__.py", "cli.py", "errors.py", "paths.py"}
SUB_PACKAGES = {"config", "io", "report", "stages", "tools", "workflow"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_schemas_import_nothing_of_the_pipeline():
    offenders = {
        p.name: sorted(n for n in _imports(p) if n.split(".")[0] == "pipeline")
        for p in (ROOT / "schemas").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_pipeline_is_sub_packages_with_a_thin_top():
    package = ROOT / "pipeline"
    assert {p.name for p in package.glob("*.py")} == TOP_LEVEL
    folders = {p.name for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == SUB_PACKAGES
    assert all((package / name / "__init__.py").is_file() for name in SUB_PACKAGES)


def test_the_pure_stages_do_no_file_reading_or_writing():
    """File edges live in pipeline/workflow and pipeline/io; a stage is a function of data frames."""
    for path in (ROOT / "pipeline" / "stages").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for edge in ("read_parquet", "to_parquet", "read_csv", "to_csv", "write_text", "open("):
            assert edge not in text, (path.name, edge)
