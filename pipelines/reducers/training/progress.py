"""Progress pacing: each finished epoch reported with at most how long is left, timed on the epochs after the first
(which includes the one-off compilation)."""
from __future__ import annotations

import math
import time

from pipelines.reducers.method import FitControl


def progress_message(epoch: int, epochs: int, seconds_since_first_epoch: float) -> str:
    """What trains and, once the pace is known, at most how long is left (early stopping may end sooner)."""
    if epoch == 0:
        return f"epoch 1/{epochs} (compiled; timing the next epochs)"
    left = seconds_since_first_epoch / epoch * (epochs - epoch - 1)
    if epoch + 1 == epochs:
        return f"epoch {epochs}/{epochs}, finishing"
    # Rounded up, so the estimate never reads 0 s while epochs remain.
    return f"epoch {epoch + 1}/{epochs}, " + (f"at most {math.ceil(left)} s left" if left >= 1 else "under 1 s left")


class EpochProgress:
    """Tells `control` of every finished epoch out of `epochs` (and stops training if it was asked to)."""

    def __init__(self, control: FitControl, epochs: int):
        self.control, self.epochs = control, epochs
        self.paced_since = time.perf_counter()

    def epoch_done(self, epoch: int) -> None:
        """Report that `epoch` (counted from 0) has finished."""
        self.control.report((epoch + 1) / self.epochs,
                            progress_message(epoch, self.epochs, time.perf_counter() - self.paced_since))
        if epoch == 0:
            self.paced_since = time.perf_counter()  # the pace of later epochs leaves out the one-off compilation
