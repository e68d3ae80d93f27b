"""The contract of the analysis settings (config/analysis.yaml): one strict pydantic model whose aliases are the
YAML keys. Each setting is declared once here, with its type, bounds, default and the rule a user reads when a
value breaks it (in Dutch); pipeline/config/settings.py reads the file and names the file and key.

Strict: a key the model does not know, a missing one, or a value of another kind (0 for true, "5" for 5, 2.5 for a
whole number) is refused, never converted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from itertools import pairwise
from typing import Annotated, Any

import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_serializer, model_validator
from pydantic_core import PydanticCustomError

from schemas import BVH_COLUMNS, CLIENT_COLUMNS
from schemas.raw import canonical_column
from schemas.vocabulary import ESTIMATORS

# Upper bounds: far beyond any real use, low enough that no setting makes a run hang or overflow.
MAX_MONTHS = 120  # window lengths and the anticipation period: ten years
MAX_COUNT = 1_000_000  # group sizes and thresholds
MAX_TEXT = 300  # characters of a title or organisation
UNKNOWN_CODE_ACTIONS = ("stoppen", "terugval")


def _refuse(rule: str, value: Any) -> PydanticCustomError:
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return PydanticCustomError("regel", "moet {rule}, niet {value}", {"rule": rule, "value": shown})


def _rule(check: Callable[[Any], Any], rule: str) -> BeforeValidator:
    """A field validator that applies `check` (returning the value to keep, or raising ValueError/TypeError)
    and refuses anything else with `rule`."""

    def validate(value: Any) -> Any:
        try:
            return check(value)
        except (TypeError, ValueError):
            raise _refuse(rule, value) from None

    return BeforeValidator(validate)


def _whole(lo: int, hi: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ValueError
        return value

    return check


def Whole(lo: int, hi: int = MAX_COUNT) -> Any:
    return Annotated[int, _rule(_whole(lo, hi), f"een geheel getal zijn van {lo} tot en met {hi}")]


def _number(lo: float, hi: float, hi_included: bool) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError
        if not (lo < value <= hi if hi_included else lo < value < hi):
            raise ValueError
        return float(value)

    return check


Fraction = Annotated[float, _rule(_number(0, 1, False), "een getal zijn tussen 0 en 1")]
Share = Annotated[float, _rule(_number(0, 1, True), "een getal zijn groter dan 0 en hooguit 1")]
Caliper = Annotated[float, _rule(_number(0, 10, True), "een getal zijn groter dan 0 en hooguit 10")]


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError
    return value


Boolean = Annotated[bool, _rule(_boolean, "true of false zijn")]


def _text(value: Any) -> str:
    """A text as written: a number is refused rather than rewritten (YAML reads 0201234567 as the octal number
    33896823, 1.10 as 1.1); stray control characters and unpaired surrogates have no place in a title."""
    if not isinstance(value, str) or len(value) > MAX_TEXT or _CONTROL.search(value):
        raise ValueError
    return value


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
TEXT_RULE = f"een tekst zijn van hooguit {MAX_TEXT} tekens, zonder stuurtekens (cijfers tussen aanhalingstekens)"
Text = Annotated[str, _rule(_text, TEXT_RULE)]
OptionalText = Annotated[str, _rule(lambda v: "" if v is None else _text(v), TEXT_RULE)]


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):  # a time of day has no place in a period of days
        raise ValueError
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    raise ValueError


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # what the rule says, not every form fromisoformat takes


DATE_RULE = "een datum zijn geschreven als JJJJ-MM-DD"
Date = Annotated[dt.date, _rule(_date, DATE_RULE)]
OptionalDate = Annotated[dt.date | None, _rule(lambda v: None if v in (None, "") else _date(v), DATE_RULE)]


def Choice(*options: str) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in options:
            raise ValueError
        return value

    return Annotated[str, _rule(check, f"een van {', '.join(options)} zijn")]


class _Section(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# --- the sections, in the order of config/analysis.yaml ----------------------------------------------------------


class Report(_Section):
    """For the title page and the colophon; author, contact and date may be left empty (then not stated)."""

    title: Text = Field(alias="titel")
    organisation: Text = Field(alias="organisatie")
    author: OptionalText = Field("", alias="auteur")
    contact: OptionalText = Field("", alias="contact")
    date: OptionalDate = Field(None, alias="datum")


def _sheet(value: Any) -> str | None:
    if value is None:
        return None
    return _text(value)


def _columns(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError
    return {_text(k): _text(v) for k, v in value.items()}


Columns = Annotated[
    dict[str, str], _rule(_columns, "de kolomnamen van de export koppelen aan de standaardnamen ({eigen: standaard})")
]


SheetName = Annotated[str | None, _rule(_sheet, "de naam van een werkblad zijn (cijfers tussen aanhalingstekens)")]
HeaderRow = Annotated[
    int | None, _rule(lambda v: None if v is None else _whole(1, 1000)(v), "een rijnummer zijn van 1 tot en met 1000")
]


class InputFile(_Section):
    """How one input file arrives: the sheet of a workbook and the export's own column names."""

    sheet: SheetName = Field(None, alias="blad")
    columns: Columns = Field({}, alias="kolommen")
    header_row: HeaderRow = Field(None, alias="kopregel")

    @property
    def renames(self) -> dict[str, str]:
        """The export's own header -> the canonical column name."""
        return {own: canonical_column(standard) for own, standard in self.columns.items()}

    def check_names(self, canonical: tuple[str, ...], key: str) -> None:
        for own, standard in self.renames.items():
            if standard not in canonical:
                raise ValueError(
                    f"invoer.{key}.kolommen: {own!r} is gekoppeld aan {self.columns[own]!r}, maar dat is geen kolom "
                    f"van dit bestand (toegestaan: {', '.join(canonical)})"
                )


