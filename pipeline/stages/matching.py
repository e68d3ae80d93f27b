"""Risk-set matching of ICO clients to comparison persons at the moment of referral (issue 12, first part).

Clients are referred after a spell of registrations the police saw, so a comparison person must have had a
like spell at the same date. For each client, at its ICO start: the candidates are persons of the same sex,
within an age band, with registrations in the 12 months before that date; they are matched on the history
that drives referral (the counts in months -12..-7, -6..-4 and -3..-1, the share of E registrations and the
severity score) by Mahalanobis distance, k nearest with replacement, within a caliper. A client without a
candidate inside the caliper is reported unmatched, never dropped silently.

Everything here is a function of data frames; no loop runs over registrations: each person's registrations
are counted in a window by binary search on sorted dates. The loop over the persons of a risk set is still
in Python; the scale of issue 12 (500,000 persons) needs it vectorised, which is the next step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# (name, first month before the date, last month before it): months -12..-7, -6..-4, -3..-1
BLOCKS = (("maanden_12_7", 12, 7), ("maanden_6_4", 6, 4), ("maanden_3_1", 3, 1))
FEATURES = (*(b[0] for b in BLOCKS), "e_aandeel", "zwaartescore")


@dataclass(frozen=True)
class MatchSettings:
    k: int = 3
    age_band: int = 5  # years either side
    caliper: float = 0.5  # in standard deviations of the Mahalanobis distance's own scale (sqrt of chi2)


class History:
    """Every person's registrations, sorted by date once, so a window count is two binary searches."""

    def __init__(self, regs: pd.DataFrame) -> None:
        regs = regs.sort_values(["client_id", "datum"], kind="stable")
        self.ids = regs["client_id"].to_numpy()
        self.days = regs["datum"].to_numpy("datetime64[D]")
        self.is_e = regs["is_e"].to_numpy(bool)
        self.weight = regs["gewicht"].to_numpy(float)
        changes = np.r_[True, self.ids[1:] != self.ids[:-1], True] if len(self.ids) else np.array([True])
        bounds = np.flatnonzero(changes)  # where each person's registrations begin, and the end
        people = self.ids[bounds[:-1]]
        self.start = dict(zip(people, bounds[:-1], strict=True))
        self.stop = dict(zip(people, bounds[1:], strict=True))
        self.cum_e = np.r_[0, np.cumsum(self.is_e)]
        self.cum_w = np.r_[0.0, np.cumsum(self.weight)]

    def features(self, persons: np.ndarray, date: np.datetime64) -> pd.DataFrame:
        """The matching variables of `persons` at `date`: counts per block, E share and severity score over
        the 12 months before it (months are calendar months back from the date)."""
        date = pd.Timestamp(date)
        edges = {m: np.datetime64((date - pd.DateOffset(months=m)).date(), "D") for m in (12, 6, 3, 0)}
        out = np.zeros((len(persons), len(FEATURES)))
        for row, pid in enumerate(persons):
            if pid not in self.start:
                continue
            lo, hi = self.start[pid], self.stop[pid]
            days = self.days[lo:hi]
            cut = {m: lo + int(np.searchsorted(days, edges[m], side="left")) for m in edges}
            counts = [cut[6] - cut[12], cut[3] - cut[6], cut[0] - cut[3]]
            total = cut[0] - cut[12]
            e = self.cum_e[cut[0]] - self.cum_e[cut[12]]
            out[row, :3] = counts
            out[row, 3] = e / total if total else 0.0
            out[row, 4] = self.cum_w[cut[0]] - self.cum_w[cut[12]]
        return pd.DataFrame(out, columns=list(FEATURES), index=pd.Index(persons, name="client_id"))


