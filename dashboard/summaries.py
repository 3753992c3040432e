"""Tables, sentences and file names the pages show, computed from results; no Streamlit here."""
from __future__ import annotations

import re
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

import pipelines
from pipelines import METHODS


def scores_of(runs: Mapping[str, pipelines.RunResult]) -> pd.DataFrame:
    """The tidy scores of several runs as one frame."""
    return pd.concat([run.scores for run in runs.values()], ignore_index=True)


def scores_table(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per method and bottleneck: test and training MSE and R², epochs and fit time."""
    wide = scores.pivot_table(index=["method", "bottleneck"], columns="split", values=["mse", "r2"], sort=False)
    wide.columns = [f"{split.capitalize()} {'MSE' if metric == 'mse' else 'R²'}" for metric, split in wide.columns]
    extra = scores[scores["split"] == "test"].set_index(["method", "bottleneck"])[["epochs", "fit_seconds"]]
    table = wide.join(extra).reset_index()
    table["method"] = table["method"].map(lambda m: METHODS[m].label)
    ordered = ["Test MSE", "Test R²", "Train MSE", "Train R²"]
    return table.rename(columns={"method": "Method", "bottleneck": "Bottleneck", "epochs": "Epochs",
                                 "fit_seconds": "Fit seconds"})[["Method", "Bottleneck", *ordered, "Epochs",
                                                                  "Fit seconds"]]


def mse_units(dataset: pipelines.Dataset) -> str:
    """What one unit of mean squared error means for `dataset`, for axis titles."""
    return "data in [0, 1]" if dataset.scaling == "unit" else "standardised units²"


def file_stem(dataset: pipelines.Dataset) -> str:
    """A safe file-name stem naming `dataset`, for downloads."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", dataset.name).strip("-.") or "dataset"


def label_text(value: object) -> str:
    """A label as short text: numbers to 3 significant digits."""
    return f"{value:.3g}" if isinstance(value, (float, np.floating)) else str(value)


def feature_values(dataset: pipelines.Dataset, rows: np.ndarray) -> pd.DataFrame:
    """The original feature values of `rows`, one named column per feature."""
    return pd.DataFrame(dataset.X[rows], columns=list(dataset.feature_names), index=rows)


def worst_samples(errors: Mapping[str, np.ndarray], data: pipelines.PreparedData, n: int) -> pd.DataFrame:
    """The `n` test samples each method reconstructs worst: method, sample index, label and error."""
    labels = data.y_test if data.y_test is not None else np.full(len(data.test_index), "")
    rows = []
    for method, values in errors.items():
        for position in np.argsort(values)[::-1][:n]:
            rows.append({"method": method, "Method": METHODS[method].label,
                         "Sample": int(data.test_index[position]), "Label": label_text(labels[position]),
                         "MSE": float(values[position]), "position": int(position)})
    return pd.DataFrame(rows, columns=["method", "Method", "Sample", "Label", "MSE", "position"])


def gallery(data: pipelines.PreparedData, reconstructed: Mapping[str, np.ndarray],
            positions: Iterable[int]) -> dict[str, np.ndarray]:
    """Rows of images for a gallery: the test samples at `positions`, then each method's reconstructions."""
    positions = list(positions)
    return {"Original": data.X_test[positions], **{m: X[positions] for m, X in reconstructed.items()}}


def continuous_labels(dataset: pipelines.Dataset, rows: np.ndarray | None = None) -> np.ndarray | None:
    """The labels of `rows` (all by default) when they are numbers to colour by, else None."""
    if dataset.label_kind != "continuous":
        return None
    return dataset.y if rows is None else dataset.y[rows]


def percent(value: float) -> str:
    """`value` as a percentage, or a dash when it is not defined."""
    return "—" if np.isnan(value) else f"{100 * value:.1f}%"


def sample_caption(dataset: pipelines.Dataset, sample: int) -> str:
    """Which sample is shown, with its label."""
    label = "" if dataset.y is None else f", {dataset.label_name} {label_text(dataset.y[sample])}"
    return f"Sample {sample}{label}. Click a point in any chart above to show another."


