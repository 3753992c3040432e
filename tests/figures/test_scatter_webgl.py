"""Figures of per-sample points switch from SVG to WebGL past one threshold, and keep their legends and rings."""
import numpy as np
import pandas as pd
import pytest

from pipelines import figures
from pipelines.analysis.latent import DecodedPlane
from pipelines.figures import latent
from pipelines.figures.points import WEBGL_POINTS

SIZES = {"svg": (WEBGL_POINTS, "scatter"), "webgl": (WEBGL_POINTS + 1, "scattergl")}


def _codes(n: int, labels: np.ndarray) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"method": "pca", "index": np.arange(n) * 3, "z1": rng.normal(size=n),
                         "z2": rng.normal(size=n), "label": labels})


@pytest.mark.parametrize("size", SIZES)
def test_an_embedding_draws_every_class_and_the_selected_ring_with_one_trace_type(size):
    n, expected = SIZES[size]
    codes = _codes(n, np.array(["coat", "bag", "shirt"])[np.arange(n) % 3])
    chart = figures.embedding(codes, "pca", label_name="kind", label_kind="categorical",
                              highlight=int(codes["index"][7]), show_legend=False)
    assert [t.type for t in chart.data] == [expected] * 4
    ring = chart.data[-1]
    assert ring.marker.symbol == "circle-open" and list(ring.customdata[:, 0]) == [codes["index"][7]]
    assert sum(len(t.x) for t in chart.data[:3]) == n
    legend = figures.embedding_legend(codes["label"], label_name="kind", label_kind="categorical")
    assert {t.name: t.marker.color for t in legend.data} == {t.name: t.marker.color for t in chart.data[:3]}


@pytest.mark.parametrize("size", SIZES)
def test_a_continuous_label_keeps_its_colour_bar_in_either_trace_type(size):
    n, expected = SIZES[size]
    codes = _codes(n, np.linspace(-1.0, 2.0, n))
    (points,) = figures.embedding(codes, "pca", label_name="t", label_kind="continuous").data
    assert points.type == expected
    assert points.marker.showscale and points.marker.colorbar.title.text == "t" and len(points.marker.color) == n
    (hidden,) = figures.embedding(codes, "pca", label_name="t", label_kind="continuous", show_legend=False).data
    assert hidden.marker.showscale is False


@pytest.mark.parametrize("size", SIZES)
def test_test_codes_over_a_decoded_plane_and_generated_projections_switch_at_the_same_threshold(size):
    n, expected = SIZES[size]
    axis = np.linspace(-1.0, 1.0, 3)
    plane = DecodedPlane(axis, axis, np.zeros((3, 3, 4)))
    codes = np.random.default_rng(1).uniform(-1, 1, size=(n, 2))
    mosaic = latent.plane_mosaic(plane, (2, 2), "pca", codes=codes)
    assert [t.type for t in mosaic.data] == ["image", expected]
    generated = latent.generated_projection(codes[:-10], {"pca": codes[-10:], "vae": codes[-10:]},
                                            axis_names=("a", "b"))
    assert {t.type for t in generated.data} == {expected}
    assert [t.showlegend for t in generated.data if t.name == "test samples"] == [True, False]
