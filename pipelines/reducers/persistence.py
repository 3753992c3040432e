"""Save and load fitted reducers without pickle: arrays as .npz, Keras models as .keras (safe mode), the rest JSON.

Each method may save its own fitted state (`Method.save_state` / `load_state`); the generic state keeps the
public fitted attributes (names ending in "_"), which is all PCA and the autoencoders have.
"""
from __future__ import annotations

import json
from pathlib import Path

from sklearn.base import BaseEstimator

from pipelines.reducers import METHODS, make_reducer
from pipelines.reducers.saved_state import jsonable, load_attributes, public_fitted_names, save_attributes, tuples


def save_reducer(reducer: BaseEstimator, method: str, folder: Path) -> None:
    """Write `reducer` (fitted, of registered `method`) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    params = {n: jsonable(v) for n, v in reducer.get_params().items()}
    (folder / "reducer.json").write_text(json.dumps({"method": method, "params": params}))
    save_state = METHODS[method].save_state
    if save_state is not None:
        save_state(reducer, folder)
    else:
        save_attributes(reducer, public_fitted_names(reducer), folder)


def load_reducer(folder: Path) -> BaseEstimator:
    """Rebuild a reducer saved by `save_reducer`; only registered methods can be loaded."""
    description = json.loads((folder / "reducer.json").read_text())
    params = {name: tuples(value) for name, value in description["params"].items()}
    method = description["method"]
    reducer = make_reducer(method, params.pop("n_components"), **params)
    load_state = METHODS[method].load_state
    if load_state is not None:
        load_state(reducer, folder)
    else:
        load_attributes(reducer, folder)
    return reducer
