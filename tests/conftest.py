"""Shared helpers: the project's default settings and mapping, and small hand-made inputs."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.mapping import ImkMapping, load_mapping
from pipeline.readers import RawTable
from pipeline.settings import Settings, load_settings
from pipeline.validate import validate

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config" / "analysis.yaml"
MAPPING = ROOT / "config" / "imk_mapping.yaml"
SYNTHETIC = ROOT / "data" / "raw" / "synthetic"


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
    return validate(raw(csv_text(clients, CLIENT_COLUMNS), "clients.csv"), raw(csv_text(bvh, BVH_COLUMNS), "bvh.csv"))


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="session")
def default_run(tmp_path_factory) -> tuple[Path, dict]:
    """The whole pipeline on the synthetic default, once per test session: (output folder, results)."""
    out = tmp_path_factory.mktemp("run") / "reports"
    done = run_cli("run", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out, json.loads((out / "results.json").read_text(encoding="utf-8"))
