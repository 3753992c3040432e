"""Training diagnostics: from tidy scores, where an autoencoder diverged, fell short of PCA where theory says it
cannot, or overfits. Plain data only; the dashboard words the findings and studies count divergence by the same
rule."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.reducers import METHODS, REFERENCE

# A linear decoder can at best match PCA (Eckart–Young); a converged linear AE lands within 1% of it on held-out data,
# so 3% leaves room for the noise of a test split and more means it has not converged. Overfitting is a test error
# half again the training error, and at least 30% more of a gap than PCA shows at the same size: PCA has few
# parameters, so its gap is what the split alone causes.
LINEAR_TOLERANCE = 1.03
OVERFIT_RATIO = 1.5
OVERFIT_MARGIN = 1.3


@dataclass(frozen=True)
class Diverged:
    """`method` diverged or never learned at `bottlenecks`: an error is not finite or a test R² is below 0."""

    method: str
    bottlenecks: tuple[int, ...]
    lowest_test_r2: float | None  # the lowest test R² below 0 at those sizes; None when only an error was not finite


@dataclass(frozen=True)
class ShortOfPca:
    """`method`, whose decoder is linear, has a test MSE more than `LINEAR_TOLERANCE` times PCA's at `bottlenecks`."""

    method: str
    bottlenecks: tuple[int, ...]
    largest_ratio: float  # the largest test MSE over PCA's at those sizes


@dataclass(frozen=True)
class Overfit:
    """`method`'s test MSE is over `OVERFIT_RATIO` times its training MSE at `bottlenecks`, and over `OVERFIT_MARGIN`
    times PCA's ratio where PCA has one."""

    method: str
    bottlenecks: tuple[int, ...]
    largest_ratio: float  # the largest test MSE over training MSE at those sizes
    reference_ratio: float | None  # PCA's largest such ratio at those sizes; None where PCA was not trained
    worse_than_pca: bool  # whether its test MSE is above PCA's at any of those sizes


Finding = Diverged | ShortOfPca | Overfit


def per_size(scores: pd.DataFrame) -> pd.DataFrame:
    """Tidy scores as one row per (method, bottleneck), the mean over repeats: columns test_mse, train_mse, test_r2,
    train_r2."""
    wide = scores.pivot_table(index=["method", "bottleneck"], columns="split", values=["mse", "r2"], sort=False,
                              dropna=False)
    wide.columns = [f"{split}_{metric}" for metric, split in wide.columns]
    return wide


def diverged(rows: pd.DataFrame) -> pd.Series:
    """Which rows of `per_size` diverged: an error not finite, or a test R² below 0 (worse than the mean sample)."""
    return ~np.isfinite(rows).all(axis=1) | (rows["test_r2"] < 0)


def run_diverged(scores: pd.DataFrame) -> bool:
    """Whether a run (its tidy scores, both splits) diverged at any of its sizes, by the rule of `diverged`."""
    return bool(diverged(per_size(scores)).any())


def _sizes(rows: pd.Series | pd.DataFrame) -> tuple[int, ...]:
    return tuple(int(k) for k in rows.index)


def training_findings(scores: pd.DataFrame) -> list[Finding]:
    """What went wrong in training, per autoencoder (methods trained by gradient descent), in the order of the
    scores: divergence, falling short of PCA where theory says it cannot (linear decoders), or overfitting."""
    wide = per_size(scores)
    methods = wide.index.get_level_values("method").unique()
    reference = wide.loc[REFERENCE] if REFERENCE in methods else pd.DataFrame(columns=wide.columns, dtype=float)
    findings: list[Finding] = []
    for method in methods:
        entry = METHODS[method]
        if not entry.trained_by_gradient:
            continue
        rows = wide.loc[method]
        failed = diverged(rows)
        if failed.any():
            negative = rows.loc[failed, "test_r2"][rows.loc[failed, "test_r2"] < 0]  # NaN compares False
            findings.append(Diverged(method, _sizes(rows[failed]), float(negative.min()) if len(negative) else None))
        rows = rows[~failed]
        pca = reference.reindex(rows.index)
        above = rows["test_mse"] / pca["test_mse"]  # NaN where PCA was not trained at that size
        short = above[above > LINEAR_TOLERANCE]
        if entry.linear_decoder and len(short):
            findings.append(ShortOfPca(method, _sizes(short), float(short.max())))
        ratio, reference_ratio = rows["test_mse"] / rows["train_mse"], pca["test_mse"] / pca["train_mse"]
        overfit = (ratio > OVERFIT_RATIO) & (ratio > OVERFIT_MARGIN * reference_ratio.fillna(1.0))
        if overfit.any():
            pca_ratio = reference_ratio[overfit]
            findings.append(Overfit(method, _sizes(ratio[overfit]), float(ratio[overfit].max()),
                                    None if pca_ratio.isna().all() else float(pca_ratio.max()),
                                    bool((above[overfit] > 1).any())))
    return findings
