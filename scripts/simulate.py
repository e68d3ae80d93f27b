"""The simulation study that tries to break the effect estimators (`make simulate`; issue 11).

Each scenario is a data-generating process with a known truth (pipeline.synthetic.simulation.Truth); each
replication simulates registrations for one ZVH, builds the client x month panel and fits the estimators
directly (the same functions the pipeline calls), so that hundreds of replications run in minutes. For each
estimator: the mean rate ratio, the bias (mean minus truth), how often the 95% interval covers the truth
(with its Monte Carlo standard error), and how often it excludes 1 (power, or the false-alarm rate where the
truth is 1); and how often the pre-trend check fails.

Writes benchmarks/SIMULATION.md and the table between the simulation markers in README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from pipeline.config.settings import load_settings
from pipeline.estimation.effect import Estimators, pretrend
from pipeline.paths import DEFAULT_CONFIG, DEFAULT_MAPPING
from pipeline.stages.align import client_windows
from pipeline.synthetic.region import Region, write_region
from pipeline.synthetic.simulation import Truth, registrations
from pipeline.workflow.run import analyse_files

ESTIMATORS = {
    "cohort": "per cohort (ETWFE)",
    "naive": "vóór-na (naive)",
    "symmetric": "symmetrisch",
    "comparison": "vaste effecten (fepois)",
    "imputation": "imputatie (BJS)",
}
SCENARIOS = {
    "gunstig, geen effect": Truth(irr=1.0),
    "gunstig, effect 0,7": Truth(irr=0.7),
    "ICO-duur stijgt met het tempo, onvolledige follow-up": Truth(irr=1.0, duration_by_rate=True),
    "effect verschilt per cohort (0,5 in 2020, 1,0 vanaf 2021)": Truth(irr=0.5, irr_late=1.0),
    "effect verschilt per cohort, omgekeerd (1,0 in 2020, 0,5 vanaf 2021)": Truth(irr=1.0, irr_late=0.5),
    "aanloop 6 maanden (instelling 3)": Truth(irr=1.0, surge_months=6),
    "verwijzing na een toevallige piek (regressie naar het gemiddelde)": Truth(
        irr=1.0, random_peak=True, surge=1.0, during=1.0, dips=False
    ),
    "kalenderschok treft hoge tempo's harder": Truth(irr=1.0, shock=(0.5, 1.0)),
}
START, END = "<!-- simulation:start -->", "<!-- simulation:end -->"
# issue 12: a police population whose registrations fluctuate, referral after a spell the police saw
REGIONS = {
    "regio, geen effect": Region(irr=1.0),
    "regio, effect 0,7": Region(irr=0.7),
    "regio, sterke selectie op de laatste maanden, geen effect": Region(irr=1.0, hazard=0.0005, hazard_slope=0.6),
    # the README's known weakness: referral doubles with every registration in the three months before
    "regio, steile selectie (x2 per registratie), geen effect": Region(irr=1.0, hazard_slope=0.7),
    "regio, steile selectie (x2 per registratie), effect 0,7": Region(irr=0.7, hazard_slope=0.7),
}
REGION_ESTIMATORS = {**ESTIMATORS, "matched": "vergelijkingsgroep (gekoppeld)"}
MATCHED_START, MATCHED_END = "<!-- simulation-matched:start -->", "<!-- simulation-matched:end -->"


def one(args: tuple[str, int, int]) -> dict:
    """The estimates of one replication of one scenario."""
    scenario, n_clients, seed = args
    settings = load_settings(DEFAULT_CONFIG)
    truth = replace(SCENARIOS[scenario], n_clients=n_clients)
    clients, regs, true_irr = registrations(
        truth, seed, settings.van.date().isoformat(), settings.tot.date().isoformat()
    )
    clients = client_windows(clients, settings)
    run = Estimators(regs, clients, settings)
    found = run.basic()
    test = pretrend(
        run.cells,
        settings.effect.anticipation_months,
        settings.effect.lead_months,
        settings.tests.alpha,
        settings.effect.lead_block_months,
    )
    out = {"truth": true_irr, "pretrend_failed": test["passed"] is False}
    for name in ESTIMATORS:
        out[name] = {k: found[name].get(k) for k in ("irr", "ci_low", "ci_high")}
    return out


def one_region(args: tuple[str, int]) -> dict:
    """Every estimate, the balance and the matched counts of one simulated region, through the pipeline."""
    import tempfile

    scenario, seed = args
    region = REGIONS[scenario]
    with tempfile.TemporaryDirectory() as folder:
        results = analyse_files(write_region(Path(folder), region, seed), DEFAULT_CONFIG, DEFAULT_MAPPING)
    effect = results["effect"]
    out = {"truth": region.irr, "pretrend_failed": effect["pretrend"]["passed"] is False}
    for name in REGION_ESTIMATORS:
        out[name] = {k: effect[name].get(k) for k in ("irr", "ci_low", "ci_high")}
    out["max_abs_smd"] = results["matching"]["max_abs_smd"]
    out["matched_clients"] = results["matching"]["gematcht"]
    out["clients"] = results["matching"]["clients"]
    return out


def summarise(runs: list[dict], estimators: dict[str, str] = ESTIMATORS) -> dict[str, dict[str, float]]:
    truth = np.array([r["truth"] for r in runs])
    failed = np.array([r["pretrend_failed"] for r in runs])
    out = {}
    for name in estimators:
        ok = np.array([r[name]["irr"] is not None for r in runs])
        irr = np.array([r[name]["irr"] if o else np.nan for r, o in zip(runs, ok, strict=True)])
        low = np.array([r[name]["ci_low"] if o else np.nan for r, o in zip(runs, ok, strict=True)])
        high = np.array([r[name]["ci_high"] if o else np.nan for r, o in zip(runs, ok, strict=True)])
        covers = (low <= truth) & (truth <= high)
        n = int(ok.sum())
        coverage = float(covers[ok].mean()) if n else float("nan")
        out[name] = {
            "n": n,
            "truth": float(truth.mean()),
            "mean": float(np.nanmean(irr)),
            "bias": float(np.nanmean(irr) - truth.mean()),
            "coverage": coverage,
            "coverage_mcse": float(np.sqrt(coverage * (1 - coverage) / n)) if n else float("nan"),
            "excludes_1": float(((high < 1) | (low > 1))[ok].mean()) if n else float("nan"),
            "covers_or_flagged": float((covers | failed)[ok].mean()) if n else float("nan"),
        }
    out["pretrend_failed"] = {"share": float(failed.mean())}
    return out


def table(results: dict[str, dict[int, dict]]) -> str:
    lines = [
        "| scenario | clients | truth | estimator | mean IRR | bias | coverage ± MC SE | excludes 1 | pre-trend fails "
        "| covers or flagged |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scenario, by_size in results.items():
        for size, summary in by_size.items():
            for name, label in ESTIMATORS.items():
                s = summary[name]
                lines.append(
                    f"| {scenario} | {size} | {s['truth']:.2f} | {label} | {s['mean']:.3f} | {s['bias']:+.3f} | "
                    f"{s['coverage']:.0%} ± {s['coverage_mcse']:.1%} | {s['excludes_1']:.0%} | "
                    f"{summary['pretrend_failed']['share']:.0%} | {s['covers_or_flagged']:.0%} |"
                )
    return "\n".join(lines)


def region_table(results: dict[str, dict]) -> str:
    lines = [
        "| scenario | clients (matched) | truth | estimator | mean IRR | bias | coverage ± MC SE | excludes 1 "
        "| max abs SMD (mean / max) |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scenario, summary in results.items():
        for name, label in REGION_ESTIMATORS.items():
            s = summary[name]
            balance = summary["balance"]
            lines.append(
                f"| {scenario} | {balance['clients']:.0f} ({balance['matched']:.0f}) | {s['truth']:.2f} | {label} | "
                f"{s['mean']:.3f} | {s['bias']:+.3f} | {s['coverage']:.0%} ± {s['coverage_mcse']:.1%} | "
                f"{s['excludes_1']:.0%} | "
                + (f"{balance['smd_mean']:.3f} / {balance['smd_max']:.3f} |" if name == "matched" else " |")
            )
    return "\n".join(lines)


def regions(replications: int, seed: int, workers: int) -> str:
    """The matched comparison on simulated regions (issue 12), beside the other estimators on the same data."""
    began = time.perf_counter()
    results = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for scenario in REGIONS:
            runs = list(pool.map(one_region, [(scenario, seed + r) for r in range(replications)], chunksize=4))
            summary = summarise(runs, REGION_ESTIMATORS)
            smd = np.array([r["max_abs_smd"] for r in runs if r["max_abs_smd"] is not None])
            summary["balance"] = {
                "smd_mean": float(smd.mean()),
                "smd_max": float(smd.max()),
                "clients": float(np.mean([r["clients"] for r in runs])),
                "matched": float(np.mean([r["matched_clients"] for r in runs])),
            }
            results[scenario] = summary
            print(f"{scenario}: {time.perf_counter() - began:.0f} s", file=sys.stderr)
    minutes = (time.perf_counter() - began) / 60
    text = (
        f"{replications} simulated regions per scenario (seeds {seed} on), {minutes:.1f} minutes on {workers} "
        f"processes, through the pipeline's own stages with the settings of config/analysis.yaml. Each region "
        f"(pipeline/synthetic/region.py, `Region`): 4,000 persons with a stable rate times a monthly AR(1) "
        f"fluctuation; from the thirteenth month on, a person is referred with a probability rising with his "
        f"registrations in the three months before; after the ICO's end the rate is multiplied by the truth. "
        f"'max abs SMD': `matching.max_abs_smd` per region, the largest standardised difference after matching "
        f"of a matching variable or age.\n\n"
        f"{region_table(results)}\n"
    )
    Path("benchmarks/simulation_matched.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--sizes", type=int, nargs="+", default=[170, 500])
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenarios", nargs="*", default=list(SCENARIOS))
    parser.add_argument("--regions", type=int, default=200, help="simulated regions per scenario (issue 12); 0: none")
    args = parser.parse_args()
    if args.regions:
        Path("benchmarks").mkdir(exist_ok=True)
        matched = regions(args.regions, args.seed, args.workers)
        Path("benchmarks/SIMULATION_MATCHED.md").write_text(
            "# Simulation study of the matched comparison (issue 12)\n\n" + matched, encoding="utf-8"
        )
        readme = Path("README.md")
        content = readme.read_text(encoding="utf-8")
        if MATCHED_START in content and MATCHED_END in content:
            content = re.sub(
                f"{MATCHED_START}.*?{MATCHED_END}",
                lambda _: f"{MATCHED_START}\n{matched}{MATCHED_END}",
                content,
                flags=re.S,
            )
            readme.write_text(content, encoding="utf-8")
    if not args.scenarios:
        return
    began = time.perf_counter()
    results: dict[str, dict[int, dict]] = {}
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for scenario in args.scenarios:
            results[scenario] = {}
            for size in args.sizes:
                jobs = [(scenario, size, args.seed + r) for r in range(args.replications)]
                runs = list(pool.map(one, jobs, chunksize=8))
                results[scenario][size] = summarise(runs)
                print(f"{scenario}, {size}: {time.perf_counter() - began:.0f} s", file=sys.stderr)
    minutes = (time.perf_counter() - began) / 60
    text = (
        f"{args.replications} replications per scenario and size (seeds {args.seed} on), {minutes:.1f} minutes "
        f"on {args.workers} processes; settings of config/analysis.yaml (anticipation 3 months, pre-trend check "
        f"over months -12 to -4 in blocks of 3). 'coverage ± MC SE': share of 95% intervals that hold the truth, "
        f"with its Monte Carlo standard error; 'excludes 1': share of intervals without 1 (power; where the truth "
        f"is 1, false alarms); 'covers or flagged': the interval holds the truth or the pre-trend check fails, "
        f"so that the report says the estimate cannot be trusted. Scenarios: "
        f"pipeline/synthetic/simulation.py (Truth).\n\n"
        f"{table(results)}\n"
    )
    Path("benchmarks").mkdir(exist_ok=True)
    Path("benchmarks/SIMULATION.md").write_text(
        "# Simulation study of the effect estimates\n\n" + text, encoding="utf-8"
    )
    Path("benchmarks/simulation.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    readme = Path("README.md")
    content = readme.read_text(encoding="utf-8")
    if START in content and END in content:
        content = re.sub(f"{START}.*?{END}", lambda _: f"{START}\n{text}{END}", content, flags=re.S)
        readme.write_text(content, encoding="utf-8")


if __name__ == "__main__":
    main()
