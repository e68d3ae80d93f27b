"""The analysis settings (config/analysis.yaml): loaded, checked and turned into one typed object."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config.yamlfile import load_yaml, reject_unknown_keys
from pipeline.errors import UserError
from schemas.raw import canonical_column
from schemas.vocabulary import ESTIMATORS

UNKNOWN_CODE_ACTIONS = ("stoppen", "terugval")


@dataclass(frozen=True)
class InputSpec:
    """How one input file arrives: the Excel sheet to read and the export's own column names."""

    sheet: str | None = None
    columns: tuple[tuple[str, str], ...] = ()  # (export header, canonical name)
    header_row: int | None = None  # the row of the header (1 = first); None: found from the column names


@dataclass(frozen=True)
class Settings:
    van: pd.Timestamp
    tot: pd.Timestamp
    months_long: int
    months_short: int
    age_bounds: tuple[int, ...]
    alpha: float
    min_group_size: int
    veel_threshold: int
    small_decrease_max: float
    large_decrease_min: float
    roles: tuple[str, ...] | None  # None: every role counts
    unknown_codes: str
    fallback_severity: str
    fallback_e_category: str
    title: str
    organisation: str
    author: str = ""  # the colophon's author, contact and date; empty: not stated
    contact: str = ""
    report_date: str = ""  # YYYY-MM-DD
    anticipation_months: int = 3
    lead_months: int = 12  # the pre-trend check looks this many months before the start
    lead_block_months: int = 3  # ... in blocks of this many months
    primary_estimator: str = "comparison"
    power: float = 0.8
    null_draws: int = 2000  # random splits of each client's total for the change groups' null benchmark
    null_seed: int = 20231130
    min_publication: int = 5
    dominance_one: float = 0.5  # a registration count is hidden when its largest client has more than this share
    dominance_two: float = 0.8  # ... or its two largest clients together more than this share
    bvh_input: InputSpec = InputSpec()
    clients_input: InputSpec = InputSpec()
    min_linked_share: float = 0.5  # below this share of rows with a known client, the run stops
    # the matched comparison group (issue 12), used only when its two files are given
    match_k: int = 3
    match_age_band: int = 5
    match_caliper: float = 1.0  # the widest tried: narrowing finds the widest that balances
    match_later_clients_months: int | None = 0  # None: a later client never serves as a control
    matched_primary: bool = True  # with a comparison group, the matched estimate is the primary one
    match_max_smd: float = 0.1  # the report warns when a matching variable differs more after matching
    match_narrow: bool = True  # narrow the caliper until no matching variable differs more than match_max_smd

    @property
    def windows(self) -> tuple[str, ...]:
        """The five window labels in time order; with the defaults '6 mnd voor' ... '6 mnd na'."""
        lng, sht = self.months_long, self.months_short
        return (f"{lng} mnd voor", f"{sht} mnd voor", "tijdens", f"{sht} mnd na", f"{lng} mnd na")

    @property
    def age_labels(self) -> tuple[str, ...]:
        bounds = self.age_bounds
        labels = [f"<{bounds[0]}"]
        labels += [f"{lo}-{hi - 1}" for lo, hi in pairwise(bounds)]
        labels.append(f"{bounds[-1]}+")
        return tuple(labels)

    def as_dict(self) -> dict[str, Any]:
        """The settings as they act, for results.json and the colophon."""
        return {
            "periode": {"van": self.van.date().isoformat(), "tot": self.tot.date().isoformat()},
            "vensters": {"lang_maanden": self.months_long, "kort_maanden": self.months_short},
            "leeftijdsgroepen": list(self.age_labels),
            "alpha": self.alpha,
            "min_groepsgrootte": self.min_group_size,
            "veel_vanaf": self.veel_threshold,
            "kleine_afname_tot": self.small_decrease_max,
            "grote_afname_vanaf": self.large_decrease_min,
            "rollen": "alle" if self.roles is None else list(self.roles),
            "onbekende_codes": self.unknown_codes,
            "rapport": {
                "titel": self.title,
                "organisatie": self.organisation,
                "auteur": self.author,
                "contact": self.contact,
                "datum": self.report_date,
            },
            "anticipatie_maanden": self.anticipation_months,
            "voorperiode_maanden": self.lead_months,
            "voorperiode_blok_maanden": self.lead_block_months,
            "primair": self.primary_estimator,
            "power": self.power,
            "min_publicatie": self.min_publication,
            "dominantie": {"grootste": self.dominance_one, "twee_grootste": self.dominance_two},
            "vergelijkingsgroep": {
                "k": self.match_k,
                "leeftijdsband": self.match_age_band,
                "caliper": self.match_caliper,
                "caliper_versmallen": self.match_narrow,
                "latere_clienten_na_maanden": self.match_later_clients_months,
                "hoofdschatting": self.matched_primary,
                "max_smd": self.match_max_smd,
            },
        }


