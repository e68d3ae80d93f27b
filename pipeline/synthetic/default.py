"""The synthetic default export: a seeded generator calibrated to the published numbers of the report.

The report's chapter 3 (SPEC §7) fixes many totals at once: clients by sex and age group, registrations per
window, per sex and age group before and after, E-categories and severities per period, IMK classes, the
change groups. They are met exactly by construction, not by a lucky seed:

1. client attributes (sex, age group) are laid out to the published marginals;
2. per-client counts before and after the ICO are the solution of a small integer programme (scipy's HiGHS)
   whose constraints are the published totals and change groups, and whose objective keeps each client close
   to a randomly drawn activity level, so the data look natural;
3. a second integer programme splits those counts over the five windows and into E and other registrations;
4. registration-level detail (E-category, severity, class, code, date, role, number) is drawn from the
   seeded generator as exact shuffles of the published per-period totals.

The published numbers below are this generator's targets. The pipeline never sees them; the end-to-end test
checks that the pipeline, run on these files, finds them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from pipeline import paths
from pipeline.config.mapping import load_mapping
from pipeline.io.outputs import atomic_file

DEFAULT_SEED = 20231130
GENERATOR = "pipeline.synthetic.default"

# --- the targets: the report's chapter 3 (SPEC §7) ----------------------------------------------------------
SEXES = ("man", "vrouw")
AGE_GROUPS = ("<18", "18-25", "26-35", "36-45", "46-55", "56-65", "66-75", "76-85")
AGE_RANGES = {
    "<18": (14, 17),
    "18-25": (18, 25),
    "26-35": (26, 35),
    "36-45": (36, 45),
    "46-55": (46, 55),
    "56-65": (56, 65),
    "66-75": (66, 75),
    "76-85": (76, 85),
}
AGE_N = {"<18": 5, "18-25": 23, "26-35": 44, "36-45": 37, "46-55": 34, "56-65": 16, "66-75": 4, "76-85": 1}
AGE_VOOR = {
    "<18": 7,
    "18-25": 204,
    "26-35": 425,
    "36-45": 450,
    "46-55": 342,
    "56-65": 148,
    "66-75": 105,
    "76-85": 1,
}
AGE_NA = {
    "<18": 6,
    "18-25": 83,
    "26-35": 273,
    "36-45": 212,
    "46-55": 158,
    "56-65": 91,
    "66-75": 23,
    "76-85": 1,
}
AGE_TOTAL = {"26-35": 1032, "36-45": 1002, "46-55": 882}
# Women per age group: the report gives only the total (37); this spread is the generator's choice.
# Clients with 'veel' (>= 10) registrations before, per age group: the report gives only the total (56);
# this spread, consistent with each group's total before, is the generator's choice.
VEEL_PER_AGE = {
    "<18": 0,
    "18-25": 8,
    "26-35": 14,
    "36-45": 14,
    "46-55": 11,
    "56-65": 6,
    "66-75": 3,
    "76-85": 0,
}
WOMEN_PER_AGE = {
    "<18": 1,
    "18-25": 5,
    "26-35": 10,
    "36-45": 8,
    "46-55": 8,
    "56-65": 4,
    "66-75": 1,
    "76-85": 0,
}
SEX_N = {"man": 127, "vrouw": 37}
SEX_VOOR = {"man": 1361, "vrouw": 321}
SEX_NA = {"man": 643, "vrouw": 204}
SEX_TOTAL = {"man": 3200, "vrouw": 709}
# E share per sex: 44% of men's and 62% of women's registrations are E-meldingen (report, figure 13).
SEX_E = {"man": 1407, "vrouw": 440}
# The report's ranges per client before / after (men 0-80 / 0-32, women 0-32 / 0-16).
SEX_MAX_VOOR = {"man": 80, "vrouw": 32}
SEX_MAX_NA = {"man": 32, "vrouw": 16}
WINDOWS = {"6 mnd voor": 643, "3 mnd voor": 1039, "tijdens": 1380, "3 mnd na": 481, "6 mnd na": 366}
E_CATEGORIES = {  # voor, tijdens, na (Tabel 3)
    "ruzie": (224, 132, 97),
    "verward persoon": (267, 258, 163),
    "alcohol/drugs": (49, 74, 31),
    "zwerver": (106, 149, 46),
    "assistenties": (26, 28, 16),
    "overig": (84, 61, 36),
}
SEVERITIES = {"licht": (646, 481, 325), "middel": (233, 184, 118), "zwaar": (47, 13, 15)}  # Tabel 4, non-E
# Non-E registrations per class and severity: D 510 and F 583 as published, the rest (969) the generator's
# choice among the classes the report names; no G (the report's twelve classes do not include it).
CLASS_SEVERITY = {
    "A": {"middel": 170},
    "B": {"zwaar": 6},
    "C": {"middel": 120},
    "D": {"licht": 434, "middel": 75, "zwaar": 1},
    "F": {"licht": 345, "middel": 170, "zwaar": 68},
    "H": {"licht": 120},
    "I": {"licht": 305},
    "J": {"licht": 150},
    "L": {"licht": 8},
    "M": {"licht": 90},
}
CHANGE_GROUPS = {  # (toegenomen, afname_0_10, afname_11_50, afname_50_plus)
    "weinig": (30, 8, 8, 62),
    "veel": (2, 5, 10, 39),
}
VEEL_WITHOUT_AFTER = 6
VEEL_FROM = 10
MAX_TOTAL, MAX_E = 146, 113
# Export period and ICO dates: clients discussed in 2020-2021 with full follow-up inside the period.
PERIOD = (pd.Timestamp("2019-06-01"), pd.Timestamp("2022-05-31"))
START_RANGE = (pd.Timestamp("2020-01-02"), pd.Timestamp("2021-05-31"))
DUPLICATE_ROWS = 41
# Beyond the calibrated windows, as in a real export: registrations in the rest of the period (at the rate of
# the nearest window, plus this floor over the window so quiet clients are not silent for three years), and
# clients discussed too late for a full follow-up or whose ICO still runs.
BACKGROUND_FLOOR = 0.3
LATE_CLIENTS, OPEN_CLIENTS = 22, 4
LATE_START = (pd.Timestamp("2021-06-01"), pd.Timestamp("2021-12-31"))
SECOND_ROLE_SHARE = 0.6  # of the duplicate rows, the client in a second role; the rest exact repeats

# Codes drawn within an E-category; other E codes of the mapping are drawn for 'overig'.
E_CODES = {
    "ruzie": {"E11": 0.3, "E12": 0.25, "E13": 0.2, "E16": 0.25},
    "verward persoon": {"E33": 1.0},
    "alcohol/drugs": {"E38": 1.0},
    "zwerver": {"E41": 1.0},
    "assistenties": {"E50": 0.1, "E53": 0.15, "E54": 0.2, "E55": 0.25, "E57": 0.3},
    "overig": {
        "E30": 0.2,
        "E321": 0.15,
        "E14": 0.1,
        "E35": 0.1,
        "E40": 0.25,
        "E81": 0.05,
        "E22": 0.05,
        "E391": 0.1,
    },
}
ROLES = {"verdachte": 0.42, "betrokkene": 0.33, "slachtoffer": 0.15, "getuige": 0.10}
ICO_TYPES = {"regulier": 0.8, "PGA OGGZ 1%": 0.2}


# --- a small builder for integer programmes ---------------------------------------------------------------


@dataclass
class _Programme:
    """Integer variables with bounds, linear constraints and a linear objective, solved by HiGHS."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    rows: list[dict[int, float]] = field(default_factory=list)
    row_lo: list[float] = field(default_factory=list)
    row_hi: list[float] = field(default_factory=list)

    def var(self, n: int, lo: float = 0, hi: float = np.inf, cost: float = 0.0) -> np.ndarray:
        first = len(self.lower)
        self.lower += [lo] * n
        self.upper += [hi] * n
        self.cost += [cost] * n
        return np.arange(first, first + n)

    def add(self, terms: dict[int, float], lo: float = -np.inf, hi: float = np.inf) -> None:
        self.rows.append(terms)
        self.row_lo.append(lo)
        self.row_hi.append(hi)

    def sum_eq(self, variables, coefficient: float | np.ndarray = 1.0, value: float = 0.0) -> None:
        coefficient = np.broadcast_to(coefficient, np.shape(variables))
        self.add({int(v): float(c) for v, c in zip(variables, coefficient, strict=True)}, value, value)

    def abs_deviation(self, variables: np.ndarray, targets: np.ndarray, weight: float = 1.0) -> None:
        """Add |x - target| to the objective through one helper variable per x."""
        dev = self.var(len(variables), cost=weight)
        for x, d, t in zip(variables, dev, targets, strict=True):
            self.add({int(d): 1.0, int(x): -1.0}, lo=-float(t))  # d >= x - t
            self.add({int(d): 1.0, int(x): 1.0}, lo=float(t))  # d >= t - x

    def solve(self) -> np.ndarray:
        a = scipy.sparse.lil_array((len(self.rows), len(self.lower)))
        for i, terms in enumerate(self.rows):
            for j, c in terms.items():
                a[i, j] = c
        result = milp(
            c=np.asarray(self.cost),
            integrality=np.ones(len(self.lower)),
            bounds=Bounds(self.lower, self.upper),
            constraints=LinearConstraint(a.tocsr(), self.row_lo, self.row_hi),
            options={"mip_rel_gap": 0.02, "node_limit": 20000},
        )
        if result.x is None:
            raise RuntimeError(f"the synthetic targets could not be met: {result.message}")
        return np.round(result.x).astype(np.int64)


