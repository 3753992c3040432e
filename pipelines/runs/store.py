"""Finished runs on disk, keyed by everything that defines them, so nothing is trained twice.

An entry is one task (`RunSpec`: one method's bottleneck sizes on one split): a folder named by the spec's key
holding scores.csv, embeddings.csv, one folder per model and a manifest.json listing every file's SHA-256. The
command line and the dashboard plan the same tasks, so each reuses the other's runs. An entry is written in a
temporary folder and renamed into place, so a reader sees a whole entry or none. The store never deletes what it
cannot prove damaged: an entry whose manifest is missing or unreadable, or whose files do not match it, is moved to
the `.damaged` folder (listed by `damaged()`, removed only by the user) and recomputed; any other error while
loading propagates. The store only stores: `pipelines.runs.resolver` locks, loads, executes and saves.
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
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import pandas as pd
from filelock import FileLock

from pipelines.data.preprocessing import PreparedData
from pipelines.reducers import METHODS
from pipelines.reducers.persistence import load_reducer, save_reducer
from pipelines.runs.spec import RunSpec
from pipelines.runs.tasks import TaskResult
from pipelines.runs.transport import SavedModels, model_folder

STORE_ENV_VAR = "LATENT_LAB_STORE"
DAMAGED_FOLDER = ".damaged"  # entries proven damaged, kept for the user to inspect or remove


def default_store_dir() -> Path:
    """$LATENT_LAB_STORE, or the user's cache directory."""
    if os.environ.get(STORE_ENV_VAR):
        return Path(os.environ[STORE_ENV_VAR]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("latent-lab")) / "runs"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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

    def lock(self, key: str) -> FileLock:
        """The lock that makes one computation of run `key` at a time (held by the resolver around load and save)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self._entry(key).with_name(f"{key}.lock")))

    def contains(self, spec: RunSpec) -> bool:
        """Whether a finished entry of `spec` is on disk (whether it is whole is checked when it is loaded)."""
        return (self.root / spec.key / "manifest.json").is_file()

    def load(self, spec: RunSpec, data: PreparedData) -> TaskResult | None:
        """The stored run, or None when it is missing or proven damaged (a damaged entry is moved aside, kept)."""
        folder = self.root / spec.key
        if not folder.is_dir():
            return None
        damage = damage_of(folder)
        if damage is not None:
            self.quarantine(folder, damage)
            return None
        manifest = json.loads((folder / "manifest.json").read_text())
        models = StoredModels({(spec.method, k): folder / "models" / f"{spec.method}_{k}" for k in spec.bottlenecks})
        scores = pd.read_csv(folder / "scores.csv").astype({"epochs": "Int64"})
        return TaskResult(spec, models, scores, float(manifest["seconds"]), from_store=True)

    def quarantine(self, folder: Path, reason: str) -> None:
        """Move a damaged entry into the damaged folder with a note of why, so it is recomputed but not lost."""
        target = self.root / DAMAGED_FOLDER / f"{folder.name}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(folder, target)
        except FileNotFoundError:  # another session moved it first
            return
        (target / "DAMAGED.txt").write_text(f"{reason}\n")

    def damaged(self) -> pd.DataFrame:
        """Entries moved aside as damaged, newest first: name, key, why and when."""
        rows = []
        for folder in (self.root / DAMAGED_FOLDER).glob("*"):
            note = folder / "DAMAGED.txt"
            rows.append({"name": folder.name, "key": folder.name.split("-", 1)[0],
                         "reason": note.read_text().strip() if note.is_file() else "unknown",
                         "moved": pd.Timestamp(folder.stat().st_mtime, unit="s")})
        listing = pd.DataFrame(rows, columns=["name", "key", "reason", "moved"])
        return listing.sort_values("moved", ascending=False, ignore_index=True)

    def remove_damaged(self, name: str) -> None:
        """Delete one damaged entry (by its name in `damaged()`) for good."""
        folder = self.root / DAMAGED_FOLDER / name
        if name in ("", ".", "..") or folder.parent != self.root / DAMAGED_FOLDER or not folder.is_dir():
            raise ValueError(f"No damaged entry is called {name!r}.")
        shutil.rmtree(folder)

    def save(self, result: TaskResult, study: str | None = None) -> Path:
        """Write the run atomically; if another process stored it first, keep theirs."""
        spec = result.spec
        final = self.root / spec.key
        staging = self.root / f".staging-{uuid.uuid4().hex}"
        staging.mkdir(parents=True)
        try:
            result.scores.to_csv(staging / "scores.csv", index=False)
            if isinstance(result.models, SavedModels):  # already in the store's form (from a worker): as is
                result.models.write(staging / "models")
            else:
                for (method, k), model in result.models.items():
                    save_reducer(model, method, staging / "models" / model_folder(method, k))
            files = {str(p.relative_to(staging)): sha256_of(p) for p in sorted(staging.rglob("*")) if p.is_file()}
            manifest = {"spec": spec.describe(), "key": spec.key, "created": time.time(), "seconds": result.seconds,
                        "changed_settings": {k: _plain(v) for k, v in spec.changed_settings().items()},
                        "study": study, "files": files}
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=1))
            os.rename(staging, final)
        except OSError:
            if not (final / "manifest.json").exists():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return final

    def join_study(self, key: str, study: str) -> None:
        """Count a stored run that belongs to no study yet as `study`'s (a run keeps the first study it joins)."""
        path = self._entry(key) / "manifest.json"
        manifest = json.loads(path.read_text())
        if manifest.get("study") is None:
            manifest["study"] = study
            staging = path.with_name(f".manifest-{uuid.uuid4().hex}")
            staging.write_text(json.dumps(manifest, indent=1))
            os.replace(staging, path)  # atomic: a reader sees the old manifest or the new one

    def runs(self) -> pd.DataFrame:
        """One row per stored run, newest first: key, dataset, method, bottlenecks, changed settings, seeds..."""
        rows = []
        for manifest_path in self.root.glob("*/manifest.json"):
            try:
                manifest = json.loads(manifest_path.read_text())
                spec = manifest["spec"]
                rows.append({"key": manifest["key"], "dataset": spec["dataset"],
                             "content_hash": spec["content_hash"], "method": spec["method"],
                             "bottlenecks": ", ".join(map(str, spec["bottlenecks"])),
                             "settings": _settings_text(manifest.get("changed_settings", {})),
                             "split_seed": spec["split_seed"], "train_seed": spec["train_seed"],
                             "test_size": spec["test_size"], "study": manifest.get("study"),
                             "created": pd.Timestamp(manifest["created"], unit="s"), "seconds": manifest["seconds"]})
            except (OSError, ValueError, KeyError):
                continue  # a damaged entry is not listed; loading it will recompute it
        return pd.DataFrame(rows, columns=RUN_COLUMNS).sort_values("created", ascending=False, ignore_index=True)

    def scores(self, key: str) -> pd.DataFrame:
        """The tidy scores of a stored run."""
        return pd.read_csv(self._entry(key) / "scores.csv")

    def delete(self, key: str) -> None:
        """Remove a stored run."""
        shutil.rmtree(self._entry(key), ignore_errors=True)

    def export_zip(self, keys: Sequence[str]) -> bytes:
        """The runs' files (CSV results, models, manifest) as one zip, a folder per run, with a README.txt."""
        buffer = io.BytesIO()
        listing = self.runs().set_index("key")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", _zip_readme(listing.loc[[k for k in keys if k in listing.index]]))
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


