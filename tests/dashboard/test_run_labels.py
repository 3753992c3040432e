"""How stored runs and methods are named, and which stored runs the Stored runs page starts with."""
import pandas as pd

from dashboard.run_labels import method_label, run_labels, runs_to_compare
from pipelines import METHODS


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


def test_combined_repeats_share_a_label_that_leaves_the_training_seed_out():
    listing = _listing(train_seed=[0, 1, 2, 0, 3], settings=["defaults"] * 5, bottlenecks=["1, 2"] * 5)
    labels = run_labels(listing, combine_repeats=True)
    assert labels[:4] == ["digits"] * 4 and labels[4] == "iris"
    assert len(set(run_labels(listing)[1:3])) == 2, "uncombined, repeats stay apart"


def test_the_sidebars_runs_are_compared_first_else_its_datasets_else_the_newest_runs_dataset():
    listing = _listing()
    assert runs_to_compare(listing, ["dddddd4", "gone", "aaaaaa1"], "i", 3) == ["dddddd4", "aaaaaa1"]
    assert runs_to_compare(listing, ["gone"], "i", 3) == ["eeeeee5"]
    assert runs_to_compare(listing, [], "d", 3) == ["aaaaaa1", "bbbbbb2", "cccccc3"]
    assert runs_to_compare(listing, [], "not stored", 2) == ["aaaaaa1", "bbbbbb2"]
    assert runs_to_compare(listing, [], None, 9) == ["aaaaaa1", "bbbbbb2", "cccccc3", "dddddd4"]


def test_methods_are_shown_by_their_display_names():
    assert [method_label(m) for m in METHODS] == [entry.label for entry in METHODS.values()]
    assert method_label("retired_method") == "retired_method"
