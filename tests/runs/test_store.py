"""Finished runs are stored atomically, found again by their definition, and never shown damaged."""
import dataclasses
import json
import os
import subprocess
import sys
import threading
import zipfile
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pipelines.runs.tasks
from pipelines import load_csv, load_dataset, plan, run, run_spec
from pipelines.runs.store import RunStore
from pipelines.runs.sweep import load_or_fit_repeats

FAST = {"linear_ae": {"epochs": 4}, "nonlinear_ae": {"epochs": 4}}
METHODS = ["pca", "linear_ae", "nonlinear_ae"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "runs")



def run_iris(store, iris, **overrides):
    options = {"test_size": 0.2, "split_seed": 0, "train_seeds": (0,), "params": FAST, **overrides}
    return run(iris, METHODS, [1, 2], store=store, **options)


def test_a_finished_run_is_loaded_again_without_training(store, iris, monkeypatch):
    spec = run_spec(iris, "pca", [1, 2])
    assert not store.contains(spec)
    first = run_iris(store, iris)
    assert not first.from_store and store.contains(spec)
    monkeypatch.setattr(pipelines.runs.tasks, "execute", lambda *a, **k: pytest.fail("a stored run was retrained"))
    again = run_iris(store, iris)
    assert again.from_store
    pd.testing.assert_frame_equal(first.scores, again.scores)
    X = again.data.X_test
    for key, model in first.models.items():
        assert np.allclose(model.transform(X), again.models[key].transform(X), atol=1e-6), key
        assert np.allclose(model.inverse_transform(model.transform(X)),
                           again.models[key].inverse_transform(again.models[key].transform(X)), atol=1e-6), key
    assert again.models[("nonlinear_ae", 2)].history_ == first.models[("nonlinear_ae", 2)].history_


def test_one_entry_per_method_so_a_changed_setting_retrains_only_its_method(store, iris):
    run_iris(store, iris)
    assert len(store.runs()) == len(METHODS)
    again = run_iris(store, iris, params={**FAST, "nonlinear_ae": {"epochs": 5}})
    assert not again.from_store and len(store.runs()) == len(METHODS) + 1


@pytest.mark.parametrize("change", [{"split_seed": 1}, {"train_seed": 1}, {"test_size": 0.3},
                                    {"settings": {"epochs": 5}}])
def test_anything_that_defines_a_run_changes_its_key(iris, change):
    base = dict(test_size=0.2, split_seed=0, train_seed=0, settings={"epochs": 4})
    spec = run_spec(iris, "nonlinear_ae", [1, 2], **base)
    assert spec.key != run_spec(iris, "nonlinear_ae", [1, 2], **{**base, **change}).key
    assert spec.key != run_spec(iris, "nonlinear_ae", [1, 3], **base).key
    assert spec.key != run_spec(load_dataset("wine"), "nonlinear_ae", [1, 2], **base).key
    assert spec.key == run_spec(iris, "nonlinear_ae", [2, 1], **base).key


def test_default_parameters_and_the_versions_that_shape_numbers_are_part_of_the_key(iris):
    spec = run_spec(iris, "nonlinear_ae", [2])
    params = dict(spec.params)
    assert params["epochs"] > 0 and "hidden_layer_sizes" in params and "patience" in params
    versions = spec.describe()["versions"]
    assert {"keras", "scikit-learn", "numpy", "tensorflow"} <= set(versions)
    assert versions["tensorflow"] != "absent"
    assert run_spec(iris, "nonlinear_ae", [2]).key == spec.key


def test_built_in_datasets_are_keyed_by_their_content_not_their_name(iris):
    changed = dataclasses.replace(iris, X=iris.X + np.float32(1e-3))
    assert changed.name == iris.name
    assert run_spec(changed, "pca", [1]).key != run_spec(iris, "pca", [1]).key


