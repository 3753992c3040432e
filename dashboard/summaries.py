"""Tables, sentences and file names the pages show, computed from results; no Streamlit here."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

import pipelines
from pipelines import METHODS, diagnostics, metrics
from pipelines.reducers import REFERENCE
from pipelines.repeats import SIGNIFICANCE, Verdict, corrected, paired_verdicts, repeats_for_significance, smallest_p

VAE_NOTE = ("A VAE minimises reconstruction plus β times KL: the KL term pulls every sample's code distribution "
            "towards N(0, I), which makes the latent space smooth and lets the decoder turn random draws into new "
            "samples, but it also limits how much each code can say about its sample. That is why a VAE "
            "reconstructs worse than a plain autoencoder at the same bottleneck: it pays for a smooth latent space.")
MISSING = "—"  # what a table shows where a value does not apply
TRAINING_SECONDS = "Training seconds"
TIMING_NOTE = (f"{TRAINING_SECONDS} is the wall time of training every bottleneck size of a method: they train "
               "together in one computation, so each row of a method shows the same time, the one the Stored runs "
               "page lists. It is not divided between the sizes, because they do not take turns.")
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


def _names(methods: Iterable[str]) -> tuple[str, bool]:
    """Methods' display names joined in a phrase, and whether there are several."""
    labels = [METHODS[m].label for m in methods]
    return (labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"), len(labels) > 1


def deterministic_note(scores: pd.DataFrame) -> str | None:
    """Which methods were fitted once rather than per repeat, and why their spread is 0; None if none."""
    once = fitted_once(scores)
    if not once:
        return None
    names, several = _names(once)
    return (f"{names} {'are' if several else 'is'} deterministic: the same data give the same fit under any training "
            f"seed, so {'they are' if several else 'it is'} trained once rather than once per repeat, and "
            f"{'their' if several else 'its'} spread is 0 by construction (drawn without a band).")


def _verdicts(scores: pd.DataFrame) -> list[Verdict]:
    """Every method's verdict against the reference at every bottleneck, Holm-corrected together."""
    return corrected([verdict for method in scores["method"].unique() if method != REFERENCE
                      for verdict in paired_verdicts(scores, method, REFERENCE)])


def verdicts(scores: pd.DataFrame, bottleneck: int | None = None) -> list[str]:
    """One sentence per method (other than the reference) and bottleneck (only `bottleneck` if given): how many
    repeats beat the reference, with a paired test when there are enough, Holm-corrected over every test of every
    bottleneck together (the family the page shows); none for a single repeat."""
    if scores.groupby(["method", "bottleneck", "split"])["train_seed"].nunique().max() < 2:
        return []
    return [verdict.sentence(METHODS[verdict.method].label, METHODS[REFERENCE].label) for verdict in _verdicts(scores)
            if bottleneck is None or verdict.bottleneck == bottleneck]


def verdict_note(scores: pd.DataFrame) -> str:
    """How to read the verdicts: the pairing, the test, the smallest p the repeats allow and Holm's correction."""
    every = _verdicts(scores)
    n = max((verdict.repeats for verdict in every), default=0)
    tests = sum(verdict.p_value is not None for verdict in every)
    note = ("Each repeat is paired with PCA on the same test samples; the one-sided Wilcoxon signed-rank test asks "
            "whether the method's error is below PCA's more consistently than chance would make it. It needs at "
            f"least 5 repeats, and with {n} it cannot give a p below 1/2^{n} = {smallest_p(n):.2g}, even when every "
            "repeat wins.")
    if tests > 1:
        floor = min(1.0, tests * smallest_p(n))
        note += (f" The {tests} tests are corrected together with Holm's method, so that the chance of any false "
                 f"alarm among them stays below {SIGNIFICANCE:.0%}: the smallest p is multiplied by {tests}, the "
                 "next by one less, and so on.")
        if floor >= SIGNIFICANCE:
            note += (f" With {n} repeats no corrected p can fall below {floor:.2g}, so none can be significant: "
                     f"{repeats_for_significance(tests)} repeats (or fewer sizes or methods) could be.")
    return note


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


def _sizes(bottlenecks: Iterable[int]) -> str:
    """"bottleneck 2" or "bottlenecks 2, 4 and 8"."""
    sizes = [str(k) for k in sorted(bottlenecks)]
    if len(sizes) == 1:
        return f"bottleneck {sizes[0]}"
    return f"bottlenecks {', '.join(sizes[:-1])} and {sizes[-1]}"


def _diverged_warning(label: str, finding: diagnostics.Diverged) -> str:
    what = (f"its test R² falls to {finding.lowest_test_r2:.2g}, worse than predicting the average sample"
            if finding.lowest_test_r2 is not None else "its error is not a finite number")
    return (f"{label} diverged or never learned at {_sizes(finding.bottlenecks)}: {what}. The Training page tells "
            "which: a loss that rises or jumps about means the learning rate is too high for these data (try one 10 "
            "times smaller in the sidebar's autoencoder settings); a loss still falling when training ended means it "
            "needs more epochs.")


def _short_of_pca_warning(label: str, finding: diagnostics.ShortOfPca) -> str:
    return (f"{label} is worse than PCA at {_sizes(finding.bottlenecks)} (test MSE up to "
            f"{100 * (finding.largest_ratio - 1):.0f}% above PCA's), where theory says it should match it: with a "
            "linear decoder PCA is the best it can do, and gradient descent gets there when it converges. It has not "
            "converged yet: try more epochs, or another learning rate (lower if its loss jumps around, higher if it "
            "falls slowly).")


def _overfit_warning(label: str, finding: diagnostics.Overfit) -> str:
    pca = "" if finding.reference_ratio is None else f" (PCA's: {finding.reference_ratio:.1f}×)"
    where = ", and it does worse than PCA on the test samples there" if finding.worse_than_pca else ""
    return (f"{label} overfits at {_sizes(finding.bottlenecks)}: its test MSE is up to {finding.largest_ratio:.1f}× "
            f"its training MSE{pca}{where}. It has learned the training samples rather than structure that carries "
            "over to new ones, which is likely when it has many more weights than there are training samples: try "
            "fewer or smaller hidden layers, fewer epochs, or more data.")


_WARNINGS = {diagnostics.Diverged: _diverged_warning, diagnostics.ShortOfPca: _short_of_pca_warning,
             diagnostics.Overfit: _overfit_warning}


def training_warnings(scores: pd.DataFrame) -> list[str]:
    """What went wrong in training, per autoencoder (`diagnostics.training_findings`), in words: each sentence names
    the method, the bottlenecks, a likely cause and what to try."""
    return [_WARNINGS[type(finding)](METHODS[finding.method].label, finding)
            for finding in diagnostics.training_findings(scores)]


def mse_units(dataset: pipelines.Dataset) -> str:
    """The units of mean squared error on `dataset`, for axis titles (`units_note` explains them)."""
    return "values in [0, 1], squared" if dataset.scaling == "unit" else "standardised units²"


def units_note(dataset: pipelines.Dataset) -> str:
    """What the units of `mse_units` mean, in a sentence or two."""
    if dataset.scaling == "unit":
        return ("MSE is in the data's own scale, values in [0, 1] (pixels from black to white), squared and averaged "
                "over features: an MSE of 0.01 is a typical error of 0.1 per feature.")
    return ("MSE is in standardised units²: before training, every feature is shifted and scaled to mean 0 and "
            "variance 1 on the training samples, so each feature counts equally whatever its original units, and an "
            "MSE of 1 is an error as large as a feature's own spread, no better than predicting the average sample.")


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


def gallery(data: pipelines.PreparedData, reconstructed: Mapping[str, np.ndarray],
            positions: Iterable[int]) -> dict[str, np.ndarray]:
    """Rows of images for a gallery: the test samples at `positions`, then each method's reconstructions."""
    positions = list(positions)
    return {"Original": data.X_test[positions], **{m: X[positions] for m, X in reconstructed.items()}}


def position_in_test(data: pipelines.PreparedData, sample: int) -> int:
    """Where test sample `sample` (a row of the dataset) is among the test rows."""
    return int(np.flatnonzero(data.test_index == sample)[0])


def sample_reconstructions(data: pipelines.PreparedData, reconstructed: Mapping[str, np.ndarray],
                           sample: int) -> pd.DataFrame:
    """Test sample `sample` and each method's reconstruction of it, one row each, in the data's own units."""
    position = position_in_test(data, sample)
    rows = {"Original": data.dataset.X[sample],
            **{METHODS[m].label: data.to_original_units(X[[position]])[0] for m, X in reconstructed.items()}}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(data.dataset.feature_names))


