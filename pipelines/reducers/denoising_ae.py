"""Denoising autoencoder: the dense autoencoder trained to rebuild clean inputs from corrupted ones, so it learns
structure that survives noise rather than copying its input."""
from __future__ import annotations

from numbers import Real
from typing import Sequence

from sklearn.utils._param_validation import Interval, StrOptions

from pipelines.reducers import autoencoder
from pipelines.reducers.autoencoder import ACTIVATIONS, DEFAULT_MAX_STEPS, KerasAutoencoder, PositiveIntegers
from pipelines.reducers.method import Method
from pipelines.reducers.settings import Setting
from pipelines.reducers.training.architectures import dense_decoder, dense_encoder

NOISES = ("gaussian", "masking")


class DenoisingAutoencoder(KerasAutoencoder):
    """Dense autoencoder trained on MSE between its reconstruction of a corrupted training input and the clean
    input: Gaussian noise of standard deviation `noise_level` (in the data's scaled units) or masking, each feature
    zeroed with probability `noise_level`. Validation and test inputs are never corrupted."""

    _parameter_constraints: dict = {
        **KerasAutoencoder._parameter_constraints,
        "hidden_layer_sizes": [PositiveIntegers()],
        "activation": [StrOptions({"linear", *ACTIVATIONS})],
        "noise": [StrOptions(set(NOISES))],
        # Below 1 for both kinds: masking every feature leaves nothing to rebuild from, and Gaussian noise of a
        # standard deviation of one scaled unit or more drowns the data.
        "noise_level": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, n_components: int = 2, hidden_layer_sizes: Sequence[int] = (128, 64), activation: str = "elu",
                 noise: str = "gaussian", noise_level: float = 0.1, epochs: int = 60,
                 max_steps: int = DEFAULT_MAX_STEPS, batch_size: int = 128,
                 learning_rate: float = 1e-2, validation_fraction: float = 0.1, early_stopping: bool = True,
                 patience: int = 20, tol: float = 1e-4, random_state: int = 0):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.noise = noise
        self.noise_level = noise_level
        self.epochs = epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.tol = tol
        self.random_state = random_state

    def _build(self, n_features, feature_mean, output_activation, output_bias):
        hidden, seed = tuple(self.hidden_layer_sizes), int(self.random_state)
        return (dense_encoder(n_features, self.n_components, hidden, self.activation, feature_mean, seed),
                dense_decoder(self.n_components, n_features, hidden, self.activation, output_activation, output_bias,
                              seed))

    def _trainer(self, encoders, decoders, data_in_unit_range):
        from pipelines.reducers.training.keras_engine import DenoisingAutoencoders

        return DenoisingAutoencoders(encoders, decoders, seed=int(self.random_state), noise=self.noise,
                                     level=self.noise_level)


DEFAULTS = DenoisingAutoencoder().get_params()

METHOD = Method(
    name="denoising_ae", label="Denoising AE", color="#72B7B2", build=DenoisingAutoencoder, marker="star",
    description="The nonlinear autoencoder trained to rebuild each clean training sample from a corrupted copy "
                "(Gaussian noise or masked features), so it cannot just pass its input through and must learn "
                "structure that survives noise. It is scored on clean test samples like every method; it pays a "
                "little clean-data error for reconstructions that hold up when the inputs are noisy.",
    settings=(*autoencoder.architecture_settings(DEFAULTS),
              Setting("noise", "Corruption", "choice", DEFAULTS["noise"], "Gaussian: add noise to every feature; "
                      "masking: set random features to 0.", choices=NOISES),
              Setting("noise_level", "Noise level", "float", DEFAULTS["noise_level"], "Standard deviation of the "
                      "Gaussian noise in the data's scaled units, or the share of features masked.",
                      low=0.0, high=0.95),
              *autoencoder.training_settings(DEFAULTS)),
    trained_by_gradient=True, default_on=False, relative_cost=2.5, fit_group=autoencoder.fit_group,
    estimate_cost=autoencoder.estimate_cost)
