"""Figures are pure functions: each returns a Plotly Figure with the expected traces, titles and colours."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from pipelines import METHODS, figures

RNG = np.random.default_rng(0)


def _scores() -> pd.DataFrame:
    rows = [{"dataset": "toy", "method": m, "bottleneck": k, "split": split, "mse": 1.0 / k, "r2": 1 - 1.0 / k,
             "fit_seconds": 0.1, "epochs": 5, "seed": 0}
            for m in METHODS for k in (1, 2, 4) for split in ("train", "test")]
    return pd.DataFrame(rows)


def _codes(labels) -> pd.DataFrame:
    return pd.DataFrame({"method": "pca", "index": np.arange(len(labels)), "z1": RNG.normal(size=len(labels)),
                         "z2": RNG.normal(size=len(labels)), "label": labels})


def test_error_curves_draw_one_line_per_method_in_its_colour_and_mark_the_bottleneck():
    figure = figures.error_curves(_scores(), "mse", units="per feature", chosen=2)
    assert isinstance(figure, go.Figure)
    assert [t.name for t in figure.data] == [m.label for m in METHODS.values()]
    assert [t.line.color for t in figure.data] == [m.color for m in METHODS.values()]
    assert figure.layout.xaxis.title.text.startswith("Bottleneck size")
    assert "per feature" in figure.layout.yaxis.title.text
    assert figure.layout.annotations[0].text == "chosen: 2"
    assert figure.layout.annotations[0].x == pytest.approx(np.log10(2))  # log axes place annotations by log10


def test_error_curves_with_training_error_add_dashed_lines():
    figure = figures.error_curves(_scores(), "r2", units="", show_train=True, log_x=False)
    assert len(figure.data) == 2 * len(METHODS)
    assert {t.line.dash for t in figure.data} == {"solid", "dash"}
    assert figure.layout.xaxis.type == "linear"


def test_embedding_draws_one_trace_per_class_and_escapes_user_labels():
    figure = figures.embedding(_codes(["a", "<b>x</b>", "a", "b"]), "pca", label_name="kind",
                               label_kind="categorical")
    assert [t.name for t in figure.data] == ["&lt;b&gt;x&lt;/b&gt;", "a", "b"]
    assert figure.layout.title.text == "PCA codes"


def test_embedding_of_continuous_labels_is_one_trace_with_a_colour_scale_and_feature_hover():
    hover = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [4.0, 5.0, 6.0]})
    figure = figures.embedding(_codes([0.1, 0.5, 0.9]), "nonlinear_ae", label_name="t", label_kind="continuous",
                               hover=hover)
    (trace,) = figure.data
    assert trace.marker.colorbar.title.text == "t"
    assert "x: 1" in trace.text[0] and "y: 4" in trace.text[0]


def test_image_grid_has_one_heatmap_per_image():
    rows = {"Original": RNG.random((3, 4)), "pca": RNG.random((3, 4))}
    figure = figures.image_grid(rows, (2, 2), title="Gallery", column_titles=["a", "b", "c"])
    assert len(figure.data) == 6 and all(isinstance(t, go.Heatmap) for t in figure.data)
    assert figure.data[0].z.shape == (2, 2)


def test_error_histogram_and_feature_errors_use_the_method_colours():
    errors = {"pca": RNG.random(50), "nonlinear_ae": RNG.random(50)}
    histogram = figures.error_histogram(errors, units="per feature")
    assert [t.line.color for t in histogram.data] == [METHODS["pca"].color, METHODS["nonlinear_ae"].color]
    bars = figures.feature_errors({"pca": RNG.random(3)}, ["a", "b", "<i>c</i>"], units="per feature")
    assert list(bars.data[0].x) == ["a", "b", "&lt;i&gt;c&lt;/i&gt;"]


def test_loss_curves_draw_training_and_validation_per_bottleneck_and_mark_the_best_epoch():
    histories = {1: {"loss": [3.0, 2.0, 1.5], "val_loss": [3.1, 2.2, 2.0]}, 2: {"loss": [2.0, 1.0], "val_loss": []}}
    figure = figures.loss_curves(histories, "nonlinear_ae", best_epochs={1: 3, 2: 2})
    names = [t.name for t in figure.data if t.showlegend is not False]
    assert names == ["k=1 training", "k=1 validation", "k=2 training"]
    stars = [t for t in figure.data if t.mode == "markers"]
    assert [(s.x[0], s.y[0]) for s in stars] == [(3, 2.0), (2, 1.0)]


def test_point_clouds_are_3d():
    X = RNG.normal(size=(20, 3))
    assert isinstance(figures.point_cloud(X, X[:, 0], title="cloud", color_name="t").data[0], go.Scatter3d)
    clouds = figures.reconstructed_clouds(X, {"pca": X, "linear_ae": X}, None, color_name="t")
    assert len(clouds.data) == 3


def test_principal_angles_and_loadings():
    angles = {1: np.array([0.5]), 2: np.array([0.1, 0.7])}
    figure = figures.principal_angles(angles, chosen=2)
    assert list(figure.data[0].y) == [0.5, 0.1, 0.7]
    assert list(figure.data[1].y) == [0.5, 0.7]
    loadings = figures.direction_loadings(RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)), ["a", "b", "c"])
    assert len(loadings.data) == 2 and list(loadings.data[0].y) == ["a", "b", "c"]


def test_run_overlay_colours_by_method_and_dashes_by_run():
    runs = pd.concat([_scores().assign(run="digits, seed 0"), _scores().assign(run="<b>mine.csv</b>, seed 1")])
    figure = figures.run_overlay(runs, "r2")
    assert len(figure.data) == 2 * len(METHODS), "one line per run and method, test split only"
    assert {t.line.color for t in figure.data} == {m.color for m in METHODS.values()}
    assert [t.line.dash for t in figure.data[:: len(METHODS)]] == ["solid", "dash"]
    assert any("&lt;b&gt;mine.csv" in t.name for t in figure.data), "user file names are shown as text"
    assert "R²" in figure.layout.yaxis.title.text


def test_reconstructed_clouds_share_ranges_that_hold_every_panel_and_name_the_axes():
    X = RNG.normal(size=(20, 3))
    far = X * 5
    clouds = figures.reconstructed_clouds(X, {"pca": far}, None, color_name="t", axis_names=("<b>a</b>", "b", "c"))
    for scene in (clouds.layout.scene, clouds.layout.scene2):
        assert scene.xaxis.range[0] <= far[:, 0].min() and scene.xaxis.range[1] >= far[:, 0].max()
    assert clouds.layout.scene.xaxis.title.text == "&lt;b&gt;a&lt;/b&gt;"
