"""Kernel PCA, added as one module and one registry entry: subsampling above its row limit, and what it shows."""
import numpy as np

from pipelines import load_dataset, prepare, run
from pipelines.reducers import METHODS, kernel_pca
from pipelines.runs.store import RunStore


def test_above_the_row_limit_it_fits_on_a_seeded_subsample_and_says_so():
    rows = kernel_pca.fit_rows(5000, 0)
    assert len(rows) == kernel_pca.MAX_FIT_ROWS and len(set(rows)) == len(rows)
    np.testing.assert_array_equal(rows, kernel_pca.fit_rows(5000, 0))
    assert not np.array_equal(rows, kernel_pca.fit_rows(5000, 1))
    assert len(kernel_pca.fit_rows(300, 0)) == 300
    assert "2,000 of the 4,000" in METHODS["kernel_pca"].fit_note(4000)
    assert METHODS["kernel_pca"].fit_note(300) is None


def test_a_subsampled_fit_keeps_only_the_limit_of_rows():
    data = prepare(load_dataset("mnist-5k"), 0.2, 0)
    result = run(data.dataset, ["kernel_pca"], [2], params={"kernel_pca": {"alpha": 0.1}})
    model = result.models[("kernel_pca", 2)]
    assert model.X_fit_.shape[0] == kernel_pca.MAX_FIT_ROWS
    assert result.scores["mse"].notna().all()


def test_it_scores_and_round_trips_through_the_store(tmp_path):
    store = RunStore(tmp_path)
    swiss_roll = load_dataset("swiss-roll")
    first = run(swiss_roll, ["pca", "kernel_pca"], [1, 2], store=store)
    test = first.scores.query("split == 'test'").set_index(["method", "bottleneck"])["mse"]
    assert test[("kernel_pca", 2)] < test[("kernel_pca", 1)], "a second code helps it too"
    again = run(swiss_roll, ["pca", "kernel_pca"], [1, 2], store=store)
    assert again.from_store
    X = first.data.X_test
    np.testing.assert_array_equal(again.models[("kernel_pca", 2)].transform(X),
                                  first.models[("kernel_pca", 2)].transform(X))


def test_a_larger_ridge_gives_a_smoother_decoder_with_a_larger_training_error():
    data = prepare(load_dataset("wine"), 0.2, 0)
    errors = [run(data.dataset, ["kernel_pca"], [3], params={"kernel_pca": {"alpha": alpha}})
              .scores.query("split == 'train'")["mse"].item() for alpha in (1e-3, 1.0)]
    assert errors[0] < errors[1]


def test_it_appears_on_every_page_where_it_applies_and_says_when_it_subsamples(monkeypatch):
    from app_driver import figures, open_page, start

    label = METHODS["kernel_pca"].label
    app = start(monkeypatch, methods=list(METHODS))
    traces = {trace.get("name", "") for figure in figures(app) for trace in figure["data"]}
    assert label in traces
    for page in ("views/embeddings.py", "views/reconstructions.py", "views/stored_runs.py"):
        open_page(app, page)
        shown = [figure["layout"].get("title", {}).get("text", "") for figure in figures(app)]
        shown += [trace.get("name", "") for figure in figures(app) for trace in figure["data"]]
        shown += [str(option) for widget in app.multiselect for option in widget.options]
        assert any(label in text for text in shown), page
    open_page(app, "views/linear_ae_vs_pca.py")
    assert not any(label in str(element.value) for element in app.main.markdown), "its decoder is not linear"

    mnist = start(monkeypatch, dataset="mnist-5k", methods=["kernel_pca"], sweep_sizes=[2])
    assert any("2,000 of the 4,000" in caption.value.replace("\\", "") for caption in mnist.main.caption)
