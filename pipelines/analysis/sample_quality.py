"""How close generated samples are to real ones, in a feature space: the Fréchet distance between two Gaussians
fitted to the features (Heusel et al. 2017's FID when the features are an image classifier's), and precision,
recall, density and coverage from k-nearest-neighbour balls (Kynkäänniemi et al. 2019; Naeem et al. 2020, through
their authors' `prdc` package)."""
from __future__ import annotations

import contextlib
import io
import threading

import numpy as np
import pandas as pd
from prdc import compute_prdc

from pipelines.analysis.samplers import SAMPLERS
from pipelines.errors import InputError
from pipelines.reducers import METHODS

NEIGHBOURS = 5  # k of the k-nearest-neighbour balls, Naeem et al.'s recommendation
METRICS = ("fd", "precision", "recall", "density", "coverage")
LOWER_IS_BETTER = {"fd"}
_QUIET = threading.Lock()  # one silenced call at a time, so no thread restores another's swapped-out stdout
METRIC_LABELS = {"fd": "Fréchet distance", "precision": "precision", "recall": "recall", "density": "density",
                 "coverage": "coverage"}


def _features(rows: np.ndarray, what: str) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float64)
    if rows.ndim != 2:
        raise InputError(f"The {what} features must be a table of rows, not an array of shape {rows.shape}.")
    if not np.isfinite(rows).all():
        raise ValueError(f"the {what} features are not finite numbers (a diverged model decodes to NaN)")
    return rows


def _matrix_root(symmetric: np.ndarray) -> np.ndarray:
    """The square root of a symmetric positive semi-definite matrix; rounding's tiny negative eigenvalues count as 0."""
    values, vectors = np.linalg.eigh((symmetric + symmetric.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(real: np.ndarray, fake: np.ndarray) -> float:
    """‖μ_r − μ_f‖² + tr(Σ_r + Σ_f − 2 (Σ_r Σ_f)^½) between Gaussians fitted to two sets of feature rows."""
    real, fake = _features(real, "real"), _features(fake, "generated")
    if len(real) < 2 or len(fake) < 2 or real.shape[1] != fake.shape[1]:
        raise InputError(f"A Fréchet distance needs at least 2 rows of the same features on each side, not "
                         f"{real.shape} and {fake.shape}.")
    mean_gap = real.mean(axis=0) - fake.mean(axis=0)
    cov_real = np.atleast_2d(np.cov(real, rowvar=False))
    cov_fake = np.atleast_2d(np.cov(fake, rowvar=False))
    # tr((Σ_r Σ_f)^½) = tr((Σ_r^½ Σ_f Σ_r^½)^½): a symmetric matrix, whose root is real and stable even where the
    # covariances are singular (more features than rows, or a sampler that repeats itself); scipy's sqrtm of the
    # non-symmetric product returns complex noise there.
    root_real = _matrix_root(cov_real)
    cross = np.trace(_matrix_root(root_real @ cov_fake @ root_real))
    distance = mean_gap @ mean_gap + np.trace(cov_real) + np.trace(cov_fake) - 2.0 * cross
    return float(max(distance, 0.0))


def precision_recall_density_coverage(real: np.ndarray, fake: np.ndarray, k: int = NEIGHBOURS) -> dict[str, float]:
    """Precision (share of generated rows inside some real row's k-NN ball), recall (share of real rows inside some
    generated row's ball), density (generated rows' mean count of real balls holding them, over k) and coverage
    (share of real balls holding a generated row)."""
    real, fake = _features(real, "real"), _features(fake, "generated")
    needed = 2 * k + 1
    if len(real) < needed or len(fake) < needed:
        raise InputError(f"Precision, recall, density and coverage with k = {k} neighbours need at least {needed} "
                         f"real and {needed} generated rows, not {len(real)} and {len(fake)}; use more test rows "
                         "or samples.")
    if real.shape[1] != fake.shape[1]:
        raise InputError(f"Real and generated rows must have the same features, not {real.shape[1]} and "
                         f"{fake.shape[1]}.")
    with _QUIET, contextlib.redirect_stdout(io.StringIO()):  # the package prints the row counts on every call
        scores = compute_prdc(real_features=real, fake_features=fake, nearest_k=k)
    return {name: float(scores[name]) for name in ("precision", "recall", "density", "coverage")}


def sample_quality(real: np.ndarray, fake: np.ndarray, k: int = NEIGHBOURS) -> dict[str, float]:
    """Every metric of `METRICS` between real and generated feature rows."""
    return {"fd": frechet_distance(real, fake), **precision_recall_density_coverage(real, fake, k)}


def summarised(rows: pd.DataFrame) -> pd.DataFrame:
    """Per method and sampler (in the rows' order): the repeats, and the mean and standard deviation (NaN for one
    repeat) of every metric, as `METRIC` and `METRIC_sd` columns."""
    grouped = rows.groupby(["method", "sampler"], sort=False)[list(METRICS)]
    means, spreads = grouped.mean(), grouped.std().add_suffix("_sd")
    return pd.concat([grouped.size().rename("repeats"), means, spreads], axis=1).reset_index()


def best_rows(summary: pd.DataFrame) -> dict[str, int]:
    """For every metric, the row of `summary` with the best mean (lowest Fréchet distance, highest of the others;
    density is best nearest 1, where generated rows sit in real balls as often as real rows do)."""
    best = {}
    for metric in METRICS:
        values = summary[metric]
        if metric == "density":
            values = -(values - 1).abs()
        best[metric] = int(values.idxmin() if metric in LOWER_IS_BETTER else values.idxmax())
    return best


def cell_label(method: str, sampler: str) -> str:
    """"Nonlinear AE + Gaussian mixture": a method and the sampler its codes came from."""
    return f"{METHODS[method].label} + {SAMPLERS[sampler].label}"


def verdicts(summary: pd.DataFrame) -> dict[str, str]:
    """One sentence per method of `summarised` rows: its best sampler by Fréchet distance, how that compares with
    the best cell of the table and with its other samplers, and what precision and recall say about its samples."""
    overall = summary.loc[summary["fd"].idxmin()]
    sentences = {}
    for method, cells in summary.groupby("method", sort=False):
        best = cells.loc[cells["fd"].idxmin()]
        if best.name == overall.name:
            parts = ["the samples closest to the data here"]
        elif best["fd"] <= 1.15 * overall["fd"]:
            parts = [f"samples about as close to the data as {cell_label(overall['method'], overall['sampler'])}'s"]
        else:
            parts = [f"a Fréchet distance {best['fd'] / overall['fd']:.1f}× the best here"]
        if best["precision"] < 0.5:
            parts.append("low precision: many samples look like no real row (blur, or points off the data)")
        if best["recall"] < 0.5:
            parts.append("low recall: the samples miss much of the data's variety")
        others = cells[cells.index != best.name]
        if len(others):
            # against its own prior when it has one (Ghosh et al.'s question), else against its next best sampler
            prior = others[others["sampler"] == "prior"]
            runner = prior.iloc[0] if len(prior) else others.loc[others["fd"].idxmin()]
            other = SAMPLERS[runner["sampler"]].source
            ratio = runner["fd"] / best["fd"] if best["fd"] > 0 else np.inf
            parts.append(f"a distance {ratio:.1f}× lower than with {other}" if ratio >= 1.15
                         else f"{other} does about as well")
        sentences[method] = f"{cell_label(method, best['sampler'])}: {'; '.join(parts)}."
    return sentences
