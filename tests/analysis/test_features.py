"""The feature spaces sample quality is measured in: a classifier's penultimate layer for labelled images, the
standardised data space for the rest."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pipelines import load_dataset, prepare
from pipelines.analysis import features


@pytest.fixture(scope="module")
def small_digits():
    """300 labelled 8×8 images: a classifier trains on them in seconds."""
    digits = load_dataset("digits")
    return prepare(dataclasses.replace(digits, X=digits.X[:300], y=digits.y[:300]), 0.2, 0)


def test_labelled_images_get_a_seeded_classifier_that_learns_and_names_its_accuracy(small_digits):
    assert features.has_classifier(small_digits)
    space = features.train_classifier(small_digits)
    assert space.test_accuracy > 0.7  # ten classes: chance is 0.1
    assert f"{space.test_accuracy:.1%} test accuracy" in space.name
    rows = space(small_digits.X_test)
    assert rows.shape == (len(small_digits.X_test), features.CLASSIFIER_RECIPE["features"]) and (rows >= 0).all()
    again = features.train_classifier(small_digits)
    assert np.allclose(again(small_digits.X_test), rows, atol=1e-5) and again.test_accuracy == space.test_accuracy


def test_data_without_image_labels_are_measured_in_their_standardised_space(iris, small_digits):
    data = prepare(iris)
    assert not features.has_classifier(data)
    assert not features.has_classifier(dataclasses.replace(small_digits, dataset=dataclasses.replace(
        small_digits.dataset, label_kind=None)))
    space = features.data_space(data)
    rows = space(data.X_train)
    assert space.name == features.DATA_SPACE
    assert np.allclose(rows.mean(axis=0), 0, atol=1e-9) and np.allclose(rows.std(axis=0), 1)
