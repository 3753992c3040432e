"""A 100,000-row CSV end to end (issue 20): made here (50 numeric features on a curved 5-D manifold plus noise, and
a label column), loaded as the dashboard loads an upload (the same bytes through `load_csv`, checked against the
200 MB upload limit), checked by the cost guard for every default method, and swept through the CLI with the
default methods and sizes, whole process, with its peak memory.

Targets: the file fits the upload limit; no default method is refused; the CLI sweep's peak RSS <= 2.5 GB.
Rerun: `.venv/bin/python benchmarks/large_csv.py` (about 5 minutes on 2 cores); `--quick`: 5,000 rows.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness
import numpy as np
import pandas as pd
from harness import verdict

ROWS, QUICK_ROWS, FEATURES = 100_000, 5_000, 50
UPLOAD_LIMIT_MB = 200  # .streamlit/config.toml
RSS_TARGET_GB = 2.5


def make_csv(rows: int, seed: int = 0) -> bytes:
    """Rows on a curved 5-D manifold in 50 features, with noise, and a class label."""
    rng = np.random.default_rng(seed)
    latent = rng.uniform(-1, 1, (rows, 5))
    mixing = rng.normal(size=(10, FEATURES))
    features = np.hstack([latent, np.sin(3 * latent)]) @ mixing + 0.1 * rng.normal(size=(rows, FEATURES))
    frame = pd.DataFrame(features, columns=[f"f{i}" for i in range(FEATURES)]).round(4)
    frame["label"] = np.where(latent[:, 0] > 0, "a", "b")
    return frame.to_csv(index=False).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows")
    args = parser.parse_args()
    from pipelines import load_csv, prepare
    from pipelines.reducers import METHODS
    from pipelines.runs import tasks
    from pipelines.runs.spec import run_spec

    rows = QUICK_ROWS if args.quick else ROWS
    raw = make_csv(rows)
    print(f"A {rows:,} x {FEATURES} CSV" + ("  [--quick: not comparable with the targets]" if args.quick else ""))
    print(harness.machine_line())
    started = time.perf_counter()
    dataset = load_csv(raw, label_column="label", name="large.csv")  # the bytes, as the dashboard passes an upload
    data = prepare(dataset)
    load_seconds = time.perf_counter() - started
    refused = []
    for method in (m for m in METHODS if METHODS[m].default_on):
        try:
            tasks.check_cost([run_spec(dataset, method, (1, 2, 4, 8, 16, 32))], data)
        except Exception as error:  # the guard's InputError, reported rather than raised
            refused.append(f"{method}: {error}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.csv"
        path.write_bytes(raw)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pipelines", "sweep", "--csv", str(path), "--label-column",
                               "label", "--no-store", "--out", str(Path(folder) / "out.csv")],
                              cwd=harness.REPO_ROOT, capture_output=True, text=True)
        sweep_seconds = time.perf_counter() - started
        peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6
        scores = pd.read_csv(Path(folder) / "out.csv") if done.returncode == 0 else None
    print(f"| file size | {len(raw) / 1e6:.1f} MB |")
    print(f"| loaded and split as an upload | {load_seconds:.1f} s |")
    print(f"| CLI sweep, default methods, sizes 1-32, whole process | {sweep_seconds:.0f} s, exit {done.returncode} |")
    print(f"| peak RSS of the sweep | {peak_gb:.2f} GB |")
    if scores is not None:
        test = scores[scores["split"] == "test"].pivot_table(index="bottleneck", columns="method", values="mse")
        print("\nTest MSE (standardised units²)\n" + test.to_string(float_format=lambda v: f"{v:.4f}"))
    else:
        print(done.stderr.strip().splitlines()[-1])
    print("\nTargets (issue 20)")
    print(verdict(len(raw) / 1e6 <= UPLOAD_LIMIT_MB, f"within the {UPLOAD_LIMIT_MB} MB upload limit",
                  f"{len(raw) / 1e6:.1f} MB"))
    print(verdict(not refused and done.returncode == 0, "default methods train without refusal",
                  "; ".join(refused) or f"exit {done.returncode}"))
    print(verdict(peak_gb <= RSS_TARGET_GB, f"peak RSS <= {RSS_TARGET_GB:g} GB", f"{peak_gb:.2f} GB"))
    print(f"  note: {harness.load_note()}")


if __name__ == "__main__":
    main()
