"""The results of one run, typed: built by the analyse stage, read by the report, serialised as results.json.

`results.json` is read by other tools (SPEC §6 and §8), so this model is its contract and
`schemas/results.schema.json` (generated from it: `make schema`) is the published JSON Schema. The keys of
SPEC §6 keep their names. Key convention for everything else: Dutch snake_case in the data's own words
(`registraties_voor`, `geen_na`, `min_publicatie`); English only for statistical terms that are English in the
field (`irr`, `ci_low`, `ci_high`, `p`, `p_holm`, `rank_biserial`, `statistic`) and for the keys SPEC §6 fixed in
English (`n_clients`, `reconciliation`, `by_sex`, ...); maps keyed by data values (windows, groups, codes)
use the value as it appears in the report ("6 mnd voor", "18-25", "E33"). Counts are integers, shares and
ratios floats, undefined values null; a key that does not apply to a run is absent, never invented.

Only the standard library and pydantic: the schemas depend on nothing of the pipeline.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "https://rendementsanalyse.invalid/schemas/results.schema.json"
SCHEMA_VERSION = 2  # raised whenever a change would make an older reader misread results.json


class _Model(BaseModel):
    """Strict about shape: an unknown key is an error, so the schema names every key a run can write."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the counts and tests of SPEC §5 -------------------------------------------------------------------------


class Wilcoxon(_Model):
    statistic: float | None
    p: float | None
    n: int = Field(description="pairs")
    n_ongelijk: int = Field(description="pairs with voor != na: the pairs the test uses")
    reden: str | None = Field(None, description="why p is null, when it is")


class Counts(_Model):
    """A group's registrations before, during and after, and their change."""

    voor: int
    tijdens: int
    na: int
    totaal: int
    afname: int = Field(description="na - voor: negative for a fall")
    afname_pct: float | None = Field(description="(na - voor) / voor x 100; null when voor is 0")


class RoleCounts(Counts):
    """A role's registrations: a registration counts once per role of the client, so the roles overlap."""

    telt_mee: bool = Field(description="whether the settings ('rollen') count this role in the other results")
    n_clients: int = Field(description="compared clients with at least one registration in this role")
    wilcoxon: Wilcoxon = Field(description="per compared client, before against after in this role; descriptive")
    rank_biserial: float | None


class GroupSummary(_Model):
    """A group of clients (everybody, a sex, an age group): its size, its counts and its per-client counts."""

    n: int
    voor: int
    tijdens: int
    na: int
    totaal: int
    afname: int = Field(description="na - voor: negative for a fall")
    afname_pct: float | None = Field(description="(na - voor) / voor x 100; null when voor is 0")
    gemiddeld_voor: float | None
    gemiddeld_na: float | None
    min_voor: int | None
    max_voor: int | None
    min_na: int | None
    max_na: int | None


class Overall(GroupSummary):
    wilcoxon: Wilcoxon
    rank_biserial: float | None


class Subgroup(GroupSummary):
    statistic: float | None
    p: float | None
    rank_biserial: float | None
    n_ongelijk: int | None
    reden: str | None = Field(description="why the group is not tested; null when it is")
    getoetst: bool
    p_holm: float | None = Field(description="Holm over every tested sex, age group and ICO type together")


class Rate(_Model):
    registraties: int
    persoonsmaanden: float = Field(description="months at risk summed over the compared clients (365.25/12 days)")
    per_client_per_maand: float | None = Field(description="registraties / persoonsmaanden; null without time")


class IcoDuration(_Model):
    """The change per client against the ICO's duration: a rank correlation and three duration groups."""

    maat: str
    n: int
    mediaan_maanden: float | None
    spearman_rho: float | None
    p: float | None
    groepen: dict[str, GroupSummary] = Field(description="about equal thirds by duration, cut at whole months")


class SeverityMix(_Model):
    """The severity of the mix, not the volume: mean weight per registration before and after."""

    maat: str
    n_clients: int
    gemiddeld_voor: float | None
    gemiddeld_na: float | None
    wilcoxon: Wilcoxon
    rank_biserial: float | None


