"""Stage 2, align: place every registration in its client's windows around the ICO (SPEC §3) and account
for every row read (SPEC §6), vectorised over all registrations at once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.config.settings import Settings
from schemas.vocabulary import EXCLUSION_REASONS, STATUSES

BOUNDS = ("lang_voor", "kort_voor", "kort_na", "lang_na")


def client_windows(clients: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Each client's window boundaries and whether it is in the comparison.

    Months are calendar months with the day clipped to the month's end (pandas DateOffset):
    six months before 31 August is 29 February in a leap year.
    """
    long_, short = pd.DateOffset(months=settings.months_long), pd.DateOffset(months=settings.months_short)
    start, end = clients["ico_start"], clients["ico_eind"]
    out = clients.assign(
        lang_voor=start - long_,
        kort_voor=start - short,
        kort_na=end + short,
        lang_na=end + long_,
    )
    reason = np.select(
        [
            end.isna().to_numpy(),
            (out["lang_voor"] < settings.van).to_numpy(),
            (out["lang_na"] > settings.tot).to_numpy(),
        ],
        list(EXCLUSION_REASONS),
        default="",
    )
    return out.assign(uitsluiting=reason, vergeleken=reason == "")


def assign_windows(dates: pd.Series, bounds: pd.DataFrame, windows: tuple[str, ...]) -> pd.Categorical:
    """The window of each date given its client's bounds; NaN where it falls in none.

    6 mnd voor: start-6m <= d < start-3m;  3 mnd voor: start-3m <= d < start;  tijdens: start <= d <= eind;
    3 mnd na: eind < d <= eind+3m;  6 mnd na: eind+3m < d <= eind+6m.
    """
    d = dates.to_numpy()
    start, end = bounds["ico_start"].to_numpy(), bounds["ico_eind"].to_numpy()
    lv, kv = bounds["lang_voor"].to_numpy(), bounds["kort_voor"].to_numpy()
    kn, ln = bounds["kort_na"].to_numpy(), bounds["lang_na"].to_numpy()
    code = np.select(
        [
            (lv <= d) & (d < kv),
            (kv <= d) & (d < start),
            (start <= d) & (d <= end),
            (end < d) & (d <= kn),
            (kn < d) & (d <= ln),
        ],
        [0, 1, 2, 3, 4],
        default=-1,
    )
    return pd.Categorical.from_codes(code, categories=list(windows), ordered=True)


def align(bvh: pd.DataFrame, clients: pd.DataFrame, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every bvh row with its status and window, every client with its bounds and inclusion)."""
    clients = client_windows(clients, settings)
    rows = bvh.reset_index(drop=True)

    role_counts = (
        np.ones(len(rows), dtype=bool) if settings.roles is None else rows["rol"].isin(settings.roles).to_numpy()
    )
    # the client's position in the client list (-1: not in it); rows are looked up, not joined
    position = pd.Index(clients["client_id"]).get_indexer(rows["client_id"])
    known = position >= 0

    # one registration per (client, registration number), the first in file order among counting roles
    person = np.where(known, position, len(clients) + pd.factorize(rows["client_id"])[0])
    number = pd.factorize(rows["registratienummer"])[0]
    key = pd.Series(person.astype(np.int64) * (number.max() + 1) + number)
    duplicate = np.zeros(len(rows), dtype=bool)
    duplicate[role_counts] = key[role_counts].duplicated(keep="first").to_numpy()

    take = np.where(known, position, 0)
    bounds = pd.DataFrame({c: clients[c].to_numpy()[take] for c in ("ico_start", "ico_eind", *BOUNDS)})
    compared = known & clients["vergeleken"].to_numpy(dtype=bool)[take]
    window = assign_windows(rows["datum"], bounds, settings.windows)
    in_window = np.asarray(window.codes) >= 0

    status = np.select(
        [~role_counts, duplicate, ~known, ~compared, ~in_window],
        list(range(len(STATUSES) - 1)),
        default=len(STATUSES) - 1,
    )
    used = status == len(STATUSES) - 1
    rows = rows.assign(
        status=pd.Categorical.from_codes(status, categories=list(STATUSES)),
        venster=pd.Categorical.from_codes(
            np.where(used, window.codes, -1), categories=list(settings.windows), ordered=True
        ),
    )
    return rows, clients


def reconciliation(rows: pd.DataFrame, clients: pd.DataFrame) -> dict[str, int]:
    """Every row read, accounted for once (SPEC §6), and the clients left out for incomplete follow-up."""
    counts = rows["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    result = {"rows_read": len(rows)}
    if counts["excluded_role"]:
        result["rows_excluded_role"] = int(counts["excluded_role"])
    result |= {
        "duplicates": int(counts["duplicate"]),
        "unknown_client": int(counts["unknown_client"]),
        "rows_excluded_followup": int(counts["excluded_followup"]),
        "outside_windows": int(counts["outside_windows"]),
        "used": int(counts["used"]),
        "clients_excluded_followup": int((~clients["vergeleken"]).sum()),
    }
    return result
