"""The latent-space explorer's arrays and figures: grids over code planes, interpolations, shifted codes and
generated samples."""
from __future__ import annotations

import numpy as np
import pytest

from pipelines import make_reducer
from pipelines.analysis import latent
from pipelines.figures import TILE_GAP
from pipelines.figures import latent as latent_figures


@pytest.fixture(scope="module")
def pca_2(digits):
    return make_reducer("pca", 2).fit(digits.X_train)


@pytest.fixture(scope="module")
def vae_2(digits):
    return make_reducer("vae", 2, epochs=2, hidden_layer_sizes=(16,)).fit(digits.X_train)


def test_a_decoded_plane_spans_the_bulk_of_the_codes_and_decodes_every_grid_point(digits, pca_2):
    codes = pca_2.transform(digits.X_test)
    plane = latent.decoded_plane(pca_2, codes, steps=7)
    assert plane.decoded.shape == (7, 7, digits.n_features)
    low, high = np.percentile(codes, latent.GRID_PERCENTILES, axis=0)
    assert np.allclose([plane.axis_1[0], plane.axis_2[0]], low) and np.allclose([plane.axis_1[-1], plane.axis_2[-1]],
                                                                                 high)
    i, j = 5, 2  # row i follows code 2, column j code 1
    assert np.allclose(plane.decoded[i, j], pca_2.inverse_transform([[plane.axis_1[j], plane.axis_2[i]]])[0])


def test_a_plane_needs_a_model_with_two_codes(digits):
    three = make_reducer("pca", 3).fit(digits.X_train)
    with pytest.raises(ValueError, match="2 codes"):
        latent.decoded_plane(three, three.transform(digits.X_test))


@pytest.mark.parametrize("method", ["pca", "kernel_pca", "vae"])
def test_an_interpolation_starts_and_ends_at_the_two_samples_reconstructions(digits, pca_2, vae_2, method):
    reducer = {"pca": pca_2, "vae": vae_2}.get(method) or make_reducer(method, 2).fit(digits.X_train[:300])
    a, b = digits.X_test[0], digits.X_test[1]
    path = latent.interpolation(reducer, a, b, steps=6)
    assert path.shape == (6, digits.n_features)
    codes = reducer.transform(np.vstack([a, b])).astype(np.float64)
    assert np.allclose(path[[0, -1]], reducer.inverse_transform(codes), atol=1e-5)
    assert not np.allclose(path[0], path[-1])


def test_a_linear_decoders_interpolation_is_the_straight_line_between_the_reconstructions(digits, pca_2):
    path = latent.interpolation(pca_2, digits.X_test[0], digits.X_test[1], steps=5)
    assert np.allclose(path[2], (path[0] + path[-1]) / 2)


def test_the_blend_mixes_the_two_samples_themselves(digits):
    a, b = digits.X_test[0], digits.X_test[1]
    mixed = latent.blend(a, b, steps=3)
    assert np.allclose(mixed[0], a) and np.allclose(mixed[-1], b) and np.allclose(mixed[1], (a + b) / 2)


def test_shifting_codes_moves_each_code_by_its_spread_and_no_shift_reconstructs(digits, pca_2):
    x = digits.X_test[3]
    spread = latent.code_spread(pca_2, digits.X_train)
    assert np.allclose(spread, pca_2.transform(digits.X_train).std(axis=0))
    assert np.allclose(latent.shifted(pca_2, x, [0.0, 0.0], spread), pca_2.inverse_transform(pca_2.transform([x]))[0])
    moved = latent.shifted(pca_2, x, [1.5], spread)
    assert np.allclose(pca_2.transform([moved])[0] - pca_2.transform([x])[0], [1.5 * spread[0], 0.0], atol=1e-4)


def test_an_axis_sweep_varies_one_code_at_a_time_and_pcas_lines_are_straight(digits, pca_2):
    codes = pca_2.transform(digits.X_test)
    sweep = latent.axis_sweep(pca_2, codes, steps=9)
    assert sweep.values.shape == (2, 9) and sweep.decoded.shape == (2, 9, digits.n_features)
    along_first = pca_2.transform(sweep.decoded[0])
    assert np.allclose(along_first[:, 1], np.median(codes[:, 1]), atol=1e-4)
    assert np.allclose(np.diff(sweep.decoded[0], n=2, axis=0), 0, atol=1e-6)