def sample_at_every_size(runs: Mapping[str, pipelines.TaskResult], data: pipelines.PreparedData,
                         sample: int) -> dict[str, dict[int, np.ndarray]]:
    """Test sample `sample` reconstructed by each method's model of every bottleneck size of its run (the first
    repeat's), in the scaled units the models were trained in: method -> size -> values."""
    row = data.X_test[[position_in_test(data, sample)]]
    return {method: {k: metrics.reconstruct(run.models[(method, k)], row)[0]
                     for k in sorted(k for m, k in run.models if m == method)} for method, run in runs.items()}


def size_gallery(data: pipelines.PreparedData, by_size: Mapping[str, Mapping[int, np.ndarray]],
                 sample: int) -> tuple[dict[str, np.ndarray], list[str]]:
    """Rows of images, one per method: the original sample, then its reconstruction at every size; and the
    columns' titles."""
    sizes = sorted({k for sizes in by_size.values() for k in sizes})
    original = data.X_test[position_in_test(data, sample)]
    rows = {m: np.array([original, *(reconstructions[k] for k in sizes)]) for m, reconstructions in by_size.items()}
    return rows, ["original", *(f"k = {k}" for k in sizes)]


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


def continuous_labels(dataset: pipelines.Dataset, rows: np.ndarray | None = None) -> np.ndarray | None:
    """The labels of `rows` (all by default) when they are numbers to colour by, else None."""
    if dataset.label_kind != "continuous":
        return None
    return dataset.y if rows is None else dataset.y[rows]


