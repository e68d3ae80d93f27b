"""The matched estimate (issue 12): the clients' after/before rate ratio against that of their matched controls.

Each matched control gets its client's dates, so its 'voor' and 'na' windows are the client's. The estimate is
the difference-in-differences on the log scale from Poisson with a fixed effect per client or control use,
a period effect and the interaction treated x after, each control weighted 1/k of its client's controls
(matching with replacement). With two periods per unit, that Poisson's estimate of the interaction is exactly
the conditional (binomial) likelihood of a unit's 'na' registrations given its total, with log(days after /
days before) as offset, which is what is fitted here: two parameters, however many units. The interval is a
sandwich clustered two ways, on the matched set (a client with its controls) and on the person (a control
serves several clients when matching is with replacement), each part with its small-sample factor G / (G - 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import scipy.special
import scipy.stats

from pipeline.config.settings import Settings
from pipeline.estimation.intervals import Z
from pipeline.estimation.matched.matching import FEATURES
from pipeline.estimation.newton import maximise
from pipeline.estimation.panel import content_order
from pipeline.estimation.two_period import interval_counts
from pipeline.stages.align import client_windows, day_ranges
from pipeline.stages.exposure import days_at_risk

ADJUSTED = FEATURES  # the trend may depend on the matching variables: matching plus regression adjustment


def unit_frame(regs: pd.DataFrame, units: pd.DataFrame, settings: Settings, anticipation: int = 0) -> pd.DataFrame:
    """One row per unit (a client or one use of a control): its registrations and days in the client's 'voor'
    and 'na' windows ('voor' without its last `anticipation` months, for the sensitivity analysis). `units`:
    client_id (whose registrations count), ico_start, ico_eind (the client's dates), set (the client's id),
    treated, weight, censor (a later client's own ICO start: its 'na' ends the day before; NaT: not censored)."""
    windows = client_windows(units[["client_id", "ico_start", "ico_eind"]].reset_index(drop=True), settings)
    day = pd.Timedelta(days=1)
    ranges = day_ranges(windows)
    (before_lo, _), (after_lo, after_hi) = ranges["voor"], ranges["na"]
    censor = units["censor"].reset_index(drop=True) if "censor" in units else pd.Series(pd.NaT, index=windows.index)
    after_hi = after_hi.where(censor.isna() | (censor - day >= after_hi), censor - day)
    intervals = pd.concat(
        [
            pd.DataFrame(
                {
                    "client_id": windows["client_id"],
                    "lo": before_lo,
                    # the run-up left out: the last `anticipation` months before the start (as the panel does)
                    "hi": windows["ico_start"] - pd.DateOffset(months=anticipation) - day,
                }
            ),
            pd.DataFrame({"client_id": windows["client_id"], "lo": after_lo, "hi": after_hi}),
        ],
        ignore_index=True,
    )
    counts = interval_counts(regs, intervals).to_numpy(float)
    days = days_at_risk(intervals, None, None).to_numpy(float)
    n = len(windows)
    return pd.DataFrame(
        {
            "set": units["set"].to_numpy(),
            "person": units["client_id"].to_numpy(),
            "treated": units["treated"].to_numpy(int),
            "weight": units["weight"].to_numpy(float),
            "y0": counts[:n],
            "y1": counts[n:],
            "d0": days[:n],
            "d1": days[n:],
            **{f: units[f].to_numpy(float) for f in FEATURES if f in units},
        }
    )


def _clustered(bread: np.ndarray, contributions: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """The sandwich clustered on `clusters`, with the small-sample factor G / (G - 1). Cluster sums go in the
    order of their values, so the result does not depend on what the clusters are called."""
    codes = pd.factorize(clusters)[0]
    g = int(codes.max()) + 1
    scores = np.column_stack(
        [np.bincount(codes, weights=contributions[:, j], minlength=g) for j in range(contributions.shape[1])]
    )
    scores = scores[np.lexsort(scores.T[::-1])]
    return bread @ (scores.T @ scores) @ bread * g / (g - 1)


def _newton(x: np.ndarray, y1: np.ndarray, n: np.ndarray, w: np.ndarray, offset: np.ndarray) -> np.ndarray | None:
    """The conditional (binomial) likelihood's maximum (estimation/newton.py); None when it has none (a
    coefficient runs off to infinity), so the caller can say so instead of reporting a number that is not one."""

    def loglik(beta: np.ndarray) -> float:
        eta = offset + x @ beta
        return float(w @ (y1 * eta - n * np.logaddexp(0.0, eta)))

    def derivatives(beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = scipy.special.expit(offset + x @ beta)
        return x.T @ (w * (y1 - n * p)), (x * (w * n * p * (1 - p))[:, None]).T @ x

    try:
        solution = maximise(loglik, derivatives, np.zeros(x.shape[1]), tol=1e-12)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(solution.theta)):
        return None
    # rounding may keep the last step of a concave likelihood of a few parameters just above 1e-12
    return solution.theta if solution.converged or solution.last_step < 1e-8 else None


def _independent(columns: np.ndarray) -> np.ndarray:
    """The columns that add to the rank, in order: a variable without spread, or one that is the sum of
    others (the severity score where every weight is 1), says nothing more."""
    kept: list[int] = []
    for j in range(columns.shape[1]):
        trial = columns[:, [*kept, j]]
        if np.linalg.matrix_rank(trial) == len(kept) + 1:
            kept.append(j)
    return columns[:, kept]


def did(units: pd.DataFrame, covariates: tuple[str, ...] = ()) -> dict[str, Any]:
    """The weighted difference-in-differences rate ratio, its clustered 95% interval and p-value. With
    `covariates` (columns of `units`), the after/before trend may depend on them too (after x covariate), so
    the clients are compared with controls of the same history where matching left a difference."""
    out: dict[str, Any] = {"irr": None, "ci_low": None, "ci_high": None, "p": None, "se": None}
    units = units.loc[(units["d0"] > 0) & (units["d1"] > 0)]
    informative = units.loc[units["y0"] + units["y1"] > 0]  # a unit without registrations adds nothing
    groups = informative.groupby("treated")[["y0", "y1"]].sum()
    if len(groups) < 2 or (groups == 0).any().any() or informative["set"].nunique() < 2:
        return out | {"reden": "te weinig registraties bij cliënten of controles om een verhouding te schatten"}
    # matched sets numbered by their content, rows in content order: the sums, and so the estimate, are the same
    # to the last bit whatever the pseudonyms or the order of the rows
    content = ["treated", "y0", "y1", "d0", "d1", "weight", *covariates]
    cluster = content_order(informative.rename(columns={"set": "client_id"}), content)
    informative = informative.assign(_cluster=cluster.to_numpy()).sort_values(["_cluster", *content], kind="stable")
    y1, n = informative["y1"].to_numpy(), (informative["y0"] + informative["y1"]).to_numpy()
    w = informative["weight"].to_numpy()
    offset = np.log(informative["d1"].to_numpy() / informative["d0"].to_numpy())
    extra = informative[list(covariates)].to_numpy(float)
    extra = extra - extra.mean(axis=0) if len(covariates) else extra.reshape(len(y1), 0)
    extra = _independent(extra)
    x = np.column_stack([np.ones(len(y1)), informative["treated"].to_numpy(float), extra])
    beta = _newton(x, y1, n, w, offset)
    if beta is None and x.shape[1] > 2:
        # few registrations: some mix of the matching variables predicts the trend perfectly, and its coefficient
        # runs off to infinity (quasi-separation); matching alone still balances them, so fit without
        x = x[:, :2]
        beta = _newton(x, y1, n, w, offset)
        out["waarschuwing"] = (
            "de aanpassing voor wat na het koppelen nog verschilde, was met zo weinig registraties niet te "
            "schatten; de verhouding is zonder die aanpassing berekend"
        )
    if beta is None:
        return out | {"reden": "de schatting convergeerde niet"}
    out["aangepast"] = x.shape[1] > 2
    p = scipy.special.expit(offset + x @ beta)
    hessian = (x * (w * n * p * (1 - p))[:, None]).T @ x
    contributions = x * (w * (y1 - n * p))[:, None]
    bread = np.linalg.inv(hessian)
    cov = _clustered(bread, contributions, informative["_cluster"].to_numpy())
    if "person" in informative:
        # a control used for several clients, or a later client who is a control before its own ICO, ties matched
        # sets together: cluster on the person too (Cameron, Gelbach and Miller 2011), minus the unit level both
        # count
        by_person = _clustered(bread, contributions, informative["person"].to_numpy())
        by_unit = _clustered(bread, contributions, np.arange(len(y1)))
        two_way = cov + by_person - by_unit
        cov = two_way if two_way[1, 1] > 0 else np.maximum(cov, by_person)
    b, variance = float(beta[1]), float(cov[1, 1])
    if not np.isfinite(b) or not np.isfinite(variance):
        return out | {"reden": "de schatting convergeerde niet"}
    if variance <= 0:  # every matched set fits exactly (up to rounding): nothing to measure the spread by
        return out | {"reden": "de verschillen tussen de gekoppelde groepen zijn te klein om een interval te geven"}
    se = float(np.sqrt(variance))
    return out | {
        "irr": float(np.exp(b)),
        "ci_low": float(np.exp(b - Z * se)),
        "ci_high": float(np.exp(b + Z * se)),
        "p": float(2 * scipy.stats.norm.sf(abs(b) / se)),
        "se": se,
    }


def _censor_dates(ids: pd.Series, censor: pd.Series | None) -> np.ndarray:
    """Each control's own ICO start (a later client), NaT for a comparison person."""
    out = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[us]")
    if censor is None or censor.empty:
        return out
    where = pd.Index(censor.index).get_indexer(ids.to_numpy())
    out[where >= 0] = censor.to_numpy("datetime64[us]")[where[where >= 0]]
    return out


def matched_units(matches: pd.DataFrame, clients: pd.DataFrame, censor: pd.Series | None = None) -> pd.DataFrame:
    """The units of the estimate: every matched client (weight 1) and every use of a control (weight 1/k),
    each with the client's dates, the client's id as its matched set, and its own matching variables."""
    first = matches.drop_duplicates("client_id").set_index("client_id")
    matched = clients.loc[clients["client_id"].isin(first.index)]
    own = pd.DataFrame(
        {
            "client_id": matched["client_id"].to_numpy(),
            "ico_start": matched["ico_start"].to_numpy(),
            "ico_eind": matched["ico_eind"].to_numpy(),
            "set": matched["client_id"].to_numpy(),
            "treated": 1,
            "weight": 1.0,
            "censor": pd.NaT,
            **{f: first.loc[matched["client_id"], f"client_{f}"].to_numpy(float) for f in FEATURES},
        }
    )
    controls = pd.DataFrame(
        {
            "client_id": matches["control_id"].to_numpy(),
            "ico_start": matches["pseudo_start"].to_numpy(),
            "ico_eind": matches["pseudo_eind"].to_numpy(),
            "set": matches["client_id"].to_numpy(),
            "treated": 0,
            "weight": matches["weight"].to_numpy(float),
            "censor": _censor_dates(matches["control_id"], censor),
            **{f: matches[f"control_{f}"].to_numpy(float) for f in FEATURES},
        }
    )
    return pd.concat([own, controls], ignore_index=True)


NO_CLIENT_MATCHED = "geen enkele cliënt kreeg een vergelijkingsgroep"


@dataclass(frozen=True)
class MatchedDesign:
    """The matched comparison, ready to be estimated on all clients or some, and with or without the last months
    before the start: what the primary estimate and everything derived from it (sensitivity, subgroups) need.
    `regs`: the counting registrations (client_id, datum) of clients and comparison persons alike."""

    regs: pd.DataFrame
    matches: pd.DataFrame
    clients: pd.DataFrame
    settings: Settings
    censor: pd.Series | None = None

    @cached_property
    def units(self) -> pd.DataFrame:
        return matched_units(self.matches, self.clients, self.censor)

    def estimate(self, anticipation: int = 0, clients: pd.Index | None = None) -> dict[str, Any]:
        """The rate ratio (with `se`, the standard error of its log) on the matched sets of `clients` (all: None),
        with the 'voor' window ending `anticipation` months before the start."""
        empty = dict.fromkeys(("irr", "ci_low", "ci_high", "p", "se"))
        if self.matches.empty:
            return empty | {"reden": NO_CLIENT_MATCHED}
        if anticipation >= self.settings.window_months.long:
            return empty | {"reden": "zo'n aanloop laat niets over van de periode vóór het ICO"}
        units = self.units if clients is None else self.units.loc[self.units["set"].isin(clients)]
        return did(unit_frame(self.regs, units, self.settings, anticipation), ADJUSTED)

    def summary(self) -> dict[str, Any]:
        """effect.matched: the estimate with how many clients and distinct controls it rests on."""
        if self.matches.empty:
            return self.estimate() | {
                "n_clients": 0,
                "n_controls": 0,
                **dict.fromkeys(("registraties_clients_voor", "registraties_clients_na"), 0),
                **dict.fromkeys(("registraties_controles_voor", "registraties_controles_na"), 0.0),
            }
        frame = unit_frame(self.regs, self.units, self.settings)
        treated = frame["treated"] == 1
        return did(frame, ADJUSTED) | {
            "n_clients": int(treated.sum()),
            "n_controls": int(self.matches["control_id"].nunique()),
            "registraties_clients_voor": int(frame.loc[treated, "y0"].sum()),
            "registraties_clients_na": int(frame.loc[treated, "y1"].sum()),
            "registraties_controles_voor": math.fsum((frame["weight"] * frame["y0"])[~treated]),
            "registraties_controles_na": math.fsum((frame["weight"] * frame["y1"])[~treated]),
        }
