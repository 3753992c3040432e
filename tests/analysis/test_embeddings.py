"""Codes of any bottleneck shown in a plane: the codes themselves up to 2, else their two leading principal axes."""
from __future__ import annotations

import numpy as np
from scipy.spatial.distance import pdist
from scipy.stats import ortho_group

from pipelines import load_dataset, make_reducer, prepare
from pipelines.analysis.embeddings import planar_codes, planar_frame, plane_axis_names

RNG = np.random.default_rng(0)


def _in_a_plane(n: int, k: int) -> np.ndarray:
    """`n` points of a tilted, shifted 2-D plane inside k dimensions, spread more along one axis than the other."""
    flat = RNG.normal(size=(n, 2)) * [3.0, 1.0]
    rotation = ortho_group.rvs(k, random_state=1)[:2]
    return flat @ rotation + RNG.normal(size=k)


def test_codes_on_a_plane_keep_every_distance_when_more_than_two_are_reduced():
    train, test = _in_a_plane(200, 8), _in_a_plane(30, 8)
    points = planar_codes(train, test)
    assert points.shape == (30, 2)
    assert np.allclose(pdist(points), pdist(test), atol=1e-6)


def test_the_first_axis_is_the_training_codes_direction_of_largest_variance():
    train = _in_a_plane(300, 5)
    points = planar_codes(train, train)
    assert np.var(points[:, 0]) > np.var(points[:, 1])
    assert abs(np.corrcoef(points.T)[0, 1]) < 1e-6


def test_the_axes_are_fitted_on_the_training_codes_not_the_shown_ones():
    train = np.column_stack([RNG.normal(size=200) * 5, RNG.normal(size=200), np.zeros(200)])
    test = np.column_stack([np.zeros(40), np.zeros(40), RNG.normal(size=40) * 9])
    points = planar_codes(train, test)
    assert np.allclose(points, points[0]), "spread only along a direction the training codes never used"


def test_two_codes_are_shown_as_they_are_and_one_code_against_zero():
    codes = RNG.normal(size=(10, 2))
    assert np.array_equal(planar_codes(codes, codes), codes)
    single = RNG.normal(size=(10, 1))
    points = planar_codes(single, single)
    assert np.array_equal(points[:, 0], single[:, 0]) and not points[:, 1].any()


def test_axis_names_say_what_each_axis_is():
    assert plane_axis_names(8) == ("PC 1 of the 8 codes", "PC 2 of the 8 codes")
    assert plane_axis_names(2) == ("code 1", "code 2")
    first, second = plane_axis_names(1)
    assert first == "code 1" and "1 code" in second


def test_planar_frame_holds_every_methods_held_out_points():
    data = prepare(load_dataset("iris"))
    models = {name: make_reducer("pca", 3).fit(data.X_train) for name in ("a", "b")}
    frame = planar_frame(models, data)
    assert list(frame.columns) == ["method", "index", "z1", "z2", "label"]
    assert len(frame) == 2 * len(data.test_index)
    rows = frame[frame["method"] == "a"]
    assert list(rows["index"]) == list(data.test_index) and list(rows["label"]) == list(data.y_test)
    codes = models["a"].transform(data.X_test)
    assert np.allclose(pdist(rows[["z1", "z2"]]), pdist(codes[:, :2]), atol=1e-4), "PCA codes are already ordered"