def percent(value: float) -> str:
    """`value` as a percentage, or a dash when it is not defined."""
    return "—" if np.isnan(value) else f"{100 * value:.1f}%"


def sample_name(dataset: pipelines.Dataset, sample: int) -> str:
    """A sample by its row and label, e.g. "Sample 12, digit 3"."""
    label = "" if dataset.y is None else f", {dataset.label_name} {label_text(dataset.y[sample])}"
    return f"Sample {sample}{label}"


def sample_caption(dataset: pipelines.Dataset, sample: int) -> str:
    """Which sample is shown, with its label."""
    return f"{sample_name(dataset, sample)}. Click a point in any chart above to show another."


def chosen_codes_label(k: int) -> str:
    """The Embeddings page's switch to the models of the sidebar's bottleneck `k` (not 2)."""
    how = "the first 2 principal components of their codes" if k > 2 else "their one code against 0"
    return f"Show the {k}-code models instead ({how})"


def embedding_note(k: int, drawn: int) -> str:
    """Which models the Embeddings page draws (`drawn` codes) when the sidebar's bottleneck is `k`, and how."""
    if drawn == 2:
        other = (" (the sidebar's bottleneck)" if k == 2 else
                 f"; the sidebar's bottleneck is {k}: turn on the switch above to see those models")
        return f"These charts use each method's 2-code model, so every test sample is a point (code 1, code 2){other}."
    if drawn == 1:
        return ("These charts use each method's 1-code model (the sidebar's bottleneck): every test sample is drawn "
                "at its one code along the horizontal axis, and at 0 on the vertical one.")
    return (f"These charts use each method's {drawn}-code model (the sidebar's bottleneck). {drawn} codes cannot be "
            "drawn in a plane, so they are reduced to 2-D by PCA of the codes, fitted on the training samples' "
            "codes: the axes are the codes' first two principal components, and neighbours in the codes may "
            "overlap in the drawing.")


