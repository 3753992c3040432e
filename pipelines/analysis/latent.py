"""What a method's codes mean, as arrays: its 2-D code plane decoded on a grid, the decoding of each code axis,
straight lines between two samples' codes, codes shifted from a sample's, and new samples drawn from its codes.

Every function takes a fitted reducer (anything with `transform` and `inverse_transform`) and returns data in the
units the reducer was trained in; callers convert to the data's own units for display.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA

from pipelines.analysis.samplers import (
    GMM_COMPONENTS,
    GaussianSampler,
    PriorSampler,
    Sampler,
    default_sampler,
    make_sampler,
    samplers_for,
)
from pipelines.errors import InputError
from pipelines.reducers import METHODS

GRID_PERCENTILES = (1.0, 99.0)  # a grid spans the bulk of the test codes, not their outliers
PRIOR_SOURCE = PriorSampler.source
FITTED_SOURCE = GaussianSampler.source
BLEND = "blend"  # the baseline of an interpolation: the two samples mixed in data space


@dataclass(frozen=True)
class DecodedPlane:
    """A grid over a 2-code model's plane and its decoding: `decoded[i, j]` decodes (`axis_1[j]`, `axis_2[i]`)."""

    axis_1: np.ndarray  # (steps,) values of code 1, ascending
    axis_2: np.ndarray  # (steps,) values of code 2, ascending
    decoded: np.ndarray  # (steps, steps, n_features)


@dataclass(frozen=True)
class AxisSweep:
    """Each code varied alone across its range, the others held at their median: `decoded[c, s]` decodes
    `values[c, s]` on code c."""

    values: np.ndarray  # (n_codes, steps)
    decoded: np.ndarray  # (n_codes, steps, n_features)


@dataclass(frozen=True)
class Draws:
    """New samples decoded from random codes, and where the codes came from."""

    samples: np.ndarray  # (n, n_features)
    source: str  # the sampler's `source`, e.g. PRIOR_SOURCE or FITTED_SOURCE
    note: str = ""  # what fitting the sampler changed, e.g. fewer mixture components


def _span(codes: np.ndarray, steps: int) -> np.ndarray:
    """(steps, n_codes): evenly spaced values of every code from its 1st to its 99th percentile."""
    low, high = np.percentile(codes, GRID_PERCENTILES, axis=0)
    high = np.where(high > low, high, low + 1.0)  # a code that never varies still gets a visible range
    return np.linspace(low, high, steps)


def _decode(reducer: BaseEstimator, codes: np.ndarray) -> np.ndarray:
    return np.asarray(reducer.inverse_transform(np.asarray(codes, dtype=np.float64)), dtype=np.float64)


def decoded_plane(reducer: BaseEstimator, codes: np.ndarray, steps: int = 15) -> DecodedPlane:
    """A `steps` × `steps` grid over the plane of a 2-code model, spanning the 1st–99th percentile of `codes`
    (its test codes), decoded back to data."""
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"A code plane needs a model with 2 codes, not {codes.shape[-1]}.")
    span = _span(codes, steps)
    code_1, code_2 = np.meshgrid(span[:, 0], span[:, 1])  # rows follow code 2, columns code 1
    grid = np.column_stack([code_1.ravel(), code_2.ravel()])
    return DecodedPlane(span[:, 0], span[:, 1], _decode(reducer, grid).reshape(steps, steps, -1))


def axis_sweep(reducer: BaseEstimator, codes: np.ndarray, steps: int = 25) -> AxisSweep:
    """Every code varied alone across the 1st–99th percentile of `codes`, the others at their median."""
    span, middle = _span(codes, steps), np.median(codes, axis=0)
    values, decoded = [], []
    for c in range(codes.shape[1]):
        line = np.tile(middle, (steps, 1))
        line[:, c] = span[:, c]
        values.append(span[:, c])
        decoded.append(_decode(reducer, line))
    return AxisSweep(np.array(values), np.array(decoded))


