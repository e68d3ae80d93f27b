"""Writing outputs so that a failed run never leaves a half-written report behind."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pydantic

from pipeline.errors import Problem, UserError
from pipeline.formatting.table import Table
from schemas.results import SCHEMA_VERSION, Results

PROBLEMS = "validatie.csv"  # every validation problem, for the analyst's spreadsheet

# What became of an input row, in the analyst's words (align.STATUSES).
ROW_FATE_WORDS = {
    "excluded_role": "rol telt niet mee",
    "duplicate": "dubbel (zelfde cliënt en registratienummer)",
    "unknown_client": "persoon niet in de cliëntenlijst",
    "excluded_followup": "cliënt niet vergeleken (onvolledige follow-up)",
    "outside_windows": "buiten de perioden rond het ICO",
    "used": "gebruikt",
}


def to_json(data: Any) -> str:
    """Deterministic JSON: insertion order kept, no NaN, UTF-8, newline at the end."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(path: Path, data: Any) -> None:
    with atomic_file(path) as tmp:
        tmp.write_text(to_json(data), encoding="utf-8")


def write_results(path: Path, results: Results) -> None:
    """results.json: the serialisation of the typed model (schemas/results.schema.json)."""
    write_json(path, results.to_dict())


def read_results(path: Path) -> Results:
    """results.json read back into the typed model; a file that does not fit it is refused with its errors."""
    path = Path(path)
    data = path.read_bytes()
    try:
        version = json.loads(data).get("schema_version", 1)
    except (ValueError, AttributeError):
        raise UserError(f"{path}: geen results.json (geen JSON-object)") from None
    if version != SCHEMA_VERSION:
        raise UserError(
            f"{path}: results.json van een andere versie van de pijplijn (schema_version {version}; deze versie leest "
            f"{SCHEMA_VERSION}); maak het opnieuw met de analyse-stap van deze versie"
        )
    try:
        return Results.model_validate_json(data)
    except pydantic.ValidationError as exc:
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()[:10])
        raise UserError(
            f"{path}: geen results.json van deze versie ({exc.error_count()} probleem/problemen: {where}); "
            "draai de analyse-stap opnieuw"
        ) from None


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    with atomic_file(path) as tmp:
        frame.to_parquet(tmp, index=False)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; it replaces `path` only when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def problems_csv(problems: list[Problem]) -> bytes:
    """Every validation problem as a CSV for Dutch Excel."""
    return Table(
        "validatie",
        "Validatie",
        ["bestand", "rij", "kolom", "waarde", "regel"],
        ["text", "int", "text", "text", "text"],
        [[p.file, p.row, p.column or "", "" if p.value is None else p.value, p.rule] for p in problems],
    ).to_csv()


def write_problems(path: Path, problems: list[Problem]) -> Path:
    """validatie.csv beside the (untouched) stage outputs."""
    with atomic_file(path) as tmp:
        tmp.write_bytes(problems_csv(problems))
    return path


def write_row_fates(path: Path, rows: pd.DataFrame) -> None:
    """What became of every row of the police export, by its row number in the file: no ids, no dates."""
    fates = rows[["bron_rij", "status"]].sort_values("bron_rij")
    table = Table(
        "rijen",
        "Verantwoording per rij",
        ["rij", "wat ermee gebeurde"],
        ["int", "text"],
        [[int(r), ROW_FATE_WORDS[str(s)]] for r, s in zip(fates["bron_rij"], fates["status"], strict=True)],
    )
    with atomic_file(path) as tmp:
        tmp.write_bytes(table.to_csv())
