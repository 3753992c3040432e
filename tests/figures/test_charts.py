"""Figures are pure functions: each returns a Plotly Figure with the expected traces, titles and colours."""
from __future__ import annotations

import base64
import io
import re

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go
import pytest
from browser_harness import chromium
from PIL import Image

from pipelines import METHODS, figures

RNG = np.random.default_rng(0)


def _scores(train_seeds=(0,)) -> pd.DataFrame:
    """Tidy scores of every method at k = 1, 2, 4; each training seed adds its seed / 10 to the MSE."""
    rows = [{"dataset": "toy", "method": m, "bottleneck": k, "split": split, "mse": 1.0 / k + seed / 10,
             "r2": 1 - 1.0 / k - seed / 10, "fit_seconds": 0.1, "epochs": 5, "split_seed": 0, "train_seed": seed}
            for m in METHODS for k in (1, 2, 4) for split in ("train", "test") for seed in train_seeds]
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


def test_a_single_method_or_run_is_still_named_in_a_legend():
    """Plotly hides the legend of a one-line chart: PCA's curve, drawn first while autoencoders train, had no name."""
    scores = _scores()
    pca_only = scores[scores["method"] == "pca"]
    curves = figures.error_curves(pca_only, "mse", units="per feature", chosen=2)
    assert curves.layout.showlegend is True and [t.name for t in curves.data] == ["PCA"]
    overlay = figures.run_overlay(pca_only.assign(run="run 1"), "mse")
    assert overlay.layout.showlegend is True and len(overlay.data) == 1


@pytest.mark.parametrize("band", ["sd", "range"])
def test_repeats_draw_their_mean_over_a_band_named_in_the_legend(band):
    seeds = (0, 1, 5)
    figure = figures.error_curves(_scores(train_seeds=seeds), "mse", units="", band=band)
    bands, lines = figure.data[::2], figure.data[1::2]
    assert len(lines) == len(METHODS)
    offsets = np.array(seeds) / 10
    above, below = ((offsets.std(ddof=1),) * 2 if band == "sd"
                    else (offsets.max() - offsets.mean(), offsets.mean() - offsets.min()))
    for method, band_trace, line in zip(METHODS.values(), bands, lines):
        assert line.name == f"{method.label}, mean of 3" and band_trace.fill == "toself"
        assert figures.BAND_NAMES[band] in band_trace.name and "3 repeats" in band_trace.name
        np.testing.assert_allclose(line.y, 1 / np.array([1, 2, 4]) + offsets.mean())
        upper, lower = np.asarray(band_trace.y[:3]), np.asarray(band_trace.y[3:][::-1])
        np.testing.assert_allclose(upper - np.asarray(line.y), above)
        np.testing.assert_allclose(np.asarray(line.y) - lower, below)


def test_repeats_on_their_own_splits_are_one_mean_over_one_band():
    scores = _scores(train_seeds=(0, 1, 2))
    scores["split_seed"] = scores["train_seed"]  # repeated hold-out: repeat i on split i
    figure = figures.error_curves(scores, "mse", units="")
    lines = [trace for trace in figure.data if not trace.fill]
    assert len(lines) == len(METHODS) and all(list(line.x) == [1, 2, 4] for line in lines), "one point per size"
    assert sum(bool(trace.fill) for trace in figure.data) == len(METHODS)
    np.testing.assert_allclose(lines[0].y, [1.1, 0.6, 0.35])


def test_one_repeat_draws_no_band():
    figure = figures.error_curves(_scores(), "mse", units="")
    assert not any(trace.fill for trace in figure.data)


def test_error_curves_with_training_error_add_dashed_lines():
    figure = figures.error_curves(_scores(), "r2", units="", show_train=True, log_x=False)
    assert len(figure.data) == 2 * len(METHODS)
    assert {t.line.dash for t in figure.data} == {"solid", "dash"}
    assert figure.layout.xaxis.type == "linear"


def test_embedding_draws_one_trace_per_class_and_escapes_user_labels():
    figure = figures.embedding(_codes(["a", "<b>x</b>", "a", "b"]), "pca", label_name="kind",
                               label_kind="categorical")
    assert [t.name for t in figure.data] == [figures.plain("<b>x</b>"), "a", "b"]
    assert figure.layout.title.text == "PCA codes"


