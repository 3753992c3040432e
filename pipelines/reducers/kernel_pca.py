"""Kernel PCA: PCA in the feature space of an RBF kernel, decoded by a learned pre-image map.

This module is the whole method: the estimator, its settings, how a group of sizes shares one fit, what that
costs, and how its fitted state is saved. Exact kernel PCA needs the n×n kernel of the training rows, which grows
with the square of the rows, so above MAX_FIT_ROWS rows the `approximation` setting chooses how to stay small:

- "subsample" (the default): exact kernel PCA, as `sklearn.decomposition.KernelPCA` computes it, on a seeded random
  MAX_FIT_ROWS of the rows;
- "nystroem": the Nyström approximation, as `sklearn.kernel_approximation.Nystroem` computes it: the kernel against
  a seeded random MAX_FIT_ROWS "landmark" rows, then PCA of those features over every training row.
Measured on fashion-mnist (56,000 training rows, sizes 1 to 32) both reach the same held-out error (0.0130 and
0.0131 at 32 codes) and the subsample's fit costs a quarter of Nyström's, so it is the default.

Up to MAX_FIT_ROWS rows both are exact kernel PCA of every row. Either way a row's codes are its kernel against at
most MAX_FIT_ROWS rows, centred and projected, `(k(x, basis) − means) @ directions`, so encoding costs the same. The
decoder is scikit-learn's learned pre-image map, kernel ridge regression from the codes back to the data, fitted on
the same rows, with an RBF width set by the codes' own spread (scikit-learn reuses the data's width on the codes,
whose scale is unrelated, and on fashion-mnist that doubles the error at 32 codes). The sizes of a sweep share one
kernel and one eigendecomposition: a model of k codes keeps the first k directions.
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real
from typing import Mapping, Sequence

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from pipelines.reducers.cost import FLOPS_PER_SECOND, Estimate
from pipelines.reducers.method import FitControl, Method
from pipelines.reducers.settings import Setting

MAX_FIT_ROWS = 2000  # landmarks (Nyström) or fitted rows (subsample): the basis every row is compared with
APPROXIMATIONS = ("subsample", "nystroem")
ROWS_AT_ONCE = 4096  # rows whose kernel against the basis is held at once (4096 × 2000 float32: 33 MB)
MAX_RANDOM_STATE = 2**32 - 1
# Eigenvalues of the landmarks' kernel below this fraction of the largest are dropped: float32 kernels carry errors of
# about 1e-7, which W^(-1/2) would blow up into noise directions that PCA then picks.
NYSTROEM_RCOND = 1e-6


def fit_rows(n_rows: int, random_state: int) -> np.ndarray:
    """The rows the basis is taken from: all of them, or a seeded random MAX_FIT_ROWS, in order."""
    if n_rows <= MAX_FIT_ROWS:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(random_state).choice(n_rows, MAX_FIT_ROWS, replace=False))


def rbf(A: np.ndarray, B: np.ndarray, gamma: float) -> np.ndarray:
    """exp(−γ·‖a − b‖²) for every row a of `A` and b of `B`, in their dtype, a block of rows at a time."""
    out = np.empty((len(A), len(B)), dtype=A.dtype)
    b_norms = np.einsum("ij,ij->i", B, B)
    for start in range(0, len(A), ROWS_AT_ONCE):
        block = A[start:start + ROWS_AT_ONCE]
        distances = out[start:start + ROWS_AT_ONCE]
        np.matmul(block, B.T, out=distances)
        distances *= -2.0
        distances += np.einsum("ij,ij->i", block, block)[:, None]
        distances += b_norms[None, :]
        np.maximum(distances, 0.0, out=distances)  # rounding can leave tiny negatives
        distances *= -gamma
        np.exp(distances, out=distances)
    return out


def _signs_fixed(directions: np.ndarray) -> np.ndarray:
    """Each column flipped so that its largest entry is positive: one answer whatever sign the solver returns."""
    largest = directions[np.argmax(np.abs(directions), axis=0), np.arange(directions.shape[1])]
    return directions * np.where(largest < 0, -1.0, 1.0)


def _top_eigenvectors(matrix: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The `n` largest eigenvalues of a symmetric matrix, largest first, and their eigenvectors."""
    size = len(matrix)
    values, vectors = linalg.eigh(matrix, subset_by_index=(size - n, size - 1))
    return values[::-1], _signs_fixed(vectors[:, ::-1])


@dataclass(frozen=True)
class Encoder:
    """What every size of a sweep shares: the basis rows, the kernel's centring and the directions, most first."""

    gamma: float
    basis: np.ndarray  # (m, n_features)
    means: np.ndarray  # (m,) the mean kernel against each basis row, over the rows kernel PCA was fitted on
    directions: np.ndarray  # (m, n_directions)

    def codes(self, X: np.ndarray, k: int) -> np.ndarray:
        """The first `k` codes of `X`."""
        return (rbf(X, self.basis, self.gamma) - self.means) @ self.directions[:, :k]


