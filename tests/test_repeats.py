"""Repeats over training seeds: spreads, paired verdicts, and repeats that train together in one run."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipelines import load_dataset, run
from pipelines.repeats import MIN_REPEATS_FOR_TEST, paired_verdicts, summarise, training_seeds
from pipelines.store import RunStore

FAST = {"linear_ae": {"epochs": 5}, "nonlinear_ae": {"epochs": 5, "hidden_layer_sizes": (8,)}}


def _scores(ours: list[float], theirs: float = 1.0, k: int = 4) -> pd.DataFrame:
    rows = [{"method": "pca", "bottleneck": k, "split": "test", "split_seed": 0, "train_seed": seed, "mse": theirs,
             "r2": 1 - theirs} for seed in range(len(ours))]
    rows += [{"method": "nonlinear_ae", "bottleneck": k, "split": "test", "split_seed": 0, "train_seed": seed,
              "mse": mse, "r2": 1 - mse} for seed, mse in enumerate(ours)]
    return pd.DataFrame(rows)


def test_seeds_of_repeats_count_up_from_the_first():
    assert training_seeds(3, 4) == (3, 4, 5, 6)


def test_the_summary_has_the_mean_spread_and_range_of_every_group():
    summary = summarise(_scores([0.5, 0.7, 0.9]))
    row = summary[summary["method"] == "nonlinear_ae"].iloc[0]
    assert row["repeats"] == 3 and row["mse_mean"] == pytest.approx(0.7)
    assert row["mse_std"] == pytest.approx(np.std([0.5, 0.7, 0.9], ddof=1))
    assert (row["mse_min"], row["mse_max"]) == (0.5, 0.9)
    assert summary[summary["method"] == "pca"]["mse_std"].item() == 0.0


def test_a_method_that_beats_the_reference_every_time_is_significant_with_enough_repeats():
    (verdict,) = paired_verdicts(_scores([0.6, 0.7, 0.65, 0.8, 0.75]), "nonlinear_ae", "pca")
    assert (verdict.wins, verdict.repeats, verdict.bottleneck) == (5, 5, 4)
    assert verdict.p_value == pytest.approx(1 / 32)  # the exact one-sided p of 5 wins out of 5
    sentence = verdict.sentence("Nonlinear AE", "PCA")
    assert sentence.startswith("At k = 4 Nonlinear AE beat PCA in 5 of 5 repeats") and "p = 0.031" in sentence


def test_mixed_results_are_not_significant_and_few_repeats_get_no_test():
    (mixed,) = paired_verdicts(_scores([0.9, 1.1, 0.95, 1.2, 1.05, 0.98]), "nonlinear_ae", "pca")
    assert mixed.wins == 3 and mixed.p_value > 0.2
    (few,) = paired_verdicts(_scores([0.9, 0.8]), "nonlinear_ae", "pca")
    assert few.p_value is None and f"{MIN_REPEATS_FOR_TEST} are needed" in few.sentence("AE", "PCA")
    (never,) = paired_verdicts(_scores([1.2] * 5), "nonlinear_ae", "pca")
    assert never.wins == 0 and "never beat" in never.sentence("AE", "PCA")


def test_a_run_with_repeats_scores_every_seed_and_stores_each(tmp_path):
    store = RunStore(tmp_path)
    iris = load_dataset("iris")
    result = run(iris, ["pca", "nonlinear_ae"], [1, 2], train_seeds=(0, 1, 2), params=FAST, store=store)
    assert sorted(result.repeats) == [0, 1, 2] and result.models is result.repeats[0]
    assert set(result.scores["train_seed"]) == {0, 1, 2} and len(result.scores) == 2 * 2 * 2 * 3
    listing = store.runs()
    assert len(listing) == 2 * 3 and set(listing["train_seed"]) == {0, 1, 2}
    nonlinear = result.scores.query("method == 'nonlinear_ae' and split == 'test' and bottleneck == 1")["mse"]
    assert nonlinear.nunique() == 3, "each repeat starts from its own weights"

    alone = run(iris, ["nonlinear_ae"], [1, 2], train_seeds=(1,), params=FAST)
    together = result.scores.query("method == 'nonlinear_ae' and train_seed == 1").reset_index(drop=True)
    pd.testing.assert_series_equal(alone.scores["mse"], together["mse"], rtol=1e-4)
    again = run(iris, ["pca", "nonlinear_ae"], [1, 2], train_seeds=(1, 2), params=FAST, store=store)
    assert again.from_store, "repeats stored one by one serve a request for some of them"
