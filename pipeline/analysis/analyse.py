"""Stage 4, analyse: per-client counts and the tests of SPEC §5, gathered into the results of SPEC §6."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats

from pipeline.config.mapping import ImkMapping
from pipeline.config.settings import Settings
from pipeline.estimation.effect import estimates
from pipeline.estimation.matched.did import MatchedDesign
from pipeline.estimation.matched.group import comparison_group
from pipeline.formatting.numbers import pct_change
from pipeline.stages.align import period_of, reconciliation
from pipeline.stages.change_groups import change_class, change_group, null_change_groups
from pipeline.stages.classify import classify
from pipeline.stages.event_study import event_study
from pipeline.stages.rates import DAYS_PER_MONTH, person_months, rates
from pipeline.stages.roles import by_role, role_rows
from pipeline.stages.stats import holm, paired_test, rank_biserial, wilcoxon
from schemas.results import SCHEMA_VERSION, Results
from schemas.vocabulary import (
    CHANGE_CLASSES,
    CHANGE_GROUPS,
    E_CLASS,
    ESTIMATORS,
    EXCLUSION_REASONS,
    PERIODS,
    SEXES,
    SEXES_TESTED,
    USABLE,
)

NOT_TESTED_SMALL = "niet getoetst i.v.m. te kleine aantallen"
NOT_TESTED_SEX_UNKNOWN = "niet getoetst: geslacht onbekend"
NOT_TESTED_TYPE_UNKNOWN = "niet getoetst: soort ICO onbekend"
UNKNOWN_TYPE = "onbekend"  # the ICO type of a client whose row in the client list leaves it empty


def age_groups(ages: pd.Series, settings: Settings) -> pd.Categorical:
    bins = [-np.inf, *settings.age_bounds, np.inf]
    return pd.cut(ages, bins=bins, right=False, labels=list(settings.age_labels)).array


def _tally(rows: np.ndarray, columns: np.ndarray, n_rows: int, n_columns: int, weights=None) -> np.ndarray:
    """rows x columns table of counts (or weight sums) from two code arrays; codes < 0 are left out."""
    keep = (rows >= 0) & (columns >= 0)
    flat = rows[keep] * n_columns + columns[keep]
    w = None if weights is None else np.asarray(weights, dtype=float)[keep]
    return np.bincount(flat, weights=w, minlength=n_rows * n_columns).reshape(n_rows, n_columns)


def client_counts(used: pd.DataFrame, clients: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One row per compared client: counts per window and period, E counts, severity scores, groups.

    Clients of the comparison with no registration count with zeros (SPEC §3).
    """
    compared = clients.loc[clients["vergeleken"]].set_index("client_id").sort_index()
    index = compared.index
    n = len(index)
    client = index.get_indexer(used["client_id"])
    window = np.asarray(used["venster"].cat.codes)
    period = np.asarray(period_of(used["venster"].array).codes)
    is_e = (used["klasse"] == E_CLASS).to_numpy()

    by_window = _tally(client, window, n, len(settings.windows))
    by_period = _tally(client, period, n, len(PERIODS))
    e_period = _tally(np.where(is_e, client, -1), period, n, len(PERIODS))
    score = _tally(client, period, n, len(PERIODS), used["gewicht"].to_numpy())

    out = pd.DataFrame(index=index)
    for i, w in enumerate(settings.windows):
        out[w] = by_window[:, i].astype("int64")
    for i, p in enumerate(PERIODS):
        out[p] = by_period[:, i].astype("int64")
    out["totaal"] = by_period.sum(axis=1).astype("int64")
    out["e_totaal"] = e_period.sum(axis=1).astype("int64")
    for i, p in enumerate(PERIODS):
        out[f"e_{p}"] = e_period[:, i].astype("int64")
    out["score_voor"] = score[:, PERIODS.index("voor")]
    out["score_na"] = score[:, PERIODS.index("na")]
    out["geslacht"] = compared["geslacht"]
    out["ico_type"] = compared["ico_type"].fillna("").replace("", UNKNOWN_TYPE)
    out["duur_maanden"] = ((compared["ico_eind"] - compared["ico_start"]).dt.days + 1) / DAYS_PER_MONTH
    out["leeftijd"] = compared["leeftijd"]
    out["leeftijdsgroep"] = age_groups(compared["leeftijd"], settings)
    out["verandergroep"] = change_group(out["voor"], settings)
    out["verandering"] = change_class(out["voor"], out["na"], settings)
    return out


