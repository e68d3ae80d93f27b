"""Stage 2, align: place every registration in its client's windows around the ICO (SPEC §3) and account
for every row read (SPEC §6), vectorised over all registrations at once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.config.settings import Settings
from pipeline.errors import UserError
from schemas.vocabulary import EXCLUSION_REASONS, PERIODS, STATUSES

BOUNDS = ("lang_voor", "kort_voor", "kort_na", "lang_na")


def client_windows(clients: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Each client's window boundaries and whether it is in the comparison.

    Months are calendar months with the day clipped to the month's end (pandas DateOffset):
    six months before 31 August is 29 February in a leap year.
    """
    long_, short = pd.DateOffset(months=settings.window_months.long), pd.DateOffset(months=settings.window_months.short)
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


WINDOW_KEYS = ("lang_voor", "kort_voor", "tijdens", "kort_na", "lang_na")  # the five windows in time order


def day_ranges(bounds: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series]]:
    """The first and last day (both included) of each window of SPEC §3 and of 'voor' and 'na', from the bounds
    client_windows adds: the one place the window rules become days (assign_windows places dates by the same
    rules). Keys: WINDOW_KEYS (the long window before, the short one before, tijdens, the short one after, the
    long one after), then 'voor' and 'na'."""
    day = pd.Timedelta(days=1)
    start, end = bounds["ico_start"], bounds["ico_eind"]
    return {
        "lang_voor": (bounds["lang_voor"], bounds["kort_voor"] - day),
        "kort_voor": (bounds["kort_voor"], start - day),
        "tijdens": (start, end),
        "kort_na": (end + day, bounds["kort_na"]),
        "lang_na": (bounds["kort_na"] + day, bounds["lang_na"]),
        "voor": (bounds["lang_voor"], start - day),
        "na": (end + day, bounds["lang_na"]),
    }


def period_of(windows: pd.Categorical) -> pd.Categorical:
    """The two windows before the ICO are 'voor', the two after it 'na'."""
    codes = np.asarray(windows.codes)
    period = np.select([codes < 0, codes <= 1, codes == 2], [-1, 0, 1], default=2)
    return pd.Categorical.from_codes(period, categories=list(PERIODS), ordered=True)


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


def counted_once(rows: pd.DataFrame, roles: tuple[str, ...] | None) -> tuple[np.ndarray, np.ndarray]:
    """(whether a row's role counts, whether it repeats a registration already counted): one registration per
    (person, registration number), the first in file order among the counting roles. The comparison export is
    counted by the same rule as the main one."""
    role_counts = np.ones(len(rows), dtype=bool) if roles is None else rows["rol"].isin(roles).to_numpy()
    person = pd.factorize(rows["client_id"])[0].astype(np.int64)
    number = pd.factorize(rows["registratienummer"])[0].astype(np.int64)
    key = pd.Series(person * (int(number.max(initial=0)) + 1) + number)
    duplicate = np.zeros(len(rows), dtype=bool)
    duplicate[role_counts] = key[role_counts].duplicated(keep="first").to_numpy()
    return role_counts, duplicate


def align(bvh: pd.DataFrame, clients: pd.DataFrame, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every bvh row with its status and window, every client with its bounds and inclusion)."""
    clients = client_windows(clients, settings)
    rows = bvh.reset_index(drop=True)

    role_counts, duplicate = counted_once(rows, settings.roles)
    # the client's position in the client list (-1: not in it); rows are looked up, not joined
    position = pd.Index(clients["client_id"]).get_indexer(rows["client_id"])
    known = position >= 0

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
        # the window of every row of a compared client, whatever its role or whether it repeats a registration:
        # the table by role counts the roles that do not count too, so the report can say what they hold
        venster_elke_rol=pd.Categorical.from_codes(
            np.where(compared & in_window, window.codes, -1), categories=list(settings.windows), ordered=True
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


def plausible(rows: pd.DataFrame, clients: pd.DataFrame, settings: Settings) -> None:
    """Stop before a report that cannot be right, with the likely cause: the role filter leaves nothing, too
    few rows link to a client, or no client can be compared (a report of zeros would look like a result)."""
    status = rows["status"]
    n_rows = len(rows)
    if settings.roles is not None and n_rows and (status == "excluded_role").all():
        present = sorted(r for r in rows["rol"].unique() if r)
        cause = (
            "de export heeft geen kolom 'rol' (of die is leeg)"
            if not present
            else f"de export kent alleen de rollen {', '.join(present)}"
        )
        raise UserError(
            f"Geen enkele rij telt mee: de instellingen laten alleen de rollen {', '.join(settings.roles)} meetellen, "
            f"maar {cause}. Pas 'rollen' in de instellingen aan (of zet het op 'alle')."
        )
    candidates = int(status.isin(["unknown_client", "excluded_followup", "outside_windows", "used"]).sum())
    unknown = int((status == "unknown_client").sum())
    if candidates and (candidates - unknown) / candidates < settings.checks.min_linked_share:
        raise UserError(
            f"Maar {candidates - unknown} van de {candidates} registraties horen bij een cliënt uit de "
            f"cliëntenlijst (minder dan {settings.checks.min_linked_share:.0%}). Waarschijnlijk zijn de ids in de twee "
            "bestanden anders geschreven (hoofdletters, voorloopnullen, spaties) of met verschillende sleutels "
            "gepseudonimiseerd, of hoort de export bij een andere cliëntenlijst. De grens staat in de "
            "instellingen onder 'controles.min_gekoppeld_aandeel'."
        )
    if not clients["vergeleken"].any():
        reasons = clients["uitsluiting"].value_counts()
        counted = ", ".join(f"{EXCLUSION_REASONS[k]}: {int(n)}" for k, n in reasons.items() if k in EXCLUSION_REASONS)
        raise UserError(
            f"Geen enkele cliënt kan vergeleken worden ({counted or 'de cliëntenlijst is leeg'}). Een cliënt telt "
            f"alleen mee als zijn hele voor- en navenster binnen de exportperiode valt "
            f"({settings.van.date()} t/m {settings.tot.date()}): is de 'periode' in de instellingen bijgewerkt "
            "voor deze export?"
        )
