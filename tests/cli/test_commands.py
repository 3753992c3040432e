"""`python -m pipelines`: good input prints and writes results; bad input exits 2 with one clear line."""
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_datasets_lists_every_dataset_with_its_shape():
    result = cli("datasets")
    assert result.returncode == 0
    assert "digits" in result.stdout and "1797 × 64" in result.stdout and "mnist-5k" in result.stdout


def test_sweep_prints_a_table_and_writes_the_tidy_csv(tmp_path):
    out = tmp_path / "results.csv"
    result = cli("sweep", "--dataset", "iris", "--bottlenecks", "1,2", "--methods", "pca,linear_ae",
                 "--seed", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "mse PCA" in result.stdout and "mse Linear AE" in result.stdout
    assert "[100%]" in result.stderr, "progress is shown"
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["dataset", "method", "bottleneck", "split", "mse", "r2", "fit_seconds",
                                   "epochs", "split_seed", "train_seed"]
    assert len(frame) == 2 * 2 * 2 and (frame["split_seed"] == 3).all() and (frame["train_seed"] == 3).all()


def test_sweep_runs_on_the_users_csv_with_a_label_column(tmp_path):
    rows = ["a,b,c,kind"] + [f"{i % 7},{(i * 3) % 11},{i % 5},{'xy'[i % 2]}" for i in range(40)]
    path = tmp_path / "mine.csv"
    path.write_text("\n".join(rows))
    result = cli("sweep", "--csv", str(path), "--label-column", "kind", "--bottlenecks", "1,2", "--methods", "pca")
    assert result.returncode == 0, result.stderr
    assert "PCA: 2 bottleneck size(s) from one SVD" in result.stderr and "mse PCA" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["sweep", "--dataset", "imagenet"], "Unknown dataset"),
    (["sweep", "--bottlenecks", "1,two"], "comma-separated list of whole numbers"),
    (["sweep", "--dataset", "iris", "--bottlenecks", "4"], "choose sizes from 1 to 3"),
    (["sweep", "--dataset", "iris", "--bottlenecks", "0"], "choose sizes from 1 to 3"),
    (["sweep", "--methods", "pca,umap"], "Unknown or missing method"),
    (["sweep", "--test-size", "1.5"], "between 0 and 1"),
    (["sweep", "--seed", "-4"], "seed"),
    (["sweep", "--csv", "missing.csv"], "no such file"),
    (["sweep", "--label-column", "kind"], "only applies to --csv"),
    (["sweep", "--dataset", "iris", "--out", "/no/such/folder/out.csv"], "does not exist"),
    (["sweep", "--frobnicate"], "Unrecognized arguments"),
    (["sweep", "--param", "nonlinear_ae.hidden_layer_sizes=64,,32"], "positive whole numbers"),
    (["sweep", "--param", "nonlinear_ae.hidden_layer_sizes=100000"], "wider than the limit"),
    (["sweep", "--param", "nonlinear_ae.colour=red"], "has no setting 'colour'"),
    (["sweep", "--param", "epochs=3"], "METHOD.NAME=VALUE"),
    (["sweep", "--methods", "pca", "--param", "nonlinear_ae.epochs=3"], "not among --methods"),
    (["explode"], "invalid choice"),
])
def test_bad_input_exits_2_with_one_clear_line(args, message):
    result = cli(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"", b"a,b\n", b"\x00\x01\x02binary", b"x,y\n1,2\n3,4\n"])
def test_bad_csv_files_exit_2_with_one_clear_line(tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = cli("sweep", "--csv", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "bad.csv" in result.stderr


def test_repeats_print_mean_and_spread_and_write_a_row_per_training_seed(tmp_path):
    out = tmp_path / "results.csv"
    result = cli("sweep", "--dataset", "iris", "--bottlenecks", "1,2", "--methods", "pca,linear_ae",
                 "--param", "linear_ae.epochs=5", "--train-seeds", "4,7", "--no-store", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "over 2 repeats (on one split)" in result.stdout and " ± " in result.stdout
    assert "(deterministic)" in result.stdout, "PCA's spread is not shown as a measured ± 0"
    frame = pd.read_csv(out)
    linear = frame[frame["method"] == "linear_ae"]
    assert sorted(linear["train_seed"].unique()) == [4, 7] and len(linear) == 2 * 2 * 2
    pca = frame[frame["method"] == "pca"]
    assert (pca["train_seed"] == 4).all() and len(pca) == 2 * 2, "PCA is deterministic: fitted once, not per repeat"


def test_vary_split_gives_every_repeat_its_own_split(tmp_path):
    out = tmp_path / "results.csv"
    result = cli("sweep", "--dataset", "iris", "--bottlenecks", "1", "--methods", "pca,linear_ae",
                 "--param", "linear_ae.epochs=2", "--repeats", "3", "--split-seed", "5", "--vary-split", "--no-store",
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "over 3 repeats (each on its own split)" in result.stdout and "(deterministic)" not in result.stdout
    frame = pd.read_csv(out)
    for method in ("pca", "linear_ae"):
        rows = frame[(frame["method"] == method) & (frame["split"] == "test")].sort_values("train_seed")
        assert list(zip(rows["split_seed"], rows["train_seed"])) == [(5, 0), (6, 1), (7, 2)]
    assert frame[(frame["method"] == "pca") & (frame["split"] == "test")]["mse"].nunique() == 3, \
        "PCA on three splits scores three test sets"


@pytest.mark.parametrize("args, message", [(["--repeats", "0"], "--repeats must be between 1"),
                                           (["--repeats", "11"], "--repeats must be between 1"),
                                           (["--train-seeds", "1,2", "--train-seed", "3"], "not both"),
                                           (["--repeats", "3", "--split-seed", "4294967294", "--vary-split"],
                                            "choose a smaller split seed")])
def test_bad_repeats_exit_2_with_one_line(args, message):
    result = cli("sweep", "--dataset", "iris", "--no-store", *args)
    assert result.returncode == 2 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_sweep_whose_runs_are_all_stored_imports_no_tensorflow_and_loads_no_model(tmp_path):
    import subprocess
    import sys

    sweep = ["sweep", "--dataset", "wine", "--methods", "pca,linear_ae", "--bottlenecks", "1,2",
             "--param", "linear_ae.epochs=3", "--store-dir", str(tmp_path)]
    script = ("import sys; from pipelines import cli; from pipelines.reducers import persistence; loaded = []; "
              "real = persistence.load_reducer; "
              "persistence.load_reducer = lambda *a: loaded.append(a) or real(*a); "
              "import pipelines.runs.store as store; store.load_reducer = persistence.load_reducer; "
              f"assert cli.main({sweep!r}) == 0; "
              "print('tensorflow' in sys.modules, 'keras' in sys.modules, len(loaded))")
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split()[-3:] == ["True", "True", "0"], "the first run trains the linear AE"
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert again.stdout.split()[-3:] == ["False", "False", "0"], again.stdout
