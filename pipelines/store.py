"""Finished runs on disk, keyed by everything that defines them, so nothing is trained twice.

An entry is a folder named by the run's key holding scores.csv, embeddings.csv, one folder per model and a
manifest.json listing every file's SHA-256. It is written in a temporary folder and renamed into place, so
a reader sees a whole entry or none; an entry whose files do not match its manifest is deleted and
recomputed. A lock per key makes two sessions asking for the same run share one computation.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import pandas as pd
from filelock import FileLock

from pipelines.datasets import Dataset
from pipelines.embeddings import embedding_frame
from pipelines.persistence import jsonable, load_reducer, save_reducer
from pipelines.preprocessing import prepare
from pipelines.reducers import make_reducer
from pipelines.runs import RunResult, run
from pipelines.fitting import ProgressCallback, check_bottlenecks, check_methods

STORE_ENV_VAR = "LATENT_LAB_STORE"
FORMAT_VERSION = 1
_VERSIONED_PACKAGES = ("keras", "scikit-learn", "numpy")


def default_store_dir() -> Path:
    """$LATENT_LAB_STORE, or the user's cache directory."""
    if os.environ.get(STORE_ENV_VAR):
        return Path(os.environ[STORE_ENV_VAR]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("latent-lab")) / "runs"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class RunSpec:
    """Everything that defines a run's numbers."""

    dataset: str
    fingerprint: str
    methods: tuple[str, ...]
    bottlenecks: tuple[int, ...]
    test_size: float
    seed: int
    params: Mapping[str, Mapping]  # each method's full parameters, defaults included

    def describe(self) -> dict:
        """The spec as JSON-ready data, with the library versions that shape the numbers."""
        return {"dataset": self.dataset, "fingerprint": self.fingerprint, "methods": list(self.methods),
                "bottlenecks": list(self.bottlenecks), "test_size": self.test_size, "seed": self.seed,
                "params": self.params, "format": FORMAT_VERSION,
                "versions": {name: version(name) for name in _VERSIONED_PACKAGES}}

    @property
    def key(self) -> str:
        """Stable name of this run's entry."""
        text = json.dumps(self.describe(), sort_keys=True, default=list)
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def run_spec(dataset: Dataset, methods: Sequence[str], bottlenecks: Sequence[int], *, test_size: float = 0.2,
             seed: int = 0, params: Mapping[str, Mapping] | None = None) -> RunSpec:
    """The spec of a run, with every method's defaults spelled out so that changing a default changes the key."""
    methods = check_methods(methods)
    params = params or {}
    full = {}
    for method in methods:
        settings = make_reducer(method, 1, random_state=seed, **params.get(method, {})).get_params()
        settings.pop("n_components")
        full[method] = {k: jsonable(v) for k, v in sorted(settings.items())}
    return RunSpec(dataset.name, dataset.fingerprint, tuple(methods), tuple(sorted({int(k) for k in bottlenecks})),
                   float(test_size), int(seed), full)


def _changed_settings(params: Mapping[str, Mapping]) -> str:
    """The settings of each method that differ from today's defaults, e.g. "nonlinear_ae: epochs=50"."""
    parts = []
    for method, settings in params.items():
        defaults = make_reducer(method, 1, random_state=settings.get("random_state", 0)).get_params()
        changed = [f"{name}={value}" for name, value in settings.items()
                   if name in defaults and jsonable(defaults[name]) != value]
        parts.append(f"{method}: {', '.join(changed) or 'defaults'}")
    return "; ".join(parts)


class StoredModels(Mapping):
    """Models of a stored run, each read from disk on first use: showing curves needs no model at all."""

    def __init__(self, folders: dict[tuple[str, int], Path]):
        self._folders = folders
        self._loaded: dict[tuple[str, int], object] = {}
        self._lock = threading.Lock()  # sessions share one cached result

    def __getitem__(self, key: tuple[str, int]):
        with self._lock:
            if key not in self._loaded:
                self._loaded[key] = load_reducer(self._folders[key])
            return self._loaded[key]

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(self._folders)

    def __len__(self) -> int:
        return len(self._folders)


