"""Autoencoders trained on the general Keras path, as scikit-learn transformers.

Each family (see keras_families.py) is a subclass of `KerasAutoencoder` that says how to build one encoder and
decoder and which `keras.Model` trains them. `fit_keras_group` trains several bottleneck sizes of one family in
one `model.fit`, with the same seeded validation hold-out, batch sizes and cosine-decayed Adam as the fused dense
trainer, and Keras callbacks for early stopping per size, progress and the stop flag.
"""
from __future__ import annotations

import time
from typing import Sequence

import numpy as np
from sklearn.utils.validation import validate_data

from pipelines.reducers.autoencoder import TrainedAutoencoder
from pipelines.reducers.fused_training import effective_batch_size, progress_message, validation_rows
from pipelines.reducers.keras_runtime import keras_module
from pipelines.reducers.method import FitControl


class KerasAutoencoder(TrainedAutoencoder):
    """What every Keras-path autoencoder shares; subclasses define `__init__` (their parameters), `_build` and
    `_trainer`, and may add settings checks in `_check_params`."""

    def fit(self, X, y=None) -> "KerasAutoencoder":
        """Train on `X` (labels are ignored)."""
        X = validate_data(self, X, dtype=np.float32, ensure_min_samples=2)
        fit_keras_group([self], X, FitControl())
        return self

    def _build(self, families, n_features: int, feature_mean: np.ndarray, output_activation: str,
               output_bias: np.ndarray):
        """(encoder, decoder) for this bottleneck size."""
        raise NotImplementedError

    def _trainer(self, families, encoders, decoders, data_in_unit_range: bool):
        """The family's `keras.Model` that trains `encoders` and `decoders` together."""
        raise NotImplementedError

    def _set_fitted(self, encoder, decoder, output_activation: str, history: dict, best_epoch: int,
                    fit_seconds: float, n_features: int) -> None:
        self.encoder_, self.decoder_ = encoder, decoder
        self.output_activation_ = output_activation
        self.history_ = history
        self.n_epochs_ = len(history["loss"])
        self.best_epoch_ = best_epoch + 1
        self.fit_seconds_ = fit_seconds
        self.n_features_in_ = n_features


def fit_keras_group(estimators: Sequence[KerasAutoencoder], X: np.ndarray, control: FitControl) -> None:
    """Fit Keras-path autoencoders of one family that differ only in `n_components`, together in one model.

    `control` hears of every epoch and may stop training after any batch (TrainingStopped; nothing is kept)."""
    shared = {**estimators[0].get_params(), "n_components": None}
    if any(type(est) is not type(estimators[0]) or {**est.get_params(), "n_components": None} != shared
           for est in estimators[1:]):
        raise ValueError("Autoencoders trained together may differ only in n_components; fit them separately.")
    for est in estimators:
        est._validate_params_for(X)
    first = estimators[0]
    keras = keras_module()
    import tensorflow as tf

    from pipelines.reducers import keras_families

    X = np.asarray(X, dtype="float32")
    seed = int(first.random_state)
    fit_rows, validation = validation_rows(len(X), first.validation_fraction if first.early_stopping else 0.0, seed)
    X_fit = X[fit_rows]
    feature_mean = X_fit.mean(axis=0)
    unit_range = bool(X.min() >= 0 and X.max() <= 1)
    output_activation = "sigmoid" if unit_range else "linear"
    output_bias = feature_mean
    if unit_range:
        clipped = np.clip(feature_mean, 1e-3, 1 - 1e-3)
        output_bias = np.log(clipped / (1 - clipped))  # start at the mean sample; the weights stay random
    built = [est._build(keras_families, X.shape[1], feature_mean, output_activation, output_bias)
             for est in estimators]
    encoders, decoders = [b[0] for b in built], [b[1] for b in built]
    model = first._trainer(keras_families, encoders, decoders, unit_range)

    batch_size = effective_batch_size(int(first.batch_size), len(X_fit))
    steps_per_epoch = len(X_fit) // batch_size
    epochs = int(first.epochs)
    schedule = keras.optimizers.schedules.CosineDecay(float(first.learning_rate),
                                                      decay_steps=epochs * steps_per_epoch, alpha=0.01)
    # Keras cannot compile these models with XLA (it falls back with a warning), so they run as TensorFlow graphs.
    model.compile(optimizer=keras.optimizers.Adam(schedule), jit_compile=False)
    batches = (tf.data.Dataset.from_tensor_slices(X_fit)
               .shuffle(len(X_fit), seed=seed, reshuffle_each_iteration=True)
               .batch(batch_size, drop_remainder=True))
    validation_data = None if validation is None else tf.data.Dataset.from_tensor_slices(X[validation]).batch(1024)

    started = paced_since = time.perf_counter()

    def report(epoch: int, histories) -> None:
        nonlocal paced_since
        control.report((epoch + 1) / epochs, progress_message(epoch, epochs, time.perf_counter() - paced_since))
        if epoch == 0:
            paced_since = time.perf_counter()  # the pace of later epochs leaves out the one-off compilation

    stopping = keras_families.BranchEarlyStopping(
        model.terms, len(estimators), int(first.patience) if first.early_stopping else 0, float(first.tol),
        validation is not None, report)
    control.stop_if_asked()
    model.fit(batches, epochs=epochs, validation_data=validation_data, verbose=0, shuffle=False,
              callbacks=[keras_families.StopFlag(control.stop_if_asked), stopping])
    stopping.restore()
    seconds = time.perf_counter() - started
    for i, est in enumerate(estimators):
        est._set_fitted(encoders[i], decoders[i], output_activation, stopping.histories[i], stopping.best_epoch[i],
                        seconds, X.shape[1])


def fit_group(estimators: Sequence[KerasAutoencoder], X: np.ndarray, control: FitControl) -> None:
    """A registry entry's `fit_group`: every bottleneck size of the family in one model."""
    X = validate_data(estimators[0], X, dtype=np.float32, ensure_min_samples=2)
    fit_keras_group(estimators, X, control)
