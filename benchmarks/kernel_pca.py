"""Kernel PCA next to PCA and the nonlinear autoencoder: held-out MSE and 2-D trustworthiness (issue 9).

Each method is fitted with its default settings on the training split and scored on the test split, through the
same `pipelines.run` path the dashboard and the command line use (no run store). Prints a Markdown table.

    .venv/bin/python benchmarks/kernel_pca.py            # swiss-roll, s-curve, digits at k = 1, 2, 4 (~1 min)
    .venv/bin/python benchmarks/kernel_pca.py --quick    # swiss-roll only at k = 2, few epochs (a smoke test)
"""
from __future__ import annotations

import argparse

import harness  # noqa: F401  (puts the repository on the path, quiets TensorFlow)

from pipelines import load_dataset, run
from pipelines.analysis import metrics

METHODS = ["pca", "kernel_pca", "nonlinear_ae"]


def measure(dataset_name: str, sizes: list[int], params: dict) -> list[dict]:
    """Test MSE per method and bottleneck, and trustworthiness of the 2-code models' test codes."""
    dataset = load_dataset(dataset_name)
    result = run(dataset, METHODS, sizes, params=params)
    test = result.scores[result.scores["split"] == "test"]
    rows = []
    for method in METHODS:
        row = {"dataset": dataset_name, "method": method, "seconds": result.scores.loc[
            result.scores["method"] == method, "fit_seconds"].iloc[0]}
        for k in sizes:
            row[f"mse k={k}"] = test[(test["method"] == method) & (test["bottleneck"] == k)]["mse"].item()
        if 2 in sizes:
            codes = result.models[(method, 2)].transform(result.data.X_test)
            row["trustworthiness k=2"] = metrics.trustworthiness(result.data.X_test, codes)
        rows.append(row)
    return rows


def markdown(rows: list[dict]) -> str:
    """The rows as a Markdown table, methods by their display names."""
    from pipelines import METHODS as REGISTRY

    columns = [c for c in rows[0] if c not in ("dataset", "method", "seconds")]
    lines = ["| dataset | method | " + " | ".join(columns) + " | fit s |", "|" + "---|" * (len(columns) + 3)]
    for row in rows:
        cells = [f"{row[c]:.4g}" for c in columns]
        lines.append(f"| {row['dataset']} | {REGISTRY[row['method']].label} | " + " | ".join(cells)
                     + f" | {row['seconds']:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one dataset, one size, few epochs")
    args = parser.parse_args()
    plan = [("swiss-roll", [2])] if args.quick else [("swiss-roll", [1, 2]), ("s-curve", [1, 2]),
                                                     ("digits", [1, 2, 4, 8])]
    params = {"nonlinear_ae": {"epochs": 3}} if args.quick else {}
    rows = [row for name, sizes in plan for row in measure(name, sizes, params)]
    print("Kernel PCA vs PCA vs nonlinear AE, default settings, test split (issue 9)")
    print(harness.machine_line())
    for name, _ in plan:
        print()
        print(markdown([row for row in rows if row["dataset"] == name]))


if __name__ == "__main__":
    main()
