"""The adversarial autoencoder: it trains on images and tables with its three losses recorded, its discriminator pulls
the codes towards N(0, I), it is deterministic given its seed, and a stored one reloads unchanged."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from pipelines import figures, load_dataset, prepare
from pipelines.reducers import make_reducer
from pipelines.reducers.persistence import load_reducer, save_reducer

TERMS = ("loss", "reconstruction", "discriminator", "generator")
SMALL = dict(hidden_layer_sizes=(32,), epochs=10)


@pytest.fixture(scope="module")
def by_weight(digits):
    """Two codes on digits, trained with the adversarial weight 1 and 0 (no generator step), all else alike."""
    return {weight: make_reducer("aae", 2, adversarial_weight=weight, **SMALL).fit(digits.X_train)
            for weight in (1.0, 0.0)}


def _assert_three_losses_recorded_and_finite(model):
    for term in (*TERMS, *(f"val_{t}" for t in TERMS)):
        assert len(model.history_[term]) == model.n_epochs_ and all(map(math.isfinite, model.history_[term])), term
    assert model.history_["loss"] == model.history_["reconstruction"], "the loss is the reconstruction MSE"


def _test_mse(model, data) -> float:
    return float(np.mean((model.inverse_transform(model.transform(data.X_test)) - data.X_test) ** 2))


def test_it_trains_on_digits_with_its_three_losses_recorded_and_samples_pixels(by_weight, digits):
    model = by_weight[1.0]
    _assert_three_losses_recorded_and_finite(model)
    pca = make_reducer("pca", 2).fit(digits.X_train)
    assert _test_mse(model, digits) < 1.2 * _test_mse(pca, digits), "it reconstructs about as well as PCA or better"
    samples = model.sample(5, random_state=1)
    assert samples.shape == (5, digits.n_features) and samples.min() >= 0 and samples.max() <= 1


def test_its_three_losses_reach_the_training_page_s_loss_terms_chart(by_weight):
    figure = figures.loss_terms({2: by_weight[1.0].history_}, "aae", units="nats")
    assert {trace.name for trace in figure.data} == {"k=2 reconstruction", "k=2 discriminator", "k=2 generator"}
    assert "reconstruction, discriminator and generator" in figure.layout.title.text


def test_the_adversarial_step_moves_the_codes_towards_the_prior(by_weight, digits):
    """Against the same training without the generator step: each code's Kolmogorov–Smirnov distance to N(0, 1)
    shrinks, and the codes' covariance comes nearer the identity."""
    codes = {weight: model.transform(digits.X_test) for weight, model in by_weight.items()}
    ks = {w: max(stats.kstest(c[:, j], "norm").statistic for j in range(c.shape[1])) for w, c in codes.items()}
    off_identity = {w: np.linalg.norm(np.cov(c, rowvar=False) - np.eye(c.shape[1])) for w, c in codes.items()}
    assert ks[1.0] < 0.6 * ks[0.0] and ks[1.0] < 0.15, ks
    assert off_identity[1.0] < 0.5 * off_identity[0.0], off_identity


def test_without_the_generator_step_the_discriminator_wins(by_weight):
    """The game is played: the free codes drift from N(0, I), so the discriminator's loss falls below ln 2 and the
    generator's rises above it; with the generator step both stay near ln 2."""
    free, pushed = by_weight[0.0].history_, by_weight[1.0].history_
    assert free["discriminator"][-1] < math.log(2) - 0.1 < math.log(2) + 0.3 < free["generator"][-1]
    assert abs(pushed["discriminator"][-1] - math.log(2)) < 0.1 and abs(pushed["generator"][-1] - math.log(2)) < 0.2


def test_same_seed_same_codes_and_samples_another_seed_others(by_weight, digits):
    first = by_weight[1.0]
    again, other = (make_reducer("aae", 2, random_state=seed, **SMALL).fit(digits.X_train) for seed in (0, 1))
    np.testing.assert_array_equal(again.transform(digits.X_test), first.transform(digits.X_test))
    np.testing.assert_array_equal(again.sample(4, random_state=2), first.sample(4, random_state=2))
    assert not np.allclose(other.transform(digits.X_test), first.transform(digits.X_test))
    assert not np.allclose(first.sample(4, random_state=3), first.sample(4, random_state=2))


def test_it_trains_on_a_table_with_its_three_losses(tmp_path):
    wine = prepare(load_dataset("wine"), 0.2, 0)
    model = make_reducer("aae", 3, hidden_layer_sizes=(16,), epochs=10).fit(wine.X_train)
    _assert_three_losses_recorded_and_finite(model)
    assert np.isfinite(_test_mse(model, wine))
    save_reducer(model, "aae", tmp_path / "aae")
    loaded = load_reducer(tmp_path / "aae")
    np.testing.assert_array_equal(loaded.transform(wine.X_test), model.transform(wine.X_test))
    np.testing.assert_array_equal(loaded.sample(6, random_state=3), model.sample(6, random_state=3))


@pytest.mark.slow
def test_it_trains_on_mnist_5k_with_its_three_losses():
    mnist = prepare(load_dataset("mnist-5k"), 0.2, 0)
    model = make_reducer("aae", 8, hidden_layer_sizes=(64,), epochs=3).fit(mnist.X_train)
    _assert_three_losses_recorded_and_finite(model)
    assert _test_mse(model, mnist) < float(np.mean((mnist.X_test - mnist.X_train.mean(axis=0)) ** 2)), \
        "it reconstructs better than the mean image"
