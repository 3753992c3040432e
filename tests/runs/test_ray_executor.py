"""Studies on Ray: the same numbers as in process, and a worker killed mid-task is retried until the study ends."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from pipelines.runs.store import RunStore
from pipelines.study import load_study, plan_study, run_study

ray = pytest.importorskip("ray")
ROOT = Path(__file__).resolve().parents[2]
STUDY = """
name = "ray-check"
datasets = ["iris", "wine"]
methods = ["pca", "linear_ae"]
bottlenecks = [1, 2]
seeds = [0, 1]

[grid]
linear_ae.epochs = [10, 20]
"""


def study_cli(tmp_path: Path, backend: str) -> pd.DataFrame:
    path, out = tmp_path / "study.toml", tmp_path / f"{backend}.csv"
    path.write_text(STUDY)
    command = [sys.executable, "-m", "pipelines", "study", str(path), "--backend", backend,
               "--store-dir", str(tmp_path / f"store-{backend}"), "--out", str(out)]
    if backend == "ray":
        command += ["--workers", "2"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-3000:]
    return pd.read_csv(out)


@pytest.mark.slow
def test_a_study_on_ray_gives_the_numbers_of_the_local_backend(tmp_path):
    local, on_ray = study_cli(tmp_path, "local"), study_cli(tmp_path, "ray")
    assert len(local) == 2 * (1 + 2) * 2 * 2 * 2, "datasets x (PCA + 2 grid points) x seeds x sizes x splits"
    assert list(on_ray["key"]) == list(local["key"]), "the same runs, in the study's order"
    numbers = ["mse", "r2", "epochs"]
    assert (on_ray[numbers] - local[numbers]).abs().max().max() <= 1e-6
    text = ["study", "dataset", "method", "split", "settings"]
    assert on_ray[text].equals(local[text])


def _kill_first_fit(marker: str, killed: list[int], stop: threading.Event) -> None:
    """SIGKILL the first Ray worker of this test (it inherits `marker`) seen fitting a task."""
    while not stop.is_set() and not killed:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes()
                environ = Path(f"/proc/{pid}/environ").read_bytes()
            except OSError:
                continue
            if title.startswith(b"ray::fit_group") and marker.encode() in environ:
                os.kill(int(pid), signal.SIGKILL)
                killed.append(int(pid))
                return
        time.sleep(0.02)


@pytest.mark.slow
def test_a_worker_killed_mid_task_is_retried_and_the_study_completes(tmp_path, monkeypatch):
    from pipelines.runs.ray_executor import RayExecutor

    marker = f"latent-lab-kill-test-{tmp_path.name}"
    monkeypatch.setenv("LATENT_LAB_TEST_MARKER", marker)  # the workers inherit it: only ours are killed
    path = tmp_path / "study.toml"
    path.write_text(STUDY.replace("[10, 20]", "[150]"))
    plan = plan_study(load_study(path))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    killed: list[int] = []
    stop = threading.Event()
    killer = threading.Thread(target=_kill_first_fit, args=(marker, killed, stop))
    killer.start()
    try:
        outcome = run_study(plan, RunStore(tmp_path / "store"), RayExecutor)
    finally:
        stop.set()
        killer.join()
        ray.shutdown()
    assert killed, "a worker was killed while it fitted"
    assert not outcome.failures
    assert set(outcome.scores["key"]) == {spec.key for spec in plan.specs}
    assert sorted(RunStore(tmp_path / "store").runs()["key"]) == sorted(spec.key for spec in plan.specs)