class SeverityScore(_Model):
    mix: SeverityMix | None = None
    registraties: str
    gewichten: dict[str, float]
    voor: float
    na: float
    gemiddeld_voor: float | None
    gemiddeld_na: float | None
    afname_pct: float | None
    wilcoxon: Wilcoxon
    rank_biserial: float | None


class ChangeGroup(_Model):
    n: int
    toegenomen: int
    afname_0_10: int
    afname_11_50: int
    afname_50_plus: int
    geen_na: int = Field(description="clients with no registration after")


class ChangeGroupExpected(_Model):
    n: float
    toegenomen: float
    afname_0_10: float
    afname_11_50: float
    afname_50_plus: float


class ChangeGroupsNull(_Model):
    """Expected clients per change group and class if nothing changed: each client's total split at random
    between before and after in proportion to the days of each period."""

    herhalingen: int
    seed: int
    groepen: dict[str, ChangeGroupExpected]


class Distributions(_Model):
    registraties_per_client: dict[str, int] = Field(description="number of registrations -> clients")
    e_registraties_per_client: dict[str, int]


class ClientsPer(_Model):
    """How many clients stand behind each published breakdown: the group sizes disclosure control needs."""

    imk_class: dict[str, int]
    e_code: dict[str, int]
    e_category: dict[str, int]
    severity: dict[str, int]
    class_by_sex: dict[str, dict[str, int]]
    class_by_age: dict[str, dict[str, int]]
    role: dict[str, int] = Field(default_factory=dict)


class IcoPeriode(_Model):
    eerste_start: str | None = Field(description="YYYY-MM")
    laatste_eind: str | None = Field(description="YYYY-MM")


class Reconciliation(_Model):
    """Every row read, once (SPEC §6): rows_read = duplicates + unknown_client + rows_excluded_followup +
    outside_windows + used (+ rows_excluded_role when the settings restrict the roles)."""

    rows_read: int
    rows_excluded_role: int | None = Field(None, description="present when the settings restrict the roles")
    duplicates: int
    unknown_client: int
    rows_excluded_followup: int
    outside_windows: int
    used: int
    clients_excluded_followup: int


class ExcludedClient(_Model):
    client_id: str
    reden: str


class DataQuality(_Model):
    clients_read: int
    clients_excluded_followup: dict[str, int]
    excluded_clients: list[ExcludedClient] = Field(description="pseudonyms: internal, never published")
    clients_without_registrations: int
    unknown_codes: dict[str, int]


# --- the settings as they acted ------------------------------------------------------------------------------


class Periode(_Model):
    van: str
    tot: str


class Vensters(_Model):
    lang_maanden: int
    kort_maanden: int


class Rapport(_Model):
    titel: str
    organisatie: str
    auteur: str = ""
    contact: str = ""
    datum: str = Field("", description="YYYY-MM-DD, or empty when the settings leave it out")


class Dominance(_Model):
    grootste: float = Field(description="hidden when the largest client has more than this share of a count")
    twee_grootste: float = Field(description="... or the two largest together more than this share")


class MatchingSettings(_Model):
    k: int
    leeftijdsband: int
    caliper: float
    caliper_versmallen: bool
    latere_clienten_na_maanden: int | None
    hoofdschatting: bool
    max_smd: float


class SettingsUsed(_Model):
    periode: Periode
    vensters: Vensters
    leeftijdsgroepen: list[str]
    alpha: float
    min_groepsgrootte: int
    veel_vanaf: int
    kleine_afname_tot: float
    grote_afname_vanaf: float
    rollen: Literal["alle"] | list[str]
    onbekende_codes: str
    rapport: Rapport
    anticipatie_maanden: int
    voorperiode_maanden: int
    voorperiode_blok_maanden: int
    primair: str
    cohort_maanden: int
    power: float
    min_publicatie: int
    dominantie: Dominance
    vergelijkingsgroep: MatchingSettings


# --- how big the effect really is ----------------------------------------------------------------------------


