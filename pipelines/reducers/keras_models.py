"""Small builder functions for the Keras models behind the autoencoders."""
from __future__ import annotations

from typing import Sequence

import keras
import numpy as np


def build_encoder(n_features: int, n_components: int, hidden_layer_sizes: Sequence[int],
                  activation: str, feature_mean: np.ndarray, name: str = "encoder") -> keras.Model:
    """Encoder from raw features to a linear bottleneck of `n_components` codes."""
    inputs = keras.Input((n_features,), name="features")
    # Centering is a fixed shift learned from the training data (like PCA's mean), not a trained weight.
    x = keras.layers.Normalization(mean=feature_mean, variance=np.ones_like(feature_mean), name="center")(inputs)
    for i, units in enumerate(hidden_layer_sizes):
        x = keras.layers.Dense(units, activation=activation, name=f"hidden_{i}")(x)
    codes = keras.layers.Dense(n_components, name="codes")(x)
    return keras.Model(inputs, codes, name=name)


def build_decoder(n_components: int, n_features: int, hidden_layer_sizes: Sequence[int], activation: str,
                  output_activation: str, name: str = "decoder") -> keras.Model:
    """Decoder mirroring the encoder, from codes back to feature space."""
    codes = keras.Input((n_components,), name="codes")
    x = codes
    for i, units in enumerate(reversed(hidden_layer_sizes)):
        x = keras.layers.Dense(units, activation=activation, name=f"hidden_{i}")(x)
    outputs = keras.layers.Dense(n_features, activation=output_activation, name="reconstruction")(x)
    return keras.Model(codes, outputs, name=name)

