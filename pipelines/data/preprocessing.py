"""The seeded train/test split and the scaling every method shares."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from pipelines.data.datasets import Dataset
from pipelines.errors import InputError


@dataclass(frozen=True, eq=False)
class PreparedData:
    """One dataset split and scaled: exactly the arrays every method is trained and scored on."""

    dataset: Dataset
    X_train: np.ndarray
    X_test: np.ndarray
    train_index: np.ndarray  # rows of `dataset.X`
    test_index: np.ndarray
    scaler: StandardScaler | None  # fitted on the training rows only; None for data already in [0, 1]
    test_size: float
    seed: int

    @property
    def y_train(self) -> np.ndarray | None:
        return None if self.dataset.y is None else self.dataset.y[self.train_index]

    @property
    def y_test(self) -> np.ndarray | None:
        return None if self.dataset.y is None else self.dataset.y[self.test_index]

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def max_bottleneck(self) -> int:
        """Largest meaningful bottleneck: fewer codes than features, and no more than training rows."""
        return max(1, min(self.n_features - 1, len(self.X_train)))

    def to_original_units(self, X: np.ndarray) -> np.ndarray:
        """Undo the scaling, e.g. to show reconstructions in the data's own units."""
        return X if self.scaler is None else self.scaler.inverse_transform(X)


def training_rows(n_rows: int, test_size: float) -> int:
    """How many of `n_rows` rows a split with a test fraction of `test_size` leaves for training."""
    return n_rows - int(np.ceil(test_size * n_rows))


def prepare(dataset: Dataset, test_size: float = 0.2, seed: int = 0) -> PreparedData:
    """Split `dataset` with `seed` (stratified for categorical labels) and scale it on the training rows."""
    if not 0 < test_size < 1:
        raise InputError(f"The test fraction must be between 0 and 1 (exclusive), not {test_size}; try 0.2.")
    if not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise InputError(f"The seed must be a whole number from 0 to 4294967295, not {seed!r}.")
    n = len(dataset.X)
    n_test = n - training_rows(n, test_size)
    if n_test < 1 or n - n_test < 2:
        raise InputError(f"A test fraction of {test_size} leaves too few rows of the {n} for training or "
                         "testing; choose a fraction closer to 0.2.")
    stratify = None
    if dataset.label_kind == "categorical":
        _, counts = np.unique(dataset.y, return_counts=True)
        if counts.min() >= 2 and n_test >= len(counts) and n - n_test >= len(counts):
            stratify = dataset.y
    index = np.arange(n)
    train_index, test_index = train_test_split(index, test_size=test_size, random_state=seed, stratify=stratify)
    X_train, X_test = dataset.X[train_index], dataset.X[test_index]
    scaler = None
    if dataset.scaling == "standardize":
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    return PreparedData(dataset, X_train.astype("float32", copy=False), X_test.astype("float32", copy=False),
                        train_index, test_index, scaler, test_size, seed)
