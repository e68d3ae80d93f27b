"""The client x calendar-month panel of the fixed-effects estimates, each cell labelled with its event time.

Every client of the client list covers the export period, cut into spans by its own ICO: months before the
start (lead k: from start - k months up to start - (k - 1) months, the windows of SPEC §3), the ICO month by
month (during k), months after the end (after k: from end + (k - 1) months, exclusive, to end + k months),
and what lies further away on either side. Each span is split at calendar-month boundaries, so one cell is
one client, one calendar month and one event time; its registrations and days at risk are counted exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.stages.exposure import days_at_risk

# the phases of a cell, by event time
REF, LEAD, DURING, AFTER, LATER = 0, 1, 2, 3, 4
DURING_MONTHS = 12  # during months 0..11 each, the rest of a longer ICO as month 12


def month_number(dates: pd.Series) -> np.ndarray:
    return (dates.dt.year * 12 + dates.dt.month - 1).to_numpy()


def _spans(clients: pd.DataFrame, van: pd.Timestamp, tot: pd.Timestamp, leads: int, lags: int) -> pd.DataFrame:
    """The event-time spans of every client (inclusive first and last day), clipped to the export period."""
    day = pd.Timedelta(days=1)
    start = clients["ico_start"].reset_index(drop=True)
    end = clients["ico_eind"].reset_index(drop=True)
    open_ico = end.isna()
    end = end.fillna(tot)
    ids = clients["client_id"].reset_index(drop=True)
    parts = []

    def add(phase: int, k: int, lo: pd.Series, hi: pd.Series) -> None:
        parts.append(pd.DataFrame({"i": ids.index, "phase": phase, "k": k, "lo": lo.to_numpy(), "hi": hi.to_numpy()}))

    far = pd.Series(pd.Timestamp(van) - day, index=ids.index)
    add(REF, 0, far, start - pd.DateOffset(months=leads) - day)
    for k in range(leads, 0, -1):
        add(LEAD, k, start - pd.DateOffset(months=k), start - pd.DateOffset(months=k - 1) - day)
    for k in range(DURING_MONTHS + 1):
        lo = start + pd.DateOffset(months=k)
        hi = end if k == DURING_MONTHS else np.minimum(start + pd.DateOffset(months=k + 1) - day, end)
        add(DURING, k, lo, pd.Series(hi))
    for k in range(1, lags + 1):
        lo = (end + pd.DateOffset(months=k - 1) + day).where(~open_ico)
        add(AFTER, k, lo, end + pd.DateOffset(months=k))
    last = pd.Series(pd.Timestamp(tot), index=ids.index)
    add(LATER, 0, (end + pd.DateOffset(months=lags) + day).where(~open_ico), last)
    spans = pd.concat(parts, ignore_index=True)
    spans["lo"] = spans["lo"].clip(lower=van)
    spans["hi"] = spans["hi"].clip(upper=tot)
    spans = spans.loc[spans["lo"].notna() & (spans["hi"] >= spans["lo"])]
    spans.insert(0, "client_id", ids.to_numpy()[spans["i"].to_numpy()])
    return spans.drop(columns="i").reset_index(drop=True)


def _split_months(spans: pd.DataFrame) -> pd.DataFrame:
    """Every span cut at calendar-month boundaries."""
    first, last = month_number(spans["lo"]), month_number(spans["hi"])
    cells = spans.loc[spans.index.repeat(last - first + 1)].copy()
    month = first[cells.index] + cells.groupby(level=0).cumcount().to_numpy()
    month_start = pd.to_datetime(pd.DataFrame({"year": month // 12, "month": month % 12 + 1, "day": 1}))
    cells["maand"] = month
    cells["lo"] = np.maximum(cells["lo"].to_numpy(), month_start.to_numpy())
    cells["hi"] = np.minimum(cells["hi"].to_numpy(), (month_start + pd.offsets.MonthEnd(0)).to_numpy())
    return cells.reset_index(drop=True)


def _count(regs: pd.DataFrame, cells: pd.DataFrame) -> np.ndarray:
    """Registrations per cell: cells partition each client's period, so each registration is found by a
    binary search on (client, first day), never by joining it to all cells of its client."""
    ids = pd.Index(pd.unique(cells["client_id"]))
    c_code = ids.get_indexer(cells["client_id"]).astype(np.int64)
    r_code = ids.get_indexer(regs["client_id"]).astype(np.int64)
    days = np.int64(1 << 20)
    c_key = c_code * days + cells["lo"].to_numpy().astype("datetime64[D]").astype(np.int64)
    r_day = regs["datum"].to_numpy().astype("datetime64[D]").astype(np.int64)
    order = np.argsort(c_key, kind="stable")
    found = np.searchsorted(c_key[order], r_code * days + r_day, side="right") - 1
    ok = (r_code >= 0) & (found >= 0)
    cell = order[np.clip(found, 0, None)]
    ok &= (c_code[cell] == r_code) & (r_day <= cells["hi"].to_numpy().astype("datetime64[D]").astype(np.int64)[cell])
    return np.bincount(cell[ok], minlength=len(cells))


def content_order(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """A number per client that depends on the client's rows, not on its id or on row order, so that
    pseudonymised ids or a shuffled export give the same floating-point sums, to the last bit."""
    row_hash = pd.util.hash_pandas_object(frame[columns], index=False).to_numpy()
    per_client = pd.DataFrame({"client_id": frame["client_id"].to_numpy(), "h": row_hash})
    signature = per_client.groupby("client_id")["h"].sum()  # uint64 sum wraps: order-free
    rows = per_client.groupby("client_id").size()
    key = pd.DataFrame({"signature": signature.astype("uint64"), "rows": rows}).sort_values(["signature", "rows"])
    number = pd.Series(np.arange(len(key)), index=key.index)
    return frame["client_id"].map(number)


def build(
    regs: pd.DataFrame,
    clients: pd.DataFrame,
    van: pd.Timestamp,
    tot: pd.Timestamp,
    leads: int,
    lags: int,
    detention: pd.DataFrame | None = None,
    deaths: pd.Series | None = None,
) -> pd.DataFrame:
    """Cells with client_id, client (content-ordered code), maand, phase, k, y and dagen, sorted by client and
    time; `regs` are registrations of known clients counted once (client_id, datum)."""
    cells = _split_months(_spans(clients, van, tot, leads, lags))
    cells["y"] = _count(regs, cells)
    cells["dagen"] = days_at_risk(cells, detention, deaths)
    cells["client"] = content_order(cells, ["maand", "phase", "k", "y", "dagen"]).to_numpy()
    cells = cells.sort_values(["client", "lo"], kind="stable").reset_index(drop=True)
    return cells
