"""One run identity, shared by the command line, the run store and the dashboard: one method's group of
bottleneck sizes, trained on one split of one dataset's content with full settings and seeds."""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from typing import Mapping, Sequence

from pipelines.data.datasets import Dataset
from pipelines.reducers import METHODS

FORMAT_VERSION = 2
# Packages whose versions shape the numbers; TensorFlow's CPU-only build has its own distribution name.
_VERSIONED_PACKAGES = {"keras": ("keras",), "scikit-learn": ("scikit-learn",), "numpy": ("numpy",),
                       "tensorflow": ("tensorflow", "tensorflow-cpu")}


def _installed_version(names: Sequence[str]) -> str:
    for name in names:
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "absent"


@functools.cache  # reading package metadata costs milliseconds, and a page builds specs on every rerun
def number_shaping_versions() -> tuple[tuple[str, str], ...]:
    """(package, version) of every package whose version can change a run's numbers."""
    return tuple((package, _installed_version(names)) for package, names in _VERSIONED_PACKAGES.items())


def _jsonable(value):
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


@dataclass(frozen=True)
class RunSpec:
    """Everything that defines one method's fitted models and their scores; its `key` names the stored run."""

    dataset: str
    content_hash: str  # of X, y, feature names, label column and scaling
    method: str
    bottlenecks: tuple[int, ...]
    test_size: float
    split_seed: int
    train_seed: int
    params: tuple[tuple[str, object], ...]  # the estimator's full parameters, defaults included, sorted by name
    versions: tuple[tuple[str, str], ...] = field(default_factory=number_shaping_versions)

    def describe(self) -> dict:
        """The spec as JSON-ready data."""
        return {"dataset": self.dataset, "content_hash": self.content_hash, "method": self.method,
                "bottlenecks": list(self.bottlenecks), "test_size": self.test_size, "split_seed": self.split_seed,
                "train_seed": self.train_seed, "params": {k: _jsonable(v) for k, v in self.params},
                "versions": dict(self.versions), "format": FORMAT_VERSION}

    @cached_property
    def key(self) -> str:
        """Stable name of this run in the store and in the dashboard's caches."""
        return hashlib.sha256(json.dumps(self.describe(), sort_keys=True).encode()).hexdigest()[:20]

    def estimator_params(self) -> dict[str, object]:
        """Keyword arguments that build this run's estimators (with `n_components` added per size)."""
        return dict(self.params)

    def changed_settings(self) -> dict[str, object]:
        """The parameters that differ from the method's defaults today."""
        defaults = METHODS[self.method].full_params({"random_state": self.train_seed})
        return {name: value for name, value in self.params if _jsonable(defaults.get(name)) != _jsonable(value)}


def run_spec(dataset: Dataset, method: str, bottlenecks: Sequence[int], *, test_size: float = 0.2,
             split_seed: int = 0, train_seed: int = 0, settings: Mapping[str, object] | None = None) -> RunSpec:
    """The spec of `method` at `bottlenecks` on `dataset`; every default is spelled out, so a changed default
    changes the key."""
    full = METHODS[method].full_params({**(settings or {}), **_image_params(dataset, method),
                                        "random_state": int(train_seed)})
    return RunSpec(dataset.name, dataset.content_hash, method, tuple(sorted({int(k) for k in bottlenecks})),
                   round(float(test_size), 6), int(split_seed), int(train_seed), tuple(sorted(full.items())))


def _image_params(dataset: Dataset, method: str) -> dict[str, object]:
    """The declared image shape for a method that reads images, unless it is the square the method assumes anyway
    (so the keys of runs stored on the built-in square images stay the same)."""
    shape = dataset.image_shape
    if not METHODS[method].needs_images or shape is None or shape[0] == shape[1]:
        return {}
    return {"image_shape": tuple(shape)}