def test_embedding_of_continuous_labels_is_one_trace_with_a_colour_scale_and_feature_hover():
    hover = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [4.0, 5.0, 6.0]})
    figure = figures.embedding(_codes([0.1, 0.5, 0.9]), "nonlinear_ae", label_name="t", label_kind="continuous",
                               hover=hover)
    (trace,) = figure.data
    assert trace.marker.colorbar.title.text == "t"
    assert "x: 1" in trace.text[0] and "y: 4" in trace.text[0]


def _picture(figure) -> np.ndarray:
    (trace,) = figure.data
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(trace.source.split(",", 1)[1]))), dtype=float)


def test_a_greyscale_image_grid_is_one_picture_with_each_image_in_its_cell():
    rows = {"Original": RNG.random((3, 4)), "pca": RNG.random((3, 4))}
    figure = figures.image_grid(rows, (2, 2), title="Gallery", column_titles=["a", "b", "c"])
    picture, pitch = _picture(figure), 2 + figures.TILE_GAP
    assert picture.shape == (2 * pitch, 3 * pitch)
    expected = np.round(255 * (1 - rows["pca"][2].reshape(2, 2)))
    assert np.array_equal(picture[pitch:pitch + 2, 2 * pitch:2 * pitch + 2], expected)
    assert list(figure.layout.xaxis.ticktext) == ["a", "b", "c"]
    assert list(figure.layout.yaxis.ticktext) == ["Original", METHODS["pca"].label]


def test_error_histogram_and_feature_errors_use_the_method_colours():
    errors = {"pca": RNG.random(50), "nonlinear_ae": RNG.random(50)}
    histogram = figures.error_histogram(errors, units="per feature")
    assert [t.line.color for t in histogram.data] == [METHODS["pca"].color, METHODS["nonlinear_ae"].color]
    bars = figures.feature_errors({"pca": RNG.random(3)}, ["a", "b", "<i>c</i>"], units="per feature")
    assert list(bars.data[0].x) == ["a", "b", figures.plain("<i>c</i>")]


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
    figure = figures.principal_angles(angles, method="linear_ae", chosen=2)
    assert list(figure.data[0].y) == [0.5, 0.1, 0.7]
    assert list(figure.data[1].y) == [0.5, 0.7]
    loadings = figures.direction_loadings(RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)), ["a", "b", "c"])
    assert len(loadings.data) == 2 and list(loadings.data[0].y) == ["a", "b", "c"]


def test_run_overlay_gives_every_run_of_a_method_its_own_colour_and_dashes_by_run():
    runs = pd.concat([_scores().assign(run="digits, seed 0"), _scores().assign(run="<b>mine.csv</b>, seed 1")])
    figure = figures.run_overlay(runs, "r2")
    assert len(figure.data) == 2 * len(METHODS), "one line per run and method, test split only"
    assert len({t.line.color for t in figure.data}) == len(figure.data), "no two runs share a colour"
    assert all(t.marker.color == t.line.color and t.marker.symbol == METHODS[m].marker
               for t, m in zip(figure.data, [*METHODS, *METHODS]))
    assert [t.line.dash for t in figure.data[:: len(METHODS)]] == ["solid", "dash"]
    assert any(figures.plain("<b>mine.csv</b>") in t.name for t in figure.data), "user file names are shown as text"
    assert "R²" in figure.layout.yaxis.title.text


def test_reconstructed_clouds_share_ranges_that_hold_every_panel_and_name_the_axes():
    X = RNG.normal(size=(20, 3))
    far = X * 5
    clouds = figures.reconstructed_clouds(X, {"pca": far}, None, color_name="t", axis_names=("<b>a</b>", "b", "c"))
    for scene in (clouds.layout.scene, clouds.layout.scene2):
        assert scene.xaxis.range[0] <= far[:, 0].min() and scene.xaxis.range[1] >= far[:, 0].max()
    assert clouds.layout.scene.xaxis.title.text == figures.plain("<b>a</b>")


# Text Plotly would read as markup: tags, entities (decoded in 2-D titles, not in 3-D ones) and hover variables.
USER_TEXT = ["<b>x</b>", "a<br>b", "a &amp; b", "&lt;i&gt;", "<a href='https://example.com'>link</a>", "%{y}",
             "<img src=x onerror=alert(1)>", "$x$", "plain"]


@pytest.mark.parametrize("text", USER_TEXT)
def test_plain_text_reads_as_typed_and_holds_no_markup(text):
    shown = figures.plain(text)
    assert shown.replace(figures.INVISIBLE_BREAK, "") == text, "only invisible characters are added"
    assert not re.search(r"<[a-zA-Z/]", shown), "no tag"
    assert not re.search(r"&#?[a-zA-Z0-9]+;", shown), "no entity"
    assert "%{" not in shown, "no hover-template variable"