def _subsample_encoder(X: np.ndarray, rows: np.ndarray, gamma: float, n_directions: int) -> Encoder:
    """Exact kernel PCA of `X[rows]`: eigenvectors of the doubly centred kernel, scaled by 1/√eigenvalue."""
    basis = X[rows]
    kernel = rbf(basis, basis, gamma).astype(np.float64)
    means = kernel.mean(axis=0)
    centred = kernel - means[None, :] - means[:, None] + means.mean()
    values, vectors = _top_eigenvectors(centred, n_directions)
    # a direction without variance (fewer rows than codes) gives the code 0 instead of dividing by 0
    scale = np.divide(1.0, np.sqrt(values), out=np.zeros_like(values), where=values > values[0] * 1e-12)
    return Encoder(gamma, basis, means.astype(X.dtype), (vectors * scale).astype(X.dtype))


def _nystroem_encoder(X: np.ndarray, rows: np.ndarray, gamma: float, n_directions: int) -> Encoder:
    """Kernel PCA of every row of `X` under the Nyström approximation with landmarks `X[rows]`: the features
    k(x, L)·W^(−1/2) (W the landmarks' kernel) and the leading eigenvectors of their covariance."""
    landmarks = X[rows]
    values, vectors = linalg.eigh(rbf(landmarks, landmarks, gamma).astype(np.float64))
    kept = values > values[-1] * NYSTROEM_RCOND
    whitening = vectors[:, kept] / np.sqrt(values[kept])  # W^(−1/2) on the kept eigenvectors, then rotated back
    whitening = whitening @ vectors[:, kept].T
    sums, products = np.zeros(len(rows)), np.zeros((len(rows), len(rows)))
    for start in range(0, len(X), ROWS_AT_ONCE):  # the covariance of k(x, L) without holding all of it
        kernel = rbf(X[start:start + ROWS_AT_ONCE], landmarks, gamma)
        sums += kernel.sum(axis=0, dtype=np.float64)
        products += kernel.T @ kernel
    means = sums / len(X)
    covariance = whitening @ (products / len(X) - np.outer(means, means)) @ whitening
    _, directions = _top_eigenvectors(covariance, n_directions)
    return Encoder(gamma, landmarks, means.astype(X.dtype), (whitening @ directions).astype(X.dtype))


def fit_encoder(X: np.ndarray, approximation: str, gamma: float, n_directions: int, random_state: int) -> Encoder:
    """The shared part of kernel PCA fits of up to `n_directions` codes on `X`."""
    rows = fit_rows(len(X), random_state)
    n_directions = min(n_directions, len(rows))
    if approximation == "subsample" or len(rows) == len(X):
        return _subsample_encoder(X, rows, gamma, n_directions)
    return _nystroem_encoder(X, rows, gamma, n_directions)


class RBFKernelPCA(TransformerMixin, BaseEstimator):
    """Kernel PCA with an RBF kernel, exact up to MAX_FIT_ROWS rows and approximated above (see the module), and a
    learned pre-image map as `inverse_transform`."""

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "approximation": [StrOptions(set(APPROXIMATIONS))],
        "gamma": [Interval(Real, 0, None, closed="neither"), None],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "random_state": [Interval(Integral, 0, MAX_RANDOM_STATE, closed="both")],
    }

    def __init__(self, n_components: int = 2, *, approximation: str = "subsample", gamma: float | None = None,
                 alpha: float = 0.01, random_state: int = 0):
        self.n_components = n_components
        self.approximation = approximation
        self.gamma = gamma
        self.alpha = alpha
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> "RBFKernelPCA":
        """Fit the codes and the decoder on `X` (labels are ignored)."""
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        gamma = self.gamma if self.gamma is not None else 1.0 / X.shape[1]
        self._fit_from(fit_encoder(X, self.approximation, gamma, self.n_components, self.random_state), X)
        return self

    def _fit_from(self, encoder: Encoder, X: np.ndarray) -> None:
        """Keep the first n_components directions of a shared `encoder` and fit the decoder on its basis rows."""
        self.gamma_ = encoder.gamma
        self.basis_, self.kernel_means_ = encoder.basis, encoder.means
        self.directions_ = encoder.directions[:, :self.n_components]
        codes = self._codes(self.basis_).astype(np.float64)  # large ridge weights need float64 to cancel exactly
        spread = 2.0 * float(np.sum(np.var(codes, axis=0, dtype=np.float64)))  # mean ‖z − z'‖² between codes
        self.decoder_gamma_ = 1.0 / spread if spread > 0 else 1.0
        kernel = rbf(codes, codes, self.decoder_gamma_).astype(np.float64)
        kernel.flat[::len(kernel) + 1] += self.alpha
        self.decoder_centres_ = codes
        self.decoder_weights_ = linalg.solve(kernel, self.basis_.astype(np.float64), assume_a="pos")

    def _codes(self, X: np.ndarray) -> np.ndarray:
        return (rbf(X, self.basis_, self.gamma_) - self.kernel_means_) @ self.directions_

    def transform(self, X) -> np.ndarray:
        """Codes of `X`."""
        check_is_fitted(self, "directions_")
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self._codes(X.astype(self.basis_.dtype, copy=False)).astype(np.float64)

    def inverse_transform(self, X) -> np.ndarray:
        """Rows in feature space decoded from the codes `X` (approximate: a learned pre-image)."""
        check_is_fitted(self, "decoder_weights_")
        codes = np.asarray(X, dtype=np.float64)
        if codes.ndim != 2 or codes.shape[1] != self.decoder_centres_.shape[1]:
            raise ValueError(f"Expected codes of shape (n_samples, {self.decoder_centres_.shape[1]}), got "
                             f"{codes.shape}.")
        return rbf(codes, self.decoder_centres_, self.decoder_gamma_) @ self.decoder_weights_


