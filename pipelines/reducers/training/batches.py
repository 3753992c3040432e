"""What both engines train on: the seeded validation hold-out for early stopping, and the batch size."""
from __future__ import annotations

import math

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


def training_epochs(epochs: int, max_steps: int, steps_per_epoch: int) -> int:
    """Epochs to run: `epochs`, or fewer on large data so that training takes about `max_steps` gradient steps at
    most (whole epochs, at least one). Training is sized by work: 1,000 rows and 56,000 rows get comparable budgets."""
    return max(1, min(int(epochs), math.ceil(int(max_steps) / max(1, steps_per_epoch))))


def planned_steps(n_rows: int, epochs: int, max_steps: int, batch_size: int, validation_fraction: float) -> int:
    """Gradient steps a fit of `n_rows` rows will take at most, as the engines plan them (for cost estimates)."""
    n_fit = n_rows - int(round(validation_fraction * n_rows))
    steps_per_epoch = max(1, n_fit // effective_batch_size(batch_size, n_fit))
    return training_epochs(epochs, max_steps, steps_per_epoch) * steps_per_epoch
