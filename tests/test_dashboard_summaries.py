"""Plain-data helpers of the dashboard (no Streamlit involved)."""
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from dashboard import summaries
from dashboard.choices import Selection
from dashboard.summaries import run_labels
from pipelines import METHODS, Dataset, load_dataset, prepare, run_spec
from pipelines.reducers import REFERENCE


def _listing(**columns) -> pd.DataFrame:
    """Rows of `RunStore.runs()`: four digits runs and an iris run unless `columns` say otherwise."""
    base = {"key": ["aaaaaa1", "bbbbbb2", "cccccc3", "dddddd4", "eeeeee5"],
            "dataset": ["digits"] * 4 + ["iris"], "content_hash": ["d"] * 4 + ["i"],
            "method": ["pca", "nonlinear_ae", "nonlinear_ae", "nonlinear_ae", "pca"],
            "bottlenecks": ["1, 2", "1, 2", "1, 2", "4", "1, 2"],
            "settings": ["defaults", "epochs=50", "epochs=50", "defaults", "defaults"],
            "split_seed": [0] * 5, "train_seed": [0, 0, 0, 0, 3], "test_size": [0.2] * 5}
    return pd.DataFrame({**base, **columns})


def test_run_labels_name_the_dataset_what_differs_and_changed_settings():
    labels = run_labels(_listing())
    assert labels[0] == "digits · k 1, 2 · training seed 0"
    assert labels[3] == "digits · k 4 · training seed 0", "runs that differ only by sizes say so"
    assert labels[4] == "iris · k 1, 2 · training seed 3"
    assert labels[1].startswith("digits · k 1, 2 · training seed 0 · epochs=50")
    assert len(set(labels[1:3])) == 2 and labels[1].endswith("[bbbbbb]"), "lookalikes get their key's start"
    assert not any(METHODS[m].label in label for m in METHODS for label in labels), "charts show the method"


def test_run_labels_leave_out_what_every_run_shares():
    labels = run_labels(_listing(bottlenecks=["1, 2"] * 5, train_seed=[0] * 5))
    assert labels[0] == "digits" and labels[4] == "iris"


def test_the_sidebars_runs_are_compared_first_else_its_datasets_else_the_newest_runs_dataset():
    listing = _listing()
    assert summaries.runs_to_compare(listing, ["dddddd4", "gone", "aaaaaa1"], "i", 3) == ["dddddd4", "aaaaaa1"]
    assert summaries.runs_to_compare(listing, ["gone"], "i", 3) == ["eeeeee5"]
    assert summaries.runs_to_compare(listing, [], "d", 3) == ["aaaaaa1", "bbbbbb2", "cccccc3"]
    assert summaries.runs_to_compare(listing, [], "not stored", 2) == ["aaaaaa1", "bbbbbb2"]
    assert summaries.runs_to_compare(listing, [], None, 9) == ["aaaaaa1", "bbbbbb2", "cccccc3", "dddddd4"]


def test_methods_are_shown_by_their_display_names():
    assert [summaries.method_label(m) for m in METHODS] == [entry.label for entry in METHODS.values()]
    assert summaries.method_label("retired_method") == "retired_method"


AUTOENCODERS = [m for m in METHODS if METHODS[m].trained_by_gradient]
LINEAR = next(m for m in AUTOENCODERS if METHODS[m].linear_decoder)
NONLINEAR = next(m for m in AUTOENCODERS if not METHODS[m].linear_decoder)
SIZES = (1, 2, 8, 32)
SECONDS = {REFERENCE: 0.2, LINEAR: 3.0, NONLINEAR: 7.0}  # one wall time per method: its sizes train together


