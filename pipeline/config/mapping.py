"""The IMK mapping (config/imk_mapping.yaml): loaded, checked, and flattened to one row per code."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config.yamlfile import load_yaml, reject_unknown_keys
from pipeline.errors import UserError
from schemas.parsing import CODE_PATTERN, normalise_code
from schemas.vocabulary import E_CLASS

# The class of the E-meldingen ('meldingen en assistentie'): the only class with E-categories, always licht.


@dataclass(frozen=True)
class ImkMapping:
    table: pd.DataFrame  # one row per code: code, omschrijving, klasse, klasse_naam, e_categorie, zwaarte, gewicht
    classes: pd.DataFrame  # one row per class letter: klasse, klasse_naam, zwaarte, e_categorie
    weights: dict[str, float]  # severity -> weight, in order from light to heavy
    e_categories: tuple[str, ...]

    @property
    def severities(self) -> tuple[str, ...]:
        return tuple(self.weights)


def _number(path: Path, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f"{path}: gewicht '{key}' moet een getal zijn, niet {value!r}")
    if not math.isfinite(value) or not 0 < value <= MAX_WEIGHT:
        raise UserError(
            f"{path}: gewicht '{key}' moet een getal zijn groter dan 0 en hooguit {MAX_WEIGHT:g}, niet {value!r}"
        )
    return float(value)


MAX_WEIGHT = 1_000.0  # a severity weight; anything larger is a typo (1.0e+400 is infinite)
TABLE_COLUMNS = ["code", "omschrijving", "klasse", "klasse_naam", "e_categorie", "zwaarte", "gewicht"]


@dataclass(frozen=True)
class _Vocabulary:
    """The severities (with weights) and E-categories a mapping file declares, to check its classes and codes."""

    path: Path
    weights: dict[str, float]
    categories: list[str]

    def severity(self, where: str, value: Any) -> str:
        if value not in self.weights:
            raise UserError(
                f"{self.path}: {where}: onbekende zwaarte {value!r} (toegestaan: {', '.join(self.weights)})"
            )
        return value

    def category(self, where: str, value: Any) -> str:
        if value not in self.categories:
            raise UserError(
                f"{self.path}: {where}: onbekende E-categorie {value!r} (toegestaan: {', '.join(self.categories)})"
            )
        return value


def load_mapping(path: Path) -> ImkMapping:
    """The mapping file, every key checked; the first problem stops with the file, the key and the rule."""
    path = Path(path)
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise UserError(
            f"{path}: dit is geen IMK-indeling (verwacht: 'gewichten', 'e_categorieen' en 'klassen', in YAML)"
        )
    reject_unknown_keys(path, "de indeling", data, {"gewichten", "e_categorieen", "klassen"})
    for key in ("gewichten", "e_categorieen", "klassen"):
        if not data.get(key):
            raise UserError(f"{path}: sleutel '{key}' ontbreekt of is leeg")
    vocabulary = _Vocabulary(
        path, _read_weights(path, data["gewichten"]), _read_categories(path, data["e_categorieen"])
    )
    if not isinstance(data["klassen"], dict):
        raise UserError(f"{path}: 'klassen' moet elke klasseletter koppelen aan haar naam, zwaarte en codes")
    rows: list[dict[str, Any]] = []
    class_rows: list[dict[str, Any]] = []
    first_seen: dict[str, str] = {}
    for letter, spec in data["klassen"].items():
        class_row = _read_class(vocabulary, str(letter), spec)
        class_rows.append(class_row)
        rows += _read_codes(vocabulary, class_row, spec["codes"], first_seen)
    return _mapping(rows, class_rows, vocabulary)


def _read_weights(path: Path, weights: Any) -> dict[str, float]:
    if not isinstance(weights, dict):
        raise UserError(f"{path}: 'gewichten' moet elke zwaarte koppelen aan een getal, bijvoorbeeld licht: 1")
    return {str(k): _number(path, f"gewichten.{k}", v) for k, v in weights.items()}


def _read_categories(path: Path, categories: Any) -> list[str]:
    if not isinstance(categories, list) or not all(isinstance(c, str) and c for c in categories):
        raise UserError(f"{path}: 'e_categorieen' moet een lijst van categorienamen zijn")
    if len(set(categories)) != len(categories):
        raise UserError(f"{path}: 'e_categorieen' noemt een categorie twee keer")
    return categories


def _read_class(vocabulary: _Vocabulary, letter: str, spec: Any) -> dict[str, Any]:
    """One class: its letter, name, default severity and (for E) default E-category."""
    path, where = vocabulary.path, f"klassen.{letter}"
    if not re.fullmatch(r"[A-Z]", letter):
        raise UserError(f"{path}: {where}: een klasse is één hoofdletter, niet {letter!r}")
    if not isinstance(spec, dict):
        raise UserError(f"{path}: {where} moet 'naam', 'zwaarte' en 'codes' hebben")
    allowed = {"naam", "zwaarte", "codes"} | ({"e_categorie"} if letter == E_CLASS else set())
    reject_unknown_keys(path, where, spec, allowed)
    for key in ("naam", "zwaarte", "codes"):
        if spec.get(key) in (None, ""):
            raise UserError(f"{path}: {where}: sleutel '{key}' ontbreekt")
    severity = vocabulary.severity(f"{where}.zwaarte", spec["zwaarte"])
    category = None
    if letter == E_CLASS:
        category = vocabulary.category(f"{where}.e_categorie", spec.get("e_categorie", None))
        if severity != _lightest(vocabulary.weights):
            raise UserError(f"{path}: {where}.zwaarte: E-codes zijn altijd '{_lightest(vocabulary.weights)}'")
    if not isinstance(spec["codes"], dict):
        raise UserError(f"{path}: {where}.codes moet elke code koppelen aan haar omschrijving")
    return {"klasse": letter, "klasse_naam": str(spec["naam"]), "zwaarte": severity, "e_categorie": category}


def _read_codes(
    vocabulary: _Vocabulary, klass: dict[str, Any], codes: dict, first_seen: dict[str, str]
) -> list[dict[str, Any]]:
    """The codes of one class, each with its own severity and E-category where it overrides the class's."""
    path, letter, where = vocabulary.path, klass["klasse"], f"klassen.{klass['klasse']}"
    rows = []
    for raw_code, entry in codes.items():
        code = normalise_code(raw_code)
        cwhere = f"{where}.codes.{raw_code}"
        if not CODE_PATTERN.match(code):
            raise UserError(
                f"{path}: {cwhere}: geen IMK-code (een letter, één tot vijf cijfers, soms een letter erachter)"
            )
        if code[0] != letter:
            raise UserError(f"{path}: {cwhere}: code {code} hoort onder klasse {code[0]}, niet onder {letter}")
        if code in first_seen:
            raise UserError(
                f"{path}: {cwhere}: code {code} staat twee keer in de indeling (ook bij {first_seen[code]})"
            )
        first_seen[code] = cwhere
        if isinstance(entry, str):
            entry = {"omschrijving": entry}
        if not isinstance(entry, dict):
            raise UserError(f"{path}: {cwhere}: verwacht een omschrijving of {{omschrijving: ..., zwaarte: ...}}")
        category = klass["e_categorie"]
        reject_unknown_keys(path, cwhere, entry, {"omschrijving", "zwaarte"} | ({"e_categorie"} if category else set()))
        severity = vocabulary.severity(f"{cwhere}.zwaarte", entry.get("zwaarte", klass["zwaarte"]))
        if letter == E_CLASS and severity != klass["zwaarte"]:
            raise UserError(f"{path}: {cwhere}.zwaarte: E-codes zijn altijd '{klass['zwaarte']}'")
        rows.append(
            {
                "code": code,
                "omschrijving": str(entry.get("omschrijving", "")),
                "klasse": letter,
                "klasse_naam": klass["klasse_naam"],
                "e_categorie": vocabulary.category(f"{cwhere}.e_categorie", entry.get("e_categorie", category))
                if category
                else None,
                "zwaarte": severity,
                "gewicht": vocabulary.weights[severity],
            }
        )
    return rows


def _mapping(rows: list[dict[str, Any]], class_rows: list[dict[str, Any]], vocabulary: _Vocabulary) -> ImkMapping:
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    classes = pd.DataFrame(class_rows, columns=["klasse", "klasse_naam", "zwaarte", "e_categorie"])
    return ImkMapping(
        table=table.sort_values("code", ignore_index=True),
        classes=classes.sort_values("klasse", ignore_index=True),
        weights=vocabulary.weights,
        e_categories=tuple(vocabulary.categories),
    )


def _lightest(weights: dict[str, float]) -> str:
    return min(weights, key=lambda s: (weights[s], list(weights).index(s)))
