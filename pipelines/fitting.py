"""Fit every method at every bottleneck size on one split, and score them on the same held-out data."""
from __future__ import annotations

import time
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits

from pipelines.errors import InputError
from pipelines.metrics import reconstruct, reconstruction_scores
from pipelines.preprocessing import PreparedData
from pipelines.reducers import METHODS, make_reducer

ProgressCallback = Callable[[float, str], None]
Models = dict[tuple[str, int], BaseEstimator]
SWEEP_COLUMNS = ["dataset", "method", "bottleneck", "split", "mse", "r2", "fit_seconds", "epochs", "seed"]


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


def fit_reducers(data: PreparedData, methods: Sequence[str], bottlenecks: Sequence[int], seed: int = 0,
                 params: Mapping[str, Mapping] | None = None, progress: ProgressCallback | None = None) -> Models:
    """Fitted reducers keyed by (method, bottleneck); models of one method that can train together do."""
    methods, bottlenecks = check_methods(methods), check_bottlenecks(bottlenecks, data)
    params = params or {}
    costs = {m: METHODS[m].relative_cost * len(bottlenecks) for m in methods}
    total, done = sum(costs.values()), 0.0
    models: Models = {}
    for method in methods:
        reducers = [make_reducer(method, k, random_state=seed, **params.get(method, {})) for k in bottlenecks]
        label = METHODS[method].label

        def report(fraction: float, message: str, method_done: float = done, cost: float = costs[method]) -> None:
            if progress is not None:
                progress(min(1.0, (method_done + fraction * cost) / total), f"{label}: {message}")

        report(0.0, "starting")
        fit_together = getattr(type(reducers[0]), "fit_together", None)
        if fit_together is not None:
            fit_together(reducers, data.X_train, progress=report)
        else:
            for i, reducer in enumerate(reducers):
                started = time.perf_counter()
                # Once TensorFlow has run, its idle threads and a multi-threaded BLAS fight over 2 cores: PCA
                # fits were measured 4-30x slower. One BLAS thread is fast for these sizes.
                with threadpool_limits(limits=1, user_api="blas"):
                    reducer.fit(data.X_train)
                reducer.fit_seconds_ = time.perf_counter() - started
                report((i + 1) / len(reducers), f"bottleneck {reducer.n_components} done")
        models.update({(method, k): r for k, r in zip(bottlenecks, reducers)})
        done += costs[method]
    return models


def score_reducers(models: Models, data: PreparedData) -> pd.DataFrame:
    """Tidy frame: one row per (method, bottleneck, split) with MSE, R², fit time and epochs."""
    rows = []
    for (method, k), reducer in models.items():
        for split, X in (("train", data.X_train), ("test", data.X_test)):
            rows.append({"dataset": data.dataset.name, "method": method, "bottleneck": k, "split": split,
                         **reconstruction_scores(X, reconstruct(reducer, X)),
                         "fit_seconds": float(getattr(reducer, "fit_seconds_", np.nan)),
                         "epochs": int(getattr(reducer, "n_epochs_", 0)), "seed": data.seed})
    return pd.DataFrame(rows, columns=SWEEP_COLUMNS)
