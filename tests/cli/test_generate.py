"""`python -m pipelines generate`: a tidy CSV of sample quality, a note for every skipped sampler, one line for
bad input."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines", "generate", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_generate_writes_the_tidy_table_and_notes_the_skipped_prior(tmp_path):
    out = tmp_path / "gen.csv"
    result = cli("--dataset", "iris", "--methods", "pca,kernel_pca", "--bottleneck", "2", "--samplers",
                 "prior,gaussian,gmm", "--samples", "300", "--repeats", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "note: PCA has no prior, so it skips prior." in result.stderr
    assert "Sample quality in the standardised data space" in result.stdout
    assert "PCA + Gaussian mixture" in result.stdout
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["dataset", "method", "bottleneck", "sampler", "train_seed", "n_samples",
                                   "feature_space", "fd", "precision", "recall", "density", "coverage"]
    assert set(frame["sampler"]) == {"gaussian", "gmm"} and (frame["dataset"] == "iris").all()
    assert (frame["n_samples"] == 300).all() and (frame["feature_space"] == "standardised data space").all()
    # PCA is deterministic: fitted once, so one row per sampler; each row's numbers are finite
    assert len(frame[frame["method"] == "pca"]) == 2 and frame[["fd", "precision", "recall"]].notna().all().all()


def test_generate_measures_a_users_csv(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 4)), columns=list("abcd")).assign(kind=["x", "y"] * 100)
    frame.to_csv(tmp_path / "mine.csv", index=False)
    out = tmp_path / "gen.csv"
    result = cli("--csv", str(tmp_path / "mine.csv"), "--label-column", "kind", "--methods", "pca", "--bottleneck",
                 "2", "--samplers", "gaussian", "--samples", "40", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(out)
    assert list(rows["dataset"]) == ["csv:mine.csv"] and list(rows["feature_space"]) == ["standardised data space"]


@pytest.mark.parametrize("args, message", [
    (["--dataset", "iris", "--methods", "pca", "--samplers", "gaussian,flow"], "Unknown sampler 'flow'"),
    (["--dataset", "iris", "--methods", "umap"], "Unknown method 'umap'"),
    (["--dataset", "iris", "--methods", "pca", "--bottleneck", "2", "--samples", "3"], "between 11 and"),
    (["--dataset", "iris", "--out", "/no/such/folder/gen.csv"], "does not exist"),
    (["--dataset", "iris", "--label-column", "kind"], "--label-column applies to --csv only"),
])
def test_bad_input_exits_2_with_one_line(args, message):
    result = cli(*args)
    assert result.returncode == 2 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1
