"""Variational autoencoder: codes are a distribution, regularised towards N(0, I), so its latent space is smooth
and it can generate new samples by decoding draws from that prior."""
from __future__ import annotations

from numbers import Real
from typing import Sequence

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from pipelines.reducers import autoencoder
from pipelines.reducers.autoencoder import ACTIVATIONS, DEFAULT_MAX_STEPS, KerasAutoencoder, PositiveIntegers
from pipelines.reducers.method import Method
from pipelines.reducers.settings import Setting
from pipelines.reducers.training.architectures import dense_decoder, dense_encoder


class VariationalAutoencoder(KerasAutoencoder):
    """Dense VAE: encoder → (z_mean, z_log_var), a sampling layer, decoder; loss = reconstruction + β·KL.

    The reconstruction term is a Bernoulli likelihood (cross-entropy) for data in [0, 1] and a unit-variance
    Gaussian (half the squared error) for standardised data, summed over features. `transform` returns z_mean,
    `inverse_transform` decodes codes, and `sample` decodes draws from the prior N(0, I)."""

    _parameter_constraints: dict = {
        **KerasAutoencoder._parameter_constraints,
        "hidden_layer_sizes": [PositiveIntegers()],
        "activation": [StrOptions({"linear", *ACTIVATIONS})],
        "beta": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, n_components: int = 2, hidden_layer_sizes: Sequence[int] = (128, 64), activation: str = "elu",
                 beta: float = 1.0, epochs: int = 60, max_steps: int = DEFAULT_MAX_STEPS, batch_size: int = 128,
                 learning_rate: float = 2e-3,
                 validation_fraction: float = 0.1, early_stopping: bool = True, patience: int = 20,
                 tol: float = 1e-4, random_state: int = 0):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.beta = beta
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
        return (dense_encoder(n_features, self.n_components, hidden, self.activation, feature_mean, seed, heads=2),
                dense_decoder(self.n_components, n_features, hidden, self.activation, output_activation, output_bias,
                              seed))

    def _trainer(self, encoders, decoders, data_in_unit_range):
        from pipelines.reducers.training.keras_engine import VariationalAutoencoders

        return VariationalAutoencoders(encoders, decoders, seed=int(self.random_state), beta=self.beta,
                                       bernoulli=data_in_unit_range)

    def sample(self, n: int, random_state: int = 0) -> np.ndarray:
        """`n` new samples: decoded draws from the prior N(0, I), the same for the same `random_state`."""
        check_is_fitted(self, "decoder_")
        codes = np.random.default_rng(random_state).standard_normal((n, self.n_components))
        return self.inverse_transform(codes)


DEFAULTS = VariationalAutoencoder().get_params()

METHOD = Method(
    name="vae", label="VAE", color="#E45756", build=VariationalAutoencoder, marker="x",
    description="A variational autoencoder encodes each sample as a distribution over codes and is trained to "
                "reconstruct from a random draw of it, while a KL term pulls every code distribution towards "
                "N(0, I). It pays for that smooth, gap-free latent space with blurrier reconstructions than a "
                "plain autoencoder at the same bottleneck, and in return it can generate new samples from the prior.",
    settings=(*autoencoder.architecture_settings(DEFAULTS),
              Setting("beta", "β (weight of the KL term)", "float", DEFAULTS["beta"],
                      "1 is the standard VAE; smaller values reconstruct better with a less regular latent space, "
                      "0 is a plain autoencoder with noisy codes.", low=0.0, high=100.0),
              *autoencoder.training_settings(DEFAULTS)),
    trained_by_gradient=True, can_sample=True, default_on=False, relative_cost=3.0,
    loss_units="per sample: reconstruction (negative log-likelihood, summed over features) + β·KL",
    fit_group=autoencoder.fit_group, estimate_cost=autoencoder.estimate_cost)
