"""Editions and regions side by side, from their results.json alone: method check, differences, pooling.

The runs travel as results.json files between ZVHs, never as person-level data. What a run's own report hides
(a small or dominated group) stays hidden here: the comparison reads each run through its own disclosure
control.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from pipeline.disclosure.protection import Protection
from pipeline.estimation.intervals import CONFIDENCE, Z
from pipeline.estimation.planning import PLANNED_RATIOS, clients_needed, se_from_interval
from pipeline.formatting.numbers import share
from schemas.editions import Comparison, Difference, MethodDifference, Planning, Pooled, Ratio, Run
from schemas.results import Results

# What the method of a run is, and what a difference in it does to the comparison. A difference in the first
# group changes what the primary estimate measures: such a run is shown, marked, and never pooled.
MARKING = {
    "IMK-indeling": "E-categorieën, zwaarte en zwaartescore zijn anders ingedeeld; de schattingen tellen "
    "mogelijk andere registraties",
    "perioden rond het ICO": "de vóór-na-vergelijking en de perioden meten over andere maanden",
    "rollen die meetellen": "er worden andere registraties geteld",
    "hoofdschatting": "de hoofdschattingen zijn met een andere methode gemaakt",
    "aanloop": "de hoofdschatting laat andere maanden vóór het ICO buiten de vergelijking",
    "tijd at risk": "de ene run telt tijd in detentie mee, de andere niet",
}
OTHER = {
    "leeftijdsgroepen": "de subgroepen naar leeftijd zijn niet dezelfde groepen",
    "gewichten zwaarte": "de zwaartescores zijn niet vergelijkbaar",
    "geheimhouding": "andere groepen kunnen verborgen zijn",
    "versie": "de berekening kan verschillen; de resultaten zijn meestal wel vergelijkbaar",
    "vergelijkingsgroep": "een run met een gekoppelde vergelijkingsgroep heeft die als hoofdschatting; vergeleken "
    "wordt de schatting die alle runs hebben",
}


def compared_estimator(results: Sequence[Results]) -> str:
    """The estimator the runs are compared on: their primary one when they share it; otherwise, when some runs
    had a comparison group (issue 12) and others not, the estimator the reference's settings name, which every
    run reports; failing that the reference's primary, and the runs that differ are marked."""
    primaries = {r.effect.primary.estimator for r in results}
    reference = results[0]
    if len(primaries) == 1:
        return primaries.pop()
    named = reference.settings.primair
    if named and all(getattr(r.effect, named, None) is not None for r in results):
        return named
    return reference.effect.primary.estimator


def _estimate(r: Results, estimator: str):
    found = getattr(r.effect, estimator, None)
    return found if found is not None else r.effect.primary


def _estimator_used(r: Results, estimator: str) -> str:
    return estimator if getattr(r.effect, estimator, None) is not None else r.effect.primary.estimator


def method_of(r: Results, estimator: str | None = None) -> dict[str, str]:
    s = r.settings
    return {
        "IMK-indeling": r.provenance.mapping.sha256[:12],
        "perioden rond het ICO": f"{s.vensters.lang_maanden}/{s.vensters.kort_maanden} maanden",
        "rollen die meetellen": s.rollen if isinstance(s.rollen, str) else ", ".join(s.rollen),
        # the estimator compared: the one used, whatever the setting said
        "hoofdschatting": _estimator_used(r, estimator or r.effect.primary.estimator),
        "aanloop": f"{s.anticipatie_maanden} maanden",
        "tijd at risk": "ja" if r.tijd_at_risk is not None else "nee",
        "leeftijdsgroepen": ", ".join(s.leeftijdsgroepen),
        "gewichten zwaarte": ", ".join(f"{k} {v:g}" for k, v in r.severity_score.gewichten.items()),
        "geheimhouding": f"minimaal {s.min_publicatie} cliënten",
        "versie": r.provenance.project.version,
        "vergelijkingsgroep": "ja" if r.matching is not None else "nee",
    }


def label_of(r: Results) -> str:
    p = r.settings.periode
    return f"{r.settings.rapport.organisatie} {p.van[:4]}–{p.tot[:4]}"


