"""Check a request's methods and sizes, fit one method's group of bottleneck sizes, and score fitted reducers."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager, nullcontext
from typing import Iterable, Iterator, Mapping, Sequence

import pandas as pd
from threadpoolctl import ThreadpoolController, threadpool_limits

from pipelines.analysis.metrics import scores_of
from pipelines.data.preprocessing import PreparedData
from pipelines.errors import InputError
from pipelines.memory import release_freed_memory
from pipelines.reducers import METHODS, FitControl, make_reducer
from pipelines.reducers.method import Models, ProgressCallback

SCORE_COLUMNS = ["dataset", "method", "bottleneck", "split", "mse", "r2", "fit_seconds", "epochs", "split_seed",
                 "train_seed"]


def check_bottlenecks(bottlenecks: Iterable[int], data: PreparedData) -> list[int]:
    """Sorted unique bottleneck sizes, each between 1 and the data's largest meaningful size."""
    sizes = sorted({int(k) for k in bottlenecks})
    if not sizes:
        raise InputError("No bottleneck sizes given; ask for at least one, e.g. 1,2,4,8.")
    limit = data.max_bottleneck
    bad = [k for k in sizes if not 1 <= k <= limit]
    if bad:
        raise InputError(f"Bottleneck size(s) {', '.join(map(str, bad))} are out of range for "
                         f"{data.dataset.name} ({data.n_features} features): choose sizes from 1 to {limit}.")
    return sizes


def check_methods(methods: Iterable[str]) -> list[str]:
    """Known method names, in the registry's order."""
    methods = list(methods)
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise InputError(f"Unknown or missing method(s) {', '.join(unknown) or '(none)'}; choose from "
                         f"{', '.join(METHODS)}.")
    return [m for m in METHODS if m in methods]


def fit_group(method: str, bottlenecks: Sequence[int], X_train, params: Mapping[str, object] | None = None,
              control: FitControl | None = None) -> Models:
    """`method` fitted at every size in `bottlenecks`, as its registry entry fits a group (together if it can)."""
    ((models, _),) = fit_repeats(method, bottlenecks, X_train, [params or {}], control)
    return models


class _OneBlasThread:
    """One BLAS thread while a fit that asks for it runs. Fits may overlap (in threads), and OpenBLAS keeps some of
    its thread count per thread, so every fit sets the limit in its own thread and sets its thread back, on leaving,
    to the counts from before the first of the overlapping fits entered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._original: dict[str, int] = {}  # each BLAS library's file: its thread count before the first fit

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                self._original = {lib.filepath: lib.num_threads for lib in _blas_libraries()}
            original = self._original
            self._users += 1
            threadpool_limits(limits=1, user_api="blas")
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                # Not threadpoolctl's restore: it brings back the counts seen when it was made, which are 1 when
                # another fit held the limit then, and it left a thread that scored kernel PCA next at 1.5x the time.
                for lib in _blas_libraries():
                    lib.set_num_threads(original.get(lib.filepath, lib.num_threads))


def _blas_libraries() -> list:
    return ThreadpoolController().select(user_api="blas").lib_controllers


one_blas_thread = _OneBlasThread()


def fit_repeats(method: str, bottlenecks: Sequence[int], X_train, repeats: Sequence[Mapping[str, object]],
                control: FitControl | None = None) -> list[tuple[Models, float]]:
    """`method` fitted at every size in `bottlenecks` once per parameter set in `repeats` (they differ only in
    their seed, `random_state`): all in one computation when the method fuses seeds, else one repeat after another.
    Returns each repeat's models and the wall time of the computation that trained them."""
    entry, control = METHODS[method], control or FitControl()
    reducers = [[make_reducer(method, k, **params) for k in bottlenecks] for params in repeats]
    # Once TensorFlow has run, its idle threads and a multi-threaded BLAS fight over 2 cores: PCA fits were
    # measured 4-30x slower. One BLAS thread is fast for the sizes a method without gradients fits here.
    with nullcontext() if entry.trained_by_gradient else one_blas_thread():
        if entry.fuses_seeds or len(reducers) == 1:
            started = time.perf_counter()
            entry.fit_group([r for group in reducers for r in group], X_train, control)
            seconds = [time.perf_counter() - started] * len(reducers)  # they trained together, not in turns
        else:
            seconds = []
            for i, group in enumerate(reducers):
                started = time.perf_counter()
                entry.fit_group(group, X_train, control.scaled(i / len(reducers), 1 / len(reducers),
                                                               prefix=f"repeat {i + 1} of {len(reducers)}: "))
                seconds.append(time.perf_counter() - started)
    release_freed_memory()  # what training freed (a copy of the data, TensorFlow's buffers) before the next method
    return [({(method, k): reducer for k, reducer in zip(bottlenecks, group)}, repeat_seconds)
            for group, repeat_seconds in zip(reducers, seconds)]


def fit_reducers(data: PreparedData, methods: Sequence[str], bottlenecks: Sequence[int], seed: int = 0,
                 params: Mapping[str, Mapping] | None = None, progress: ProgressCallback | None = None) -> Models:
    """Fitted reducers keyed by (method, bottleneck), every method trained with `seed`, without the run store."""
    methods, bottlenecks = check_methods(methods), check_bottlenecks(bottlenecks, data)
    models: Models = {}
    for i, method in enumerate(methods):
        def report(fraction: float, message: str, i: int = i, label: str = METHODS[method].label) -> None:
            if progress is not None:
                progress((i + fraction) / len(methods), f"{label}: {message}")

        settings = {**(params or {}).get(method, {}), "random_state": seed}
        report(0.0, "starting")
        models.update(fit_group(method, bottlenecks, data.X_train, settings, FitControl(report)))
    return models


def score_reducers(models: Models, data: PreparedData, *, fit_seconds: float = float("nan"),
                   train_seed: int = 0) -> pd.DataFrame:
    """Tidy frame: one row per (method, bottleneck, split) with MSE, R², training time and epochs.

    `fit_seconds` is the wall time of fitting the whole group (its sizes train together), the same on every row."""
    rows = []
    for (method, k), reducer in models.items():
        epochs = getattr(reducer, "n_epochs_", None)
        for split, X in (("train", data.X_train), ("test", data.X_test)):
            rows.append({"dataset": data.dataset.name, "method": method, "bottleneck": k, "split": split,
                         **scores_of(reducer, X), "fit_seconds": fit_seconds,
                         "epochs": epochs, "split_seed": data.seed, "train_seed": train_seed})
    return pd.DataFrame(rows, columns=SCORE_COLUMNS).astype({"epochs": "Int64"})
