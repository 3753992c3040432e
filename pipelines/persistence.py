"""Save and load fitted reducers without pickle: arrays as .npz, Keras models as .keras (safe mode), the rest JSON."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from pipelines.reducers import make_reducer


def _is_keras_model(value) -> bool:
    return type(value).__module__.startswith("keras")


def jsonable(value):
    """`value` as JSON can hold it: tuples as lists, NumPy scalars as Python numbers."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _tuples(value):
    """JSON has no tuples; parameters such as hidden_layer_sizes are tuples again after loading."""
    return tuple(value) if isinstance(value, list) else value


def save_reducer(reducer: BaseEstimator, method: str, folder: Path) -> list[Path]:
    """Write `reducer` into `folder`; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    fitted = {name: value for name, value in vars(reducer).items() if name.endswith("_") and not name.startswith("_")}
    arrays = {n: v for n, v in fitted.items() if isinstance(v, np.ndarray) and v.dtype != object}
    models = {n: v for n, v in fitted.items() if _is_keras_model(v)}
    rest = {n: jsonable(v) for n, v in fitted.items() if n not in arrays and n not in models}
    params = {n: jsonable(v) for n, v in reducer.get_params().items()}
    files = [folder / "reducer.json", folder / "arrays.npz"]
    files[0].write_text(json.dumps({"method": method, "params": params, "attributes": rest,
                                    "models": sorted(models)}))
    np.savez(files[1], **arrays)
    for name, model in models.items():
        path = folder / f"{name}.keras"
        model.save(path)
        files.append(path)
    return files


def load_reducer(folder: Path) -> BaseEstimator:
    """Rebuild a reducer saved by `save_reducer`; only registered methods can be loaded."""
    description = json.loads((folder / "reducer.json").read_text())
    params = {name: _tuples(value) for name, value in description["params"].items()}
    reducer = make_reducer(description["method"], params.pop("n_components"), **params)
    for name, value in description["attributes"].items():
        setattr(reducer, name, value)
    with np.load(folder / "arrays.npz", allow_pickle=False) as arrays:
        for name in arrays.files:
            setattr(reducer, name, arrays[name])
    if description["models"]:
        from pipelines.reducers.keras_runtime import keras_module

        keras = keras_module()
        for name in description["models"]:
            setattr(reducer, name, keras.models.load_model(folder / f"{name}.keras", safe_mode=True))
    return reducer
