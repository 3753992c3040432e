"""What both engines train on: the seeded validation hold-out for early stopping, and the batch size."""
from __future__ import annotations

import numpy as np

MIN_STEPS_PER_EPOCH = 32  # small datasets (iris: 120 training rows) would otherwise get too few steps to converge


def validation_rows(n_rows: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Row indices of a seeded random hold-out of `fraction` of the rows for early stopping: (fit rows, validation
    rows), the validation rows None when there are too few rows."""
    n_val = int(round(fraction * n_rows))
    if fraction <= 0 or n_val < 1 or n_rows - n_val < 2:
        return np.arange(n_rows), None
    order = np.random.default_rng(seed).permutation(n_rows)
    return order[n_val:], order[:n_val]


def effective_batch_size(batch_size: int, n_rows: int) -> int:
    """`batch_size`, made smaller on small data so that every epoch takes at least MIN_STEPS_PER_EPOCH steps."""
    return max(1, min(batch_size, n_rows // MIN_STEPS_PER_EPOCH))