class EventMonth(_Model):
    maand: int
    referentie: str
    registraties: int
    clients: int
    clientmaanden: float | None = Field(
        None, description="during the ICO: client-months at risk (a client whose ICO ends halfway counts half)"
    )
    per_client: float | None = Field(description="registrations per client-month")
    en_later: bool = Field(
        False, description="during the ICO: this month and all later ones pooled (too few clients reach them)"
    )
    grootste: list[float] | None = Field(
        None, description="the largest and second-largest contribution of one client to this month's count (internal)"
    )


class Estimate(_Model):
    """An incidence rate ratio after / before with its 95% interval; null with `reden` when it cannot be made."""

    irr: float | None
    ci_low: float | None
    ci_high: float | None
    p: float | None
    reden: str | None = None
    waarschuwing: str | None = None
    n_clients: int
    registraties_voor: int
    registraties_na: int
    dagen_voor: float
    dagen_na: float
    vensters_voor: list[str]
    vensters_na: list[str]
    n_cellen: int | None = None
    n_clients_zonder_registraties: int | None = Field(
        None, description="clients never registered in the panel: they do not enter a fixed-effects fit"
    )
    anticipatie_maanden: int | None = None
    maanden: int | None = None
    n_cellen_geimputeerd: int | None = None
    n_cellen_niet_te_imputeren: int | None = Field(
        None, description="'na' cells of a calendar month or a client without untreated registrations"
    )
    registraties_niet_te_imputeren: int | None = None
    aandeel_gedekt: float | None = Field(
        None, description="imputation: the share of the 'na' registrations it covers (in months that can be imputed)"
    )
    laatste_start_gedekt: str | None = Field(
        None, description="imputation: the latest ICO start (YYYY-MM) of the clients it covers"
    )
    verwacht_zonder_ico: float | None = None
    tijd_at_risk: bool | None = Field(
        None, description="whether days at risk were the exposure; absent in effect_zonder_tijd_at_risk"
    )


class CohortEffect(_Model):
    cohort: str = Field(description="the first calendar month (YYYY-MM) of the clients whose ICO started in the period")
    maand: int = Field(description="month after the ICO's end")
    irr: float
    registraties: int
    verwacht_zonder_ico: float


class CohortEstimate(Estimate):
    """Issue 32: the extended two-way Poisson, one effect per cohort and event time; the 'na' ratio is their
    count-weighted average."""

    cohort_maanden: int | None = None
    cohort_effecten: list[CohortEffect] = []


class MatchedEstimate(_Model):
    """Issue 12: the clients' after/before rate ratio against that of their matched controls (weighted Poisson
    difference-in-differences, adjusted for the matching variables, clustered on the matched set)."""

    irr: float | None
    ci_low: float | None
    ci_high: float | None
    p: float | None
    n_clients: int = Field(description="matched clients in the estimate")
    n_controls: int = Field(description="distinct comparison persons among their controls")
    reden: str | None = None
    waarschuwing: str | None = None
    aangepast: bool | None = Field(
        None,
        description="the trend was also adjusted for the matching variables (false: too few registrations to "
        "estimate that adjustment, fitted without it; see waarschuwing)",
    )
    se_log: float | None = Field(None, description="standard error of the log rate ratio")
    registraties_clients_voor: int
    registraties_clients_na: int
    registraties_controles_voor: float = Field(description="weighted 1/k per client")
    registraties_controles_na: float


class Primary(_Model):
    """The primary estimate, chosen once (pipeline/estimation/effect.py primary_estimator): the sensitivity
    analysis and the smallest detectable effects in `mde` are all of this estimator."""

    estimator: Literal["cohort", "comparison", "imputation", "naive", "symmetric", "matched"]
    irr: float | None
    ci_low: float | None
    ci_high: float | None
    p: float | None
    anticipatie_maanden: int = Field(
        description="the run-up of this estimate: months before the start not used as its comparison (the matched "
        "design: months left out at the end of its 'voor' window, 0 by default)"
    )


