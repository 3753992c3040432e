"""PCA: the best rank-k linear reconstruction (Eckart–Young), the reference every autoencoder is held to."""
from __future__ import annotations

import copy
from typing import Sequence

import numpy as np
from sklearn.decomposition import PCA

from pipelines.reducers.method import FitControl, Method


def build(n_components: int, random_state: int = 0, **params) -> PCA:
    """Unfitted scikit-learn PCA; the exact SVD keeps results identical across runs."""
    return PCA(n_components=n_components, **{"svd_solver": "full", "random_state": random_state, **params})


def truncated(pca: PCA, k: int) -> PCA:
    """The fitted PCA keeping only its first `k` components: exactly what fitting with `k` components gives."""
    smaller = copy.copy(pca)
    smaller.set_params(n_components=k)
    for name in ("components_", "explained_variance_", "explained_variance_ratio_", "singular_values_"):
        setattr(smaller, name, getattr(pca, name)[:k].copy())
    smaller.n_components_ = k
    # The noise variance is the mean variance of the discarded directions; the total variance is known from the
    # larger fit, so the smaller fit's value follows without another SVD.
    n_directions = min(pca.n_samples_, pca.n_features_in_)
    total = pca.explained_variance_.sum() + pca.noise_variance_ * (n_directions - pca.n_components_)
    smaller.noise_variance_ = (total - smaller.explained_variance_.sum()) / (n_directions - k) \
        if k < n_directions else 0.0
    return smaller


def fit_once_and_truncate(reducers: Sequence[PCA], X: np.ndarray, control: FitControl) -> None:
    """Fit the largest bottleneck once and give every smaller one its leading components."""
    largest = max(reducers, key=lambda r: r.n_components)
    largest.fit(X)
    for reducer in reducers:
        if reducer is not largest:
            vars(reducer).update(vars(truncated(largest, reducer.n_components)))
    control.report(1.0, f"{len(reducers)} bottleneck size(s) from one SVD")


METHOD = Method(
    name="pca", label="PCA", color="#4C78A8", build=build, fit_group=fit_once_and_truncate,
    description="Principal component analysis projects onto the directions of largest variance. No linear method "
                "with the same bottleneck reconstructs better (Eckart–Young), so it is the reference line.",
    # Drawn wide and pale under the others: a linear AE that matches it exactly must not hide it.
    line_width=7.0, opacity=0.55, linear_decoder=True, relative_cost=0.05,
    deterministic=lambda n_training_rows: True)  # the exact SVD uses no random numbers
