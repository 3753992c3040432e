"""Held-out codes as points of a plane, as tidy frames: 2-code models as they are, wider codes by PCA of the codes."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA

from pipelines.data.preprocessing import PreparedData
from pipelines.reducers.method import Models

EMBEDDING_COLUMNS = ["method", "index", "z1", "z2", "label"]


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


def planar_frame(models: Mapping[str, BaseEstimator], data: PreparedData) -> pd.DataFrame:
    """Every method's held-out codes as 2-D points (see `planar_codes`): method, index, z1, z2, label."""
    return _concat([_frame(method, planar_codes(reducer.transform(data.X_train), reducer.transform(data.X_test)),
                           data) for method, reducer in models.items()])


def embedding_frame(models: Models, data: PreparedData) -> pd.DataFrame:
    """Codes of the held-out rows for every method fitted with bottleneck 2: method, index, z1, z2, label."""
    return _concat([_frame(method, reducer.transform(data.X_test), data)
                    for (method, k), reducer in models.items() if k == 2])