class RunStore:
    """Finished runs in a folder on disk."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root).expanduser() if root is not None else default_store_dir()

    def load_or_run(self, dataset: Dataset, methods: Sequence[str], bottlenecks: Sequence[int], *,
                    test_size: float = 0.2, seed: int = 0, params: Mapping[str, Mapping] | None = None,
                    progress: ProgressCallback | None = None) -> RunResult:
        """The stored result of this run, computing and storing it first if there is none."""
        spec = run_spec(dataset, methods, bottlenecks, test_size=test_size, seed=seed, params=params)
        self.root.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.root / f"{spec.key}.lock")):
            stored = self.load(spec, dataset)
            if stored is not None:
                return stored
            result = run(dataset, methods, bottlenecks, test_size=test_size, seed=seed, params=params,
                         progress=progress)
            self.save(spec, result)
            return result

    def load(self, spec: RunSpec, dataset: Dataset) -> RunResult | None:
        """The stored run, or None when it is missing or damaged (a damaged entry is deleted)."""
        folder = self.root / spec.key
        if not folder.is_dir():
            return None
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
            if any(_sha256(folder / name) != digest for name, digest in manifest["files"].items()):
                raise ValueError("checksum mismatch")
            data = prepare(dataset, test_size=spec.test_size, seed=spec.seed)
            check_bottlenecks(spec.bottlenecks, data)
            models = StoredModels({(method, k): folder / "models" / f"{method}_{k}"
                                   for method in spec.methods for k in spec.bottlenecks})
            scores = pd.read_csv(folder / "scores.csv")
        except Exception:  # any damage at all means recompute: a stored run is never shown half-read
            shutil.rmtree(folder, ignore_errors=True)
            return None
        return RunResult(data, models, scores, float(manifest["seconds"]), from_store=True)

    def save(self, spec: RunSpec, result: RunResult) -> Path:
        """Write the run atomically; if another process stored it first, keep theirs."""
        final = self.root / spec.key
        staging = self.root / f".staging-{uuid.uuid4().hex}"
        staging.mkdir(parents=True)
        try:
            result.scores.to_csv(staging / "scores.csv", index=False)
            embedding_frame(result.models, result.data).to_csv(staging / "embeddings.csv", index=False)
            for (method, k), model in result.models.items():
                save_reducer(model, method, staging / "models" / f"{method}_{k}")
            files = {str(p.relative_to(staging)): _sha256(p) for p in sorted(staging.rglob("*")) if p.is_file()}
            manifest = {"spec": spec.describe(), "key": spec.key, "created": time.time(),
                        "seconds": result.seconds, "files": files}
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, default=list))
            os.rename(staging, final)
        except OSError:
            if not (final / "manifest.json").exists():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return final

    def runs(self) -> pd.DataFrame:
        """One row per stored run: key, dataset, methods, bottlenecks, created, seconds."""
        rows = []
        for manifest_path in sorted(self.root.glob("*/manifest.json")):
            try:
                manifest = json.loads(manifest_path.read_text())
                spec = manifest["spec"]
                rows.append({"key": manifest["key"], "dataset": spec["dataset"], "methods": ", ".join(spec["methods"]),
                             "settings": _changed_settings(spec["params"]),
                             "bottlenecks": ", ".join(map(str, spec["bottlenecks"])), "seed": spec["seed"],
                             "test_size": spec["test_size"], "created": pd.Timestamp(manifest["created"], unit="s"),
                             "seconds": manifest["seconds"]})
            except (OSError, ValueError, KeyError):
                continue  # a damaged entry is not listed; loading it will recompute it
        columns = ["key", "dataset", "methods", "settings", "bottlenecks", "seed", "test_size", "created", "seconds"]
        return pd.DataFrame(rows, columns=columns).sort_values("created", ascending=False, ignore_index=True)

    def scores(self, key: str) -> pd.DataFrame:
        """The tidy scores of a stored run."""
        return pd.read_csv(self._entry(key) / "scores.csv")

    def delete(self, key: str) -> None:
        """Remove a stored run."""
        shutil.rmtree(self._entry(key), ignore_errors=True)

    def export_zip(self, keys: Sequence[str]) -> bytes:
        """The runs' files (CSV results, embeddings, .keras models, manifest) as one zip, a folder per run."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for key in keys:
                folder = self._entry(key)
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        archive.write(path, f"{key}/{path.relative_to(folder)}")
        return buffer.getvalue()

    def _entry(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError(f"Not a run key: {key!r}")
        return self.root / key