def _weighted(rng: np.random.Generator, options: dict[str, float], size: int) -> np.ndarray:
    keys = list(options)
    p = np.asarray([options[k] for k in keys], dtype=float)
    return np.asarray(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


# --- step 1: the clients ----------------------------------------------------------------------------------


def _clients(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for age in AGE_GROUPS:
        women = WOMEN_PER_AGE[age]
        for k in range(AGE_N[age]):
            lo, hi = AGE_RANGES[age]
            rows.append(
                {
                    "leeftijdsgroep": age,
                    "geslacht": "vrouw" if k < women else "man",
                    "leeftijd": int(rng.integers(lo, hi + 1)),
                }
            )
    clients = pd.DataFrame(rows)
    # A latent activity level per client: heavy-tailed, as police contacts are; the most active clients of
    # each age group are the 'veel' ones.
    clients["activiteit"] = rng.lognormal(mean=0.0, sigma=0.9, size=len(clients))
    rank = clients.groupby("leeftijdsgroep")["activiteit"].rank(ascending=False, method="first")
    clients["veel"] = rank <= clients["leeftijdsgroep"].map(VEEL_PER_AGE)
    return clients


# --- step 2: registrations before and after per client ----------------------------------------------------


def _before_after(clients: pd.DataFrame) -> pd.DataFrame:
    m = _Programme()
    n = len(clients)
    big = 400
    voor = m.var(n, 0, big)
    na = m.var(n, 0, big)
    classes = [(g, k) for g in CHANGE_GROUPS for k in range(4)]
    member = {c: m.var(n, 0, 1) for c in classes}
    no_after = m.var(n, 0, 1)

    sex = clients["geslacht"].to_numpy()
    is_veel = clients["veel"].to_numpy()
    for i in range(n):
        m.add({int(member[c][i]): 1.0 for c in classes}, 1, 1)
        m.add({int(member[("veel", k)][i]): 1.0 for k in range(4)}, int(is_veel[i]), int(is_veel[i]))
        m.add({int(voor[i]): 1.0}, hi=SEX_MAX_VOOR[sex[i]])
        m.add({int(na[i]): 1.0}, hi=SEX_MAX_NA[sex[i]])
        weinig = {int(member[("weinig", k)][i]): 1.0 for k in range(4)}
        veel = {int(member[("veel", k)][i]): 1.0 for k in range(4)}
        # weinig: voor <= VEEL_FROM - 1; veel: voor >= VEEL_FROM
        m.add({int(voor[i]): 1.0, **{j: big for j in weinig}}, hi=VEEL_FROM - 1 + big)
        m.add({int(voor[i]): 1.0, **{j: -VEEL_FROM for j in veel}}, lo=0)
        for g in CHANGE_GROUPS:
            up, small, mid, large = (int(member[(g, k)][i]) for k in range(4))
            v, a = int(voor[i]), int(na[i])
            m.add({a: 1, v: -1, up: -big}, lo=1 - big)  # toegenomen: na >= voor + 1
            m.add({a: 10, v: -9, small: -big}, lo=-big)  # <=10%: 10 na >= 9 voor
            m.add({a: 1, v: -1, small: big}, hi=big)  # ... and na <= voor
            m.add({a: 10, v: -9, mid: big}, hi=big - 1)  # 11-50%: 10 na <= 9 voor - 1
            m.add({a: 2, v: -1, mid: -big}, lo=1 - big)  # ... and 2 na >= voor + 1
            m.add({a: 2, v: -1, large: big}, hi=big)  # >=50%: 2 na <= voor
            m.add({v: 1, large: -1}, lo=0)  # ... with voor >= 1 (0 -> 0 is 'afname 0-10')
        # exactly VEEL_WITHOUT_AFTER veel clients without registrations after; the other veel clients have some
        m.add({int(no_after[i]): 1, int(member[("veel", 3)][i]): -1}, hi=0)
        m.add({int(na[i]): 1, int(no_after[i]): big}, hi=big)
        m.add({int(na[i]): 1, **{j: -1 for j in veel}, int(no_after[i]): 1}, lo=0)
    # some client has a single registration in all: the quietest one has at most one before and after
    quietest = int(np.argmin(clients["activiteit"].to_numpy()))
    m.add({int(voor[quietest]): 1, int(na[quietest]): 1}, hi=1)
    m.sum_eq(no_after, value=VEEL_WITHOUT_AFTER)
    for c in classes:
        m.sum_eq(member[c], value=CHANGE_GROUPS[c[0]][c[1]])
    for s in SEXES:
        idx = np.flatnonzero(sex == s)
        m.sum_eq(voor[idx], value=SEX_VOOR[s])
        m.sum_eq(na[idx], value=SEX_NA[s])
    ages = clients["leeftijdsgroep"].to_numpy()
    targets_voor = np.zeros(n)
    targets_na = np.zeros(n)
    for age in AGE_GROUPS:
        idx = np.flatnonzero(ages == age)
        m.sum_eq(voor[idx], value=AGE_VOOR[age])
        m.sum_eq(na[idx], value=AGE_NA[age])
        share = clients["activiteit"].to_numpy()[idx] / clients["activiteit"].to_numpy()[idx].sum()
        targets_voor[idx] = share * AGE_VOOR[age]
        targets_na[idx] = share * AGE_NA[age]
    m.abs_deviation(voor, targets_voor)
    m.abs_deviation(na, targets_na)
    x = m.solve()
    return clients.assign(voor=x[voor], na=x[na])


# --- step 3: windows, the ICO period and E registrations per client ---------------------------------------


def _during_targets(clients: pd.DataFrame) -> np.ndarray:
    """Registrations during the ICO in proportion to before + after, within the published totals."""
    outside = (clients["voor"] + clients["na"]).to_numpy(dtype=float) + 0.5
    ages = clients["leeftijdsgroep"].to_numpy()
    target = np.zeros(len(clients))
    fixed = np.isin(ages, list(AGE_TOTAL))
    for age, total in AGE_TOTAL.items():
        idx = ages == age
        target[idx] = outside[idx] / outside[idx].sum() * (total - AGE_VOOR[age] - AGE_NA[age])
    rest = WINDOWS["tijdens"] - target[fixed].sum()
    target[~fixed] = outside[~fixed] / outside[~fixed].sum() * rest
    return target


def _windows_and_e(clients: pd.DataFrame) -> pd.DataFrame:
    m = _Programme()
    n = len(clients)
    v, a = clients["voor"].to_numpy(), clients["na"].to_numpy()
    early = m.var(n)  # '6 mnd voor'; '3 mnd voor' is voor - early
    late = m.var(n)  # '3 mnd na'; '6 mnd na' is na - late
    during = m.var(n, 0, MAX_TOTAL)
    e = {p: m.var(n) for p in ("voor", "tijdens", "na")}
    activity = clients["activiteit"].to_numpy()
    sex, ages = clients["geslacht"].to_numpy(), clients["leeftijdsgroep"].to_numpy()
    e_share = np.where(sex == "vrouw", 0.62, 0.44)

    biggest = int(np.argmax(v + a))
    smallest = int(np.argmin(activity))
    for i in range(n):
        m.add({int(early[i]): 1}, hi=v[i])
        m.add({int(late[i]): 1}, hi=a[i])
        m.add({int(e["voor"][i]): 1}, hi=v[i])
        m.add({int(e["na"][i]): 1}, hi=a[i])
        m.add({int(e["tijdens"][i]): 1, int(during[i]): -1}, hi=0)
        total_lo, total_hi = 1 - v[i] - a[i], MAX_TOTAL - v[i] - a[i]
        if i == biggest:
            total_lo = total_hi  # the client with the most registrations has exactly MAX_TOTAL
        if i == smallest:
            total_hi = total_lo = max(1 - v[i] - a[i], 0)  # and some client has exactly one
        m.add({int(during[i]): 1}, lo=total_lo, hi=total_hi)
        e_all = {int(e[p][i]): 1 for p in e}
        m.add(e_all, lo=MAX_E if i == biggest else 1, hi=MAX_E)
    m.sum_eq(early, value=WINDOWS["6 mnd voor"])
    m.sum_eq(late, value=WINDOWS["3 mnd na"])
    m.sum_eq(during, value=WINDOWS["tijdens"])
    m.sum_eq(during[sex == "man"], value=SEX_TOTAL["man"] - SEX_VOOR["man"] - SEX_NA["man"])
    for age, total in AGE_TOTAL.items():
        m.sum_eq(during[ages == age], value=total - AGE_VOOR[age] - AGE_NA[age])
    for p, k in (("voor", 0), ("tijdens", 1), ("na", 2)):
        m.sum_eq(e[p], value=sum(t[k] for t in E_CATEGORIES.values()))
    for s in SEXES:
        m.sum_eq(np.concatenate([e[p][sex == s] for p in e]), value=SEX_E[s])
    # The report finds E-meldingen most often in the 46-55 age group (Tabel 2).
    top = np.concatenate([e[p][ages == "46-55"] for p in e])
    for age in AGE_GROUPS:
        if age != "46-55":
            other = np.concatenate([e[p][ages == age] for p in e])
            m.add({**{int(j): 1.0 for j in top}, **{int(j): -1.0 for j in other}}, lo=1)

    m.abs_deviation(early, 0.38 * v)
    m.abs_deviation(late, 0.57 * a)
    m.abs_deviation(during, _during_targets(clients))
    m.abs_deviation(e["voor"], e_share * v, weight=0.5)
    m.abs_deviation(e["na"], e_share * a, weight=0.5)
    x = m.solve()
    tijdens = x[during]
    return clients.assign(
        **{
            "6 mnd voor": x[early],
            "3 mnd voor": v - x[early],
            "tijdens": tijdens,
            "3 mnd na": x[late],
            "6 mnd na": a - x[late],
            "e_voor": x[e["voor"]],
            "e_tijdens": x[e["tijdens"]],
            "e_na": x[e["na"]],
        }
    )


# --- step 4: registrations ----------------------------------------------------------------------------------


def _ico_dates(rng: np.random.Generator, n: int) -> tuple[pd.Series, pd.Series]:
    span = (START_RANGE[1] - START_RANGE[0]).days
    start = START_RANGE[0] + pd.to_timedelta(rng.integers(0, span + 1, size=n), unit="D")
    # A few discussions start on a month's last day, where 'six months before' is clipped (31 Aug -> 29 Feb).
    month_end = rng.random(n) < 0.08
    start = pd.Series(np.where(month_end, start + pd.offsets.MonthEnd(0), start)).astype("datetime64[us]")
    latest_end = PERIOD[1] - pd.DateOffset(months=6)
    length = pd.to_timedelta(np.round(rng.gamma(2.0, 75.0, size=n)).astype(int), unit="D")
    end = pd.Series(start + length).clip(upper=latest_end)
    end = end.where(end >= start, start)
    return start, end


def _dates_in(rng: np.random.Generator, lo: pd.Series, hi: pd.Series) -> pd.Series:
    """Uniform dates with lo <= d <= hi."""
    days = (hi - lo).dt.days.to_numpy()
    return lo + pd.to_timedelta(np.floor(rng.random(len(days)) * (days + 1)).astype(int), unit="D")


def _registrations(rng: np.random.Generator, clients: pd.DataFrame, mapping_path: Path) -> pd.DataFrame:
    mapping = load_mapping(mapping_path).table.set_index("code")
    windows = list(WINDOWS)
    periods = {
        "6 mnd voor": "voor",
        "3 mnd voor": "voor",
        "tijdens": "tijdens",
        "3 mnd na": "na",
        "6 mnd na": "na",
    }
    # one row per registration: client and window
    counts = clients[windows].to_numpy()
    client_idx = np.repeat(np.arange(len(clients)), counts.sum(axis=1))
    window = np.concatenate([np.repeat(windows, row) for row in counts])
    regs = pd.DataFrame({"client": client_idx, "venster": window})
    regs["periode"] = regs["venster"].map(periods)

    # E or not: within each client and period, the first e_<period> registrations in a random order are E
    regs = regs.sample(frac=1.0, random_state=rng).sort_values(["client", "periode"], kind="stable")
    rank = regs.groupby(["client", "periode"]).cumcount().to_numpy()
    e_quota = np.select(
        [regs["periode"] == p for p in ("voor", "tijdens", "na")],
        [clients[f"e_{p}"].to_numpy()[regs["client"]] for p in ("voor", "tijdens", "na")],
    )
    regs["is_e"] = rank < e_quota

    regs["e_categorie"] = None
    regs["zwaarte"] = None
    for k, period in enumerate(("voor", "tijdens", "na")):
        e_rows = regs.index[(regs["periode"] == period) & regs["is_e"]]
        pool = np.repeat(list(E_CATEGORIES), [t[k] for t in E_CATEGORIES.values()])
        regs.loc[e_rows, "e_categorie"] = rng.permutation(pool)
        other = regs.index[(regs["periode"] == period) & ~regs["is_e"]]
        pool = np.repeat(list(SEVERITIES), [t[k] for t in SEVERITIES.values()])
        regs.loc[other, "zwaarte"] = rng.permutation(pool)

    regs["imk_code"] = ""
    for category, options in E_CODES.items():
        rows = regs.index[regs["e_categorie"] == category]
        regs.loc[rows, "imk_code"] = _weighted(rng, options, len(rows))
    for severity in SEVERITIES:
        rows = regs.index[regs["zwaarte"] == severity]
        classes = {c: v[severity] for c, v in CLASS_SEVERITY.items() if severity in v}
        pool = rng.permutation(np.repeat(list(classes), list(classes.values())))
        for klasse in classes:
            chosen = rows[pool == klasse]
            codes = mapping.index[(mapping["klasse"] == klasse) & (mapping["zwaarte"] == severity)]
            weights = rng.dirichlet(np.full(len(codes), 0.4))  # a few codes common, most rare
            regs.loc[chosen, "imk_code"] = np.asarray(codes)[rng.choice(len(codes), size=len(chosen), p=weights)]

    # dates: uniform within each window, with the window's own inclusive and exclusive ends
    start, end = clients["ico_start"], clients["ico_eind"]
    one_day = pd.Timedelta(days=1)
    bounds = {
        "6 mnd voor": (start - pd.DateOffset(months=6), start - pd.DateOffset(months=3) - one_day),
        "3 mnd voor": (start - pd.DateOffset(months=3), start - one_day),
        "tijdens": (start, end),
        "3 mnd na": (end + one_day, end + pd.DateOffset(months=3)),
        "6 mnd na": (end + pd.DateOffset(months=3) + one_day, end + pd.DateOffset(months=6)),
    }
    regs["datum"] = pd.NaT
    for name, (lo, hi) in bounds.items():
        rows = regs.index[regs["venster"] == name]
        who = regs.loc[rows, "client"].to_numpy()
        regs.loc[rows, "datum"] = _dates_in(
            rng, lo.iloc[who].reset_index(drop=True), hi.iloc[who].reset_index(drop=True)
        ).to_numpy()
    regs["datum"] = pd.to_datetime(regs["datum"])
    regs["client_id"] = clients["client_id"].to_numpy()[regs["client"]]
    return regs[["client_id", "datum", "imk_code"]]


def _uniform_rows(rng: np.random.Generator, spans: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    """Poisson(rate x days) registrations per span (client_id, lo, hi, rate per day, code pool key), dated
    uniformly inside it, with codes drawn from that client's own codes."""
    days = ((spans["hi"] - spans["lo"]).dt.days + 1).clip(lower=0)
    n = rng.poisson(spans["rate"].to_numpy() * days.to_numpy())
    rows = spans.loc[spans.index.repeat(n)].reset_index(drop=True)
    rows["datum"] = _dates_in(rng, rows["lo"], rows["hi"])
    pools = {key: group.to_numpy() for key, group in codes.groupby(level=0)}
    everyone = codes.to_numpy()
    draw = rng.random(len(rows))
    chosen = np.empty(len(rows), dtype=object)
    for client, idx in rows.groupby("client_id").indices.items():  # a loop over clients, not registrations
        pool = pools.get(client, everyone)
        chosen[idx] = pool[(draw[idx] * len(pool)).astype(int)]
    rows["imk_code"] = chosen
    return rows[["client_id", "datum", "imk_code"]]


def _background(rng: np.random.Generator, clients: pd.DataFrame, regs: pd.DataFrame) -> pd.DataFrame:
    """A real export covers the whole period, not just the windows: each client's registrations before its
    '6 mnd voor' window at that window's rate, and after its '6 mnd na' window at that window's rate."""
    day = pd.Timedelta(days=1)
    start, end = clients["ico_start"], clients["ico_eind"]
    early_lo, early_hi = start - pd.DateOffset(months=6), start - pd.DateOffset(months=3) - day
    late_lo, late_hi = end + pd.DateOffset(months=3) + day, end + pd.DateOffset(months=6)
    early_rate = (clients["6 mnd voor"] + BACKGROUND_FLOOR) / ((early_hi - early_lo).dt.days + 1)
    late_rate = (clients["6 mnd na"] + BACKGROUND_FLOOR) / ((late_hi - late_lo).dt.days + 1)
    spans = pd.concat(
        [
            pd.DataFrame(
                {"client_id": clients["client_id"], "lo": PERIOD[0], "hi": early_lo - day, "rate": early_rate}
            ),
            pd.DataFrame({"client_id": clients["client_id"], "lo": late_hi + day, "hi": PERIOD[1], "rate": late_rate}),
        ],
        ignore_index=True,
    )
    return _uniform_rows(rng, spans, regs.set_index("client_id")["imk_code"])


def _later_clients(rng: np.random.Generator, regs: pd.DataFrame, ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clients discussed too late for a full follow-up (and a few whose ICO still runs): left out of the
    comparison, as in a real export, and the comparison group for calendar time before them."""
    n = LATE_CLIENTS + OPEN_CLIENTS
    start = LATE_START[0] + pd.to_timedelta(rng.integers(0, (LATE_START[1] - LATE_START[0]).days, n), unit="D")
    length = pd.to_timedelta(rng.integers(20, 150, n), unit="D")
    end = pd.Series(np.maximum(start + length, PERIOD[1] - pd.DateOffset(months=6) + pd.Timedelta(days=1)))
    end[LATE_CLIENTS:] = pd.NaT
    ages = rng.integers(18, 76, n)
    clients = pd.DataFrame(
        {
            "client_id": ids,
            "geslacht": np.where(rng.random(n) < SEX_N["vrouw"] / sum(SEX_N.values()), "vrouw", "man"),
            "leeftijd": ages,
            "ico_start": pd.Series(start).astype("datetime64[us]"),
            "ico_eind": end.astype("datetime64[us]"),
            "ico_type": _weighted(rng, ICO_TYPES, n),
        }
    )
    rate = rng.lognormal(np.log(1.2 / 30.44), 0.8, n)
    surge_lo = clients["ico_start"] - pd.DateOffset(months=3)
    day = pd.Timedelta(days=1)
    stop = clients["ico_eind"].fillna(PERIOD[1])
    spans = pd.concat(
        [
            pd.DataFrame({"client_id": ids, "lo": PERIOD[0], "hi": surge_lo - day, "rate": rate}),
            pd.DataFrame({"client_id": ids, "lo": surge_lo, "hi": clients["ico_start"] - day, "rate": rate * 2.2}),
            pd.DataFrame({"client_id": ids, "lo": clients["ico_start"], "hi": stop, "rate": rate * 1.8}),
            pd.DataFrame({"client_id": ids, "lo": stop + day, "hi": PERIOD[1], "rate": rate * 0.8}),
        ],
        ignore_index=True,
    )
    spans = spans.loc[spans["hi"] >= spans["lo"]].reset_index(drop=True)
    return clients, _uniform_rows(rng, spans, regs["imk_code"].set_axis(["alle"] * len(regs)))


def _finish(rng: np.random.Generator, regs: pd.DataFrame, mapping_path: Path) -> pd.DataFrame:
    """Descriptions, roles and registration numbers: per year, in date order, as the police system hands
    them out."""
    mapping = load_mapping(mapping_path).table.set_index("code")
    regs = regs.sort_values(["datum", "client_id", "imk_code"], kind="stable").reset_index(drop=True)
    regs["imk_omschrijving"] = regs["imk_code"].map(mapping["omschrijving"])
    regs["rol"] = _weighted(rng, ROLES, len(regs))
    year = regs["datum"].dt.year
    offset = {y: int(rng.integers(10_000, 90_000)) for y in sorted(year.unique())}
    sequence = regs.groupby(year).cumcount() * 7 + rng.integers(1, 7, size=len(regs)) + year.map(offset)
    regs["registratienummer"] = "PL1000-" + year.astype(str) + sequence.astype(str).str.zfill(6)
    return regs


def _with_duplicates(rng: np.random.Generator, regs: pd.DataFrame) -> pd.DataFrame:
    """A few repeated rows, as exports have: the client in a second role, or the same row twice."""
    export = regs.sort_values(["client_id", "datum", "registratienummer"], kind="stable").reset_index(drop=True)
    picked = np.sort(rng.choice(len(export), size=DUPLICATE_ROWS, replace=False))
    extra = export.loc[picked].copy()
    second_role = rng.random(DUPLICATE_ROWS) < SECOND_ROLE_SHARE
    other_role = {
        "verdachte": "slachtoffer",
        "betrokkene": "verdachte",
        "slachtoffer": "getuige",
        "getuige": "betrokkene",
    }
    extra.loc[second_role, "rol"] = extra.loc[second_role, "rol"].map(other_role)
    extra.index = extra.index + 0.5  # right after the row it repeats
    return pd.concat([export, extra]).sort_index(kind="stable").reset_index(drop=True)


def generate(seed: int = DEFAULT_SEED, mapping_path: Path = paths.DEFAULT_MAPPING) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(client list, police export) as they would arrive, calibrated to SPEC §7."""
    rng = np.random.default_rng(seed)
    clients = _clients(rng)
    clients = _before_after(clients)
    clients = _windows_and_e(clients)
    n_all = len(clients) + LATE_CLIENTS + OPEN_CLIENTS
    ids = sorted({f"ZVH-{rng.integers(16**7, 16**8):08x}".upper() for _ in range(n_all * 2)})
    ids = list(rng.choice(ids, size=n_all, replace=False))
    clients["client_id"] = ids[: len(clients)]
    clients["ico_start"], clients["ico_eind"] = _ico_dates(rng, len(clients))
    clients["ico_type"] = _weighted(rng, ICO_TYPES, len(clients))
    windows = _registrations(rng, clients, mapping_path)
    later, later_regs = _later_clients(rng, windows, ids[len(clients) :])
    regs = pd.concat([windows, _background(rng, clients, windows), later_regs], ignore_index=True)
    regs = _with_duplicates(rng, _finish(rng, regs, mapping_path))

    columns = ["client_id", "geslacht", "leeftijd", "ico_start", "ico_eind", "ico_type"]
    client_list = pd.concat([clients[columns], later[columns]], ignore_index=True).sort_values("client_id")
    export = regs[["client_id", "registratienummer", "datum", "imk_code", "imk_omschrijving", "rol"]]
    return client_list.reset_index(drop=True), export


def _csv(frame: pd.DataFrame) -> bytes:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_synthetic(
    folder: Path = paths.SYNTHETIC_DIR, seed: int | None = None, mapping_path: Path = paths.DEFAULT_MAPPING
) -> dict[str, str]:
    """Write clients.csv, bvh.csv, the comparison population (pipeline/synthetic/comparison_population.py) and the
    manifest that marks them as synthetic."""
    from pipeline.synthetic.comparison_population import BACKGROUND, TRUE_RATE_RATIO, TWINS, comparison_population

    seed = DEFAULT_SEED if seed is None else seed
    clients, export = generate(seed, mapping_path)
    persons, comparison = comparison_population(clients, export, seed, *PERIOD)
    files = {
        paths.DEFAULT_CLIENTS.name: _csv(clients),
        paths.DEFAULT_BVH.name: _csv(export),
        paths.DEFAULT_COMPARISON_PERSONS.name: _csv(persons),
        paths.DEFAULT_COMPARISON_BVH.name: _csv(comparison),
    }
    folder = Path(folder)
    for name, data in files.items():
        with atomic_file(folder / name) as tmp:
            tmp.write_bytes(data)
    manifest = {
        "synthetic": True,
        "description": "Synthetische gegevens: geen echte personen of registraties. Gekalibreerd op de "
        "gepubliceerde cijfers van de Rendementsanalyse ICO, hoofdstuk 3.",
        "generator": GENERATOR,
        "seed": seed,
        "vergelijkingsgroep": {
            "ware_verhouding": TRUE_RATE_RATIO,
            "uitleg": f"{TWINS} gelijkenden per cliënt (dezelfde registraties in het jaar vóór de start; daarna "
            f"de registraties van de 6 maanden vóór de start, zoveel keer als bij de cliënten samen na tegenover "
            f"vóór, gedeeld door {TRUE_RATE_RATIO}: het ware effect van het ICO is een verhouding van "
            f"{TRUE_RATE_RATIO}) en {BACKGROUND} andere personen uit de regio",
        },
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    with atomic_file(folder / paths.SYNTHETIC_MANIFEST) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest["files"]
