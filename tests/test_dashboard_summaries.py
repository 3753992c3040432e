"""Plain-data helpers of the dashboard (no Streamlit involved)."""
import pandas as pd

from dashboard.summaries import run_labels


def test_run_labels_name_dataset_seed_and_changed_settings_and_stay_distinct():
    runs = pd.DataFrame({
        "key": ["aaaaaa1", "bbbbbb2", "cccccc3", "dddddd4"],
        "dataset": ["digits", "digits", "digits", "iris"],
        "methods": ["pca", "nonlinear_ae", "nonlinear_ae", "pca"],
        "settings": ["pca: defaults", "nonlinear_ae: epochs=50", "nonlinear_ae: epochs=50", "pca: defaults"],
        "seed": [0, 0, 0, 3]})
    labels = run_labels(runs)
    assert labels[0] == "digits, seed 0" and labels[3] == "iris, seed 3"
    assert labels[1].startswith("digits, seed 0, nonlinear_ae: epochs=50")
    assert len(set(labels[1:3])) == 2, "identical-looking runs are told apart by their key"
