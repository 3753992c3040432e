"""A run: one dataset, split and scaled once, every method fitted at every bottleneck and scored."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping, Sequence

import pandas as pd

from pipelines.datasets import Dataset
from pipelines.preprocessing import PreparedData, prepare
from pipelines.sweep import Models, ProgressCallback, fit_reducers, score_reducers


@dataclass(frozen=True, eq=False)
class RunResult:
    """Everything a run produced: the prepared data, the fitted models and their tidy scores."""

    data: PreparedData
    models: Models
    scores: pd.DataFrame
    seconds: float  # how long the run took when it was computed
    from_store: bool = False


def run(dataset: Dataset, methods: Sequence[str], bottlenecks: Sequence[int], *, test_size: float = 0.2,
        seed: int = 0, params: Mapping[str, Mapping] | None = None,
        progress: ProgressCallback | None = None) -> RunResult:
    """Split `dataset`, fit every method at every bottleneck on the training rows and score both splits."""
    started = time.perf_counter()
    data = prepare(dataset, test_size=test_size, seed=seed)
    models = fit_reducers(data, methods, bottlenecks, seed=seed, params=params, progress=progress)
    return RunResult(data, models, score_reducers(models, data), time.perf_counter() - started)
