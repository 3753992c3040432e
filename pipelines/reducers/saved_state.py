"""Fitted attributes on disk without pickle: arrays as .npz, Keras models as .keras (safe mode), the rest JSON.

The building blocks a method's `save_state` / `load_state` use; they know nothing of the registry.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator


def _is_keras_model(value) -> bool:
    return type(value).__module__.startswith("keras")


def jsonable(value):
    """`value` as JSON can hold it: tuples as lists, NumPy scalars as Python numbers."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def tuples(value):
    """JSON has no tuples; parameters such as hidden_layer_sizes are tuples again after loading."""
    return tuple(value) if isinstance(value, list) else value


def save_attributes(owner: object, names: list[str], folder: Path, stem: str = "state") -> None:
    """Write `owner`'s attributes `names`: arrays to STEM.npz, Keras models to NAME.keras, the rest to STEM.json."""
    values = {name: getattr(owner, name) for name in names}
    arrays = {n: v for n, v in values.items() if isinstance(v, np.ndarray) and v.dtype != object}
    models = {n: v for n, v in values.items() if _is_keras_model(v)}
    rest = {n: jsonable(v) for n, v in values.items() if n not in arrays and n not in models}
    (folder / f"{stem}.json").write_text(json.dumps({"attributes": rest, "models": sorted(models)}))
    np.savez(folder / f"{stem}.npz", **arrays)
    for name, model in models.items():
        model.save(folder / f"{name}.keras")


def load_attributes(owner: object, folder: Path, stem: str = "state") -> None:
    """Set on `owner` every attribute `save_attributes` wrote under `stem`."""
    description = json.loads((folder / f"{stem}.json").read_text())
    for name, value in description["attributes"].items():
        setattr(owner, name, value)
    with np.load(folder / f"{stem}.npz", allow_pickle=False) as arrays:
        for name in arrays.files:
            setattr(owner, name, arrays[name])
    if description["models"]:
        from pipelines.reducers.training.keras_runtime import keras_module

        keras = keras_module()
        for name in description["models"]:
            setattr(owner, name, keras.models.load_model(folder / f"{name}.keras", safe_mode=True))


def public_fitted_names(reducer: BaseEstimator) -> list[str]:
    """The public fitted attributes of `reducer` (scikit-learn's convention: names ending in "_")."""
    return [name for name in vars(reducer) if name.endswith("_") and not name.startswith("_")]