def build(n_components: int, **params) -> RBFKernelPCA:
    """Unfitted kernel PCA; `params` override the defaults."""
    return RBFKernelPCA(n_components=n_components, **params)


def fit_shared(reducers: Sequence[RBFKernelPCA], X: np.ndarray, control: FitControl) -> None:
    """Fit every size from one kernel and one eigendecomposition, made for the largest size."""
    for reducer in reducers:  # each refuses bad parameters or data, and learns the number of features
        reducer._validate_params()
        X = validate_data(reducer, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
    widest = max(reducers, key=lambda r: r.n_components)
    gamma = widest.gamma if widest.gamma is not None else 1.0 / X.shape[1]
    encoder = fit_encoder(X, widest.approximation, gamma, widest.n_components, widest.random_state)
    control.report(0.5, "kernel and its eigenvectors done")
    for i, reducer in enumerate(reducers):
        control.stop_if_asked()
        reducer._fit_from(encoder, X)
        control.report(0.5 + 0.5 * (i + 1) / len(reducers), f"bottleneck {reducer.n_components} done")


def note(n_training_rows: int) -> str | None:
    """How fitting departs from a plain fit on every training row."""
    if n_training_rows <= MAX_FIT_ROWS:
        return None
    return (f"Kernel PCA compares every row with a random {MAX_FIT_ROWS:,} of the {n_training_rows:,} training rows "
            "(its exact kernel matrix would grow with the square of the rows): by default exact kernel PCA of those "
            "rows alone; its settings offer them as the landmarks of a Nyström approximation fitted on every row.")


def estimate_cost(params: Mapping[str, object], n_rows: int, n_features: int, sizes: Sequence[int]) -> Estimate:
    """The basis's kernel and eigendecomposition (for Nyström also every row's kernel against the landmarks and
    their covariance), once for all sizes, then a kernel ridge solve per size."""
    m = min(n_rows, MAX_FIT_ROWS)
    operations = 2.0 * m * m * n_features + 10.0 * m ** 3 + len(sizes) * (m ** 3 / 3 + 2.0 * m * m * n_features)
    memory = 4 * 8.0 * m * m
    if params.get("approximation") == "nystroem" and n_rows > m:
        operations += 2.0 * n_rows * m * n_features + 2.0 * n_rows * m * m + 10.0 * m ** 3
        memory += 4.0 * ROWS_AT_ONCE * m
    return Estimate(parameters=m * (n_features + max(sizes)), widest_layer=0, seconds=operations / FLOPS_PER_SECOND,
                    memory_bytes=memory)


METHOD = Method(
    name="kernel_pca", label="Kernel PCA", color="#B279A2", build=build, marker="triangle-up",
    description="PCA after mapping the data through a radial-basis-function kernel, so its codes can follow curved "
                "structure; it decodes with a learned pre-image map (kernel ridge regression), which is only "
                f"approximate. Its kernel grows with the square of the rows, so above {MAX_FIT_ROWS:,} rows it "
                f"compares every row with {MAX_FIT_ROWS:,} random ones: by default exact kernel PCA of those rows "
                "alone, or the Nyström approximation fitted on every row.",
    settings=(
        Setting("approximation", f"Above {MAX_FIT_ROWS:,} rows", "choice", "subsample",
                f"subsample: exact kernel PCA of {MAX_FIT_ROWS:,} random training rows. nystroem: kernel PCA of "
                f"every training row, its kernel approximated through {MAX_FIT_ROWS:,} random landmark rows "
                f"(Nyström; slower to fit, and on fashion-mnist no better). Both cost the same to encode; up to "
                f"{MAX_FIT_ROWS:,} rows both are exact.",
                choices=APPROXIMATIONS),
        Setting("gamma", "Kernel width γ", "float", None, "RBF kernel exp(−γ·distance²); larger values follow "
                "finer structure.", low=1e-4, high=1e3, automatic="1 / number of features"),
        Setting("alpha", "Pre-image ridge α", "float", 0.01, "Ridge penalty of the learned decoder; "
                "larger values give smoother, blurrier reconstructions.", low=1e-6, high=10.0),
    ),
    default_on=False, relative_cost=0.5, fit_group=fit_shared, estimate_cost=estimate_cost, fit_note=note,
    # Up to MAX_FIT_ROWS rows every row is in the basis, in order, and the solvers use no random numbers; above it
    # the basis rows depend on the seed, under either approximation.
    deterministic=lambda n_training_rows: n_training_rows <= MAX_FIT_ROWS)
