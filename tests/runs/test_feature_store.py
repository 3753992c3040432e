"""A split's image classifier is trained once, kept in the run store like a run, and trained again only when its
stored entry is damaged."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pipelines import load_dataset, prepare
from pipelines.analysis import features
from pipelines.runs import features as feature_runs
from pipelines.runs.store import RunStore


@pytest.fixture(scope="module")
def small_digits():
    digits = load_dataset("digits")
    return prepare(dataclasses.replace(digits, X=digits.X[:300], y=digits.y[:300]), 0.2, 0)


@pytest.fixture
def counted(monkeypatch):
    """How many classifiers were trained."""
    trained = []
    train = features.train_classifier

    def counting(data):
        trained.append(data.dataset.name)
        return train(data)

    monkeypatch.setattr(features, "train_classifier", counting)
    return trained


def test_a_classifier_is_trained_once_then_loaded_from_the_store(small_digits, tmp_path, counted):
    store = RunStore(tmp_path)
    first = feature_runs.feature_space(small_digits, store)
    loaded = feature_runs.feature_space(small_digits, store)
    assert counted == ["digits"] and loaded.test_accuracy == first.test_accuracy
    assert np.allclose(loaded(small_digits.X_test), first(small_digits.X_test), atol=1e-6)
    assert store.runs().empty, "a classifier is not listed as a run"
    other_split = prepare(small_digits.dataset, 0.2, 1)
    assert feature_runs.classifier_key(other_split) != feature_runs.classifier_key(small_digits)


def test_a_damaged_classifier_is_moved_aside_and_trained_again(small_digits, tmp_path, counted):
    store = RunStore(tmp_path)
    feature_runs.feature_space(small_digits, store)
    entry = tmp_path / feature_runs.FEATURES_FOLDER / feature_runs.classifier_key(small_digits)
    (entry / "classifier.keras").write_bytes(b"not a model")
    again = feature_runs.feature_space(small_digits, store)
    assert len(counted) == 2 and again.test_accuracy > 0.7
    assert "classifier.keras does not match its checksum" in store.damaged()["reason"].tolist()


def test_data_without_a_classifier_need_no_store(iris, tmp_path):
    space = feature_runs.feature_space(prepare(iris), RunStore(tmp_path))
    assert space.name == features.DATA_SPACE and not (tmp_path / feature_runs.FEATURES_FOLDER).exists()
