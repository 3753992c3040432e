"""Repeats: the same run under several training seeds (and, for repeated hold-out, on several splits), the spread
of every score, and whether a method beats the reference by more than luck (a paired comparison across repeats,
per bottleneck, corrected for the number of tests shown together)."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from pipelines.errors import InputError
from pipelines.reducers import METHODS

GROUP = ["method", "bottleneck", "split", "split_seed"]
MAX_REPEATS = 10  # per run, in the dashboard and the command line
MAX_SEED = 2**31 - 1 - MAX_REPEATS  # TensorFlow's stateless random ops take 32-bit seeds; repeats count up from one
MAX_SPLIT_SEED = 2**32 - 1  # what the split (scikit-learn's train_test_split) accepts
MIN_REPEATS_FOR_TEST = 5  # below this a signed-rank test cannot reach p < 0.05 however clear the result
SIGNIFICANCE = 0.05


def training_seeds(first: int, repeats: int) -> tuple[int, ...]:
    """The training seeds of `repeats` repeats starting at `first`: first, first + 1, ..."""
    return tuple(range(int(first), int(first) + int(repeats)))


def repeat_seeds(split_seed: int, train_seeds: Sequence[int], vary_split: bool = False) -> list[tuple[int, int]]:
    """(split seed, training seed) of every repeat: all on one split, or, with `vary_split` (repeated hold-out),
    the i-th repeat on split `split_seed + i`, so the spread includes the data's."""
    seeds = [int(seed) for seed in train_seeds]
    if not vary_split:
        return [(int(split_seed), seed) for seed in seeds]
    if int(split_seed) + len(seeds) - 1 > MAX_SPLIT_SEED:
        raise InputError(f"With a split per repeat the split seeds run from {split_seed} to "
                         f"{int(split_seed) + len(seeds) - 1}, past the largest, {MAX_SPLIT_SEED}; choose a smaller "
                         "split seed.")
    return [(int(split_seed) + i, seed) for i, seed in enumerate(seeds)]


def trains_once(method: str, n_training_rows: int) -> bool:
    """Whether `method` fits the same models under every training seed on this many rows, so one fit per split
    stands for every repeat on it."""
    return METHODS[method].deterministic(n_training_rows)


