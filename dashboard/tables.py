"""The tables the pages show and download, computed from results, and how they are displayed: scores, training,
worst and selected samples; no Streamlit here."""
from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

import pipelines
from dashboard.chart_data import position_in_test
from pipelines import METHODS
from pipelines.analysis import diagnostics

MISSING = "—"  # what a table shows where a value does not apply
TRAINING_SECONDS = "Training seconds"
SPREAD = " sd"  # suffix of a score's column of standard deviations over repeats
SETTING_PREFIX = "setting_"  # of the scores download's column of a changed setting
DETERMINISTIC = "deterministic"  # said of a method fitted once, whose spread is 0 by construction
SCORE_NAMES = {"test_mse": "Test MSE", "test_r2": "Test R²", "train_mse": "Train MSE", "train_r2": "Train R²"}


def scores_of(runs: Mapping[str, pipelines.RunResult]) -> pd.DataFrame:
    """The tidy scores of several runs as one frame."""
    return pd.concat([run.scores for run in runs.values()], ignore_index=True)


def scores_table(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per method and bottleneck, all numbers: test and training MSE and R² (with several repeats, their
    mean, a standard-deviation column after each test score, and the number of repeats), epochs (missing for
    methods without any; the mean over repeats) and the method's training time."""
    table = diagnostics.per_size(scores).rename(columns=SCORE_NAMES)[list(SCORE_NAMES.values())]
    test = scores[scores["split"] == "test"].groupby(["method", "bottleneck"], sort=False)
    repeats = test.size().reindex(table.index)
    if repeats.max() > 1:
        spread = scores.pivot_table(index=["method", "bottleneck"], columns="split", values=["mse", "r2"],
                                    aggfunc="std", sort=False, dropna=False)
        spread.columns = [SCORE_NAMES[f"{split}_{metric}"] for metric, split in spread.columns]
        spread = spread.reindex(table.index).fillna(0.0)  # one repeat: no spread
        # The test scores' spreads only: with the training ones the table is wider than the page.
        for column in ("Test R²", "Test MSE"):
            table.insert(table.columns.get_loc(column) + 1, column + SPREAD, spread[column])
        table.insert(0, "Repeats", repeats)
    epochs = test["epochs"].mean()
    gradient = epochs.index.get_level_values("method").map(lambda m: METHODS[m].trained_by_gradient)
    table["Epochs"] = epochs.where(gradient).astype(float)
    table[TRAINING_SECONDS] = test["fit_seconds"].first()
    table = table.reset_index().rename(columns={"method": "Method", "bottleneck": "Bottleneck"})
    table["Method"] = table["Method"].map(lambda m: METHODS[m].label)
    return table


def fitted_once(scores: pd.DataFrame) -> list[str]:
    """The methods scored under one training seed per split while others have repeats: the deterministic ones."""
    seeds = scores.groupby(["method", "split_seed"], sort=False)["train_seed"].nunique().groupby("method",
                                                                                              sort=False).max()
    return list(seeds[seeds == 1].index) if seeds.max() > 1 else []


def shown(table: pd.DataFrame) -> Styler:
    """`table` as a page shows it: decimals to 4 significant digits, a dash where a value does not apply. A missing
    number is held as +∞ (it sorts after every number) and shown as the dash, because st.dataframe draws a missing
    cell as "None" whatever its display text."""
    missing = table.select_dtypes("number").isna()
    missing = missing.loc[:, missing.any()]
    held = table.astype(dict.fromkeys(missing.columns, float)).fillna(dict.fromkeys(missing.columns, np.inf))
    decimals = list(held.select_dtypes("float").columns)
    styler = held.style.format("{:.4g}", subset=decimals)
    for column in missing.columns:
        styler = styler.format(lambda _: MISSING, subset=pd.IndexSlice[held.index[missing[column]], [column]])
    return styler


def shown_scores(table: pd.DataFrame) -> Styler:
    """The scores table as shown: as `shown`, with spreads to 2 significant digits and a method fitted once named
    deterministic (its spread is 0 by construction)."""
    styler = shown(table)
    if "Repeats" not in table or table["Repeats"].max() < 2:
        return styler
    spreads = [column for column in table.columns if column.endswith(SPREAD)]
    once = table.index[table["Repeats"] == 1]
    return styler.format("{:.2g}", subset=spreads).format(lambda label: f"{label} ({DETERMINISTIC})",
                                                          subset=pd.IndexSlice[once, ["Method"]])


def scores_download(runs: Mapping[str, pipelines.TaskResult]) -> pd.DataFrame:
    """Every repeat's tidy scores with the methods' settings: one column per setting changed from the registry's
    defaults in any run ("setting_" and its name, so it cannot clash with a score column such as epochs), holding
    each method's value of it (empty for methods without that setting)."""
    changed = dict.fromkeys(name for run in runs.values() for name in run.spec.changed_settings())
    frames = []
    for method, run in runs.items():
        values = dict(run.spec.params)
        schema = {setting.name: setting for setting in METHODS[method].settings}
        settings = {f"{SETTING_PREFIX}{name}": (schema[name].text(values[name]) if name in schema
                                                else str(values[name])) if name in values else ""
                    for name in changed}
        frames.append(run.scores.assign(**settings))
    return pd.concat(frames, ignore_index=True)


def file_stem(dataset: pipelines.Dataset) -> str:
    """A safe file-name stem naming `dataset`, for downloads."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", dataset.name).strip("-.") or "dataset"


def label_text(value: object) -> str:
    """A label as short text: numbers to 3 significant digits."""
    return f"{value:.3g}" if isinstance(value, (float, np.floating)) else str(value)


def worst_samples(errors: Mapping[str, np.ndarray], data: pipelines.PreparedData, n: int) -> pd.DataFrame:
    """The `n` test samples each method reconstructs worst: method, sample index, label (named by the dataset's
    label name, left out when it has none) and error."""
    label_name = data.dataset.label_name if data.y_test is not None else None
    rows = []
    for method, values in errors.items():
        for position in np.argsort(values)[::-1][:n]:
            label = {} if label_name is None else {label_name: label_text(data.y_test[position])}
            rows.append({"method": method, "Method": METHODS[method].label, "Sample": int(data.test_index[position]),
                         **label, "MSE": float(values[position]), "position": int(position)})
    columns = ["method", "Method", "Sample", *([label_name] if label_name is not None else []), "MSE", "position"]
    return pd.DataFrame(rows, columns=columns)


def sample_reconstructions(data: pipelines.PreparedData, reconstructed: Mapping[str, np.ndarray],
                           sample: int) -> pd.DataFrame:
    """Test sample `sample` and each method's reconstruction of it, one row each, in the data's own units."""
    position = position_in_test(data, sample)
    rows = {"Original": data.dataset.X[sample],
            **{METHODS[m].label: data.to_original_units(X[[position]])[0] for m, X in reconstructed.items()}}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(data.dataset.feature_names))


def size_table(data: pipelines.PreparedData, by_size: Mapping[str, Mapping[int, np.ndarray]],
               sample: int) -> pd.DataFrame:
    """The sample in its own units, then each method's reconstruction of it at every size, a row each, with the
    reconstruction's mean squared error (in the units the models were trained in) last."""
    original = data.X_test[position_in_test(data, sample)]
    rows = [{"Method": "Original", "Bottleneck": np.nan, **dict(zip(data.dataset.feature_names,
                                                                    data.dataset.X[sample])), "MSE": np.nan}]
    for method, reconstructions in by_size.items():
        for k, values in reconstructions.items():
            rows.append({"Method": METHODS[method].label, "Bottleneck": k,
                         **dict(zip(data.dataset.feature_names, data.to_original_units(values[None])[0])),
                         "MSE": float(np.mean((values - original) ** 2))})
    return pd.DataFrame(rows).astype({"Bottleneck": "Int64"})


def training_table(runs: Mapping[str, pipelines.RunResult]) -> pd.DataFrame:
    """One row per autoencoder: epochs run, the epoch whose weights were kept, final losses (validation missing
    without a validation split) and its method's training time."""
    rows = []
    for method, run in runs.items():
        test = run.scores[(run.scores["method"] == method) & (run.scores["split"] == "test")
                          & (run.scores["train_seed"] == run.spec.train_seed)]  # the models shown: the first repeat's
        seconds = dict(zip(test["bottleneck"], test["fit_seconds"]))
        for (_, k), model in sorted(run.models.items()):
            history = model.history_
            validation = history.get("val_loss") or []
            rows.append({"Method": METHODS[method].label, "Bottleneck": k, "Epochs run": model.n_epochs_,
                         "Best epoch": model.best_epoch_, "Final training loss": history["loss"][-1],
                         "Best validation loss": min(validation) if validation else np.nan,
                         TRAINING_SECONDS: seconds[k]})
    return pd.DataFrame(rows)
