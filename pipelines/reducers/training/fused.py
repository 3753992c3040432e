"""Train several autoencoders that differ only in bottleneck size and seed as one stacked, compiled computation.

Every layer of equal shape across the m models is stored as one (m, inputs, units) weight tensor and applied with
a batched matrix product; bottleneck units beyond a model's own size are masked to zero, so they get no gradient and
each model trains exactly as its own, narrower network would. Padding beats a product per model: on 56,000 × 784
rows one epoch of the six-size nonlinear sweep took 77 s padded against 148 s per model, whose many small products
XLA compiles and runs poorly. The summed loss gives every weight the gradient of its own model's loss, and Adam scales
each weight separately, so the models train as if alone, with their own early stopping and best epoch.
One XLA-compiled function runs many steps, so Python is entered a few times per epoch, not once per batch.
Training is sized by work: at most `epochs` passes and about `max_steps` gradient steps, whichever is fewer.
Every random draw comes from generators seeded here, never from global state, so concurrent sessions in one
server cannot disturb each other's numbers. Each model draws from its own seed: its initial weights (seeded by
its seed and size), its validation hold-out and its batch order (seeded by its seed), so repeats over seeds
train together and each equals the same model trained alone. The rows scored at each epoch's end are held once
per seed and scored in chunks, so memory does not grow with models × rows.
"""
from __future__ import annotations

import functools
import time
from typing import Sequence

import numpy as np

from pipelines.reducers.cost import FLOPS_PER_SECOND, MONITORED_ROWS_AT_ONCE
from pipelines.reducers.method import FitControl
from pipelines.reducers.training import outputs
from pipelines.reducers.training.architectures import dense_decoder, dense_encoder, dense_layer_widths
from pipelines.reducers.training.batches import effective_batch_size, training_epochs, validation_rows
from pipelines.reducers.training.early_stopping import EarlyStopping
from pipelines.reducers.training.keras_runtime import keras_module
from pipelines.reducers.training.progress import EpochProgress

MAX_SECONDS_BETWEEN_STOP_CHECKS = 0.5


class _StackedAutoencoders:
    """The weights of m same-architecture autoencoders, padded to the largest bottleneck: one batched product per
    layer keeps the compiled step small and fast (see the module's note)."""

    def __init__(self, keras, bottlenecks: Sequence[int], n_features: int, hidden: Sequence[int],
                 activation: str, output_activation: str, output_bias: np.ndarray, seeds: Sequence[int]):
        self.bottlenecks = list(bottlenecks)
        m, widest = len(bottlenecks), max(bottlenecks)
        self.code_layer = len(hidden)
        self.activations = ([activation] * len(hidden) + ["linear"] + [activation] * len(hidden)
                            + [output_activation])
        # One generator per model, seeded by (seed, bottleneck): a model starts from the same weights whether it
        # trains alone or beside others.
        rngs = [np.random.default_rng([seed, k]) for seed, k in zip(seeds, self.bottlenecks)]
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
                bias[:] = output_bias  # (m, n_features): each model starts at its own training rows' mean
            self.kernels.append(keras.Variable(kernel, name=f"kernel_{layer}"))
            self.biases.append(keras.Variable(bias, name=f"bias_{layer}"))
        self.code_mask = (np.arange(widest)[None, None, :] < np.array(bottlenecks)[:, None, None]).astype("float32")
        self.variables = [*self.kernels, *self.biases]
        self.n_weights = sum(int(np.prod(v.shape)) for v in self.variables)

    def __call__(self, tf, keras, features, feature_mean):
        """Reconstructions by every model of its own batch: features (m, batch, n_features), feature_mean
        (m, n_features); returns (m, batch, n_features)."""
        x = features - feature_mean[:, None, :]
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


