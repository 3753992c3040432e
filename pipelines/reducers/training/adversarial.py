"""The adversarial autoencoder's trainer (Makhzani et al. 2015): a `keras.Model` whose `train_step` alternates, on
every batch, a reconstruction step, a discriminator step and a generator step, for every bottleneck size at once.

Imported only when an adversarial autoencoder trains: it imports Keras (and TensorFlow).
"""
from __future__ import annotations

import keras
from keras import ops

from pipelines.reducers.training.architectures import layer_seed
from pipelines.reducers.training.keras_engine import BranchedAutoencoder, squared_error


def discriminator(k: int, width: int, seed: int) -> keras.Model:
    """Codes through two ReLU layers of `width` units to one logit: how likely the codes are a draw from N(0, I)."""
    codes = keras.Input((k,), name="codes")
    x = codes
    for i in range(2):
        x = keras.layers.Dense(width, activation="relu", name=f"hidden_{i}",
                               kernel_initializer=keras.initializers.GlorotUniform(seed=layer_seed(seed, 400 + i)))(x)
    logit = keras.layers.Dense(1, name="logit",
                               kernel_initializer=keras.initializers.GlorotUniform(seed=layer_seed(seed, 402)))(x)
    return keras.Model(codes, logit, name="discriminator")


class ScaledSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """Another optimizer's learning rate (a schedule or a number) times `factor`, step by step, so the adversarial
    steps decay exactly as the reconstruction steps do (each optimizer steps once per batch)."""

    def __init__(self, rate, factor: float):
        self.rate, self.factor = rate, float(factor)

    def __call__(self, step):
        rate = self.rate(step) if isinstance(self.rate, keras.optimizers.schedules.LearningRateSchedule) else self.rate
        return self.factor * rate


def _bce_with_logits(logits, real: bool):
    """Mean binary cross-entropy of `logits` against labels all 1 (`real`) or all 0, computed stably."""
    return ops.mean(ops.softplus(-logits if real else logits))


class AdversarialAutoencoders(BranchedAutoencoder):
    """Per batch and per branch: (1) encoder and decoder step on the mean squared reconstruction error; (2) the
    discriminator step on the (updated) codes, labelled fake, against as many N(0, I) draws, labelled real; (3) the
    encoder step that makes the discriminator call its codes real (the non-saturating generator loss).

    "loss" is the reconstruction error, so the error curves and early stopping compare like with like with the plain
    autoencoder; "discriminator" (the mean cross-entropy over codes and draws) and "generator" are ln 2 ≈ 0.69 when
    the discriminator cannot tell codes from draws. Adam's steps do not grow with a loss's scale, so the adversarial
    weight scales the generator step's learning rate, relative to the reconstruction step's; the discriminator has
    its own learning rate. Both follow the autoencoder's schedule."""

    terms = ("loss", "reconstruction", "discriminator", "generator")

    def __init__(self, *args, discriminator_width: int = 128, adversarial_weight: float = 1.0,
                 discriminator_rate_factor: float = 1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.adversarial_weight, self.discriminator_rate_factor = float(adversarial_weight), discriminator_rate_factor
        self.discriminators = [discriminator(encoder.outputs[0].shape[-1], discriminator_width, self.seed)
                               for encoder in self.encoders]
        # Each branch draws from the prior as it would alone; validation draws come from their own fixed stream.
        self.prior_seeds = [keras.random.SeedGenerator(layer_seed(self.seed, 1004)) for _ in self.encoders]
        self.validation_prior_seeds = [keras.random.SeedGenerator(layer_seed(self.seed, 1005)) for _ in self.encoders]

    def compile(self, optimizer, **kwargs):
        """`optimizer` trains the autoencoders; the discriminators and the generator steps get copies of it whose
        learning rates are its own times their factors."""
        super().compile(optimizer=optimizer, **kwargs)
        config = optimizer.get_config()
        rate = config["learning_rate"]
        if isinstance(rate, dict):
            rate = keras.optimizers.schedules.deserialize(rate)
        self.discriminator_optimizer, self.generator_optimizer = (
            type(optimizer).from_config({**config, "name": f"{config['name']}_{player}",
                                         "learning_rate": ScaledSchedule(rate, factor)})
            for player, factor in (("discriminator", self.discriminator_rate_factor),
                                   ("generator", self.adversarial_weight)))

    def _discriminator_loss(self, i, codes, seed_generator):
        draws = keras.random.normal(ops.shape(codes), seed=seed_generator)
        critic = self.discriminators[i]
        return 0.5 * (_bce_with_logits(critic(draws), real=True) + _bce_with_logits(critic(codes), real=False))

    def branch_losses(self, i, x, training):
        """Branch i's terms without any step (validation): reconstruction, and both players' losses on its codes."""
        codes = self.encoders[i](x, training=training)
        reconstruction = squared_error(x, self.decoders[i](codes, training=training))
        seeds = (self.prior_seeds if training else self.validation_prior_seeds)[i]
        return {"loss": reconstruction, "reconstruction": reconstruction,
                "discriminator": self._discriminator_loss(i, codes, seeds),
                "generator": _bce_with_logits(self.discriminators[i](codes), real=True)}

    def train_step(self, x):
        import tensorflow as tf

        branches = range(len(self.encoders))
        autoencoder_variables = [v for i in branches
                                 for v in self.encoders[i].trainable_variables + self.decoders[i].trainable_variables]
        encoder_variables = [v for i in branches for v in self.encoders[i].trainable_variables]
        critic_variables = [v for critic in self.discriminators for v in critic.trainable_variables]

        with tf.GradientTape() as tape:
            reconstruction = [squared_error(x, self.decoders[i](self.encoders[i](x, training=True), training=True))
                              for i in branches]
            total = sum(reconstruction)  # inside the tape: the sum is part of what it differentiates
        self.optimizer.apply(tape.gradient(total, autoencoder_variables), autoencoder_variables)

        codes = [self.encoders[i](x, training=True) for i in branches]
        with tf.GradientTape() as tape:
            critic = [self._discriminator_loss(i, codes[i], self.prior_seeds[i]) for i in branches]
            total = sum(critic)
        self.discriminator_optimizer.apply(tape.gradient(total, critic_variables), critic_variables)

        with tf.GradientTape() as tape:
            generator = [_bce_with_logits(self.discriminators[i](self.encoders[i](x, training=True)), real=True)
                         for i in branches]
            total = sum(generator)
        self.generator_optimizer.apply(tape.gradient(total, encoder_variables), encoder_variables)

        for i in branches:
            for term, value in (("loss", reconstruction[i]), ("reconstruction", reconstruction[i]),
                                ("discriminator", critic[i]), ("generator", generator[i])):
                self.trackers[f"{term}_{i}"].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}