def _mean(values: pd.Series) -> float | None:
    """The mean, correctly rounded whatever the order of the values (math.fsum): pseudonymised ids, which
    reorder the clients, must not change a digit."""
    return math.fsum(values.to_numpy(dtype=float)) / len(values) if len(values) else None


def _group_summary(group: pd.DataFrame) -> dict[str, Any]:
    voor, na = int(group["voor"].sum()), int(group["na"].sum())
    return {
        "n": len(group),
        "voor": voor,
        "tijdens": int(group["tijdens"].sum()),
        "na": na,
        "totaal": int(group["totaal"].sum()),
        "afname": na - voor,
        "afname_pct": pct_change(voor, na),
        "gemiddeld_voor": _mean(group["voor"]),
        "gemiddeld_na": _mean(group["na"]),
        "min_voor": int(group["voor"].min()) if len(group) else None,
        "max_voor": int(group["voor"].max()) if len(group) else None,
        "min_na": int(group["na"].min()) if len(group) else None,
        "max_na": int(group["na"].max()) if len(group) else None,
    }


def _tested(group: pd.DataFrame) -> dict[str, Any]:
    test = wilcoxon(group["voor"].to_numpy(), group["na"].to_numpy())
    return {
        "statistic": test["statistic"],
        "p": test["p"],
        "rank_biserial": rank_biserial(group["voor"].to_numpy(), group["na"].to_numpy()),
        "n_ongelijk": test["n_ongelijk"],
        "reden": test.get("reden"),
    }


def _subgroups(counts: pd.DataFrame, column: str, order: list[str], testable, settings: Settings) -> dict:
    groups: dict[str, dict[str, Any]] = {}
    present = set(counts[column].dropna().astype(str))
    for label in order:
        if label not in present:
            continue
        group = counts.loc[counts[column].astype(str) == label]
        entry = _group_summary(group)
        reason = testable(label, len(group))
        if reason is None:
            entry |= _tested(group)
        else:
            entry |= {
                "statistic": None,
                "p": None,
                "rank_biserial": None,
                "n_ongelijk": None,
                "reden": reason,
            }
        entry["getoetst"] = entry["p"] is not None
        entry["p_holm"] = None
        groups[label] = entry
    return groups


def _small(settings: Settings):
    def reason(label: str, n: int) -> str | None:
        return NOT_TESTED_SMALL if n < settings.tests.min_group_size else None

    return reason


def _sex_reason(settings: Settings):
    small = _small(settings)

    def reason(label: str, n: int) -> str | None:
        return NOT_TESTED_SEX_UNKNOWN if label not in SEXES_TESTED else small(label, n)

    return reason


def _type_reason(settings: Settings):
    small = _small(settings)

    def reason(label: str, n: int) -> str | None:
        return NOT_TESTED_TYPE_UNKNOWN if label == UNKNOWN_TYPE else small(label, n)

    return reason


def ico_type_order(types: pd.Series) -> list[str]:
    """The ICO types of the client list, alphabetically, the unknown last: the same order every run."""
    known = sorted(set(types.astype(str)) - {UNKNOWN_TYPE})
    return [*known, UNKNOWN_TYPE] if (types == UNKNOWN_TYPE).any() else known


def _by_ico_type(counts: pd.DataFrame, settings: Settings) -> dict[str, dict[str, Any]]:
    """Before and after per ICO type; nothing when the client list names no type (one group would only repeat
    the totals)."""
    if (counts["ico_type"] == UNKNOWN_TYPE).all():
        return {}
    return _subgroups(counts, "ico_type", ico_type_order(counts["ico_type"]), _type_reason(settings), settings)


def duration_groups(months: pd.Series) -> pd.Series:
    """Three groups of about equal size by ICO duration, cut at whole months (so the labels say exactly who is
    in them): 'korter dan a mnd', 'a tot b mnd', 'b mnd of langer'. Fewer groups when the cut points coincide."""
    cuts = sorted({round(q) for q in months.quantile([1 / 3, 2 / 3]).to_numpy() if np.isfinite(q)})
    cuts = [c for c in cuts if (months < c).any() and (months >= c).any()]
    if not cuts:
        return pd.Series(pd.Categorical(["alle duren"] * len(months)), index=months.index)
    labels = [f"korter dan {cuts[0]} mnd"]
    labels += [f"{lo} tot {hi} mnd" for lo, hi in itertools.pairwise(cuts)]
    labels.append(f"{cuts[-1]} mnd of langer")
    codes = np.searchsorted(np.array(cuts, dtype=float), months.to_numpy(), side="right")
    return pd.Series(pd.Categorical.from_codes(codes, labels), index=months.index)


