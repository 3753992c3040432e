"""Repeats over training seeds: the spread of every score, and whether a method beats the reference by more than
luck (a paired comparison across repeats, per bottleneck)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

GROUP = ["method", "bottleneck", "split", "split_seed"]
MAX_REPEATS = 10  # per run, in the dashboard and the command line
MAX_SEED = 2**31 - 1 - MAX_REPEATS  # TensorFlow's stateless random ops take 32-bit seeds; repeats count up from one
MIN_REPEATS_FOR_TEST = 5  # below this a signed-rank test cannot reach p < 0.05 however clear the result


def training_seeds(first: int, repeats: int) -> tuple[int, ...]:
    """The training seeds of `repeats` repeats starting at `first`: first, first + 1, ..."""
    return tuple(range(int(first), int(first) + int(repeats)))


def summarise(scores: pd.DataFrame) -> pd.DataFrame:
    """Per method × bottleneck × split × split seed: the number of repeats and the mean, standard deviation
    (with n - 1; 0 for one repeat), minimum and maximum of MSE and R² over them."""
    grouped = scores.groupby(GROUP, sort=False)[["mse", "r2"]]
    summary = grouped.agg(["mean", "std", "min", "max"])
    summary.columns = [f"{metric}_{statistic}" for metric, statistic in summary.columns]
    summary = summary.fillna({"mse_std": 0.0, "r2_std": 0.0})
    summary.insert(0, "repeats", grouped.size())
    return summary.reset_index()


@dataclass(frozen=True)
class Verdict:
    """How a method compared with the reference at one bottleneck, paired repeat by repeat on test MSE."""

    method: str
    bottleneck: int
    wins: int  # repeats with a lower test MSE than the reference's on the same split
    repeats: int
    p_value: float | None  # one-sided Wilcoxon signed-rank, None with fewer than MIN_REPEATS_FOR_TEST repeats
    median_ratio: float  # of the method's test MSE to the reference's

    def sentence(self, label: str, reference_label: str) -> str:
        """E.g. "At k = 4 Nonlinear AE beat PCA in 5 of 5 repeats (median MSE 0.62× PCA's; Wilcoxon
        signed-rank p = 0.031)."""
        verb = "beat" if self.wins else "never beat"
        count = f" in {self.wins} of {self.repeats} repeats" if self.wins else f" in {self.repeats} repeats"
        if self.p_value is None:
            test = f"; too few repeats for a test, {MIN_REPEATS_FOR_TEST} are needed"
        else:
            test = f"; Wilcoxon signed-rank p = {self.p_value:.2g}, one-sided"
        return (f"At k = {self.bottleneck} {label} {verb} {reference_label}{count} (median test MSE "
                f"{self.median_ratio:.2f}× {reference_label}'s{test}).")


def paired_verdicts(scores: pd.DataFrame, method: str, reference: str) -> list[Verdict]:
    """For every bottleneck both methods were scored at: how often `method`'s test MSE was below `reference`'s,
    repeat by repeat (a repeat is paired with the reference on its own split), and a one-sided Wilcoxon
    signed-rank test of the differences when there are enough repeats."""
    test = scores[scores["split"] == "test"]
    ours = test[test["method"] == method]
    theirs = test[test["method"] == reference].groupby(["bottleneck", "split_seed"])["mse"].mean()
    verdicts = []
    for k, rows in ours.groupby("bottleneck"):
        paired = rows.join(theirs.rename("reference"), on=["bottleneck", "split_seed"]).dropna(subset=["reference"])
        if paired.empty:
            continue
        differences = (paired["mse"] - paired["reference"]).to_numpy()
        p_value = None
        if len(paired) >= MIN_REPEATS_FOR_TEST:
            p_value = 1.0 if not differences.any() else float(
                stats.wilcoxon(differences, alternative="less", zero_method="zsplit").pvalue)
        verdicts.append(Verdict(method, int(k), int((differences < 0).sum()), len(paired), p_value,
                                float(np.median(paired["mse"] / paired["reference"]))))
    return verdicts
