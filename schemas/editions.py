"""The typed contract of vergelijking.json: what `python -m pipeline vergelijk` computed from several runs.

Only aggregates of the runs' results.json travel here (no person-level data), and only those a run's own
report may publish: a group its disclosure control hid stays hidden (None) here too.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Ratio(_Model):
    irr: float | None
    ci_low: float | None
    ci_high: float | None


class Run(_Model):
    label: str = Field(description="organisation and period, as the comparison report names the run")
    organisatie: str
    periode: str = Field(description="the export period, 'van t/m tot'")
    bestand: str = Field(description="the results.json file, by name only")
    n_clients: int
    n_registrations: int
    voor: int
    na: int
    per_client_per_maand: dict[str, float | None] = Field(description="'voor', 'tijdens', 'na'")
    estimator: str
    irr: float | None
    ci_low: float | None
    ci_high: float | None
    se_log: float | None = Field(description="standard error of log(irr), from the 95% interval")
    pretrend_passed: bool | None
    gemarkeerd: bool = Field(description="made with another method than the reference run: not pooled")
    e_aandeel: dict[str, float | None] = Field(description="share of each E-category in the E registrations, %")
    zwaarte_aandeel: dict[str, float | None] = Field(description="share of each severity outside E, %")
    subgroepen: dict[str, float | None] = Field(description="change in % by sex and age group; None when hidden")


class MethodDifference(_Model):
    kenmerk: str
    waarden: dict[str, str] = Field(description="run label -> its value")
    gevolg: str = Field(description="which comparisons the difference affects")


class Pooled(_Model):
    irr: float
    ci_low: float = Field(description="Hartung-Knapp-Sidik-Jonkman 95% interval (t, k - 1 degrees of freedom)")
    ci_high: float
    voorspelling_low: float | None = Field(description="95% prediction interval of a next run; None below 3 runs")
    voorspelling_high: float | None
    i2: float = Field(description="share of the variation between runs beyond chance (0-1)")
    tau2: float
    q: float
    p_heterogeniteit: float
    n_runs: int
    runs: list[str]
    methode: str


class Difference(_Model):
    a: str
    b: str
    ratio: float = Field(description="irr of a / irr of b")
    ci_low: float
    ci_high: float
    p: float


class Planning(_Model):
    run: str
    irr: float = Field(description="the rate ratio to detect")
    n_clients: int = Field(description="clients needed for 80% power at the run's alpha, two-sided")


class Comparison(_Model):
    runs: list[Run]
    referentie: str = Field(description="the run whose method the others are checked against")
    methode_verschillen: list[MethodDifference]
    pooled: Pooled | None = Field(description="random-effects pooled estimate; None with fewer than two runs")
    verschillen: list[Difference]
    planning: list[Planning]
    power: float
    alpha: float
