"""The generation table: one row per model, sampler and training seed, repeatable, refusing what cannot apply."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pipelines import load_dataset, make_reducer, prepare
from pipelines.analysis.features import data_space
from pipelines.errors import InputError
from pipelines.runs.generation import GENERATION_COLUMNS, generate, generation_table


@pytest.fixture(scope="module")
def fitted(digits):
    return {("pca", 4): make_reducer("pca", 4).fit(digits.X_train),
            ("vae", 4): make_reducer("vae", 4, epochs=2, hidden_layer_sizes=(16,)).fit(digits.X_train)}


class _Diverged:
    def transform(self, X):
        return np.full((len(X), 4), np.nan)

    def inverse_transform(self, codes):
        return np.full((len(codes), 64), np.nan)


def test_every_model_gets_a_row_per_sampler_it_can_use_and_the_same_call_the_same_numbers(digits, fitted):
    space = data_space(digits)
    table = generation_table(digits, {0: fitted}, space, ["prior", "gaussian", "gmm"], 200)
    rows = table.rows
    assert list(rows.columns) == GENERATION_COLUMNS
    assert list(zip(rows["method"], rows["sampler"])) == [("pca", "gaussian"), ("pca", "gmm"), ("vae", "prior"),
                                                          ("vae", "gaussian"), ("vae", "gmm")]
    assert (rows["feature_space"] == space.name).all() and (rows["n_samples"] == 200).all()
    assert table.notes == ("PCA has no prior, so it skips prior.",)
    assert rows[["precision", "recall", "density", "coverage"]].ge(0).all().all() and (rows["fd"] > 0).all()
    again = generation_table(digits, {0: fitted}, space, ["prior", "gaussian", "gmm"], 200).rows
    assert np.allclose(again[["fd", "precision", "recall"]], rows[["fd", "precision", "recall"]])


def test_repeats_give_a_row_per_training_seed_with_their_own_draws(digits, fitted):
    table = generation_table(digits, {0: fitted, 1: {("pca", 4): fitted[("pca", 4)]}}, data_space(digits),
                             ["gaussian"], 200)
    pca = table.rows[table.rows["method"] == "pca"]
    assert pca["train_seed"].tolist() == [0, 1] and pca["fd"].iloc[0] != pca["fd"].iloc[1]


def test_a_diverged_model_is_left_out_with_its_reason_and_the_others_kept(digits, fitted):
    table = generation_table(digits, {0: {("pca", 4): fitted[("pca", 4)], ("nonlinear_ae", 4): _Diverged()}},
                             data_space(digits), ["gaussian"], 200)
    assert table.rows["method"].tolist() == ["pca"]
    assert any("Nonlinear AE at 4 codes with Gaussian is left out" in note and "not finite" in note
               for note in table.notes)


def test_what_cannot_be_measured_is_refused_before_anything_trains(digits, iris):
    tiny = dataclasses.replace(load_dataset("iris"), X=iris.X[:40], y=iris.y[:40])
    with pytest.raises(InputError, match="at least 11 test rows"):
        generate(tiny, ["pca"], [2], ["gaussian"], 100)
    with pytest.raises(InputError, match="between 11 and 10,000"):
        generation_table(prepare(iris), {0: {}}, data_space(prepare(iris)), ["gaussian"], 5)
    with pytest.raises(InputError, match="Unknown sampler 'flow'"):
        generate(iris, ["pca"], [2], ["flow"], 100)
