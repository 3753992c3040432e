"""The general Keras training path and its families: VAE, convolutional and denoising autoencoders."""
from __future__ import annotations

import numpy as np
import pytest

from pipelines import METHODS, load_dataset, run
from pipelines.analysis import metrics
from pipelines.reducers import FitControl, autoencoder, make_reducer
from pipelines.reducers.conv_ae import image_shape_of
from pipelines.reducers.persistence import load_reducer, save_reducer

NEW = ("vae", "conv_ae", "denoising_ae")



def _test_mse(model, data) -> float:
    return float(np.mean((metrics.reconstruct(model, data.X_test) - data.X_test) ** 2))


@pytest.mark.slow
def test_a_dense_autoencoder_reaches_the_same_held_out_error_on_both_training_paths(digits):
    """Same architecture, loss, schedule and early stopping; the paths draw different initial weights and batch
    orders, so each is averaged over three seeds."""
    settings = dict(hidden_layer_sizes=(64,), epochs=40, batch_size=64, learning_rate=1e-2)
    fused = [_test_mse(make_reducer("nonlinear_ae", 16, random_state=seed, **settings).fit(digits.X_train), digits)
             for seed in range(3)]
    keras_path = [_test_mse(make_reducer("denoising_ae", 16, noise_level=0.0, random_state=seed, **settings)
                            .fit(digits.X_train), digits) for seed in range(3)]
    assert np.mean(keras_path) == pytest.approx(np.mean(fused), rel=0.02)


def test_sizes_trained_together_equal_each_size_trained_alone(digits):
    alone = make_reducer("vae", 3, epochs=4, hidden_layer_sizes=(16,)).fit(digits.X_train)
    together = [make_reducer("vae", k, epochs=4, hidden_layer_sizes=(16,)) for k in (3, 5)]
    autoencoder.fit_group(together, digits.X_train, FitControl())
    np.testing.assert_allclose(together[0].transform(digits.X_test), alone.transform(digits.X_test), atol=1e-4)
    assert together[0].history_["kl"] == pytest.approx(alone.history_["kl"], rel=1e-4)
    assert together[1].transform(digits.X_test).shape[1] == 5


def test_a_vae_reports_reconstruction_and_kl_and_decodes_prior_draws_repeatably(digits, tmp_path):
    vae = make_reducer("vae", 2, epochs=5, hidden_layer_sizes=(32,)).fit(digits.X_train)
    history = vae.history_
    for term in ("loss", "reconstruction", "kl", "val_loss", "val_reconstruction", "val_kl"):
        assert len(history[term]) == vae.n_epochs_
    np.testing.assert_allclose(np.array(history["reconstruction"]) + np.array(history["kl"]), history["loss"],
                               rtol=1e-4)
    np.testing.assert_array_equal(vae.transform(digits.X_test), vae.transform(digits.X_test))  # z_mean, no noise
    first, again, other = vae.sample(6, random_state=3), vae.sample(6, random_state=3), vae.sample(6, random_state=4)
    assert first.shape == (6, digits.n_features) and np.array_equal(first, again) and not np.allclose(first, other)
    assert first.min() >= 0 and first.max() <= 1, "a Bernoulli decoder's means are pixel intensities"
    save_reducer(vae, "vae", tmp_path / "vae")
    loaded = load_reducer(tmp_path / "vae")  # safe_mode=True: only registered layers load
    np.testing.assert_array_equal(loaded.sample(6, random_state=3), first)


def test_the_vae_s_sampling_layer_is_registered_for_safe_loading(tmp_path):
    import keras

    from pipelines.reducers.training.keras_engine import Sampling

    inputs = [keras.Input((2,)), keras.Input((2,))]
    model = keras.Model(inputs, Sampling(seed=5)(inputs))
    model.save(tmp_path / "sampling.keras")
    loaded = keras.models.load_model(tmp_path / "sampling.keras", safe_mode=True)
    assert isinstance(loaded.layers[-1], Sampling) and loaded.layers[-1].seed == 5


def test_the_convolutional_ae_accepts_images_only_and_reads_flat_pixels_as_squares():
    assert METHODS["conv_ae"].accepts(load_dataset("digits")) is None
    reason = METHODS["conv_ae"].accepts(load_dataset("iris"))
    assert "image" in reason and "iris" in reason
    assert image_shape_of(784, None) == (28, 28) and image_shape_of(5, None) == (1, 5)
    assert image_shape_of(12, (3, 4)) == (3, 4)


def test_the_convolutional_ae_reconstructs_digits_better_than_pca(digits):
    conv = make_reducer("conv_ae", 8, epochs=10).fit(digits.X_train)
    pca = make_reducer("pca", 8).fit(digits.X_train)
    assert _test_mse(conv, digits) < _test_mse(pca, digits)


def test_denoising_corrupts_only_training_inputs_and_is_scored_on_clean_data(digits):
    noisy = make_reducer("denoising_ae", 4, epochs=5, noise_level=0.5, hidden_layer_sizes=(32,),
                         early_stopping=False).fit(digits.X_train)
    clean = make_reducer("denoising_ae", 4, epochs=5, noise_level=0.0, hidden_layer_sizes=(32,),
                         early_stopping=False).fit(digits.X_train)
    assert noisy.history_["loss"][-1] > clean.history_["loss"][-1], "the training loss sees the noise"
    masked = make_reducer("denoising_ae", 4, epochs=3, noise="masking", noise_level=0.3,
                          hidden_layer_sizes=(8,)).fit(digits.X_train)
    assert np.isfinite(_test_mse(masked, digits))
    with pytest.raises(ValueError, match="noise_level"):
        make_reducer("denoising_ae", 2, noise="masking", noise_level=1.0).fit(digits.X_train)


def test_the_new_methods_run_through_plan_execute_and_the_store(tmp_path):
    from pipelines.runs.store import RunStore

    store = RunStore(tmp_path)
    digits = load_dataset("digits")
    params = {"vae": {"epochs": 3, "hidden_layer_sizes": (8,)}, "conv_ae": {"epochs": 2, "filters": (4,)},
              "denoising_ae": {"epochs": 3, "hidden_layer_sizes": (8,)}}
    first = run(digits, list(NEW), [2, 4], params=params, store=store)
    again = run(digits, list(NEW), [2, 4], params=params, store=store)
    assert again.from_store and len(store.runs()) == len(NEW)
    for key, model in first.models.items():
        np.testing.assert_allclose(again.models[key].transform(first.data.X_test),
                                   model.transform(first.data.X_test), atol=1e-6)
