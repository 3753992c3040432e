"""Plain-data helpers of the dashboard (no Streamlit involved)."""
import pandas as pd

from dashboard.summaries import method_labels, newest_runs_of_one_dataset, run_labels


def test_run_labels_name_dataset_seed_and_changed_settings_and_stay_distinct():
    runs = pd.DataFrame({
        "key": ["aaaaaa1", "bbbbbb2", "cccccc3", "dddddd4"],
        "dataset": ["digits", "digits", "digits", "iris"],
        "methods": ["pca", "nonlinear_ae", "nonlinear_ae", "pca"],
        "settings": ["pca: defaults", "nonlinear_ae: epochs=50", "nonlinear_ae: epochs=50", "pca: defaults"],
        "seed": [0, 0, 0, 3]})
    labels = run_labels(runs)
    assert labels[0] == "digits, seed 0" and labels[3] == "iris, seed 3"
    assert labels[1].startswith("digits, seed 0, epochs=50"), "a one-method run does not repeat its method"
    assert len(set(labels[1:3])) == 2, "identical-looking runs are told apart by their key"


def test_several_methods_keep_their_names_in_labels_and_display_names_are_used():
    runs = pd.DataFrame({"key": ["k1"], "dataset": ["wine"], "methods": ["pca, nonlinear_ae"],
                         "settings": ["pca: defaults; nonlinear_ae: epochs=7"], "seed": [0]})
    assert run_labels(runs) == ["wine, seed 0, nonlinear_ae: epochs=7"]
    assert method_labels("pca, nonlinear_ae") == "PCA, Nonlinear AE"


def test_the_newest_dataset_s_runs_are_compared_first():
    runs = pd.DataFrame({"key": ["a", "b", "c", "d"], "dataset": ["iris", "csv:x.csv", "iris", "iris"]})
    assert newest_runs_of_one_dataset(runs, 2) == ["a", "c"]
