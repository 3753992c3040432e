"""The general Keras training path: autoencoder families as `keras.Model`s with their own `train_step`.

A family (plain, denoising, variational) trains several bottleneck sizes at once as branches of one model: each
branch has its own encoder, decoder and named losses, and the summed total gives every weight its own branch's
gradient, so a branch trains as if alone (Adam scales each weight separately). Keras callbacks stop each branch
early on its own validation loss and keep its best weights, report progress and honour a stop flag.

Imported only when a Keras-path model is built, trained or loaded: it imports Keras (and TensorFlow). Its custom
layer is registered, so saved models load with `safe_mode=True`.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import keras
import numpy as np
from keras import ops

PACKAGE = "latent_lab"


@keras.saving.register_keras_serializable(package=PACKAGE)
class Sampling(keras.layers.Layer):
    """The reparameterisation trick: z = mean + exp(log_var / 2) · ε with ε ~ N(0, I), seeded."""

    def __init__(self, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_var = inputs
        epsilon = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * epsilon

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def layer_seed(seed: int, layer: int) -> int:
    """A seed for one layer's (or one noise stream's) draws, independent across layers and training seeds: seed + layer
    would give repeat s + 1 the streams of repeat s's next layer."""
    return int(np.random.SeedSequence([int(seed), int(layer)]).generate_state(1)[0] % (2**31 - 1))


def _dense(units: int, activation: str, seed: int, name: str) -> keras.layers.Dense:
    return keras.layers.Dense(units, activation=activation, name=name,
                              kernel_initializer=keras.initializers.GlorotUniform(seed=seed))


def dense_encoder(n_features: int, k: int, hidden: Sequence[int], activation: str, feature_mean: np.ndarray,
                  seed: int, heads: int = 1) -> keras.Model:
    """Centred features through dense hidden layers to `heads` linear outputs of k codes (2 for a VAE: mean and
    log-variance)."""
    inputs = keras.Input((n_features,), name="features")
    x = keras.layers.Normalization(mean=feature_mean, variance=np.ones_like(feature_mean), name="center")(inputs)
    for i, units in enumerate(hidden):
        x = _dense(units, activation, layer_seed(seed, i), f"hidden_{i}")(x)
    names = ["codes"] if heads == 1 else ["z_mean", "z_log_var"]
    outputs = [_dense(k, "linear", layer_seed(seed, 100 + j), name)(x) for j, name in enumerate(names)]
    return keras.Model(inputs, outputs[0] if heads == 1 else outputs, name="encoder")


def dense_decoder(k: int, n_features: int, hidden: Sequence[int], activation: str, output_activation: str,
                  output_bias: np.ndarray, seed: int) -> keras.Model:
    """Codes through the mirrored hidden layers back to the features."""
    codes = keras.Input((k,), name="codes")
    x = codes
    for i, units in enumerate(reversed(hidden)):
        x = _dense(units, activation, layer_seed(seed, 200 + i), f"hidden_{i}")(x)
    outputs = keras.layers.Dense(n_features, activation=output_activation, name="reconstruction",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed=layer_seed(seed, 300)),
                                 bias_initializer=keras.initializers.Constant(output_bias))(x)
    return keras.Model(codes, outputs, name="decoder")


def conv_encoder(image_shape: tuple[int, int], k: int, filters: Sequence[int], activation: str,
                 feature_mean: np.ndarray, seed: int) -> keras.Model:
    """Flat pixels as an image, strided 3×3 convolutions halving it per layer, then a dense bottleneck of k codes."""
    height, width = image_shape
    inputs = keras.Input((height * width,), name="features")
    x = keras.layers.Normalization(mean=feature_mean, variance=np.ones_like(feature_mean), name="center")(inputs)
    x = keras.layers.Reshape((height, width, 1))(x)
    for i, channels in enumerate(filters):
        x = keras.layers.Conv2D(channels, 3, strides=2, padding="same", activation=activation, name=f"conv_{i}",
                                kernel_initializer=keras.initializers.GlorotUniform(seed=layer_seed(seed, i)))(x)
    x = keras.layers.Flatten()(x)
    codes = _dense(k, "linear", layer_seed(seed, 100), "codes")(x)
    return keras.Model(inputs, codes, name="encoder")


