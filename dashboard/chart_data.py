"""The arrays and frames the pages draw: galleries of samples, a sample's place among the test rows, its
reconstruction at every size, colours by label, hover values and loss histories; no Streamlit here."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

import pipelines
from pipelines import METHODS
from pipelines.analysis import metrics


def feature_values(dataset: pipelines.Dataset, rows: np.ndarray) -> pd.DataFrame:
    """The original feature values of `rows`, one named column per feature."""
    return pd.DataFrame(dataset.X[rows], columns=list(dataset.feature_names), index=rows)


def reconstructed_rows(models: Mapping[str, BaseEstimator], data: pipelines.PreparedData,
                       positions: Iterable[int]) -> dict[str, np.ndarray]:
    """Each model's reconstruction of the test rows at `positions` only: what a gallery shows, without decoding
    (and caching) the whole test split, which for 14,000 images is 88 MB a method."""
    rows = data.X_test[list(positions)]
    return {method: metrics.reconstruct(reducer, rows) for method, reducer in models.items()}


def gallery(data: pipelines.PreparedData, models: Mapping[str, BaseEstimator],
            positions: Iterable[int]) -> dict[str, np.ndarray]:
    """Rows of images for a gallery: the test samples at `positions`, then each model's reconstructions of them."""
    positions = list(positions)
    return {"Original": data.X_test[positions], **reconstructed_rows(models, data, positions)}


def position_in_test(data: pipelines.PreparedData, sample: int) -> int:
    """Where test sample `sample` (a row of the dataset) is among the test rows."""
    return int(np.flatnonzero(data.test_index == sample)[0])


def sample_at_every_size(runs: Mapping[str, pipelines.TaskResult], data: pipelines.PreparedData,
                         sample: int) -> dict[str, dict[int, np.ndarray]]:
    """Test sample `sample` reconstructed by each method's model of every bottleneck size of its run (the first
    repeat's), in the scaled units the models were trained in: method -> size -> values."""
    row = data.X_test[[position_in_test(data, sample)]]
    return {method: {k: metrics.reconstruct(run.models[(method, k)], row)[0]
                     for k in sorted(k for m, k in run.models if m == method)} for method, run in runs.items()}


def size_gallery(data: pipelines.PreparedData, by_size: Mapping[str, Mapping[int, np.ndarray]],
                 sample: int) -> tuple[dict[str, np.ndarray], list[str]]:
    """Rows of images, one per method: the original sample, then its reconstruction at every size; and the
    columns' titles."""
    sizes = sorted({k for sizes in by_size.values() for k in sizes})
    original = data.X_test[position_in_test(data, sample)]
    rows = {m: np.array([original, *(reconstructions[k] for k in sizes)]) for m, reconstructions in by_size.items()}
    return rows, ["original", *(f"k = {k}" for k in sizes)]


def continuous_labels(dataset: pipelines.Dataset, rows: np.ndarray | None = None) -> np.ndarray | None:
    """The labels of `rows` (all by default) when they are numbers to colour by, else None."""
    if dataset.label_kind != "continuous":
        return None
    return dataset.y if rows is None else dataset.y[rows]


def autoencoder_methods(methods: Iterable[str]) -> tuple[str, ...]:
    """The methods among `methods` that train by gradient descent and so have a loss history."""
    return tuple(m for m in methods if METHODS[m].trained_by_gradient)


def histories(run: pipelines.RunResult, method: str) -> tuple[dict[int, dict], dict[int, int]]:
    """Loss histories and best epochs of `method`'s models in `run`, keyed by bottleneck."""
    models = {k: model for (m, k), model in run.models.items() if m == method}
    return {k: m.history_ for k, m in models.items()}, {k: m.best_epoch_ for k, m in models.items()}
