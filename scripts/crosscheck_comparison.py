"""Cross-check of the comparison estimate against an established implementation (pyfixest's fepois).

Not part of the pipeline or its tests: pyfixest is a heavy dependency the project does not need at run time.
Run it in an environment that has it:

    pip install pyfixest && python scripts/crosscheck_comparison.py [--replications 10]

For simulated exports it fits the same panel (client x calendar month, log days at risk as offset) three ways:
the pipeline's Poisson GEE with calendar-month and ICO-cohort effects; pyfixest's Poisson with the same fixed
effects (the point estimates must agree); and pyfixest's Poisson with client and calendar-month fixed effects
(a different specification: the classic two-way fixed-effects DiD with not-yet-treated controls).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pyfixest as pf

from pipeline.config.settings import load_settings
from pipeline.io.readers import read_table
from pipeline.paths import DEFAULT_CONFIG
from pipeline.stages.align import align
from pipeline.stages.effect import _irr, _panel
from pipeline.stages.validate import validate
from pipeline.tools.simulation import Truth, simulate
from schemas.vocabulary import USABLE


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=10)
    args = parser.parse_args()
    settings = load_settings(DEFAULT_CONFIG)
    print("| truth | seed | pipeline GEE (cohort + month) | pyfixest (cohort + month) | pyfixest (client + month) |")
    print("| --- | --- | --- | --- | --- |")
    for truth in (1.0, 0.7):
        for seed in range(args.replications):
            clients, export = simulate(Truth(irr=truth), seed)
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                clients.to_csv(folder / "clients.csv", index=False)
                export.to_csv(folder / "bvh.csv", index=False)
                c, b = validate(read_table(folder / "clients.csv"), read_table(folder / "bvh.csv"))
            rows, aligned = align(b, c, settings)
            panel = _panel(rows.loc[rows["status"].isin(USABLE), ["client_id", "datum"]], aligned, settings, None, None)
            ours = _irr(panel, ["after", "maand", "cohort"])
            data = panel.assign(log_days=np.log(panel["dagen"]))
            cells = []
            for fixed in ("cohort + maand", "client_id + maand"):
                fit = pf.fepois(f"y ~ after | {fixed}", data=data, vcov={"CRV1": "client_id"}, offset="log_days")
                low, high = np.exp(fit.confint().loc["after"])
                cells.append(f"{np.exp(fit.coef()['after']):.4f} ({low:.3f}-{high:.3f})")
            mine = f"{ours['irr']:.4f} ({ours['ci_low']:.3f}-{ours['ci_high']:.3f})"
            print(f"| {truth} | {seed} | {mine} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
