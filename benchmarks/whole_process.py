"""Whole process: the CLI digits sweep against the tutorial-style Keras loop, each a fresh Python process from start
to exit, imports included (issue 14, target 4: ours at least 6x faster).

Ours: `python -m pipelines sweep --dataset digits --no-store` (PCA, linear AE and nonlinear AE at k = 1, 2, 4, 8,
16, 32, default settings), the median of 3 processes. Naive: a process that imports Keras, loads and splits digits
the same way, and fits one plain Keras model per k and kind (see `sweep_speed.run_naive`: 50 epochs, batch 64,
Adam 1e-3), once. Both print their held-out MSE, so the speed-up compares runs that reach their own errors.

Rerun:  .venv/bin/python benchmarks/whole_process.py            (about 2 minutes on 2 cores)
        .venv/bin/python benchmarks/whole_process.py --quick    (smoke test: 2 bottlenecks, few epochs)
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import harness
from harness import verdict

SPEED_UP_TARGET = 6.0
QUICK_BOTTLENECKS = (2, 8)
QUICK_OURS = ["--param", "linear_ae.epochs=20", "--param", "nonlinear_ae.epochs=10"]


def naive_process(quick: bool) -> None:
    """The naive loop as its own process: what a tutorial-style script does end to end."""
    import sweep_speed

    from pipelines import load_dataset, prepare

    data = prepare(load_dataset("digits"), test_size=0.2, seed=0)
    bottlenecks = QUICK_BOTTLENECKS if quick else sweep_speed.BOTTLENECKS
    epochs = sweep_speed.QUICK_NAIVE_EPOCHS if quick else sweep_speed.NAIVE_EPOCHS
    for method in sweep_speed.AUTOENCODERS:
        run = sweep_speed.run_naive(data, method, bottlenecks, epochs)
        print(method, " ".join(f"k={k}:{mse:.5f}" for k, mse in run.test_mse.items()))


def seconds_of(command: list[str]) -> float:
    """Wall seconds of one process, start to exit; fails loudly if it fails."""
    started = time.perf_counter()
    subprocess.run(command, cwd=harness.REPO_ROOT, check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke test: 2 bottlenecks and few epochs")
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)  # the naive process itself
    args = parser.parse_args()
    if args.naive:
        naive_process(args.quick)
        return
    ours = [sys.executable, "-m", "pipelines", "sweep", "--dataset", "digits", "--no-store"]
    if args.quick:
        ours += ["--bottlenecks", ",".join(map(str, QUICK_BOTTLENECKS)), *QUICK_OURS]
    naive = [sys.executable, __file__, "--naive", *(["--quick"] if args.quick else [])]
    print("Whole process on digits, imports included" + ("  [--quick: not comparable with the target]"
                                                         if args.quick else ""))
    print(harness.machine_line())
    ours_runs = [seconds_of(ours) for _ in range(1 if args.quick else 3)]
    naive_seconds = seconds_of(naive)
    median = statistics.median(ours_runs)
    print("| process | wall s |\n|---|---|")
    print(f"| naive Keras loop, one `fit` per k and kind | {naive_seconds:.1f} |")
    print(f"| `python -m pipelines sweep --dataset digits --no-store` (median of {len(ours_runs)}: "
          f"{', '.join(f'{s:.1f}' for s in ours_runs)}) | {median:.1f} |")
    print(f"| speed-up | {naive_seconds / median:.1f}x |")
    print("\nTargets (issue 14)")
    print(verdict(naive_seconds / median >= SPEED_UP_TARGET, f"whole-process speed-up >= {SPEED_UP_TARGET:g}x",
                  f"{naive_seconds / median:.1f}x"))
    print(f"  note: {harness.load_note()}")


if __name__ == "__main__":
    main()
