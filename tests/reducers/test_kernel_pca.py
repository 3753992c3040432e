"""Kernel PCA, added as one module and one registry entry: exact up to its row limit, Nyström or a subsample above
it, scikit-learn's numbers in each case, and what it shows."""
import numpy as np
import pytest
from sklearn.decomposition import PCA, KernelPCA
from sklearn.kernel_approximation import Nystroem

from pipelines import load_dataset, prepare, run
from pipelines.reducers import METHODS, FitControl, kernel_pca
from pipelines.runs.store import RunStore


def _same_up_to_sign(a: np.ndarray, b: np.ndarray, atol: float) -> None:
    signs = np.sign(np.sum(a * b, axis=0))
    np.testing.assert_allclose(a * signs, b, atol=atol)


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
    assert model.basis_.shape[0] == model.decoder_centres_.shape[0] == kernel_pca.MAX_FIT_ROWS
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


def test_within_the_row_limit_it_is_scikit_learn_s_exact_kernel_pca_under_either_approximation(digits):
    X, X_test = digits.X_train.astype(np.float64), digits.X_test.astype(np.float64)
    reference = KernelPCA(3, kernel="rbf", eigen_solver="dense").fit(X).transform(X_test)
    for approximation in kernel_pca.APPROXIMATIONS:
        codes = kernel_pca.RBFKernelPCA(3, approximation=approximation).fit(X).transform(X_test)
        _same_up_to_sign(codes, reference, atol=1e-10)


def test_above_it_nystroem_is_scikit_learn_s_nystroem_then_pca_and_subsample_is_kernel_pca_of_the_subsample(
        digits, monkeypatch):
    monkeypatch.setattr(kernel_pca, "MAX_FIT_ROWS", 300)
    X, X_test = digits.X_train.astype(np.float64), digits.X_test.astype(np.float64)
    rows = kernel_pca.fit_rows(len(X), 5)
    features = Nystroem(gamma=1 / X.shape[1], n_components=len(rows), random_state=0).fit(X[rows])
    nystroem = PCA(3, svd_solver="full").fit(features.transform(X)).transform(features.transform(X_test))
    approximated = kernel_pca.RBFKernelPCA(3, approximation="nystroem", random_state=5).fit(X)
    _same_up_to_sign(approximated.transform(X_test), nystroem, atol=1e-4)
    subsample = KernelPCA(3, kernel="rbf", eigen_solver="dense").fit(X[rows]).transform(X_test)
    exact = kernel_pca.RBFKernelPCA(3, random_state=5).fit(X)
    assert exact.approximation == "subsample", "the default"
    _same_up_to_sign(exact.transform(X_test), subsample, atol=1e-10)
    assert exact.basis_.shape == (300, X.shape[1])


@pytest.mark.parametrize("approximation", kernel_pca.APPROXIMATIONS)
def test_a_sweep_shares_one_fit_and_is_the_same_under_the_same_seed(digits, monkeypatch, approximation):
    monkeypatch.setattr(kernel_pca, "MAX_FIT_ROWS", 300)
    X = digits.X_train

    def sweep(seed: int) -> list:
        reducers = [kernel_pca.build(k, approximation=approximation, random_state=seed) for k in (1, 2, 4)]
        kernel_pca.fit_shared(reducers, X, FitControl())
        return reducers

    first, again, other = sweep(0), sweep(0), sweep(1)
    alone = kernel_pca.build(4, approximation=approximation).fit(X)
    np.testing.assert_allclose(first[2].transform(digits.X_test), alone.transform(digits.X_test), atol=1e-5)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a.inverse_transform(a.transform(digits.X_test)),
                                      b.inverse_transform(b.transform(digits.X_test)))
    np.testing.assert_allclose(first[0].transform(X), first[2].transform(X)[:, :1], atol=1e-6)
    assert not np.array_equal(first[2].basis_, other[2].basis_), "another seed, other basis rows"
    assert not np.array_equal(np.abs(first[2].transform(X)), np.abs(other[2].transform(X)))
    assert not METHODS["kernel_pca"].deterministic(len(X)) and METHODS["kernel_pca"].deterministic(300)
