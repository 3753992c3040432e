"""Train several autoencoders that differ only in bottleneck size as one stacked, compiled computation.

Every layer of the m models is stored as one (m, inputs, units) weight tensor and applied with a batched
matrix product; bottleneck units beyond a model's own size are masked to zero, so they get no gradient and
each model keeps exactly its own weights and its own loss. The summed loss gives every weight the gradient
of its own model's loss, and Adam scales each weight separately, so the models train as if alone, with
their own early stopping and best epoch. Stacking keeps the traced graph the size of one model, and one
XLA-compiled function runs a whole epoch, so Python is entered once per epoch rather than once per batch.
Every random draw comes from generators seeded here (initial weights, batch order), never from global state,
so concurrent sessions in one server cannot disturb each other's numbers.
"""
from __future__ import annotations

import math
import time
from typing import Sequence

import numpy as np

from pipelines.cost import FLOPS_PER_SECOND, dense_layer_widths
from pipelines.reducers.keras_runtime import keras_module
from pipelines.reducers.method import FitControl

MAX_SECONDS_BETWEEN_STOP_CHECKS = 0.5
MIN_STEPS_PER_EPOCH = 32  # small datasets (iris: 120 training rows) would otherwise get too few steps to converge


def split_validation(X: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Seeded random hold-out of `fraction` of the rows for early stopping (None when too few rows)."""
    n_val = int(round(fraction * len(X)))
    if fraction <= 0 or n_val < 1 or len(X) - n_val < 2:
        return X, None
    order = np.random.default_rng(seed).permutation(len(X))
    return X[order[n_val:]], X[order[:n_val]]


def effective_batch_size(batch_size: int, n_rows: int) -> int:
    """`batch_size`, made smaller on small data so that every epoch takes at least MIN_STEPS_PER_EPOCH steps."""
    return max(1, min(batch_size, n_rows // MIN_STEPS_PER_EPOCH))


class _StackedAutoencoders:
    """The weights of m same-architecture autoencoders, padded to the largest bottleneck."""

    def __init__(self, keras, bottlenecks: Sequence[int], n_features: int, hidden: Sequence[int],
                 activation: str, output_activation: str, output_bias: np.ndarray, seed: int):
        self.bottlenecks = list(bottlenecks)
        m, widest = len(bottlenecks), max(bottlenecks)
        self.code_layer = len(hidden)
        self.activations = ([activation] * len(hidden) + ["linear"] + [activation] * len(hidden)
                            + [output_activation])
        # One generator per model, seeded by (seed, bottleneck): a model starts from the same weights whether it
        # trains alone or beside others.
        rngs = [np.random.default_rng([seed, k]) for k in self.bottlenecks]
        self.kernels, self.biases = [], []
        for layer, (fan_in, units) in enumerate(dense_layer_widths(n_features, widest, hidden)):
            kernel = np.zeros((m, fan_in, units), dtype="float32")
            for i, k in enumerate(self.bottlenecks):
                # Glorot-uniform for each model's own layer shape, as a Dense layer of that size would get.
                rows, cols = dense_layer_widths(n_features, k, hidden)[layer]
                limit = np.sqrt(6.0 / (rows + cols))
                kernel[i, :rows, :cols] = rngs[i].uniform(-limit, limit, (rows, cols))
            bias = np.zeros((m, units), dtype="float32")
            if layer == len(self.activations) - 1:
                bias[:] = output_bias
            self.kernels.append(keras.Variable(kernel, name=f"kernel_{layer}"))
            self.biases.append(keras.Variable(bias, name=f"bias_{layer}"))
        self.code_mask = (np.arange(widest)[None, None, :] < np.array(bottlenecks)[:, None, None]).astype("float32")
        self.variables = [*self.kernels, *self.biases]
        self.n_weights = sum(int(np.prod(v.shape)) for v in self.variables)

    def __call__(self, tf, keras, features, feature_mean):
        """Reconstructions of every model, shape (m, batch, n_features)."""
        x = tf.broadcast_to((features - feature_mean)[None], (len(self.bottlenecks), *features.shape))
        for layer, (kernel, bias, activation) in enumerate(zip(self.kernels, self.biases, self.activations)):
            x = keras.activations.get(activation)(tf.matmul(x, kernel) + bias[:, None, :])
            if layer == self.code_layer:
                x = x * self.code_mask
        return x

    def values(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """A copy of every layer's stacked (kernel, bias)."""
        return [(kernel.numpy(), bias.numpy()) for kernel, bias in zip(self.kernels, self.biases)]

    def weights_of(self, i: int, values: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
        """Model i's kernels and biases, unpadded, in Keras Dense order (kernel, bias per layer)."""
        k, out = self.bottlenecks[i], []
        for layer, (kernel, bias) in enumerate(values):
            w, b = kernel[i], bias[i]
            if layer == self.code_layer:
                w, b = w[:, :k], b[:k]
            elif layer == self.code_layer + 1:
                w = w[:k]
            out += [w, b]
        return out


class _EarlyStopping:
    """Per-model bookkeeping: loss history, best epoch, whether it has stopped."""

    def __init__(self, patience: int, tol: float):
        self.patience, self.tol = patience, tol
        self.best, self.best_epoch, self.stopped = np.inf, 0, False
        self.last_real_improvement, self.last_improved_epoch = np.inf, 0
        self.history: dict[str, list[float]] = {"loss": [], "val_loss": []}

    def update(self, epoch: int, train_loss: float, monitored: float, has_validation: bool) -> bool:
        """Record one epoch; True when this epoch is the best so far (its weights should be kept)."""
        self.history["loss"].append(train_loss)
        if has_validation:
            self.history["val_loss"].append(monitored)
        improved = monitored < self.best
        if improved:
            self.best, self.best_epoch = monitored, epoch
        # Patience restarts only on a real improvement, so a slow creep cannot keep training alive forever.
        if monitored < self.last_real_improvement * (1.0 - self.tol):
            self.last_real_improvement, self.last_improved_epoch = monitored, epoch
        elif self.patience and epoch - self.last_improved_epoch >= self.patience:
            self.stopped = True
        return improved


def _progress_message(epoch: int, epochs: int, seconds_since_first_epoch: float) -> str:
    """What trains and, once the pace is known, at most how long is left (early stopping may end sooner)."""
    if epoch == 0:
        return f"epoch 1/{epochs} (compiled; timing the next epochs)"
    left = seconds_since_first_epoch / epoch * (epochs - epoch - 1)
    if epoch + 1 == epochs:
        return f"epoch {epochs}/{epochs}, finishing"
    # Rounded up, so the estimate never reads 0 s while epochs remain.
    return f"epoch {epoch + 1}/{epochs}, " + (f"at most {math.ceil(left)} s left" if left >= 1 else "under 1 s left")


def fit_autoencoders(estimators: Sequence, X: np.ndarray, control: FitControl) -> None:
    """Fit every `Autoencoder` in `estimators` on `X` at once; they may differ only in `n_components`.

    `control` hears of every epoch and may stop training between epochs (TrainingStopped; nothing is kept)."""
    shared = {**estimators[0].get_params(), "n_components": None}
    if any({**est.get_params(), "n_components": None} != shared for est in estimators[1:]):
        raise ValueError("Autoencoders trained together may differ only in n_components; fit them separately.")
    for est in estimators:
        est._validate_params_for(X)
    first = estimators[0]
    keras = keras_module()
    import tensorflow as tf

    X = np.asarray(X, dtype="float32")
    seed = int(first.random_state)
    X_fit, X_val = split_validation(X, first.validation_fraction if first.early_stopping else 0.0, seed)
    feature_mean = X_fit.mean(axis=0)
    output_activation = first._resolve_output_activation(X_fit)
    output_bias = feature_mean
    if output_activation == "sigmoid":
        clipped = np.clip(feature_mean, 1e-3, 1 - 1e-3)
        output_bias = np.log(clipped / (1 - clipped))  # start at the mean image; the weights stay random
    stack = _StackedAutoencoders(keras, [est.n_components for est in estimators], X.shape[1],
                                 first.hidden_layer_sizes, first.activation, output_activation, output_bias, seed)

    batch_size = effective_batch_size(int(first.batch_size), len(X_fit))
    steps_per_epoch = len(X_fit) // batch_size  # a fresh shuffle each epoch, so no row is always left out
    epochs = int(first.epochs)
    schedule = keras.optimizers.schedules.CosineDecay(float(first.learning_rate),
                                                      decay_steps=epochs * steps_per_epoch, alpha=0.01)
    optimizer = keras.optimizers.Adam(schedule)
    optimizer.build(stack.variables)
    data, mean = tf.constant(X_fit), tf.constant(feature_mean)
    validation = None if X_val is None else tf.constant(X_val)

    def losses_on(batch):
        return tf.reduce_mean(tf.square(stack(tf, keras, batch, mean) - batch[None]), axis=(1, 2))

    @tf.function(jit_compile=True)
    def train_steps(epoch, first_step, end_step):
        """Steps [first_step, end_step) of `epoch`; returns the sum of each model's batch losses."""
        order = tf.argsort(tf.random.stateless_uniform((len(X_fit),), seed=tf.stack([seed, epoch])))
        batches = tf.reshape(order[: steps_per_epoch * batch_size], (steps_per_epoch, batch_size))
        total = tf.zeros(len(estimators))
        for step in tf.range(first_step, end_step):
            batch = tf.gather(data, batches[step])
            with tf.GradientTape() as tape:
                batch_losses = losses_on(batch)
                loss = tf.reduce_sum(batch_losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, stack.variables), stack.variables))
            total += batch_losses
        return total

    @tf.function(jit_compile=True)
    def monitored_losses():
        # Without a validation split, stopping and "best epoch" use the loss of the whole training set at the
        # epoch's end: the running average over batches is too noisy to compare epochs with.
        return losses_on(data if validation is None else validation)

    # An epoch runs in chunks of steps short enough that a stop request is honoured within about a second.
    step_seconds = 6.0 * stack.n_weights * batch_size / FLOPS_PER_SECOND
    steps_per_call = max(1, min(steps_per_epoch, int(MAX_SECONDS_BETWEEN_STOP_CHECKS / step_seconds)))
    stoppers = [_EarlyStopping(int(first.patience) if first.early_stopping else 0, float(first.tol))
                for _ in estimators]
    initial = stack.values()
    best_weights = [stack.weights_of(i, initial) for i in range(len(estimators))]
    started = paced_since = time.perf_counter()
    for epoch in range(epochs):
        total = np.zeros(len(estimators), dtype="float32")
        for first_step in range(0, steps_per_epoch, steps_per_call):
            control.stop_if_asked()
            end_step = min(first_step + steps_per_call, steps_per_epoch)
            total += train_steps(tf.constant(epoch), tf.constant(first_step), tf.constant(end_step)).numpy()
        train_losses, monitored = total / steps_per_epoch, monitored_losses().numpy()
        improved = [i for i, stopper in enumerate(stoppers) if not stopper.stopped and stopper.update(
            epoch, float(train_losses[i]), float(monitored[i]), has_validation=X_val is not None)]
        if improved:
            current = stack.values()
            for i in improved:
                best_weights[i] = stack.weights_of(i, current)
        control.report((epoch + 1) / epochs, _progress_message(epoch, epochs, time.perf_counter() - paced_since))
        if epoch == 0:
            paced_since = time.perf_counter()  # the pace of later epochs leaves out the one-off compilation
        if all(s.stopped for s in stoppers):
            break
    seconds = time.perf_counter() - started

    for est, stopper, weights in zip(estimators, stoppers, best_weights):
        est._set_fitted(weights, feature_mean, output_activation, history=stopper.history,
                        best_epoch=stopper.best_epoch, fit_seconds=seconds,
                        n_features=X.shape[1])
