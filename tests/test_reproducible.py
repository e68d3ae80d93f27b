"""Reproducible to the byte, with provenance, and incremental (issue 5)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from pipeline import __version__
from pipeline.io.provenance import describe_data
from tests.conftest import ROOT, SYNTHETIC, run_cli

pytestmark = pytest.mark.slow  # runs the whole pipeline; `make test-fast` leaves it out


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
    assert p["synthetic"] is True and p["generator"] == {"generator": "pipeline.synthetic.default", "seed": 20231130}
    assert set(p["software"]) >= {"python", "pandas", "numpy", "scipy", "statsmodels", "weasyprint"}
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    # in a checkout the report names the very commit it was made with; outside one it says it has none
    assert p["project"]["git_commit"] == (head.stdout.strip() if head.returncode == 0 else None)
    assert p["project"]["version"] == __version__
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


def _mark_all_made(project: Path) -> None:
    """As if `make report` had just run: every target up to date (make -t)."""
    subprocess.run(["make", "-o", ".venv/.installed", "-t", "report"], cwd=project, check=True, capture_output=True)


def _touch(path: Path) -> tuple[float, float]:
    """Mark `path` as edited after every output was made; return its old times."""
    stat = path.stat()
    later = time.time() + 5
    os.utime(path, (later, later))
    return stat.st_atime, stat.st_mtime


def _module_name(path: str) -> str:
    parts = Path(path).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory) -> tuple[Path, dict[str, set[str]]]:
    """A copy of the project's tracked files sharing its .venv, with `make report` run once; and, for each stage,
    the project modules its run really loaded (tests/import_trace.py)."""
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
    log = project / "imports.jsonl"
    done = _make(project, "report", f"PIPE=.venv/bin/python tests/import_trace.py {log}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [s for s in STAGES if f"import_trace.py {log} {s} " in done.stdout] == list(STAGES)
    loaded: dict[str, set[str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        loaded[entry["command"]] = set(entry["modules"])
    assert set(loaded) == set(STAGES)
    return project, loaded


def test_nothing_changed_runs_nothing(built_copy):
    project, _ = built_copy
    assert _make(project, "-q", "reports/rendementsanalyse.html").returncode == 0
    assert _would_run(project) == []


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        ("config/imk_mapping.yaml", ["classify", "analyse", "render"]),
        ("templates/report.html", ["render"]),
        ("narrative/README.md", []),
        ("pipeline/analysis/analyse.py", ["analyse", "render"]),
        ("pipeline/report/figures.py", ["render"]),
        ("pipeline/disclosure/protection.py", ["render"]),  # disclosure control is the report's alone
        ("pipeline/formatting/table.py", list(STAGES)),  # validatie.csv is a table for Dutch Excel
        ("pipeline/synthetic/default.py", []),
        ("schemas/clients.py", list(STAGES)),
        ("config/analysis.yaml", list(STAGES)),
        ("data/raw/synthetic/bvh.csv", list(STAGES)),
    ],
)
def test_an_edit_reruns_only_what_depends_on_it(built_copy, changed, expected):
    project, _ = built_copy
    path = project / changed
    original = _touch(path)
    try:
        assert _would_run(project) == expected
    finally:
        os.utime(path, original)
    assert _would_run(project) == []


def test_editing_any_module_reruns_every_stage_that_loads_it(built_copy):
    """The oracle is what each stage's run really loaded, not the import reading that builds the graph."""
    project, loaded = built_copy
    modules = sorted(
        p.relative_to(project).as_posix() for d in ("pipeline", "schemas") for p in (project / d).rglob("*.py")
    )
    assert "pipeline/disclosure/protection.py" in modules and "schemas/parsing.py" in modules
    missed = {}
    for module in modules:
        path = project / module
        original = _touch(path)
        try:
            would_run = _would_run(project)
        finally:
            os.utime(path, original)
        importers = [s for s in STAGES if _module_name(module) in loaded[s]]
        if not set(importers) <= set(would_run):
            missed[module] = sorted(set(importers) - set(would_run))
    assert missed == {}
    assert _would_run(project) == []