def damage_of(folder: Path) -> str | None:
    """Why an entry is provably damaged (its manifest missing or not JSON, a listed file missing or not matching its
    checksum), or None; a manifest this version cannot interpret is not proof of damage and raises."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except FileNotFoundError:
        return "manifest.json is missing"
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "manifest.json is not valid JSON"
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if sha256_of(path) != digest:
            return f"{name} does not match its checksum"
    return None


RUN_COLUMNS = ["key", "dataset", "content_hash", "method", "bottlenecks", "settings", "split_seed", "train_seed",
               "test_size", "study", "created", "seconds"]


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _settings_text(changed: Mapping[str, object]) -> str:
    """Changed settings as "epochs=50, hidden_layer_sizes=[64]", or "defaults"."""
    return ", ".join(f"{name}={value}" for name, value in sorted(changed.items())) or "defaults"


def _zip_readme(listing: pd.DataFrame) -> str:
    """What each folder of an exported zip holds."""
    lines = ["Latent Lab runs. One folder per run, named by its key:",
             "  scores.csv      test and training MSE and R² of every bottleneck size",
             "  models/METHOD_K reducer.json (method and parameters), state.npz / state.json (fitted arrays),",
             "                  *.keras (autoencoder encoder and decoder, load with keras.models.load_model)",
             "  manifest.json   the full run definition (dataset content hash, split, seeds, settings, versions)",
             "                  and the SHA-256 of every file", ""]
    for key, row in listing.iterrows():
        label = METHODS[row["method"]].label if row["method"] in METHODS else row["method"]
        lines.append(f"{key}: {row['dataset']}, {label}, bottlenecks {row['bottlenecks']}, split seed "
                     f"{row['split_seed']}, training seed {row['train_seed']}, test fraction {row['test_size']}, "
                     f"settings: {row['settings']}")
    return "\n".join(lines) + "\n"
