"""Exports simulated with a known truth, to see how the effect estimates behave (`make simulate`).

In the favourable design each client has a stable rate of registrations; in the months before the ICO it
surges, and that surge is what gets the client referred; calendar months with COVID-19 measures dip for
everybody; after the ICO the rate is multiplied by the true rate ratio (1: no effect). The other designs of
`Truth` each break one assumption (issue 11): see scripts/simulate.py for the study.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analysis.analyse import analyse
from pipeline.config.mapping import ImkMapping
from pipeline.config.settings import Settings
from pipeline.io.readers import read_table
from pipeline.stages.align import align
from pipeline.stages.classify import classify
from pipeline.stages.validate import validate

CODES = ("E33", "E11", "E41", "E38", "F010", "D10", "A50", "I121")
DIPS = {"2020-04": 0.6, "2020-05": 0.6, "2020-12": 0.75, "2021-01": 0.75, "2021-02": 0.75, "2021-03": 0.8}


@dataclass(frozen=True)
class Truth:
    """A data-generating process with every rate known. The defaults are the favourable design: stable
    rates, a surge before the referral no longer than the anticipation setting, full follow-up."""

    irr: float = 1.0  # the rate ratio after the ICO against the client's own rate
    n_clients: int = 500
    rate_per_month: float = 1.0  # mean stable rate
    surge: float = 2.5  # rate ratio in the surge before the referral
    surge_months: int = 3
    during: float = 1.8  # rate ratio during the ICO
    dips: bool = True
    # ICO length rises with the client's rate, and starts run so late that part of the clients lack follow-up
    duration_by_rate: bool = False
    # the effect differs by cohort: this rate ratio for clients whose ICO starts in 2021 or later
    irr_late: float | None = None
    # no surge: each client's rate fluctuates (AR(1) on the log rate per month) and the referral follows one to
    # three months after the client's highest month in a random year (pure regression to the mean)
    random_peak: bool = False
    # a calendar shock that hits high-rate clients harder: from 2021-01 to 2021-12 the quarter of clients with
    # the highest rates x shock_high, the rest x shock_low
    shock: tuple[float, float] | None = None


def _starts_and_ends(truth: Truth, rng: np.random.Generator, rate: np.ndarray, tot: str):
    n = truth.n_clients
    if truth.duration_by_rate:
        start = pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 760, size=n), unit="D")
        days = rng.gamma(2.0, 60 * (rate / truth.rate_per_month) ** 0.7, size=n)
        end = pd.Series(start + pd.to_timedelta(np.minimum(days, 900).astype(int), unit="D"))
        end = end.where(end <= pd.Timestamp(tot))  # still running at the end of the export: open
        return pd.Series(start), end
    start = pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 517, size=n), unit="D")
    length = pd.to_timedelta(rng.integers(0, 180, size=n), unit="D")
    end = pd.Series(start + length).clip(upper=pd.Timestamp(tot) - pd.DateOffset(months=6))
    return pd.Series(start), end.where(end >= pd.Series(start), pd.Series(start))


def _random_peak_starts(counts: np.ndarray, days: pd.DatetimeIndex, rng: np.random.Generator) -> pd.Series:
    """The referral one to three months after the client's busiest month in a random year of the period."""
    n = counts.shape[0]
    month = (days.year * 12 + days.month - 1).to_numpy()
    month = month - month[0]
    monthly = np.zeros((n, month.max() + 1))
    np.add.at(monthly.T, month, counts.T)
    first = rng.integers(3, 17, size=n)  # the year searched starts 3 to 16 months into the period
    window = np.arange(12)[None, :] + first[:, None]
    peak = first + np.argmax(np.take_along_axis(monthly, window, axis=1) + rng.random((n, 12)) * 1e-3, axis=1)
    start_month = peak + rng.integers(1, 4, size=n)
    base = pd.Timestamp(days[0])
    starts = [base + pd.DateOffset(months=int(m)) for m in start_month]
    return pd.Series(pd.DatetimeIndex(starts) + pd.to_timedelta(rng.integers(0, 28, size=n), unit="D"))


