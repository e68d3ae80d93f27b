"""The synthetic default's comparison population (issue 12): a few thousand persons the police know, with a
documented true effect, so that `make report` shows the matched comparison on a fresh clone.

The default clients are calibrated to the published numbers (SPEC §7), not drawn from a model, so their
'true' effect cannot be known from them alone. It is made known by construction of the comparison persons:

- look-alikes: for every client with an ICO start, TWINS persons of the same sex and a birth year within two
  years, known to the police from 12 months before the client's start to 12 months after its end. Before the
  client's ICO start a look-alike has the client's own registrations (the same dates and
  codes, its own registration numbers): the history matching looks at is the client's. From the start on,
  each of the client's registrations is copied Poisson(lambda) times, dated within ten days of it on the same
  side of the client's end: lambda = 1 during the ICO and 1 / TRUE_RATE_RATIO after it. So after the ICO a
  look-alike has, in expectation, the registrations the client would have had without the ICO if the ICO
  multiplied them by TRUE_RATE_RATIO: the true effect of the ICO in the synthetic default is TRUE_RATE_RATIO.
  (Drawn from the client's own registrations because the calibrated clients follow no model that another
  person could share; a look-alike of one client says nothing about another.);
- background: BACKGROUND persons of the region with fluctuating rates and no ICO (pipeline/tools/population.py),
  the many the police know who look nothing like a client;
- the clients themselves, as the police export of everybody would hold them (a person in both lists is a
  client).

The clients' own files are not touched: the published numbers stay exactly as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.tools.population import Region, simulate_region

TRUE_RATE_RATIO = 0.8
TWINS = 6
SPAN_MONTHS = 12  # a look-alike's registrations from 12 months before the client's start to 12 after its end
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


def _look_alikes(rng: np.random.Generator, clients: pd.DataFrame, export: pd.DataFrame, taken: set[str]):
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
    # every twin of a client against every registration of that client
    pairs = rows.merge(pd.DataFrame({"client": twin_of, "twin": ids}), on="client")
    start, end = pairs["ico_start"], pairs["ico_eind"].fillna(pairs["ico_start"])
    known_span = (pairs["datum"] >= start - pd.DateOffset(months=SPAN_MONTHS)) & (
        pairs["datum"] <= end + pd.DateOffset(months=SPAN_MONTHS)
    )
    pairs = pairs.loc[known_span].reset_index(drop=True)
    start, end = pairs["ico_start"], pairs["ico_eind"].fillna(pairs["ico_start"])
    after = pairs["datum"] > end
    copies = np.where(pairs["datum"] < start, 1, rng.poisson(np.where(after, 1 / TRUE_RATE_RATIO, 1.0)))
    pairs = pairs.loc[np.repeat(pairs.index.to_numpy(), copies)].reset_index(drop=True)
    start, end = pairs["ico_start"], pairs["ico_eind"].fillna(pairs["ico_start"])
    moved = pairs["datum"] + pd.to_timedelta(rng.integers(-JITTER_DAYS, JITTER_DAYS + 1, len(pairs)), unit="D")
    day = pd.Timedelta(days=1)
    before = pairs["datum"] < start
    during = ~before & (pairs["datum"] <= end)
    moved = moved.where(~before, pairs["datum"])  # the history exactly the client's
    moved = moved.where(~during, moved.clip(lower=start, upper=end))
    moved = moved.where(before | during, np.maximum(moved, end + day))
    return persons, pairs.assign(client_id=pairs["twin"], datum=moved)[list(export.columns)]


def comparison_population(
    clients: pd.DataFrame, export: pd.DataFrame, seed: int, van: pd.Timestamp, tot: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(comparison persons: client_id, geslacht, geboortejaar; their police export, the clients' rows included)."""
    rng = np.random.default_rng([seed, 12])
    taken = set(clients["client_id"])
    twins, twin_rows = _look_alikes(rng, clients, export, taken)
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