def _unique(labels: list[str]) -> list[str]:
    """Two runs of one organisation and period (a rerun) still need names a reader can tell apart."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if labels.count(label) == 1 else f"{label} ({seen[label]})")
    return out


def se_log(e: Ratio) -> float | None:
    return se_from_interval(e.irr, e.ci_low, e.ci_high)


def _run(r: Results, label: str, file: str, marked: bool, estimator: str) -> Run:
    p = Protection(r)
    primary = _estimate(r, estimator)
    per = r.perioden_per_maand or {}
    e_total = sum(c.totaal for c in r.e_categories.values())
    sev_total = sum(c.totaal for c in r.severity.values())
    groups: dict[str, float | None] = {}
    for family, hidden, prefix in ((r.by_sex, p.sex, "geslacht"), (r.by_age, p.age, "leeftijd")):
        for name, g in family.items():
            groups[f"{prefix} {name}"] = None if name in hidden else g.afname_pct
    ratio = Ratio(irr=primary.irr, ci_low=primary.ci_low, ci_high=primary.ci_high)
    return Run(
        label=label,
        organisatie=r.settings.rapport.organisatie,
        periode=f"{r.settings.periode.van} t/m {r.settings.periode.tot}",
        bestand=file,
        n_clients=r.n_clients,
        n_registrations=r.n_registrations,
        voor=r.overall.voor,
        na=r.overall.na,
        per_client_per_maand={k: per[k].per_client_per_maand if k in per else None for k in ("voor", "tijdens", "na")},
        estimator=_estimator_used(r, estimator),
        irr=primary.irr,
        ci_low=primary.ci_low,
        ci_high=primary.ci_high,
        se_log=se_log(ratio),
        pretrend_passed=None if r.effect.pretrend is None else r.effect.pretrend.passed,
        gemarkeerd=marked,
        e_aandeel={c: None if c in p.e_category else share(v.totaal, e_total) for c, v in r.e_categories.items()},
        zwaarte_aandeel={c: None if c in p.severity else share(v.totaal, sev_total) for c, v in r.severity.items()},
        subgroepen=groups,
    )


def method_differences(methods: dict[str, dict[str, str]]) -> list[MethodDifference]:
    out = []
    for key, consequence in (MARKING | OTHER).items():
        values = {label: m[key] for label, m in methods.items()}
        if len(set(values.values())) > 1:
            out.append(MethodDifference(kenmerk=key, waarden=values, gevolg=consequence))
    return out


def pool(runs: Sequence[Run]) -> Pooled | None:
    """Random-effects meta-analysis of the log rate ratios, with I². The between-run variance by Paule-Mandel
    (statsmodels' iterated estimator, bounded at zero as it must be): statsmodels 0.15's one-step
    DerSimonian-Laird option does not truncate a negative estimate at zero, which collapses the interval of
    runs that agree more than chance would have them (tests/test_compare.py)."""
    from statsmodels.stats.meta_analysis import combine_effects

    usable = [x for x in runs if x.irr is not None and x.se_log]
    if len(usable) < 2:
        return None
    effect = np.log([x.irr for x in usable])
    variance = np.array([x.se_log for x in usable]) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):  # its own I² divides by Q, zero when runs agree exactly
        res = combine_effects(effect, variance, method_re="iterated", use_t=False)
    k, q = len(usable), float(res.q)
    mean = float(res.mean_effect_re)
    # Hartung-Knapp-Sidik-Jonkman: a t interval on k - 1 degrees of freedom, never narrower than the plain one
    # (with few runs the normal interval is too narrow); the prediction interval says where a next run's
    # estimate may lie, on k - 2 degrees of freedom
    sd = max(float(res.sd_eff_w_re), float(res.sd_eff_w_re_hksj))
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, k - 1)) * sd
    if k >= 3:
        spread = float(stats.t.ppf(0.5 + CONFIDENCE / 2, k - 2)) * math.sqrt(float(res.tau2) + sd**2)
        prediction = (math.exp(mean - spread), math.exp(mean + spread))
    else:
        prediction = (None, None)
    return Pooled(
        irr=math.exp(mean),
        ci_low=math.exp(mean - half),
        ci_high=math.exp(mean + half),
        voorspelling_low=prediction[0],
        voorspelling_high=prediction[1],
        i2=max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0,
        tau2=float(res.tau2),
        q=q,
        p_heterogeniteit=float(res.test_homogeneity().pvalue),
        n_runs=k,
        runs=[x.label for x in usable],
        methode="random effects op de logaritme van de verhouding (Paule-Mandel, statsmodels combine_effects), "
        "interval volgens Hartung-Knapp-Sidik-Jonkman",
    )


def differences(runs: Sequence[Run]) -> list[Difference]:
    """Each pair's ratio of rate ratios, as independent samples: a client in both runs makes the two estimates
    positively correlated, so the true interval of the difference is narrower and this test conservative."""
    out = []
    for a, b in itertools.combinations(runs, 2):
        if a.irr is None or b.irr is None or not a.se_log or not b.se_log:
            continue
        d = math.log(a.irr) - math.log(b.irr)
        se = math.hypot(a.se_log, b.se_log)
        out.append(
            Difference(
                a=a.label,
                b=b.label,
                ratio=math.exp(d),
                ci_low=math.exp(d - Z * se),
                ci_high=math.exp(d + Z * se),
                p=float(2 * stats.norm.sf(abs(d) / se)),
            )
        )
    return out


def planning(runs: Sequence[Run], alpha: float, power: float) -> list[Planning]:
    return [
        Planning(run=x.label, irr=irr, n_clients=clients_needed(x.se_log, x.n_clients, irr, alpha, power))
        for x in runs
        if x.se_log
        for irr in PLANNED_RATIOS
    ]


def compare(results: Sequence[tuple[str, Results]]) -> Comparison:
    """The comparison of runs given as (file name, results); the first run is the reference for the method."""
    labels = _unique([label_of(r) for _, r in results])
    estimator = compared_estimator([r for _, r in results])
    methods = {label: method_of(r, estimator) for label, (_, r) in zip(labels, results, strict=True)}
    reference = methods[labels[0]]
    runs = [
        _run(r, label, file, any(methods[label][k] != reference[k] for k in MARKING), estimator)
        for label, (file, r) in zip(labels, results, strict=True)
    ]
    alpha = results[0][1].settings.alpha
    power = results[0][1].settings.power
    return Comparison(
        runs=runs,
        referentie=labels[0],
        methode_verschillen=method_differences(methods),
        pooled=pool([x for x in runs if not x.gemarkeerd]),
        verschillen=differences(runs),
        planning=planning(runs, alpha, power),
        power=power,
        alpha=alpha,
    )
