"""Studies: a TOML file expands into checked runs, trains what the store lacks, reports failures without stopping,
and resumes after its driver is killed with nothing lost or duplicated."""
import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipelines import cli
from pipelines.runs.store import RunStore
from pipelines.study import InProcessStudyExecutor, StudyPart, StudyPlan, load_study, plan_study, run_study, summary

ROOT = Path(__file__).resolve().parents[2]
SMALL = """
name = "small"
datasets = ["iris"]
methods = ["pca", "linear_ae"]
bottlenecks = [1, 2]
seeds = [0, 1]

[grid]
linear_ae.epochs = [3, 5]
"""


def write(tmp_path: Path, text: str, name: str = "study.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_study_expands_to_every_grid_point_seed_and_dataset(tmp_path):
    (tmp_path / "data.csv").write_text("a,b,c,kind\n" + "\n".join(f"{i},{i * i % 7},{i % 3},{i % 2}"
                                                                      for i in range(40)))
    study = load_study(write(tmp_path, """
datasets = ["iris", { csv = "data.csv", label_column = "kind" }]
methods = ["pca", "nonlinear_ae"]
bottlenecks = [1, 2]
repeats = 3
[grid]
nonlinear_ae.hidden_layer_sizes = [[8, 4], [16]]
nonlinear_ae.epochs = [2, 4]
"""))
    assert study.name == "study" and study.train_seeds == (0, 1, 2)
    plan = plan_study(study)
    assert len(plan.parts) == 2
    for part in plan.parts:
        assert len(part.specs) == (1 + 2 * 2) * 3, "PCA once, the AE at every grid point, every seed"
        assert len({spec.key for spec in part.specs}) == len(part.specs)
        layers = {dict(spec.params)["hidden_layer_sizes"] for spec in part.specs if spec.method == "nonlinear_ae"}
        assert layers == {(8, 4), (16,)}


@pytest.mark.parametrize("text, words", [
    ("datasets = [\"iris\"\n", "not valid TOML"),
    (SMALL.replace("\"pca\",", "\"pcaa\","), "unknown method 'pcaa'"),
    (SMALL.replace("[\"iris\"]", "[\"irises\"]"), "unknown dataset 'irises'"),
    (SMALL.replace("linear_ae.epochs", "linear_ae.epoch"), "no setting 'epoch'"),
    (SMALL.replace("[3, 5]", "[3, 0]"), "Epochs must be between"),
    (SMALL.replace("bottlenecks = [1, 2]", "bottlenecks = [1, 9]"), "out of range"),
    (SMALL + "nonlinear_ae.epochs = [3]\n", "not among methods"),
    (SMALL.replace("linear_ae.epochs = [3, 5]", "linear_ae.hidden_layer_sizes = [8, 4]"), "no setting"),
    (SMALL.replace("methods = [\"pca\", \"linear_ae\"]", "methods = [\"pca\", \"nonlinear_ae\"]")
     .replace("linear_ae.epochs = [3, 5]", "nonlinear_ae.hidden_layer_sizes = [8, 4]"), "list of layer lists"),
    ("seed = 3\n" + SMALL, "unknown key 'seed'"),
    (SMALL.replace('"small"', '"../small"'), "name must be"),
    (SMALL.replace("seeds = [0, 1]", "seeds = [0, 1]\nrepeats = 2"), "seeds or repeats"),
])
def test_a_bad_study_exits_2_with_one_line_before_anything_trains(tmp_path, capsys, text, words):
    store = tmp_path / "store"
    assert cli.main(["study", str(write(tmp_path, text)), "--store-dir", str(store)]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1, err
    assert not store.exists() or not list(store.iterdir()), "nothing was trained or stored"


def test_a_study_stores_its_runs_and_a_second_run_trains_nothing(tmp_path, capsys):
    path, store, out = write(tmp_path, SMALL), tmp_path / "store", tmp_path / "out.csv"
    assert cli.main(["study", str(path), "--store-dir", str(store), "--out", str(out)]) == 0
    first = pd.read_csv(out)
    printed = capsys.readouterr().out
    assert "2/2" in printed and "epochs=3" in printed and "epochs=5" in printed
    listing = RunStore(store).runs()
    assert len(listing) == 2 * (1 + 2) and set(listing["study"]) == {"small"}
    assert len(first) == len(listing) * 2 * 2, "a row per run, bottleneck and split"
    assert set(first["key"]) == set(listing["key"])

    assert cli.main(["study", str(path), "--store-dir", str(store), "--out", str(out)]) == 0
    assert "6 from the store, 0 trained" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_csv(out), first)


def test_a_run_that_fails_is_reported_and_the_others_finish(tmp_path):
    plan = plan_study(load_study(write(tmp_path, SMALL)))
    (part,) = plan.parts
    broken = dataclasses.replace(part.specs[0], bottlenecks=(99,))  # more codes than iris has features: PCA raises
    plan = StudyPlan(plan.study, (StudyPart(part.data, (broken, *part.specs[1:])),))
    outcome = run_study(plan, RunStore(tmp_path / "store"), InProcessStudyExecutor)
    assert [f.spec.key for f in outcome.failures] == [broken.key]
    assert "n_components" in outcome.failures[0].reason
    assert set(outcome.scores["key"]) == {spec.key for spec in part.specs[1:]}, "every other run finished"
    text = summary(outcome)
    assert "1 failed" in text and f"failed: iris · PCA · defaults · training seed {broken.train_seed}" in text


def test_a_killed_study_resumes_from_the_store_with_nothing_lost_or_duplicated(tmp_path):
    path = write(tmp_path, SMALL.replace("[3, 5]", "[150, 200]"))
    store, out = tmp_path / "store", tmp_path / "out.csv"
    command = [sys.executable, "-m", "pipelines", "study", str(path), "--store-dir", str(store), "--out", str(out)]
    driver = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(store.glob("*/manifest.json")) and time.monotonic() < deadline and driver.poll() is None:
        time.sleep(0.05)
    driver.send_signal(signal.SIGKILL)  # no chance to clean up
    driver.wait()
    stored_before = {p.parent.name for p in store.glob("*/manifest.json")}
    planned = {spec.key for spec in plan_study(load_study(path)).specs}
    assert stored_before and stored_before < planned, "killed after some runs and before the last"
    assert not out.exists()

    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                             env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"{len(stored_before)} from the store, {len(planned) - len(stored_before)} trained" in resumed.stdout
    listing = RunStore(store).runs()
    assert sorted(listing["key"]) == sorted(planned), "every run stored once"
    assert set(pd.read_csv(out)["key"]) == planned


def test_a_result_sent_as_plain_files_is_stored_byte_for_byte_and_loads_as_the_model(tmp_path):
    import numpy as np

    from pipelines.runs.tasks import execute_together
    from pipelines.runs.transport import from_plain, to_plain

    plan = plan_study(load_study(write(tmp_path, SMALL.replace("[0, 1]", "[0]").replace("[3, 5]", "[2]"))))
    (part,) = plan.parts
    store = RunStore(tmp_path / "store")
    for spec in part.specs:
        (fitted,) = execute_together([spec], part.data)
        plain = to_plain(fitted)
        assert all(isinstance(content, bytes) for content in plain.files.values())
        store.save(from_plain(spec, plain), study="plain")
        loaded = store.load(spec, part.data)
        pd.testing.assert_frame_equal(loaded.scores, fitted.scores)
        for key, model in fitted.models.items():
            np.testing.assert_allclose(loaded.models[key].transform(part.data.X_test),
                                       model.transform(part.data.X_test), rtol=1e-6)
            folder = store.root / spec.key / "models" / f"{key[0]}_{key[1]}"
            assert {str(p.relative_to(folder.parent)): p.read_bytes() for p in folder.rglob("*") if p.is_file()} \
                == {name: content for name, content in plain.files.items() if name.startswith(folder.name + "/")}


def test_the_summary_counts_a_run_whose_error_is_not_finite_as_diverged(tmp_path):
    plan = plan_study(load_study(write(tmp_path, 'datasets = ["iris"]\nmethods = ["pca"]\nbottlenecks = [1, 2]\n'
                                                 'seeds = [0, 1, 2]\n')))
    outcome = run_study(plan, RunStore(tmp_path / "store"))
    assert "diverged" in summary(outcome) and _diverged_count(summary(outcome)) == 0
    first = outcome.scores["key"] == plan.specs[0].key
    broken = dataclasses.replace(outcome, scores=outcome.scores.assign(mse=outcome.scores["mse"].mask(first)))
    assert _diverged_count(summary(broken)) == 1


def _diverged_count(text: str) -> int:
    header, row = text.splitlines()[1:3]
    return int(row.split()[header.split().index("diverged")])