def test_uploads_are_keyed_by_their_content():
    def upload(offset):
        rows = ["a,b,c"] + [f"{i + offset},{i % 3},{i % 5}" for i in range(20)]
        return load_csv("\n".join(rows).encode(), name="same-name.csv")
    assert run_spec(upload(0), "pca", [1]).key != run_spec(upload(1), "pca", [1]).key


def test_the_same_upload_with_and_without_a_label_column_are_different_runs(store):
    """Issue: both got one key, and the second load failed with "X has 3 features, but PCA is expecting 4"."""
    rows = ["a,b,c,d"] + [f"{i % 7},{(i * 3) % 11},{i % 5},{i % 2}" for i in range(40)]
    raw = "\n".join(rows).encode()
    without_label, with_label = load_csv(raw, name="f.csv"), load_csv(raw, label_column="d", name="f.csv")
    assert run_spec(without_label, "pca", [1]).key != run_spec(with_label, "pca", [1]).key
    first = run(without_label, ["pca"], [1, 2], store=store)
    second = run(with_label, ["pca"], [1, 2], store=store)
    assert not second.from_store
    assert second.models[("pca", 2)].n_features_in_ == 3 and first.models[("pca", 2)].n_features_in_ == 4


def test_a_damaged_entry_is_recomputed_not_shown(store, iris):
    first = run_iris(store, iris)
    entry = store.root / run_spec(iris, "nonlinear_ae", [1, 2], settings=FAST["nonlinear_ae"]).key
    (entry / "scores.csv").write_text("dataset,method\ngarbage,rows\n")
    again = run_iris(store, iris)
    assert not again.from_store
    pd.testing.assert_frame_equal(first.scores.drop(columns="fit_seconds"), again.scores.drop(columns="fit_seconds"),
                                  check_exact=False, atol=1e-6)


@pytest.mark.parametrize("damage", ["delete manifest", "truncate model", "bad json"])
def test_partial_entries_are_detected(store, iris, damage):
    run_iris(store, iris)
    # An autoencoder's entry: it has a model file to truncate (the folders' order follows their keys).
    entry = next(p for p in store.root.iterdir() if p.is_dir() and any(p.rglob("*.keras")))
    if damage == "delete manifest":
        (entry / "manifest.json").unlink()
    elif damage == "truncate model":
        model = next(entry.rglob("*.keras"))
        model.write_bytes(model.read_bytes()[:100])
    else:
        (entry / "manifest.json").write_text("{not json")
    assert not run_iris(store, iris).from_store
    assert run_iris(store, iris).from_store


def test_a_damaged_entry_is_kept_aside_with_why_until_the_user_removes_it(store, iris):
    run_iris(store, iris)
    spec = run_spec(iris, "pca", [1, 2])
    (store.root / spec.key / "scores.csv").write_text("tampered\n")
    assert not run_iris(store, iris).from_store
    (damaged,) = store.damaged().itertuples()
    assert damaged.key == spec.key and damaged.reason == "scores.csv does not match its checksum"
    kept = store.root / ".damaged" / damaged.name
    assert (kept / "scores.csv").read_text() == "tampered\n", "the damaged files are kept as they were"
    assert len(store.runs()) == len(METHODS), "the recomputed entry is stored in its place"
    store.remove_damaged(damaged.name)
    assert store.damaged().empty and not kept.exists()
    with pytest.raises(ValueError, match="No damaged entry"):
        store.remove_damaged("..")


@pytest.mark.parametrize("failure", ["unknown manifest", "read error"])
def test_an_error_that_proves_no_damage_propagates_and_deletes_nothing(store, iris, monkeypatch, failure):
    run_iris(store, iris)
    spec = run_spec(iris, "pca", [1, 2])
    entry = store.root / spec.key
    if failure == "unknown manifest":  # e.g. written by a newer version
        manifest = json.loads((entry / "manifest.json").read_text())
        (entry / "manifest.json").write_text(json.dumps({**manifest, "files": None, "checksums": manifest["files"]}))
        expected = AttributeError
    else:
        def failing_read(*args, **kwargs):
            raise PermissionError("transient")
        monkeypatch.setattr(pd, "read_csv", failing_read)
        expected = PermissionError
    with pytest.raises(expected):
        store.load(spec, None)
    assert (entry / "scores.csv").is_file() and store.damaged().empty