class Pretrend(_Model):
    """Joint test that the untreated months before the anticipation period do not differ from earlier ones."""

    p: float | None
    passed: bool | None
    maanden: list[int] = Field(description="the months relative to the start that the test covers")
    anticipatie_maanden: int
    blok_maanden: int | None = Field(None, description="the months are tested in blocks of this many")
    chi2: float | None = None
    df: int | None = None
    reden: str | None = None


class SensitivityRow(_Model):
    anticipatie_maanden: int
    irr: float | None
    ci_low: float | None
    ci_high: float | None


class MdeGroup(_Model):
    kenmerk: str
    groep: str
    n_clients: int
    irr: float | None


class NextEdition(_Model):
    irr: float
    clients_nodig: int


class Mde(_Model):
    """The smallest fall (a rate ratio) the primary design detects with `power` at `alpha`."""

    irr: float | None
    power: float
    alpha: float
    subgroepen: list[MdeGroup] = []
    volgende_editie: list[NextEdition] = Field(
        [], description="clients a next edition needs to detect these rate ratios with the primary design"
    )
    n_clients: int | None = Field(None, description="the clients the primary estimate rests on")


class EventTime(_Model):
    fase: Literal["voor", "tijdens", "na"]
    maand: int
    referentie: Literal["start", "eind"]
    irr: float | None
    ci_low: float | None
    ci_high: float | None


class GroupDifference(_Model):
    """One model, one before/after rate ratio per group, and a Wald test that they are equal."""

    groepen: dict[str, float]
    chi2: float | None
    df: int
    p: float | None
    reden: str | None = None


class Effects(_Model):
    cohort: CohortEstimate
    naive: Estimate
    symmetric: Estimate
    comparison: Estimate
    imputation: Estimate
    matched: MatchedEstimate | None = Field(None, description="only with a comparison group")
    primary: Primary
    pretrend: Pretrend | None = None
    sensitivity: list[SensitivityRow] | None = None
    mde: Mde | None = None
    event_time: list[EventTime] | None = None
    verschillen: dict[str, GroupDifference] | None = None


class BalanceRow(_Model):
    """A matching variable (or age): standardised mean difference before matching (all clients against their
    risk sets) and after it (matched clients against their controls, weighted 1/k), on one scale."""

    kenmerk: str
    smd_voor: float | None
    smd_na: float | None
    gemiddelde_clients: float | None = None
    gemiddelde_kandidaten: float | None = Field(None, description="each client's risk set weighing as one client")
    gemiddelde_clients_gematcht: float | None = None
    gemiddelde_controles: float | None = None


class ComparisonExport(_Model):
    """Every row of the comparison export, accounted for once."""

    rijen_gelezen: int
    rijen_rol_telt_niet: int
    dubbel: int
    rijen_van_clienten: int = Field(description="rows of persons who are clients: the main export counts them")
    rijen_onbekende_persoon: int
    rijen_gebruikt: int


class ControlMonth(_Model):
    maand: int
    referentie: Literal["start", "eind"]
    clients: float | None = Field(description="registrations per matched client in this month")
    controles: float | None = Field(description="per control, weighted 1/k per client")


class Matching(_Model):
    """Issue 12: the matched comparison group. Internal like the rest: the pseudonyms of unmatched clients."""

    balance: list[BalanceRow]
    max_abs_smd: float | None
    caliper: float = Field(description="the caliper used: the settings' one, narrowed until balanced if asked")
    caliper_versmallingen: int = Field(0, description="times the caliper was narrowed (each to 0.8 of it)")
    ongematcht_door_versmallen: int = Field(
        0, description="clients with a candidate inside the settings' caliper but none inside the narrowed one"
    )
    personen: int = Field(description="comparison persons in the list")
    personen_ook_client: int = Field(description="persons in both lists: counted as clients")
    latere_clienten_als_controle: int = Field(description="control uses by clients whose own ICO came later")
    export: ComparisonExport
    ongematcht: dict[str, int] = Field(description="unmatched clients per reason")
    ongematchte_clients: list[str]
    clients: int = Field(description="compared clients to match")
    gematcht: int
    controles: int = Field(description="distinct controls")
    koppelingen: int = Field(description="client-control pairs")
    kandidaten_gemiddeld: int = Field(description="mean size of a client's risk set")
    hergebruik_max: int = Field(description="the most clients one control serves")
    maanden: list[ControlMonth]


