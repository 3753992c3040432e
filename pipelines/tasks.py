"""Fitting as plan → tasks → executor. A task is one `RunSpec`: a method's bottleneck sizes that fit together.

`plan` turns a request into tasks, `execute` fits one task and returns its result, and an executor runs many,
turning each fit's progress into a stream of plain `ProgressEvent`s that can cross a process boundary. Executors
never write the run store: the driver that called them does.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping, Protocol, Sequence

import pandas as pd

from pipelines import cost
from pipelines.datasets import Dataset
from pipelines.errors import InputError
from pipelines.fitting import Models, check_bottlenecks, check_methods, fit_group, score_reducers
from pipelines.preprocessing import PreparedData, prepare
from pipelines.reducers import METHODS, FitControl
from pipelines.run_spec import RunSpec, run_spec


@dataclass(frozen=True)
class ProgressEvent:
    """One progress report of one task: plain data, so it can travel between processes."""

    task: str  # the task's spec key
    fraction: float  # of that task
    message: str


@dataclass(frozen=True, eq=False)
class TaskResult:
    """What fitting one task produced: its models and their tidy scores."""

    spec: RunSpec
    models: Models
    scores: pd.DataFrame
    seconds: float
    from_store: bool = False


def plan(dataset: Dataset, methods: Sequence[str], bottlenecks: Sequence[int], *, test_size: float = 0.2,
         split_seed: int = 0, train_seed: int = 0,
         params: Mapping[str, Mapping[str, object]] | None = None) -> tuple[PreparedData, list[RunSpec]]:
    """The prepared split and one task per method; refuses methods that cannot take the data or cost too much."""
    data = prepare(dataset, test_size=test_size, seed=split_seed)
    sizes = check_bottlenecks(bottlenecks, data)
    specs = []
    for method in check_methods(methods):
        reason = METHODS[method].accepts(dataset)
        if reason:
            raise InputError(reason)
        spec = run_spec(dataset, method, sizes, test_size=test_size, split_seed=split_seed, train_seed=train_seed,
                        settings=(params or {}).get(method))
        check_cost(spec, data)
        specs.append(spec)
    return data, specs


def estimate(spec: RunSpec, data: PreparedData) -> cost.Estimate:
    """What fitting `spec` on `data` will cost."""
    return METHODS[spec.method].estimate_cost(dict(spec.params), len(data.X_train), data.n_features,
                                              spec.bottlenecks)


def check_cost(spec: RunSpec, data: PreparedData) -> cost.Estimate:
    """The estimate of `spec`, refused with one clear sentence when it exceeds the limits."""
    guess = estimate(spec, data)
    cost.check(METHODS[spec.method].label, guess)
    return guess


def execute(spec: RunSpec, data: PreparedData, control: FitControl | None = None) -> TaskResult:
    """Fit `spec` on `data` (its split) and score its models on both splits."""
    started = time.perf_counter()
    models = fit_group(spec.method, spec.bottlenecks, data.X_train, spec.estimator_params(), control)
    seconds = time.perf_counter() - started
    return TaskResult(spec, models, score_reducers(models, data, fit_seconds=seconds, train_seed=spec.train_seed),
                      seconds)


EventSink = Callable[[ProgressEvent], None]


class Executor(Protocol):
    """Runs tasks somewhere and yields their results as they finish."""

    def map(self, specs: Sequence[RunSpec], data: PreparedData, on_event: EventSink | None = None,
            should_stop: Callable[[], bool] | None = None) -> Iterator[TaskResult]:
        ...


class InProcessExecutor:
    """Runs tasks one after another in this process."""

    def map(self, specs: Sequence[RunSpec], data: PreparedData, on_event: EventSink | None = None,
            should_stop: Callable[[], bool] | None = None) -> Iterator[TaskResult]:
        """Fit each task in turn, reporting its progress as events."""
        for spec in specs:
            def report(fraction: float, message: str, key: str = spec.key) -> None:
                if on_event is not None:
                    on_event(ProgressEvent(key, fraction, message))

            yield execute(spec, data, FitControl(report, should_stop))
