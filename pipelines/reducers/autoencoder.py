"""Autoencoders as scikit-learn transformers: `transform` encodes, `inverse_transform` decodes.

`TrainedAutoencoder` is what every autoencoder trained by gradient descent shares, on either engine: encoding and
decoding, the parameter constraints every one has, the one place they are checked (`fit_group`, which `fit` calls
too) and the one way a trained model is stored (`_set_fitted`). `Autoencoder` trains on the fused engine;
`KerasAutoencoder` is the base of the Keras-engine families (vae.py, conv_ae.py, denoising_ae.py).
"""
from __future__ import annotations

from numbers import Integral, Real
from typing import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from pipelines.reducers.cost import Estimate, dense_autoencoder_estimate
from pipelines.reducers.method import FitControl, ProgressCallback
from pipelines.reducers.settings import Setting
from pipelines.reducers.training.batches import effective_batch_size, planned_steps

ACTIVATIONS = ("elu", "relu", "tanh", "sigmoid", "selu", "gelu")
MAX_RANDOM_STATE = 2**31 - 1
# Training is sized by work: on large data fewer epochs run, so that a fit takes about this many gradient steps at
# most (digits' defaults stop at 60 epochs long before it; fashion-mnist's 50,400 fitting rows get a few epochs).
DEFAULT_MAX_STEPS = 4000  # TensorFlow's stateless random ops take 32-bit seeds


class PositiveIntegers(Options):
    """A parameter constraint: a tuple or list of positive whole numbers (layer widths, filters, an image shape), of
    `min_length` to `max_length` entries. It extends `Options` only because scikit-learn's parameter validation
    accepts no constraint classes but its own; it is satisfied by sequences, not by one of a set of options."""

    def __init__(self, min_length: int = 0, max_length: int | None = None):
        super().__init__((tuple, list), set())
        self.min_length, self.max_length = min_length, max_length

    def is_satisfied_by(self, val) -> bool:
        return (isinstance(val, (tuple, list)) and self.min_length <= len(val) <= (self.max_length or len(val))
                and all(isinstance(v, Integral) and not isinstance(v, bool) and v >= 1 for v in val))

    def __str__(self) -> str:
        if self.max_length == self.min_length:
            count = f"{self.min_length} "
        else:
            count = {0: "", 1: "one or more "}.get(self.min_length, f"at least {self.min_length} ")
        return f"a tuple or list of {count}positive whole numbers"


class TrainedAutoencoder(TransformerMixin, BaseEstimator):
    """What every autoencoder trained by gradient descent shares, on either engine. A subclass declares its own
    parameters' constraints in its `_parameter_constraints` (these and its own) and names its engine in `_engine`."""

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],  # and at most the features: see _check_params
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "max_steps": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": [Interval(Integral, 0, MAX_RANDOM_STATE, closed="both")],
    }

    def fit(self, X, y=None, progress: ProgressCallback | None = None) -> "TrainedAutoencoder":
        """Train on `X` (labels are ignored); `progress(fraction, message)` is called every epoch."""
        fit_group([self], X, FitControl(progress))
        return self

    def transform(self, X) -> np.ndarray:
        """Codes of `X` in the bottleneck (for a VAE, the mean of q(z | x))."""
        check_is_fitted(self, "encoder_")
        X = validate_data(self, X, dtype=np.float32, reset=False)
        codes = self.encoder_(X, training=False)
        return np.asarray(codes[0] if isinstance(codes, (list, tuple)) else codes, dtype=np.float64)

    def inverse_transform(self, X) -> np.ndarray:
        """Reconstruction in feature space of the codes `X`."""
        check_is_fitted(self, "decoder_")
        codes = np.asarray(X, dtype=np.float32)
        if codes.ndim != 2 or codes.shape[1] != self.n_components:
            raise ValueError(f"Expected codes of shape (n_samples, {self.n_components}), got {codes.shape}.")
        return np.asarray(self.decoder_(codes, training=False), dtype=np.float64)

    def _check_params(self, n_features: int) -> None:
        """Refuse parameters outside the declared constraints, or that do not fit data of `n_features` columns."""
        self._validate_params()
        if self.n_components > n_features:
            raise ValueError(f"n_components={self.n_components!r} must be an integer between 1 and the "
                             f"number of features ({n_features}).")

    @staticmethod
    def _engine():
        """The training engine's module: its `train(estimators, X, control)` fits them together."""
        raise NotImplementedError

    def _set_fitted(self, encoder, decoder, output_activation: str, history: dict, best_epoch: int,
                    fit_seconds: float, n_features: int) -> None:
        """Keep a trained model: its Keras encoder and decoder, how its output starts, and its training record."""
        self.encoder_, self.decoder_ = encoder, decoder
        self.output_activation_ = output_activation
        self.history_ = history
        self.n_epochs_ = len(history["loss"])
        self.best_epoch_ = best_epoch + 1
        self.fit_seconds_ = fit_seconds
        self.n_features_in_ = n_features

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True  # float32 gradient descent; exact across runs only with the same seed
        return tags