def _ico_duration(counts: pd.DataFrame) -> dict[str, Any]:
    """Did clients with a longer ICO change more? The rank correlation of duration with the change per client
    (na - voor; both periods have the same length whatever the duration), and before/after per duration group."""
    months, change = counts["duur_maanden"], counts["na"] - counts["voor"]
    rho, p = (None, None)
    if len(counts) >= 3 and months.nunique() > 1 and change.nunique() > 1:
        test = scipy.stats.spearmanr(months.to_numpy(), change.to_numpy())
        rho, p = float(test.statistic), float(test.pvalue)
    groups = duration_groups(months)
    return {
        "maat": "verandering per cliënt (na - voor) tegen de duur van het ICO in maanden",
        "n": len(counts),
        "mediaan_maanden": float(months.median()) if len(counts) else None,
        "spearman_rho": rho,
        "p": p,
        "groepen": {
            str(label): _group_summary(counts.loc[(groups == label).to_numpy()])
            for label in groups.cat.categories
            if (groups == label).any()
        }
        if len(counts)
        else {},
    }


def _apply_holm(*families: dict[str, dict[str, Any]]) -> None:
    """One Holm family over every tested subgroup (SPEC §5: sex and age together; with them the ICO types)."""
    tested = [g for family in families for g in family.values() if g["p"] is not None]
    for group, adjusted in zip(tested, holm([g["p"] for g in tested]), strict=True):
        group["p_holm"] = adjusted


