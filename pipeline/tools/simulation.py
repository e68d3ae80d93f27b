"""Exports simulated with a known truth, to see how the three effect estimates behave (`make simulate`).

Each client has a stable rate of registrations; in the months before the ICO it surges, and that surge is
what gets the client referred; calendar months with COVID-19 measures dip for everybody; after the ICO the
rate is multiplied by the true rate ratio (1: no effect). The exports go through the real pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config.mapping import ImkMapping
from pipeline.config.settings import Settings
from pipeline.io.readers import read_table
from pipeline.stages.align import align
from pipeline.stages.analyse import analyse
from pipeline.stages.classify import classify
from pipeline.stages.validate import validate

CODES = ("E33", "E11", "E41", "E38", "F010", "D10", "A50", "I121")
DIPS = {"2020-04": 0.6, "2020-05": 0.6, "2020-12": 0.75, "2021-01": 0.75, "2021-02": 0.75, "2021-03": 0.8}


@dataclass(frozen=True)
class Truth:
    irr: float = 1.0  # the rate ratio after the ICO against the client's own stable rate
    n_clients: int = 500
    rate_per_month: float = 1.0  # mean stable rate
    surge: float = 2.5  # rate ratio in the surge before the referral
    surge_months: int = 3
    during: float = 1.8  # rate ratio during the ICO
    dips: bool = True


def simulate(
    truth: Truth, seed: int, van: str = "2019-06-01", tot: str = "2022-05-31"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(client list, police export) as files would hold them, with every rate known."""
    rng = np.random.default_rng(seed)
    n = truth.n_clients
    days = pd.date_range(van, tot, freq="D")
    rate = rng.gamma(1.5, truth.rate_per_month / 1.5, size=n)
    start = pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 517, size=n), unit="D")
    length = pd.to_timedelta(rng.integers(0, 180, size=n), unit="D")
    end = pd.Series(start + length).clip(upper=pd.Timestamp(tot) - pd.DateOffset(months=6))
    end = end.where(end >= start, start)

    day = days.to_numpy()[None, :]
    per_day = rate[:, None] / 30.44 * np.ones((1, len(days)))
    if truth.dips:
        dip = pd.Series(days.strftime("%Y-%m")).map(DIPS).fillna(1.0).to_numpy()
        per_day = per_day * dip[None, :]
    s = start.to_numpy()[:, None]
    e = end.to_numpy()[:, None]
    surge_from = (start - pd.DateOffset(months=truth.surge_months)).to_numpy()[:, None]
    per_day = np.where((day >= surge_from) & (day < s), per_day * truth.surge, per_day)
    per_day = np.where((day >= s) & (day <= e), per_day * truth.during, per_day)
    per_day = np.where(day > e, per_day * truth.irr, per_day)
    counts = rng.poisson(per_day)

    who, when = np.nonzero(counts)
    reps = counts[who, when]
    who, when = np.repeat(who, reps), np.repeat(when, reps)
    ids = np.array([f"S{i:05d}" for i in range(n)])
    export = pd.DataFrame(
        {
            "client_id": ids[who],
            "registratienummer": [f"PL-{k:08d}" for k in range(len(who))],
            "datum": days[when].strftime("%Y-%m-%d"),
            "imk_code": rng.choice(CODES, size=len(who)),
            "rol": "verdachte",
        }
    )
    clients = pd.DataFrame(
        {
            "client_id": ids,
            "geslacht": rng.choice(["man", "vrouw"], size=n, p=[0.75, 0.25]),
            "leeftijd": rng.integers(18, 80, size=n),
            "ico_start": start.strftime("%Y-%m-%d"),
            "ico_eind": pd.DatetimeIndex(end).strftime("%Y-%m-%d"),
        }
    )
    return clients, export


def run_once(truth: Truth, seed: int, folder: Path, settings: Settings, mapping: ImkMapping) -> dict:
    """The pipeline's effect estimates on one simulated export."""
    clients, export = simulate(truth, seed)
    folder.mkdir(parents=True, exist_ok=True)
    clients.to_csv(folder / "clients.csv", index=False)
    export.to_csv(folder / "bvh.csv", index=False)
    c, b = validate(read_table(folder / "clients.csv"), read_table(folder / "bvh.csv"))
    rows, aligned = align(b, c, settings)
    results, _ = analyse(classify(rows, mapping, settings), aligned, mapping, settings)
    return results.to_dict()["effect"]


def write_large_export(folder: Path, n_rows: int, seed: int = 7, per_client: int = 20) -> tuple[Path, Path]:
    """A large export for benchmarks: about `n_rows` registrations, one client per `per_client` of them,
    simulated in chunks of clients so that memory stays small (ten million rows included)."""
    folder.mkdir(parents=True, exist_ok=True)
    n_clients = max(n_rows // per_client, 10)
    truth = Truth(irr=0.8, rate_per_month=0.54)
    clients_path, bvh_path = folder / "clients.csv", folder / "bvh.csv"
    chunk = 10_000
    with (
        open(clients_path, "w", encoding="utf-8", newline="") as c_out,
        open(bvh_path, "w", encoding="utf-8", newline="") as b_out,
    ):
        numbered = 0
        for first in range(0, n_clients, chunk):
            size = min(chunk, n_clients - first)
            clients, export = simulate(dataclass_replace(truth, n_clients=size), seed + first)
            ids = {f"S{i:05d}": f"C{first + i:07d}" for i in range(size)}
            clients["client_id"] = clients["client_id"].map(ids)
            export["client_id"] = export["client_id"].map(ids)
            export["registratienummer"] = "PL-" + pd.Series(
                np.arange(numbered, numbered + len(export)), index=export.index
            ).astype(str).str.zfill(9)
            numbered += len(export)
            clients.to_csv(c_out, index=False, header=first == 0, lineterminator="\n")
            export.to_csv(b_out, index=False, header=first == 0, lineterminator="\n")
    return clients_path, bvh_path
