"""The change groups of SPEC §5 (the report's "weinig / veel meldingen"), defined once, and what regression to the
mean and chance alone give them: each client's total split at random between 'voor' and 'na' (in proportion to
the days of each period), many times, as if nothing changed. A reader sees how much of "101 of 164 halved" a
world without any change would also show."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pipeline.config.settings import Settings
from pipeline.stages.align import day_ranges
from schemas.vocabulary import CHANGE_CLASSES, CHANGE_GROUPS

CHUNK = 2_000_000  # clients x draws held in memory at once


def change_codes(before: np.ndarray, after: np.ndarray, settings: Settings) -> np.ndarray:
    """SPEC §5's change class as codes into CHANGE_CLASSES, for arrays of any shape: toegenomen when na > voor,
    otherwise by d = (voor - na) / voor (d = 0 when both are 0)."""
    before, after = np.asarray(before), np.asarray(after)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(before > 0, (before - after) / np.where(before > 0, before, 1), 0.0)
    return np.select(
        [after > before, d <= settings.change_groups.small_decrease_max, d < settings.change_groups.large_decrease_min],
        [0, 1, 2],
        default=3,
    )


def group_codes(before: np.ndarray, settings: Settings) -> np.ndarray:
    """Codes into CHANGE_GROUPS: 'veel' from `veel_vanaf` registrations before, else 'weinig'."""
    return (np.asarray(before) >= settings.change_groups.many_from).astype(int)


def change_class(before: pd.Series, after: pd.Series, settings: Settings) -> pd.Series:
    labels = np.asarray(CHANGE_CLASSES)[change_codes(before.to_numpy(), after.to_numpy(), settings)]
    return pd.Series(labels, index=before.index)


def change_group(before: pd.Series, settings: Settings) -> pd.Series:
    return pd.Series(np.asarray(CHANGE_GROUPS)[group_codes(before.to_numpy(), settings)], index=before.index)


def null_change_groups(counts: pd.DataFrame, compared: pd.DataFrame, settings: Settings) -> dict[str, Any]:
    """Expected clients per change group and class with no change at all (Monte Carlo, seeded)."""
    windows = compared.set_index("client_id").reindex(counts.index)
    ranges = day_ranges(windows)
    days_before, days_after = ((hi - lo).dt.days.to_numpy(dtype=float) + 1 for lo, hi in (ranges["voor"], ranges["na"]))
    share = days_before / (days_before + days_after)
    total = counts["voor"].to_numpy() + counts["na"].to_numpy()
    # draw in an order fixed by content, not by id: pseudonymised ids must give the same benchmark
    order = np.lexsort((share, total))
    share, total = share[order], total[order]
    rng = np.random.default_rng(settings.change_groups.null_seed)
    draws = settings.change_groups.null_draws
    tally = np.zeros((len(CHANGE_GROUPS), len(CHANGE_CLASSES)))
    per_chunk = max(1, CHUNK // max(len(total), 1))
    done = 0
    while done < draws:
        size = min(per_chunk, draws - done)
        before = rng.binomial(total[:, None], share[:, None], size=(len(total), size))
        after = total[:, None] - before
        group, code = group_codes(before, settings), change_codes(before, after, settings)
        np.add.at(tally, (group.ravel(), code.ravel()), 1)
        done += size
    expected = tally / draws
    return {
        "herhalingen": draws,
        "seed": settings.change_groups.null_seed,
        "groepen": {
            g: {"n": float(expected[i].sum())} | {c: float(expected[i, j]) for j, c in enumerate(CHANGE_CLASSES)}
            for i, g in enumerate(CHANGE_GROUPS)
        },
    }