def registrations(truth: Truth, seed: int, van: str = "2019-06-01", tot: str = "2022-05-31"):
    """(clients: client_id, geslacht, leeftijd, ico_start, ico_eind as dates; registrations: client_id, datum;
    the true rate ratio of the 'na' windows, weighted by the counts expected there without the ICO)."""
    rng = np.random.default_rng(seed)
    n = truth.n_clients
    days = pd.date_range(van, tot, freq="D")
    day = days.to_numpy()[None, :]
    rate = rng.gamma(1.5, truth.rate_per_month / 1.5, size=n)
    per_day = rate[:, None] / 30.44 * np.ones((1, len(days)))
    if truth.dips:
        dip = pd.Series(days.strftime("%Y-%m")).map(DIPS).fillna(1.0).to_numpy()
        per_day = per_day * dip[None, :]
    if truth.shock is not None:
        high = rate >= np.quantile(rate, 0.75)
        in_shock = (days >= "2021-01-01") & (days <= "2021-12-31")
        factor = np.where(high, truth.shock[0], truth.shock[1])[:, None]
        per_day = np.where(in_shock[None, :], per_day * factor, per_day)
    if truth.random_peak:
        month = (days.year * 12 + days.month).to_numpy()
        month = month - month[0]
        shocks = np.zeros((n, month.max() + 1))
        shocks[:, 0] = rng.normal(0, 0.5, size=n)
        for m in range(1, shocks.shape[1]):  # AR(1), rho 0.6, stationary sd 0.5
            shocks[:, m] = 0.6 * shocks[:, m - 1] + rng.normal(0, 0.5 * np.sqrt(1 - 0.36), size=n)
        per_day = per_day * np.exp(shocks[:, month] - 0.125)
        counts = rng.poisson(per_day)
        start = _random_peak_starts(counts, days, rng)
        end = start + pd.to_timedelta(rng.integers(0, 180, size=n), unit="D")
        end = end.where(end <= pd.Timestamp(tot))
    else:
        start, end = _starts_and_ends(truth, rng, rate, tot)
    s = start.to_numpy()[:, None]
    e = end.fillna(pd.Timestamp(tot) + pd.Timedelta(days=1)).to_numpy()[:, None]
    irr = np.full(n, truth.irr)
    if truth.irr_late is not None:
        irr = np.where(start >= pd.Timestamp("2021-01-01"), truth.irr_late, truth.irr)
    if not truth.random_peak:
        surge_from = (start - pd.DateOffset(months=truth.surge_months)).to_numpy()[:, None]
        per_day = np.where((day >= surge_from) & (day < s), per_day * truth.surge, per_day)
        per_day = np.where((day >= s) & (day <= e), per_day * truth.during, per_day)
    na = (day > e) & (day <= (end + pd.DateOffset(months=6)).fillna(pd.Timestamp(tot)).to_numpy()[:, None])
    expected_na = (per_day * na).sum(axis=1)
    true_irr = float((expected_na * irr).sum() / expected_na.sum()) if expected_na.sum() > 0 else truth.irr
    per_day = np.where(day > e, per_day * irr[:, None], per_day)
    # with a random peak the referral was chosen on the counts: they stay, only the months after are drawn anew
    counts = np.where(day > e, rng.poisson(per_day), counts) if truth.random_peak else rng.poisson(per_day)
    who, when = np.nonzero(counts)
    reps = counts[who, when]
    who, when = np.repeat(who, reps), np.repeat(when, reps)
    ids = np.array([f"S{i:05d}" for i in range(n)])
    regs = pd.DataFrame({"client_id": ids[who], "datum": days[when]})
    clients = pd.DataFrame(
        {
            "client_id": ids,
            "geslacht": rng.choice(["man", "vrouw"], size=n, p=[0.75, 0.25]),
            "leeftijd": rng.integers(18, 80, size=n),
            "ico_start": pd.DatetimeIndex(start).normalize(),
            "ico_eind": pd.DatetimeIndex(end).normalize(),
        }
    )
    return clients, regs, true_irr


def simulate(
    truth: Truth, seed: int, van: str = "2019-06-01", tot: str = "2022-05-31"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(client list, police export) as files would hold them, with every rate known."""
    clients, regs, _ = registrations(truth, seed, van, tot)
    rng = np.random.default_rng([seed, 1])
    export = pd.DataFrame(
        {
            "client_id": regs["client_id"],
            "registratienummer": [f"PL-{k:08d}" for k in range(len(regs))],
            "datum": regs["datum"].dt.strftime("%Y-%m-%d"),
            "imk_code": rng.choice(CODES, size=len(regs)),
            "rol": "verdachte",
        }
    )
    files = clients.assign(
        ico_start=clients["ico_start"].dt.strftime("%Y-%m-%d"),
        ico_eind=clients["ico_eind"].dt.strftime("%Y-%m-%d").fillna(""),
    )
    return files, export


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
