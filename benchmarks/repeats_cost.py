"""Repeats over training seeds: what five repeats cost against one, and how far they spread (issue 11).

On the digits split (test fraction 0.2, split seed 0), after importing TensorFlow and one warm-up fit, this
times `pipelines.run` with the default methods at k = 1, 2, 4, 8, 16, 32: once with one training seed and once
with five (the repeats of each autoencoder train together in one computation). No run store is used. It prints
the wall-time ratio, then per bottleneck each method's mean test MSE over the five repeats with its standard
deviation, and the linear AE's mean and spread relative to PCA's.

    .venv/bin/python benchmarks/repeats_cost.py           # ~1-2 min on 2 cores
    .venv/bin/python benchmarks/repeats_cost.py --quick   # smoke test: 2 sizes, few epochs
"""
from __future__ import annotations

import argparse

import harness
from harness import timed, verdict

BOTTLENECKS = (1, 2, 4, 8, 16, 32)
REPEATS = 5
COST_TARGET, GAP_TARGET_PERCENT, SPREAD_TARGET_PERCENT = 2.0, 1.0, 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 sizes and few epochs (not comparable with targets)")
    args = parser.parse_args()
    sizes = (2, 8) if args.quick else BOTTLENECKS
    params = {"linear_ae": {"epochs": 10}, "nonlinear_ae": {"epochs": 5}} if args.quick else {}

    harness.import_tensorflow()
    harness.warm_up_fused_fit()
    from pipelines import METHODS, load_dataset, run
    from pipelines.analysis.repeats import summarise

    methods = [m for m in METHODS if METHODS[m].default_on]
    digits = load_dataset("digits")
    with timed() as one:
        run(digits, methods, sizes, train_seeds=(0,), params=params)
    with timed() as many:
        result = run(digits, methods, sizes, train_seeds=tuple(range(REPEATS)), params=params)
    ratio = many.wall / one.wall
    print(f"Repeats on digits, {', '.join(METHODS[m].label for m in methods)} at k = {', '.join(map(str, sizes))}"
          + ("  [--quick]" if args.quick else ""))
    print(harness.machine_line())
    print("\n| run | wall s | cpu s |\n|---|---|---|")
    print(f"| 1 repeat | {one.wall:.1f} | {one.cpu:.1f} |")
    print(f"| {REPEATS} repeats (each autoencoder's repeats together) | {many.wall:.1f} | {many.cpu:.1f} |")
    print(f"| ratio | {ratio:.2f}× | {many.cpu / one.cpu:.2f}× |")

    test = summarise(result.scores[result.scores["split"] == "test"]).set_index(["method", "bottleneck"])
    print(f"\nTest MSE, mean ± standard deviation over {REPEATS} repeats; the linear AE relative to PCA")
    header = " | ".join(METHODS[m].label for m in methods)
    print(f"| k | {header} | linear AE mean / PCA | linear AE sd / PCA |\n|" + "---|" * (len(methods) + 3))
    gaps, spreads = [], []
    for k in sizes:
        cells = [f"{test.loc[(m, k), 'mse_mean']:.4f} ± {test.loc[(m, k), 'mse_std']:.4f}" for m in methods]
        pca = test.loc[("pca", k), "mse_mean"]
        gap = 100 * (test.loc[("linear_ae", k), "mse_mean"] / pca - 1)
        spread = 100 * test.loc[("linear_ae", k), "mse_std"] / pca
        gaps.append(gap)
        spreads.append(spread)
        print(f"| {k} | " + " | ".join(cells) + f" | {gap:+.2f}% | {spread:.2f}% |")
    print(f"\nTargets (issue 11){'  [--quick: not meaningful]' if args.quick else ''}")
    print(verdict(ratio <= COST_TARGET, f"{REPEATS} repeats cost <= {COST_TARGET:g}x one", f"{ratio:.2f}x"))
    print(verdict(max(gaps) <= GAP_TARGET_PERCENT, f"linear AE mean within {GAP_TARGET_PERCENT:g}% of PCA at every k",
                  f"worst {max(gaps):+.2f}%"))
    print(verdict(max(spreads) < SPREAD_TARGET_PERCENT, f"linear AE sd < {SPREAD_TARGET_PERCENT:g}% of PCA's MSE",
                  f"worst {max(spreads):.2f}%"))
    print(f"  note: {harness.load_note()}")


if __name__ == "__main__":
    main()