def _scores(**changes: dict) -> pd.DataFrame:
    """Healthy scores: PCA, a linear AE just above it, a nonlinear AE better at small k and a little worse at 32
    (its train and test errors close); `changes` maps "method_k_split" to the values to replace."""
    rows = []
    for method in (REFERENCE, LINEAR, NONLINEAR):
        for k in SIZES:
            for split in ("train", "test"):
                mse = (1.0 if split == "train" else 1.1) / (k + 1)
                mse *= {REFERENCE: 1.0, LINEAR: 1.005, NONLINEAR: 0.7 if k <= 8 else 1.3}[method]
                row = {"dataset": "toy", "method": method, "bottleneck": k, "split": split, "mse": mse,
                       "r2": 1 - mse, "fit_seconds": SECONDS[method],
                       "epochs": 50 if METHODS[method].trained_by_gradient else 0, "split_seed": 0,
                       "train_seed": 0}
                row.update(changes.get(f"{method}_{k}_{split}", {}))
                rows.append(row)
    return pd.DataFrame(rows)


def _scaled(scores: pd.DataFrame, method: str, k: int, split: str, factor: float) -> dict:
    """Values that make `method`'s MSE at `k` on `split` `factor` times PCA's (R² to match)."""
    reference = scores.query("method == @REFERENCE and bottleneck == @k and split == @split")["mse"].item()
    return {f"{method}_{k}_{split}": {"mse": factor * reference, "r2": 1 - factor * reference}}


def _rendered(table: pd.DataFrame) -> str:
    return summaries.shown(table).to_string()


def _no_missing_cell(table: pd.DataFrame) -> None:
    """st.dataframe draws a missing cell as "None" whatever its display text: a shown table must have none."""
    held = summaries.shown(table).data
    assert not held.isna().any().any(), "a missing cell would read None in the browser"


def test_the_scores_table_leaves_epochs_out_where_there_are_none_and_shows_a_dash():
    table = summaries.scores_table(_scores())
    pca = table[table["Method"] == METHODS[REFERENCE].label]
    autoencoders = table[table["Method"] != METHODS[REFERENCE].label]
    assert pca["Epochs"].isna().all() and (autoencoders["Epochs"] == 50).all()
    text = _rendered(table)
    assert summaries.MISSING in text
    assert not any(word in text for word in ("None", "nan", "<NA>", "inf"))
    _no_missing_cell(table)


def test_the_scores_table_shows_each_methods_whole_training_time_on_every_one_of_its_rows():
    table = summaries.scores_table(_scores())
    assert "every bottleneck size" in summaries.TIMING_NOTE
    for method, seconds in SECONDS.items():
        rows = table[table["Method"] == METHODS[method].label]
        assert len(rows) == len(SIZES) and (rows[summaries.TRAINING_SECONDS] == seconds).all()


def _autoencoder(k: int, validation: bool, seconds: float) -> SimpleNamespace:
    history = {"loss": [2.0, 1.0, 0.5], "val_loss": [2.1, 1.2, 0.9] if validation else []}
    return SimpleNamespace(history_=history, n_epochs_=3, best_epoch_=3, fit_seconds_=seconds)


def test_the_training_table_shows_a_dash_without_validation_and_the_methods_training_time():
    runs = {}
    for method, validation in ((LINEAR, False), (NONLINEAR, True)):
        scores = _scores().query("method == @method and bottleneck in (1, 2)")
        # models that would each report a share of the time: the table must show the method's whole time
        models = {(method, k): _autoencoder(k, validation, SECONDS[method] / 2) for k in (1, 2)}
        runs[method] = SimpleNamespace(models=models, scores=scores, spec=SimpleNamespace(train_seed=0))
    table = summaries.training_table(runs)
    linear = table[table["Method"] == METHODS[LINEAR].label]
    nonlinear = table[table["Method"] == METHODS[NONLINEAR].label]
    assert linear["Best validation loss"].isna().all()
    assert (nonlinear["Best validation loss"] == 0.9).all()
    for method, rows in ((LINEAR, linear), (NONLINEAR, nonlinear)):
        assert (rows[summaries.TRAINING_SECONDS] == SECONDS[method]).all()
    text = _rendered(table)
    assert summaries.MISSING in text and "None" not in text and "nan" not in text
    _no_missing_cell(table)


