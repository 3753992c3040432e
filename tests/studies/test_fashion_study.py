"""Studies on fashion-mnist: every study file in studies/ validates without data or training, a machine without
Fashion-MNIST's files gets the one sentence (exit 2), and a tiny copy under a temporary KERAS_HOME gives the same
numbers in process and on a local Ray instance, where the dataset goes to the object store once."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from archive_files import images, write_idx_folder

from pipelines import cli
from pipelines.data import image_archives
from pipelines.data.datasets import OFFICIAL_IMAGES
from pipelines.data.preprocessing import PreparedData
from pipelines.runs.store import RunStore
from pipelines.runs.tasks import repeat_groups
from pipelines.study import load_study, plan_study, run_study

ROOT = Path(__file__).resolve().parents[2]
STUDY_FILES = sorted((ROOT / "studies").glob("*.toml"))
# studies/fashion.toml at tiny settings: every method, two grid points, two seeds, two sizes.
TINY = """
name = "fashion-tiny"
datasets = ["fashion-mnist"]
methods = ["pca", "linear_ae", "nonlinear_ae"]
bottlenecks = [1, 2]
seeds = [0, 1]

[grid]
linear_ae.max_steps = 20
nonlinear_ae.hidden_layer_sizes = [[16]]
nonlinear_ae.max_steps = [10, 20]
"""


@pytest.fixture
def no_files(monkeypatch, tmp_path) -> Path:
    """An empty Keras cache, as on a machine that never fetched Fashion-MNIST."""
    home = tmp_path / "empty-keras-home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture
def tiny_fashion(monkeypatch, tmp_path) -> Path:
    """A 70-image Fashion-MNIST look-alike in a temporary Keras cache; returns the study file naming it."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    write_idx_folder(image_archives.folder("fashion-mnist"), *images())
    path = tmp_path / "fashion-tiny.toml"
    path.write_text(TINY)
    return path


def test_there_are_study_files_and_fashion_is_among_them():
    assert ROOT / "studies" / "fashion.toml" in STUDY_FILES


@pytest.mark.parametrize("path", STUDY_FILES, ids=lambda p: p.name)
def test_every_study_file_validates_without_its_data(no_files, path):
    """Names, grid values and seeds are checked when the file loads; no dataset is read until the plan."""
    study = load_study(path)
    assert study.methods and study.bottlenecks and study.datasets
    assert all(source.csv is None or source.csv.is_file() for source in study.datasets)
    if any(source.name in image_archives.ARCHIVES for source in study.datasets):
        return  # its sizes are checked against the data once the files are there (test below)
    plan = plan_study(study)  # sizes and costs against the data, still without training
    assert len(plan.specs) == len({spec.key for spec in plan.specs}) > 0


@pytest.mark.slow  # 18 s and 1.1 GB: 70,000 images loaded, split and hashed
def test_the_fashion_study_plans_once_the_files_are_there(no_files):
    """studies/fashion.toml plans (sizes and costs checked, nothing trained) on full-size data: 70,000 look-alike
    images, all black, the classes in turn."""
    n = OFFICIAL_IMAGES
    write_idx_folder(image_archives.folder("fashion-mnist"), np.zeros((n, 28, 28), np.uint8),
                     (np.arange(n) % 10).astype(np.uint8))
    plan = plan_study(load_study(ROOT / "studies" / "fashion.toml"))
    (part,) = plan.parts
    assert len(part.data.X_test) == 14_000 and part.data.X_train.shape == (56_000, 784)
    study = plan.study
    assert len(plan.specs) == len(study.train_seeds) * (2 + len(study.grid_points("nonlinear_ae"))), \
        "every seed of PCA, of the linear AE and of each nonlinear AE grid point"


@pytest.mark.parametrize("name", ["fashion-mnist", "mnist"])
def test_a_study_naming_a_dataset_without_its_files_exits_2_with_the_one_sentence(no_files, tmp_path, capsys, name):
    path = ROOT / "studies" / "fashion.toml"
    if name != "fashion-mnist":
        path = tmp_path / f"{name}.toml"
        path.write_text(TINY.replace('"fashion-mnist"', f'"{name}"'))
    store = tmp_path / "store"
    code = cli.main(["study", str(path), "--store-dir", str(store), "--out", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert err.splitlines() == [f"error: {image_archives.missing_message(name)}"], err
    assert str(no_files) in err and f"datasets fetch {name}" in err
    assert not store.exists() or not any(store.iterdir()), "nothing was trained or stored"


@pytest.mark.slow
def test_a_fashion_study_on_ray_gives_the_local_numbers_and_sends_the_dataset_once(tiny_fashion, tmp_path,
                                                                                   monkeypatch):
    ray = pytest.importorskip("ray")
    from pipelines.runs.ray_executor import RayExecutor

    plan = plan_study(load_study(tiny_fashion))
    (part,) = plan.parts
    assert len(part.data.X_train) == 56
    assert len(plan.specs) == 2 * (1 + 1 + 2), "2 seeds each of PCA, the linear AE and 2 nonlinear grid points"
    local = run_study(plan, RunStore(tmp_path / "store-local"))

    puts, task_arguments = _record_ray_traffic(monkeypatch, ray)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        on_ray = run_study(plan, RunStore(tmp_path / "store-ray"), RayExecutor)
    finally:
        ray.shutdown()

    assert not local.failures and not on_ray.failures
    assert list(on_ray.scores["key"]) == list(local.scores["key"]), "the same runs, in the study's order"
    numbers, clock = ["mse", "r2", "epochs"], ["fit_seconds"]
    assert (on_ray.scores[numbers] - local.scores[numbers]).abs().max().max() <= 1e-6
    pd.testing.assert_frame_equal(on_ray.scores.drop(columns=numbers + clock),
                                  local.scores.drop(columns=numbers + clock))

    shared = [ref for value, ref in puts if isinstance(value, PreparedData)]
    assert len(shared) == 1, f"the dataset went to the object store {len(shared)} times"
    assert len(task_arguments) == len(repeat_groups(plan.specs)) == 4, "a task per repeat group: PCA, the linear "
    "AE's seeds together, the nonlinear AE's per grid point"
    assert all(any(arg is shared[0] for arg in args) for args in task_arguments), "every task reads the one copy"
    assert not any(isinstance(arg, PreparedData) for args in task_arguments for arg in args), "none inlined"


def _record_ray_traffic(monkeypatch, ray) -> tuple[list, list]:
    """Wrap ray.put and the remote functions ray.remote makes: what was put (value, ref), and each task's arguments."""
    puts, task_arguments = [], []
    real_put, real_remote = ray.put, ray.remote

    def put(value, **options):
        ref = real_put(value, **options)
        puts.append((value, ref))
        return ref

    class RecordedRemote:
        def __init__(self, function):
            self.function = function

        def remote(self, *args, **kwargs):
            task_arguments.append(args + tuple(kwargs.values()))
            return self.function.remote(*args, **kwargs)

    monkeypatch.setattr(ray, "put", put)
    monkeypatch.setattr(ray, "remote", lambda **options: lambda f: RecordedRemote(real_remote(**options)(f)))
    return puts, task_arguments
