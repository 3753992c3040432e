"""The Keras-path families against PCA and the dense AE (issue 10), default settings, test split.

1. mnist-5k, k = 30: test sum of squared errors per image of PCA, the dense nonlinear AE and the convolutional
   AE, PCA / model, and training seconds (target: conv AE ≥ 3.0 in ≤ 60 s).
2. digits and mnist-5k, k = 2: trustworthiness and 5-NN accuracy of the test codes of PCA, nonlinear AE, VAE and
   conv AE.
3. Denoising on digits, k = 8: clean test MSE of the denoising AE against the plain nonlinear AE (target: within
   10%), and both models' error on test inputs with Gaussian noise of several levels (reconstruction of the
   noisy input against the clean one).
4. What training sizes together saves: the VAE on digits at k = 1, 2, 4, 8, 16, 32 in one model against one
   model per size.

    .venv/bin/python benchmarks/generative.py           # ~6 min on 2 cores
    .venv/bin/python benchmarks/generative.py --quick   # smoke test: tiny epochs, digits only
"""
from __future__ import annotations

import argparse
import time

import harness
import numpy as np
from harness import verdict

NOISE_LEVELS = (0.0, 0.1, 0.2, 0.3, 0.5)
SIZES = (1, 2, 4, 8, 16, 32)


def fit(method: str, k: int, X: np.ndarray, params: dict):
    from pipelines import make_reducer

    started = time.perf_counter()
    model = make_reducer(method, k, **params.get(method, {})).fit(X)
    return model, time.perf_counter() - started


def mnist_ratio(params: dict) -> None:
    from pipelines import load_dataset, prepare
    from pipelines.analysis import metrics

    data = prepare(load_dataset("mnist-5k"))
    print("\n1. mnist-5k, k = 30, test sum of squared errors per image\n| model | training s | test SSE | PCA / model |"
          "\n|---|---|---|---|")
    rows = {}
    for method in ("pca", "nonlinear_ae", "conv_ae"):
        model, seconds = fit(method, 30, data.X_train, params)
        sse = float(np.mean(np.sum((metrics.reconstruct(model, data.X_test) - data.X_test) ** 2, axis=1)))
        rows[method] = (seconds, sse)
    for method, (seconds, sse) in rows.items():
        print(f"| {method} | {seconds:.1f} | {sse:.2f} | {rows['pca'][1] / sse:.2f} |")
    ratio, seconds = rows["pca"][1] / rows["conv_ae"][1], rows["conv_ae"][0]
    print(verdict(ratio >= 3.0 and seconds <= 60, "conv AE: PCA / conv AE >= 3.0 in <= 60 s",
                  f"{ratio:.2f} in {seconds:.0f} s"))


def code_quality(datasets: list[str], params: dict) -> None:
    from pipelines import load_dataset, prepare
    from pipelines.analysis import metrics

    print("\n2. Codes at k = 2: trustworthiness / 5-NN accuracy on the test samples\n| dataset | PCA | nonlinear AE |"
          " VAE | conv AE |\n|---|---|---|---|---|")
    for name in datasets:
        data = prepare(load_dataset(name))
        cells = []
        for method in ("pca", "nonlinear_ae", "vae", "conv_ae"):
            model, _ = fit(method, 2, data.X_train, params)
            test, train = model.transform(data.X_test), model.transform(data.X_train)
            cells.append(f"{metrics.trustworthiness(data.X_test, test):.3f} / "
                         f"{metrics.knn_accuracy(train, data.y_train, test, data.y_test):.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


def denoising(params: dict) -> None:
    from pipelines import load_dataset, prepare

    data = prepare(load_dataset("digits"))
    plain, _ = fit("nonlinear_ae", 8, data.X_train, params)
    denoiser, _ = fit("denoising_ae", 8, data.X_train, params)
    rng = np.random.default_rng(0)
    print("\n3. Denoising on digits, k = 8 (default noise level "
          f"{denoiser.noise_level:g}): test MSE against the clean images when the inputs carry Gaussian noise\n"
          "| input noise σ | nonlinear AE | denoising AE |\n|---|---|---|")
    errors = {}
    for level in NOISE_LEVELS:
        noisy = (data.X_test + level * rng.standard_normal(data.X_test.shape)).astype("float32")
        errors[level] = [float(np.mean((model.inverse_transform(model.transform(noisy)) - data.X_test) ** 2))
                         for model in (plain, denoiser)]
        print(f"| {level:g} | {errors[level][0]:.5f} | {errors[level][1]:.5f} |")
    clean_ratio = errors[0.0][1] / errors[0.0][0]
    print(verdict(clean_ratio <= 1.10, "denoising AE's clean test MSE within 10% of the plain AE's",
                  f"{clean_ratio:.3f}×"))
    level = denoiser.noise_level
    noisy_errors = [errors[lv] for lv in NOISE_LEVELS if lv >= level]
    print(verdict(all(d < p for p, d in noisy_errors), f"lower error than the plain AE on inputs with σ >= {level:g}",
                  ", ".join(f"{d / p:.2f}×" for p, d in noisy_errors)))


def grouping(params: dict, sizes: tuple[int, ...]) -> None:
    from pipelines import load_dataset, prepare
    from pipelines.runs.fitting import fit_group

    data = prepare(load_dataset("digits"))
    settings = params.get("vae", {})
    started = time.perf_counter()
    fit_group("vae", sizes, data.X_train, settings)
    together = time.perf_counter() - started
    started = time.perf_counter()
    for k in sizes:
        fit_group("vae", [k], data.X_train, settings)
    alone = time.perf_counter() - started
    print(f"\n4. VAE on digits at k = {', '.join(map(str, sizes))}\n| how | wall s |\n|---|---|\n"
          f"| every size in one model | {together:.1f} |\n| one model per size | {alone:.1f} |\n"
          f"| saved | {100 * (1 - together / alone):.0f}% ({alone / together:.2f}× faster) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny epochs and digits only (a smoke test)")
    parser.add_argument("--parts", type=lambda text: {int(p) for p in text.split(",")}, default={1, 2, 3, 4},
                        help="which of the numbered measurements to run, e.g. 1,3 (default all)")
    args = parser.parse_args()
    harness.import_tensorflow()
    print("Generative and convolutional autoencoders (issue 10), default settings"
          + ("  [--quick: tiny epochs, not comparable]" if args.quick else ""))
    print(harness.machine_line())
    if args.quick:
        params = {m: {"epochs": 2} for m in ("nonlinear_ae", "vae", "conv_ae", "denoising_ae")}
        code_quality(["digits"], params)
        denoising(params)
        grouping(params, (1, 2))
    else:
        for part, measure in ((1, lambda: mnist_ratio({})), (2, lambda: code_quality(["digits", "mnist-5k"], {})),
                              (3, lambda: denoising({})), (4, lambda: grouping({}, SIZES))):
            if part in args.parts:
                measure()
    print(f"  note: {harness.load_note()}")


if __name__ == "__main__":
    main()