def test_3d_axis_titles_and_colour_bars_show_user_text_as_typed():
    X = RNG.normal(size=(20, 3))
    names = ("<b>x</b>", "a &amp; b", "%{y}")
    cloud = figures.point_cloud(X, X[:, 0], title="<i>mine.csv</i>", color_name="<br>t", axis_names=names)
    clouds = figures.reconstructed_clouds(X, {"pca": X}, X[:, 0], color_name="<br>t", axis_names=names)
    for scene in (cloud.layout.scene, clouds.layout.scene, clouds.layout.scene2):
        titles = (scene.xaxis.title.text, scene.yaxis.title.text, scene.zaxis.title.text)
        assert titles == tuple(figures.plain(n) for n in names)
    for figure in (cloud, clouds):
        assert figure.data[0].marker.colorbar.title.text == figures.plain("<br>t")
    assert cloud.layout.title.text == figures.plain("<i>mine.csv</i>")


def _colour_at(trace: go.Heatmap, value: float) -> tuple[float, float, float]:
    """The RGB colour `trace` paints `value` with, through its colour scale as Plotly resolves it."""
    scale = trace.colorscale  # Plotly resolves a named scale to its (position, colour) steps on assignment
    if trace.reversescale:
        scale = [(1 - position, color) for position, color in reversed(scale)]
    colors, _ = plotly.colors.convert_colors_to_same_type([color for _, color in scale], "rgb")
    steps = [[position, color] for (position, _), color in zip(scale, colors)]
    (sampled,) = plotly.colors.sample_colorscale(steps, [(value - trace.zmin) / (trace.zmax - trace.zmin)])
    return plotly.colors.unlabel_rgb(sampled)


def _assert_red_positive_blue_negative(trace: go.Heatmap) -> None:
    assert trace.zmin < 0 < trace.zmax
    red, _, blue = _colour_at(trace, trace.zmax)
    assert red > blue, f"the largest value must be red, got {(red, blue)}"
    red, _, blue = _colour_at(trace, trace.zmin)
    assert blue > red, f"the smallest value must be blue, got {(red, blue)}"


def test_diverging_images_paint_positive_red_and_negative_blue():
    rows = {"pca": RNG.normal(size=(2, 4)), "linear_ae": RNG.normal(size=(2, 4))}
    figure = figures.image_grid(rows, (2, 2), title="Directions", diverging=True)
    assert len(figure.data) == 4
    for trace in figure.data:
        _assert_red_positive_blue_negative(trace)


def test_greyscale_images_paint_the_largest_value_dark():
    values = RNG.random(4)
    picture = _picture(figures.image_grid({"Original": values[None, :]}, (2, 2), title="Gallery"))[:2, :2].ravel()
    assert picture[np.argmax(values)] < picture[np.argmin(values)]


def test_direction_loadings_paint_positive_red_and_say_so_on_one_colour_bar():
    loadings = figures.direction_loadings(RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)), ["a", "b", "c"])
    for trace in loadings.data:
        _assert_red_positive_blue_negative(trace)
    scales = [trace for trace in loadings.data if trace.showscale]
    assert len(scales) == 1, "one colour bar for both panels, which share zmin and zmax"
    assert figures.DIVERGING_LEGEND in loadings.layout.title.text
    (bar,) = scales
    labels = dict(zip(bar.colorbar.tickvals, bar.colorbar.ticktext))
    assert "red" in labels[bar.zmax] and "blue" in labels[bar.zmin], "the bar's ends name their colours"


def _history(first: float, last: float, epochs: int = 40) -> dict[str, list[float]]:
    losses = list(np.geomspace(first, last, epochs))
    return {"loss": losses, "val_loss": [v * 1.1 for v in losses]}


def test_loss_curves_spanning_decades_label_only_powers_of_ten():
    figure = figures.loss_curves({1: _history(2.0, 2e-4), 2: _history(1.0, 1e-3)}, "linear_ae")
    axis = figure.layout.yaxis
    assert axis.type == "log"
    assert axis.dtick == 1, "one labelled tick per power of ten, none on the digits between"
    assert axis.exponentformat in ("e", "E", "power")
    assert axis.tickformat is None, "a tick format would label the digits between powers again"


def test_loss_curves_without_two_powers_of_ten_label_full_values():
    figure = figures.loss_curves({1: _history(0.05, 0.02)}, "linear_ae")
    axis = figure.layout.yaxis
    assert axis.type == "log"
    assert axis.dtick != 1, "a tick per power of ten would leave this axis without labels"
    assert axis.tickformat, "every label is a full value, never a lone digit"