def train(estimators: Sequence, X: np.ndarray, control: FitControl) -> None:
    """Fit every `Autoencoder` in `estimators` on `X` at once; they may differ only in `n_components` and
    `random_state`.

    `control` hears of every epoch and may stop training between epochs (TrainingStopped; nothing is kept)."""
    varying = ("n_components", "random_state")
    shared = {**estimators[0].get_params(), **dict.fromkeys(varying)}
    if any({**est.get_params(), **dict.fromkeys(varying)} != shared for est in estimators[1:]):
        raise ValueError("Autoencoders trained together may differ only in n_components and random_state; fit "
                         "them separately.")
    first = estimators[0]
    keras = keras_module()
    import tensorflow as tf

    X = np.asarray(X, dtype="float32")
    seeds = [int(est.random_state) for est in estimators]
    distinct = sorted(set(seeds))  # rows and batch orders are drawn once per seed, shared by its sizes
    fraction = first.validation_fraction if first.early_stopping else 0.0
    rows = {seed: validation_rows(len(X), fraction, seed) for seed in distinct}
    fit_rows = np.stack([rows[seed][0] for seed in distinct])  # (seeds, n_fit)
    has_validation = rows[distinct[0]][1] is not None
    n_fit = fit_rows.shape[1]
    output_activation = outputs.output_activation(first.output_activation, X)  # of all rows: the same for every seed
    feature_means = np.stack([X[rows[seed][0]].mean(axis=0) for seed in seeds])  # (m, n_features)
    output_bias = outputs.output_bias(feature_means, output_activation)
    stack = _StackedAutoencoders(keras, [est.n_components for est in estimators], X.shape[1],
                                 first.hidden_layer_sizes, first.activation, output_activation, output_bias, seeds)

    batch_size = effective_batch_size(int(first.batch_size), n_fit)
    steps_per_epoch = n_fit // batch_size  # a fresh shuffle each epoch, so no row is always left out
    epochs = training_epochs(first.epochs, first.max_steps, steps_per_epoch)
    schedule = keras.optimizers.schedules.CosineDecay(float(first.learning_rate),
                                                      decay_steps=epochs * steps_per_epoch, alpha=0.01)
    optimizer = keras.optimizers.Adam(schedule)
    optimizer.build(stack.variables)
    data, means = tf.constant(X), tf.constant(feature_means)
    fit_table = tf.constant(fit_rows)
    seed_of_model = tf.constant([distinct.index(seed) for seed in seeds])

    def losses_on(batch):
        return tf.reduce_mean(tf.square(stack(tf, keras, batch, means) - batch), axis=(1, 2))

    @tf.function(jit_compile=True)
    def train_steps(epoch, first_step, end_step):
        """Steps [first_step, end_step) of `epoch`; returns the sum of each model's batch losses."""
        orders = tf.stack([tf.argsort(tf.random.stateless_uniform((n_fit,), seed=tf.stack([seed, epoch])))
                           for seed in distinct])  # each seed's shuffle of its own fit rows
        shuffled = tf.gather(fit_table, orders, batch_dims=1)
        batches = tf.reshape(shuffled[:, : steps_per_epoch * batch_size], (len(distinct), steps_per_epoch, batch_size))
        batches = tf.gather(batches, seed_of_model)  # (m, steps, batch)
        total = tf.zeros(len(estimators))
        for step in tf.range(first_step, end_step):
            batch = tf.gather(data, batches[:, step])
            with tf.GradientTape() as tape:
                batch_losses = losses_on(batch)
                loss = tf.reduce_sum(batch_losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, stack.variables), stack.variables))
            total += batch_losses
        return total

    # Without a validation split, stopping and "best epoch" use the loss of the whole training set at the epoch's
    # end: the running average over batches is too noisy to compare epochs with.
    monitored_rows = np.stack([rows[seed][1] if has_validation else rows[seed][0] for seed in distinct])
    n_monitored = monitored_rows.shape[1]
    chunk = max(1, min(n_monitored, MONITORED_ROWS_AT_ONCE // len(estimators)))
    n_chunks = -(-n_monitored // chunk)
    padded = np.pad(monitored_rows, ((0, 0), (0, n_chunks * chunk - n_monitored)))  # pads repeat row 0, masked
    chunks = tf.constant(padded.reshape(len(distinct), n_chunks, chunk).transpose(1, 0, 2))
    counted = tf.constant((np.arange(n_chunks * chunk) < n_monitored).reshape(n_chunks, chunk), dtype="float32")

    @tf.function(jit_compile=True)
    def monitored_losses():
        def add_chunk(i, total):
            batch = tf.gather(tf.gather(data, chunks[i]), seed_of_model)  # (m, chunk, n_features)
            errors = tf.reduce_mean(tf.square(stack(tf, keras, batch, means) - batch), axis=2)
            return i + 1, total + tf.reduce_sum(errors * counted[i], axis=1)
        _, total = tf.while_loop(lambda i, _: i < n_chunks, add_chunk, (0, tf.zeros(len(estimators))))
        return total / n_monitored

    # An epoch runs in chunks of steps short enough that a stop request is honoured within about a second.
    step_seconds = 6.0 * stack.n_weights * batch_size / FLOPS_PER_SECOND
    steps_per_call = max(1, min(steps_per_epoch, int(MAX_SECONDS_BETWEEN_STOP_CHECKS / step_seconds)))
    initial = stack.values()
    stoppers = [EarlyStopping(int(first.patience) if first.early_stopping else 0, float(first.tol),
                              ("loss", "val_loss"), stack.weights_of(i, initial)) for i in range(len(estimators))]
    progress = EpochProgress(control, epochs)
    started = time.perf_counter()
    for epoch in range(epochs):
        total = np.zeros(len(estimators), dtype="float32")
        for first_step in range(0, steps_per_epoch, steps_per_call):
            control.stop_if_asked()
            end_step = min(first_step + steps_per_call, steps_per_epoch)
            total += train_steps(tf.constant(epoch), tf.constant(first_step), tf.constant(end_step)).numpy()
        train_losses, monitored = total / steps_per_epoch, monitored_losses().numpy()
        current = functools.cache(stack.values)  # copied once, and only when some model has its best epoch
        for i, stopper in enumerate(stoppers):
            losses = {"loss": float(train_losses[i]), **({"val_loss": float(monitored[i])} if has_validation else {})}
            stopper.update(epoch, losses, float(monitored[i]),
                           lambda i=i, current=current: stack.weights_of(i, current()))
        progress.epoch_done(epoch)
        if all(s.stopped for s in stoppers):
            break
    seconds = time.perf_counter() - started

    hidden = tuple(first.hidden_layer_sizes)
    for est, stopper, feature_mean in zip(estimators, stoppers, feature_means):
        encoder, decoder = _keras_models(stopper.best_weights, est.n_components, X.shape[1], hidden, first.activation,
                                         output_activation, feature_mean)
        est._set_fitted(encoder, decoder, output_activation, stopper.history, stopper.best_epoch, seconds, X.shape[1])


def _keras_models(weights: list[np.ndarray], k: int, n_features: int, hidden: tuple[int, ...], activation: str,
                  output_activation: str, feature_mean: np.ndarray):
    """A model's trained weights (Keras Dense order) as the shared dense encoder and decoder."""
    encoder = dense_encoder(n_features, k, hidden, activation, feature_mean, seed=0)
    decoder = dense_decoder(k, n_features, hidden, activation, output_activation, np.zeros(n_features), seed=0)
    n_encoder_weights = 2 * (len(hidden) + 1)
    # The encoder's first weights are its centring layer's fixed mean and variance, not trained.
    encoder.set_weights([*encoder.get_weights()[:-n_encoder_weights], *weights[:n_encoder_weights]])
    decoder.set_weights(weights[n_encoder_weights:])
    return encoder, decoder
