"""Risk-set matching of ICO clients to comparison persons at the moment of referral (issue 12).

Clients are referred after a spell of registrations the police saw, so a comparison person must have had a
like spell at the same date. For each client, at its ICO start: the candidates are persons of the same sex,
within an age band, with registrations in the 12 months before that date (and, as a setting, clients whose own
ICO starts long enough after it); they are matched on the history that drives referral (the counts in months
-12..-7, -6..-4 and -3..-1, the share of E registrations and the severity score) by Mahalanobis distance, k
nearest with replacement, within a caliper. A client without a candidate inside the caliper is reported
unmatched, never dropped silently.

No loop runs over registrations or persons: every registration is one key (person, day) in one sorted array,
so a whole risk set's counts in a window are one vectorised binary search. The loop runs over clients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# (name, first month before the date, last month before it): months -12..-7, -6..-4, -3..-1
BLOCKS = (("maanden_12_7", 12, 7), ("maanden_6_4", 6, 4), ("maanden_3_1", 3, 1))
FEATURES = (*(b[0] for b in BLOCKS), "e_aandeel", "zwaartescore")
AGE = "leeftijd"  # balanced on, not matched on: the age band already holds it close
NO_CANDIDATE = "geen kandidaat met registraties"
NO_HISTORY = "cliënt zonder registraties in de 12 maanden vóór de start"
OUTSIDE_CALIPER = "geen kandidaat binnen de caliper"
NARROWING = 0.8  # each step keeps 80% of the caliper: fine enough to lose few clients more than needed
MAX_NARROWINGS = 10  # 0.8^10 = 0.11: a tenth of the caliper; beyond it the groups are reported unbalanced
_DAY_SPAN = np.int64(1 << 22)  # days since 1970 fit in 22 bits until the year 13 000


@dataclass(frozen=True)
class MatchSettings:
    k: int = 3
    age_band: int = 5  # years either side
    caliper: float = 1.0  # times sqrt(p): the distances' typical size on the Mahalanobis scale
    later_clients_months: int | None = 0  # clients whose ICO starts more than this after the date; None: never
    # narrow the caliper (times NARROWING, at most MAX_NARROWINGS times) while some |SMD| after matching exceeds
    # this; None: keep the caliper. Outcome-blind: the balance of the matching variables decides, never an
    # outcome, as matching is meant to be tuned (Ho, Imai, King and Stuart 2007)
    max_smd: float | None = None


class History:
    """Every person's counting registrations as sorted keys (person, day), so the registrations of any set of
    persons in any window are two vectorised binary searches, and their E registrations and weights are
    differences of running sums."""

    def __init__(self, regs: pd.DataFrame) -> None:
        codes, self.persons = pd.factorize(regs["client_id"], sort=True)
        days = regs["datum"].to_numpy("datetime64[D]").astype(np.int64)
        key = codes.astype(np.int64) * _DAY_SPAN + days
        order = np.argsort(key, kind="stable")
        self.key = key[order]
        self.cum_e = np.r_[0, np.cumsum(regs["is_e"].to_numpy(bool)[order], dtype=np.int64)]
        # the severity score as integer counts per weight, times the weight: a running sum of the weights
        # themselves would make a person's score depend on the persons sorted before it (pseudonyms), in its
        # last bit
        weights = regs["gewicht"].to_numpy(float)[order]
        self.levels = np.unique(weights)
        self.cum_levels = [np.r_[0, np.cumsum(weights == level, dtype=np.int64)] for level in self.levels]

    def codes(self, persons: np.ndarray) -> np.ndarray:
        """The index of each person in the history (-1: never registered)."""
        return self.persons.get_indexer(pd.Index(persons))

    def positions(self, codes: np.ndarray, day: np.int64) -> np.ndarray:
        """For each person, the position of its first registration on or after `day`."""
        return np.searchsorted(self.key, codes.astype(np.int64) * _DAY_SPAN + day, side="left")

    def features_of_codes(self, codes: np.ndarray, date: pd.Timestamp) -> np.ndarray:
        date = pd.Timestamp(date)
        edge = {m: np.datetime64((date - pd.DateOffset(months=m)).date(), "D").astype(np.int64) for m in (12, 6, 3, 0)}
        known = codes >= 0
        safe = np.where(known, codes, 0)
        cut = {m: self.positions(safe, day) for m, day in edge.items()}
        out = np.zeros((len(codes), len(FEATURES)))
        out[:, 0], out[:, 1], out[:, 2] = cut[6] - cut[12], cut[3] - cut[6], cut[0] - cut[3]
        total = cut[0] - cut[12]
        e = self.cum_e[cut[0]] - self.cum_e[cut[12]]
        out[:, 3] = np.divide(e, total, out=np.zeros(len(codes)), where=total > 0)
        out[:, 4] = sum(
            (level * (cum[cut[0]] - cum[cut[12]]) for level, cum in zip(self.levels, self.cum_levels, strict=True)),
            start=np.zeros(len(codes)),
        )
        out[~known] = 0.0
        return out

    def features(self, persons: np.ndarray, date: pd.Timestamp) -> pd.DataFrame:
        """The matching variables of `persons` at `date`: counts per block, E share and severity score over
        the 12 months before it (months are calendar months back from the date)."""
        values = self.features_of_codes(self.codes(np.asarray(persons)), date)
        return pd.DataFrame(values, columns=list(FEATURES), index=pd.Index(persons, name="client_id"))


@dataclass
class _Moments:
    """Weighted sums of the variables, kept per risk set and added up exactly (math.fsum) at the end, so that
    the covariance and the balance before matching need no risk set kept in memory, and do not depend on the
    order of the clients or of the persons (pseudonyms) in their last bit."""

    parts: list[tuple[float, np.ndarray, np.ndarray]] = field(default_factory=list)

    def add(self, x: np.ndarray, weight: float = 1.0) -> None:
        if not len(x):
            return
        x = x[np.lexsort(x.T[::-1])]  # rows in content order: the same sums whatever order they came in
        self.parts.append((weight * len(x), weight * x.sum(axis=0), weight * (x.T @ x)))

    @property
    def n(self) -> float:
        return math.fsum(p[0] for p in self.parts)

    def _total(self, which: int, shape: tuple[int, ...]) -> np.ndarray:
        out = np.zeros(shape)
        for index in np.ndindex(shape):
            out[index] = math.fsum(p[which][index] for p in self.parts)
        return out

    def mean(self) -> np.ndarray:
        return self._total(1, (len(FEATURES) + 1,)) / self.n

    def cross(self) -> np.ndarray:
        return self._total(2, (len(FEATURES) + 1,) * 2)

    def cov(self) -> np.ndarray:
        n, mean = self.n, self.mean()
        return (self.cross() - n * np.outer(mean, mean)) / max(n - 1, 1)


@dataclass(frozen=True)
class Matching:
    """The matches (client_id, control_id, distance, weight, the variables of both), the unmatched clients with
    the reason, the balance of every variable and of age before and after matching, and the counts."""

    matches: pd.DataFrame
    unmatched: pd.DataFrame
    balance: list[dict]
    max_abs_smd: float | None
    counts: dict[str, int]
    caliper: float  # the caliper used, after any narrowing
    narrowings: int
    unmatched_by_narrowing: int  # clients with a candidate inside the settings' caliper, not inside this one


def _candidate_table(candidates: pd.DataFrame, history: History) -> dict[str, np.ndarray]:
    """Candidates sorted by sex and birth year, so that a risk set's sex and age band is one slice; each with its
    index in the history, looked up once."""
    own_start = candidates["eigen_start"] if "eigen_start" in candidates else pd.Series(pd.NaT, index=candidates.index)
    frame = candidates.assign(_own=own_start).sort_values(["geslacht", "geboortejaar", "client_id"], kind="stable")
    return {
        "id": frame["client_id"].to_numpy(),
        "sex": frame["geslacht"].to_numpy(),
        "born": frame["geboortejaar"].to_numpy(np.int64),
        # a later client's own ICO start (NaT: a comparison person, who may always serve)
        "own_start": frame["_own"].to_numpy("datetime64[D]"),
        "code": history.codes(frame["client_id"].to_numpy()),
    }


def _risk_set(table: dict[str, np.ndarray], history: History, client, settings: MatchSettings):
    """(ids, variables with age) of the persons at risk at the client's start: same sex, birth year within the
    band, registrations in the 12 months before, and, for a later client, its own start after the client's
    `later_na` (absent: no later client serves)."""
    sex = table["sex"]
    lo_s, hi_s = np.searchsorted(sex, client.geslacht, "left"), np.searchsorted(sex, client.geslacht, "right")
    born = table["born"][lo_s:hi_s]
    lo = lo_s + np.searchsorted(born, client.geboortejaar - settings.age_band, "left")
    hi = lo_s + np.searchsorted(born, client.geboortejaar + settings.age_band, "right")
    ids = table["id"][lo:hi]
    own_start = table["own_start"][lo:hi]
    later_na = getattr(client, "later_na", pd.NaT)
    allowed = np.isnat(own_start)
    if settings.later_clients_months is not None and pd.notna(later_na):
        allowed |= own_start > np.datetime64(pd.Timestamp(later_na).date(), "D")
    keep = (ids != client.client_id) & allowed & (table["code"][lo:hi] >= 0)  # never registered: never at risk
    ids = ids[keep]
    x = history.features_of_codes(table["code"][lo:hi][keep], client.ico_start)
    at_risk = x[:, :3].sum(axis=1) > 0  # registrations in the 12 months before
    age = pd.Timestamp(client.ico_start).year - table["born"][lo:hi][keep][at_risk]
    return ids[at_risk], np.column_stack([x[at_risk], age])


def _inverse(moments: _Moments) -> np.ndarray:
    """The inverse covariance of the matching variables over the clients and all their risk sets, one scale for
    every client (as matching software does). Where it is singular (few persons, a variable without spread)
    the diagonal of the variances is used: a standardised distance."""
    p = len(FEATURES)
    cov = moments.cov()[:p, :p] if moments.n > 1 else np.eye(p)
    if moments.n > p and np.linalg.matrix_rank(cov) == p:
        return np.linalg.inv(cov)
    variance = np.diag(cov)
    return np.diag(1.0 / np.where(variance > 0, variance, 1.0))


def _smd(treated_mean, control_mean, scale) -> float | None:
    if scale is None or not np.isfinite(scale):
        return None
    if scale == 0:
        return 0.0 if np.isclose(treated_mean, control_mean) else None
    return float((treated_mean - control_mean) / scale)


def match(
    clients: pd.DataFrame,
    candidates: pd.DataFrame,
    history: History,
    settings: MatchSettings,
) -> Matching:
    """`clients`: client_id, geslacht, geboortejaar, ico_start, ico_eind; `candidates`: client_id, geslacht,
    geboortejaar and, for later clients, beschikbaar_tot (the last date they may serve). A match row: client_id,
    control_id, distance, weight (1/k of the client's matched controls), pseudo_start and pseudo_eind (the
    client's dates: the control's windows are the client's windows), and the variables of both."""
    table = _candidate_table(candidates, history)
    clients = clients.sort_values("client_id", kind="stable").reset_index(drop=True)
    # pass 1: the clients' own variables, and the moments of every risk set (for the metric and the balance
    # before matching: each client's risk set weighs as much as the client)
    own = np.zeros((len(clients), len(FEATURES) + 1))
    treated, pooled, before = _Moments(), _Moments(), _Moments()
    sizes = np.zeros(len(clients), dtype=np.int64)
    for i, c in enumerate(clients.itertuples(index=False)):
        x = history.features_of_codes(history.codes(np.array([c.client_id])), c.ico_start)[0]
        own[i] = [*x, pd.Timestamp(c.ico_start).year - c.geboortejaar]
        _, pool = _risk_set(table, history, c, settings)
        sizes[i] = len(pool)
        pooled.add(pool)
        if len(pool):
            before.add(pool, 1.0 / len(pool))
    treated.add(own)
    pooled.add(own)
    inverse = _inverse(pooled)
    # pass 2: every candidate inside the caliper, ranked (kept, so that narrowing needs no risk set again)
    limit = settings.caliper * np.sqrt(len(FEATURES))
    near, unmatched = {}, []
    for i, c in enumerate(clients.itertuples(index=False)):
        if own[i, :3].sum() == 0:  # the risk set asks for registrations in the 12 months: a client without has none
            unmatched.append({"client_id": c.client_id, "reden": NO_HISTORY})
            continue
        if sizes[i] == 0:
            unmatched.append({"client_id": c.client_id, "reden": NO_CANDIDATE})
            continue
        ids, pool = _risk_set(table, history, c, settings)
        d = pool[:, : len(FEATURES)] - own[i, : len(FEATURES)]
        distance = np.sqrt(np.einsum("ij,jk,ik->i", d, inverse, d))
        inside = np.flatnonzero(distance <= limit)
        if inside.size == 0:
            unmatched.append({"client_id": c.client_id, "reden": OUTSIDE_CALIPER})
            continue
        # ranked by distance, ties by id only to fix the order: every candidate tied with the k-th is taken
        ranked = inside[np.lexsort((ids[inside], distance[inside]))]
        near[i] = (ids[ranked], distance[ranked], pool[ranked])
    # pass 3: the k nearest inside the caliper, narrowed while the balance after matching is not good enough
    caliper, narrowings = settings.caliper, 0
    while True:
        matches, outside = _nearest(clients, own, near, caliper * np.sqrt(len(FEATURES)), settings.k)
        balance = _balance(own, treated, before, matches)
        values = [abs(b["smd_na"]) for b in balance if b["smd_na"] is not None]
        worst = max(values) if values else None
        # only the distance's own variables decide: the caliper cannot move age (the band holds it), so an
        # age apart would narrow it in vain, losing clients; it is still in max_abs_smd and the report's warning
        matched_on = [abs(b["smd_na"]) for b in balance if b["smd_na"] is not None and b["kenmerk"] in FEATURES]
        good = settings.max_smd is None or not matched_on or max(matched_on) <= settings.max_smd
        if good or narrowings == MAX_NARROWINGS or len(matches) == 0:
            break
        caliper, narrowings = caliper * NARROWING, narrowings + 1
    unmatched += [{"client_id": clients.at[i, "client_id"], "reden": OUTSIDE_CALIPER} for i in outside]
    counts = {
        "clients": len(clients),
        "gematcht": int(matches["client_id"].nunique()) if len(matches) else 0,
        "controles": int(matches["control_id"].nunique()) if len(matches) else 0,
        "koppelingen": len(matches),
        "kandidaten_gemiddeld": round(float(sizes.mean())) if len(sizes) else 0,
        "hergebruik_max": int(matches["control_id"].value_counts().max()) if len(matches) else 0,
    }
    return Matching(
        matches,
        pd.DataFrame(unmatched, columns=["client_id", "reden"]),
        balance,
        worst,
        counts,
        caliper=caliper,
        narrowings=narrowings,
        unmatched_by_narrowing=len(outside),
    )


def _nearest(
    clients: pd.DataFrame, own: np.ndarray, near: dict, limit: float, k: int
) -> tuple[pd.DataFrame, list[int]]:
    """(the match rows: each client's k nearest inside `limit` and every candidate tied with the k-th, weights
    1/m, so that which persons are chosen does not depend on their pseudonyms; the clients left without)."""
    rows, outside = [], []
    for i, (ids, distance, pool) in near.items():
        n = int(np.searchsorted(distance, limit, side="right"))  # ranked by distance: the first n are inside
        if n == 0:
            outside.append(i)
            continue
        kth = distance[min(k, n) - 1]
        chosen = np.flatnonzero(distance[:n] <= kth)
        c = clients.iloc[i]
        for j in chosen:
            rows.append(
                {
                    "client_id": c["client_id"],
                    "control_id": ids[j],
                    "distance": float(distance[j]),
                    "weight": 1.0 / len(chosen),
                    "pseudo_start": c["ico_start"],
                    "pseudo_eind": c["ico_eind"],
                    **{f"client_{f}": own[i, n] for n, f in enumerate((*FEATURES, AGE))},
                    **{f"control_{f}": pool[j, n] for n, f in enumerate((*FEATURES, AGE))},
                }
            )
    return pd.DataFrame(rows, columns=_MATCH_COLUMNS), outside


_MATCH_COLUMNS = [
    "client_id",
    "control_id",
    "distance",
    "weight",
    "pseudo_start",
    "pseudo_eind",
    *[f"client_{f}" for f in (*FEATURES, AGE)],
    *[f"control_{f}" for f in (*FEATURES, AGE)],
]


def _balance(own: np.ndarray, treated: _Moments, before: _Moments, matches: pd.DataFrame) -> list[dict]:
    """Standardised mean differences before matching (all clients against their risk sets, each set weighing
    as one client) and after it (the matched clients against their controls, weighted 1/k). The scale is the
    same before and after, sqrt((var_clients + var_candidates) / 2) before matching, so that a change in the
    SMD is a change in the means (as cobalt and MatchIt report it)."""
    out = []
    if treated.n == 0 or before.n == 0:
        return [{"kenmerk": f, "smd_voor": None, "smd_na": None} for f in (*FEATURES, AGE)]  # nothing to compare
    var_t = np.diag(treated.cov()) if treated.n > 1 else np.full(own.shape[1], np.nan)
    mean_b = before.mean()
    var_b = np.diag(before.cross() / before.n - np.outer(mean_b, mean_b))
    scale = np.sqrt((var_t + var_b) / 2)
    matched = matches.groupby("client_id", sort=True).first() if len(matches) else None
    for n, name in enumerate((*FEATURES, AGE)):
        after, client_mean, control_mean = None, None, None
        if matched is not None:
            w = matches["weight"].to_numpy()
            control_mean = math.fsum(w * matches[f"control_{name}"].to_numpy()) / math.fsum(w)
            client_mean = math.fsum(matched[f"client_{name}"]) / len(matched)
            after = _smd(client_mean, control_mean, scale[n])
        out.append(
            {
                "kenmerk": name,
                "smd_voor": _smd(treated.mean()[n], mean_b[n], scale[n]),
                "smd_na": after,
                "gemiddelde_clients": float(treated.mean()[n]),
                "gemiddelde_kandidaten": float(mean_b[n]),
                "gemiddelde_clients_gematcht": client_mean,
                "gemiddelde_controles": control_mean,
            }
        )
    return out


def smd(treated: np.ndarray, control: np.ndarray, control_weights: np.ndarray | None = None) -> float | None:
    """Standardised mean difference of two samples: (mean treated - weighted mean control) /
    sqrt((var_t + var_c) / 2)."""
    w = np.ones(len(control)) if control_weights is None else np.asarray(control_weights, float)
    if len(treated) < 2 or len(control) < 2 or w.sum() == 0:
        return None
    mean_c = float(np.average(control, weights=w))
    var_c = float(np.average((control - mean_c) ** 2, weights=w))
    return _smd(float(np.mean(treated)), mean_c, np.sqrt((float(np.var(treated, ddof=1)) + var_c) / 2))
