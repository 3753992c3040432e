"""The Keras engine: autoencoder families as `keras.Model`s with their own `train_step`, trained by `train`.

A family (plain, denoising, variational) trains several bottleneck sizes at once as branches of one model: each
branch has its own encoder, decoder and named losses, and the summed total gives every weight its own branch's
gradient, so a branch trains as if alone (Adam scales each weight separately). Keras callbacks stop each branch
by the shared early-stopping rule on its own validation loss, report progress and honour a stop flag. The seeded
validation hold-out, batch sizes, step budget and cosine-decayed Adam are the fused engine's.

Imported only when a Keras-path model is built, trained or loaded: it imports Keras (and TensorFlow). Its custom
layer is registered, so saved models load with `safe_mode=True`.
"""
from __future__ import annotations

import time
from typing import Callable, Sequence

import keras
import numpy as np
from keras import ops

from pipelines.reducers.method import FitControl
from pipelines.reducers.training import outputs
from pipelines.reducers.training.architectures import layer_seed
from pipelines.reducers.training.batches import effective_batch_size, training_epochs, validation_rows
from pipelines.reducers.training.early_stopping import EarlyStopping
from pipelines.reducers.training.progress import EpochProgress

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
    """The shared early-stopping rule per branch, so each stops exactly when it would have alone; training ends
    when every branch has stopped, and `restore` gives each branch its best weights back."""

    def __init__(self, terms: Sequence[str], n_branches: int, patience: int, tol: float, has_validation: bool,
                 progress: EpochProgress):
        super().__init__()
        self.has_validation, self.progress = has_validation, progress
        self.names = [*terms, *(f"val_{t}" for t in terms if has_validation)]
        self.n, self.patience, self.tol = n_branches, patience, tol
        self.branches: list[EarlyStopping] = []

    def on_train_begin(self, logs=None):
        self.branches = [EarlyStopping(self.patience, self.tol, self.names, self._weights(i)) for i in range(self.n)]

    def _weights(self, i: int) -> list[np.ndarray]:
        return [np.array(w) for w in self._variables(i)]

    def _variables(self, i: int) -> list:
        return self.model.encoders[i].weights + self.model.decoders[i].weights

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        for i, branch in enumerate(self.branches):
            losses = {name: float(logs[f"{name}_{i}"]) for name in self.names}
            branch.update(epoch, losses, losses["val_loss" if self.has_validation else "loss"],
                          lambda i=i: self._weights(i))
        self.progress.epoch_done(epoch)
        if all(branch.stopped for branch in self.branches):
            self.model.stop_training = True

    def restore(self) -> None:
        for i, branch in enumerate(self.branches):
            for variable, value in zip(self._variables(i), branch.best_weights):
                variable.assign(value)


class StopFlag(keras.callbacks.Callback):
    """Checks the stop flag after every batch, so a stop request ends training within a batch."""

    def __init__(self, check: Callable[[], None]):
        super().__init__()
        self.check = check

    def on_train_batch_end(self, batch, logs=None):
        self.check()


def train(estimators: Sequence, X: np.ndarray, control: FitControl) -> None:
    """Fit Keras-path autoencoders of one family that differ only in `n_components`, together in one model.

    `control` hears of every epoch and may stop training after any batch (TrainingStopped; nothing is kept)."""
    shared = {**estimators[0].get_params(), "n_components": None}
    if any(type(est) is not type(estimators[0]) or {**est.get_params(), "n_components": None} != shared
           for est in estimators[1:]):
        raise ValueError("Autoencoders trained together may differ only in n_components; fit them separately.")
    first = estimators[0]
    import tensorflow as tf

    X = np.asarray(X, dtype="float32")
    seed = int(first.random_state)
    fit_rows, validation = validation_rows(len(X), first.validation_fraction if first.early_stopping else 0.0, seed)
    X_fit = X[fit_rows]
    feature_mean = X_fit.mean(axis=0)
    output_activation = outputs.output_activation("auto", X)
    output_bias = outputs.output_bias(feature_mean, output_activation)
    built = [est._build(X.shape[1], feature_mean, output_activation, output_bias) for est in estimators]
    encoders, decoders = [b[0] for b in built], [b[1] for b in built]
    model = first._trainer(encoders, decoders, outputs.in_unit_range(X))

    batch_size = effective_batch_size(int(first.batch_size), len(X_fit))
    steps_per_epoch = len(X_fit) // batch_size
    epochs = training_epochs(first.epochs, first.max_steps, steps_per_epoch)
    schedule = keras.optimizers.schedules.CosineDecay(float(first.learning_rate),
                                                      decay_steps=epochs * steps_per_epoch, alpha=0.01)
    # Keras cannot compile these models with XLA (it falls back with a warning), so they run as TensorFlow graphs.
    model.compile(optimizer=keras.optimizers.Adam(schedule), jit_compile=False)
    batches = (tf.data.Dataset.from_tensor_slices(X_fit)
               .shuffle(len(X_fit), seed=seed, reshuffle_each_iteration=True)
               .batch(batch_size, drop_remainder=True))
    validation_data = None if validation is None else tf.data.Dataset.from_tensor_slices(X[validation]).batch(1024)

    started = time.perf_counter()
    stopping = BranchEarlyStopping(model.terms, len(estimators), int(first.patience) if first.early_stopping else 0,
                                   float(first.tol), validation is not None, EpochProgress(control, epochs))
    control.stop_if_asked()
    model.fit(batches, epochs=epochs, validation_data=validation_data, verbose=0, shuffle=False,
              callbacks=[StopFlag(control.stop_if_asked), stopping])
    stopping.restore()
    seconds = time.perf_counter() - started
    for est, encoder, decoder, branch in zip(estimators, encoders, decoders, stopping.branches):
        est._set_fitted(encoder, decoder, output_activation, branch.history, branch.best_epoch, seconds, X.shape[1])