def _require(path: Path, section: dict, key: str, where: str) -> Any:
    if key not in section or section[key] is None:
        raise UserError(f"{path}: sleutel '{key}' ontbreekt in {where}")
    return section[key]


def _section(path: Path, data: dict, key: str, allowed: set[str]) -> dict:
    section = _require(path, data, key, "de instellingen")
    if not isinstance(section, dict):
        raise UserError(f"{path}: '{key}' moet een onderdeel zijn met de sleutels {', '.join(sorted(allowed))}")
    reject_unknown_keys(path, f"'{key}'", section, allowed)
    return section


def _date(path: Path, value: Any, key: str) -> pd.Timestamp:
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    try:
        return pd.Timestamp(dt.date.fromisoformat(str(value)))
    except ValueError:
        raise UserError(f"{path}: '{key}' moet een datum zijn geschreven als JJJJ-MM-DD, niet {value!r}") from None


# Upper bounds: far beyond any real use, low enough that no setting makes a run hang or overflow.
MAX_MONTHS = 120  # window lengths and the anticipation period: ten years
MAX_COUNT = 1_000_000  # group sizes and thresholds
MAX_TEXT = 300  # characters of a title or organisation


def _int(path: Path, value: Any, key: str, minimum: int, maximum: int = MAX_COUNT) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise UserError(
            f"{path}: '{key}' moet een geheel getal zijn van {minimum} tot en met {maximum}, niet {value!r}"
        )
    return value


def _text(path: Path, value: Any, key: str) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool) or len(str(value)) > MAX_TEXT:
        raise UserError(f"{path}: '{key}' moet een tekst zijn van hooguit {MAX_TEXT} tekens, niet {str(value)[:60]!r}")
    return str(value)


