"""How well a reducer reconstructs and embeds held-out data."""
from __future__ import annotations

import numpy as np
from scipy.linalg import subspace_angles
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness as sklearn_trustworthiness
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.neighbors import KNeighborsClassifier

from pipelines.memory import release_freed_memory

SCORED_ROWS_AT_ONCE = 4096


def reconstruct(reducer: BaseEstimator, X: np.ndarray) -> np.ndarray:
    """Encode then decode `X`: the same line for PCA and every autoencoder."""
    return reducer.inverse_transform(reducer.transform(X))


def reconstruction_scores(X: np.ndarray, X_hat: np.ndarray) -> dict[str, float]:
    """Mean squared error and variance-weighted R² (explained variance) of a reconstruction."""
    return {"mse": float(mean_squared_error(X, X_hat)),
            "r2": float(r2_score(X, X_hat, multioutput="variance_weighted"))}


def scores_of(reducer: BaseEstimator, X: np.ndarray, rows_at_once: int = SCORED_ROWS_AT_ONCE) -> dict[str, float]:
    """`reconstruction_scores` of `reducer` on `X`, reconstructed `rows_at_once` rows at a time, so scoring 56,000
    rows holds a chunk's reconstruction, not the whole split's (and its float64 temporaries)."""
    if len(X) <= rows_at_once:
        return reconstruction_scores(X, reconstruct(reducer, X))
    X = np.asarray(X)
    mean = X.mean(axis=0, dtype=np.float64)
    residual, total = np.zeros(X.shape[1]), np.zeros(X.shape[1])  # per feature: Σ (x − x̂)², Σ (x − mean)²
    for start in range(0, len(X), rows_at_once):
        rows = np.asarray(X[start:start + rows_at_once], dtype=np.float64)
        residual += ((rows - reconstruct(reducer, rows)) ** 2).sum(axis=0)
        total += ((rows - mean) ** 2).sum(axis=0)
    release_freed_memory()  # else the chunks' freed temporaries stay resident (glibc's per-thread arenas)
    # Variance-weighted R² as scikit-learn computes it: features without variance carry no weight.
    if total.sum() > 0:
        r2 = 1.0 - residual[total > 0].sum() / total.sum()
    else:
        r2 = 1.0 if residual.sum() == 0 else 0.0
    return {"mse": float(residual.sum() / X.size), "r2": float(r2)}


def per_sample_error(X: np.ndarray, X_hat: np.ndarray) -> np.ndarray:
    """Mean squared error of each row."""
    return np.mean((np.asarray(X, dtype=np.float64) - X_hat) ** 2, axis=1)


def per_feature_error(X: np.ndarray, X_hat: np.ndarray) -> np.ndarray:
    """Mean squared error of each column."""
    return np.mean((np.asarray(X, dtype=np.float64) - X_hat) ** 2, axis=0)


def trustworthiness(X: np.ndarray, codes: np.ndarray, n_neighbors: int = 5) -> float:
    """How far nearest neighbours in the codes are also neighbours in the data (1 is perfect)."""
    n_neighbors = min(n_neighbors, (len(X) - 1) // 2)
    if n_neighbors < 1:
        return float("nan")
    return float(sklearn_trustworthiness(X, codes, n_neighbors=n_neighbors))


def knn_accuracy(codes_train: np.ndarray, y_train: np.ndarray, codes_test: np.ndarray, y_test: np.ndarray,
                 n_neighbors: int = 5) -> float:
    """Test accuracy of a k-nearest-neighbour classifier fitted on the training codes."""
    classifier = KNeighborsClassifier(n_neighbors=min(n_neighbors, len(codes_train)))
    return float(classifier.fit(codes_train, y_train).score(codes_test, y_test))


def decoder_directions(reducer: BaseEstimator) -> np.ndarray:
    """Directions (rows) in feature space spanned by a linear decoder: PCA components or the AE's kernel."""
    if isinstance(reducer, PCA):
        return reducer.components_
    kernels = [w for w in reducer.decoder_.get_weights() if w.ndim == 2]
    if len(kernels) != 1:
        raise ValueError("Principal angles need a linear decoder (an autoencoder without hidden layers).")
    return kernels[0]


def principal_angles(reference: BaseEstimator, other: BaseEstimator) -> np.ndarray:
    """Principal angles in degrees, smallest first, between the two reducers' decoder subspaces."""
    angles = subspace_angles(decoder_directions(reference).T, decoder_directions(other).T)
    return np.sort(np.degrees(angles))


def recovered_directions(linear_reducer: BaseEstimator, reference: PCA, X_train: np.ndarray) -> np.ndarray:
    """A linear AE's subspace expressed as ordered directions, sign-matched to PCA's components.

    An autoencoder's basis is any rotation of its subspace, so its directions are ordered the way PCA orders
    them: by the variance of the training data that each captures inside the autoencoder's own subspace.
    """
    basis, _ = np.linalg.qr(decoder_directions(linear_reducer).T)
    projected = (X_train - X_train.mean(axis=0)) @ basis
    _, _, rotation = np.linalg.svd(projected, full_matrices=False)
    directions = (basis @ rotation.T).T
    signs = np.sign(np.sum(directions * reference.components_[: len(directions)], axis=1))
    return directions * np.where(signs == 0, 1, signs)[:, None]
