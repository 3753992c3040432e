"""The tables the pages show and download, and the arrays behind them (no Streamlit involved)."""
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from toy_scores import LINEAR, NONLINEAR, SECONDS, SIZES, repeated, toy_scores

from dashboard import chart_data, page_text, tables
from pipelines import METHODS, Dataset, load_dataset, prepare, run_spec
from pipelines.reducers import REFERENCE


def _rendered(table: pd.DataFrame) -> str:
    return tables.shown(table).to_string()


def _no_missing_cell(table: pd.DataFrame) -> None:
    """st.dataframe draws a missing cell as "None" whatever its display text: a shown table must have none."""
    held = tables.shown(table).data
    assert not held.isna().any().any(), "a missing cell would read None in the browser"


def test_the_scores_table_leaves_epochs_out_where_there_are_none_and_shows_a_dash():
    table = tables.scores_table(toy_scores())
    pca = table[table["Method"] == METHODS[REFERENCE].label]
    autoencoders = table[table["Method"] != METHODS[REFERENCE].label]
    assert pca["Epochs"].isna().all() and (autoencoders["Epochs"] == 50).all()
    text = _rendered(table)
    assert tables.MISSING in text
    assert not any(word in text for word in ("None", "nan", "<NA>", "inf"))
    _no_missing_cell(table)


def test_the_scores_table_shows_each_methods_whole_training_time_on_every_one_of_its_rows():
    table = tables.scores_table(toy_scores())
    assert "every bottleneck size" in page_text.TIMING_NOTE
    for method, seconds in SECONDS.items():
        rows = table[table["Method"] == METHODS[method].label]
        assert len(rows) == len(SIZES) and (rows[tables.TRAINING_SECONDS] == seconds).all()


def _autoencoder(k: int, validation: bool, seconds: float) -> SimpleNamespace:
    history = {"loss": [2.0, 1.0, 0.5], "val_loss": [2.1, 1.2, 0.9] if validation else []}
    return SimpleNamespace(history_=history, n_epochs_=3, best_epoch_=3, fit_seconds_=seconds)


def test_the_training_table_shows_a_dash_without_validation_and_the_methods_training_time():
    runs = {}
    for method, validation in ((LINEAR, False), (NONLINEAR, True)):
        scores = toy_scores().query("method == @method and bottleneck in (1, 2)")
        # models that would each report a share of the time: the table must show the method's whole time
        models = {(method, k): _autoencoder(k, validation, SECONDS[method] / 2) for k in (1, 2)}
        runs[method] = SimpleNamespace(models=models, scores=scores, spec=SimpleNamespace(train_seed=0))
    table = tables.training_table(runs)
    linear = table[table["Method"] == METHODS[LINEAR].label]
    nonlinear = table[table["Method"] == METHODS[NONLINEAR].label]
    assert linear["Best validation loss"].isna().all()
    assert (nonlinear["Best validation loss"] == 0.9).all()
    for method, rows in ((LINEAR, linear), (NONLINEAR, nonlinear)):
        assert (rows[tables.TRAINING_SECONDS] == SECONDS[method]).all()
    text = _rendered(table)
    assert tables.MISSING in text and "None" not in text and "nan" not in text
    _no_missing_cell(table)


def _prepared(labels: np.ndarray | None, label_name: str = "digit", scaling: str = "unit"):
    X = np.random.default_rng(0).random((20, 4)).astype("float32") * 10
    kind = None if labels is None else "categorical"
    return prepare(Dataset("toy", X, labels, ("a", "b", "c", "d"), "", scaling, kind, label_name), seed=0)


def test_the_worst_samples_name_the_label_column_by_the_datasets_label_name():
    data = _prepared(np.arange(20) % 2)
    errors = {REFERENCE: np.arange(len(data.test_index), dtype=float)}
    worst = tables.worst_samples(errors, data, 2)
    assert "digit" in worst.columns and "Label" not in worst.columns
    assert list(worst["Sample"]) == list(data.test_index[::-1][:2])


def test_the_worst_samples_of_unlabelled_data_have_no_label_column():
    data = _prepared(None)
    worst = tables.worst_samples({REFERENCE: np.ones(len(data.test_index))}, data, 2)
    assert list(worst.columns) == ["method", "Method", "Sample", "MSE", "position"]