def conv_decoder(k: int, image_shape: tuple[int, int], filters: Sequence[int], activation: str,
                 output_activation: str, output_bias: np.ndarray, seed: int) -> keras.Model:
    """Codes to the encoder's smallest feature map, transposed convolutions doubling it back (mirroring the
    encoder), cropped to the image, flattened to pixels."""
    height, width = image_shape
    scale = 2 ** len(filters)
    small = (math.ceil(height / scale), math.ceil(width / scale))
    codes = keras.Input((k,), name="codes")
    x = _dense(small[0] * small[1] * filters[-1], activation, layer_seed(seed, 200), "expand")(codes)
    x = keras.layers.Reshape((*small, filters[-1]))(x)
    # The encoder's layers in reverse: each transposed convolution doubles the map and goes to the channels the
    # encoder had at that size, the last one to the single pixel channel.
    outputs = [*reversed(filters[:-1]), 1]
    for i, channels in enumerate(outputs):
        last = i == len(outputs) - 1
        x = keras.layers.Conv2DTranspose(channels, 3, strides=2, padding="same",
                                         activation="linear" if last else activation, name=f"deconv_{i}",
                                         kernel_initializer=keras.initializers.GlorotUniform(
                                             seed=layer_seed(seed, 300 + i)))(x)
    x = keras.layers.Cropping2D(((0, small[0] * scale - height), (0, small[1] * scale - width)))(x)
    x = keras.layers.Flatten()(x)
    # The mean image as a fixed offset before the output activation, so training starts from the mean image.
    outputs = keras.layers.Activation(output_activation, name="reconstruction")(
        keras.layers.Rescaling(1.0, offset=output_bias.astype("float32"), name="mean_image")(x))
    return keras.Model(codes, outputs, name="decoder")


class BranchedAutoencoder(keras.Model):
    """Autoencoders of one family at several bottleneck sizes, trained together as branches of one model.

    `branch_losses(i, x, training)` gives branch i's named loss terms (each a batch mean) with its total under
    "loss"; the model minimises the sum of the totals and tracks every term per branch as `NAME_i`."""

    terms: tuple[str, ...] = ("loss",)

    def __init__(self, encoders: Sequence[keras.Model], decoders: Sequence[keras.Model], seed: int, **kwargs):
        super().__init__(**kwargs)
        self.seed = int(seed)
        self.encoders, self.decoders = list(encoders), list(decoders)
        # One generator per branch, all seeded alike: each branch draws the noise it would draw alone.
        self.noise_seeds = [keras.random.SeedGenerator(layer_seed(seed, 1000)) for _ in self.encoders]
        self.trackers = {f"{term}_{i}": keras.metrics.Mean(name=f"{term}_{i}")
                         for i in range(len(self.encoders)) for term in self.terms}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def branch_losses(self, i: int, x, training: bool) -> dict:
        raise NotImplementedError

    def _summed_losses(self, x, training: bool):
        terms = [self.branch_losses(i, x, training) for i in range(len(self.encoders))]
        for i, branch in enumerate(terms):
            for term, value in branch.items():
                self.trackers[f"{term}_{i}"].update_state(value)
        return sum(branch["loss"] for branch in terms)

    def train_step(self, data):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            total = self._summed_losses(data, training=True)
        self.optimizer.apply(tape.gradient(total, self.trainable_variables), self.trainable_variables)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def test_step(self, data):
        self._summed_losses(data, training=False)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def call(self, x):
        return [decoder(encoder(x)) for encoder, decoder in zip(self.encoders, self.decoders)]


def squared_error(x, reconstruction):
    """Mean over the batch and features of the squared error."""
    return ops.mean(ops.square(reconstruction - x))


def shifted_by_up_to_a_pixel(x, shape: tuple[int, int], seed_generator):
    """Each flat image of `x` moved by -1, 0 or 1 pixel down and across (zeros fill in), at random."""
    height, width = shape
    images = ops.pad(ops.reshape(x, (-1, height, width)), ((0, 0), (1, 1), (1, 1)))
    moves = ops.stack([images[:, dy:dy + height, dx:dx + width] for dy in range(3) for dx in range(3)], axis=1)
    choice = ops.one_hot(keras.random.randint(ops.shape(x)[:1], 0, 9, seed=seed_generator), 9)
    return ops.reshape(ops.sum(moves * choice[:, :, None, None], axis=1), (-1, height * width))


