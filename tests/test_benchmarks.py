"""The benchmark scripts run end to end in their --quick form and print their tables (times are never asserted)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_quick(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_sweep_speed_quick_prints_its_tables():
    result = run_quick("sweep_speed.py")
    assert result.returncode == 0, result.stderr[-3000:]
    for header in ("Training time after imports and warm-up", "Test MSE by bottleneck", "Where our time goes",
                   "Targets (issue 4)"):
        assert header in result.stdout
    assert "PASS" in result.stdout or "FAIL" in result.stdout


@pytest.mark.slow
def test_mnist_hinton_quick_prints_its_table():
    result = run_quick("mnist_hinton.py")
    assert result.returncode == 0, result.stderr[-3000:]
    for header in ("Test sum of squared errors per image", "Hinton & Salakhutdinov 2006", "Targets (issue 4)"):
        assert header in result.stdout


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("script, measures", [
    ("dashboard_latency.py", ["first chart (s)", "every default method drawn (s)",
                              "warm bottleneck change, Error curves (s)", "warm bottleneck change, Reconstructions (s)",
                              "first chart after a restart (s)", "peak RSS after digits (GB)",
                              "RSS growth over the interactions (%)"]),
    ("dashboard_fashion.py", ["PCA's curve after choosing the dataset (s)", "Embeddings page once models exist (s)",
                              "server peak RSS (GB)"]),
])
def test_browser_benchmarks_quick_print_their_tables(script, measures):
    if not Path("/usr/bin/chromium").exists() and not os.environ.get("CI"):
        pytest.skip("Chromium is not installed at /usr/bin/chromium (CI installs it and runs this).")
    result = run_quick(script)
    assert result.returncode == 0, result.stderr[-3000:]
    for measure in measures:
        assert measure in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("script, headers", [
    ("kernel_pca.py", ["Kernel PCA vs PCA vs nonlinear AE", "| swiss-roll | Kernel PCA |"]),
    ("repeats_cost.py", ["| ratio |", "Targets (issue 11)"]),
    ("guard_memory.py", ["widest hidden layer allowed", "peak RSS of the process"]),
    ("generative.py", ["Codes at k = 2", "Denoising on digits", "every size in one model"]),
    ("whole_process.py", ["| speed-up |", "Targets (issue 14)"]),
    ("study_backends.py", ["| Ray / local |", "Largest |local − Ray|", "Targets (issue 13)"]),
    ("fashion_sweep.py", ["| speed-up |", "nonlinear AE beats PCA at every k <= 8", "Targets (issue 20)"]),
    ("large_csv.py", ["| peak RSS of the sweep |", "Test MSE", "default methods train without refusal"]),
    ("generation_table.py", ["Targets (issue 21)"]),
])
def test_newer_benchmarks_quick_print_their_tables(script, headers):
    result = run_quick(script)
    assert result.returncode == 0, result.stderr[-3000:]
    for header in headers:
        assert header in result.stdout


@pytest.mark.slow
def test_stored_rerun_quick_prints_its_ratio():
    result = run_quick("stored_rerun.py")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "import pipelines:" in result.stdout and "stored rerun >= 3x faster" in result.stdout