def repeats_to_fit(method: str, n_training_rows: int, repeats: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (split seed, training seed) pairs of `repeats` that `method` is fitted under: all of them, or for a
    deterministic method the first of each split."""
    if not trains_once(method, n_training_rows):
        return list(repeats)
    first_of_split: dict[int, int] = {}
    for split, seed in repeats:
        first_of_split.setdefault(split, seed)
    return list(first_of_split.items())


def summarise(scores: pd.DataFrame, across_splits: bool = False) -> pd.DataFrame:
    """Per method × bottleneck × split × split seed: the number of repeats and the mean, standard deviation
    (with n - 1; 0 for one repeat), minimum and maximum of MSE and R² over them; `across_splits` pools repeats on
    different splits (repeated hold-out) into one group per method × bottleneck × split."""
    grouped = scores.groupby([c for c in GROUP if not (across_splits and c == "split_seed")], sort=False)[["mse", "r2"]]
    summary = grouped.agg(["mean", "std", "min", "max"])
    summary.columns = [f"{metric}_{statistic}" for metric, statistic in summary.columns]
    summary = summary.fillna({"mse_std": 0.0, "r2_std": 0.0})
    summary.insert(0, "repeats", grouped.size())
    return summary.reset_index()


def smallest_p(n: int) -> float:
    """The smallest p-value the exact one-sided Wilcoxon signed-rank test can give with `n` pairs: every
    difference on one side, a chance of 1 in 2ⁿ."""
    return 0.5 ** n


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values: the i-th smallest of m is multiplied by m - i + 1, kept in order and
    capped at 1; rejecting where the adjusted value is below α keeps the chance of any false alarm below α."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    adjusted = np.minimum(1.0, np.maximum.accumulate((len(p) - np.arange(len(p))) * p[order]))
    result = np.empty_like(p)
    result[order] = adjusted
    return result


def repeats_for_significance(tests: int) -> int:
    """The fewest repeats whose smallest p, multiplied by `tests` for Holm's correction, can fall below 5%."""
    return max(MIN_REPEATS_FOR_TEST, math.ceil(math.log2(tests / SIGNIFICANCE)))


@dataclass(frozen=True)
class Verdict:
    """How a method compared with the reference at one bottleneck, paired repeat by repeat on test MSE."""

    method: str
    bottleneck: int
    wins: int  # repeats with a lower test MSE than the reference's on the same split
    repeats: int
    p_value: float | None  # one-sided Wilcoxon signed-rank, None with fewer than MIN_REPEATS_FOR_TEST repeats
    median_ratio: float  # of the method's test MSE to the reference's
    exact: bool = False  # both were fitted once on one split (deterministic): the comparison has no spread to test
    adjusted_p: float | None = None  # after Holm's correction over `tests` tests (see `corrected`)
    tests: int = 1

    def sentence(self, label: str, reference_label: str) -> str:
        """E.g. "At k = 4 Nonlinear AE beat PCA in 5 of 5 repeats (median test MSE 0.62× PCA's; one-sided
        Wilcoxon signed-rank p = 0.031, the smallest 5 repeats can give; Holm-corrected over 12 tests: p = 0.37,
        not significant at the 5% level)."""
        if self.exact:
            verb = "beat" if self.wins else "did not beat"
            return (f"At k = {self.bottleneck} {label} {verb} {reference_label} (test MSE {self.median_ratio:.2f}× "
                    f"{reference_label}'s; both are deterministic and fitted once on this split, so the difference "
                    "is exact for these test samples and needs no test).")
        verb = "beat" if self.wins else "never beat"
        count = f" in {self.wins} of {self.repeats} repeats" if self.wins else f" in {self.repeats} repeats"
        if self.p_value is None:
            test = f"; too few repeats for a test, {MIN_REPEATS_FOR_TEST} are needed"
        else:
            floor = smallest_p(self.repeats)
            at_floor = f", the smallest {self.repeats} repeats can give" if self.p_value <= floor * (1 + 1e-9) else ""
            test = f"; one-sided Wilcoxon signed-rank p = {self.p_value:.2g}{at_floor}"
            if self.adjusted_p is not None and self.tests > 1:
                verdict = "significant" if self.adjusted_p < SIGNIFICANCE else "not significant"
                test += (f"; Holm-corrected over {self.tests} tests: p = {self.adjusted_p:.2g}, {verdict} at the "
                         f"{SIGNIFICANCE:.0%} level")
        return (f"At k = {self.bottleneck} {label} {verb} {reference_label}{count} (median test MSE "
                f"{self.median_ratio:.2f}× {reference_label}'s{test}).")


def paired_verdicts(scores: pd.DataFrame, method: str, reference: str) -> list[Verdict]:
    """For every bottleneck both methods were scored at: how often `method`'s test MSE was below `reference`'s,
    repeat by repeat (a repeat is paired with the reference on its own split; a reference fitted once on a split
    stands for every repeat on it), and a one-sided Wilcoxon signed-rank test of the differences when there are
    enough repeats."""
    test = scores[scores["split"] == "test"]
    ours = test[test["method"] == method]
    theirs = test[test["method"] == reference]
    reference_mse = theirs.groupby(["bottleneck", "split_seed"])["mse"].mean()
    reference_fits = theirs.groupby(["bottleneck", "split_seed"]).size()
    verdicts = []
    for k, rows in ours.groupby("bottleneck"):
        paired = rows.join(reference_mse.rename("reference"), on=["bottleneck", "split_seed"]).dropna(
            subset=["reference"])
        if paired.empty:
            continue
        differences = (paired["mse"] - paired["reference"]).to_numpy()
        exact = len(paired) == 1 and int(reference_fits.loc[(k, paired["split_seed"].iloc[0])]) == 1
        p_value = None
        if len(paired) >= MIN_REPEATS_FOR_TEST:
            p_value = 1.0 if not differences.any() else float(
                stats.wilcoxon(differences, alternative="less", zero_method="zsplit").pvalue)
        verdicts.append(Verdict(method, int(k), int((differences < 0).sum()), len(paired), p_value,
                                float(np.median(paired["mse"] / paired["reference"])), exact))
    return verdicts


def corrected(verdicts: Sequence[Verdict]) -> list[Verdict]:
    """`verdicts` with Holm-adjusted p-values over those that have a test: the family of tests shown together."""
    tested = [i for i, verdict in enumerate(verdicts) if verdict.p_value is not None]
    adjusted = dict(zip(tested, holm([verdicts[i].p_value for i in tested])))
    return [replace(verdict, adjusted_p=float(adjusted[i]), tests=len(tested)) if i in adjusted else verdict
            for i, verdict in enumerate(verdicts)]
