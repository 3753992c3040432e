"""Denoising autoencoder: the dense autoencoder trained to rebuild clean inputs from corrupted ones, so it learns
structure that survives noise rather than copying its input."""
from __future__ import annotations

from typing import Sequence

from pipelines.reducers import autoencoder, keras_autoencoder
from pipelines.reducers.keras_autoencoder import KerasAutoencoder
from pipelines.reducers.method import Method
from pipelines.reducers.settings import Setting

NOISES = ("gaussian", "masking")


class DenoisingAutoencoder(KerasAutoencoder):
    """Dense autoencoder trained on MSE between its reconstruction of a corrupted training input and the clean
    input: Gaussian noise of standard deviation `noise_level` (in the data's scaled units) or masking, each feature
    zeroed with probability `noise_level`. Validation and test inputs are never corrupted."""

    def __init__(self, n_components: int = 2, hidden_layer_sizes: Sequence[int] = (128, 64), activation: str = "elu",
                 noise: str = "gaussian", noise_level: float = 0.1, epochs: int = 60, batch_size: int = 128,
                 learning_rate: float = 1e-2, validation_fraction: float = 0.1, early_stopping: bool = True,
                 patience: int = 20, tol: float = 1e-4, random_state: int = 0):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.noise = noise
        self.noise_level = noise_level
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.tol = tol
        self.random_state = random_state

    def _check_params(self, n_features: int) -> None:
        if self.noise not in NOISES:
            raise ValueError(f"noise={self.noise!r} must be one of {', '.join(NOISES)}.")
        if not 0 <= self.noise_level < (1 if self.noise == "masking" else float("inf")):
            raise ValueError(f"noise_level={self.noise_level!r} is out of range for {self.noise} noise.")

    def _build(self, families, n_features, feature_mean, output_activation, output_bias):
        hidden, seed = tuple(self.hidden_layer_sizes), int(self.random_state)
        return (families.dense_encoder(n_features, self.n_components, hidden, self.activation, feature_mean, seed),
                families.dense_decoder(self.n_components, n_features, hidden, self.activation, output_activation,
                                       output_bias, seed))

    def _trainer(self, families, encoders, decoders, data_in_unit_range):
        return families.DenoisingAutoencoders(encoders, decoders, seed=int(self.random_state), noise=self.noise,
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
    trained_by_gradient=True, default_on=False, relative_cost=2.5, fit_group=keras_autoencoder.fit_group,
    estimate_cost=autoencoder.estimate_cost)