def test_vae_samples_come_from_its_prior_and_repeat_with_their_seed(digits, vae_2):
    first = latent.draws("vae", vae_2, digits.X_train, 5, seed=3)
    assert first.source == latent.PRIOR_SOURCE and first.samples.shape == (5, digits.n_features)
    assert np.array_equal(first.samples, latent.draws("vae", vae_2, digits.X_train, 5, seed=3).samples)
    assert not np.allclose(first.samples, latent.draws("vae", vae_2, digits.X_train, 5, seed=4).samples)


def test_other_methods_sample_a_gaussian_fitted_to_their_training_codes(digits, pca_2):
    drawn = latent.draws("pca", pca_2, digits.X_train, 4000, seed=0)
    assert drawn.source == latent.FITTED_SOURCE
    codes, training = pca_2.transform(drawn.samples), pca_2.transform(digits.X_train)
    assert np.allclose(codes.mean(axis=0), training.mean(axis=0), atol=0.1 * training.std(axis=0).max())
    assert np.allclose(np.cov(codes, rowvar=False), np.cov(training, rowvar=False), rtol=0.15, atol=0.05)
    # PCA's samples lie in its own 2-D affine subspace: decoding their codes gives them back
    assert np.allclose(pca_2.inverse_transform(codes), drawn.samples, atol=1e-5)
    assert np.array_equal(drawn.samples[:3], latent.draws("pca", pca_2, digits.X_train, 4000, seed=0).samples[:3])


def test_decoded_frames_have_a_row_per_decoded_sample_with_each_methods_own_index():
    frame = latent.decoded_frame({"pca": np.zeros((2, 3, 4)), "vae": np.ones((6, 4))}, list("abcd"),
                                 {"pca": {"code_1": np.arange(6)}, "vae": {"code_1": np.arange(6) + 10}})
    assert list(frame.columns) == ["method", "code_1", "a", "b", "c", "d"] and len(frame) == 12
    assert frame.loc[frame["method"] == "vae", "code_1"].tolist() == list(range(10, 16))


def test_the_mosaic_puts_code_2_upwards_and_scatters_codes_on_their_tiles(digits, pca_2):
    codes = pca_2.transform(digits.X_test)
    plane = latent.decoded_plane(pca_2, codes, steps=4)
    figure = latent_figures.plane_mosaic(plane, (8, 8), "pca", codes=np.array([[plane.axis_1[0], plane.axis_2[-1]],
                                                                                [plane.axis_1[-1], plane.axis_2[0]]]))
    assert figure.data[0].type == "image" and figure.data[0].source.startswith("data:image/png")
    pitch = 8 + TILE_GAP
    assert np.allclose(figure.data[1].x, [3.5, 3 * pitch + 3.5]) and np.allclose(figure.data[1].y,
                                                                                  [3.5, 3 * pitch + 3.5])
    top_left = latent_figures._mosaic(plane, (8, 8))[:8, :8]
    assert np.allclose(top_left, plane.decoded[-1, 0].reshape(8, 8))


def test_three_d_views_draw_a_sheet_or_points_per_method_over_the_test_points():
    points = np.random.default_rng(0).normal(size=(50, 3))
    sheets = latent_figures.plane_sheets(points, {"pca": np.zeros((5, 5, 3)), "vae": np.ones((5, 5, 3))})
    assert [t.type for t in sheets.data] == ["scatter3d", "surface", "scatter3d", "surface"]
    clouds = latent_figures.generated_clouds(points, {"pca": points[:4]})
    assert clouds.data[1].x.tolist() == points[:4, 0].tolist()


class _Diverged:
    """A fitted reducer whose weights went to NaN: every code is NaN."""

    def transform(self, X):
        return np.full((len(X), 2), np.nan)

    def inverse_transform(self, codes):
        return np.full((len(codes), 64), np.nan)


def test_a_diverged_model_is_not_sampled_from_and_the_reason_says_so(digits):
    with pytest.raises(ValueError, match="not finite"):
        latent.draws("pca", _Diverged(), digits.X_train, 4, seed=0)


def test_the_3d_camera_faces_a_flat_sheet_instead_of_seeing_it_edge_on():
    rng = np.random.default_rng(0)
    u, v = rng.uniform(-1, 1, (2, 500))
    normal = np.array([1.0, -1.0, 0.2]) / np.linalg.norm([1.0, -1.0, 0.2])  # edge-on from the old (1.6, 1.6, 1.1)
    in_plane = np.linalg.svd(normal[None, :])[2][1:]
    points = np.outer(u, in_plane[0]) + np.outer(v, in_plane[1])
    eye = latent_figures.camera_facing(points, np.full(3, -1.5), np.full(3, 1.5))
    direction = np.array([eye["x"], eye["y"], eye["z"]])
    assert abs(direction @ normal) / np.linalg.norm(direction) > 0.9
