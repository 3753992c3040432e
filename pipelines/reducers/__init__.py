"""The reducer registry: every method is a scikit-learn transformer with `inverse_transform`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sklearn.base import BaseEstimator

from pipelines.errors import InputError
from pipelines.reducers import linear_ae, nonlinear_ae, pca
from pipelines.reducers.autoencoder import Autoencoder


@dataclass(frozen=True)
class Method:
    """A registered dimensionality reducer."""

    name: str
    label: str
    color: str  # one colour per method on every page
    build: Callable[..., BaseEstimator]
    description: str
    relative_cost: float  # rough training time relative to a linear autoencoder, for progress bars
    trained_by_gradient: bool  # fitted models have a loss history (history_, n_epochs_, best_epoch_)


METHODS: dict[str, Method] = {m.name: m for m in [
    Method("pca", "PCA", "#4C78A8", pca.build, pca.__doc__, 0.05, False),
    Method("linear_ae", "Linear AE", "#F58518", linear_ae.build, linear_ae.__doc__, 1.0, True),
    Method("nonlinear_ae", "Nonlinear AE", "#54A24B", nonlinear_ae.build, nonlinear_ae.__doc__, 2.0, True),
]}


def make_reducer(method: str, n_components: int, **params) -> BaseEstimator:
    """An unfitted reducer for `method` with `n_components` codes; `params` override its defaults."""
    if method not in METHODS:
        raise InputError(f"Unknown method {method!r}; choose from {', '.join(METHODS)}.")
    return METHODS[method].build(n_components, **params)


__all__ = ["Autoencoder", "METHODS", "Method", "make_reducer"]
