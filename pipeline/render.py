"""Stage 5, render: the report from results.json (placeholder until the report templates land)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def render(results: dict[str, Any], out: Path) -> list[Path]:
    return []
