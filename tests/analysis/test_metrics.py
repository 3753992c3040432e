"""Reconstruction, embedding and subspace metrics."""
import numpy as np
import pytest

from pipelines import embedding_frame, fit_reducers, load_dataset, make_reducer, prepare
from pipelines.analysis.metrics import (
    knn_accuracy,
    per_feature_error,
    per_sample_error,
    principal_angles,
    reconstruct,
    reconstruction_scores,
    recovered_directions,
    trustworthiness,
)


def test_perfect_reconstruction_scores_zero_error_and_full_r2():
    X = np.random.default_rng(0).normal(size=(50, 4))
    assert reconstruction_scores(X, X) == {"mse": 0.0, "r2": 1.0}
    assert reconstruction_scores(X, np.zeros_like(X))["r2"] < 0.1


def test_per_sample_and_per_feature_errors_average_to_the_mse():
    rng = np.random.default_rng(1)
    X, X_hat = rng.normal(size=(30, 5)), rng.normal(size=(30, 5))
    mse = reconstruction_scores(X, X_hat)["mse"]
    assert per_sample_error(X, X_hat).shape == (30,) and per_feature_error(X, X_hat).shape == (5,)
    assert per_sample_error(X, X_hat).mean() == pytest.approx(mse)
    assert per_feature_error(X, X_hat).mean() == pytest.approx(mse)


def test_pca_codes_of_digits_are_trustworthy_and_separate_classes(digits):
    pca = make_reducer("pca", 2).fit(digits.X_train)
    codes_train, codes_test = pca.transform(digits.X_train), pca.transform(digits.X_test)
    shuffled = np.random.default_rng(0).permutation(codes_test)
    assert trustworthiness(digits.X_test, codes_test) > trustworthiness(digits.X_test, shuffled) + 0.2
    accuracy = knn_accuracy(codes_train, digits.y_train, codes_test, digits.y_test)
    assert 0.4 < accuracy < 1.0, "2-D PCA separates digits far better than chance (0.1), not perfectly"


def test_principal_angles_are_zero_for_the_same_subspace_and_ninety_for_orthogonal(digits):
    pca = make_reducer("pca", 4).fit(digits.X_train)
    assert np.allclose(principal_angles(pca, pca), 0, atol=1e-4)
    other = make_reducer("pca", 8).fit(digits.X_train)
    other.components_ = other.components_[4:]
    assert np.allclose(principal_angles(pca, other), 90, atol=1e-3)


def test_trained_linear_autoencoder_spans_the_pca_subspace(digits):
    pca = make_reducer("pca", 3).fit(digits.X_train)
    linear = make_reducer("linear_ae", 3).fit(digits.X_train)
    untrained = make_reducer("linear_ae", 3, epochs=1, learning_rate=1e-5).fit(digits.X_train)
    assert principal_angles(pca, linear).max() < 5
    assert principal_angles(pca, untrained).max() > 30
    directions = recovered_directions(linear, pca, digits.X_train)
    assert directions.shape == (3, 64)
    cosines = np.sum(directions * pca.components_, axis=1)
    assert np.all(cosines > 0.99), "ordered by captured variance and sign-matched, they are PCA's components"


def test_principal_angles_need_a_linear_decoder(digits):
    pca = make_reducer("pca", 2).fit(digits.X_train)
    deep = make_reducer("nonlinear_ae", 2, epochs=1).fit(digits.X_train)
    with pytest.raises(ValueError, match="linear decoder"):
        principal_angles(pca, deep)


def test_reconstruct_is_the_same_line_for_every_method(digits):
    for method in ("pca", "linear_ae"):
        model = make_reducer(method, 2, **({} if method == "pca" else {"epochs": 2})).fit(digits.X_train)
        assert reconstruct(model, digits.X_test).shape == digits.X_test.shape


def test_embedding_frame_holds_the_held_out_codes_of_bottleneck_two_models():
    data = prepare(load_dataset("iris"))
    models = fit_reducers(data, ["pca", "linear_ae"], [1, 2], params={"linear_ae": {"epochs": 3}})
    frame = embedding_frame(models, data)
    assert list(frame.columns) == ["method", "index", "z1", "z2", "label"]
    assert len(frame) == 2 * len(data.test_index)
    assert set(frame["index"]) == set(data.test_index)
    pca_rows = frame[frame["method"] == "pca"]
    assert np.allclose(pca_rows[["z1", "z2"]], models[("pca", 2)].transform(data.X_test))


def test_scores_in_chunks_equal_scikit_learns_on_the_whole_split():
    from sklearn.decomposition import PCA

    from pipelines.analysis.metrics import reconstruct, reconstruction_scores, scores_of

    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 6)) @ rng.normal(size=(6, 6))
    X[:, 2] = 3.0  # a feature without variance carries no weight in the variance-weighted R²
    pca = PCA(2).fit(X)
    whole = reconstruction_scores(X, reconstruct(pca, X))
    chunked = scores_of(pca, X, rows_at_once=128)
    assert chunked == pytest.approx(whole, rel=1e-10)
    assert 0 < chunked["r2"] < 1
