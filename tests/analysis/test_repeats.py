"""Repeats over training seeds (and splits): spreads, paired verdicts corrected for many tests, deterministic
methods fitted once, and repeats that train together in one run."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pipelines import METHODS, InputError, load_dataset, prepare, run, run_spec
from pipelines.analysis.repeats import (
    MIN_REPEATS_FOR_TEST,
    corrected,
    holm,
    paired_verdicts,
    repeat_seeds,
    repeats_for_significance,
    repeats_to_fit,
    smallest_p,
    summarise,
    training_seeds,
)
from pipelines.reducers import kernel_pca, make_reducer
from pipelines.runs.store import RunStore
from pipelines.runs.sweep import load_or_fit_repeats
from pipelines.runs.tasks import execute_together

FAST = {"linear_ae": {"epochs": 5}, "nonlinear_ae": {"epochs": 5, "hidden_layer_sizes": (8,)}}


def _scores(ours: list[float], theirs: float = 1.0, k: int = 4, reference_fits: int | None = None) -> pd.DataFrame:
    """A reference fitted `reference_fits` times (once per repeat by default) and a method's repeats, on one split."""
    rows = [{"method": "pca", "bottleneck": k, "split": "test", "split_seed": 0, "train_seed": seed, "mse": theirs,
             "r2": 1 - theirs} for seed in range(len(ours) if reference_fits is None else reference_fits)]
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
    assert set(result.scores["train_seed"]) == {0, 1, 2} and len(result.scores) == 2 * 2 * (1 + 3)
    listing = store.runs()
    assert len(listing) == 1 + 3 and set(listing["train_seed"]) == {0, 1, 2}, "PCA is deterministic: stored once"
    pca = result.scores.query("method == 'pca'")
    assert (pca["train_seed"] == 0).all() and len(pca) == 2 * 2
    nonlinear = result.scores.query("method == 'nonlinear_ae' and split == 'test' and bottleneck == 1")["mse"]
    assert nonlinear.nunique() == 3, "each repeat starts from its own weights"

    alone = run(iris, ["nonlinear_ae"], [1, 2], train_seeds=(1,), params=FAST)
    together = result.scores.query("method == 'nonlinear_ae' and train_seed == 1").reset_index(drop=True)
    pd.testing.assert_series_equal(alone.scores["mse"], together["mse"], rtol=1e-4)
    again = run(iris, ["pca", "nonlinear_ae"], [1, 2], train_seeds=(0, 2), params=FAST, store=store)
    assert again.from_store, "repeats stored one by one serve a request for some of them"


def test_the_smallest_p_of_n_repeats_is_what_the_exact_test_gives_when_every_repeat_wins():
    for n in (5, 7):
        assert stats.wilcoxon(-np.arange(1.0, n + 1), alternative="less").pvalue == pytest.approx(smallest_p(n))
    assert smallest_p(5) == pytest.approx(0.03125)


def test_holm_multiplies_the_ith_smallest_p_by_the_tests_left_and_keeps_the_order():
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03, 0.5]), [0.04, 0.09, 0.09, 0.5])
    np.testing.assert_allclose(holm([0.3, 0.4]), [0.6, 0.6])
    assert holm([0.9, 0.8]).max() == 1.0, "capped at 1"
    assert repeats_for_significance(12) == 8  # 12 / 2**8 < 0.05 <= 12 / 2**7


def test_a_verdict_says_its_p_is_the_smallest_possible_and_what_holms_correction_leaves():
    scores = pd.concat([_scores([0.6, 0.7, 0.65, 0.8, 0.75], k=k) for k in (1, 2, 4)], ignore_index=True)
    verdicts = corrected(paired_verdicts(scores, "nonlinear_ae", "pca"))
    assert [v.tests for v in verdicts] == [3, 3, 3]
    assert all(v.adjusted_p == pytest.approx(3 / 32) for v in verdicts)
    sentence = verdicts[0].sentence("Nonlinear AE", "PCA")
    assert "p = 0.031, the smallest 5 repeats can give" in sentence
    assert "Holm-corrected over 3 tests: p = 0.094, not significant at the 5% level" in sentence
    (alone,) = corrected(paired_verdicts(_scores([0.6, 0.7, 0.65, 0.8, 0.75, 0.7, 0.62]), "nonlinear_ae", "pca"))
    assert alone.tests == 1 and "Holm" not in alone.sentence("AE", "PCA"), "one test needs no correction"


