"""Fitting as plan → tasks → executor. A task is one `RunSpec`: a method's bottleneck sizes under one training
seed; repeats of a method (the same spec under other training seeds) fit together when the method fuses seeds.

`plan` turns a request into tasks, `execute_together` fits one method's repeats and returns a result per spec,
and an executor runs many, turning each fit's progress into a stream of plain `ProgressEvent`s that can cross a
process boundary. Executors never write the run store: the driver that called them does.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping, Protocol, Sequence

import pandas as pd

from pipelines.analysis.repeats import MAX_SEED
from pipelines.data.datasets import Dataset
from pipelines.data.preprocessing import PreparedData, prepare
from pipelines.errors import InputError, TrainingStopped
from pipelines.reducers import METHODS, FitControl, cost
from pipelines.reducers.method import Models
from pipelines.runs.fitting import check_bottlenecks, check_methods, fit_repeats, score_reducers
from pipelines.runs.spec import RunSpec, run_spec


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
         split_seed: int = 0, train_seeds: Sequence[int] = (0,),
         params: Mapping[str, Mapping[str, object]] | None = None) -> tuple[PreparedData, list[RunSpec]]:
    """The prepared split and one task per method and training seed (method by method); refuses methods that
    cannot take the data or cost too much."""
    data = prepare(dataset, test_size=test_size, seed=split_seed)
    sizes = check_bottlenecks(bottlenecks, data)
    seeds = check_seeds(train_seeds)
    specs = []
    for method in check_methods(methods):
        reason = METHODS[method].accepts(dataset)
        if reason:
            raise InputError(reason)
        repeats = [run_spec(dataset, method, sizes, test_size=test_size, split_seed=split_seed, train_seed=seed,
                            settings=(params or {}).get(method)) for seed in seeds]
        check_cost(repeats, data)
        specs += repeats
    return data, specs


def check_seeds(seeds: Sequence[int]) -> list[int]:
    """Distinct training seeds in their given order, at least one, each a non-negative whole number."""
    distinct = list(dict.fromkeys(int(seed) for seed in seeds))
    if not distinct or any(not 0 <= seed <= MAX_SEED for seed in distinct):
        raise InputError(f"Training seeds must be one or more whole numbers from 0 to {MAX_SEED:,}, e.g. 0,1,2.")
    return distinct


def estimate(specs: Sequence[RunSpec], data: PreparedData, sharing: int = 1) -> cost.Estimate:
    """What fitting one method's `specs` (repeats under several training seeds) on `data` will cost together, while
    `sharing` trainings (this one included) run at once: they share the machine's cores, so each takes about that
    many times longer."""
    spec, method = specs[0], METHODS[specs[0].method]
    one = method.estimate_cost(dict(spec.params), len(data.X_train), data.n_features, spec.bottlenecks)
    memory = one.memory_bytes
    if method.fuses_seeds and len(specs) > 1:  # repeats train as more models of the same sizes, on one copy of the data
        memory = method.estimate_cost(dict(spec.params), len(data.X_train), data.n_features,
                                      spec.bottlenecks * len(specs)).memory_bytes
    return cost.Estimate(one.parameters, one.widest_layer, one.seconds * len(specs) * max(1, sharing), memory)


def check_cost(specs: Sequence[RunSpec], data: PreparedData) -> cost.Estimate:
    """The estimate of `specs`, refused with one clear sentence when it exceeds the limits."""
    guess = estimate(specs, data)
    cost.check(METHODS[specs[0].method].label, guess)
    return guess


def execute_together(specs: Sequence[RunSpec], data: PreparedData, control: FitControl | None = None
                     ) -> list[TaskResult]:
    """Fit one method's `specs` (the same sizes and settings under several training seeds) on `data`, in one
    computation where the method allows it, and score each on both splits."""
    first = specs[0]
    if any(spec.method != first.method or spec.bottlenecks != first.bottlenecks for spec in specs):
        raise ValueError("Only repeats of one method at the same bottleneck sizes fit together.")
    if any(spec.split_seed != data.seed for spec in specs):  # its scores would be stored under another split's name
        raise ValueError(f"These runs are of other splits than the data given (split seed {data.seed}); fit each on "
                         "its own split, e.g. with runs.load_or_fit_repeats.")
    fitted = fit_repeats(first.method, first.bottlenecks, data.X_train, [spec.estimator_params() for spec in specs],
                         control)
    return [TaskResult(spec, models, score_reducers(models, data, fit_seconds=seconds, train_seed=spec.train_seed),
                       seconds) for spec, (models, seconds) in zip(specs, fitted)]


def execute(spec: RunSpec, data: PreparedData, control: FitControl | None = None) -> TaskResult:
    """Fit `spec` on `data` (its split) and score its models on both splits."""
    (result,) = execute_together([spec], data, control)
    return result


def repeat_groups(specs: Sequence[RunSpec]) -> list[list[RunSpec]]:
    """`specs` grouped into what fits together: one method's specs that differ only in their training seed."""
    groups: dict[tuple, list[RunSpec]] = {}
    for spec in specs:
        settings = tuple((name, value) for name, value in spec.params if name != "random_state")
        groups.setdefault((spec.method, spec.bottlenecks, spec.split_seed, spec.test_size, settings), []).append(spec)
    return list(groups.values())