def interpolation(reducer: BaseEstimator, x_start: np.ndarray, x_end: np.ndarray, steps: int = 8) -> np.ndarray:
    """(steps, n_features): the decoding of evenly spaced points on the straight line between the codes of two
    samples; the first and last rows are the two samples' reconstructions."""
    start, end = reducer.transform(np.vstack([x_start, x_end]))
    weights = np.linspace(0.0, 1.0, steps)[:, None]
    return _decode(reducer, (1 - weights) * start + weights * end)


def blend(x_start: np.ndarray, x_end: np.ndarray, steps: int = 8) -> np.ndarray:
    """(steps, n_features): the plain blend of two samples in data space, the baseline for interpolations."""
    weights = np.linspace(0.0, 1.0, steps)[:, None]
    return (1 - weights) * np.asarray(x_start, dtype=np.float64) + weights * np.asarray(x_end, dtype=np.float64)


def code_spread(reducer: BaseEstimator, X_train: np.ndarray) -> np.ndarray:
    """(n_codes,): the standard deviation of every code over the training rows, the unit of `shifted`."""
    spread = reducer.transform(X_train).std(axis=0)
    return np.where(spread > 0, spread, 1.0)


def shifted(reducer: BaseEstimator, x: np.ndarray, shifts: Sequence[float], spread: np.ndarray) -> np.ndarray:
    """(n_features,): the decoding of sample `x`'s codes with code i moved by `shifts[i]` times `spread[i]`
    (missing shifts are 0)."""
    codes = reducer.transform(np.asarray(x)[None, :])[0]
    moves = np.zeros_like(codes)
    moves[:len(shifts)] = np.asarray(shifts, dtype=np.float64)[:len(codes)]
    return _decode(reducer, (codes + moves * spread)[None, :])[0]


def fitted_sampler(method: str, reducer: BaseEstimator, X_train: np.ndarray, sampler: str,
                   gmm_components: int = GMM_COMPONENTS) -> Sampler:
    """Sampler `sampler` fitted to `reducer`'s codes of the training rows; raises InputError for a prior asked of a
    method without one, ValueError for codes that are not finite."""
    if sampler not in samplers_for(method):
        raise InputError(f"{METHODS[method].label} has no prior to sample from; choose from "
                         f"{', '.join(samplers_for(method))}.")
    return make_sampler(sampler, gmm_components).fit(reducer.transform(X_train))


def decode_draws(reducer: BaseEstimator, sampler: Sampler, n: int, seed: int = 0) -> np.ndarray:
    """(n, n_features): `n` codes from a fitted sampler, decoded; the same for the same `seed`."""
    return _decode(reducer, sampler.sample(n, seed))


def draws(method: str, reducer: BaseEstimator, X_train: np.ndarray, n: int, seed: int = 0,
          sampler: str | None = None, gmm_components: int = GMM_COMPONENTS) -> Draws:
    """`n` new samples, the same for the same `seed`, decoded from codes of `sampler` (see
    `pipelines.analysis.samplers`); by default a generative method (the VAE) draws from its prior, any other from
    a Gaussian fitted to its training codes (mean and full covariance)."""
    fitted = fitted_sampler(method, reducer, X_train, sampler or default_sampler(method), gmm_components)
    return Draws(decode_draws(reducer, fitted, n, seed), fitted.source, fitted.note_)


def on_data_plane(reference: np.ndarray, arrays: Mapping[str, np.ndarray]
                  ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """`reference` rows and every array's rows projected on the first two principal components of `reference`,
    so that generated tabular samples can be drawn among real ones."""
    plane = PCA(n_components=2, svd_solver="full").fit(reference)
    return plane.transform(reference), {name: plane.transform(rows) for name, rows in arrays.items()}


def decoded_frame(decoded: Mapping[str, np.ndarray], feature_names: Sequence[str],
                  index: Mapping[str, Mapping[str, np.ndarray]]) -> pd.DataFrame:
    """Decoded arrays as one tidy CSV-ready frame: "method", then each method's `index` columns (e.g. its code
    values), then one column per feature, a row per decoded sample."""
    frames = []
    for method, rows in decoded.items():
        frame = pd.DataFrame(np.asarray(rows).reshape(-1, len(feature_names)), columns=list(feature_names))
        for position, (name, values) in enumerate(index[method].items()):
            frame.insert(position, name, np.asarray(values).ravel())
        frame.insert(0, "method", method)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
