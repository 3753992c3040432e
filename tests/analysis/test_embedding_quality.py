"""Trustworthiness and k-NN accuracy of test codes: every row of a small split, a seeded subsample of a large one."""
import numpy as np
import pytest
from sklearn.decomposition import PCA

from pipelines import load_dataset, prepare
from pipelines.analysis import embeddings, metrics


@pytest.fixture(scope="module")
def pca_2(digits):
    return PCA(n_components=2).fit(digits.X_train)


def test_a_split_within_the_limits_is_scored_on_every_row(digits, pca_2):
    quality = embeddings.embedding_quality(pca_2, digits)
    codes_test = pca_2.transform(digits.X_test)
    assert quality.trustworthiness == metrics.trustworthiness(digits.X_test, codes_test)
    assert quality.knn_accuracy == metrics.knn_accuracy(pca_2.transform(digits.X_train), digits.y_train, codes_test,
                                                        digits.y_test)
    assert not quality.subsampled and quality.scope == f"on all {len(digits.X_test)} test rows"
    assert quality.knn_scope == f"all {len(digits.X_train):,} training rows"


def test_above_the_limits_a_random_subsample_is_scored_and_the_same_run_gets_the_same_numbers(digits, pca_2,
                                                                                              monkeypatch):
    monkeypatch.setattr(embeddings, "QUALITY_TEST_ROWS", 100)
    monkeypatch.setattr(embeddings, "KNN_TRAINING_ROWS", 300)
    quality = embeddings.embedding_quality(pca_2, digits)
    assert quality.subsampled and quality.scope == f"on a random 100 of the {len(digits.X_test)} test rows"
    assert quality.knn_scope == f"a random 300 of the {len(digits.X_train):,} training rows"
    test = embeddings.scored_rows(len(digits.X_test), 100, digits.seed)
    train = embeddings.scored_rows(len(digits.X_train), 300, digits.seed)
    assert len(np.unique(test)) == 100 and len(np.unique(train)) == 300
    codes_test = pca_2.transform(digits.X_test[test])
    assert quality.trustworthiness == metrics.trustworthiness(digits.X_test[test], codes_test)
    assert quality.knn_accuracy == metrics.knn_accuracy(pca_2.transform(digits.X_train[train]), digits.y_train[train],
                                                        codes_test, digits.y_test[test])
    assert embeddings.embedding_quality(pca_2, digits) == quality, "the same numbers every time"
    other_split = prepare(load_dataset("digits"), 0.2, 1)
    assert not np.array_equal(embeddings.scored_rows(len(other_split.X_test), 100, other_split.seed), test)


def test_labels_that_are_not_classes_have_no_k_nn_accuracy():
    data = prepare(load_dataset("swiss-roll"), 0.2, 0)
    quality = embeddings.embedding_quality(PCA(n_components=2).fit(data.X_train), data)
    assert np.isnan(quality.knn_accuracy) and quality.reference_rows == 0 and not quality.subsampled
    assert 0.5 < quality.trustworthiness <= 1.0