def test_healthy_training_gives_no_warning_even_where_the_nonlinear_ae_is_worse_than_pca():
    assert summaries.training_warnings(_scores()) == []


@pytest.mark.parametrize("split", ["test", "train"])
def test_a_diverged_autoencoder_is_named_with_its_bottleneck_a_cause_and_a_remedy(split):
    diverged = {f"{NONLINEAR}_2_test": {"mse": 4.0, "r2": -4.0}, f"{LINEAR}_8_{split}": {"mse": math.nan,
                                                                                          "r2": math.nan}}
    warnings = summaries.training_warnings(_scores(**diverged))
    assert len(warnings) == 2
    nonlinear = next(w for w in warnings if METHODS[NONLINEAR].label in w)
    linear = next(w for w in warnings if METHODS[LINEAR].label in w)
    assert "bottleneck 2" in nonlinear and "-4" in nonlinear
    assert "bottleneck 8" in linear
    assert all("diverged" in w and "learning rate" in w for w in warnings)


def test_a_linear_decoder_clearly_worse_than_pca_breaks_theory_and_a_nonlinear_one_does_not():
    scores = _scores()
    worse = {**_scaled(scores, LINEAR, 8, "test", 1.10), **_scaled(scores, LINEAR, 32, "test", 1.06),
             **_scaled(scores, LINEAR, 2, "test", 1.02),  # within the tolerance of a held-out split
             **_scaled(scores, NONLINEAR, 32, "test", 1.10)}
    (warning,) = summaries.training_warnings(_scores(**worse))
    assert METHODS[LINEAR].label in warning and "bottlenecks 8 and 32" in warning
    assert "PCA" in warning and "epochs" in warning


def test_an_autoencoder_far_better_on_training_than_test_samples_is_said_to_overfit():
    scores = _scores()
    overfit = {**_scaled(scores, NONLINEAR, 32, "train", 0.3), **_scaled(scores, NONLINEAR, 32, "test", 2.5)}
    (warning,) = summaries.training_warnings(_scores(**overfit))
    assert METHODS[NONLINEAR].label in warning and "bottleneck 32" in warning
    assert "overfit" in warning and "worse than PCA" in warning and "hidden layers" in warning


def test_a_gap_that_pca_shows_too_is_the_splits_doing_not_overfitting():
    scores = _scores()
    gap = {**_scaled(scores, REFERENCE, 32, "train", 0.5), **_scaled(scores, NONLINEAR, 32, "train", 0.6)}
    assert summaries.training_warnings(_scores(**gap)) == []


def _prepared(labels: np.ndarray | None, label_name: str = "digit", scaling: str = "unit"):
    X = np.random.default_rng(0).random((20, 4)).astype("float32") * 10
    kind = None if labels is None else "categorical"
    return prepare(Dataset("toy", X, labels, ("a", "b", "c", "d"), "", scaling, kind, label_name), seed=0)


def test_the_worst_samples_name_the_label_column_by_the_datasets_label_name():
    data = _prepared(np.arange(20) % 2)
    errors = {REFERENCE: np.arange(len(data.test_index), dtype=float)}
    worst = summaries.worst_samples(errors, data, 2)
    assert "digit" in worst.columns and "Label" not in worst.columns
    assert list(worst["Sample"]) == list(data.test_index[::-1][:2])


def test_the_worst_samples_of_unlabelled_data_have_no_label_column():
    data = _prepared(None)
    worst = summaries.worst_samples({REFERENCE: np.ones(len(data.test_index))}, data, 2)
    assert list(worst.columns) == ["method", "Method", "Sample", "MSE", "position"]