def _mahalanobis(x: np.ndarray, pool: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    d = pool - x
    return np.sqrt(np.einsum("ij,jk,ik->i", d, inverse, d))


def _metric(clients: list[pd.Series], risk_sets: list[pd.DataFrame]) -> np.ndarray:
    """The inverse covariance of the matching variables over the clients and all their candidates, computed
    once (as matching software does), so every client is matched on one scale. Where it is singular (few
    persons, a variable without spread) the diagonal of the variances is used: a standardised distance."""
    stacked = np.vstack([np.vstack([c.to_numpy() for c in clients]), *[r.to_numpy() for r in risk_sets if len(r)]])
    if len(stacked) > len(FEATURES) and np.linalg.matrix_rank(np.cov(stacked, rowvar=False)) == len(FEATURES):
        return np.linalg.inv(np.cov(stacked, rowvar=False))
    variance = np.var(stacked, axis=0, ddof=1) if len(stacked) > 1 else np.ones(len(FEATURES))
    return np.diag(1.0 / np.where(variance > 0, variance, 1.0))


def match(
    clients: pd.DataFrame,
    candidates: pd.DataFrame,
    history: History,
    settings: MatchSettings,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(matches, unmatched). `clients`: client_id, geslacht, geboortejaar, ico_start, ico_eind; `candidates`:
    client_id, geslacht, geboortejaar. A match row: client_id, control_id, distance, weight (1/k of the
    client's matched controls), pseudo_start and pseudo_eind (the client's dates: the control's windows are
    the client's windows), and the matching variables of both."""
    rows, unmatched = [], []
    risk_sets = []
    for c in clients.itertuples(index=False):
        pool = candidates.loc[
            (candidates["geslacht"] == c.geslacht)
            & ((candidates["geboortejaar"] - c.geboortejaar).abs() <= settings.age_band)
            & (candidates["client_id"] != c.client_id)
        ]
        feats = history.features(pool["client_id"].to_numpy(), c.ico_start)
        feats = feats.loc[feats[[b[0] for b in BLOCKS]].sum(axis=1) > 0]  # registrations in the 12 months
        own = history.features(np.array([c.client_id]), c.ico_start).iloc[0]
        risk_sets.append((c, own, feats))
    inverse = _metric([own for _, own, _ in risk_sets], [feats for _, _, feats in risk_sets])
    for c, own, feats in risk_sets:
        if feats.empty:
            unmatched.append({"client_id": c.client_id, "reden": "geen kandidaat met registraties"})
            continue
        distance = _mahalanobis(own.to_numpy(), feats.to_numpy(), inverse)
        # the caliper on the scale of the distances themselves: sqrt(p) is their typical size
        inside = np.flatnonzero(distance <= settings.caliper * np.sqrt(len(FEATURES)))
        if inside.size == 0:
            unmatched.append({"client_id": c.client_id, "reden": "geen kandidaat binnen de caliper"})
            continue
        order = inside[np.lexsort((feats.index.to_numpy()[inside], distance[inside]))][: settings.k]
        for j in order:
            rows.append(
                {
                    "client_id": c.client_id,
                    "control_id": feats.index[j],
                    "distance": float(distance[j]),
                    "weight": 1.0 / len(order),
                    "pseudo_start": c.ico_start,
                    "pseudo_eind": c.ico_eind,
                    **{f"client_{f}": float(own[f]) for f in FEATURES},
                    **{f"control_{f}": float(feats.iloc[j][f]) for f in FEATURES},
                }
            )
    matches = pd.DataFrame(rows)
    return matches, pd.DataFrame(unmatched, columns=["client_id", "reden"])


def smd(treated: np.ndarray, control: np.ndarray, control_weights: np.ndarray | None = None) -> float | None:
    """Standardised mean difference: (mean treated - weighted mean control) / sqrt((var_t + var_c) / 2), the
    variances unweighted and before matching conventionally; here those of the two groups compared."""
    w = np.ones(len(control)) if control_weights is None else np.asarray(control_weights, float)
    if len(treated) < 2 or len(control) < 2 or w.sum() == 0:
        return None
    mean_c = float(np.average(control, weights=w))
    var_c = float(np.average((control - mean_c) ** 2, weights=w))
    pooled = np.sqrt((float(np.var(treated, ddof=1)) + var_c) / 2)
    if pooled == 0:
        return 0.0 if np.isclose(np.mean(treated), mean_c) else None
    return (float(np.mean(treated)) - mean_c) / pooled
