"""Kernel PCA: PCA in the feature space of an RBF kernel, decoded by a learned pre-image map (kernel ridge).

This module is the whole method: how to build it, its settings, how a group of sizes is fitted, what that
costs, and how its fitted state is saved. Its n×n kernel grows with the square of the training rows, so above
MAX_FIT_ROWS it fits on a seeded random subsample of that many rows (and says so).
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from sklearn.decomposition import KernelPCA
from sklearn.preprocessing import KernelCenterer

from pipelines.reducers.cost import Estimate
from pipelines.reducers.method import FitControl, Method
from pipelines.reducers.saved_state import load_attributes, public_fitted_names, save_attributes
from pipelines.reducers.settings import Setting

MAX_FIT_ROWS = 2000
DEFAULTS = dict(kernel="rbf", gamma=None, alpha=0.01, fit_inverse_transform=True, eigen_solver="dense")


def build(n_components: int, random_state: int = 0, **params) -> KernelPCA:
    """Unfitted RBF kernel PCA that learns an inverse transform; `params` override the defaults."""
    return KernelPCA(n_components=n_components, random_state=random_state, **{**DEFAULTS, **params})


def fit_rows(n_rows: int, random_state: int) -> np.ndarray:
    """The training rows kernel PCA fits on: all of them, or a seeded subsample of MAX_FIT_ROWS."""
    if n_rows <= MAX_FIT_ROWS:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(random_state).choice(n_rows, MAX_FIT_ROWS, replace=False))


def fit_on_subsample(reducers: Sequence[KernelPCA], X: np.ndarray, control: FitControl) -> None:
    """Fit every size on the same rows (a subsample when there are too many)."""
    rows = fit_rows(len(X), int(reducers[0].random_state or 0))
    for i, reducer in enumerate(reducers):
        control.stop_if_asked()
        reducer.fit(X[rows])
        control.report((i + 1) / len(reducers), f"bottleneck {reducer.n_components} done")


def note(n_training_rows: int) -> str | None:
    """How fitting departs from a plain fit on every training row."""
    if n_training_rows <= MAX_FIT_ROWS:
        return None
    return (f"Kernel PCA fits on a random {MAX_FIT_ROWS:,} of the {n_training_rows:,} training rows: its kernel "
            "matrix grows with the square of the rows.")


def estimate_cost(params: Mapping[str, object], n_rows: int, n_features: int, sizes: Sequence[int]) -> Estimate:
    """A dense eigendecomposition of the n×n kernel and a kernel ridge solve per size."""
    n = min(n_rows, MAX_FIT_ROWS)
    seconds = len(sizes) * (2e-10 * n ** 3 + 1e-9 * n * n * n_features)
    return Estimate(parameters=n * max(sizes), widest_layer=0, seconds=seconds, memory_bytes=4 * 8.0 * n * n)


def save_state(reducer: KernelPCA, folder: Path) -> None:
    """The public fitted arrays plus the kernel centerer that `transform` needs."""
    save_attributes(reducer, public_fitted_names(reducer), folder)
    save_attributes(reducer._centerer, public_fitted_names(reducer._centerer), folder, stem="centerer")


def load_state(reducer: KernelPCA, folder: Path) -> None:
    """Restore what `save_state` wrote."""
    load_attributes(reducer, folder)
    reducer._centerer = KernelCenterer()
    load_attributes(reducer._centerer, folder, stem="centerer")


METHOD = Method(
    name="kernel_pca", label="Kernel PCA", color="#B279A2", build=build, marker="triangle-up",
    description="PCA after mapping the data through a radial-basis-function kernel, so its codes can follow curved "
                "structure; it decodes with a learned pre-image map (kernel ridge regression), which is only "
                "approximate. Its kernel grows with the square of the rows, so it fits on at most 2,000 of them.",
    settings=(
        Setting("gamma", "Kernel width γ", "float", None, "RBF kernel exp(−γ·distance²); larger values follow "
                "finer structure.", low=1e-4, high=1e3, automatic="1 / number of features"),
        Setting("alpha", "Pre-image ridge α", "float", DEFAULTS["alpha"], "Ridge penalty of the learned decoder; "
                "larger values give smoother, blurrier reconstructions.", low=1e-6, high=10.0),
    ),
    default_on=False, relative_cost=0.5, fit_group=fit_on_subsample, estimate_cost=estimate_cost, fit_note=note,
    save_state=save_state, load_state=load_state,
    # The dense eigensolver uses no random numbers; only the subsample above MAX_FIT_ROWS depends on the seed.
    deterministic=lambda n_training_rows: n_training_rows <= MAX_FIT_ROWS,
    known_check_failures={
        check: "scikit-learn's KernelPCA cannot learn its inverse transform from sparse input"
        for check in ("check_estimator_sparse_tag", "check_estimator_sparse_array", "check_estimator_sparse_matrix")})
