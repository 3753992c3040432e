"""The networks behind the autoencoders, built once for both engines: mirrored dense encoders and decoders, and the
convolutional pair for images. Encoder and decoder are separate named Keras models, so `encoder.predict` gives codes
and `decoder.predict` decodes any point of the latent space.

Keras is imported only when a network is built, so the layer arithmetic (`dense_layer_widths`) is cheap to import.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from pipelines.reducers.training.keras_runtime import keras_module


def dense_layer_widths(n_features: int, bottleneck: int, hidden: tuple[int, ...]) -> list[tuple[int, int]]:
    """(inputs, units) of every dense layer of a mirrored autoencoder, encoder then decoder."""
    widths = [n_features, *hidden, bottleneck, *reversed(hidden), n_features]
    return list(zip(widths[:-1], widths[1:]))


def layer_seed(seed: int, layer: int) -> int:
    """A seed for one layer's (or one noise stream's) draws, independent across layers and training seeds: seed + layer
    would give repeat s + 1 the streams of repeat s's next layer."""
    return int(np.random.SeedSequence([int(seed), int(layer)]).generate_state(1)[0] % (2**31 - 1))


def _dense(units: int, activation: str, seed: int, name: str, **kwargs):
    keras = keras_module()
    return keras.layers.Dense(units, activation=activation, name=name,
                              kernel_initializer=keras.initializers.GlorotUniform(seed=seed), **kwargs)


def _centred(inputs, feature_mean: np.ndarray):
    """The features minus their training mean: a fixed shift learned from the data (like PCA's mean), not a weight."""
    keras = keras_module()
    return keras.layers.Normalization(mean=feature_mean, variance=np.ones_like(feature_mean), name="center")(inputs)


def dense_encoder(n_features: int, k: int, hidden: Sequence[int], activation: str, feature_mean: np.ndarray,
                  seed: int, heads: int = 1):
    """Centred features through dense hidden layers to `heads` linear outputs of k codes (2 for a VAE: mean and
    log-variance)."""
    keras = keras_module()
    inputs = keras.Input((n_features,), name="features")
    x = _centred(inputs, feature_mean)
    for i, units in enumerate(hidden):
        x = _dense(units, activation, layer_seed(seed, i), f"hidden_{i}")(x)
    names = ["codes"] if heads == 1 else ["z_mean", "z_log_var"]
    outputs = [_dense(k, "linear", layer_seed(seed, 100 + j), name)(x) for j, name in enumerate(names)]
    return keras.Model(inputs, outputs[0] if heads == 1 else outputs, name="encoder")


def dense_decoder(k: int, n_features: int, hidden: Sequence[int], activation: str, output_activation: str,
                  output_bias: np.ndarray, seed: int):
    """Codes through the mirrored hidden layers back to the features."""
    keras = keras_module()
    codes = keras.Input((k,), name="codes")
    x = codes
    for i, units in enumerate(reversed(hidden)):
        x = _dense(units, activation, layer_seed(seed, 200 + i), f"hidden_{i}")(x)
    outputs = _dense(n_features, output_activation, layer_seed(seed, 300), "reconstruction",
                     bias_initializer=keras.initializers.Constant(output_bias))(x)
    return keras.Model(codes, outputs, name="decoder")


def conv_encoder(image_shape: tuple[int, int], k: int, filters: Sequence[int], activation: str,
                 feature_mean: np.ndarray, seed: int):
    """Flat pixels as an image, strided 3×3 convolutions halving it per layer, then a dense bottleneck of k codes."""
    keras = keras_module()
    height, width = image_shape
    inputs = keras.Input((height * width,), name="features")
    x = keras.layers.Reshape((height, width, 1))(_centred(inputs, feature_mean))
    for i, channels in enumerate(filters):
        x = keras.layers.Conv2D(channels, 3, strides=2, padding="same", activation=activation, name=f"conv_{i}",
                                kernel_initializer=keras.initializers.GlorotUniform(seed=layer_seed(seed, i)))(x)
    x = keras.layers.Flatten()(x)
    codes = _dense(k, "linear", layer_seed(seed, 100), "codes")(x)
    return keras.Model(inputs, codes, name="encoder")


def conv_decoder(k: int, image_shape: tuple[int, int], filters: Sequence[int], activation: str,
                 output_activation: str, output_bias: np.ndarray, seed: int):
    """Codes to the encoder's smallest feature map, transposed convolutions doubling it back (mirroring the
    encoder), cropped to the image, flattened to pixels."""
    keras = keras_module()
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
