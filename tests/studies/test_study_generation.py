"""A study that asks to generate measures every run's samples: a second tidy frame and CSV, refused early when
it cannot apply."""
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_study import write

from pipelines.errors import InputError
from pipelines.runs.generation import GENERATION_COLUMNS
from pipelines.runs.store import RunStore
from pipelines.study import load_study, plan_study, run_study, summary

ROOT = Path(__file__).resolve().parents[2]
GENERATING = """
name = "gen"
datasets = ["iris"]
methods = ["pca", "kernel_pca"]
bottlenecks = [1, 2]
seeds = [0, 1]
generate = {samplers = ["prior", "gaussian", "gmm"], samples = 200}
"""


def test_a_generating_study_adds_a_row_per_run_model_and_sampler(tmp_path):
    study = load_study(write(tmp_path, GENERATING))
    assert study.generate.samplers == ("prior", "gaussian", "gmm") and study.generate.samples == 200
    outcome = run_study(plan_study(study), RunStore(tmp_path / "runs"))
    rows = outcome.generation
    assert list(rows.columns) == ["study", *GENERATION_COLUMNS, "settings", "key"]
    models = outcome.scores[outcome.scores["split"] == "test"]  # a row per run and size
    assert len(rows) == 2 * len(models) and set(rows["sampler"]) == {"gaussian", "gmm"}  # neither has a prior
    assert sorted(rows.loc[rows["method"] == "kernel_pca", "train_seed"].unique()) == [0, 1]
    assert set(rows["key"]) == set(outcome.scores["key"]) and (rows["study"] == "gen").all()
    assert "iris: PCA has no prior, so it skips prior." in outcome.generation_notes
    assert "Sample quality, mean over seeds" in summary(outcome)


def test_a_study_without_generate_has_no_generation_frame(tmp_path):
    study = load_study(write(tmp_path, GENERATING.replace(
        'generate = {samplers = ["prior", "gaussian", "gmm"], samples = 200}', "")))
    assert study.generate is None


@pytest.mark.parametrize("line, message", [
    ('generate = {samplers = ["flow"]}', "generate.samplers must be a non-empty list from prior, gaussian, gmm"),
    ('generate = {samplers = ["gmm"], n = 3}', "generate must be a table with gmm_components, samplers, samples"),
    ('generate = {samplers = ["gmm"], samples = -1}', "generate.samples must be a whole number"),
])
def test_bad_generate_tables_are_refused_in_one_line(tmp_path, line, message):
    with pytest.raises(InputError, match=message):
        load_study(write(tmp_path, GENERATING.replace(
            'generate = {samplers = ["prior", "gaussian", "gmm"], samples = 200}', line)))


def test_too_few_samples_are_refused_before_anything_trains(tmp_path):
    study = load_study(write(tmp_path, GENERATING.replace("samples = 200", "samples = 5")))
    with pytest.raises(InputError, match="iris: The number of samples must be between 11"):
        plan_study(study)


@pytest.mark.slow
def test_the_study_command_writes_the_generation_csv_beside_the_results(tmp_path):
    out = tmp_path / "results.csv"
    result = subprocess.run([sys.executable, "-m", "pipelines", "study", str(write(tmp_path, GENERATING)), "--out",
                             str(out), "--store-dir", str(tmp_path / "runs")], cwd=ROOT, capture_output=True,
                            text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    generated, scores = pd.read_csv(tmp_path / "results-generation.csv"), pd.read_csv(out)
    assert len(generated) == 2 * (scores["split"] == "test").sum()
    assert f"Wrote {len(generated)} rows of sample quality to {tmp_path / 'results-generation.csv'}" in result.stdout
