"""The adversarial trainer: sizes trained together train as if alone, without the generator step the autoencoder
trains exactly as a plain one, and the players' learning rates follow the autoencoder's schedule."""
from __future__ import annotations

import numpy as np
import pytest

from pipelines.reducers import FitControl, autoencoder, make_reducer

TINY = dict(hidden_layer_sizes=(16,), epochs=3, learning_rate=2e-3)


def test_sizes_trained_together_equal_each_size_trained_alone(digits):
    alone = make_reducer("aae", 3, **TINY).fit(digits.X_train)
    together = [make_reducer("aae", k, **TINY) for k in (3, 5)]
    autoencoder.fit_group(together, digits.X_train, FitControl())
    np.testing.assert_allclose(together[0].transform(digits.X_test), alone.transform(digits.X_test), atol=1e-4)
    for term in ("reconstruction", "discriminator", "generator"):
        assert together[0].history_[term] == pytest.approx(alone.history_[term], rel=1e-4), term
    assert together[1].transform(digits.X_test).shape[1] == 5


def test_without_the_generator_step_the_autoencoder_trains_as_a_plain_one(digits):
    """Adversarial weight 0 gives the generator step no learning rate: the discriminator watches the codes but never
    moves them, so encoder and decoder follow the plain autoencoder's steps (the denoising AE without noise)."""
    adversarial = make_reducer("aae", 2, adversarial_weight=0.0, **TINY).fit(digits.X_train)
    plain = make_reducer("denoising_ae", 2, noise_level=0.0, **TINY).fit(digits.X_train)
    np.testing.assert_allclose(adversarial.transform(digits.X_test), plain.transform(digits.X_test), atol=1e-5)
    assert adversarial.history_["loss"] == pytest.approx(plain.history_["loss"], rel=1e-5)


def test_the_players_learning_rates_are_the_autoencoder_s_schedule_times_their_factors():
    import keras

    from pipelines.reducers.training.adversarial import AdversarialAutoencoders, ScaledSchedule
    from pipelines.reducers.training.architectures import dense_decoder, dense_encoder

    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=100, alpha=0.01)
    scaled = ScaledSchedule(schedule, 0.25)
    for step in (0, 40, 100):
        assert float(scaled(step)) == pytest.approx(0.25 * float(schedule(step)))
    assert float(ScaledSchedule(0.01, 3.0)(7)) == pytest.approx(0.03)

    mean = np.zeros(4, dtype="float32")
    model = AdversarialAutoencoders([dense_encoder(4, 2, (3,), "elu", mean, 0)],
                                    [dense_decoder(2, 4, (3,), "elu", "linear", mean, 0)], seed=0,
                                    adversarial_weight=0.5, discriminator_rate_factor=2.0)
    model.compile(optimizer=keras.optimizers.Adam(schedule))
    assert float(model.discriminator_optimizer.learning_rate) == pytest.approx(2e-3)
    assert float(model.generator_optimizer.learning_rate) == pytest.approx(5e-4)
