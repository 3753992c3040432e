"""Fashion-MNIST at full size (issue 20): the CLI sweep with the default methods against TensorFlow's tutorial
autoencoder loop, each a fresh process from start to exit, on the same split and the same held-out rows.

Ours: `python -m pipelines sweep --dataset fashion-mnist --no-store` (PCA, linear AE and nonlinear AE at
k = 1, 2, 4, 8, 16, 32, default settings). Tutorial: one `Dense(k, relu)` encoder and `Dense(784, sigmoid)`
decoder per k, Adam, MSE, `model.fit` for 10 epochs at Keras' default batch of 32, as in TensorFlow's
"Intro to Autoencoders". Both print their held-out MSE.

Targets: ours >= 3x faster with the nonlinear AE's test MSE <= the tutorial's at every k; ours <= 5 min and
peak RSS <= 2.5 GB; the linear AE within 1% of PCA at every k; the nonlinear AE's curve never rises with k by
more than 1% and beats PCA at every k <= 8.

Rerun:  .venv/bin/python benchmarks/fashion_sweep.py          (needs the files: python -m pipelines datasets fetch
                                                               fashion-mnist, or datasets import; ~10 min on 2 cores)
        .venv/bin/python benchmarks/fashion_sweep.py --quick  (smoke test on digits: 2 sizes, 1 tutorial epoch)
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
import pandas as pd
from harness import verdict

SIZES = (1, 2, 4, 8, 16, 32)
QUICK_SIZES = (2, 8)
TUTORIAL_EPOCHS = 10
SPEED_UP_TARGET, MINUTES_TARGET, RSS_TARGET_GB = 3.0, 5.0, 2.5


def tutorial_process(dataset: str, sizes: tuple[int, ...], epochs: int) -> None:
    """The tutorial loop as its own process, on the library's split of `dataset`."""
    import keras

    from pipelines import load_dataset, prepare

    data = prepare(load_dataset(dataset), test_size=0.2, seed=0)
    n_features = data.X_train.shape[1]
    for k in sizes:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(k, activation="relu"),
                                  keras.layers.Dense(n_features, activation="sigmoid")])
        model.compile(optimizer="adam", loss="mse")
        model.fit(data.X_train, data.X_train, epochs=epochs, shuffle=True, verbose=0)
        reconstruction = model.predict(data.X_test, verbose=0)
        print(f"{k} {float(((reconstruction - data.X_test) ** 2).mean()):.6f}", flush=True)


def timed_process(command: list[str]) -> tuple[float, str]:
    """Wall seconds of one process and its stdout; fails loudly if it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=harness.REPO_ROOT, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke test on digits")
    parser.add_argument("--tutorial", metavar="DATASET", help=argparse.SUPPRESS)  # the tutorial process itself
    args = parser.parse_args()
    sizes = QUICK_SIZES if args.quick else SIZES
    if args.tutorial:
        tutorial_process(args.tutorial, sizes, 1 if args.quick else TUTORIAL_EPOCHS)
        return
    dataset = "digits" if args.quick else "fashion-mnist"
    print(f"Whole process on {dataset}, imports included" + ("  [--quick: not comparable with the targets]"
                                                             if args.quick else ""))
    print(harness.machine_line())
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sweep.csv"
        ours = [sys.executable, "-m", "pipelines", "sweep", "--dataset", dataset, "--no-store", "--out", str(out),
                "--bottlenecks", ",".join(map(str, sizes))]
        if args.quick:
            ours += ["--param", "linear_ae.max_steps=200", "--param", "nonlinear_ae.max_steps=200"]
        ours_seconds, _ = timed_process(ours)
        peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6  # only ours has run so far
        scores = pd.read_csv(out)
    tutorial_seconds, printed = timed_process([sys.executable, __file__, "--tutorial", dataset,
                                               *(["--quick"] if args.quick else [])])
    tutorial = {int(k): float(mse) for k, mse in (line.split() for line in printed.splitlines())}
    test = scores[scores["split"] == "test"].pivot_table(index="bottleneck", columns="method", values="mse")
    test["tutorial"] = pd.Series(tutorial)
    print("\n| k | PCA | linear AE | nonlinear AE | tutorial AE |\n|---|---|---|---|---|")
    for k, row in test.iterrows():
        print(f"| {k} | {row['pca']:.5f} | {row['linear_ae']:.5f} | {row['nonlinear_ae']:.5f} | "
              f"{row['tutorial']:.5f} |")
    speed_up = tutorial_seconds / ours_seconds
    print(f"\n| process | wall s |\n|---|---|\n| tutorial loop ({TUTORIAL_EPOCHS} epochs per k) | "
          f"{tutorial_seconds:.1f} |\n| `python -m pipelines sweep --dataset {dataset}` | {ours_seconds:.1f} |\n"
          f"| speed-up | {speed_up:.1f}x |\n\nPeak RSS of ours: {peak_gb:.2f} GB")

    nonlinear, linear, pca = test["nonlinear_ae"], test["linear_ae"], test["pca"]
    worst_rise = float((nonlinear.diff() / nonlinear.shift()).max())
    small = test.index <= 8
    print("\nTargets (issue 20)")
    print(verdict(speed_up >= SPEED_UP_TARGET, f"speed-up over the tutorial >= {SPEED_UP_TARGET:g}x",
                  f"{speed_up:.1f}x"))
    print(verdict(bool((nonlinear <= test["tutorial"]).all()), "nonlinear AE test MSE <= tutorial's at every k",
                  f"worst ratio {float((nonlinear / test['tutorial']).max()):.3f}"))
    print(verdict(ours_seconds <= 60 * MINUTES_TARGET, f"ours <= {MINUTES_TARGET:g} min", f"{ours_seconds:.0f} s"))
    print(verdict(peak_gb <= RSS_TARGET_GB, f"peak RSS <= {RSS_TARGET_GB:g} GB", f"{peak_gb:.2f} GB"))
    print(verdict(bool((linear <= 1.01 * pca).all()), "linear AE within 1% of PCA at every k",
                  f"worst {float((linear / pca).max() - 1):+.2%}"))
    print(verdict(worst_rise <= 0.01, "nonlinear AE never rises with k by more than 1%", f"worst {worst_rise:+.2%}"))
    print(verdict(bool((nonlinear[small] < pca[small]).all()), "nonlinear AE beats PCA at every k <= 8",
                  f"worst ratio {float((nonlinear[small] / pca[small]).max()):.3f}"))
    print(f"  note: {harness.load_note()}")


if __name__ == "__main__":
    main()