class TimeAtRisk(_Model):
    detentieperioden: int
    clients_met_detentie: int
    detentieperioden_onbekende_client: int
    overleden: int


# --- where the results came from -----------------------------------------------------------------------------


class FileHash(_Model):
    file: str
    sha256: str


class Inputs(_Model):
    bvh: FileHash
    clients: FileHash
    detention: FileHash | None = None
    comparison_persons: FileHash | None = None
    comparison_bvh: FileHash | None = None


class Generator(_Model):
    generator: str
    seed: int


class Project(_Model):
    version: str
    git_commit: str | None
    git_dirty: bool | None


class Provenance(_Model):
    inputs: Inputs
    synthetic: bool
    generator: Generator | None
    settings: FileHash
    mapping: FileHash
    project: Project
    software: dict[str, str]


# --- the whole ----------------------------------------------------------------------------------------------


class Results(_Model):
    """Everything one run computed. Internal: exact counts, also of groups too small to publish, and the
    pseudonyms of clients left out; the report shows only what disclosure control lets through."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="results.json of the Rendementsanalyse ICO",
        json_schema_extra={"$id": SCHEMA_ID},
    )

    schema_version: Literal[SCHEMA_VERSION] = Field(
        description="the version of this contract (2: the settings complete in every results.json; 1: before it "
        "had a number); a reader refuses another"
    )
    intern: Literal[True]
    intern_toelichting: str
    n_clients: int
    n_registrations: int
    windows: dict[str, int]
    perioden_per_maand: dict[str, Rate] | None = Field(
        None, description="per window and per period (voor, tijdens, na): registrations per client per month"
    )
    overall: Overall
    by_sex: dict[str, Subgroup]
    by_age: dict[str, Subgroup]
    by_ico_type: dict[str, Subgroup] = Field(
        default_factory=dict, description="per ICO type of the client list ('onbekend': left empty); {} without types"
    )
    by_role: dict[str, RoleCounts] = Field(
        default_factory=dict,
        description="per role of the client in the export, counting or not ('onbekend': no role); overlapping",
    )
    ico_duur: IcoDuration | None = None
    e_categories: dict[str, Counts]
    severity: dict[str, Counts]
    severity_score: SeverityScore
    imk_classes: dict[str, int]
    imk_class_names: dict[str, str]
    e_codes: dict[str, int]
    e_code_names: dict[str, str]
    change_groups: dict[str, ChangeGroup]
    change_groups_null: ChangeGroupsNull | None = None
    distributions: Distributions
    class_by_sex: dict[str, dict[str, int]]
    class_by_age: dict[str, dict[str, int]]
    clients_per: ClientsPer
    dominance: dict[str, dict[str, dict[str, list[float]]]] | None = Field(
        None,
        description="family -> group -> column -> the contributions of the largest and second-largest client to "
        "that published registration count: what the dominance rule of disclosure control needs",
    )
    ico_periode: IcoPeriode
    reconciliation: Reconciliation
    data_quality: DataQuality
    settings: SettingsUsed
    event_study: list[EventMonth]
    effect: Effects
    effect_zonder_tijd_at_risk: Effects | None = None
    tijd_at_risk: TimeAtRisk | None = None
    matching: Matching | None = Field(None, description="only with a comparison group (issue 12)")
    provenance: Provenance | None = Field(None, description="absent only before the analyse stage adds it")

    def to_dict(self) -> dict:
        """The plain data of results.json: keys a run did not set stay absent."""
        return self.model_dump(mode="json", exclude_unset=True)


def json_schema() -> dict:
    """The JSON Schema of results.json (draft 2020-12), as published in schemas/results.schema.json."""
    schema = Results.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
