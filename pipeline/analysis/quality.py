"""What the data quality section reports: the clients left out and why, the unknown codes, the ICO period."""

from __future__ import annotations

import pandas as pd

from schemas.results import DataQuality, IcoPeriode
from schemas.vocabulary import (
    EXCLUSION_REASONS,
)

INTERNAL_NOTE = (
    "Intern bestand van de analist: exacte aantallen, ook van groepen kleiner dan min_publicatie, en de "
    "pseudoniemen van niet vergeleken cliënten. Niet publiceren; het rapport, tables/ en figures/ zijn "
    "beveiligd tegen herleidbaarheid."
)


def ico_period(clients: pd.DataFrame) -> IcoPeriode:
    compared = clients.loc[clients["vergeleken"]]
    return IcoPeriode.model_validate(
        {
            "eerste_start": None if compared.empty else compared["ico_start"].min().strftime("%Y-%m"),
            "laatste_eind": None if compared.empty else compared["ico_eind"].max().strftime("%Y-%m"),
        }
    )


def data_quality(rows: pd.DataFrame, clients: pd.DataFrame, counts: pd.DataFrame) -> DataQuality:
    excluded = clients.loc[~clients["vergeleken"]].sort_values("client_id")
    unknown_codes = rows.loc[rows["onbekende_code"], "imk_code"].value_counts().sort_index()
    return DataQuality.model_validate(
        {
            "clients_read": len(clients),
            "clients_excluded_followup": {
                reason: int((excluded["uitsluiting"] == reason).sum()) for reason in EXCLUSION_REASONS
            },
            "excluded_clients": [
                {"client_id": c, "reden": r}
                for c, r in zip(excluded["client_id"], excluded["uitsluiting"], strict=True)
            ],
            "clients_without_registrations": int((counts["totaal"] == 0).sum()),
            "unknown_codes": {k: int(v) for k, v in unknown_codes.items()},
        }
    )
