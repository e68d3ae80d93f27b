"""Registrations by the client's role (verdachte, slachtoffer, getuige, ...), before, during and after the ICO.

The settings choose which roles count (`rollen`); this table shows every role, counting or not, so the reader
sees what the choice includes: a fall in registrations as a victim is no improvement in behaviour. A registration
counts once per role of the client: a client who is both suspect and victim in one registration is in both rows,
so the rows do not add up to the total of registrations.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.config.settings import Settings
from pipeline.stages.align import period_of
from pipeline.stages.stats import paired_test
from schemas.vocabulary import PERIODS, ROLES, UNKNOWN_ROLE


def role_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (client, registration, role) of a compared client in a window, the first in file order, with
    its role ('onbekend' when the export leaves it empty) and period."""
    inside = rows.loc[rows["venster_elke_rol"].notna()]
    role = inside["rol"].fillna("").astype(str).replace("", UNKNOWN_ROLE)
    frame = pd.DataFrame(
        {
            "client_id": inside["client_id"].to_numpy(),
            "registratienummer": inside["registratienummer"].to_numpy(),
            "rol": role.to_numpy(),
            "venster": inside["venster_elke_rol"].array,
        }
    )
    frame = frame.drop_duplicates(["client_id", "registratienummer", "rol"], keep="first")
    frame["periode"] = period_of(frame["venster"].array).astype(str)
    return frame.reset_index(drop=True)


def role_order(roles: pd.Series) -> list[str]:
    present = set(roles.astype(str))
    known = [r for r in ROLES if r in present]
    other = sorted(present - set(ROLES) - {UNKNOWN_ROLE})
    return known + other + ([UNKNOWN_ROLE] if UNKNOWN_ROLE in present else [])


def counts_role(role: str, settings: Settings) -> bool:
    return settings.roles is None or role in settings.roles


def by_role(frame: pd.DataFrame, compared: pd.Index, settings: Settings) -> dict[str, dict[str, Any]]:
    """Per role (`frame` from role_rows): registrations per period, the change, whether the role counts, and the
    paired test of each compared client's registrations in that role before and after (descriptive: not in the
    Holm family)."""
    out = {}
    for role in role_order(frame["rol"]):
        mine = frame.loc[frame["rol"] == role]
        per_client = pd.crosstab(mine["client_id"], mine["periode"]).reindex(
            index=compared, columns=list(PERIODS), fill_value=0
        )
        voor, tijdens, na = (int(per_client[p].sum()) for p in PERIODS)
        out[role] = {
            "voor": voor,
            "tijdens": tijdens,
            "na": na,
            "totaal": voor + tijdens + na,
            "afname": na - voor,
            "afname_pct": None if voor == 0 else (na - voor) / voor * 100,
            "telt_mee": counts_role(role, settings),
            "n_clients": int(mine["client_id"].nunique()),
            **paired_test(per_client["voor"], per_client["na"]),
        }
    return out
