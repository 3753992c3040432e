"""Every reducer is a scikit-learn transformer; autoencoders train by gradient descent, each on its own."""
import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from pipelines import Autoencoder, InputError, load_dataset, make_reducer, prepare
from pipelines.analysis.metrics import reconstruct
from pipelines.reducers import FitControl, autoencoder


def test_make_reducer_builds_each_registered_method():
    assert isinstance(make_reducer("pca", 3), PCA)
    linear, nonlinear = make_reducer("linear_ae", 3), make_reducer("nonlinear_ae", 3, epochs=7)
    assert linear.hidden_layer_sizes == () and linear.activation == "linear"
    assert nonlinear.hidden_layer_sizes and nonlinear.epochs == 7 and nonlinear.n_components == 3
    with pytest.raises(InputError, match="pca"):
        make_reducer("tsne", 2)


def test_autoencoder_encodes_decodes_and_records_training(digits):
    model = make_reducer("nonlinear_ae", 3, epochs=15).fit(digits.X_train)
    codes = model.transform(digits.X_test)
    assert codes.shape == (len(digits.X_test), 3)
    assert model.inverse_transform(codes).shape == digits.X_test.shape
    assert model.output_activation_ == "sigmoid", "images in [0, 1] get a sigmoid output"
    assert model.n_features_in_ == 64 and 1 <= model.best_epoch_ <= model.n_epochs_ <= 15
    assert len(model.history_["loss"]) == len(model.history_["val_loss"]) == model.n_epochs_
    assert model.history_["loss"][-1] < model.history_["loss"][0], "training lowers the loss"
    assert model.encoder_.name == "encoder" and model.decoder_.name == "decoder"


def test_standardised_data_get_a_linear_output():
    data = prepare(load_dataset("wine"))
    assert make_reducer("nonlinear_ae", 2, epochs=2).fit(data.X_train).output_activation_ == "linear"


def test_models_trained_together_equal_models_trained_alone(digits):
    alone = make_reducer("nonlinear_ae", 2, epochs=12).fit(digits.X_train)
    together = [make_reducer("nonlinear_ae", k, epochs=12) for k in (2, 5)]
    autoencoder.fit_group(together, digits.X_train, FitControl())
    assert np.allclose(alone.transform(digits.X_test), together[0].transform(digits.X_test), atol=1e-4)
    assert alone.history_["val_loss"] == pytest.approx(together[0].history_["val_loss"], rel=1e-4)
    assert together[1].transform(digits.X_test).shape[1] == 5


def test_repeats_over_seeds_trained_together_each_equal_the_model_trained_alone(digits):
    """Each repeat has its own initial weights, validation hold-out and batch order, as if it trained alone."""
    alone = {seed: make_reducer("nonlinear_ae", 3, epochs=10, random_state=seed).fit(digits.X_train)
             for seed in (4, 7)}
    together = [make_reducer("nonlinear_ae", k, epochs=10, random_state=seed) for seed in (4, 7) for k in (3, 6)]
    autoencoder.fit_group(together, digits.X_train, FitControl())
    for seed, model in zip((4, 7), together[::2]):
        assert np.allclose(alone[seed].transform(digits.X_test), model.transform(digits.X_test), atol=1e-4)
        assert alone[seed].history_["loss"] == pytest.approx(model.history_["loss"], rel=1e-4)
        assert alone[seed].history_["val_loss"] == pytest.approx(model.history_["val_loss"], rel=1e-4)
    assert not np.allclose(together[0].transform(digits.X_test), together[2].transform(digits.X_test), atol=1e-2)


def test_only_bottleneck_sizes_and_seeds_may_differ_when_training_together(digits):
    with pytest.raises(ValueError, match="only in n_components"):
        autoencoder.fit_group([Autoencoder(2, epochs=3), Autoencoder(3, epochs=4)], digits.X_train, FitControl())


def test_same_seed_same_model_and_another_seed_another(digits):
    def codes(seed):
        return make_reducer("linear_ae", 2, epochs=5, random_state=seed).fit(digits.X_train).transform(digits.X_test)
    assert np.array_equal(codes(0), codes(0))
    assert not np.allclose(codes(0), codes(1))


def test_autoencoder_is_trained_not_copied_from_pca(digits):
    untrained = make_reducer("linear_ae", 4, epochs=1).fit(digits.X_train)
    pca = make_reducer("pca", 4).fit(digits.X_train)
    error = lambda model: np.mean((reconstruct(model, digits.X_test) - digits.X_test) ** 2)
    assert error(untrained) > 1.05 * error(pca), "one epoch of gradient descent cannot already match PCA"


def test_reducers_drop_into_a_scikit_learn_pipeline():
    data = prepare(load_dataset("iris"))
    pipeline = make_pipeline(StandardScaler(), make_reducer("linear_ae", 2, epochs=3)).fit(data.X_train)
    assert pipeline.transform(data.X_test).shape == (len(data.X_test), 2)


@pytest.mark.parametrize("params, message", [
    ({"n_components": 0}, "n_components"),
    ({"n_components": 65}, "n_components"),
    ({"epochs": 0}, "epochs"),
    ({"batch_size": -5}, "batch_size"),
    ({"learning_rate": 0}, "learning_rate"),
    ({"validation_fraction": 1.0}, "validation_fraction"),
    ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
])
def test_bad_parameters_are_refused_before_training(params, message, digits):
    with pytest.raises(ValueError, match=message):
        Autoencoder(**{"epochs": 2, **params}).fit(digits.X_train)


def test_decoding_codes_of_the_wrong_width_is_refused(digits):
    model = make_reducer("linear_ae", 2, epochs=2).fit(digits.X_train)
    with pytest.raises(ValueError, match="codes of shape"):
        model.inverse_transform(np.zeros((3, 4)))
