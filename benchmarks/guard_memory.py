"""Peak memory under the largest settings the cost guard allows, on mnist-5k or fashion-mnist (issues 8 and 20).

Finds the widest single hidden layer the guard accepts for the nonlinear autoencoder on mnist-5k at the
dashboard's default sweep sizes, trains it the way a dashboard job does (the same `runs.load_or_fit_repeats`
path, with a stop flag), stops it after a few epochs (memory peaks in the first epoch: weights, Adam's moments
and the best weights are all allocated by then), and prints the process's peak resident memory against the
guard's estimate (which must stay within 2x of the measured growth). It also checks that the default methods at
their default settings are not refused on the dataset.

    .venv/bin/python benchmarks/guard_memory.py           # ~1-2 min
    .venv/bin/python benchmarks/guard_memory.py --dataset fashion-mnist
    .venv/bin/python benchmarks/guard_memory.py --quick   # digits, a smoke test
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time

import harness

from pipelines import InputError, TrainingStopped, load_dataset, prepare, run_spec
from pipelines.reducers import METHODS, FitControl
from pipelines.reducers.cost import limits
from pipelines.runs import tasks
from pipelines.runs.store import RunStore
from pipelines.runs.sweep import load_or_fit_repeats

TARGET_GB = {"mnist-5k": 1.5, "fashion-mnist": 2.5}
ESTIMATE_WITHIN = 2.0  # the guard's memory estimate within this factor of the measured growth
SIZES = (1, 2, 4, 8, 16, 32)


def widest_allowed(dataset, data, sizes, epochs: int) -> int:
    """The widest single hidden layer whose run the cost guard accepts (bisection over widths)."""
    low, high = 1, limits().max_layer_width
    while low < high:
        middle = (low + high + 1) // 2
        spec = run_spec(dataset, "nonlinear_ae", sizes, settings={"hidden_layer_sizes": (middle,), "epochs": epochs})
        try:
            tasks.check_cost([spec], data)
            low = middle
        except InputError:
            high = middle - 1
    return low


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="digits and 2 sizes")
    parser.add_argument("--seconds", type=float, default=40.0, help="train this long, then stop")
    parser.add_argument("--dataset", choices=sorted(TARGET_GB), default="mnist-5k")
    args = parser.parse_args()
    name, sizes, seconds = ("digits", (1, 2), 5.0) if args.quick else (args.dataset, SIZES, args.seconds)
    dataset = load_dataset(name)
    data = prepare(dataset)
    epochs = 20
    width = widest_allowed(dataset, data, sizes, epochs)
    spec = run_spec(dataset, "nonlinear_ae", sizes, settings={"hidden_layer_sizes": (width,), "epochs": epochs})
    guess = tasks.check_cost([spec], data)
    harness.import_tensorflow()  # its runtime is not training's memory: measure growth from after it loads
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    began, epochs_seen = time.monotonic(), []

    def progress(fraction: float, message: str) -> None:
        epochs_seen.append(message)

    control = FitControl(progress, lambda: time.monotonic() - began > seconds)
    with tempfile.TemporaryDirectory() as folder:
        try:
            load_or_fit_repeats([spec], data, RunStore(folder), control)
            ended = "finished"
        except TrainingStopped:
            ended = f"stopped after {time.monotonic() - began:.0f} s"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # kilobytes on Linux
    estimated, grown = guess.memory_bytes / 1e9, peak - before
    print(f"Peak memory under the cost guard's largest settings, {name} (issues 8 and 20)")
    print(harness.machine_line())
    print(f"| widest hidden layer allowed | {width:,} units ({guess.describe()}, sizes {', '.join(map(str, sizes))}) |")
    last = epochs_seen[-1] if epochs_seen else "-"
    print(f"| training | {ended}, {len(epochs_seen)} progress reports, last: {last} |")
    print(f"| peak RSS before training (data, libraries and TensorFlow loaded) | {before:.2f} GB |")
    print(f"| peak RSS of the process | {peak:.2f} GB |")
    print(f"| the guard's estimate of training's memory / measured growth | {estimated:.2f} / {grown:.2f} GB |")
    refused = []
    for method in (m for m in METHODS if METHODS[m].default_on):
        try:
            tasks.check_cost([run_spec(dataset, method, SIZES)], data)
        except InputError as error:
            refused.append(str(error))
    print(f"| default methods at default settings, sizes {', '.join(map(str, SIZES))} | "
          f"{'; '.join(refused) or 'none refused'} |")
    target = TARGET_GB.get(name, TARGET_GB["mnist-5k"])
    print(harness.verdict(peak <= target, f"peak RSS <= {target} GB", f"{peak:.2f} GB"))
    ratio = max(estimated, grown) / max(min(estimated, grown), 1e-9)
    print(harness.verdict(ratio <= ESTIMATE_WITHIN, f"estimate within {ESTIMATE_WITHIN:g}x of the measured growth",
                          f"{ratio:.2f}x"))
    print(harness.verdict(not refused, "default settings never refused", f"{len(refused)} refused"))


if __name__ == "__main__":
    main()
