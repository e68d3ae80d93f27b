"""The synthetic default's comparison population (issue 12): a few thousand persons the police know, with a
documented true effect, so that `make report` shows the matched comparison on a fresh clone.

The default clients are calibrated to the published numbers (SPEC §7), not drawn from a model, so their
'true' effect cannot be known from them alone. It is made known by construction of the comparison persons:

- look-alikes: for every client with an ICO start, TWINS persons of the same sex and a birth year within two
  years, known to the police from 12 months before the client's start to 6 months after its end. Before the
  client's ICO start a look-alike has the client's own registrations (the same dates and codes, its own
  registration numbers): the history matching looks at is the client's. From the start on, each of the
  client's registrations of the six months before the start ('voor') is copied Poisson(lambda) times to the
  same place relative to the end ('na': lambda = the clients' ratio 'na' / 'voor' together, divided by
  TRUE_RATE_RATIO) and repeated over the ICO (lambda: the clients' ratio per day during / before). So the
  look-alikes do not know how each client fared, only how the clients fared together: without the ICO the
  clients together would have had 1 / TRUE_RATE_RATIO times their registrations after it, and the true effect
  of the ICO in the synthetic default is TRUE_RATE_RATIO, while each client's own chance variation after the
  ICO stays in the estimate's interval as it would with real comparison persons;
- background: BACKGROUND persons of the region with fluctuating rates and no ICO (pipeline/synthetic/region.py),
  the many the police know who look nothing like a client;
- the clients themselves, as the police export of everybody would hold them (a person in both lists is a
  client).

The clients' own files are not touched: the published numbers stay exactly as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.synthetic.region import Region, simulate_region

TRUE_RATE_RATIO = 0.8
TWINS = 6
WINDOW_MONTHS = 6  # the 'voor' and 'na' windows of the default settings
SPAN_MONTHS = 12  # a look-alike copies the client's registrations of the 12 months before its start
BACKGROUND = 1500
JITTER_DAYS = 10


def _ids(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        for value in rng.integers(16**7, 16**8, size=2 * (n - len(out))):
            candidate = f"ZVH-{int(value):08x}".upper()
            if candidate not in taken:
                taken.add(candidate)
                out.append(candidate)
                if len(out) == n:
                    break
    return out


def _ratios(rows: pd.DataFrame, van: pd.Timestamp, tot: pd.Timestamp) -> tuple[float, float]:
    """Over the clients whose 'voor' and 'na' windows lie in the period: registrations per day during the ICO
    against those in the 'voor' window, and the 'na' window's against the 'voor' window's divided by the true
    ratio: the rates of the look-alikes, who had no ICO."""
    start, end = rows["ico_start"], rows["ico_eind"]
    half = pd.DateOffset(months=WINDOW_MONTHS)
    complete = (start - half >= van) & (end + half <= tot) & end.notna()
    rows, start, end = rows.loc[complete], start[complete], end[complete]
    before = int(((rows["datum"] >= start - half) & (rows["datum"] < start)).sum())
    during = int(((rows["datum"] >= start) & (rows["datum"] <= end)).sum())
    after = int(((rows["datum"] > end) & (rows["datum"] <= end + half)).sum())
    clients = rows.drop_duplicates("client_id")
    days_during = int(((clients["ico_eind"] - clients["ico_start"]).dt.days + 1).sum())
    days_before = int(((clients["ico_start"] - (clients["ico_start"] - half)).dt.days).sum())
    return (during / days_during) / (before / days_before), after / before / TRUE_RATE_RATIO


def _look_alikes(rng, clients: pd.DataFrame, export: pd.DataFrame, taken: set[str], van, tot):
    known = clients.loc[clients["ico_start"].notna()].reset_index(drop=True)
    twin_of = np.repeat(np.arange(len(known)), TWINS)
    ids = np.array(_ids(rng, len(twin_of), taken))
    born = known["ico_start"].dt.year.to_numpy()[twin_of] - known["leeftijd"].to_numpy()[twin_of]
    persons = pd.DataFrame(
        {
            "client_id": ids,
            "geslacht": known["geslacht"].to_numpy()[twin_of],
            "geboortejaar": born + rng.integers(-2, 3, size=len(twin_of)),
        }
    )
    rows = export.drop_duplicates(["client_id", "registratienummer"]).merge(
        known[["client_id", "ico_start", "ico_eind"]].reset_index(names="client"), on="client_id"
    )
    # every twin of a client against every registration of that client in the year before its start: that year
    # is the twin's history (copied exactly); its last WINDOW_MONTHS ('voor') are moved, thinned, to the same
    # place relative to the end ('na', Poisson(after) copies) and repeated over the ICO (Poisson(during))
    pairs = rows.merge(pd.DataFrame({"client": twin_of, "twin": ids}), on="client")
    start, end = pairs["ico_start"], pairs["ico_eind"].fillna(pairs["ico_start"])
    history = pairs.loc[(pairs["datum"] >= start - pd.DateOffset(months=SPAN_MONTHS)) & (pairs["datum"] < start)]
    history = history.reset_index(drop=True)
    start, end = history["ico_start"], history["ico_eind"].fillna(history["ico_start"])
    voor = history["datum"] >= start - pd.DateOffset(months=WINDOW_MONTHS)
    during_rate, after_rate = _ratios(rows, van, tot)
    offset = start - history["datum"]  # how long before the start: the same after the end
    half = pd.Timedelta(days=182)
    placed = [(end + offset, end + pd.DateOffset(months=WINDOW_MONTHS), after_rate)]
    placed += [(start + offset - pd.Timedelta(days=1) + k * half, end, during_rate) for k in range(4)]
    later = [history]
    for moved, last, rate in placed:
        copies = np.where(voor.to_numpy() & (moved <= last).to_numpy(), rng.poisson(rate, size=len(history)), 0)
        take = np.repeat(np.arange(len(history)), copies)
        later.append(history.iloc[take].assign(datum=moved.to_numpy()[take]))
    pairs = pd.concat(later, ignore_index=True)
    moved = pairs["datum"]
    return persons, pairs.assign(client_id=pairs["twin"], datum=moved)[list(export.columns)]


def comparison_population(
    clients: pd.DataFrame, export: pd.DataFrame, seed: int, van: pd.Timestamp, tot: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(comparison persons: client_id, geslacht, geboortejaar; their police export, the clients' rows included)."""
    rng = np.random.default_rng([seed, 12])
    taken = set(clients["client_id"])
    twins, twin_rows = _look_alikes(rng, clients, export, taken, van, tot)
    region = simulate_region(Region(n_persons=BACKGROUND, hazard=0.0), seed, str(van.date()), str(tot.date()))
    background = region["comparison_persons"]
    names = dict(zip(background["client_id"], _ids(rng, len(background), taken), strict=True))
    background = background.assign(client_id=background["client_id"].map(names))
    codes = export["imk_code"].to_numpy()
    descriptions = export.drop_duplicates("imk_code").set_index("imk_code")["imk_omschrijving"]
    background_rows = region["comparison_bvh"].assign(
        client_id=lambda f: f["client_id"].map(names),
        datum=lambda f: pd.to_datetime(f["datum"]),
        imk_code=lambda f: rng.choice(codes, size=len(f)),
        rol="verdachte",
    )
    background_rows["imk_omschrijving"] = background_rows["imk_code"].map(descriptions)
    own = pd.DataFrame(
        {
            "client_id": clients["client_id"],
            "geslacht": clients["geslacht"],
            "geboortejaar": clients["ico_start"].dt.year.fillna(tot.year).astype(int) - clients["leeftijd"],
        }
    )
    persons = pd.concat([own, twins, background], ignore_index=True).sort_values("client_id", kind="stable")
    rows = pd.concat([export, twin_rows, background_rows[list(export.columns)]], ignore_index=True)
    rows = rows.loc[(rows["datum"] >= van) & (rows["datum"] <= tot)]
    rows = rows.sort_values(["datum", "client_id", "imk_code"], kind="stable").reset_index(drop=True)
    own_numbers = rows["client_id"].isin(clients["client_id"])
    sequence = pd.Series(np.arange(len(rows)), index=rows.index).astype(str).str.zfill(10)
    rows["registratienummer"] = rows["registratienummer"].where(own_numbers, "PL2000-" + sequence)
    return persons.reset_index(drop=True), rows
