"""Sample quality (issue 21): the generation table on mnist-5k at 16 codes, PCA, nonlinear AE, VAE and adversarial AE
with default settings, every sampler they can use, 2,000 samples each against the held-out rows, in the classifier's
feature space; and the ex-post finding of Ghosh et al. 2020 (a mixture fitted to a plain autoencoder's codes against
its Gaussian and the VAE's prior).

Targets: the feature classifier trains in <= 60 s (once per dataset and split); the whole table <= 60 s once the
models exist (they are trained or loaded from the run store first, not timed).

    .venv/bin/python benchmarks/generation_table.py           # trains the four models if the store lacks them
    .venv/bin/python benchmarks/generation_table.py --quick   # smoke test: digits, PCA and a tiny VAE, 300 samples
"""
from __future__ import annotations

import argparse
import tempfile
import time

import harness
from harness import verdict

TABLE_SECONDS = 60.0
CLASSIFIER_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="digits, PCA and a tiny VAE, 300 samples")
    args = parser.parse_args()
    from pipelines import load_dataset, run
    from pipelines.analysis import features
    from pipelines.runs.generation import generation_table
    from pipelines.runs.store import RunStore

    if args.quick:
        name, methods, k, n, params = "digits", ["pca", "vae"], 4, 300, {"vae": {"epochs": 3}}
        store = RunStore(tempfile.mkdtemp())
    else:
        name, methods, k, n, params = "mnist-5k", ["pca", "nonlinear_ae", "vae", "aae"], 16, 2000, None
        store = RunStore()
    print(harness.machine_line())
    print(harness.load_note())
    result = run(load_dataset(name), methods, [k], params=params, store=store)
    started = time.perf_counter()
    space = features.train_classifier(result.data)
    classifier_seconds = time.perf_counter() - started
    table = generation_table(result.data, result.repeats, space, ["prior", "gaussian", "gmm"], n)
    print(f"\nSample quality on {name}, {k} codes, {n:,} samples per model, in the {space.name}")
    print(table.rows[["method", "sampler", "fd", "precision", "recall", "density", "coverage"]].to_string(
        index=False, float_format=lambda v: f"{v:.3f}"))
    for note in table.notes:
        print(f"note: {note}")
    fd = table.rows.set_index(["method", "sampler"])["fd"]
    if ("nonlinear_ae", "gmm") in fd.index and ("vae", "prior") in fd.index:
        print("\nGhosh et al. 2020's ex-post density estimation")
        print(f"  Nonlinear AE: Gaussian {fd[('nonlinear_ae', 'gaussian')]:.1f}, mixture "
              f"{fd[('nonlinear_ae', 'gmm')]:.1f}; VAE prior {fd[('vae', 'prior')]:.1f} (Fréchet distance)")
    print("\nTargets (issue 21)")
    print(verdict(classifier_seconds <= CLASSIFIER_SECONDS, f"feature classifier <= {CLASSIFIER_SECONDS:.0f} s",
                  f"{classifier_seconds:.1f} s, {space.test_accuracy:.1%} test accuracy"))
    print(verdict(table.seconds <= TABLE_SECONDS, f"the whole table <= {TABLE_SECONDS:.0f} s",
                  f"{table.seconds:.1f} s for {len(table.rows)} cells"))


if __name__ == "__main__":
    main()