def test_a_selected_sample_is_shown_with_each_methods_reconstruction_in_the_datas_units():
    data = _prepared(None, scaling="standardize")
    sample = int(data.test_index[3])
    reconstructed = {m: data.X_test + i for i, m in enumerate((REFERENCE, LINEAR), 1)}
    table = summaries.sample_reconstructions(data, reconstructed, sample)
    assert list(table.index) == ["Original", METHODS[REFERENCE].label, METHODS[LINEAR].label]
    assert list(table.columns) == ["a", "b", "c", "d"]
    assert np.allclose(table.loc["Original"], data.dataset.X[sample], atol=1e-5)
    assert np.allclose(table.loc[METHODS[LINEAR].label], data.to_original_units(data.X_test + 2)[3], atol=1e-4)


def test_combined_repeats_share_a_label_that_leaves_the_training_seed_out():
    listing = _listing(train_seed=[0, 1, 2, 0, 3], settings=["defaults"] * 5, bottlenecks=["1, 2"] * 5)
    labels = run_labels(listing, combine_repeats=True)
    assert labels[:4] == ["digits"] * 4 and labels[4] == "iris"
    assert len(set(run_labels(listing)[1:3])) == 2, "uncombined, repeats stay apart"


def _repeated(seeds=(0, 1, 2, 3, 4), pca_once: bool = True) -> pd.DataFrame:
    """`_scores` under several training seeds, the autoencoders' test MSE a little different in each; PCA scored
    under the first seed only when `pca_once` (as a deterministic method is)."""
    frames = []
    for i, seed in enumerate(seeds):
        scores = _scores().assign(train_seed=seed)
        autoencoder = scores["method"] != REFERENCE
        scores.loc[autoencoder, "mse"] *= 1 + 0.01 * i
        scores.loc[autoencoder, "epochs"] = 40 + 5 * i
        frames.append(scores[autoencoder] if pca_once and i else scores)
    return pd.concat(frames, ignore_index=True)


def test_with_repeats_the_scores_table_keeps_means_and_spreads_as_numbers_and_names_the_deterministic_method():
    table = summaries.scores_table(_repeated())
    for column in ("Repeats", "Test MSE", "Test MSE sd", "Test R²", "Test R² sd", "Train MSE", "Epochs",
                   summaries.TRAINING_SECONDS):
        assert pd.api.types.is_numeric_dtype(table[column]), f"{column} sorts as numbers"
    linear = table[table["Method"] == METHODS[LINEAR].label].set_index("Bottleneck")
    factors = 1 + 0.01 * np.arange(5)
    reference = _scores().query("method == @LINEAR and split == 'test'").set_index("bottleneck")["mse"]
    np.testing.assert_allclose(linear["Test MSE"], reference * factors.mean())
    np.testing.assert_allclose(linear["Test MSE sd"], reference * np.std(factors, ddof=1))
    assert (linear["Repeats"] == 5).all() and (linear["Epochs"] == 50).all(), "epochs: the mean over repeats"
    pca = table[table["Method"] == METHODS[REFERENCE].label]
    assert (pca["Repeats"] == 1).all() and (pca["Test MSE sd"] == 0).all()
    text = summaries.shown_scores(table).to_string()
    assert f"{METHODS[REFERENCE].label} ({summaries.DETERMINISTIC})" in text and " ± " not in text
    assert summaries.fitted_once(_repeated()) == [REFERENCE]
    assert "PCA is deterministic" in summaries.deterministic_note(_repeated())
    assert summaries.deterministic_note(_repeated(pca_once=False)) is None


def test_the_verdicts_are_holm_corrected_together_and_the_note_says_what_5_repeats_can_reach():
    sentences = summaries.verdicts(_repeated())
    tests = 2 * len(SIZES)  # two autoencoders at every size
    assert len(sentences) == tests and all(f"Holm-corrected over {tests} tests" in s for s in sentences)
    wins = [s for s in sentences if "beat PCA in 5 of 5" in s]
    assert wins and all("the smallest 5 repeats can give" in s and "not significant" in s for s in wins)
    assert len(summaries.verdicts(_repeated(), bottleneck=2)) == 2
    note = summaries.verdict_note(_repeated())
    assert "1/2^5 = 0.031" in note and f"no corrected p can fall below {tests / 32:.2g}" in note
    assert "8 repeats" in note  # 8 / 2**8 < 0.05


