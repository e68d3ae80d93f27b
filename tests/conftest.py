"""Shared helpers: the project's default settings and mapping, and small hand-made inputs."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config.mapping import ImkMapping, load_mapping
from pipeline.config.settings import Settings, load_settings
from pipeline.stages.validate import validate
from schemas.raw import RawTable

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_RESULTS = ROOT / "tests" / "golden" / "results.json"
CONFIG = ROOT / "config" / "analysis.yaml"
MAPPING = ROOT / "config" / "imk_mapping.yaml"
SYNTHETIC = ROOT / "data" / "raw" / "synthetic"
# The keys of results.json that SPEC §6 fixes: other tools read them.
SPEC_KEYS = (
    "n_clients",
    "n_registrations",
    "windows",
    "overall",
    "by_sex",
    "by_age",
    "e_categories",
    "severity",
    "imk_classes",
    "change_groups",
    "reconciliation",
)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(CONFIG)


@pytest.fixture(scope="session")
def mapping() -> ImkMapping:
    return load_mapping(MAPPING)


def raw(text: str, name: str = "input.csv") -> RawTable:
    """A RawTable from CSV text, as read_table would give it."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    frame.columns = [c.strip().lower() for c in frame.columns]
    return RawTable(frame=frame.astype("str"), path=Path(name))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def csv_text(rows: list[dict], columns: list[str]) -> str:
    return pd.DataFrame(rows, columns=columns).to_csv(index=False, lineterminator="\n")


CLIENT_COLUMNS = ["client_id", "geslacht", "leeftijd", "ico_start", "ico_eind"]
BVH_COLUMNS = ["client_id", "registratienummer", "datum", "imk_code", "rol"]


def typed(clients: list[dict], bvh: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validated, typed frames from lists of row dicts (text values as in a file)."""
    columns = CLIENT_COLUMNS + [c for c in ("ico_type", "overleden") if any(c in row for row in clients)]
    return validate(raw(csv_text(clients, columns), "clients.csv"), raw(csv_text(bvh, BVH_COLUMNS), "bvh.csv"))


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="session")
def default_process(tmp_path_factory) -> tuple[Path, dict, subprocess.CompletedProcess]:
    """The whole pipeline on the synthetic default, once per test session: (output folder, results, the run)."""
    out = tmp_path_factory.mktemp("run") / "reports"
    done = run_cli("run", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out, json.loads((out / "intern" / "results.json").read_text(encoding="utf-8")), done


@pytest.fixture(scope="session")
def default_run(default_process) -> tuple[Path, dict]:
    """(output folder, results) of the one shared run on the synthetic default; tests must not change them."""
    return default_process[0], default_process[1]


@pytest.fixture(scope="session")
def _default_provenance() -> dict:
    from pipeline.io.provenance import describe_data, describe_run

    comparison = (SYNTHETIC / "comparison_persons.csv", SYNTHETIC / "comparison_bvh.csv")
    data = describe_data(SYNTHETIC / "bvh.csv", SYNTHETIC / "clients.csv", None, comparison)
    return describe_run(data, CONFIG, MAPPING)


@pytest.fixture
def default_results(_default_provenance) -> dict:
    """The synthetic default's results.json without running the pipeline: the golden results, which
    tests/test_golden.py keeps equal to what a run gives, with the provenance of the synthetic inputs. A fresh
    copy for each test."""
    results = json.loads(GOLDEN_RESULTS.read_text(encoding="utf-8"))
    return results | {"provenance": json.loads(json.dumps(_default_provenance))}


# Fixtures that run the whole pipeline: a test that uses one is slow wherever it is (make test-fast skips it).
WHOLE_PIPELINE_FIXTURES = {"default_run", "default_process", "small_groups_run", "built_copy", "report", "golden_out"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if WHOLE_PIPELINE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def unprotected(results):
    """Results of a handful of clients, made publishable for a test of the report's logic (not of its disclosure
    control): min_publicatie 1 and dominance off, as an analyst would set them for an internal report only."""
    from schemas.results import Dominance

    settings = results.settings.model_copy(
        update={"min_publicatie": 1, "dominantie": Dominance(grootste=1.0, twee_grootste=1.0)}
    )
    return results.model_copy(update={"settings": settings})


def internal_config(folder: Path) -> Path:
    """config/analysis.yaml for a report of a handful of clients: no disclosure control (internal use only)."""
    text = (ROOT / "config" / "analysis.yaml").read_text(encoding="utf-8")
    text = text.replace("min_publicatie: 5", "min_publicatie: 1")
    text = text.replace("  grootste: 0.5\n  twee_grootste: 0.8", "  grootste: 1\n  twee_grootste: 1")
    assert "min_publicatie: 1" in text and "twee_grootste: 1\n" in text
    path = Path(folder) / "intern.yaml"
    path.write_text(text, encoding="utf-8")
    return path