class Inputs(_Section):
    bvh: InputFile = Field(InputFile(), alias="bvh")
    clients: InputFile = Field(InputFile(), alias="clienten")

    @model_validator(mode="after")
    def _known_columns(self) -> Inputs:
        self.bvh.check_names(BVH_COLUMNS, "bvh")
        self.clients.check_names(CLIENT_COLUMNS, "clienten")
        return self


class Period(_Section):
    """The period the police export covers."""

    van: Date = Field(alias="van")
    tot: Date = Field(alias="tot")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.tot <= self.van:
            raise ValueError(f"'periode.tot' ({self.tot}) moet na 'periode.van' ({self.van}) liggen")
        return self


class WindowMonths(_Section):
    long: Whole(2, MAX_MONTHS) = Field(alias="lang_maanden")
    short: Whole(1, MAX_MONTHS) = Field(alias="kort_maanden")

    @model_validator(mode="after")
    def _ordered(self) -> WindowMonths:
        if self.short >= self.long:
            raise ValueError(
                f"'vensters.kort_maanden' ({self.short}) moet kleiner zijn dan 'lang_maanden' ({self.long})"
            )
        return self


def _age_bounds(value: Any) -> tuple[int, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(b, int) and not isinstance(b, bool) and 0 < b <= 110 for b in value)
        or any(a >= b for a, b in pairwise(value))
    ):
        raise ValueError
    return tuple(value)


AgeBounds = Annotated[
    tuple[int, ...], _rule(_age_bounds, "een oplopende lijst zijn van hele leeftijden tussen 1 en 110")
]


class Tests(_Section):
    alpha: Fraction = Field(alias="alpha")
    min_group_size: Whole(1) = Field(alias="min_groepsgrootte")


class Dominance(_Section):
    """A registration count is hidden when its largest client has more than `one` of it, or its two largest
    together more than `two`."""

    one: Share = Field(0.5, alias="grootste")
    two: Share = Field(0.8, alias="twee_grootste")

    @model_validator(mode="after")
    def _ordered(self) -> Dominance:
        if self.two < self.one:
            raise ValueError(
                f"'dominantie.twee_grootste' ({self.two}) mag niet kleiner zijn dan 'dominantie.grootste' "
                f"({self.one}): twee cliënten samen hebben minstens het aandeel van de grootste"
            )
        return self


