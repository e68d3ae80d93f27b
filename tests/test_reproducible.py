"""Reproducible to the byte, with provenance, and incremental (issue 5)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from pipeline.provenance import describe_data
from tests.conftest import ROOT, SYNTHETIC, run_cli


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_runs_give_identical_bytes_in_every_file(default_run, tmp_path):
    first, _ = default_run
    second = tmp_path / "again"
    assert run_cli("--quiet", "run", "--out", str(second)).returncode == 0
    a, b = _files(first), _files(second)
    assert a.keys() == b.keys()
    assert {p.suffix for p in a} >= {".html", ".pdf", ".svg", ".png", ".csv", ".json"}
    different = [str(p) for p in a if a[p] != b[p]]
    assert different == []


def test_provenance_names_the_real_sha256(default_run):
    out, r = default_run
    p = r["provenance"]
    for key, name in (("bvh", "bvh.csv"), ("clients", "clients.csv")):
        assert p["inputs"][key]["sha256"] == hashlib.sha256((SYNTHETIC / name).read_bytes()).hexdigest()
    for key, path in (("settings", "config/analysis.yaml"), ("mapping", "config/imk_mapping.yaml")):
        assert p[key]["sha256"] == hashlib.sha256((ROOT / path).read_bytes()).hexdigest()
    assert p["synthetic"] is True and p["generator"] == {"generator": "pipeline.synth", "seed": 20231130}
    assert set(p["software"]) >= {"python", "pandas", "numpy", "scipy", "statsmodels", "weasyprint"}
    assert p["project"]["version"] and len(p["project"]["git_commit"] or "x" * 40) == 40
    html = (out / "rendementsanalyse.html").read_text(encoding="utf-8")
    assert all(p[k]["sha256"] in html for k in ("settings", "mapping"))
    assert all(p["inputs"][k]["sha256"] in html for k in ("bvh", "clients"))


def test_changing_one_byte_changes_the_hash_and_drops_the_synthetic_label(tmp_path):
    for name in ("bvh.csv", "clients.csv", "synthetic.json"):
        shutil.copy(SYNTHETIC / name, tmp_path / name)
    before = describe_data(tmp_path / "bvh.csv", tmp_path / "clients.csv")
    data = bytearray((tmp_path / "bvh.csv").read_bytes())
    data[-3] = ord("X") if data[-3] != ord("X") else ord("Y")
    (tmp_path / "bvh.csv").write_bytes(bytes(data))
    after = describe_data(tmp_path / "bvh.csv", tmp_path / "clients.csv")
    assert after["bvh"]["sha256"] != before["bvh"]["sha256"]
    assert after["clients"]["sha256"] == before["clients"]["sha256"]
    assert before["synthetic"] is True and after["synthetic"] is False


# --- the make graph ---------------------------------------------------------------------------------------

STAGES = ("validate", "align", "classify", "analyse", "render")


def _make(project: Path, *args: str) -> subprocess.CompletedProcess:
    # -o: the shared .venv counts as installed; the graph under test is that of the stages
    return subprocess.run(["make", "-o", ".venv/.installed", *args], cwd=project, capture_output=True, text=True)


def _would_run(project: Path) -> list[str]:
    dry = _make(project, "-n", "report").stdout
    return [s for s in STAGES if f"-m pipeline {s} " in dry]


def _touch(path: Path) -> tuple[float, float]:
    """Mark `path` as edited after every output was made; return its old times."""
    stat = path.stat()
    later = time.time() + 5
    os.utime(path, (later, later))
    return stat.st_atime, stat.st_mtime


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory) -> Path:
    """A copy of the project's tracked files sharing its .venv, with `make report` run once."""
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("needs the project's .venv (make test creates it)")
    project = tmp_path_factory.mktemp("project")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in tracked.splitlines():
        if not (ROOT / name).exists():
            continue
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, project / name)
    os.symlink(ROOT / ".venv", project / ".venv")
    done = _make(project, "report")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [s for s in STAGES if f"-m pipeline {s} " in done.stdout] == list(STAGES)
    return project


def test_nothing_changed_runs_nothing(built_copy):
    assert _make(built_copy, "-q", "reports/rendementsanalyse.html").returncode == 0
    assert _would_run(built_copy) == []


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        ("config/imk_mapping.yaml", ["classify", "analyse", "render"]),
        ("templates/report.html", ["render"]),
        ("narrative/README.md", []),
        ("pipeline/analyse.py", ["analyse", "render"]),
        ("config/analysis.yaml", list(STAGES)),
        ("data/raw/synthetic/bvh.csv", list(STAGES)),
    ],
)
def test_an_edit_reruns_only_what_depends_on_it(built_copy, changed, expected):
    path = built_copy / changed
    original = _touch(path)
    try:
        assert _would_run(built_copy) == expected
    finally:
        os.utime(path, original)
    assert _would_run(built_copy) == []


def test_make_is_strict():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for line in (
        ".DELETE_ON_ERROR:",
        "SHELL := bash",
        ".SHELLFLAGS := -eu -o pipefail -c",
        "MAKEFLAGS += --warn-undefined-variables",
    ):
        assert line in makefile
    assert "-c $(LOCK)" in makefile  # installs use the committed lock
