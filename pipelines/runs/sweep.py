"""A run: one dataset split and scaled once (or once per repeat, for repeated hold-out), every method fitted at every
bottleneck and scored, through the plan → tasks → executor path and (optionally) the run store; a sweep is runs over
several datasets."""
from __future__ import annotations

import threading
from collections import ChainMap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

import pandas as pd

from pipelines.analysis.repeats import repeat_seeds, repeats_to_fit
from pipelines.data.datasets import Dataset, load_dataset
from pipelines.data.preprocessing import PreparedData, prepare
from pipelines.reducers import METHODS, FitControl
from pipelines.reducers.method import Models, ProgressCallback
from pipelines.runs.resolver import resolve
from pipelines.runs.spec import RunSpec
from pipelines.runs.tasks import Executor, ProgressEvent, TaskResult, check_seeds, plan

if TYPE_CHECKING:
    from pipelines.runs.store import RunStore


@dataclass(frozen=True, eq=False)
class RunResult:
    """Everything a run produced: the prepared data, the fitted models and their tidy scores."""

    data: PreparedData  # the first repeat's split (with `vary_split` every repeat has its own)
    models: Models  # of the first training seed; `repeats` holds every seed's
    scores: pd.DataFrame  # every repeat's: one row per method, bottleneck, split and training seed
    seconds: float  # how long the run's tasks took when they were computed
    from_store: bool = False  # every task came from the store
    # training seed -> models, in the order the seeds were given; a deterministic method's only under the first seed
    # of each split, since it is fitted once per split
    repeats: dict[int, Models] | None = None


def plan_repeats(dataset: Dataset, methods: Sequence[str], bottlenecks: Sequence[int], *, test_size: float = 0.2,
                 split_seed: int = 0, train_seeds: Sequence[int] = (0,), vary_split: bool = False,
                 params: Mapping[str, Mapping] | None = None) -> list[tuple[PreparedData, list[RunSpec]]]:
    """Every split the repeats use, prepared, with the tasks to fit on it: one per method and training seed, or
    once per split for a deterministic method; with `vary_split` the i-th repeat has split seed `split_seed + i`.
    Bad input is refused here, before anything trains."""
    repeats = repeat_seeds(split_seed, check_seeds(train_seeds), vary_split)
    seeds_of_split: dict[int, list[int]] = {}
    for split, seed in repeats:
        seeds_of_split.setdefault(split, []).append(seed)
    parts = []
    for split, seeds in seeds_of_split.items():
        data, specs = plan(dataset, methods, bottlenecks, test_size=test_size, split_seed=split, train_seeds=seeds,
                           params=params)
        fitted = {method: set(repeats_to_fit(method, len(data.X_train), repeats)) for method in methods}
        parts.append((data, [spec for spec in specs if (spec.split_seed, spec.train_seed) in fitted[spec.method]]))
    return parts


def load_or_fit_repeats(specs: Sequence[RunSpec], data: PreparedData, store: "RunStore",
                        control: FitControl | None = None) -> list[TaskResult]:
    """One method's repeats `specs` from `store`, the missing ones fitted (together where they share a split) and
    stored; `data` is the first split, and repeats on other splits (repeated hold-out) get theirs prepared from
    its dataset."""
    control = control or FitControl()
    by_split: dict[int, list[RunSpec]] = {}
    for spec in specs:
        by_split.setdefault(spec.split_seed, []).append(spec)
    results: dict[str, TaskResult] = {}
    for i, (split, group) in enumerate(by_split.items()):
        split_data = data if split == data.seed else prepare(data.dataset, test_size=data.test_size, seed=split)
        part = control if len(by_split) == 1 else control.scaled(
            i / len(by_split), 1 / len(by_split), f"split {i + 1} of {len(by_split)}: ")
        results.update((result.spec.key, result) for result in resolve(
            group, split_data, store, on_event=lambda event, part=part: part.report(event.fraction, event.message),
            should_stop=part.should_stop))
    return [results[spec.key] for spec in specs]


def run(dataset: Dataset, methods: Sequence[str], bottlenecks: Sequence[int], *, test_size: float = 0.2,
        split_seed: int = 0, train_seeds: Sequence[int] = (0,), vary_split: bool = False,
        params: Mapping[str, Mapping] | None = None, progress: ProgressCallback | None = None,
        store: "RunStore | None" = None, executor: Executor | None = None) -> RunResult:
    """Split `dataset`, fit every method at every bottleneck on the training rows once per training seed (the
    repeats; a deterministic method once per split) and score both splits; with `vary_split` every repeat has its
    own split (repeated hold-out). Tasks already in `store` are loaded, the others run on `executor` (in this
    process by default) and are stored."""
    parts = plan_repeats(dataset, methods, bottlenecks, test_size=test_size, split_seed=split_seed,
                         train_seeds=train_seeds, vary_split=vary_split, params=params)
    specs = [spec for _, part in parts for spec in part]
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

    results = {result.spec.key: result for data, part in parts for result in resolve(part, data, store, executor,
                                                                                        on_event)}
    ordered = [results[spec.key] for spec in specs]
    repeats: dict[int, ChainMap] = {}
    for result in ordered:  # a chain, not a copy: stored models load from disk only when a caller asks for one
        repeats.setdefault(result.spec.train_seed, ChainMap()).maps.append(result.models)
    # Repeats of a method trained together report the same wall time: count each group's once.
    seconds = sum({(r.spec.method, r.spec.split_seed, r.seconds): r.seconds for r in ordered}.values())
    return RunResult(parts[0][0], next(iter(repeats.values())),
                     pd.concat([r.scores for r in ordered], ignore_index=True), seconds,
                     from_store=all(r.from_store for r in ordered), repeats=repeats)


def sweep(datasets: Sequence[str | Dataset], methods: Sequence[str], bottlenecks: Sequence[int], *,
          test_size: float = 0.2, split_seed: int = 0, train_seeds: Sequence[int] = (0,), vary_split: bool = False,
          params: Mapping[str, Mapping] | None = None, progress: ProgressCallback | None = None) -> pd.DataFrame:
    """Error of every method at every bottleneck on every dataset, train and test, as one tidy frame."""
    frames = []
    for i, dataset in enumerate(datasets):
        dataset = load_dataset(dataset) if isinstance(dataset, str) else dataset

        def report(fraction: float, message: str, i: int = i, name: str = dataset.name) -> None:
            if progress is not None:
                progress((i + fraction) / len(datasets), f"{name}: {message}")

        frames.append(run(dataset, methods, bottlenecks, test_size=test_size, split_seed=split_seed,
                          train_seeds=train_seeds, vary_split=vary_split, params=params, progress=report).scores)
    return pd.concat(frames, ignore_index=True)