class PlainAutoencoders(BranchedAutoencoder):
    """Minimise the mean squared reconstruction error, like the fused trainer does; with `shift_images` (an image
    shape), of training images each moved by up to a pixel."""

    def __init__(self, *args, shift_images: tuple[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shift_images = shift_images
        self.shift_seeds = [keras.random.SeedGenerator(layer_seed(self.seed, 1001)) for _ in self.encoders]

    def branch_losses(self, i, x, training):
        if training and self.shift_images is not None:
            x = shifted_by_up_to_a_pixel(x, self.shift_images, self.shift_seeds[i])
        return {"loss": squared_error(x, self.decoders[i](self.encoders[i](x, training=training),
                                                          training=training))}


class DenoisingAutoencoders(BranchedAutoencoder):
    """Reconstruct clean inputs from corrupted ones: Gaussian noise of standard deviation `level` (in the data's
    scaled units) or masking, each feature zeroed with probability `level`; validation inputs stay clean."""

    def __init__(self, *args, noise: str = "gaussian", level: float = 0.2, **kwargs):
        super().__init__(*args, **kwargs)
        self.noise, self.level = noise, float(level)

    def corrupt(self, i, x):
        if self.noise == "gaussian":
            return x + self.level * keras.random.normal(ops.shape(x), seed=self.noise_seeds[i])
        kept = keras.random.uniform(ops.shape(x), seed=self.noise_seeds[i]) >= self.level
        return ops.where(kept, x, ops.zeros_like(x))

    def branch_losses(self, i, x, training):
        inputs = self.corrupt(i, x) if training else x
        return {"loss": squared_error(x, self.decoders[i](self.encoders[i](inputs, training=training),
                                                          training=training))}


class VariationalAutoencoders(BranchedAutoencoder):
    """The negative evidence lower bound per sample: reconstruction (Bernoulli for data in [0, 1], Gaussian with
    unit variance otherwise, summed over features) plus β · KL(q(z|x) ‖ N(0, I))."""

    terms = ("loss", "reconstruction", "kl")

    def __init__(self, *args, beta: float = 1.0, bernoulli: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.beta, self.bernoulli = float(beta), bernoulli
        # Each branch samples as it would alone; validation draws from its own fixed stream, so its loss is the
        # same estimate of the negative ELBO as training's, not the loss of the mean code.
        self.samplers = [Sampling(seed=layer_seed(self.seed, 1002)) for _ in self.encoders]
        self.validation_samplers = [Sampling(seed=layer_seed(self.seed, 1003)) for _ in self.encoders]

    def branch_losses(self, i, x, training):
        mean, log_var = self.encoders[i](x, training=training)
        z = (self.samplers if training else self.validation_samplers)[i]([mean, log_var])
        reconstruction = self.decoders[i](z, training=training)
        if self.bernoulli:
            clipped = ops.clip(reconstruction, 1e-6, 1 - 1e-6)
            per_feature = -(x * ops.log(clipped) + (1 - x) * ops.log(1 - clipped))
        else:
            per_feature = 0.5 * ops.square(reconstruction - x)
        reconstruction_loss = ops.mean(ops.sum(per_feature, axis=1))
        kl = ops.mean(-0.5 * ops.sum(1 + log_var - ops.square(mean) - ops.exp(log_var), axis=1))
        return {"loss": reconstruction_loss + self.beta * kl, "reconstruction": reconstruction_loss, "kl": kl}

    def call(self, x):
        return [decoder(encoder(x)[0]) for encoder, decoder in zip(self.encoders, self.decoders)]


class BranchEarlyStopping(keras.callbacks.Callback):
    """Early stopping per branch: each keeps its own history, best epoch and best weights, and stops improving
    the record once its patience runs out, exactly when it would have stopped alone; training ends when every
    branch has stopped, and each branch gets its best weights back."""

    def __init__(self, terms: Sequence[str], n_branches: int, patience: int, tol: float, has_validation: bool,
                 report: Callable[[int, list[dict]], None]):
        super().__init__()
        self.terms, self.n, self.patience, self.tol = terms, n_branches, patience, tol
        self.has_validation, self.report = has_validation, report
        self.histories = [{**{t: [] for t in terms}, **({f"val_{t}": [] for t in terms} if has_validation else {})}
                          for _ in range(n_branches)]
        self.best = [math.inf] * n_branches
        self.best_epoch = [0] * n_branches
        self.last_real = [math.inf] * n_branches
        self.last_improved = [0] * n_branches
        self.stopped = [False] * n_branches
        self.best_weights: list[list[np.ndarray]] = []  # the initial weights until an epoch improves on them

    def on_train_begin(self, logs=None):
        self.best_weights = [[np.array(w) for w in self._weights(i)] for i in range(self.n)]

    def _weights(self, i: int) -> list:
        return self.model.encoders[i].weights + self.model.decoders[i].weights

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        for i in range(self.n):
            if self.stopped[i]:
                continue
            for name in self.histories[i]:
                term, split = (name[4:], "val_") if name.startswith("val_") else (name, "")
                self.histories[i][name].append(float(logs[f"{split}{term}_{i}"]))
            monitored = self.histories[i]["val_loss" if self.has_validation else "loss"][-1]
            if monitored < self.best[i]:  # never true for NaN: a diverged branch keeps its last finite weights
                self.best[i], self.best_epoch[i] = monitored, epoch
                self.best_weights[i] = [np.array(w) for w in self._weights(i)]
            if monitored < self.last_real[i] * (1.0 - self.tol):
                self.last_real[i], self.last_improved[i] = monitored, epoch
            elif self.patience and epoch - self.last_improved[i] >= self.patience:
                self.stopped[i] = True
            if not math.isfinite(monitored):
                self.stopped[i] = True  # diverged: keep the last finite weights and say so in the scores
        self.report(epoch, self.histories)
        if all(self.stopped):
            self.model.stop_training = True

    def restore(self) -> None:
        for i in range(self.n):
            for variable, value in zip(self._weights(i), self.best_weights[i]):
                variable.assign(value)


class StopFlag(keras.callbacks.Callback):
    """Checks the stop flag after every batch, so a stop request ends training within a batch."""

    def __init__(self, check: Callable[[], None]):
        super().__init__()
        self.check = check

    def on_train_batch_end(self, batch, logs=None):
        self.check()
