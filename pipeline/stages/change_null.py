"""What regression to the mean and chance alone give the change groups: each client's total split at random
between 'voor' and 'na' (in proportion to the days of each period), many times, as if nothing changed.
A reader sees how much of "101 of 164 halved" a world without any change would also show."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pipeline.config.settings import Settings
from schemas.vocabulary import CHANGE_CLASSES, CHANGE_GROUPS

CHUNK = 2_000_000  # clients x draws held in memory at once


def _classes(before: np.ndarray, after: np.ndarray, settings: Settings) -> np.ndarray:
    """SPEC §5's change class as codes into CHANGE_CLASSES, for arrays of any shape."""
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(before > 0, (before - after) / np.where(before > 0, before, 1), 0.0)
    return np.select(
        [after > before, d <= settings.small_decrease_max, d < settings.large_decrease_min], [0, 1, 2], default=3
    )


def null_change_groups(counts: pd.DataFrame, compared: pd.DataFrame, settings: Settings) -> dict[str, Any]:
    """Expected clients per change group and class with no change at all (Monte Carlo, seeded)."""
    windows = compared.set_index("client_id").reindex(counts.index)
    days_before = (windows["ico_start"] - windows["lang_voor"]).dt.days.to_numpy(dtype=float)
    days_after = (windows["lang_na"] - windows["ico_eind"]).dt.days.to_numpy(dtype=float)
    share = days_before / (days_before + days_after)
    total = counts["voor"].to_numpy() + counts["na"].to_numpy()
    # draw in an order fixed by content, not by id: pseudonymised ids must give the same benchmark
    order = np.lexsort((share, total))
    share, total = share[order], total[order]
    rng = np.random.default_rng(settings.null_seed)
    draws = settings.null_draws
    tally = np.zeros((len(CHANGE_GROUPS), len(CHANGE_CLASSES)))
    per_chunk = max(1, CHUNK // max(len(total), 1))
    done = 0
    while done < draws:
        size = min(per_chunk, draws - done)
        before = rng.binomial(total[:, None], share[:, None], size=(len(total), size))
        after = total[:, None] - before
        group = (before >= settings.veel_threshold).astype(int)  # CHANGE_GROUPS: weinig, veel
        code = _classes(before, after, settings)
        np.add.at(tally, (group.ravel(), code.ravel()), 1)
        done += size
    expected = tally / draws
    return {
        "herhalingen": draws,
        "seed": settings.null_seed,
        "groepen": {
            g: {"n": float(expected[i].sum())} | {c: float(expected[i, j]) for j, c in enumerate(CHANGE_CLASSES)}
            for i, g in enumerate(CHANGE_GROUPS)
        },
    }