def _by_period_table(frame: pd.DataFrame, column: str, order: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    table = pd.crosstab(frame[column], period_of(frame["venster"].array), dropna=False)
    table = table.reindex(columns=list(PERIODS), fill_value=0)
    out = {}
    for label in order:
        if label not in table.index or table.loc[label].sum() == 0:
            continue
        row = {p: int(table.at[label, p]) for p in PERIODS}
        row["totaal"] = sum(row.values())
        row["afname"] = row["na"] - row["voor"]
        row["afname_pct"] = pct_change(row["voor"], row["na"])
        out[label] = row
    return out


def _frequencies(values: pd.Series) -> dict[str, int]:
    counts = values.value_counts().sort_index()
    return {str(int(k)): int(v) for k, v in counts.items()}


def _change_groups(counts: pd.DataFrame) -> dict[str, dict[str, int]]:
    out = {}
    for group in CHANGE_GROUPS:
        members = counts.loc[counts["verandergroep"] == group]
        entry = {"n": len(members)}
        tally = members["verandering"].value_counts()
        entry |= {c: int(tally.get(c, 0)) for c in CHANGE_CLASSES}
        entry["geen_na"] = int((members["na"] == 0).sum())
        out[group] = entry
    return out


def _class_breakdown(
    used: pd.DataFrame, counts: pd.DataFrame, column: str, order: list[str], distinct_clients: bool = False
) -> dict:
    """Registrations (or, with distinct_clients, the clients behind them) per IMK class and group."""
    frame = used.assign(groep=used["client_id"].map(counts[column].astype(str)))
    if distinct_clients:
        frame = frame.drop_duplicates(["klasse", "groep", "client_id"])
    table = pd.crosstab(frame["klasse"], frame["groep"])
    out = {}
    for klasse in sorted(table.index):
        out[klasse] = {g: int(table.at[klasse, g]) for g in order if g in table.columns}
    return out


def _clients_per(used: pd.DataFrame, column: str) -> dict[str, int]:
    """How many clients stand behind each value of `column`: the group size that disclosure control needs."""
    sizes = used.loc[used[column].notna()].groupby(column, observed=True)["client_id"].nunique()
    return {str(k): int(v) for k, v in sizes.sort_index().items()}


def _tested_groups(counts: pd.DataFrame, settings: Settings) -> dict[tuple[str, str], pd.Index]:
    """The subgroups SPEC §5 tests (sex: man and vrouw; age groups), by their compared clients."""
    out = {}
    for column, labels in (("geslacht", SEXES_TESTED), ("leeftijdsgroep", settings.age_labels)):
        for label in labels:
            ids = counts.index[(counts[column] == label).to_numpy()]
            if len(ids) >= max(settings.tests.min_group_size, 2):
                out[(column, str(label))] = ids
    return out


def _deaths(clients: pd.DataFrame) -> pd.Series | None:
    if "overleden" in clients and clients["overleden"].notna().any():
        return clients.set_index("client_id")["overleden"].dropna()
    return None


def _rates(
    windows: dict[str, int], counts: pd.DataFrame, clients: pd.DataFrame, settings: Settings, detention
) -> dict[str, Any]:
    """Per window and per period: registrations, person-months at risk, and their ratio."""
    months = person_months(clients.loc[clients["vergeleken"]], settings.windows, detention, _deaths(clients))
    names = list(settings.windows)
    periods = {"voor": names[:2], "tijdens": names[2:3], "na": names[3:]}
    regs = dict(windows) | {p: int(counts[p].sum()) for p in periods}
    months |= {p: sum(months[w] for w in ws) for p, ws in periods.items()}
    return rates(regs, months)


def _effects(
    rows: pd.DataFrame,
    clients: pd.DataFrame,
    settings: Settings,
    detention: pd.DataFrame | None,
    subgroups: dict[tuple[str, str], pd.Index],
    matched: MatchedDesign | None = None,
) -> dict[str, Any]:
    """The event study and the effect estimates; with time at risk, also the estimates without it."""
    regs = rows.loc[rows["status"].isin(USABLE), ["client_id", "datum"]]
    deaths = _deaths(clients)
    at_risk = detention is not None or deaths is not None
    out: dict[str, Any] = {
        "event_study": event_study(rows.loc[rows["status"] == "used"], clients.loc[clients["vergeleken"]], settings),
        "effect": estimates(regs, clients, settings, detention, deaths, subgroups, matched=matched),
    }
    for name in ESTIMATORS:
        out["effect"][name]["tijd_at_risk"] = at_risk
    if at_risk:
        out["effect_zonder_tijd_at_risk"] = estimates(regs, clients, settings, full=False)
        periods = detention if detention is not None else pd.DataFrame({"client_id": []})
        known = periods["client_id"].isin(clients["client_id"])
        out["tijd_at_risk"] = {
            "detentieperioden": len(periods),
            "clients_met_detentie": int(periods.loc[known, "client_id"].nunique()),
            "detentieperioden_onbekende_client": int((~known).sum()),
            "overleden": 0 if deaths is None else len(deaths),
        }
    return out


INTERNAL_NOTE = (
    "Intern bestand van de analist: exacte aantallen, ook van groepen kleiner dan min_publicatie, en de "
    "pseudoniemen van niet vergeleken cliënten. Niet publiceren; het rapport, tables/ en figures/ zijn "
    "beveiligd tegen herleidbaarheid."
)


def _severity_mix(counts: pd.DataFrame) -> dict[str, Any]:
    """Were the registrations after the ICO less severe, whatever their number? The mean weight per registration
    before and after, per client with registrations in both periods (the volume is the main test's)."""
    both = counts.loc[(counts["voor"] > 0) & (counts["na"] > 0)]
    before, after = both["score_voor"] / both["voor"], both["score_na"] / both["na"]
    test = paired_test(before, after)
    test["wilcoxon"].pop("reden", None)
    return {
        "maat": "gemiddeld gewicht per registratie, per cliënt met registraties vóór én na",
        "n_clients": len(both),
        "gemiddeld_voor": _mean(before),
        "gemiddeld_na": _mean(after),
        **test,
    }


def _severity_score(counts: pd.DataFrame, mapping: ImkMapping) -> dict[str, Any]:
    before, after = counts["score_voor"], counts["score_na"]
    test = paired_test(before, after)
    test["wilcoxon"].pop("reden", None)
    return {
        "mix": _severity_mix(counts),
        "registraties": "alle registraties (E-registraties wegen als licht)",
        "gewichten": dict(mapping.weights),
        "voor": float(before.sum()),
        "na": float(after.sum()),
        "gemiddeld_voor": _mean(before),
        "gemiddeld_na": _mean(after),
        "afname_pct": pct_change(before.sum(), after.sum()),
        **test,
    }


def _ranked(values: pd.Series) -> pd.Series:
    """Counts from most to least frequent, ties in alphabetical order: the same order every run."""
    return values.value_counts().sort_index().sort_values(ascending=False, kind="stable")


def _catalogue(used: pd.DataFrame, mapping: ImkMapping) -> dict[str, Any]:
    """Registrations per IMK class and per E code, with their names from the mapping."""
    classes = _ranked(used["klasse"])
    e_codes = _ranked(used.loc[used["klasse"] == E_CLASS, "imk_code"])
    class_names = mapping.classes.set_index("klasse")["klasse_naam"]
    code_names = mapping.table.set_index("code")["omschrijving"]
    return {
        "imk_classes": {k: int(v) for k, v in classes.items()},
        "imk_class_names": {k: str(class_names.get(k, "Onbekende klasse")) for k in classes.index},
        "e_codes": {k: int(v) for k, v in e_codes.items()},
        "e_code_names": {k: code_names.get(k, "") for k in e_codes.index},
    }


def _breakdowns(used: pd.DataFrame, counts: pd.DataFrame, settings: Settings, roles: pd.DataFrame) -> dict[str, Any]:
    """Classes by sex and age, and the clients behind every published breakdown (for disclosure control)."""
    is_e = used["klasse"] == E_CLASS
    ages = list(settings.age_labels)
    return {
        "class_by_sex": _class_breakdown(used, counts, "geslacht", list(SEXES)),
        "class_by_age": _class_breakdown(used, counts, "leeftijdsgroep", ages),
        "clients_per": {
            "imk_class": _clients_per(used, "klasse"),
            "e_code": _clients_per(used.loc[is_e], "imk_code"),
            "e_category": _clients_per(used.loc[is_e], "e_categorie"),
            "severity": _clients_per(used.loc[~is_e], "zwaarte"),
            "class_by_sex": _class_breakdown(used, counts, "geslacht", list(SEXES), True),
            "class_by_age": _class_breakdown(used, counts, "leeftijdsgroep", ages, True),
            "role": _clients_per(roles, "rol"),
        },
    }


def _top_two(frame: pd.DataFrame, unit: str, column: str) -> dict:
    """unit -> column -> [largest, second-largest] contribution of one client to that count."""
    per_client = (
        frame.groupby([unit, column, "client_id"], observed=True).size().astype(float).sort_values(ascending=False)
    )
    top = per_client.groupby(level=[0, 1], observed=True).head(2)
    out: dict[str, dict[str, list[float]]] = {}
    for (u, c, _), v in top.sort_index(level=[0, 1], sort_remaining=False).items():
        out.setdefault(str(u), {}).setdefault(str(c), []).append(float(v))
    for columns in out.values():
        for contributions in columns.values():
            contributions.sort(reverse=True)
            contributions.extend([0.0] * (2 - len(contributions)))
    return out


def _by_period_and_total(frame: pd.DataFrame, unit: str) -> dict:
    periods = frame.assign(_periode=period_of(frame["venster"].array).astype(str))
    out = _top_two(periods, unit, "_periode")
    for u, columns in _top_two(periods.assign(_periode="totaal"), unit, "_periode").items():
        out.setdefault(u, {}).update(columns)
    return out


def _dominance(used: pd.DataFrame, counts: pd.DataFrame, roles: pd.DataFrame) -> dict[str, Any]:
    """The one or two clients behind every published registration count, for the dominance rule: a count that
    one client makes (almost) alone tells about that client."""
    frame = used.assign(
        geslacht=used["client_id"].map(counts["geslacht"].astype(str)),
        leeftijdsgroep=used["client_id"].map(counts["leeftijdsgroep"].astype(str)),
        ico_type=used["client_id"].map(counts["ico_type"]),
        duurgroep=used["client_id"].map(duration_groups(counts["duur_maanden"]).astype(str)),
        alle="alle",
        totaal="totaal",
    )
    is_e = frame["klasse"] == E_CLASS
    return {
        "overall": _by_period_and_total(frame, "alle"),
        "windows": _top_two(frame, "venster", "totaal"),
        "by_sex": _by_period_and_total(frame, "geslacht"),
        "by_age": _by_period_and_total(frame, "leeftijdsgroep"),
        "by_ico_type": _by_period_and_total(frame, "ico_type"),
        "ico_duur": _by_period_and_total(frame, "duurgroep"),
        "imk_class": _top_two(frame, "klasse", "totaal"),
        "e_code": _top_two(frame.loc[is_e], "imk_code", "totaal"),
        "e_category": _by_period_and_total(frame.loc[is_e], "e_categorie"),
        "severity": _by_period_and_total(frame.loc[~is_e], "zwaarte"),
        "class_by_sex": _top_two(frame, "klasse", "geslacht"),
        "by_role": _by_period_and_total(roles, "rol"),
    }


def _ico_period(clients: pd.DataFrame) -> dict[str, str | None]:
    compared = clients.loc[clients["vergeleken"]]
    return {
        "eerste_start": None if compared.empty else compared["ico_start"].min().strftime("%Y-%m"),
        "laatste_eind": None if compared.empty else compared["ico_eind"].max().strftime("%Y-%m"),
    }


def _data_quality(rows: pd.DataFrame, clients: pd.DataFrame, counts: pd.DataFrame) -> dict[str, Any]:
    excluded = clients.loc[~clients["vergeleken"]].sort_values("client_id")
    unknown_codes = rows.loc[rows["onbekende_code"], "imk_code"].value_counts().sort_index()
    return {
        "clients_read": len(clients),
        "clients_excluded_followup": {
            reason: int((excluded["uitsluiting"] == reason).sum()) for reason in EXCLUSION_REASONS
        },
        "excluded_clients": [
            {"client_id": c, "reden": r} for c, r in zip(excluded["client_id"], excluded["uitsluiting"], strict=True)
        ],
        "clients_without_registrations": int((counts["totaal"] == 0).sum()),
        "unknown_codes": {k: int(v) for k, v in unknown_codes.items()},
    }


def analyse(
    rows: pd.DataFrame,
    clients: pd.DataFrame,
    mapping: ImkMapping,
    settings: Settings,
    detention: pd.DataFrame | None = None,
    comparison: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> tuple[Results, pd.DataFrame]:
    """(the typed results of SPEC §6, the per-client table behind them). With `comparison` (the comparison
    persons and their validated export), also the matched comparison group of issue 12."""
    used = rows.loc[rows["status"] == "used"].reset_index(drop=True)
    roles = role_rows(rows)
    counts = client_counts(used, clients, settings)
    windows = used["venster"].value_counts().reindex(list(settings.windows), fill_value=0)
    by_sex = _subgroups(counts, "geslacht", list(SEXES), _sex_reason(settings), settings)
    by_age = _subgroups(counts, "leeftijdsgroep", list(settings.age_labels), _small(settings), settings)
    by_ico_type = _by_ico_type(counts, settings)
    _apply_holm(by_sex, by_age, by_ico_type)
    is_e = used["klasse"] == E_CLASS
    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "intern": True,
        "intern_toelichting": INTERNAL_NOTE,
        "n_clients": len(counts),
        "n_registrations": len(used),
        "windows": {w: int(windows[w]) for w in settings.windows},
        "perioden_per_maand": _rates(
            {w: int(windows[w]) for w in settings.windows}, counts, clients, settings, detention
        ),
        "overall": _group_summary(counts) | paired_test(counts["voor"], counts["na"]),
        "by_sex": by_sex,
        "by_age": by_age,
        "by_ico_type": by_ico_type,
        "by_role": by_role(roles, counts.index, settings),
        "ico_duur": _ico_duration(counts),
        "e_categories": _by_period_table(used.loc[is_e], "e_categorie", mapping.e_categories),
        "severity": _by_period_table(used.loc[~is_e], "zwaarte", mapping.severities),
        "severity_score": _severity_score(counts, mapping),
        **_catalogue(used, mapping),
        "change_groups": _change_groups(counts),
        "change_groups_null": null_change_groups(counts, clients.loc[clients["vergeleken"]], settings),
        "distributions": {
            "registraties_per_client": _frequencies(counts["totaal"]),
            "e_registraties_per_client": _frequencies(counts["e_totaal"]),
        },
        **_breakdowns(used, counts, settings, roles),
        "dominance": _dominance(used, counts, roles),
        "ico_periode": _ico_period(clients),
        "reconciliation": reconciliation(rows, clients),
        "data_quality": _data_quality(rows, clients, counts),
        "settings": settings.used(),
    }
    design = None
    if comparison is not None:
        results["matching"], design = _comparison_group(rows, clients, mapping, settings, comparison)
    results |= _effects(rows, clients, settings, detention, _tested_groups(counts, settings), design)
    return Results.model_validate(results), counts


def _comparison_group(
    rows: pd.DataFrame,
    clients: pd.DataFrame,
    mapping: ImkMapping,
    settings: Settings,
    comparison: tuple[pd.DataFrame, pd.DataFrame],
) -> tuple[dict[str, Any], MatchedDesign]:
    """`matching` and the matched design the effect estimates use (issue 12)."""
    persons, export = comparison
    classified = classify(export, mapping, settings, source="vergelijkingsgroep (politie-export)")
    return comparison_group(rows, clients, persons, classified, settings)