class ChangeGroups(_Section):
    many_from: Whole(1) = Field(alias="veel_vanaf")
    small_decrease_max: Fraction = Field(alias="kleine_afname_tot")
    large_decrease_min: Fraction = Field(alias="grote_afname_vanaf")
    null_draws: Whole(100, 100_000) = Field(2000, alias="nul_herhalingen")
    null_seed: Whole(0, 2**32 - 1) = Field(20231130, alias="nul_seed")

    @model_validator(mode="after")
    def _ordered(self) -> ChangeGroups:
        if self.small_decrease_max >= self.large_decrease_min:
            raise ValueError(
                f"'kleine_afname_tot' ({self.small_decrease_max}) moet kleiner zijn dan 'grote_afname_vanaf' "
                f"({self.large_decrease_min})"
            )
        return self


class Effect(_Section):
    anticipation_months: Whole(0, MAX_MONTHS) = Field(alias="anticipatie_maanden")
    lead_months: Whole(1, MAX_MONTHS) = Field(12, alias="voorperiode_maanden")
    lead_block_months: Whole(1, MAX_MONTHS) = Field(3, alias="voorperiode_blok_maanden")
    primary: Choice(*ESTIMATORS) = Field("cohort", alias="primair")
    cohort_months: Whole(1, 24) = Field(6, alias="cohort_maanden")
    power: Fraction = Field(0.8, alias="power")

    @model_validator(mode="after")
    def _ordered(self) -> Effect:
        if self.anticipation_months >= self.lead_months:
            raise ValueError(
                f"'effect.anticipatie_maanden' ({self.anticipation_months}) moet kleiner zijn dan "
                f"'effect.voorperiode_maanden' ({self.lead_months}): de toets op een eerdere trend heeft maanden "
                "vóór de aanloop nodig"
            )
        return self


def _later(value: Any) -> int | None:
    """A number of months, or never (false or empty). Not `value in (None, False)`: 0 == False in Python."""
    if value is None or value is False:
        return None
    return _whole(0, MAX_MONTHS)(value)


class Matching(_Section):
    """The matched comparison group, used only when its two files are given."""

    k: Whole(1, 20) = Field(3, alias="k")
    age_band: Whole(0, 50) = Field(5, alias="leeftijdsband")
    caliper: Caliper = Field(1.0, alias="caliper")  # the widest tried: narrowing finds the widest that balances
    narrow: Boolean = Field(True, alias="caliper_versmallen")
    later_clients_months: Annotated[
        int | None, _rule(_later, f"een geheel getal zijn van 0 tot en met {MAX_MONTHS}, of false (nooit)")
    ] = Field(0, alias="latere_clienten_na_maanden")
    primary: Boolean = Field(True, alias="hoofdschatting")
    max_smd: Fraction = Field(0.1, alias="max_smd")


def _roles(value: Any) -> tuple[str, ...] | None:
    if value == "alle":
        return None
    if isinstance(value, list) and value and all(isinstance(r, str) and r.strip() for r in value):
        return tuple(sorted({r.strip().lower() for r in value}))
    raise ValueError


Roles = Annotated[tuple[str, ...] | None, _rule(_roles, "'alle' zijn of een lijst van rollen zoals [verdachte]")]


class UnknownCodes(_Section):
    action: Choice(*UNKNOWN_CODE_ACTIONS) = Field(alias="actie")
    fallback_severity: Text = Field("licht", alias="terugval_zwaarte")
    fallback_e_category: Text = Field("overig", alias="terugval_e_categorie")


class Checks(_Section):
    """Plausibility of the linked data: the run stops below this share of rows with a known client."""

    min_linked_share: Fraction = Field(alias="min_gekoppeld_aandeel")


