"""What made a result: the inputs with their SHA-256, and whether they are the synthetic default."""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path
from typing import Any

from pipeline.paths import SYNTHETIC_MANIFEST


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def synthetic_manifest(*paths: Path) -> dict[str, Any] | None:
    """The generator's manifest when every given file is one it wrote, unchanged; else None."""
    folders = {Path(p).resolve().parent for p in paths}
    if len(folders) != 1:
        return None
    manifest_path = folders.pop() / SYNTHETIC_MANIFEST
    if not manifest_path.is_file():
        return None
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    files = manifest.get("files", {})
    if all(files.get(Path(p).name) == sha256(Path(p)) for p in paths):
        return manifest
    return None


def describe_data(
    bvh: Path, clients: Path, detention: Path | None = None, comparison: tuple[Path, Path] | None = None
) -> dict[str, Any]:
    """The input files: name, SHA-256, and the generator when they are the synthetic default."""
    manifest = synthetic_manifest(bvh, clients)

    def described(path: Path | None) -> dict[str, str] | None:
        return None if path is None else {"file": str(path), "sha256": sha256(path)}

    return {
        "bvh": described(bvh),
        "clients": described(clients),
        "detention": described(detention),
        "comparison_persons": described(comparison[0] if comparison else None),
        "comparison_bvh": described(comparison[1] if comparison else None),
        "synthetic": manifest is not None,
        "generator": None if manifest is None else {k: manifest[k] for k in ("generator", "seed")},
    }


def describe_run(data: dict[str, Any], settings: Path, mapping: Path) -> dict[str, Any]:
    """Everything that made a result: data, settings, mapping, this project's code, the software under it."""
    return {
        "inputs": {"bvh": data["bvh"], "clients": data["clients"]}
        | {k: data[k] for k in ("detention", "comparison_persons", "comparison_bvh") if data.get(k)},
        "synthetic": data["synthetic"],
        "generator": data["generator"],
        "settings": {"file": str(settings), "sha256": sha256(settings)},
        "mapping": {"file": str(mapping), "sha256": sha256(mapping)},
        "project": project_state(),
        "software": software_versions(),
    }


def project_state() -> dict[str, Any]:
    """This project's version and, where it runs from a git checkout, the commit and whether the tree differs."""
    import subprocess

    import pipeline
    from pipeline.paths import PROJECT

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=PROJECT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain") if commit else None
    return {
        "version": pipeline.__version__,
        "git_commit": commit,
        "git_dirty": None if status is None else bool(status),
    }


KEY_PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "pandera",
    "pyarrow",
    "matplotlib",
    "jinja2",
    "weasyprint",
    "pyyaml",
    "markdown",
)


def software_versions() -> dict[str, str]:
    """Python and the key packages, as installed: part of what made the result."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for package in KEY_PACKAGES:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "niet geïnstalleerd"
    return found