def autoencoder_methods(methods: Iterable[str]) -> tuple[str, ...]:
    """The methods among `methods` that train by gradient descent and so have a loss history."""
    return tuple(m for m in methods if METHODS[m].trained_by_gradient)


def histories(run: pipelines.RunResult, method: str) -> tuple[dict[int, dict], dict[int, int]]:
    """Loss histories and best epochs of `method`'s models in `run`, keyed by bottleneck."""
    models = {k: model for (m, k), model in run.models.items() if m == method}
    return {k: m.history_ for k, m in models.items()}, {k: m.best_epoch_ for k, m in models.items()}


def training_table(runs: Mapping[str, pipelines.RunResult]) -> pd.DataFrame:
    """One row per autoencoder: epochs run, the epoch whose weights were kept, final losses and fit time."""
    rows = []
    for method, run in runs.items():
        for (_, k), model in sorted(run.models.items()):
            history = model.history_
            rows.append({"Method": METHODS[method].label, "Bottleneck": k, "Epochs run": model.n_epochs_,
                         "Best epoch": model.best_epoch_, "Final training loss": history["loss"][-1],
                         "Best validation loss": min(history["val_loss"]) if history["val_loss"] else np.nan,
                         "Fit seconds": model.fit_seconds_})
    return pd.DataFrame(rows)


def direction_names(pca_directions: np.ndarray, ae_directions: np.ndarray) -> list[str]:
    """Each pair of directions named by its rank and the angle between them, e.g. "2 · 0.3°"."""
    norms = np.linalg.norm(pca_directions, axis=1) * np.linalg.norm(ae_directions, axis=1)
    cosines = np.abs(np.sum(pca_directions * ae_directions, axis=1)) / norms
    angles = np.degrees(np.arccos(np.clip(cosines, 0.0, 1.0)))
    return [f"{i + 1} · {angle:.1f}°" for i, angle in enumerate(angles)]


def angles_sentence(angles: np.ndarray, k: int) -> str:
    """What the principal angles at bottleneck `k` say about the linear AE and PCA, in one or two sentences."""
    largest, mean = float(np.max(angles)), float(np.mean(angles))
    numbers = (f"At bottleneck {k}, the largest principal angle between the linear autoencoder's subspace and "
               f"PCA's is {largest:.1f}° (mean {mean:.1f}°)")
    if largest < 5:
        return (numbers + ": the autoencoder found essentially the same subspace as PCA, as theory predicts "
                "for a linear autoencoder trained on squared error.")
    if largest < 20:
        return (numbers + ": the subspaces are close but not equal; the last directions, which explain the "
                "least variance, are usually the slowest to be learned.")
    return (numbers + ": the autoencoder has not found PCA's subspace yet; more epochs or another learning "
            "rate usually close the gap.")


def run_labels(runs: pd.DataFrame) -> list[str]:
    """Short names for stored runs (rows of `RunStore.runs()`): dataset, seed and changed settings (named by
    method only when a run holds several); runs that would still look alike get the start of their key."""
    labels = []
    for row in runs.itertuples():
        changed = [part for part in row.settings.split("; ") if not part.endswith(": defaults")]
        if "," not in row.methods:
            changed = [part.split(": ", 1)[1] for part in changed]
        labels.append(f"{row.dataset}, seed {row.seed}" + (f", {'; '.join(changed)}" if changed else ""))
    seen = list(zip(labels, runs["methods"]))
    return [f"{label} [{key[:6]}]" if seen.count((label, methods)) > 1 else label
            for label, methods, key in zip(labels, runs["methods"], runs["key"])]


def method_labels(methods: str) -> str:
    """"pca, linear_ae" as the dashboard names them: "PCA, Linear AE"."""
    return ", ".join(METHODS[m].label if m in METHODS else m for m in methods.split(", "))


def newest_runs_of_one_dataset(runs: pd.DataFrame, at_most: int) -> list[str]:
    """Keys of the newest runs (rows of `RunStore.runs()`, newest first) on the newest run's dataset."""
    same = runs[runs["dataset"] == runs["dataset"].iloc[0]]
    return list(same["key"].iloc[:at_most])
