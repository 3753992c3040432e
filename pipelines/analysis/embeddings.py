"""Held-out codes as points of a plane, as tidy frames (2-code models as they are, wider codes by PCA of the codes),
and how well those codes keep neighbours and classes."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA

from pipelines.analysis import metrics
from pipelines.data.preprocessing import PreparedData
from pipelines.reducers.method import Models

EMBEDDING_COLUMNS = ["method", "index", "z1", "z2", "label"]

# scikit-learn's trustworthiness holds and sorts an n × n distance matrix (14,000 test rows: 1.6 GB); a seeded random
# 2,000 keep it to about a second, and the score moves little between subsamples (PCA's 2 codes of fashion-mnist:
# standard deviation 0.0015 over five subsamples).
QUALITY_TEST_ROWS = 2000
# The k-NN classifier's references: encoding every training row of a large dataset costs seconds per method.
KNN_TRAINING_ROWS = 10_000
# The training codes whose two principal axes show wider codes in a plane: a seeded random 10,000, so every view of
# a model shares its axes.
PLANE_TRAINING_ROWS = 10_000


def plane_axis_names(k: int) -> tuple[str, str]:
    """What the two axes of `planar_codes` are for models with `k` codes."""
    if k > 2:
        return f"PC 1 of the {k} codes", f"PC 2 of the {k} codes"
    return "code 1", "code 2" if k == 2 else "none (1 code only: every point at 0)"


def planar_codes(codes_train: np.ndarray, codes_test: np.ndarray) -> np.ndarray:
    """Test codes as 2-D points: the codes themselves for 2 codes, one code against 0, and for more codes their
    first two principal components, fitted on the training codes so that every view of a model shares its axes."""
    k = codes_test.shape[1]
    if k == 1:
        return np.column_stack([codes_test[:, 0], np.zeros(len(codes_test))])
    if k == 2:
        return codes_test
    return PCA(n_components=2, svd_solver="full").fit(codes_train).transform(codes_test)


def _frame(method: str, points: np.ndarray, data: PreparedData) -> pd.DataFrame:
    labels = data.y_test if data.y_test is not None else np.full(len(data.test_index), None)
    return pd.DataFrame({"method": method, "index": data.test_index, "z1": points[:, 0], "z2": points[:, 1],
                         "label": labels})


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=EMBEDDING_COLUMNS)


def _planar_test_codes(reducer: BaseEstimator, data: PreparedData) -> np.ndarray:
    """`planar_codes` of the test rows; the training codes are only encoded when more than 2 codes need axes, and
    from at most PLANE_TRAINING_ROWS seeded random rows (encoding 56,000 rows costs seconds a method)."""
    codes_test = reducer.transform(data.X_test)
    if codes_test.shape[1] <= 2:
        return planar_codes(codes_test, codes_test)
    rows = scored_rows(len(data.X_train), PLANE_TRAINING_ROWS, data.seed)
    return planar_codes(reducer.transform(data.X_train[rows]), codes_test)


def planar_frame(models: Mapping[str, BaseEstimator], data: PreparedData) -> pd.DataFrame:
    """Every method's held-out codes as 2-D points (see `planar_codes`): method, index, z1, z2, label."""
    return _concat([_frame(method, _planar_test_codes(reducer, data), data) for method, reducer in models.items()])


def embedding_frame(models: Models, data: PreparedData) -> pd.DataFrame:
    """Codes of the held-out rows for every method fitted with bottleneck 2: method, index, z1, z2, label."""
    return _concat([_frame(method, reducer.transform(data.X_test), data)
                    for (method, k), reducer in models.items() if k == 2])


def scored_rows(n_rows: int, limit: int, seed: int) -> np.ndarray:
    """Positions of the rows a quality score uses: all `n_rows`, or a seeded random `limit` of them, in order."""
    if n_rows <= limit:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, limit, replace=False))


@dataclass(frozen=True)
class EmbeddingQuality:
    """How well a model's test codes keep the data's neighbours and classes, and on how many rows that was scored."""

    trustworthiness: float
    knn_accuracy: float  # NaN without class labels
    scored_test_rows: int
    test_rows: int
    reference_rows: int  # training rows the k-NN classifier votes with
    training_rows: int

    @property
    def subsampled(self) -> bool:
        """Whether the scores used fewer rows than there are."""
        return self.scored_test_rows < self.test_rows or 0 < self.reference_rows < self.training_rows

    @property
    def scope(self) -> str:
        """Which rows the scores used, e.g. "on a random 2,000 of the 14,000 test rows"."""
        if self.scored_test_rows == self.test_rows:
            return f"on all {self.test_rows:,} test rows"
        return f"on a random {self.scored_test_rows:,} of the {self.test_rows:,} test rows"

    @property
    def knn_scope(self) -> str:
        """Which training rows the k-NN classifier votes with."""
        if self.reference_rows == self.training_rows:
            return f"all {self.training_rows:,} training rows"
        return f"a random {self.reference_rows:,} of the {self.training_rows:,} training rows"


def embedding_quality(reducer: BaseEstimator, data: PreparedData) -> EmbeddingQuality:
    """Trustworthiness of `reducer`'s test codes and, for class labels, 5-NN accuracy on them; above
    QUALITY_TEST_ROWS test rows (KNN_TRAINING_ROWS training rows) on a random subsample drawn with the split's seed,
    so the same run always gets the same numbers."""
    test = scored_rows(len(data.X_test), QUALITY_TEST_ROWS, data.seed)
    X_test = data.X_test[test]
    codes_test = reducer.transform(X_test)
    trust, accuracy, references = metrics.trustworthiness(X_test, codes_test), float("nan"), 0
    if data.dataset.label_kind == "categorical":
        train = scored_rows(len(data.X_train), KNN_TRAINING_ROWS, data.seed)
        references = len(train)
        accuracy = metrics.knn_accuracy(reducer.transform(data.X_train[train]), data.y_train[train], codes_test,
                                        data.y_test[test])
    return EmbeddingQuality(trust, accuracy, len(test), len(data.X_test), references, len(data.X_train))
