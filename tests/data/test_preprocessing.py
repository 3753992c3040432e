"""The split is seeded and stratified; scaling is fitted on training rows only."""
import numpy as np
import pytest

from pipelines import InputError, load_dataset, prepare


def test_split_is_stratified_and_seeded():
    digits = load_dataset("digits")
    first, again, other = prepare(digits, 0.2, 0), prepare(digits, 0.2, 0), prepare(digits, 0.2, 1)
    assert np.array_equal(first.test_index, again.test_index)
    assert not np.array_equal(first.test_index, other.test_index)
    assert len(first.test_index) == int(np.ceil(0.2 * 1797))
    _, test_counts = np.unique(first.y_test, return_counts=True)
    _, all_counts = np.unique(digits.y, return_counts=True)
    assert np.all(np.abs(test_counts - 0.2 * all_counts) <= 1), "each class keeps its share in the test split"
    assert set(first.train_index).isdisjoint(first.test_index)


def test_standardisation_uses_training_rows_only():
    data = prepare(load_dataset("wine"), 0.3, 0)
    assert np.allclose(data.X_train.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(data.X_train.std(axis=0), 1, atol=1e-4)
    assert not np.allclose(data.X_test.mean(axis=0), 0, atol=1e-3)
    original = load_dataset("wine").X[data.test_index]
    assert np.allclose(data.to_original_units(data.X_test), original, rtol=1e-4, atol=1e-3)


def test_unit_range_images_are_not_rescaled():
    data = prepare(load_dataset("digits"))
    assert data.scaler is None and data.X_train.max() == 1.0


@pytest.mark.parametrize("test_size", [0, 1, -0.1, 1.5])
def test_test_fraction_outside_zero_one_is_refused(test_size):
    with pytest.raises(InputError, match="between 0 and 1"):
        prepare(load_dataset("iris"), test_size)


def test_negative_seed_is_refused():
    with pytest.raises(InputError, match="seed"):
        prepare(load_dataset("iris"), 0.2, -1)


def test_max_bottleneck_is_below_the_feature_count():
    assert prepare(load_dataset("iris")).max_bottleneck == 3
    assert prepare(load_dataset("digits")).max_bottleneck == 63
