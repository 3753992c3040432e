"""Built-in datasets load offline with the promised shapes, types and scaling."""
import socket

import numpy as np
import pytest

from pipelines import DATASETS, InputError, load_dataset

EXPECTED_SHAPES = {"digits": (1797, 64), "mnist-5k": (5000, 784), "faces": (200, 625), "swiss-roll": (2000, 3),
                   "s-curve": (2000, 3), "iris": (150, 4), "wine": (178, 13), "breast-cancer": (569, 30)}


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("a dataset tried to use the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_registry_lists_every_promised_dataset():
    assert set(EXPECTED_SHAPES) <= set(DATASETS)
    assert all(info.description for info in DATASETS.values())


@pytest.mark.parametrize("name", list(EXPECTED_SHAPES))
def test_dataset_loads_offline_with_its_shape(name, no_network):
    dataset = load_dataset(name)
    assert dataset.X.shape == EXPECTED_SHAPES[name]
    assert dataset.X.dtype == np.float32
    assert np.isfinite(dataset.X).all()
    assert len(dataset.feature_names) == dataset.X.shape[1]
    assert dataset.y is not None and len(dataset.y) == len(dataset.X)
    if dataset.scaling == "unit":
        assert dataset.X.min() >= 0 and dataset.X.max() <= 1
    if dataset.image_shape is not None:
        assert np.prod(dataset.image_shape) == dataset.X.shape[1]


def test_images_use_the_whole_unit_range():
    assert load_dataset("digits").X.max() == 1.0
    assert load_dataset("mnist-5k").X.max() == 1.0


def test_manifolds_colour_by_position_along_the_sheet():
    roll = load_dataset("swiss-roll")
    assert roll.label_kind == "continuous" and roll.label_name == "t"
    assert roll.scaling == "standardize"
    assert np.array_equal(roll.X, load_dataset("swiss-roll").X), "the data must not change between loads"


def test_faces_are_half_faces_half_not():
    labels, counts = np.unique(load_dataset("faces").y, return_counts=True)
    assert list(labels) == ["face", "non-face"] and list(counts) == [100, 100]


def test_unknown_dataset_is_refused_with_the_choices():
    with pytest.raises(InputError, match="digits"):
        load_dataset("imagenet")
