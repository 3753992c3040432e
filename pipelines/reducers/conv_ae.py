"""Convolutional autoencoder for images: strided convolutions see local pixel patterns wherever they are, so it
reconstructs images far better than a dense network of the same bottleneck."""
from __future__ import annotations

import math
from typing import Mapping, Sequence

from sklearn.utils._param_validation import StrOptions

from pipelines.reducers import autoencoder
from pipelines.reducers.autoencoder import ACTIVATIONS, DEFAULT_MAX_STEPS, KerasAutoencoder, PositiveIntegers
from pipelines.reducers.cost import FLOPS_PER_SECOND, Estimate
from pipelines.reducers.method import Method
from pipelines.reducers.settings import Setting
from pipelines.reducers.training.architectures import conv_decoder, conv_encoder

AUGMENTATIONS = ("auto", "shift", "none")
SHIFT_FROM_SIDE = 16  # "auto" shifts images at least this many pixels on each side: on 8×8 digits a pixel is too much
CONV_EFFICIENCY = 0.5  # convolutions reach about half the dense trainer's arithmetic rate on this CPU


def image_shape_of(n_features: int, image_shape: Sequence[int] | None) -> tuple[int, int]:
    """The (height, width) the flat features are read as: `image_shape` if given, else the square they fill, else
    one row (so the estimator stays usable on any data, as scikit-learn's checks require)."""
    if image_shape is not None:
        return int(image_shape[0]), int(image_shape[1])
    side = math.isqrt(n_features)
    return (side, side) if side * side == n_features else (1, n_features)


class ConvAutoencoder(KerasAutoencoder):
    """Strided 3×3 `Conv2D` encoder (one layer per entry of `filters`, each halving the image), a dense bottleneck
    of `n_components` codes, and a mirrored `Conv2DTranspose` decoder with a sigmoid output for [0, 1] images,
    trained on the mean squared error. `augmentation="shift"` trains on the images moved by up to one pixel in
    each direction (a fresh random shift per image and step; test images are never changed); "auto" does so
    for images of at least SHIFT_FROM_SIDE pixels a side."""

    _parameter_constraints: dict = {
        **KerasAutoencoder._parameter_constraints,
        "filters": [PositiveIntegers(min_length=1)],
        "activation": [StrOptions({"linear", *ACTIVATIONS})],
        "augmentation": [StrOptions(set(AUGMENTATIONS))],
        "image_shape": [None, PositiveIntegers(min_length=2, max_length=2)],  # (height, width); must hold the features
    }

    def __init__(self, n_components: int = 2, filters: Sequence[int] = (32, 64), activation: str = "relu",
                 augmentation: str = "auto", image_shape: Sequence[int] | None = None, epochs: int = 20,
                 max_steps: int = DEFAULT_MAX_STEPS, batch_size: int = 32, learning_rate: float = 2e-3,
                 validation_fraction: float = 0.1, early_stopping: bool = True, patience: int = 8,
                 tol: float = 1e-4, random_state: int = 0):
        self.n_components = n_components
        self.filters = filters
        self.activation = activation
        self.augmentation = augmentation
        self.image_shape = image_shape
        self.epochs = epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.tol = tol
        self.random_state = random_state

    def _check_params(self, n_features: int) -> None:
        super()._check_params(n_features)
        height, width = image_shape_of(n_features, self.image_shape)
        if height * width != n_features:
            raise ValueError(f"image_shape={self.image_shape!r} does not hold {n_features} features.")

    def _build(self, n_features, feature_mean, output_activation, output_bias):
        shape, filters, seed = image_shape_of(n_features, self.image_shape), tuple(self.filters), int(self.random_state)
        return (conv_encoder(shape, self.n_components, filters, self.activation, feature_mean, seed),
                conv_decoder(self.n_components, shape, filters, self.activation, output_activation, output_bias, seed))

    def _trainer(self, encoders, decoders, data_in_unit_range):
        from pipelines.reducers.training.keras_engine import PlainAutoencoders

        shape = image_shape_of(encoders[0].input_shape[-1], self.image_shape)
        shift = self.augmentation == "shift" or (self.augmentation == "auto" and min(shape) >= SHIFT_FROM_SIDE)
        return PlainAutoencoders(encoders, decoders, seed=int(self.random_state), shift_images=shape if shift else None)


def estimate_cost(params: Mapping[str, object], n_rows: int, n_features: int, sizes: Sequence[int]) -> Estimate:
    """Multiply-adds of the convolutions (encoder and mirrored decoder) and dense layers, for every size."""
    height, width = image_shape_of(n_features, params.get("image_shape"))
    filters = [int(f) for f in params["filters"]]
    flops, parameters, channels = 0.0, 0, 1
    for i, out in enumerate(filters):
        pixels = math.ceil(height / 2 ** (i + 1)) * math.ceil(width / 2 ** (i + 1))
        flops += 2 * 2 * 9 * channels * out * pixels  # the encoder's layer and the decoder's mirror of it
        parameters += 2 * (9 * channels * out + out)
        channels = out
    flat = math.ceil(height / 2 ** len(filters)) * math.ceil(width / 2 ** len(filters)) * filters[-1]
    parameters += 2 * (flat + 1) * max(sizes)
    flops += 2 * 2 * flat * max(sizes) + 2 * 9 * filters[0] * n_features
    rows = autoencoder.rows_processed(params, n_rows)  # at most epochs × rows, or the step budget's rows
    seconds = 3 * flops * rows * len(sizes) / (FLOPS_PER_SECOND * CONV_EFFICIENCY) + 5.0
    activations = 4 * int(params["batch_size"]) * sum(filters) * n_features * len(sizes)
    return Estimate(parameters, max(filters), seconds, 5 * 4 * parameters * len(sizes) + activations)


DEFAULTS = ConvAutoencoder().get_params()

METHOD = Method(
    name="conv_ae", label="Conv AE", color="#9D755D", build=ConvAutoencoder, marker="diamond-open",
    description="A convolutional autoencoder for images: strided convolutions find local patterns (edges, strokes) "
                "wherever they are in the image, a dense layer squeezes them into the codes, and transposed "
                "convolutions paint the image back. By default it trains on images (of 16 pixels a side or more) "
                "shifted by up to a pixel, which teaches it that a stroke moved slightly is still the same stroke.",
    settings=(Setting("filters", "Filters per layer", "layers", tuple(DEFAULTS["filters"]), "Channels of each "
                      "strided convolution, e.g. 32, 64; each layer halves the image.", min_layers=1),
              Setting("augmentation", "Augmentation", "choice", DEFAULTS["augmentation"], "shift: train on images "
                      "moved by up to one pixel (test images are never changed); none: the images as they are; "
                      f"auto: shift images of at least {SHIFT_FROM_SIDE} pixels a side.", choices=AUGMENTATIONS),
              *autoencoder.training_settings(DEFAULTS)),
    trained_by_gradient=True, needs_images=True, default_on=False, relative_cost=4.0,
    fit_group=autoencoder.fit_group, estimate_cost=estimate_cost)