def _fraction(path: Path, value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise UserError(f"{path}: '{key}' moet een getal zijn tussen 0 en 1, niet {value!r}")
    return float(value)


def _share(path: Path, value: Any, key: str) -> float:
    """A share above 0 and at most 1 (1: the rule never hides anything)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise UserError(f"{path}: '{key}' moet een getal zijn groter dan 0 en hooguit 1, niet {value!r}")
    return float(value)


TOP_KEYS = {
    "min_publicatie",
    "dominantie",
    "effect",
    "invoer",
    "rapport",
    "periode",
    "vensters",
    "leeftijdsgrenzen",
    "toetsen",
    "veranderingsgroepen",
    "rollen",
    "onbekende_codes",
    "controles",
    "vergelijkingsgroep",
}
Fields = dict[str, Any]  # keyword arguments of Settings, read so far


def load_settings(path: Path) -> Settings:
    """The settings file, every key checked; the first problem stops with the file, the key and the rule."""
    path = Path(path)
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: dit is geen instellingenbestand (verwacht: sleutels met waarden, in YAML)")
    reject_unknown_keys(path, "de instellingen", data, TOP_KEYS)
    fields: Fields = {}
    for read in (
        _read_inputs,
        _read_publication,
        _read_report,
        _read_period,
        _read_windows,
        _read_effect,
        _read_age_bounds,
        _read_tests,
        _read_change_groups,
        _read_roles,
        _read_unknown_codes,
        _read_checks,
        _read_matching,
    ):
        fields |= read(path, data, fields)
    return Settings(**fields)


def _read_inputs(path: Path, data: dict, _: Fields) -> Fields:
    invoer = _section(path, data, "invoer", {"bvh", "clienten"})
    from schemas import BVH_COLUMNS, CLIENT_COLUMNS

    return {
        "bvh_input": _input_spec(path, invoer, "bvh", BVH_COLUMNS),
        "clients_input": _input_spec(path, invoer, "clienten", CLIENT_COLUMNS),
    }


def _read_publication(path: Path, data: dict, _: Fields) -> Fields:
    value = _require(path, data, "min_publicatie", "de instellingen")
    fields: Fields = {"min_publication": _int(path, value, "min_publicatie", 1)}
    if data.get("dominantie") is None:  # optional: an older settings file keeps the defaults
        return fields
    dominantie = _section(path, data, "dominantie", {"grootste", "twee_grootste"})
    one = _share(path, dominantie.get("grootste", 0.5), "dominantie.grootste")
    two = _share(path, dominantie.get("twee_grootste", 0.8), "dominantie.twee_grootste")
    if two < one:
        raise UserError(
            f"{path}: 'dominantie.twee_grootste' ({two}) mag niet kleiner zijn dan 'dominantie.grootste' ({one}): "
            "twee cliënten samen hebben minstens het aandeel van de grootste"
        )
    return fields | {"dominance_one": one, "dominance_two": two}


def _read_report(path: Path, data: dict, _: Fields) -> Fields:
    """Title and organisation are required; author, contact and date (for the colophon) may be left empty."""
    rapport = _section(path, data, "rapport", {"titel", "organisatie", "auteur", "contact", "datum"})
    date = rapport.get("datum")
    return {
        "title": _text(path, _require(path, rapport, "titel", "'rapport'"), "rapport.titel"),
        "organisation": _text(path, _require(path, rapport, "organisatie", "'rapport'"), "rapport.organisatie"),
        "author": "" if rapport.get("auteur") is None else _text(path, rapport["auteur"], "rapport.auteur"),
        "contact": "" if rapport.get("contact") is None else _text(path, rapport["contact"], "rapport.contact"),
        "report_date": "" if date in (None, "") else _date(path, date, "rapport.datum").date().isoformat(),
    }


def _read_period(path: Path, data: dict, _: Fields) -> Fields:
    periode = _section(path, data, "periode", {"van", "tot"})
    van = _date(path, _require(path, periode, "van", "'periode'"), "periode.van")
    tot = _date(path, _require(path, periode, "tot", "'periode'"), "periode.tot")
    if tot <= van:
        raise UserError(f"{path}: 'periode.tot' ({tot.date()}) moet na 'periode.van' ({van.date()}) liggen")
    return {"van": van, "tot": tot}


def _read_windows(path: Path, data: dict, _: Fields) -> Fields:
    vensters = _section(path, data, "vensters", {"lang_maanden", "kort_maanden"})
    lng = _int(path, _require(path, vensters, "lang_maanden", "'vensters'"), "vensters.lang_maanden", 2, MAX_MONTHS)
    sht = _int(path, _require(path, vensters, "kort_maanden", "'vensters'"), "vensters.kort_maanden", 1, MAX_MONTHS)
    if sht >= lng:
        raise UserError(f"{path}: 'vensters.kort_maanden' ({sht}) moet kleiner zijn dan 'lang_maanden' ({lng})")
    return {"months_long": lng, "months_short": sht}


EFFECT_KEYS = {"anticipatie_maanden", "voorperiode_maanden", "voorperiode_blok_maanden", "primair", "power"}


def _read_effect(path: Path, data: dict, _: Fields) -> Fields:
    effect = _section(path, data, "effect", EFFECT_KEYS)
    value = _require(path, effect, "anticipatie_maanden", "'effect'")
    anticipation = _int(path, value, "effect.anticipatie_maanden", 0, MAX_MONTHS)
    leads = _int(path, effect.get("voorperiode_maanden", 12), "effect.voorperiode_maanden", 1, MAX_MONTHS)
    if anticipation >= leads:
        raise UserError(
            f"{path}: 'effect.anticipatie_maanden' ({anticipation}) moet kleiner zijn dan "
            f"'effect.voorperiode_maanden' ({leads}): de toets op een eerdere trend heeft maanden vóór de aanloop nodig"
        )
    primary = effect.get("primair", "comparison")
    if primary not in ESTIMATORS:
        raise UserError(
            f"{path}: 'effect.primair' moet een van {', '.join(ESTIMATORS)} zijn, niet {str(primary)[:60]!r}"
        )
    power = effect.get("power", 0.8)
    block = _int(path, effect.get("voorperiode_blok_maanden", 3), "effect.voorperiode_blok_maanden", 1, MAX_MONTHS)
    return {
        "lead_block_months": block,
        "anticipation_months": anticipation,
        "lead_months": leads,
        "primary_estimator": primary,
        "power": _fraction(path, power, "effect.power"),
    }


def _read_age_bounds(path: Path, data: dict, _: Fields) -> Fields:
    bounds = _require(path, data, "leeftijdsgrenzen", "de instellingen")
    if (
        not isinstance(bounds, list)
        or not bounds
        or not all(isinstance(b, int) and not isinstance(b, bool) and 0 < b <= 110 for b in bounds)
        or any(a >= b for a, b in pairwise(bounds))
    ):
        raise UserError(
            f"{path}: 'leeftijdsgrenzen' moet een oplopende lijst van hele leeftijden tussen 1 en 110 zijn, "
            f"niet {bounds!r}"
        )
    return {"age_bounds": tuple(bounds)}


def _read_tests(path: Path, data: dict, _: Fields) -> Fields:
    toetsen = _section(path, data, "toetsen", {"alpha", "min_groepsgrootte"})
    alpha = _fraction(path, _require(path, toetsen, "alpha", "'toetsen'"), "toetsen.alpha")
    min_group = _int(path, _require(path, toetsen, "min_groepsgrootte", "'toetsen'"), "toetsen.min_groepsgrootte", 1)
    return {"alpha": alpha, "min_group_size": min_group}


def _read_change_groups(path: Path, data: dict, _: Fields) -> Fields:
    groepen = _section(
        path,
        data,
        "veranderingsgroepen",
        {"veel_vanaf", "kleine_afname_tot", "grote_afname_vanaf", "nul_herhalingen", "nul_seed"},
    )
    where = "'veranderingsgroepen'"
    veel = _int(path, _require(path, groepen, "veel_vanaf", where), "veel_vanaf", 1)
    small = _fraction(path, _require(path, groepen, "kleine_afname_tot", where), "kleine_afname_tot")
    large = _fraction(path, _require(path, groepen, "grote_afname_vanaf", where), "grote_afname_vanaf")
    if small >= large:
        raise UserError(f"{path}: 'kleine_afname_tot' ({small}) moet kleiner zijn dan 'grote_afname_vanaf' ({large})")
    draws = _int(path, groepen.get("nul_herhalingen", 2000), "veranderingsgroepen.nul_herhalingen", 100, 100_000)
    seed = _int(path, groepen.get("nul_seed", 20231130), "veranderingsgroepen.nul_seed", 0, 2**32 - 1)
    return {
        "veel_threshold": veel,
        "small_decrease_max": small,
        "large_decrease_min": large,
        "null_draws": draws,
        "null_seed": seed,
    }


def _read_roles(path: Path, data: dict, _: Fields) -> Fields:
    rollen = _require(path, data, "rollen", "de instellingen")
    if rollen == "alle":
        return {"roles": None}
    if isinstance(rollen, list) and rollen and all(isinstance(r, str) and r.strip() for r in rollen):
        return {"roles": tuple(sorted({r.strip().lower() for r in rollen}))}
    raise UserError(f"{path}: 'rollen' moet 'alle' zijn of een lijst van rollen zoals [verdachte], niet {rollen!r}")


def _read_checks(path: Path, data: dict, _: Fields) -> Fields:
    """Optional: the plausibility checks of the linked data (an older settings file without them keeps the
    defaults)."""
    if data.get("controles") is None:
        return {}
    controles = _section(path, data, "controles", {"min_gekoppeld_aandeel"})
    share = _require(path, controles, "min_gekoppeld_aandeel", "'controles'")
    return {"min_linked_share": _fraction(path, share, "controles.min_gekoppeld_aandeel")}


def _read_unknown_codes(path: Path, data: dict, _: Fields) -> Fields:
    onbekend = _section(path, data, "onbekende_codes", {"actie", "terugval_zwaarte", "terugval_e_categorie"})
    action = _require(path, onbekend, "actie", "'onbekende_codes'")
    if action not in UNKNOWN_CODE_ACTIONS:
        raise UserError(
            f"{path}: 'onbekende_codes.actie' moet een van {', '.join(UNKNOWN_CODE_ACTIONS)} zijn, niet {action!r}"
        )
    return {
        "unknown_codes": action,
        "fallback_severity": str(onbekend.get("terugval_zwaarte", "licht")),
        "fallback_e_category": str(onbekend.get("terugval_e_categorie", "overig")),
    }


def _input_spec(path: Path, invoer: dict, key: str, canonical: tuple[str, ...]) -> InputSpec:
    spec = invoer.get(key) or {}
    if not isinstance(spec, dict):
        raise UserError(f"{path}: 'invoer.{key}' moet een onderdeel zijn met 'blad', 'kolommen' en 'kopregel'")
    reject_unknown_keys(path, f"'invoer.{key}'", spec, {"blad", "kolommen", "kopregel"})
    header_row = spec.get("kopregel")
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, int) or not 1 <= header_row <= 1000
    ):
        raise UserError(
            f"{path}: 'invoer.{key}.kopregel' moet een rijnummer van 1 tot en met 1000 zijn, niet {header_row!r}"
        )
    sheet = spec.get("blad")
    if sheet is not None and not isinstance(sheet, str | int):
        raise UserError(f"{path}: 'invoer.{key}.blad' moet de naam van een werkblad zijn, niet {sheet!r}")
    columns = spec.get("kolommen") or {}
    if not isinstance(columns, dict):
        raise UserError(
            f"{path}: 'invoer.{key}.kolommen' moet de kolomnamen van de export koppelen aan de standaardnamen"
        )
    for own, standard in columns.items():
        if canonical_column(standard) not in canonical:
            raise UserError(
                f"{path}: invoer.{key}.kolommen: {own!r} is gekoppeld aan {standard!r}, maar dat is geen kolom van dit "
                f"bestand (toegestaan: {', '.join(canonical)})"
            )
    return InputSpec(
        sheet=None if sheet is None else str(sheet),
        columns=tuple((str(k), canonical_column(v)) for k, v in columns.items()),
        header_row=header_row,
    )


MATCH_KEYS = {
    "k",
    "leeftijdsband",
    "caliper",
    "caliper_versmallen",
    "latere_clienten_na_maanden",
    "hoofdschatting",
    "max_smd",
}


def _read_matching(path: Path, data: dict, _: Fields) -> Fields:
    """Optional: how the comparison group is matched (an older settings file keeps the defaults)."""
    if data.get("vergelijkingsgroep") is None:
        return {}
    section = _section(path, data, "vergelijkingsgroep", MATCH_KEYS)
    fields: Fields = {}
    if "k" in section:
        fields["match_k"] = _int(path, section["k"], "vergelijkingsgroep.k", 1, 20)
    if "leeftijdsband" in section:
        fields["match_age_band"] = _int(path, section["leeftijdsband"], "vergelijkingsgroep.leeftijdsband", 0, 50)
    if "caliper" in section:
        value = section["caliper"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10:
            raise UserError(
                f"{path}: 'vergelijkingsgroep.caliper' moet een getal zijn groter dan 0 en hooguit 10, niet {value!r}"
            )
        fields["match_caliper"] = float(value)
    if "latere_clienten_na_maanden" in section:
        value = section["latere_clienten_na_maanden"]
        fields["match_later_clients_months"] = (
            None
            if value is None or value is False  # not `in (None, False)`: 0 == False in Python
            else _int(path, value, "vergelijkingsgroep.latere_clienten_na_maanden", 0, MAX_MONTHS)
        )
    if "max_smd" in section:
        fields["match_max_smd"] = _fraction(path, section["max_smd"], "vergelijkingsgroep.max_smd")
    for key, name in (("hoofdschatting", "matched_primary"), ("caliper_versmallen", "match_narrow")):
        if key in section:
            value = section[key]
            if not isinstance(value, bool):
                raise UserError(f"{path}: 'vergelijkingsgroep.{key}' moet true of false zijn, niet {value!r}")
            fields[name] = value
    return fields