class Settings(_Section):
    """The whole settings file. Sections added after the first edition may be left out and take their defaults."""

    report: Report = Field(alias="rapport")
    inputs: Inputs = Field(alias="invoer")
    period: Period = Field(alias="periode")
    window_months: WindowMonths = Field(alias="vensters")
    age_bounds: AgeBounds = Field(alias="leeftijdsgrenzen")
    tests: Tests = Field(alias="toetsen")
    min_publication: Whole(1) = Field(alias="min_publicatie")
    dominance: Dominance = Field(Dominance(), alias="dominantie")
    change_groups: ChangeGroups = Field(alias="veranderingsgroepen")
    effect: Effect = Field(alias="effect")
    matching: Matching = Field(Matching(), alias="vergelijkingsgroep")
    roles: Roles = Field(alias="rollen")
    unknown_codes: UnknownCodes = Field(alias="onbekende_codes")
    checks: Checks = Field(Checks(min_gekoppeld_aandeel=0.5), alias="controles")

    @field_serializer("roles")
    def _roles_as_written(self, roles: tuple[str, ...] | None) -> str | list[str]:
        return "alle" if roles is None else list(roles)

    @field_serializer("age_bounds")
    def _bounds_as_written(self, bounds: tuple[int, ...]) -> list[int]:
        return list(bounds)

    def with_values(self, values: dict[str, Any]) -> Settings:
        """These settings with some values changed, by their YAML keys ('vensters.lang_maanden'), checked again
        like a file: what a test or a simulated edition needs."""
        data = self.model_dump(by_alias=True)
        for dotted, value in values.items():
            *sections, key = dotted.split(".")
            target = data
            for section in sections:
                target = target[section]
            target[key] = value
        return Settings.model_validate(data)

    # --- what the settings imply ------------------------------------------------------------------------------

    @property
    def van(self) -> pd.Timestamp:
        return pd.Timestamp(self.period.van)

    @property
    def tot(self) -> pd.Timestamp:
        return pd.Timestamp(self.period.tot)

    @property
    def windows(self) -> tuple[str, ...]:
        """The five window labels in time order; with the defaults '6 mnd voor' ... '6 mnd na'."""
        lng, sht = self.window_months.long, self.window_months.short
        return (f"{lng} mnd voor", f"{sht} mnd voor", "tijdens", f"{sht} mnd na", f"{lng} mnd na")

    @property
    def age_labels(self) -> tuple[str, ...]:
        bounds = self.age_bounds
        labels = [f"<{bounds[0]}"]
        labels += [f"{lo}-{hi - 1}" for lo, hi in pairwise(bounds)]
        labels.append(f"{bounds[-1]}+")
        return tuple(labels)

    def used(self) -> dict[str, Any]:
        """The settings as they act, in the shape of results.json's `settings` (schemas/results.py SettingsUsed):
        what a reader of the results needs, not the file's layout."""
        r, m = self.report, self.matching
        return {
            "periode": {"van": self.period.van.isoformat(), "tot": self.period.tot.isoformat()},
            "vensters": {"lang_maanden": self.window_months.long, "kort_maanden": self.window_months.short},
            "leeftijdsgroepen": list(self.age_labels),
            "alpha": self.tests.alpha,
            "min_groepsgrootte": self.tests.min_group_size,
            "veel_vanaf": self.change_groups.many_from,
            "kleine_afname_tot": self.change_groups.small_decrease_max,
            "grote_afname_vanaf": self.change_groups.large_decrease_min,
            "rollen": "alle" if self.roles is None else list(self.roles),
            "onbekende_codes": self.unknown_codes.action,
            "rapport": {
                "titel": r.title,
                "organisatie": r.organisation,
                "auteur": r.author,
                "contact": r.contact,
                "datum": "" if r.date is None else r.date.isoformat(),
            },
            "anticipatie_maanden": self.effect.anticipation_months,
            "voorperiode_maanden": self.effect.lead_months,
            "voorperiode_blok_maanden": self.effect.lead_block_months,
            "primair": self.effect.primary,
            "cohort_maanden": self.effect.cohort_months,
            "power": self.effect.power,
            "min_publicatie": self.min_publication,
            "dominantie": {"grootste": self.dominance.one, "twee_grootste": self.dominance.two},
            "vergelijkingsgroep": {
                "k": m.k,
                "leeftijdsband": m.age_band,
                "caliper": m.caliper,
                "caliper_versmallen": m.narrow,
                "latere_clienten_na_maanden": m.later_clients_months,
                "hoofdschatting": m.primary,
                "max_smd": m.max_smd,
            },
        }