EventSink = Callable[[ProgressEvent], None]


class Executor(Protocol):
    """Runs tasks somewhere and yields their results as they finish."""

    def map(self, specs: Sequence[RunSpec], data: PreparedData, on_event: EventSink | None = None,
            should_stop: Callable[[], bool] | None = None) -> Iterator[TaskResult]:
        ...


class InProcessExecutor:
    """Runs tasks in this process: each method's repeats together, `at_once` methods at a time (threads: the
    numerical work releases the GIL, so two overlap one fit's compilation with another's epochs)."""

    def __init__(self, at_once: int = 1):
        self.at_once = at_once

    def map(self, specs: Sequence[RunSpec], data: PreparedData, on_event: EventSink | None = None,
            should_stop: Callable[[], bool] | None = None) -> Iterator[TaskResult]:
        """Fit each group of repeats, reporting its progress as events of each of its tasks; results come as
        groups finish."""
        groups = repeat_groups(specs)
        if self.at_once <= 1 or len(groups) <= 1:
            for group in groups:
                yield from _fit_group(group, data, on_event, should_stop)
            return
        interrupted = threading.Event()  # set when the caller stops listening, so running fits end within a second

        def stop() -> bool:
            return interrupted.is_set() or (should_stop is not None and should_stop())

        with ThreadPoolExecutor(self.at_once, thread_name_prefix="fit") as pool:
            futures = [pool.submit(_fit_group, group, data, on_event, stop) for group in groups]
            try:
                for future in as_completed(futures):
                    yield from future.result()
            except BaseException:
                interrupted.set()
                for future in futures:
                    future.cancel()
                raise


def _fit_group(group: Sequence[RunSpec], data: PreparedData, on_event: EventSink | None,
               should_stop: Callable[[], bool] | None) -> list[TaskResult]:
    keys = tuple(spec.key for spec in group)

    def report(fraction: float, message: str) -> None:
        if on_event is not None:
            for key in keys:
                on_event(ProgressEvent(key, fraction, message))

    return execute_together(group, data, FitControl(report, should_stop))


FailureSink = Callable[[Sequence[RunSpec], str], None]  # (a group's specs, why it failed, in one line)


class InProcessStudyExecutor:
    """The in-process executor, one repeat group at a time; a group that fails is reported, the others go on."""

    def __init__(self, on_failure: FailureSink):
        self.on_failure = on_failure

    def map(self, specs: Sequence[RunSpec], data: PreparedData, on_event: EventSink | None = None,
            should_stop: Callable[[], bool] | None = None) -> Iterator[TaskResult]:
        """Fit each repeat group of `specs` in turn, yielding its results or reporting its failure."""
        for group in repeat_groups(specs):
            try:
                results = list(InProcessExecutor().map(group, data, on_event, should_stop))
            except TrainingStopped:
                raise
            except Exception as error:  # the group's own failure (bad values, a fit that raises): not the study's
                self.on_failure(group, error_line(error))
                continue
            yield from results


def error_line(error: BaseException) -> str:
    """An exception as one line: its type and the last line of its message."""
    lines = [line for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[-1].strip()}" if lines else type(error).__name__
