"""Sample-quality metrics on their known cases: real against real, noise, and one sample repeated."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.linalg

from pipelines.analysis.sample_quality import (
    METRICS,
    best_rows,
    frechet_distance,
    precision_recall_density_coverage,
    sample_quality,
    summarised,
    verdicts,
)
from pipelines.errors import InputError


def test_the_frechet_distance_of_two_gaussians_is_the_closed_form():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(0.0, 1.0, (200_000, 1)), rng.normal(2.0, 3.0, (200_000, 1))
    assert frechet_distance(real, fake) == pytest.approx(2.0 ** 2 + (1.0 - 3.0) ** 2, rel=0.01)


def test_the_frechet_distance_agrees_with_scipys_matrix_root_where_that_is_well_conditioned():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(500, 4)) @ rng.normal(size=(4, 4))
    fake = rng.normal(size=(500, 4)) @ rng.normal(size=(4, 4)) + 1.0
    c_r, c_f = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    root = scipy.linalg.sqrtm(c_r @ c_f).real
    expected = np.sum((real.mean(0) - fake.mean(0)) ** 2) + np.trace(c_r + c_f - 2 * root)
    assert frechet_distance(real, fake) == pytest.approx(expected, rel=1e-6)


def test_held_out_real_rows_are_close_to_the_training_rows(digits):
    real, n = digits.X_test, len(digits.X_test)  # as generated samples are: n of them against n test rows
    scores = sample_quality(real, digits.X_train[:n])
    noise = frechet_distance(real, np.random.default_rng(0).uniform(size=real.shape))
    assert scores["fd"] < 0.05 * noise
    assert scores["precision"] > 0.9 and scores["recall"] > 0.9 and scores["coverage"] > 0.9
    assert 0.8 < scores["density"] < 1.2  # real rows sit in as many real balls as real rows do: about 1


def test_noise_has_no_precision(digits):
    noise = np.random.default_rng(0).uniform(size=digits.X_test.shape)
    scores = sample_quality(digits.X_test, noise)
    assert scores["precision"] < 0.01 and scores["density"] < 0.01 and scores["coverage"] < 0.01


def test_one_training_sample_repeated_is_precise_but_recalls_and_covers_nothing(digits):
    repeated = np.repeat(digits.X_train[:1], len(digits.X_test), axis=0)
    scores = precision_recall_density_coverage(digits.X_test, repeated)
    assert scores["precision"] == 1.0
    assert scores["recall"] < 0.01 and scores["coverage"] < 0.05


def test_too_few_rows_for_the_neighbour_balls_are_refused_in_one_line():
    rows = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(InputError, match=r"k = 5 neighbours need at least 11 real and 11 generated rows, not 10"):
        precision_recall_density_coverage(rows, rows)
    with pytest.raises(InputError, match="same features"):
        frechet_distance(rows, rows[:, :2])
    with pytest.raises(ValueError, match="not finite"):
        frechet_distance(rows, np.full((10, 3), np.nan))


CELLS = [("pca", "gaussian", 80.0, 0.3, 0.4, 0.7, 0.4), ("pca", "gmm", 50.0, 0.9, 0.4, 1.3, 0.7),
         ("nonlinear_ae", "gmm", 10.0, 0.9, 0.9, 0.95, 0.9), ("vae", "prior", 30.0, 0.9, 0.8, 0.6, 0.7),
         ("vae", "gmm", 11.0, 0.9, 0.8, 1.1, 0.9)]


def test_a_verdict_names_each_methods_best_sampler_against_the_best_cell_and_its_own_prior():
    rows = pd.DataFrame([dict(zip(["method", "sampler", *METRICS], cell)) for cell in CELLS for _ in range(2)])
    summary = summarised(rows)
    assert summary["repeats"].tolist() == [2] * 5 and (summary["fd_sd"] == 0).all()
    assert best_rows(summary) == {"fd": 2, "precision": 1, "recall": 2, "density": 2, "coverage": 2}
    said = verdicts(summary)
    assert said["nonlinear_ae"] == "Nonlinear AE + Gaussian mixture: the samples closest to the data here."
    assert said["vae"] == ("VAE + Gaussian mixture: samples about as close to the data as Nonlinear AE + Gaussian "
                           "mixture's; a distance 2.7× lower than with its prior N(0, I).")
    assert said["pca"].startswith("PCA + Gaussian mixture: a Fréchet distance 5.0× the best here; low recall")