def test_a_new_module_joins_the_graph(built_copy):
    """A module added later and imported by a stage is in that stage's code without editing the Makefile."""
    project, _ = built_copy
    new = project / "pipeline" / "stages" / "extra_rule.py"
    align = project / "pipeline" / "stages" / "align.py"
    before = align.read_text(encoding="utf-8")
    try:
        new.write_text('"""A rule added later."""\n', encoding="utf-8")
        align.write_text(before + "\nfrom pipeline.stages import extra_rule  # noqa: E402, F401\n", encoding="utf-8")
        _mark_all_made(project)  # as if the edit had been run
        assert _would_run(project) == []
        _touch(new)
        assert _would_run(project) == ["align", "classify", "analyse", "render"]
    finally:
        new.unlink(missing_ok=True)
        align.write_text(before, encoding="utf-8")
        _mark_all_made(project)
    assert _would_run(project) == []


def test_make_is_strict():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for line in (
        ".DELETE_ON_ERROR:",
        "SHELL := bash",
        ".SHELLFLAGS := -eu -o pipefail -c",
        "MAKEFLAGS += --warn-undefined-variables",
    ):
        assert line in makefile
    # installs take every package from the committed locks, each file checked against its hash
    assert "--require-hashes --no-deps -r $(LOCK)" in makefile
    assert "--require-hashes --no-deps -r $(DEV_LOCK)" in makefile
    run, dev = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-dev.lock")
    # the development lock holds the runtime packages at the same versions, and the test tools besides
    assert run and run.items() <= dev.items()
    assert not {"pytest", "hypothesis", "pyfixest", "playwright", "duckdb", "ipython", "import-linter"} & set(run)
    assert {"pytest", "hypothesis", "pyfixest", "playwright", "duckdb", "import-linter"} <= set(dev)


def _pins(path: Path) -> dict[str, str]:
    lock = path.read_text(encoding="utf-8")
    pins = [line.split(" ")[0] for line in lock.splitlines() if line and not line[0].isspace() and line[0] != "#"]
    assert pins and all("==" in p for p in pins) and lock.count("--hash=sha256:") >= len(pins)
    return dict(p.split("==", 1) for p in pins)


def test_a_deleted_module_reruns_the_stage_that_loaded_it(built_copy):
    """Removing a module changes what a stage runs (here: a fallback path) though no remaining file is newer."""
    project, _ = built_copy
    plugin = project / "pipeline" / "report" / "plugin.py"
    render = project / "pipeline" / "report" / "render.py"
    before = render.read_text(encoding="utf-8")
    try:
        plugin.write_text('"""An optional part of the report."""\n', encoding="utf-8")
        optional = "\ntry:\n    from pipeline.report import plugin  # noqa: F401\nexcept ImportError:\n    pass\n"
        render.write_text(before + optional, encoding="utf-8")
        _mark_all_made(project)
        assert _would_run(project) == []
        plugin.unlink()
        assert _would_run(project) == ["render"]
    finally:
        plugin.unlink(missing_ok=True)
        render.write_text(before, encoding="utf-8")
        _mark_all_made(project)
    assert _would_run(project) == []


def test_other_input_files_rerun_what_reads_them_even_when_older(built_copy):
    """Which files a stage read is part of what it was made from (a dry run records the choice too)."""
    project, _ = built_copy
    older = project / "tests" / "bad_inputs"  # files older than every stage output
    try:
        dry = _make(project, "-n", "report", "NARRATIVE=templates/narrative")
        assert [s for s in STAGES if f"-m pipeline {s} " in dry.stdout] == ["render"]
        _mark_all_made(project)
        dry = _make(project, "-n", "report", f"BVH={older / 'good_bvh.csv'}", f"CLIENTS={older / 'good_clients.csv'}")
        assert [s for s in STAGES if f"-m pipeline {s} " in dry.stdout] == list(STAGES)
    finally:
        _mark_all_made(project)
    assert _would_run(project) == []
