"""How a decoder's output starts: which activation it ends with and the bias that makes it start at the mean sample."""
from __future__ import annotations

import numpy as np

LOGIT_CLIP = 1e-3  # a mean pixel of exactly 0 or 1 would need an infinite logit


def in_unit_range(X: np.ndarray) -> bool:
    """Whether every value of `X` lies in [0, 1] (images scaled to intensities)."""
    return bool(X.min() >= 0 and X.max() <= 1)


def output_activation(requested: str, X: np.ndarray) -> str:
    """The activation to train with: "auto" becomes a sigmoid for data in [0, 1] and linear otherwise."""
    if requested != "auto":
        return requested
    return "sigmoid" if in_unit_range(X) else "linear"


def output_bias(feature_means: np.ndarray, activation: str) -> np.ndarray:
    """The output layer's initial bias: the training rows' mean, through the inverse of a sigmoid output, so training
    starts from the mean sample while the weights stay random."""
    if activation != "sigmoid":
        return feature_means
    clipped = np.clip(feature_means, LOGIT_CLIP, 1 - LOGIT_CLIP)
    return np.log(clipped / (1 - clipped))
