"""A task's result as the run store writes it, in plain bytes and text: what a worker on another machine sends
back instead of pickled models. The models travel as the files `save_reducer` writes (JSON, .npz, .keras) and are
rebuilt from them only when used; the store writes them byte for byte."""
from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

import pandas as pd
from sklearn.base import BaseEstimator

from pipelines.reducers.persistence import load_reducer, save_reducer
from pipelines.runs.spec import RunSpec
from pipelines.runs.tasks import TaskResult


@dataclass(frozen=True)
class PlainResult:
    """One task's scores (scores.csv's text), wall time and model files (path under models/ -> bytes)."""

    key: str
    scores_csv: str
    seconds: float
    files: dict[str, bytes]


def model_folder(method: str, k: int) -> str:
    """The folder of one model under an entry's models/, as the store names it."""
    return f"{method}_{k}"


def to_plain(result: TaskResult) -> PlainResult:
    """`result` with its models saved to files, ready to cross a process or machine boundary."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for (method, k), model in result.models.items():
            save_reducer(model, method, root / model_folder(method, k))
        files = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    return PlainResult(result.spec.key, result.scores.to_csv(index=False), result.seconds, files)


def from_plain(spec: RunSpec, plain: PlainResult) -> TaskResult:
    """The `TaskResult` of `spec` that `plain` describes; its models load from their files when first used."""
    if plain.key != spec.key:
        raise ValueError(f"Result {plain.key} does not belong to run {spec.key}.")
    scores = pd.read_csv(io.StringIO(plain.scores_csv)).astype({"epochs": "Int64"})
    return TaskResult(spec, SavedModels(spec, plain.files), scores, plain.seconds)


class SavedModels(Mapping):
    """A run's models as their saved files; each is rebuilt (safely, like the store's) on first use."""

    def __init__(self, spec: RunSpec, files: dict[str, bytes]):
        self._keys = [(spec.method, k) for k in spec.bottlenecks]
        self.files = files
        self._loaded: dict[tuple[str, int], BaseEstimator] = {}

    def write(self, folder: Path, prefix: str = "") -> None:
        """Write the model files (those whose path starts with `prefix`) under `folder`, byte for byte."""
        for name, content in self.files.items():
            if name.startswith(prefix):
                path = folder / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)

    def __getitem__(self, key: tuple[str, int]) -> BaseEstimator:
        if key not in self._keys:
            raise KeyError(key)
        if key not in self._loaded:
            with tempfile.TemporaryDirectory() as tmp:
                self.write(Path(tmp), prefix=model_folder(*key) + "/")
                self._loaded[key] = load_reducer(Path(tmp) / model_folder(*key))
        return self._loaded[key]

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)
