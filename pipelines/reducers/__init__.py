"""The method registry: the single source of truth about every method. A method is one module defining `METHOD`
(see pca.py for the smallest) and one line in `_MODULES` below."""
from __future__ import annotations

from sklearn.base import BaseEstimator

from pipelines.errors import InputError
from pipelines.reducers import aae, conv_ae, denoising_ae, kernel_pca, linear_ae, nonlinear_ae, pca, vae
from pipelines.reducers.autoencoder import Autoencoder
from pipelines.reducers.method import FitControl, Method
from pipelines.reducers.settings import Setting

_MODULES = [pca, linear_ae, nonlinear_ae, kernel_pca, vae, aae, conv_ae, denoising_ae]
METHODS: dict[str, Method] = {module.METHOD.name: module.METHOD for module in _MODULES}
REFERENCE = "pca"  # the method every other is compared against (Eckart–Young)


def make_reducer(method: str, n_components: int, **params) -> BaseEstimator:
    """An unfitted reducer for `method` with `n_components` codes; `params` override its defaults."""
    if method not in METHODS:
        raise InputError(f"Unknown method {method!r}; choose from {', '.join(METHODS)}.")
    return METHODS[method].build(n_components, **params)


__all__ = ["Autoencoder", "FitControl", "METHODS", "Method", "REFERENCE", "Setting", "make_reducer"]