def test_repeats_are_paired_with_a_reference_fitted_once_and_two_deterministic_fits_need_no_test():
    (verdict,) = paired_verdicts(_scores([0.6, 0.7, 0.65, 0.8, 0.75], reference_fits=1), "nonlinear_ae", "pca")
    assert (verdict.wins, verdict.repeats) == (5, 5) and verdict.p_value == pytest.approx(1 / 32)
    (exact,) = paired_verdicts(_scores([0.8], reference_fits=1), "nonlinear_ae", "pca")
    assert exact.exact and exact.p_value is None
    sentence = exact.sentence("Kernel PCA", "PCA")
    assert "both are deterministic" in sentence and "too few repeats" not in sentence


def test_every_method_that_says_it_is_deterministic_fits_the_same_under_any_training_seed(monkeypatch):
    data = prepare(load_dataset("iris"))
    deterministic = [m for m in METHODS if METHODS[m].deterministic(len(data.X_train))]
    assert {"pca", "kernel_pca"} <= set(deterministic)
    assert not any(METHODS[m].trained_by_gradient for m in deterministic)
    for method in deterministic:
        first, second = (make_reducer(method, 2, random_state=seed).fit(data.X_train) for seed in (0, 1))
        np.testing.assert_array_equal(first.transform(data.X_test), second.transform(data.X_test), err_msg=method)
    monkeypatch.setattr(kernel_pca, "MAX_FIT_ROWS", 50)  # now it fits on a seeded subsample
    assert not METHODS["kernel_pca"].deterministic(len(data.X_train))
    codes = [kernel_pca.fit_rows(len(data.X_train), seed) for seed in (0, 1)]
    assert not np.array_equal(*codes), "the subsample depends on the seed, so it is fitted per repeat"


def test_a_deterministic_method_is_fitted_once_per_split():
    repeats = repeat_seeds(3, (0, 1, 2))
    assert repeats_to_fit("pca", 100, repeats) == [(3, 0)]
    assert repeats_to_fit("linear_ae", 100, repeats) == repeats
    varied = repeat_seeds(3, (0, 1, 2), vary_split=True)
    assert varied == [(3, 0), (4, 1), (5, 2)] and repeats_to_fit("pca", 100, varied) == varied
    with pytest.raises(InputError, match="choose a smaller split seed"):
        repeat_seeds(2**32 - 2, (0, 1, 2), vary_split=True)


def test_repeated_hold_out_scores_each_repeat_on_its_own_split(tmp_path):
    iris = load_dataset("iris")
    result = run(iris, ["pca", "linear_ae"], [2], split_seed=4, train_seeds=(0, 1, 2), vary_split=True, params=FAST)
    test = result.scores[result.scores["split"] == "test"]
    for method in ("pca", "linear_ae"):
        rows = test[test["method"] == method].sort_values("train_seed")
        assert list(zip(rows["split_seed"], rows["train_seed"])) == [(4, 0), (5, 1), (6, 2)]
    assert test[test["method"] == "pca"]["mse"].nunique() == 3, "three splits, three test sets"
    second = run(iris, ["pca"], [2], split_seed=5, train_seeds=(1,)).scores
    assert second.query("split == 'test'")["mse"].item() == pytest.approx(
        test.query("method == 'pca' and split_seed == 5")["mse"].item()), "repeat 2 is a plain run on split 5"
    assert result.data.seed == 4, "the run's data are the first repeat's split"


def test_a_methods_repeats_on_several_splits_are_each_fitted_on_their_own_split(tmp_path):
    iris = load_dataset("iris")
    first = prepare(iris, seed=0)
    specs = [run_spec(iris, "pca", [1, 2], split_seed=split, train_seed=seed) for split, seed in
             repeat_seeds(0, (0, 1), vary_split=True)]
    with pytest.raises(ValueError, match="other splits"):
        execute_together(specs, first)
    results = load_or_fit_repeats(specs, first, RunStore(tmp_path))
    assert [r.spec.split_seed for r in results] == [0, 1]
    assert [set(r.scores["split_seed"]) for r in results] == [{0}, {1}], "scored on the split its spec names"
    expected = run(iris, ["pca"], [1, 2], split_seed=1, train_seeds=(1,)).scores
    np.testing.assert_allclose(results[1].scores["mse"], expected["mse"])