def test_a_log_error_axis_of_a_decade_or_two_labels_1_2_5_steps_not_lone_digits():
    scores = _scores()
    scores["mse"] = scores["mse"] * np.where(scores["bottleneck"] == 4, 0.05, 1.0)  # 0.0125 to 1.0: two decades
    axis = figures.error_curves(scores, "mse", units="", log_y=True).layout.yaxis
    assert axis.type == "log" and axis.dtick == "D2" and axis.tickformat == "~g"


def test_a_vaes_loss_terms_over_a_decade_label_more_than_two_ticks_and_keep_the_legend_below():
    terms = {k: {"reconstruction": list(np.geomspace(30.0, 8.0, 20)), "kl": list(np.geomspace(0.8, 1.5, 20))}
             for k in (1, 2, 4, 8)}
    figure = figures.loss_terms(terms, "vae", units="nats per sample, summed over the 64 features")
    assert figure.layout.yaxis.dtick == "D2", "only 1 and 10 would be labelled"
    assert figure.layout.legend.orientation == "h"
    assert all(len(line) <= 40 for line in figure.layout.yaxis.title.text.split("<br>")), "the title fits its axis"


@pytest.fixture
def render(tmp_path):
    """A function that draws a figure in headless Chromium and returns the page; under CI no Chromium fails."""
    with chromium() as browser:
        page = browser.new_page()

        def draw(figure: go.Figure):
            figure.write_html(tmp_path / "figure.html", include_plotlyjs=True)  # plotly.js from the package, offline
            page.goto((tmp_path / "figure.html").as_uri())
            page.locator(".main-svg").first.wait_for()
            return page

        yield draw


@pytest.mark.browser
@pytest.mark.slow
def test_user_text_renders_as_typed_in_legends_hovers_ticks_and_titles(render):
    names = ["<b>x</b>", "a &amp; b", "%{y}"]
    page = render(figures.embedding(_codes(["<b>x</b>", "a"]), "pca", label_name="%{y}", label_kind="categorical"))
    assert sorted(t.replace(figures.INVISIBLE_BREAK, "") for t in page.locator(".legendtext").all_text_contents()) \
        == ["<b>x</b>", "a"]
    box = page.locator(".scatterlayer .points path").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the drag layer takes hover()
    hover = page.locator(".hoverlayer").text_content().replace(figures.INVISIBLE_BREAK, "")
    assert "%{y}: " in hover, "the label name is shown, not filled in as a hover variable"
    page = render(figures.feature_errors({"pca": RNG.random(3)}, names, units="u"))
    assert [t.replace(figures.INVISIBLE_BREAK, "") for t in page.locator(".xtick text").all_text_contents()] == names
    assert page.locator("tspan[style*='bold']").count() == 0
    page = render(figures.point_cloud(RNG.normal(size=(5, 3)), None, title="<i>a</i> &amp;", color_name="t"))
    assert page.locator(".gtitle").text_content().replace(figures.INVISIBLE_BREAK, "") == "<i>a</i> &amp;"


@pytest.mark.browser
@pytest.mark.slow
def test_loss_axis_labels_read_as_powers_of_ten_or_full_values(render):
    powers = render(figures.loss_curves({1: _history(2.0, 2e-4)}, "linear_ae")).locator(".ytick text")
    labels = [t.replace("\u200b", "") for t in powers.all_text_contents()]  # Plotly spaces exponents with U+200B
    assert len(labels) >= 2 and all(re.fullmatch(r"1|10|10−?\d+", t) for t in labels), labels
    narrow = render(figures.loss_curves({1: _history(0.05, 0.02)}, "linear_ae")).locator(".ytick text")
    values = [float(t) for t in narrow.all_text_contents()]
    assert len(values) >= 2 and values == sorted(set(values)), "full values, rising up the axis"


def test_stored_runs_sharing_a_label_are_drawn_as_their_mean_over_a_band():
    scores = pd.concat([_scores(train_seeds=(0, 1, 5)).assign(run="digits"),
                        _scores().assign(run="digits · epochs=9")], ignore_index=True)
    figure = figures.run_overlay(scores, "mse")
    bands = [trace for trace in figure.data if trace.fill == "toself"]
    assert len(bands) == len(METHODS) and all("over 3 repeats" in band.name for band in bands)
    assert sum(not trace.fill for trace in figure.data) == 2 * len(METHODS)
