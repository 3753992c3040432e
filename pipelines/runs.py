"""A run: one dataset split and scaled once, every method fitted at every bottleneck and scored, through the plan
→ tasks → executor path and (optionally) the run store; a sweep is runs over several datasets."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

import pandas as pd

from pipelines.datasets import Dataset, load_dataset
from pipelines.fitting import Models
from pipelines.preprocessing import PreparedData
from pipelines.reducers import METHODS
from pipelines.reducers.method import ProgressCallback
from pipelines.tasks import Executor, InProcessExecutor, ProgressEvent, TaskResult, plan

if TYPE_CHECKING:
    from pipelines.store import RunStore


@dataclass(frozen=True, eq=False)
class RunResult:
    """Everything a run produced: the prepared data, the fitted models and their tidy scores."""

    data: PreparedData
    models: Models  # of the first training seed; `repeats` holds every seed's
    scores: pd.DataFrame  # every repeat's: one row per method, bottleneck, split and training seed
    seconds: float  # how long the run's tasks took when they were computed
    from_store: bool = False  # every task came from the store
    repeats: dict[int, Models] | None = None  # training seed -> models, in the order the seeds were given


def run(dataset: Dataset, methods: Sequence[str], bottlenecks: Sequence[int], *, test_size: float = 0.2,
        split_seed: int = 0, train_seeds: Sequence[int] = (0,), params: Mapping[str, Mapping] | None = None,
        progress: ProgressCallback | None = None, store: "RunStore | None" = None,
        executor: Executor | None = None) -> RunResult:
    """Split `dataset`, fit every method at every bottleneck on the training rows once per training seed (the
    repeats) and score both splits; tasks already in `store` are loaded, the others run on `executor` (in this
    process by default) and are stored."""
    data, specs = plan(dataset, methods, bottlenecks, test_size=test_size, split_seed=split_seed,
                       train_seeds=train_seeds, params=params)
    weights = {spec.key: METHODS[spec.method].relative_cost for spec in specs}
    done: dict[str, float] = {}
    reporting = threading.Lock()  # an executor may report from several threads at once

    def on_event(event: ProgressEvent) -> None:
        with reporting:
            done[event.task] = event.fraction
            if progress is not None:
                label = METHODS[next(s.method for s in specs if s.key == event.task)].label
                overall = sum(weights[k] * f for k, f in done.items()) / sum(weights.values())
                progress(min(1.0, overall), f"{label}: {event.message}")

    results: dict[str, TaskResult] = {}
    for spec in specs:
        stored = store.load(spec, data) if store is not None else None
        if stored is not None:
            results[spec.key] = stored
            on_event(ProgressEvent(spec.key, 1.0, "loaded from the run store"))
    missing = [spec for spec in specs if spec.key not in results]
    for result in (executor or InProcessExecutor()).map(missing, data, on_event):
        if store is not None:
            store.save(result)
        results[result.spec.key] = result
    ordered = [results[spec.key] for spec in specs]
    repeats: dict[int, Models] = {}
    for result in ordered:
        repeats.setdefault(result.spec.train_seed, {}).update(result.models)
    # Repeats of a method trained together report the same wall time: count each group's once.
    seconds = sum({(r.spec.method, r.seconds): r.seconds for r in ordered}.values())
    return RunResult(data, next(iter(repeats.values())), pd.concat([r.scores for r in ordered], ignore_index=True),
                     seconds, from_store=all(r.from_store for r in ordered), repeats=repeats)


def sweep(datasets: Sequence[str | Dataset], methods: Sequence[str], bottlenecks: Sequence[int], *,
          test_size: float = 0.2, split_seed: int = 0, train_seeds: Sequence[int] = (0,),
          params: Mapping[str, Mapping] | None = None, progress: ProgressCallback | None = None) -> pd.DataFrame:
    """Error of every method at every bottleneck on every dataset, train and test, as one tidy frame."""
    frames = []
    for i, dataset in enumerate(datasets):
        dataset = load_dataset(dataset) if isinstance(dataset, str) else dataset

        def report(fraction: float, message: str, i: int = i, name: str = dataset.name) -> None:
            if progress is not None:
                progress((i + fraction) / len(datasets), f"{name}: {message}")

        frames.append(run(dataset, methods, bottlenecks, test_size=test_size, split_seed=split_seed,
                          train_seeds=train_seeds, params=params, progress=report).scores)
    return pd.concat(frames, ignore_index=True)