def fit_group(estimators: Sequence[TrainedAutoencoder], X, control: FitControl) -> None:
    """A registry entry's `fit_group`: check every estimator's parameters, then train them together on their engine
    (they may differ only in what that engine trains side by side)."""
    X = validate_data(estimators[0], X, dtype=np.float32, ensure_min_samples=2)
    for estimator in estimators:
        estimator._check_params(X.shape[1])
    estimators[0]._engine().train(estimators, X, control)


class Autoencoder(TrainedAutoencoder):
    """Dense autoencoder trained by gradient descent on the mean squared reconstruction error (the fused engine).

    With `hidden_layer_sizes=()` and `activation="linear"` it is a linear autoencoder, whose optimum spans
    the PCA subspace (Baldi & Hornik 1989). `output_activation="auto"` picks a sigmoid when the training
    data lie in [0, 1] and a linear output otherwise.
    """

    _parameter_constraints: dict = {
        **TrainedAutoencoder._parameter_constraints,
        "hidden_layer_sizes": [PositiveIntegers()],
        "activation": [StrOptions({"linear", *ACTIVATIONS})],
        "output_activation": [StrOptions({"auto", "linear", *ACTIVATIONS})],
    }

    def __init__(self, n_components: int = 2, hidden_layer_sizes: Sequence[int] = (128, 64),
                 activation: str = "elu", output_activation: str = "auto", epochs: int = 60,
                 max_steps: int = DEFAULT_MAX_STEPS, batch_size: int = 128, learning_rate: float = 1e-2,
                 validation_fraction: float = 0.1, early_stopping: bool = True, patience: int = 20,
                 tol: float = 1e-4, random_state: int = 0):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.epochs = epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.tol = tol
        self.random_state = random_state

    @staticmethod
    def _engine():
        from pipelines.reducers.training import fused

        return fused


class KerasAutoencoder(TrainedAutoencoder):
    """What every Keras-engine autoencoder shares; subclasses define `__init__` (their parameters), their constraints,
    `_build` and `_trainer`, and may add checks against the data in `_check_params`."""

    @staticmethod
    def _engine():
        from pipelines.reducers.training import keras_engine  # imports TensorFlow

        return keras_engine

    def _build(self, n_features: int, feature_mean: np.ndarray, output_activation: str, output_bias: np.ndarray):
        """(encoder, decoder) for this bottleneck size."""
        raise NotImplementedError

    def _trainer(self, encoders, decoders, data_in_unit_range: bool):
        """The family's `keras.Model` (from keras_engine) that trains `encoders` and `decoders` together."""
        raise NotImplementedError


def estimate_cost(params: Mapping[str, object], n_rows: int, n_features: int, sizes: Sequence[int]) -> Estimate:
    """Parameters, widest layer, time and memory of training these autoencoders together."""
    held_out = params.get("early_stopping", True) and params.get("validation_fraction", 0.0) > 0
    monitored = round(n_rows * params["validation_fraction"]) if held_out else n_rows
    return dense_autoencoder_estimate(n_rows, n_features, tuple(sizes), tuple(params["hidden_layer_sizes"]),
                                      rows_processed(params, n_rows), monitored_rows=monitored)


def rows_processed(params: Mapping[str, object], n_rows: int) -> int:
    """Rows (with repeats) a fit of `n_rows` rows passes through the network at most: steps × batch size."""
    held_out = params["validation_fraction"] if params.get("early_stopping", True) else 0.0
    steps = planned_steps(n_rows, int(params["epochs"]), int(params["max_steps"]), int(params["batch_size"]),
                          float(held_out))
    n_fit = n_rows - round(float(held_out) * n_rows)
    return steps * effective_batch_size(int(params["batch_size"]), n_fit)


def architecture_settings(defaults: Mapping[str, object]) -> tuple[Setting, ...]:
    """The settings of a network with hidden layers."""
    return (
        Setting("hidden_layer_sizes", "Hidden layers", "layers", tuple(defaults["hidden_layer_sizes"]),
                "Widths of the encoder's hidden layers, e.g. 128, 64; the decoder mirrors them.", min_layers=1),
        Setting("activation", "Activation", "choice", defaults["activation"],
                "Nonlinearity of the hidden layers.", choices=ACTIVATIONS),
    )


def training_settings(defaults: Mapping[str, object]) -> tuple[Setting, ...]:
    """The settings every gradient-trained autoencoder has."""
    return (
        Setting("epochs", "Epochs", "int", defaults["epochs"], "Passes over the training data at most; early "
                "stopping may end sooner.", low=1, high=5000),
        Setting("max_steps", "Gradient steps", "int", defaults["max_steps"], "Gradient steps at most: on large "
                "data fewer epochs run, so training takes about the same work on 1,000 or 56,000 rows.",
                low=1, high=1_000_000),
        Setting("learning_rate", "Learning rate", "float", defaults["learning_rate"],
                "Adam's initial step size (cosine-decayed to 1% of it).", low=1e-5, high=1.0),
        Setting("batch_size", "Batch size", "int", defaults["batch_size"], "Samples per gradient step (smaller "
                "on small data, so every epoch takes at least 32 steps).", low=1, high=4096),
    )
