"""Reading the analysis settings (config/analysis.yaml) into their model (schemas/settings.py), every problem
named with the file and the key, in Dutch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline.config.yamlfile import load_yaml
from pipeline.errors import UserError
from schemas.settings import Settings

__all__ = ["Settings", "load_settings"]
MAX_PROBLEMS = 10


def load_settings(path: Path) -> Settings:
    """The settings file, every key checked; a file that breaks a rule stops with the file, the key and the rule."""
    path = Path(path)
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: dit is geen instellingenbestand (verwacht: sleutels met waarden, in YAML)")
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = [f"{path}: {problem(error)}" for error in exc.errors()[:MAX_PROBLEMS]]
        more = exc.error_count() - len(problems)
        raise UserError("\n".join(problems) + (f"\n... en nog {more}" if more > 0 else "")) from None


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The section model that the YAML keys `loc` lead to (None past a leaf)."""
    model: type[BaseModel] | None = Settings
    for key in loc:
        if model is None:
            return None
        field = next((f for f in model.model_fields.values() if f.alias == key), None)
        annotation = None if field is None else field.annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return model


def _keys(model: type[BaseModel] | None) -> str:
    return ", ".join(sorted(f.alias or name for name, f in model.model_fields.items())) if model else ""


def problem(error: dict[str, Any]) -> str:
    """One validation error in the words of the settings file: the key as written there and the rule it breaks."""
    loc = tuple(str(part) for part in error["loc"])
    key, parent = ".".join(loc), loc[:-1]
    where = f"'{'.'.join(parent)}'" if parent else "de instellingen"
    kind = error["type"]
    if kind == "missing":
        return f"sleutel '{loc[-1]}' ontbreekt in {where}"
    if kind == "extra_forbidden":
        return f"onbekende sleutel '{loc[-1]}' in {where} (toegestaan: {_keys(_model_at(parent))})"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"'{key}' moet een onderdeel zijn met de sleutels {_keys(_model_at(loc))}"
    if kind == "regel":
        return f"'{key}' {error['msg']}"
    if kind == "invalid_key":
        return (
            f"'{key}' is geen geldige sleutel: een sleutel is een naam (tussen aanhalingstekens als hij een getal is)"
        )
    if kind == "value_error":  # a rule between keys (a period that ends before it begins): the message names them
        return str(error["msg"]).removeprefix("Value error, ")
    return f"'{key}': {error['msg']}"