def untrained_note(methods: Iterable[str]) -> str:
    """Why the Training page has nothing to show for `methods`, none of which trains by gradient descent."""
    labels = [METHODS[m].label for m in methods] or ["the chosen methods"]
    return (f"{' and '.join(labels)} {'is' if len(labels) == 1 else 'are'} fitted in one step, without epochs, so "
            "there is no training curve; turn on a method that trains by gradient descent (an autoencoder) in the "
            "sidebar.")


def autoencoder_methods(methods: Iterable[str]) -> tuple[str, ...]:
    """The methods among `methods` that train by gradient descent and so have a loss history."""
    return tuple(m for m in methods if METHODS[m].trained_by_gradient)


def histories(run: pipelines.RunResult, method: str) -> tuple[dict[int, dict], dict[int, int]]:
    """Loss histories and best epochs of `method`'s models in `run`, keyed by bottleneck."""
    models = {k: model for (m, k), model in run.models.items() if m == method}
    return {k: m.history_ for k, m in models.items()}, {k: m.best_epoch_ for k, m in models.items()}


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


# What can tell stored runs apart besides their dataset and method, and how a label names it.
_RUN_FIELDS = {"bottlenecks": "k {}", "split_seed": "split seed {}", "train_seed": "training seed {}",
               "test_size": "test fraction {:g}"}


def run_labels(runs: pd.DataFrame, combine_repeats: bool = False) -> list[str]:
    """Short names for stored runs (rows of `RunStore.runs()`), without the method, which charts show by colour:
    the dataset, then whatever differs between the listed runs (sizes, seeds, test fraction) and any changed
    settings. Runs of one method that would still look alike get the start of their key, as the table shows it,
    unless `combine_repeats`: then the training seed is left out, so repeats of a run share its label."""
    fields = [name for name in _RUN_FIELDS if not (combine_repeats and name == "train_seed")]
    varying = [name for name in fields if runs[name].nunique() > 1]
    # One name, several contents (a re-uploaded file, other library versions): the label says which data.
    reused = runs.groupby("dataset")["content_hash"].transform("nunique") > 1
    labels = []
    for row, name_reused in zip(runs.itertuples(), reused):
        dataset = f"{row.dataset} (data {row.content_hash[:6]})" if name_reused else row.dataset
        parts = [dataset, *(_RUN_FIELDS[name].format(getattr(row, name)) for name in varying)]
        if row.settings != "defaults":
            parts.append(row.settings)
        labels.append(" · ".join(parts))
    if combine_repeats:
        return labels
    seen = list(zip(labels, runs["method"]))
    return [f"{label} [{key[:6]}]" if seen.count((label, method)) > 1 else label
            for label, method, key in zip(labels, runs["method"], runs["key"])]


def method_label(method: str) -> str:
    """A method's display name ("linear_ae" -> "Linear AE"); a method no longer registered keeps its name."""
    return METHODS[method].label if method in METHODS else method


def runs_to_compare(runs: pd.DataFrame, shown: Iterable[str], content_hash: str | None, at_most: int) -> list[str]:
    """Keys of the runs a Stored runs page starts with (rows of `RunStore.runs()`, newest first): the stored runs
    among `shown` (what the sidebar's choices show on the other pages), else the newest runs of the sidebar's
    dataset (by content), else of the newest run's dataset."""
    stored = [key for key in shown if key in set(runs["key"])]
    if stored:
        return stored
    same = runs[runs["content_hash"] == content_hash]
    if same.empty:
        same = runs[runs["content_hash"] == runs["content_hash"].iloc[0]]
    return list(same["key"].iloc[:at_most])