def _run(method: str, settings: dict, scores: pd.DataFrame) -> SimpleNamespace:
    return SimpleNamespace(spec=run_spec(load_dataset("iris"), method, [1, 2], settings=settings), scores=scores)


def test_the_scores_download_has_a_column_per_changed_setting_with_each_methods_value():
    scores = _scores()
    runs = {method: _run(method, settings, scores[scores["method"] == method]) for method, settings in
            ((REFERENCE, {}), (LINEAR, {"epochs": 7}), (NONLINEAR, {"hidden_layer_sizes": (16, 4)}))}
    frame = summaries.scores_download(runs)
    epochs, layers = "setting_epochs", "setting_hidden_layer_sizes"
    assert list(frame.columns) == [*scores.columns, epochs, layers]
    pd.testing.assert_series_equal(frame["epochs"], scores["epochs"], check_index=False)  # the epochs run, kept
    by_method = frame.groupby("method")[[epochs, layers]].first()
    assert by_method.loc[LINEAR, epochs] == "7" and by_method.loc[NONLINEAR, layers] == "16, 4"
    default_epochs = next(s for s in METHODS[NONLINEAR].settings if s.name == "epochs").default
    assert by_method.loc[NONLINEAR, epochs] == str(default_epochs), "its own value where it has the setting"
    assert by_method.loc[REFERENCE, epochs] == "" and by_method.loc[REFERENCE, layers] == "", "PCA has neither"
    assert list(summaries.scores_download({REFERENCE: runs[REFERENCE]}).columns) == list(scores.columns)


class _Shift:
    """A stand-in model that reconstructs every value as itself plus its bottleneck size."""

    def __init__(self, k: int):
        self.k = k

    def transform(self, X):
        return X

    def inverse_transform(self, codes):
        return codes + self.k


def test_one_sample_is_reconstructed_by_every_size_of_each_methods_sweep():
    data = prepare(load_dataset("iris"))
    runs = {m: SimpleNamespace(models={(m, k): _Shift(k) for k in (1, 2, 3)}) for m in (REFERENCE, LINEAR)}
    sample = int(data.test_index[4])
    by_size = summaries.sample_at_every_size(runs, data, sample)
    original = data.X_test[4]
    np.testing.assert_allclose(by_size[LINEAR][2], original + 2)
    rows, titles = summaries.size_gallery(data, by_size, sample)
    assert titles == ["original", "k = 1", "k = 2", "k = 3"] and rows[REFERENCE].shape == (4, data.n_features)
    table = summaries.size_table(data, by_size, sample)
    assert list(table["Method"]) == ["Original"] + [METHODS[REFERENCE].label] * 3 + [METHODS[LINEAR].label] * 3
    np.testing.assert_allclose(table.iloc[0][list(data.dataset.feature_names)].astype(float), data.dataset.X[sample])
    assert table.iloc[2]["MSE"] == pytest.approx(4.0), "k = 2 is off by 2 in every value"
    _no_missing_cell(table)


def test_the_selection_fits_a_deterministic_method_once_and_can_give_each_repeat_its_own_split():
    iris = load_dataset("iris")
    chosen = Selection(iris, "iris", 3, 2, (1, 2), (REFERENCE, LINEAR), 0.2, 3, 10, {}, repeats=4)
    assert [(s.split_seed, s.train_seed) for s in chosen.specs(REFERENCE, (1, 2))] == [(3, 10)]
    assert [s.train_seed for s in chosen.specs(LINEAR, (1, 2))] == [10, 11, 12, 13]
    varied = Selection(iris, "iris", 3, 2, (1, 2), (REFERENCE, LINEAR), 0.2, 3, 10, {}, repeats=4, vary_split=True)
    for method in (REFERENCE, LINEAR):
        assert [(s.split_seed, s.train_seed) for s in varied.specs(method, (1, 2))] == [(3, 10), (4, 11), (5, 12),
                                                                                        (6, 13)]