def test_a_selected_sample_is_shown_with_each_methods_reconstruction_in_the_datas_units():
    data = _prepared(None, scaling="standardize")
    sample = int(data.test_index[3])
    reconstructed = {m: data.X_test + i for i, m in enumerate((REFERENCE, LINEAR), 1)}
    table = tables.sample_reconstructions(data, reconstructed, sample)
    assert list(table.index) == ["Original", METHODS[REFERENCE].label, METHODS[LINEAR].label]
    assert list(table.columns) == ["a", "b", "c", "d"]
    assert np.allclose(table.loc["Original"], data.dataset.X[sample], atol=1e-5)
    assert np.allclose(table.loc[METHODS[LINEAR].label], data.to_original_units(data.X_test + 2)[3], atol=1e-4)


def test_with_repeats_the_scores_table_keeps_means_and_spreads_as_numbers_and_names_the_deterministic_method():
    table = tables.scores_table(repeated())
    for column in ("Repeats", "Test MSE", "Test MSE sd", "Test R²", "Test R² sd", "Train MSE", "Epochs",
                   tables.TRAINING_SECONDS):
        assert pd.api.types.is_numeric_dtype(table[column]), f"{column} sorts as numbers"
    linear = table[table["Method"] == METHODS[LINEAR].label].set_index("Bottleneck")
    factors = 1 + 0.01 * np.arange(5)
    reference = toy_scores().query("method == @LINEAR and split == 'test'").set_index("bottleneck")["mse"]
    np.testing.assert_allclose(linear["Test MSE"], reference * factors.mean())
    np.testing.assert_allclose(linear["Test MSE sd"], reference * np.std(factors, ddof=1))
    assert (linear["Repeats"] == 5).all() and (linear["Epochs"] == 50).all(), "epochs: the mean over repeats"
    pca = table[table["Method"] == METHODS[REFERENCE].label]
    assert (pca["Repeats"] == 1).all() and (pca["Test MSE sd"] == 0).all()
    text = tables.shown_scores(table).to_string()
    assert f"{METHODS[REFERENCE].label} ({tables.DETERMINISTIC})" in text and " ± " not in text
    assert tables.fitted_once(repeated()) == [REFERENCE]


def _run(method: str, settings: dict, scores: pd.DataFrame) -> SimpleNamespace:
    return SimpleNamespace(spec=run_spec(load_dataset("iris"), method, [1, 2], settings=settings), scores=scores)


def test_the_scores_download_has_a_column_per_changed_setting_with_each_methods_value():
    scores = toy_scores()
    runs = {method: _run(method, settings, scores[scores["method"] == method]) for method, settings in
            ((REFERENCE, {}), (LINEAR, {"epochs": 7}), (NONLINEAR, {"hidden_layer_sizes": (16, 4)}))}
    frame = tables.scores_download(runs)
    epochs, layers = "setting_epochs", "setting_hidden_layer_sizes"
    assert list(frame.columns) == [*scores.columns, epochs, layers]
    pd.testing.assert_series_equal(frame["epochs"], scores["epochs"], check_index=False)  # the epochs run, kept
    by_method = frame.groupby("method")[[epochs, layers]].first()
    assert by_method.loc[LINEAR, epochs] == "7" and by_method.loc[NONLINEAR, layers] == "16, 4"
    default_epochs = next(s for s in METHODS[NONLINEAR].settings if s.name == "epochs").default
    assert by_method.loc[NONLINEAR, epochs] == str(default_epochs), "its own value where it has the setting"
    assert by_method.loc[REFERENCE, epochs] == "" and by_method.loc[REFERENCE, layers] == "", "PCA has neither"
    assert list(tables.scores_download({REFERENCE: runs[REFERENCE]}).columns) == list(scores.columns)


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
    by_size = chart_data.sample_at_every_size(runs, data, sample)
    original = data.X_test[4]
    np.testing.assert_allclose(by_size[LINEAR][2], original + 2)
    rows, titles = chart_data.size_gallery(data, by_size, sample)
    assert titles == ["original", "k = 1", "k = 2", "k = 3"] and rows[REFERENCE].shape == (4, data.n_features)
    table = tables.size_table(data, by_size, sample)
    assert list(table["Method"]) == ["Original"] + [METHODS[REFERENCE].label] * 3 + [METHODS[LINEAR].label] * 3
    np.testing.assert_allclose(table.iloc[0][list(data.dataset.feature_names)].astype(float), data.dataset.X[sample])
    assert table.iloc[2]["MSE"] == pytest.approx(4.0), "k = 2 is off by 2 in every value"
    _no_missing_cell(table)
