"""The sentences the pages show: training warnings, verdicts and notes (no Streamlit involved)."""
import math

import pytest
from toy_scores import LINEAR, NONLINEAR, SIZES, repeated, scaled, toy_scores

from dashboard import page_text
from pipelines import METHODS
from pipelines.reducers import REFERENCE


def test_healthy_training_gives_no_warning_even_where_the_nonlinear_ae_is_worse_than_pca():
    assert page_text.training_warnings(toy_scores()) == []


@pytest.mark.parametrize("split", ["test", "train"])
def test_a_diverged_autoencoder_is_named_with_its_bottleneck_a_cause_and_a_remedy(split):
    diverged = {f"{NONLINEAR}_2_test": {"mse": 4.0, "r2": -4.0}, f"{LINEAR}_8_{split}": {"mse": math.nan,
                                                                                          "r2": math.nan}}
    warnings = page_text.training_warnings(toy_scores(**diverged))
    assert len(warnings) == 2
    nonlinear = next(w for w in warnings if METHODS[NONLINEAR].label in w)
    linear = next(w for w in warnings if METHODS[LINEAR].label in w)
    assert "bottleneck 2" in nonlinear and "-4" in nonlinear
    assert "bottleneck 8" in linear
    assert all("diverged" in w and "learning rate" in w for w in warnings)


def test_a_linear_decoder_clearly_worse_than_pca_breaks_theory_and_a_nonlinear_one_does_not():
    scores = toy_scores()
    worse = {**scaled(scores, LINEAR, 8, "test", 1.10), **scaled(scores, LINEAR, 32, "test", 1.06),
             **scaled(scores, LINEAR, 2, "test", 1.02),  # within the tolerance of a held-out split
             **scaled(scores, NONLINEAR, 32, "test", 1.10)}
    (warning,) = page_text.training_warnings(toy_scores(**worse))
    assert METHODS[LINEAR].label in warning and "bottlenecks 8 and 32" in warning
    assert "PCA" in warning and "epochs" in warning


def test_an_autoencoder_far_better_on_training_than_test_samples_is_said_to_overfit():
    scores = toy_scores()
    overfit = {**scaled(scores, NONLINEAR, 32, "train", 0.3), **scaled(scores, NONLINEAR, 32, "test", 2.5)}
    (warning,) = page_text.training_warnings(toy_scores(**overfit))
    assert METHODS[NONLINEAR].label in warning and "bottleneck 32" in warning
    assert "overfit" in warning and "worse than PCA" in warning and "hidden layers" in warning


def test_a_gap_that_pca_shows_too_is_the_splits_doing_not_overfitting():
    scores = toy_scores()
    gap = {**scaled(scores, REFERENCE, 32, "train", 0.5), **scaled(scores, NONLINEAR, 32, "train", 0.6)}
    assert page_text.training_warnings(toy_scores(**gap)) == []


def test_the_verdicts_are_holm_corrected_together_and_the_note_says_what_5_repeats_can_reach():
    sentences = page_text.verdicts(repeated())
    tests = 2 * len(SIZES)  # two autoencoders at every size
    assert len(sentences) == tests and all(f"Holm-corrected over {tests} tests" in s for s in sentences)
    wins = [s for s in sentences if "beat PCA in 5 of 5" in s]
    assert wins and all("the smallest 5 repeats can give" in s and "not significant" in s for s in wins)
    assert len(page_text.verdicts(repeated(), bottleneck=2)) == 2
    note = page_text.verdict_note(repeated())
    assert "1/2^5 = 0.031" in note and f"no corrected p can fall below {tests / 32:.2g}" in note
    assert "8 repeats" in note  # 8 / 2**8 < 0.05


def test_the_deterministic_note_names_the_methods_fitted_once_and_says_why_their_spread_is_0():
    assert "PCA is deterministic" in page_text.deterministic_note(repeated())
    assert page_text.deterministic_note(repeated(pca_once=False)) is None
