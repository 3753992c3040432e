"""An autoencoder as a scikit-learn transformer: `transform` encodes, `inverse_transform` decodes."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from pipelines.cost import Estimate, dense_autoencoder_estimate
from pipelines.reducers.fused_training import fit_autoencoders
from pipelines.reducers.method import FitControl, ProgressCallback
from pipelines.reducers.settings import Setting

ACTIVATIONS = ("elu", "relu", "tanh", "sigmoid", "selu", "gelu")


class TrainedAutoencoder(TransformerMixin, BaseEstimator):
    """What every autoencoder trained by gradient descent shares, on either training path: encoding, decoding,
    the checks of its training settings (a subclass adds its own in `_check_params`) and its tags."""

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

    def _validate_params_for(self, X: np.ndarray) -> None:
        n_features = X.shape[1]
        if not (isinstance(self.n_components, (int, np.integer)) and 1 <= self.n_components <= n_features):
            raise ValueError(f"n_components={self.n_components!r} must be an integer between 1 and the "
                             f"number of features ({n_features}).")
        for name in ("epochs", "batch_size", "patience"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < (0 if name == "patience" else 1):
                raise ValueError(f"{name}={value!r} must be a positive integer.")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate={self.learning_rate!r} must be positive.")
        if not 0 <= self.validation_fraction < 1:
            raise ValueError(f"validation_fraction={self.validation_fraction!r} must be in [0, 1).")
        self._check_params(n_features)

    def _check_params(self, n_features: int) -> None:
        """Checks of the subclass's own settings (none by default)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True  # float32 gradient descent; exact across runs only with the same seed
        return tags


class Autoencoder(TrainedAutoencoder):
    """Dense autoencoder trained by gradient descent on the mean squared reconstruction error.

    With `hidden_layer_sizes=()` and `activation="linear"` it is a linear autoencoder, whose optimum spans
    the PCA subspace (Baldi & Hornik 1989). `output_activation="auto"` picks a sigmoid when the training
    data lie in [0, 1] and a linear output otherwise.
    """

    def __init__(self, n_components: int = 2, hidden_layer_sizes: Sequence[int] = (128, 64),
                 activation: str = "elu", output_activation: str = "auto", epochs: int = 60,
                 batch_size: int = 128, learning_rate: float = 1e-2, validation_fraction: float = 0.1,
                 early_stopping: bool = True, patience: int = 20, tol: float = 1e-4, random_state: int = 0):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.tol = tol
        self.random_state = random_state

    def fit(self, X, y=None, progress: ProgressCallback | None = None) -> "Autoencoder":
        """Train on `X` (labels are ignored); `progress(fraction, message)` is called every epoch."""
        X = validate_data(self, X, dtype=np.float32, ensure_min_samples=2)
        fit_autoencoders([self], X, FitControl(progress))
        return self

    def _check_params(self, n_features: int) -> None:
        if any(not isinstance(u, (int, np.integer)) or u < 1 for u in self.hidden_layer_sizes):
            raise ValueError(f"hidden_layer_sizes={self.hidden_layer_sizes!r} must be positive integers.")

    def _resolve_output_activation(self, X: np.ndarray) -> str:
        """The output activation to train with: "auto" becomes sigmoid for data in [0, 1]."""
        if self.output_activation != "auto":
            return self.output_activation
        return "sigmoid" if X.min() >= 0 and X.max() <= 1 else "linear"

    def _set_fitted(self, weights: list[np.ndarray], feature_mean: np.ndarray, output_activation: str,
                    history: dict, best_epoch: int, fit_seconds: float, n_features: int) -> None:
        """Store the trained weights as separate Keras encoder and decoder models (used by the trainer)."""
        from pipelines.reducers.keras_models import build_decoder, build_encoder

        hidden = tuple(self.hidden_layer_sizes)
        self.encoder_ = build_encoder(n_features, self.n_components, hidden, self.activation, feature_mean)
        self.decoder_ = build_decoder(self.n_components, n_features, hidden, self.activation, output_activation)
        n_encoder_weights = 2 * (len(hidden) + 1)
        self.encoder_.set_weights([*self.encoder_.get_weights()[:-n_encoder_weights], *weights[:n_encoder_weights]])
        self.decoder_.set_weights(weights[n_encoder_weights:])
        self.output_activation_ = output_activation
        self.history_ = history
        self.n_epochs_ = len(history["loss"])
        self.best_epoch_ = best_epoch + 1
        self.fit_seconds_ = fit_seconds
        self.n_features_in_ = n_features


def fit_group(estimators: Sequence[Autoencoder], X: np.ndarray, control: FitControl) -> None:
    """Fit autoencoders that share training settings (any bottleneck sizes) in one compiled computation."""
    X = validate_data(estimators[0], X, dtype=np.float32, ensure_min_samples=2)
    fit_autoencoders(estimators, X, control)


def estimate_cost(params: Mapping[str, object], n_rows: int, n_features: int, sizes: Sequence[int]) -> Estimate:
    """Parameters, widest layer, time and memory of training these autoencoders together."""
    held_out = params.get("early_stopping", True) and params.get("validation_fraction", 0.0) > 0
    monitored = round(n_rows * params["validation_fraction"]) if held_out else n_rows
    return dense_autoencoder_estimate(n_rows, n_features, tuple(sizes), tuple(params["hidden_layer_sizes"]),
                                      int(params["epochs"]), monitored_rows=monitored)


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
        Setting("learning_rate", "Learning rate", "float", defaults["learning_rate"],
                "Adam's initial step size (cosine-decayed to 1% of it).", low=1e-5, high=1.0),
        Setting("batch_size", "Batch size", "int", defaults["batch_size"], "Samples per gradient step (smaller "
                "on small data, so every epoch takes at least 32 steps).", low=1, high=4096),
    )
