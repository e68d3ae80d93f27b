"""Stage 4, analyse: per-client counts and the tests of SPEC §5, gathered into the results of SPEC §6."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.analysis.breakdowns import (
    by_period_table,
    catalogue,
    change_group_counts,
    class_breakdowns,
    frequencies,
    severity_score,
)
from pipeline.analysis.counts import client_counts
from pipeline.analysis.dominance import dominance
from pipeline.analysis.effects import effects, matched_design, rates_per_month
from pipeline.analysis.groups import (
    ico_duration,
    overall,
    tested_groups,
    tested_subgroups,
)
from pipeline.analysis.quality import INTERNAL_NOTE, data_quality, ico_period
from pipeline.config.mapping import ImkMapping
from pipeline.config.settings import Settings
from pipeline.stages.align import reconciliation
from pipeline.stages.change_groups import null_change_groups
from pipeline.stages.roles import by_role, role_rows
from schemas.results import (
    SCHEMA_VERSION,
    ChangeGroupsNull,
    Distributions,
    Reconciliation,
    Results,
    RoleCounts,
    SettingsUsed,
)
from schemas.vocabulary import (
    E_CLASS,
)


def analyse(
    rows: pd.DataFrame,
    clients: pd.DataFrame,
    mapping: ImkMapping,
    settings: Settings,
    detention: pd.DataFrame | None = None,
    comparison: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> tuple[Results, pd.DataFrame]:
    """(the typed results of SPEC §6, the per-client table behind them). With `comparison` (the comparison
    persons and their validated export), also the matched comparison group of issue 12."""
    used = rows.loc[rows["status"] == "used"].reset_index(drop=True)
    roles = role_rows(rows)
    counts = client_counts(used, clients, settings)
    per_window = used["venster"].value_counts().reindex(list(settings.windows), fill_value=0)
    windows = {w: int(per_window[w]) for w in settings.windows}
    by_sex, by_age, by_type = tested_subgroups(counts, settings)
    is_e = used["klasse"] == E_CLASS
    parts: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "intern": True,
        "intern_toelichting": INTERNAL_NOTE,
        "n_clients": len(counts),
        "n_registrations": len(used),
        "windows": windows,
        "perioden_per_maand": rates_per_month(windows, counts, clients, settings, detention),
        "overall": overall(counts),
        "by_sex": by_sex,
        "by_age": by_age,
        "by_ico_type": by_type,
        "by_role": {k: RoleCounts.model_validate(v) for k, v in by_role(roles, counts.index, settings).items()},
        "ico_duur": ico_duration(counts),
        "e_categories": by_period_table(used.loc[is_e], "e_categorie", mapping.e_categories),
        "severity": by_period_table(used.loc[~is_e], "zwaarte", mapping.severities),
        "severity_score": severity_score(counts, mapping),
        **catalogue(used, mapping),
        "change_groups": change_group_counts(counts),
        "change_groups_null": ChangeGroupsNull.model_validate(
            null_change_groups(counts, clients.loc[clients["vergeleken"]], settings)
        ),
        "distributions": Distributions(
            registraties_per_client=frequencies(counts["totaal"]),
            e_registraties_per_client=frequencies(counts["e_totaal"]),
        ),
        **class_breakdowns(used, counts, settings, roles),
        "dominance": dominance(used, counts, roles),
        "ico_periode": ico_period(clients),
        "reconciliation": Reconciliation.model_validate(reconciliation(rows, clients)),
        "data_quality": data_quality(rows, clients, counts),
        "settings": SettingsUsed.model_validate(settings.used()),
    }
    design = None
    if comparison is not None:
        parts["matching"], design = matched_design(rows, clients, mapping, settings, comparison)
    parts |= effects(rows, clients, settings, detention, tested_groups(counts, settings), design)
    # typed parts; a part this run does not have (no comparison group, no detention data) is left out, not null
    return Results(**parts), counts
