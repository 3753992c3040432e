"""A run: one dataset, split and scaled once, every method fitted at every bottleneck and scored; a sweep is
runs over several datasets."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping, Sequence

import pandas as pd

from pipelines.datasets import Dataset, load_dataset
from pipelines.preprocessing import PreparedData, prepare
from pipelines.fitting import Models, ProgressCallback, fit_reducers, score_reducers


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


def sweep(datasets: Sequence[str | Dataset], methods: Sequence[str], bottlenecks: Sequence[int], *,
          test_size: float = 0.2, seed: int = 0, params: Mapping[str, Mapping] | None = None,
          progress: ProgressCallback | None = None) -> pd.DataFrame:
    """Error of every method at every bottleneck on every dataset, train and test, as one tidy frame."""
    frames = []
    for i, dataset in enumerate(datasets):
        dataset = load_dataset(dataset) if isinstance(dataset, str) else dataset

        def report(fraction: float, message: str, i: int = i, name: str = dataset.name) -> None:
            if progress is not None:
                progress((i + fraction) / len(datasets), f"{name}: {message}")

        frames.append(run(dataset, methods, bottlenecks, test_size=test_size, seed=seed, params=params,
                          progress=report).scores)
    return pd.concat(frames, ignore_index=True)
