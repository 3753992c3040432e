"""Finished runs are stored atomically, found again by their definition, and never shown damaged."""
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

from pipelines import load_csv, load_dataset
from pipelines.store import RunStore, run_spec

FAST = {"linear_ae": {"epochs": 4}, "nonlinear_ae": {"epochs": 4}}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "runs")


@pytest.fixture(scope="module")
def iris():
    return load_dataset("iris")


def run_iris(store, iris, **overrides):
    options = {"test_size": 0.2, "seed": 0, "params": FAST, **overrides}
    return store.load_or_run(iris, ["pca", "linear_ae", "nonlinear_ae"], [1, 2], **options)


def test_a_finished_run_is_loaded_again_without_training(store, iris, monkeypatch):
    first = run_iris(store, iris)
    assert not first.from_store
    import pipelines.store
    monkeypatch.setattr(pipelines.store, "run", lambda *a, **k: pytest.fail("a stored run was retrained"))
    again = run_iris(store, iris)
    assert again.from_store
    pd.testing.assert_frame_equal(first.scores, again.scores)
    X = again.data.X_test
    for key, model in first.models.items():
        assert np.allclose(model.transform(X), again.models[key].transform(X), atol=1e-6), key
    assert again.models[("nonlinear_ae", 2)].history_ == first.models[("nonlinear_ae", 2)].history_


@pytest.mark.parametrize("change", [{"seed": 1}, {"test_size": 0.3},
                                    {"params": {**FAST, "nonlinear_ae": {"epochs": 5}}}])
def test_anything_that_defines_a_run_changes_its_key(iris, change):
    base = dict(test_size=0.2, seed=0, params=FAST)
    methods, sizes = ["pca", "nonlinear_ae"], [1, 2]
    assert run_spec(iris, methods, sizes, **base).key != run_spec(iris, methods, sizes, **{**base, **change}).key
    assert run_spec(iris, methods, sizes, **base).key != run_spec(iris, methods, [1, 3], **base).key
    assert run_spec(iris, methods, sizes, **base).key != run_spec(load_dataset("wine"), methods, sizes, **base).key


def test_default_parameters_are_part_of_the_key(iris):
    spec = run_spec(iris, ["nonlinear_ae"], [2])
    assert spec.params["nonlinear_ae"]["epochs"] > 0 and "hidden_layer_sizes" in spec.params["nonlinear_ae"]
    assert run_spec(iris, ["nonlinear_ae"], [2]).key == spec.key


def test_uploads_are_keyed_by_their_content():
    def upload(offset):
        rows = ["a,b,c"] + [f"{i + offset},{i % 3},{i % 5}" for i in range(20)]
        return load_csv("\n".join(rows).encode(), name="same-name.csv")
    assert run_spec(upload(0), ["pca"], [1]).key != run_spec(upload(1), ["pca"], [1]).key


def test_a_damaged_entry_is_recomputed_not_shown(store, iris):
    first = run_iris(store, iris)
    entry = store.root / run_spec(iris, ["pca", "linear_ae", "nonlinear_ae"], [1, 2], params=FAST).key
    (entry / "scores.csv").write_text("dataset,method\ngarbage,rows\n")
    again = run_iris(store, iris)
    assert not again.from_store
    pd.testing.assert_frame_equal(first.scores.drop(columns="fit_seconds"), again.scores.drop(columns="fit_seconds"),
                                  check_exact=False, atol=1e-6)


@pytest.mark.parametrize("damage", ["delete manifest", "truncate model", "bad json"])
def test_partial_entries_are_detected(store, iris, damage):
    run_iris(store, iris)
    entry = next(p for p in store.root.iterdir() if p.is_dir())
    if damage == "delete manifest":
        (entry / "manifest.json").unlink()
    elif damage == "truncate model":
        model = next(entry.rglob("*.keras"))
        model.write_bytes(model.read_bytes()[:100])
    else:
        (entry / "manifest.json").write_text("{not json")
    assert not run_iris(store, iris).from_store
    assert run_iris(store, iris).from_store


def test_no_staging_folders_are_left_behind(store, iris):
    run_iris(store, iris)
    assert not [p for p in store.root.iterdir() if p.name.startswith(".staging")]


def test_runs_are_listed_exported_and_deleted(store, iris):
    run_iris(store, iris)
    run_iris(store, iris, seed=1)
    listing = store.runs()
    assert len(listing) == 2 and set(listing["seed"]) == {0, 1} and (listing["dataset"] == "iris").all()
    assert "nonlinear_ae: epochs=4" in listing["settings"].iloc[0] and "pca: defaults" in listing["settings"].iloc[0]
    key = listing["key"].iloc[0]
    assert len(store.scores(key)) == 3 * 2 * 2
    names = zipfile.ZipFile(BytesIO(store.export_zip([key]))).namelist()
    assert f"{key}/scores.csv" in names and f"{key}/manifest.json" in names
    assert any(name.endswith("encoder_.keras") for name in names)
    store.delete(key)
    assert list(store.runs()["key"]) == [listing["key"].iloc[1]]
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
    results = []
    threads = [threading.Thread(target=lambda: results.append(run_iris(store, iris))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.from_store for r in results) == [False, True]
    pd.testing.assert_frame_equal(results[0].scores, results[1].scores)


def test_four_sessions_training_different_runs_at_once_all_finish_correctly(store, iris):
    seeds = [0, 1, 2, 3]
    parallel = {}
    threads = [threading.Thread(target=lambda s=s: parallel.__setitem__(s, run_iris(store, iris, seed=s)))
               for s in seeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for seed in seeds:
        alone = run_iris(RunStore(store.root.parent / f"alone-{seed}"), iris, seed=seed)
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
