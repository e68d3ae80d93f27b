"""A simulated region for the matched comparison (issue 12): a police population whose registrations fluctuate,
some of whom are referred to an ICO after a spell of registrations the police saw, with a known true effect.

Every person has a stable rate (gamma) times a monthly fluctuation (AR(1) on the log rate); registrations are
Poisson per day. In each month from the thirteenth of the period on, a person not referred yet is referred with
a probability that rises with his registrations in the three months before it: referral follows what the
police registered, so part of any fall afterwards is regression to the mean. The ICO starts on a day of the
referral month and lasts 0 to 180 days; after its end the person's rate is multiplied by the true rate ratio
`irr`, and by nothing else, so `irr` is exactly what a matched difference-in-differences should find.

The files are what a ZVH and the police would deliver: the client list (the referred persons), the police export
of the clients, the list of comparison persons (everybody with a registration in the period, the clients among
them, as a police export would be) and that population's export.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.synthetic.simulation import CODES


@dataclass(frozen=True)
class Region:
    irr: float = 1.0
    n_persons: int = 4000
    mean_rate: float = 0.35  # registrations per person per month, on average
    rate_shape: float = 0.8  # gamma shape of the stable rates: most persons rarely registered, a few often
    rho: float = 0.7  # month-to-month correlation of the log-rate fluctuation
    sd: float = 0.6  # its stationary standard deviation
    hazard: float = 0.0015  # monthly referral probability of a person without registrations in 3 months
    hazard_slope: float = 0.3  # log of the factor per registration in the 3 months before
    max_hazard: float = 0.5
    history_months: int = 12  # referrals from this month of the period on, so every client has a history


def _daily_rates(region: Region, rng: np.random.Generator, days: pd.DatetimeIndex) -> np.ndarray:
    n = region.n_persons
    month = (days.year * 12 + days.month).to_numpy()
    month = month - month[0]
    months = int(month.max()) + 1
    stable = rng.gamma(region.rate_shape, region.mean_rate / region.rate_shape, size=n)
    log_shock = np.zeros((n, months))
    log_shock[:, 0] = rng.normal(0, region.sd, size=n)
    innovation = region.sd * np.sqrt(1 - region.rho**2)
    for m in range(1, months):  # a loop over months, vectorised over persons
        log_shock[:, m] = region.rho * log_shock[:, m - 1] + rng.normal(0, innovation, size=n)
    per_month = stable[:, None] * np.exp(log_shock - region.sd**2 / 2)
    return per_month[:, month] / days.days_in_month.to_numpy()[None, :]


def _referrals(region: Region, rng: np.random.Generator, counts: np.ndarray, days: pd.DatetimeIndex):
    """Each person's referral month (-1: never), the first month the hazard fires."""
    month = (days.year * 12 + days.month).to_numpy()
    month = month - month[0]
    monthly = np.zeros((counts.shape[0], int(month.max()) + 1))
    np.add.at(monthly.T, month, counts.T)
    referred = np.full(counts.shape[0], -1)
    for m in range(region.history_months, monthly.shape[1]):
        recent = monthly[:, m - 3 : m].sum(axis=1)
        p = np.minimum(region.hazard * np.exp(region.hazard_slope * recent), region.max_hazard)
        fires = (referred < 0) & (rng.random(len(p)) < p)
        referred[fires] = m
    return referred


def simulate_region(
    region: Region, seed: int, van: str = "2019-06-01", tot: str = "2022-05-31"
) -> dict[str, pd.DataFrame]:
    """The four files of a region as data frames: clients, bvh, comparison_persons, comparison_bvh."""
    rng = np.random.default_rng(seed)
    n = region.n_persons
    days = pd.date_range(van, tot, freq="D")
    rates = _daily_rates(region, rng, days)
    counts = rng.poisson(rates)
    referral_month = _referrals(region, rng, counts, days)
    clients = np.flatnonzero(referral_month >= 0)
    first_day = pd.Timestamp(days[0])
    month_start = pd.DatetimeIndex([first_day + pd.DateOffset(months=int(m)) for m in referral_month[clients]])
    start = month_start + pd.to_timedelta(rng.integers(0, 28, size=len(clients)), unit="D")
    end = start + pd.to_timedelta(rng.integers(0, 181, size=len(clients)), unit="D")
    # after the ICO the rate times the true ratio: those days drawn anew, the earlier ones (which the referral
    # saw) kept
    after = days.to_numpy()[None, :] > end.to_numpy()[:, None]
    redrawn = rng.poisson(rates[clients] * region.irr)
    counts[clients] = np.where(after, redrawn, counts[clients])

    who, when = np.nonzero(counts)
    reps = counts[who, when]
    who, when = np.repeat(who, reps), np.repeat(when, reps)
    ids = np.array([f"P{i:06d}" for i in range(n)])
    sex = rng.choice(["man", "vrouw"], size=n, p=[0.75, 0.25])
    born = rng.integers(1945, 2005, size=n)
    export = pd.DataFrame(
        {
            "client_id": ids[who],
            "registratienummer": [f"PL-{k:08d}" for k in range(len(who))],
            "datum": days[when].strftime("%Y-%m-%d"),
            "imk_code": rng.choice(CODES, size=len(who)),
            "rol": "verdachte",
        }
    )
    client_list = pd.DataFrame(
        {
            "client_id": ids[clients],
            "geslacht": sex[clients],
            "leeftijd": start.year.to_numpy() - born[clients],
            "ico_start": start.strftime("%Y-%m-%d"),
            "ico_eind": end.strftime("%Y-%m-%d"),
        }
    )
    registered = np.unique(who)
    persons = pd.DataFrame(
        {"client_id": ids[registered], "geslacht": sex[registered], "geboortejaar": born[registered]}
    )
    return {
        "clients": client_list,
        "bvh": export.loc[export["client_id"].isin(client_list["client_id"])].reset_index(drop=True),
        "comparison_persons": persons,
        "comparison_bvh": export,
    }


def write_region(folder: Path, region: Region, seed: int) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in simulate_region(region, seed).items():
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False, lineterminator="\n")
    return paths
