"""Adversarial autoencoder (Makhzani et al. 2015): a plain autoencoder whose codes a discriminator pushes towards
N(0, I), so that, like the VAE, it can generate new samples by decoding draws from that prior. It is the GAN of
generative models in autoencoder form: the encoder is the generator, its codes the fakes, prior draws the real."""
from __future__ import annotations

from numbers import Integral, Real
from typing import Mapping, Sequence

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from pipelines.reducers import autoencoder
from pipelines.reducers.autoencoder import ACTIVATIONS, DEFAULT_MAX_STEPS, KerasAutoencoder, PositiveIntegers
from pipelines.reducers.cost import FLOPS_PER_SECOND, Estimate
from pipelines.reducers.method import Method
from pipelines.reducers.settings import Setting
from pipelines.reducers.training.architectures import dense_decoder, dense_encoder


class AdversarialAutoencoder(KerasAutoencoder):
    """Dense autoencoder trained on the mean squared reconstruction error, with a discriminator (two ReLU layers of
    `discriminator_width` units) on its codes, in alternation on every batch: reconstruction step, discriminator step
    (codes against N(0, I) draws), generator step (the encoder fools the discriminator). `adversarial_weight` scales
    the generator step's learning rate relative to `learning_rate` (0: a plain autoencoder); the discriminator learns
    at `discriminator_learning_rate`. `transform` returns the codes and `sample` decodes draws from N(0, I)."""

    _parameter_constraints: dict = {
        **KerasAutoencoder._parameter_constraints,
        "hidden_layer_sizes": [PositiveIntegers()],
        "activation": [StrOptions({"linear", *ACTIVATIONS})],
        "discriminator_width": [Interval(Integral, 1, None, closed="left")],
        "adversarial_weight": [Interval(Real, 0, None, closed="left")],
        "discriminator_learning_rate": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, n_components: int = 2, hidden_layer_sizes: Sequence[int] = (128, 64), activation: str = "elu",
                 discriminator_width: int = 128, adversarial_weight: float = 1.0,
                 discriminator_learning_rate: float = 1e-3, epochs: int = 60, max_steps: int = DEFAULT_MAX_STEPS,
                 batch_size: int = 128,
                 learning_rate: float = 2e-3, validation_fraction: float = 0.1, early_stopping: bool = True,
                 patience: int = 20, tol: float = 1e-4, random_state: int = 0):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.discriminator_width = discriminator_width
        self.adversarial_weight = adversarial_weight
        self.discriminator_learning_rate = discriminator_learning_rate
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
        from pipelines.reducers.training.adversarial import AdversarialAutoencoders

        return AdversarialAutoencoders(encoders, decoders, seed=int(self.random_state),
                                       discriminator_width=int(self.discriminator_width),
                                       adversarial_weight=self.adversarial_weight,
                                       discriminator_rate_factor=self.discriminator_learning_rate / self.learning_rate)

    def sample(self, n: int, random_state: int = 0) -> np.ndarray:
        """`n` new samples: decoded draws from the prior N(0, I), the same for the same `random_state`."""
        check_is_fitted(self, "decoder_")
        codes = np.random.default_rng(random_state).standard_normal((n, self.n_components))
        return self.inverse_transform(codes)


def estimate_cost(params: Mapping[str, object], n_rows: int, n_features: int, sizes: Sequence[int]) -> Estimate:
    """The autoencoders' estimate plus, per row processed, the encoder's extra passes (it holds about half the
    weights and runs forward for the discriminator's codes, then with its gradient in the generator step: some two
    thirds of the autoencoder's work again) and three of the discriminator's passes with their gradients (on codes,
    on prior draws, in the generator step). Measured on mnist-5k at sizes 2 and 16 with the defaults: 82 s of CPU
    time against the VAE's 55 s and the nonlinear AE's 36 s."""
    base = autoencoder.estimate_cost(params, n_rows, n_features, sizes)
    width = int(params["discriminator_width"])
    critic = (max(sizes) + 1) * width + (width + 1) * width + width + 1
    # About 6 operations per weight per row for a pass with its gradient, as in the autoencoders' estimate.
    extra = 6.0 * (2 / 3 * base.parameters + 3 * critic) * len(sizes) * autoencoder.rows_processed(params, n_rows)
    return Estimate(base.parameters, max(base.widest_layer, width), base.seconds + extra / FLOPS_PER_SECOND,
                    base.memory_bytes + 10 * 4 * critic * len(sizes))


DEFAULTS = AdversarialAutoencoder().get_params()

METHOD = Method(
    name="aae", label="Adversarial AE", color="#FF9DA6", build=AdversarialAutoencoder, marker="triangle-down",
    description="An adversarial autoencoder is a plain autoencoder with a GAN on its codes: a discriminator learns "
                "to tell the codes from draws of N(0, I), and the encoder learns to fool it, in turns on every batch. "
                "Its codes fill the prior without the VAE's noise, so it reconstructs about as well as a plain "
                "autoencoder and, like the VAE, generates new samples by decoding prior draws.",
    settings=(*autoencoder.architecture_settings(DEFAULTS),
              Setting("discriminator_width", "Discriminator width", "int", DEFAULTS["discriminator_width"],
                      "Units in each of the discriminator's two hidden layers.", low=1, high=4096),
              Setting("adversarial_weight", "Adversarial weight", "float", DEFAULTS["adversarial_weight"],
                      "How hard the encoder is pushed towards N(0, I): the generator step's learning rate relative "
                      "to the autoencoder's; 0 is a plain autoencoder.", low=0.0, high=100.0),
              Setting("discriminator_learning_rate", "Discriminator learning rate", "float",
                      DEFAULTS["discriminator_learning_rate"], "Adam's initial step size for the discriminator "
                      "(cosine-decayed like the autoencoder's).", low=1e-5, high=1.0),
              *autoencoder.training_settings(DEFAULTS)),
    trained_by_gradient=True, can_sample=True, default_on=False, relative_cost=4.5,
    fit_group=autoencoder.fit_group, estimate_cost=estimate_cost)
