"""Studies on the local backend against Ray with 2 workers: wall time, overhead and identical numbers (issue 13).

Runs `python -m pipelines study` on studies/quick.toml (24 runs: iris and wine, PCA and the linear AE at two
epoch counts, 4 seeds) three times, each in a fresh process as a user would: in process, on a local Ray instance
with 2 workers (its start-up included), and once more in process on the filled store (the resume path: nothing
trains). Each backend gets its own empty store. It prints the wall times and the largest difference between the
two backends' test and training scores.

    .venv/bin/python benchmarks/study_backends.py           # ~1 min on 2 cores
    .venv/bin/python benchmarks/study_backends.py --quick   # smoke test: 2 runs, few epochs
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import harness
from harness import REPO_ROOT, timed, verdict

QUICK_STUDY = """name = "quick-smoke"
datasets = ["iris"]
methods = ["pca", "linear_ae"]
bottlenecks = [1, 2]
seeds = [0]
[grid]
linear_ae.epochs = [3]
"""
NUMBERS = ["mse", "r2", "epochs"]


def study(path: Path, folder: Path, store: str, backend: str) -> tuple[float, Path]:
    """Wall seconds of one `study` command in a fresh process, and the CSV it wrote."""
    out = folder / f"{backend}-{store}.csv"
    command = [sys.executable, "-m", "pipelines", "study", str(path), "--backend", backend,
               "--store-dir", str(folder / store), "--out", str(out)]
    if backend == "ray":
        command += ["--workers", "2"]
    with timed() as timing:
        result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True,
                                env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    if result.returncode != 0:
        sys.exit(f"{backend} study failed:\n{result.stderr[-3000:]}")
    return timing.wall, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 runs and few epochs (not comparable with targets)")
    args = parser.parse_args()
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "quick.toml"
        path.write_text(QUICK_STUDY if args.quick else (REPO_ROOT / "studies" / "quick.toml").read_text())
        local_s, local_csv = study(path, folder, "local", "local")
        ray_s, ray_csv = study(path, folder, "ray", "ray")
        resume_s, _ = study(path, folder, "local", "local")
        local, on_ray = pd.read_csv(local_csv), pd.read_csv(ray_csv)
    runs = local["key"].nunique()
    same_runs = list(local["key"]) == list(on_ray["key"])
    difference = float((local[NUMBERS] - on_ray[NUMBERS]).abs().max().max()) if same_runs else float("inf")
    mode = "  [--quick]" if args.quick else ""
    print(f"Study backends on {path.name}: {runs} runs, {len(local)} score rows{mode}")
    print(harness.machine_line())
    print("\n| backend (fresh process, empty store) | wall s |\n|---|---|")
    print(f"| local (in process) | {local_s:.1f} |")
    print(f"| Ray, local instance with 2 workers (start-up included) | {ray_s:.1f} |")
    print(f"| local again on the filled store (resume: nothing trains) | {resume_s:.1f} |")
    print(f"| Ray / local | {ray_s / local_s:.2f}× |")
    print(f"\nLargest |local − Ray| over {', '.join(NUMBERS)} of every row: {difference:.3g}")
    print(f"\nTargets (issue 13){'  [--quick: not meaningful]' if args.quick else ''}")
    print(verdict(same_runs and difference <= 1e-6, "Ray gives the local backend's numbers (to 1e-6)",
                  f"max difference {difference:.3g}"))
    print(verdict(runs >= 24, "a study of at least 24 runs", f"{runs} runs"))
    print(f"  note: {harness.load_note()}")


if __name__ == "__main__":
    main()
