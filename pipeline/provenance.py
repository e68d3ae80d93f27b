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


def describe_data(bvh: Path, clients: Path) -> dict[str, Any]:
    """The two input files: name, SHA-256, and the generator when they are the synthetic default."""
    manifest = synthetic_manifest(bvh, clients)
    return {
        "bvh": {"file": str(bvh), "sha256": sha256(bvh)},
        "clients": {"file": str(clients), "sha256": sha256(clients)},
        "synthetic": manifest is not None,
        "generator": None if manifest is None else {k: manifest[k] for k in ("generator", "seed")},
    }


def describe_config(settings: Path, mapping: Path) -> dict[str, Any]:
    return {
        "settings": {"file": str(settings), "sha256": sha256(settings)},
        "mapping": {"file": str(mapping), "sha256": sha256(mapping)},
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

    import pipeline

    found = {"rendementsanalyse": pipeline.__version__, "python": platform.python_version()}
    for package in KEY_PACKAGES:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "niet geïnstalleerd"
    return found