def test_no_staging_folders_are_left_behind(store, iris):
    run_iris(store, iris)
    assert not [p for p in store.root.iterdir() if p.name.startswith(".staging")]


def test_runs_are_listed_exported_and_deleted(store, iris):
    run(iris, ["pca", "nonlinear_ae"], [1, 2], params=FAST, store=store)
    run(iris, ["nonlinear_ae"], [1, 2], params=FAST, store=store, train_seeds=(1,))
    listing = store.runs()
    assert len(listing) == 3 and set(listing["train_seed"]) == {0, 1} and (listing["dataset"] == "iris").all()
    settings = dict(zip(listing["method"] + str(listing["train_seed"]), listing["settings"]))
    assert set(listing.loc[listing["method"] == "pca", "settings"]) == {"defaults"}
    assert set(listing.loc[listing["method"] == "nonlinear_ae", "settings"]) == {"epochs=4"}, settings
    key = listing.loc[listing["method"] == "nonlinear_ae", "key"].iloc[0]
    assert len(store.scores(key)) == 2 * 2
    archive = zipfile.ZipFile(BytesIO(store.export_zip([key])))
    names = archive.namelist()
    assert f"{key}/scores.csv" in names and f"{key}/manifest.json" in names
    assert any(name.endswith("encoder_.keras") for name in names)
    readme = archive.read("README.txt").decode()
    assert key in readme and "Nonlinear AE" in readme and "epochs=4" in readme
    store.delete(key)
    assert key not in set(store.runs()["key"]) and len(store.runs()) == 2
    with pytest.raises(ValueError):
        store.delete("../../etc")


def test_models_are_saved_without_pickle(store, iris):
    run_iris(store, iris)
    entry = next(p for p in store.root.iterdir() if p.is_dir())
    suffixes = {p.suffix for p in entry.rglob("*") if p.is_file()}
    assert suffixes <= {".csv", ".json", ".npz", ".keras"}
    manifest = json.loads((entry / "manifest.json").read_text())
    assert manifest["spec"]["versions"]["keras"]


def test_two_sessions_asking_for_the_same_run_share_it(store, iris):
    data, (spec,) = plan(iris, ["nonlinear_ae"], [1, 2], params=FAST)
    results = []
    threads = [threading.Thread(target=lambda: results.extend(load_or_fit_repeats([spec], data, store)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.from_store for r in results) == [False, True]
    pd.testing.assert_frame_equal(results[0].scores, results[1].scores)


def test_four_sessions_training_different_runs_at_once_all_finish_correctly(store, iris):
    seeds = [0, 1, 2, 3]
    parallel = {}
    threads = [threading.Thread(target=lambda s=s: parallel.__setitem__(s, run_iris(store, iris, train_seeds=(s,))))
               for s in seeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for seed in seeds:
        alone = run_iris(RunStore(store.root.parent / f"alone-{seed}"), iris, train_seeds=(seed,))
        pd.testing.assert_frame_equal(parallel[seed].scores.drop(columns="fit_seconds"),
                                      alone.scores.drop(columns="fit_seconds"), check_exact=False, atol=1e-6)


@pytest.mark.slow
def test_same_definition_same_csv_in_two_separate_processes(tmp_path):
    """Determinism: two fresh processes, nothing shared on disk, the same numbers to 1e-6."""
    outputs = []
    for i in range(2):
        out = tmp_path / f"run{i}.csv"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-m", "pipelines", "sweep", "--dataset", "digits", "--bottlenecks", "2,8",
                        "--seed", "5", "--no-store", "--out", str(out)], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=600)
        outputs.append(pd.read_csv(out).drop(columns="fit_seconds"))
    pd.testing.assert_frame_equal(outputs[0], outputs[1], check_exact=False, rtol=0, atol=1e-6)
