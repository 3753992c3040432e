"""The feature space of a split, with its image classifier trained once and kept in the run store.

A classifier entry is keyed like a run (the data's content hash, the split, the classifier's recipe and the package
versions) and written like one: in a staging folder renamed into place, with a manifest of every file's SHA-256,
under the key's lock; an entry proven damaged is moved to the store's damaged folder and trained again. Entries live
in their own folder of the store (`FEATURES_FOLDER`), so they are never listed as runs.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid

from filelock import FileLock

from pipelines.analysis import features
from pipelines.data.preprocessing import PreparedData
from pipelines.runs.spec import number_shaping_versions
from pipelines.runs.store import RunStore, damage_of, sha256_of

FEATURES_FOLDER = ".features"


def classifier_key(data: PreparedData) -> str:
    """The stored name of the classifier of `data`'s split."""
    identity = {"content_hash": data.dataset.content_hash, "test_size": round(float(data.test_size), 6),
                "split_seed": int(data.seed), "recipe": features.CLASSIFIER_RECIPE,
                "versions": dict(number_shaping_versions())}
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:20]


def feature_space(data: PreparedData, store: RunStore | None) -> features.FeatureSpace:
    """The space sample quality of `data` is measured in: a stored (or newly trained and stored) classifier's
    features for labelled images, else the standardised data space. Without a store the classifier is trained and
    not kept."""
    if not features.has_classifier(data):
        return features.data_space(data)
    if store is None:
        return features.train_classifier(data)
    key = classifier_key(data)
    folder = store.root / FEATURES_FOLDER / key
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder.with_name(f"{key}.lock"))):
        if folder.is_dir():
            damage = damage_of(folder)
            if damage is None:
                manifest = json.loads((folder / "manifest.json").read_text())
                return features.load_classifier(folder, float(manifest["test_accuracy"]))
            store.quarantine(folder, damage)
        started = time.perf_counter()
        space = features.train_classifier(data)
        _save(space, folder, key, data, time.perf_counter() - started)
        return space


def _save(space: features.ClassifierSpace, final, key: str, data: PreparedData, seconds: float) -> None:
    staging = final.with_name(f".staging-{uuid.uuid4().hex}")
    try:
        features.save_classifier(space, staging)
        files = {str(p.relative_to(staging)): sha256_of(p) for p in sorted(staging.rglob("*")) if p.is_file()}
        manifest = {"key": key, "dataset": data.dataset.name, "content_hash": data.dataset.content_hash,
                    "test_size": data.test_size, "split_seed": data.seed, "recipe": features.CLASSIFIER_RECIPE,
                    "versions": dict(number_shaping_versions()), "test_accuracy": space.test_accuracy,
                    "seconds": seconds, "created": time.time(), "files": files}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1))
        os.rename(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
