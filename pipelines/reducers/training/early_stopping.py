"""The one early-stopping rule of both engines, kept per model so models trained together each stop as they would
alone: the best epoch's weights are restored at the end; patience restarts only on an improvement of more than `tol`
(relative), so a slow creep cannot keep training alive forever; a non-finite loss stops the model at once (it
diverged), keeping its last best weights, and its history ends with that loss so the scores can say so."""
from __future__ import annotations

import math
from typing import Callable, Mapping, Sequence

import numpy as np


class EarlyStopping:
    """One model's loss history, best epoch and best weights, and whether it has stopped.

    `patience` 0 never stops for lack of improvement (a non-finite loss still stops it). `names` are the histories it
    records, e.g. ("loss", "val_loss"); `initial_weights` are kept until an epoch improves on them."""

    def __init__(self, patience: int, tol: float, names: Sequence[str], initial_weights: list[np.ndarray]):
        self.patience, self.tol = patience, tol
        self.history: dict[str, list[float]] = {name: [] for name in names}
        self.best, self.best_epoch, self.best_weights = math.inf, 0, initial_weights
        self.stopped = False
        self._last_real_improvement, self._last_improved_epoch = math.inf, 0

    def update(self, epoch: int, losses: Mapping[str, float], monitored: float,
               current_weights: Callable[[], list[np.ndarray]]) -> None:
        """Record `epoch`'s `losses` (some of `names`) and judge it by `monitored`; `current_weights()` is called only
        when this epoch is the best so far. Does nothing once the model has stopped."""
        if self.stopped:
            return
        for name, value in losses.items():
            self.history[name].append(value)
        if not all(math.isfinite(value) for value in (monitored, *losses.values())):
            self.stopped = True  # diverged: its weights are no longer numbers; keep the best ones
            return
        if monitored < self.best:
            self.best, self.best_epoch, self.best_weights = monitored, epoch, current_weights()
        if monitored < self._last_real_improvement * (1.0 - self.tol):
            self._last_real_improvement, self._last_improved_epoch = monitored, epoch
        elif self.patience and epoch - self._last_improved_epoch >= self.patience:
            self.stopped = True
