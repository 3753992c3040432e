"""Plotly figures of runs, embeddings, reconstructions and training: pure functions, one colour per method.

Every string that may come from a user (file, column or label names) goes through `plain`, because Plotly
renders a subset of HTML in titles, legends, ticks and hover labels, and fills `%{...}` in hover templates.
"""
from __future__ import annotations

import base64
import io
import math
import re
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from PIL import Image
from plotly.colors import qualitative, sample_colorscale
from plotly.subplots import make_subplots

from pipelines.embeddings import plane_axis_names
from pipelines.reducers import METHODS
from pipelines.repeats import summarise

CLASS_COLORS = qualitative.T10 + qualitative.Alphabet  # label classes; method colours come from METHODS
MAX_HOVER_FEATURES = 8  # wider rows show their first features on hover
METRIC_TITLES = {"mse": "mean squared error", "r2": "R² (explained variance)"}
NEUTRAL_COLOR = "#888888"  # points not coloured by any label or method
RUN_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]  # tell stored runs apart
RUN_COLORS = qualitative.Dark24  # one colour per line of stored runs: runs of one method never share one
# Plotly's "RdBu" runs from red at zmin to blue at zmax; reversed, red is positive as the legend says.
DIVERGING_SCALE = "RdBu_r"
DIVERGING_LEGEND = "red positive, blue negative"
# U+2060 WORD JOINER has no width and allows no line break. Put after "<", "&" and "%" it breaks every tag, entity
# and hover variable, and the text still reads as typed; escaping as &lt; does not work, because 3-D scene titles
# draw entities literally.
INVISIBLE_BREAK = "\u2060"
TILE_GAP = 1  # blank pixels after each image of a picture of images
_MARKUP_STARTS = re.compile("([<&%])")


def plain(text: object) -> str:
    """`text` as Plotly shows it literally, in 2-D and 3-D figures alike, instead of as markup."""
    return _MARKUP_STARTS.sub(r"\1" + INVISIBLE_BREAK, str(text))


def _label(method: str) -> str:
    return METHODS[method].label if method in METHODS else plain(method)


def _color(method: str) -> str:
    return METHODS[method].color if method in METHODS else NEUTRAL_COLOR


def _line(method: str, dash: str = "solid") -> dict:
    return dict(color=_color(method), width=METHODS[method].line_width if method in METHODS else 2.0, dash=dash)


def _opacity(method: str) -> float:
    return METHODS[method].opacity if method in METHODS else 1.0


def _marker(method: str) -> dict:
    """The method's marker; wide lines (a reference drawn under the others) get large markers to match."""
    entry = METHODS.get(method)
    return dict(symbol=entry.marker if entry else "circle", size=12 if entry and entry.line_width > 4 else 7)


def _mark_chosen(figure: go.Figure, chosen: int, log_x: bool) -> None:
    """A dotted vertical line at the chosen bottleneck, labelled (annotations on log axes take log10 of x)."""
    figure.add_vline(x=chosen, line=dict(color="#888888", dash="dot"))
    figure.add_annotation(x=np.log10(chosen) if log_x else chosen, y=1, yref="paper", yanchor="bottom",
                          text=f"chosen: {chosen}", showarrow=False, font=dict(color="#666666"))


def _layout(figure: go.Figure, title: str, height: float = 420, margin: dict | None = None) -> go.Figure:
    figure.update_layout(title=dict(text=plain(title), x=0.0, xanchor="left"), height=round(height),
                         margin=margin or dict(l=60, r=20, t=70, b=50), legend=dict(title_text=""))
    return figure


def _translucent(color: str, alpha: float = 0.2) -> str:
    """A "#rrggbb" colour as rgba with `alpha`, for bands under lines of that colour."""
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


BAND_NAMES = {"sd": "± 1 sd", "range": "min–max"}


def _band(figure: go.Figure, part: pd.DataFrame, metric: str, method: str, name: str, band: str,
          log_y: bool, group: str, color: str | None = None) -> None:
    """A shaded band around the mean over repeats: ± 1 standard deviation or the range of the repeats; in the
    method's colour unless `color` is given."""
    mean = part[f"{metric}_mean"].to_numpy()
    if band == "sd":
        low, high = mean - part[f"{metric}_std"].to_numpy(), mean + part[f"{metric}_std"].to_numpy()
        if log_y:  # a log axis cannot draw values at or below zero; the lowest repeat bounds the band there
            low = np.where(low > 0, low, part[f"{metric}_min"].to_numpy())
    else:
        low, high = part[f"{metric}_min"].to_numpy(), part[f"{metric}_max"].to_numpy()
    x = part["bottleneck"].to_numpy()
    figure.add_trace(go.Scatter(
        x=np.concatenate([x, x[::-1]]), y=np.concatenate([high, low[::-1]]), fill="toself", mode="lines",
        line=dict(width=0), fillcolor=_translucent(color or _color(method)), name=name, legendgroup=group,
        hoverinfo="skip"))


def error_curves(scores: pd.DataFrame, metric: str, *, units: str, chosen: int | None = None,
                 show_train: bool = False, log_x: bool = True, log_y: bool = False, band: str = "sd") -> go.Figure:
    """`metric` ("mse" or "r2") against bottleneck size, one line per method; dashed lines for training data.
    With several repeats (training seeds) a line is their mean, over a band of ± 1 standard deviation
    (`band="sd"`) or of their range (`band="range"`)."""
    figure = go.Figure()
    splits = ["test", "train"] if show_train else ["test"]
    summary = summarise(scores)
    for method, rows in summary.groupby("method", sort=False):
        for split in splits:
            part = rows[rows["split"] == split].sort_values("bottleneck")
            repeats = int(part["repeats"].max())
            name = f"{_label(method)} ({split})" if show_train else _label(method)
            if repeats > 1:
                _band(figure, part, metric, method, f"{name}: {BAND_NAMES[band]} over {repeats} repeats", band,
                      log_y and metric == "mse", group=f"{method} {split}")
                name = f"{name}, mean of {repeats}"
            figure.add_trace(go.Scatter(
                x=part["bottleneck"], y=part[f"{metric}_mean"], mode="lines+markers", name=name,
                line=_line(method, "solid" if split == "test" else "dash"), opacity=_opacity(method),
                marker=_marker(method), legendgroup=f"{method} {split}",
                hovertemplate=f"{name}, {split}<br>bottleneck %{{x}}<br>{metric.upper()} %{{y:.4g}}<extra></extra>"))
    if chosen is not None:
        _mark_chosen(figure, chosen, log_x)
    y_title = f"MSE ({units})" if metric == "mse" else METRIC_TITLES[metric] + " (1 = perfect)"
    figure.update_xaxes(title_text="Bottleneck size (number of codes)", type="log" if log_x else "linear",
                        tickvals=sorted(scores["bottleneck"].unique()))
    on_log = log_y and metric == "mse"
    figure.update_yaxes(title_text=y_title, type="log" if on_log else "linear",
                        **(_log_ticks(summary[["mse_mean", "mse_min", "mse_max"]].to_numpy().ravel())
                           if on_log else {}))
    which = "Test and training" if show_train else "Test"
    figure = _layout(figure, f"{which} {METRIC_TITLES[metric].split(' (')[0]} vs bottleneck size", height=500,
                     margin=dict(l=60, r=20, t=70, b=60))
    # Below the chart, so that many methods (and their bands) leave the plot its width.
    figure.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.3, x=0, title_text=""))
    return figure


def run_overlay(scores: pd.DataFrame, metric: str, *, log_x: bool = True) -> go.Figure:
    """Test `metric` against bottleneck size for several stored runs (column "run"): a colour per run and method,
    the method's marker, a dash per run. Runs of one method that share a "run" label (repeats under other training
    seeds) are drawn as their mean over a band of ± 1 standard deviation."""
    figure = go.Figure()
    test = scores[scores["split"] == "test"]
    dashes = {run: RUN_DASHES[i % len(RUN_DASHES)] for i, run in enumerate(test["run"].unique())}
    for i, ((run, method), rows) in enumerate(test.groupby(["run", "method"], sort=False)):
        part = summarise(rows).sort_values("bottleneck")
        name = f"{plain(run)} · {_label(method)}"
        color = RUN_COLORS[i % len(RUN_COLORS)]
        repeats = int(part["repeats"].max())
        if repeats > 1:  # runs that differ only in their training seed, combined
            _band(figure, part, metric, method, f"{name}: ± 1 sd over {repeats} repeats", "sd", False, name,
                  color=color)
            name = f"{name}, mean of {repeats}"
        figure.add_trace(go.Scatter(
            x=part["bottleneck"], y=part[f"{metric}_mean"], mode="lines+markers", name=name,
            line=dict(_line(method, dashes[run]), color=color), marker=dict(_marker(method), color=color),
            legendgroup=name,
            hovertemplate=f"{name}<br>bottleneck %{{x}}<br>{metric.upper()} %{{y:.4g}}<extra></extra>"))
    y_title = "MSE (each dataset in its own units)" if metric == "mse" else METRIC_TITLES[metric] + " (1 = perfect)"
    figure.update_xaxes(title_text="Bottleneck size (number of codes)", type="log" if log_x else "linear",
                        tickvals=sorted(test["bottleneck"].unique()))
    figure.update_yaxes(title_text=y_title)
    figure.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return _layout(figure, f"Stored runs: test {METRIC_TITLES[metric].split(' (')[0]} vs bottleneck size", height=520,
                   margin=dict(l=60, r=20, t=70, b=160))


def _hover_text(hover: pd.DataFrame | None, rows: np.ndarray) -> list[str]:
    """One line per feature value of each row, for tabular hovers."""
    if hover is None or hover.empty:
        return [""] * len(rows)
    shown = hover.iloc[rows, :MAX_HOVER_FEATURES]
    names = [plain(c) for c in shown.columns]
    more = "<br>…" if hover.shape[1] > MAX_HOVER_FEATURES else ""
    return ["<br>" + "<br>".join(f"{n}: {v:.4g}" for n, v in zip(names, values)) + more
            for values in shown.to_numpy()]


def _embedding_title(method: str, k: int) -> str:
    if k == 2:
        return f"{_label(method)} codes"
    if k == 1:
        return f"{_label(method)}: its 1 code"
    return f"{_label(method)}: its {k} codes, reduced to 2-D by PCA"


def _highlighted(codes: pd.DataFrame, sample: int, customdata: np.ndarray, text: np.ndarray,
                 template: str) -> go.Scatter:
    """A ring around test sample `sample` (empty when it is not among `codes`), clickable like the points."""
    part = (codes["index"] == sample).to_numpy()
    return go.Scatter(x=codes["z1"][part], y=codes["z2"][part], mode="markers", name=f"selected: sample {sample}",
                      text=text[part], customdata=customdata[part], hovertemplate=template,
                      marker=dict(symbol="circle-open", size=20, color="#111111", line=dict(width=3)))


def embedding(codes: pd.DataFrame, method: str, *, label_name: str, label_kind: str | None,
              hover: pd.DataFrame | None = None, bottleneck: int = 2, highlight: int | None = None,
              show_legend: bool = True) -> go.Figure:
    """Codes as 2-D points (columns index, z1, z2, label; see `embeddings.planar_codes` for a model with
    `bottleneck` codes) coloured by label, with a ring around sample `highlight`; hover shows the sample's values.
    Without `show_legend` the figure leaves its classes or colour bar to a shared `embedding_legend`."""
    figure = go.Figure()
    rows = np.arange(len(codes))
    text = np.array(_hover_text(hover, rows), dtype=object)
    name = plain(label_name)
    value = {"continuous": "%{customdata[1]:.3g}", None: ""}.get(label_kind, "%{customdata[1]}")
    template = f"sample %{{customdata[0]}}{f'<br>{name}: {value}' if value else ''}%{{text}}<extra></extra>"
    labels = codes["label"].map(plain).to_numpy() if label_kind in ("categorical", "identifier") else None
    customdata = np.column_stack([codes["index"], labels if labels is not None else codes["label"].to_numpy()])
    marker = dict(size=6, opacity=0.8, line=dict(width=0))
    if label_kind == "categorical":
        for i, value in enumerate(np.unique(codes["label"])):
            part = (codes["label"] == value).to_numpy()
            figure.add_trace(go.Scatter(
                x=codes["z1"][part], y=codes["z2"][part], mode="markers", name=plain(value), text=text[part],
                customdata=customdata[part], hovertemplate=template,
                marker=dict(marker, color=CLASS_COLORS[i % len(CLASS_COLORS)])))
    else:
        color = dict(color=codes["label"], colorscale="Viridis", colorbar=dict(title=dict(text=name)),
                     showscale=show_legend) if label_kind == "continuous" else dict(color=_color(method))
        figure.add_trace(go.Scatter(
            x=codes["z1"], y=codes["z2"], mode="markers", name=_label(method), text=text,
            customdata=customdata, hovertemplate=template, marker=dict(marker, **color)))
    if highlight is not None:
        figure.add_trace(_highlighted(codes, highlight, customdata, text, template))
    x_name, y_name = plane_axis_names(bottleneck)
    figure.update_xaxes(title_text=x_name)
    figure.update_yaxes(title_text=y_name)
    figure.update_layout(legend=dict(orientation="h", y=-0.2), clickmode="event+select", showlegend=show_legend)
    return _layout(figure, _embedding_title(method, bottleneck), height=460 if show_legend else 400,
                   margin=None if show_legend else dict(l=50, r=10, t=60, b=45))


def embedding_legend(labels: pd.Series, *, label_name: str, label_kind: str | None) -> go.Figure | None:
    """One legend for a grid of `embedding` figures drawn without theirs: the classes in the colours those figures
    give them, or the colour bar of a continuous label; None when the points are not coloured by a label."""
    name = plain(label_name)
    if label_kind == "categorical":
        figure = go.Figure([go.Scatter(x=[None], y=[None], mode="markers", name=plain(value),
                                       marker=dict(size=10, color=CLASS_COLORS[i % len(CLASS_COLORS)]))
                            for i, value in enumerate(np.unique(labels))])
        figure.update_layout(legend=dict(orientation="h", x=0, y=0.5, yanchor="middle", title=dict(
            text=f"{name}:", side="left"), font=dict(size=14)), height=50 + 30 * math.ceil(len(figure.data) / 12))
    elif label_kind == "continuous":
        figure = go.Figure(go.Scatter(x=[None], y=[None], mode="markers", showlegend=False, marker=dict(
            color=[labels.min(), labels.max()], colorscale="Viridis", cmin=labels.min(), cmax=labels.max(),
            showscale=True, colorbar=dict(orientation="h", title=dict(text=name, side="top"), thickness=14,
                                          x=0, xanchor="left", y=0.5, yanchor="middle", len=0.6))))
        figure.update_layout(height=80)
    else:
        return None
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.update_layout(margin=dict(l=0, r=0, t=0, b=0), plot_bgcolor="rgba(0,0,0,0)")
    return figure


def _cloud_marker(color: np.ndarray | None, color_name: str, size: float, show_scale: bool = True) -> dict:
    if color is None:
        return dict(size=size, color=NEUTRAL_COLOR)
    return dict(size=size, color=color, colorscale="Viridis", showscale=show_scale,
                colorbar=dict(title=dict(text=plain(color_name))))


def point_cloud(X: np.ndarray, color: np.ndarray | None, *, title: str, color_name: str,
                axis_names: Sequence[str] = ("x", "y", "z")) -> go.Figure:
    """A 3-D scatter of `X` (n, 3), coloured by a continuous value such as the position along a manifold."""
    figure = go.Figure(go.Scatter3d(
        x=X[:, 0], y=X[:, 1], z=X[:, 2], mode="markers", marker=_cloud_marker(color, color_name, 2.5),
        hovertemplate="x %{x:.2f}, y %{y:.2f}, z %{z:.2f}<extra></extra>"))
    names = [plain(n) for n in axis_names]
    figure.update_scenes(xaxis_title_text=names[0], yaxis_title_text=names[1], zaxis_title_text=names[2])
    return _layout(figure, title, height=480)


def reconstructed_clouds(original: np.ndarray, reconstructions: Mapping[str, np.ndarray], color: np.ndarray | None,
                         *, color_name: str, axis_names: Sequence[str] = ("x", "y", "z")) -> go.Figure:
    """The original 3-D points next to each method's reconstruction, two panels a row, on shared axes."""
    panels = {"Original": original, **{_label(m): X for m, X in reconstructions.items()}}
    n_rows = (len(panels) + 1) // 2
    figure = make_subplots(rows=n_rows, cols=2, specs=[[{"type": "scene"}] * 2] * n_rows,
                           subplot_titles=list(panels), horizontal_spacing=0.02, vertical_spacing=0.05)
    for i, X in enumerate(panels.values()):
        figure.add_trace(go.Scatter3d(
            x=X[:, 0], y=X[:, 1], z=X[:, 2], mode="markers", showlegend=False,
            marker=_cloud_marker(color, color_name, 2.5, show_scale=i == 0),
            hovertemplate="x %{x:.2f}, y %{y:.2f}, z %{z:.2f}<extra></extra>"), row=i // 2 + 1, col=i % 2 + 1)
    everything = np.vstack(list(panels.values()))  # shared ranges, so no reconstruction falls off its panel
    low, high = everything.min(axis=0), everything.max(axis=0)
    names = [plain(n) for n in axis_names]
    figure.update_scenes(xaxis_range=[low[0], high[0]], yaxis_range=[low[1], high[1]], zaxis_range=[low[2], high[2]],
                         xaxis_title_text=names[0], yaxis_title_text=names[1], zaxis_title_text=names[2],
                         aspectmode="cube", camera_eye=dict(x=1.6, y=1.6, z=1.1))
    return _layout(figure, "Test points and their reconstructions (original units)", height=60 + 420 * n_rows)


def png_source(pixels: np.ndarray) -> str:
    """A greyscale image (values in [0, 1], 1 drawn black) as a PNG data URI for a Plotly image trace."""
    buffer = io.BytesIO()
    Image.fromarray(np.round(255 * (1.0 - np.clip(pixels, 0.0, 1.0))).astype(np.uint8)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _image_picture(rows: Mapping[str, np.ndarray], image_shape: tuple[int, int], *, title: str,
                   column_titles: Sequence[str] | None, cell: int) -> go.Figure:
    """Images in a table drawn as one picture (one trace, so it redraws fast): a row per entry of `rows` (its
    images flattened), labelled with the method or the name, columns titled on top."""
    (height, width), n_cols = image_shape, max(len(images) for images in rows.values())
    canvas = np.zeros((len(rows) * (height + TILE_GAP), n_cols * (width + TILE_GAP)))
    for r, images in enumerate(rows.values()):
        for c, image in enumerate(images):
            top, left = r * (height + TILE_GAP), c * (width + TILE_GAP)
            canvas[top:top + height, left:left + width] = np.asarray(image).reshape(image_shape)
    figure = go.Figure(go.Image(source=png_source(canvas), hoverinfo="skip"))
    figure.update_xaxes(side="top", showgrid=False, zeroline=False, range=[-0.5, canvas.shape[1] - 0.5],
                        tickvals=[c * (width + TILE_GAP) + (width - 1) / 2 for c in range(n_cols)],
                        ticktext=[plain(t) for t in (column_titles or [""] * n_cols)])
    figure.update_yaxes(showgrid=False, zeroline=False, range=[canvas.shape[0] - 0.5, -0.5], scaleanchor="x",
                        tickvals=[r * (height + TILE_GAP) + (height - 1) / 2 for r in range(len(rows))],
                        ticktext=[_label(name) if name in METHODS else plain(name) for name in rows])
    figure.update_layout(width=max(140 + cell * n_cols, 480))
    return _layout(figure, title, height=110 + cell * height / width * len(rows), margin=dict(l=110, r=10, t=90, b=10))


def image_grid(rows: Mapping[str, np.ndarray], image_shape: tuple[int, int], *, title: str,
               column_titles: Sequence[str] | None = None, diverging: bool = False, cell: int = 96) -> go.Figure:
    """Images in a grid: one row per entry of `rows` (n images each, flattened), greyscale or diverging.
    Greyscale grids are drawn as one picture, which builds and redraws many times faster than a heatmap per image;
    diverging ones keep a heatmap per image, each scaled to its own largest magnitude."""
    if not diverging:
        return _image_picture(rows, image_shape, title=title, column_titles=column_titles, cell=cell)
    n_cols = max(len(images) for images in rows.values())
    titles = [""] * (len(rows) * n_cols)
    titles[:n_cols] = [plain(t) for t in (column_titles or [""] * n_cols)]
    figure = make_subplots(rows=len(rows), cols=n_cols, subplot_titles=titles, horizontal_spacing=0.015,
                           vertical_spacing=0.03 if column_titles is None else 0.06)
    for r, images in enumerate(rows.values(), 1):
        for c, image in enumerate(images, 1):
            pixels = np.asarray(image, dtype=float).reshape(image_shape)
            limit = float(np.abs(pixels).max()) or 1.0
            figure.add_trace(go.Heatmap(
                z=pixels, showscale=False, colorscale=DIVERGING_SCALE if diverging else "gray_r",
                zmin=-limit if diverging else 0.0, zmax=limit if diverging else 1.0,
                hovertemplate="row %{y}, column %{x}: %{z:.3f}<extra></extra>"), row=r, col=c)
            axis = (r - 1) * n_cols + c
            figure.update_yaxes(scaleanchor=f"x{axis if axis > 1 else ''}", row=r, col=c)
    figure.update_xaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False, constrain="domain")
    figure.update_yaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False, autorange="reversed",
                        constrain="domain")
    figure.update_annotations(font_size=12)
    for r, name in enumerate(rows, 1):
        figure.update_yaxes(title_text=_label(name) if name in METHODS else plain(name), row=r, col=1)
    figure.update_layout(width=max(90 + cell * n_cols, 560))
    return _layout(figure, title, height=80 + (cell + 8) * len(rows), margin=dict(l=60, r=10, t=80, b=10))


def error_histogram(errors: Mapping[str, np.ndarray], *, units: str, bins: int = 40) -> go.Figure:
    """Each method's per-sample reconstruction error as a histogram outline over shared bins."""
    values = np.concatenate(list(errors.values()))
    edges = np.histogram_bin_edges(values, bins=min(bins, max(10, len(values) // (5 * len(errors)))))
    centers = (edges[:-1] + edges[1:]) / 2
    figure = go.Figure()
    for method, method_errors in errors.items():
        counts, _ = np.histogram(method_errors, bins=edges)
        figure.add_trace(go.Scatter(x=centers, y=counts, mode="lines", line_shape="hvh", name=_label(method),
                                    line=_line(method), opacity=_opacity(method),
                                    hovertemplate="MSE ≈ %{x:.3g}: %{y} samples<extra></extra>"))
    figure.update_xaxes(title_text=f"Per-sample mean squared error ({units})")
    figure.update_yaxes(title_text="Number of test samples", rangemode="tozero")
    return _layout(figure, "How the reconstruction error is spread over the test samples")


def feature_errors(errors: Mapping[str, np.ndarray], feature_names: Sequence[str], *, units: str) -> go.Figure:
    """Grouped bars: each method's reconstruction error on every feature."""
    names = [plain(n) for n in feature_names]
    figure = go.Figure([go.Bar(x=names, y=values, name=_label(method), marker_color=_color(method),
                               hovertemplate="%{x}: %{y:.4g}<extra></extra>") for method, values in errors.items()])
    figure.update_layout(barmode="group")
    figure.update_xaxes(title_text="Feature")
    figure.update_yaxes(title_text=f"MSE ({units})")
    return _layout(figure, "Reconstruction error of each feature on the test samples")


def _log_ticks(values: np.ndarray) -> dict:
    """Ticks for a log axis over `values` that label enough values to read, never a lone digit: 1, 2, 5 steps up
    to three decades, powers of ten (the digits between gridded) beyond."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]  # what a log axis can show
    if not values.size:
        return {}
    decades = np.log10(values.max()) - np.log10(values.min())
    if decades > 3:
        return dict(dtick=1, exponentformat="power", minor=dict(dtick="D1", ticks="outside", showgrid=True))
    if decades >= 0.7:  # Plotly's own ticks here are the digits 2..9 of one decade, unlabelled by its power
        return dict(dtick="D2", tickformat="~g")
    return dict(tickformat="~g")  # under a decade Plotly already spaces ticks evenly; only the format is set


def _loss_ticks(histories: Mapping[int, Mapping[str, Sequence[float]]]) -> dict:
    """`_log_ticks` over every training and validation loss of `histories`."""
    return _log_ticks(np.array([v for history in histories.values() for key in ("loss", "val_loss")
                                for v in history.get(key) or []], dtype=float))


def _wrapped(title: str, width: int = 34) -> str:
    """An axis title broken into lines of about `width` characters, so a long one stays beside its chart."""
    lines, line = [], ""
    for word in title.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join([*lines, line])


def _size_shades(n: int) -> list[str]:
    """One colour per bottleneck size of a loss chart, from dark to light."""
    return sample_colorscale("Viridis", [0.85 * i / max(n - 1, 1) for i in range(n)])


def loss_curves(histories: Mapping[int, Mapping[str, Sequence[float]]], method: str,
                best_epochs: Mapping[int, int] | None = None, *, units: str = "scaled units",
                quantity: str = "Mean squared error") -> go.Figure:
    """Training (solid) and validation (dotted) loss per epoch, one colour per bottleneck size."""
    figure = go.Figure()
    sizes = sorted(histories)
    shades = _size_shades(len(sizes))
    for k, shade in zip(sizes, shades):
        for key, dash, split in (("loss", "solid", "training"), ("val_loss", "dot", "validation")):
            losses = histories[k].get(key) or []
            if losses:
                figure.add_trace(go.Scatter(
                    x=np.arange(1, len(losses) + 1), y=losses, mode="lines", name=f"k={k} {split}",
                    line=dict(color=shade, dash=dash), legendgroup=str(k),
                    hovertemplate=f"bottleneck {k}, {split}<br>epoch %{{x}}: %{{y:.4g}}<extra></extra>"))
        if best_epochs and k in best_epochs:
            best = best_epochs[k]
            monitored = histories[k].get("val_loss") or histories[k]["loss"]
            figure.add_trace(go.Scatter(
                x=[best], y=[monitored[best - 1]], mode="markers", marker=dict(color=shade, size=9, symbol="star"),
                legendgroup=str(k), showlegend=False,
                hovertemplate=f"bottleneck {k}: best epoch %{{x}}<extra></extra>"))
    figure.update_xaxes(title_text="Epoch")
    figure.update_yaxes(title_text=_wrapped(f"{quantity} ({units})"), type="log", **_loss_ticks(histories))
    return _layout(figure, f"{_label(method)}: loss per epoch (★ = weights kept)", height=480)


TERM_DASHES = {"reconstruction": "solid", "kl": "dash"}
TERM_NAMES = {"reconstruction": "reconstruction", "kl": "KL"}


def loss_terms(histories: Mapping[int, Mapping[str, Sequence[float]]], method: str, *, units: str) -> go.Figure:
    """Each named term of a loss (e.g. a VAE's reconstruction and KL) per epoch on the training samples, one colour
    per bottleneck size and one dash per term."""
    figure = go.Figure()
    sizes = sorted(histories)
    shades = _size_shades(len(sizes))
    for k, shade in zip(sizes, shades):
        for term, dash in TERM_DASHES.items():
            values = histories[k].get(term) or []
            if values:
                figure.add_trace(go.Scatter(
                    x=np.arange(1, len(values) + 1), y=values, mode="lines", name=f"k={k} {TERM_NAMES[term]}",
                    line=dict(color=shade, dash=dash), legendgroup=str(k),
                    hovertemplate=f"bottleneck {k}, {TERM_NAMES[term]}<br>epoch %{{x}}: %{{y:.4g}}<extra></extra>"))
    figure.update_xaxes(title_text="Epoch")
    figure.update_yaxes(title_text=_wrapped(f"Loss term ({units})"), type="log", **_loss_ticks(
        {k: {"loss": [v for t in TERM_DASHES for v in h.get(t) or []]} for k, h in histories.items()}))
    figure = _layout(figure, f"{_label(method)}: reconstruction and KL per epoch (training samples)", height=480,
                     margin=dict(l=70, r=20, t=70, b=60))
    # Below the chart in rows: a size and term per entry would otherwise scroll beside it.
    figure.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return figure


def principal_angles(angles: Mapping[int, np.ndarray], *, method: str, chosen: int | None = None) -> go.Figure:
    """Every principal angle between the linear AE's and PCA's subspaces, per bottleneck, largest joined up."""
    sizes = sorted(angles)
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=[k for k in sizes for _ in angles[k]], y=np.concatenate([angles[k] for k in sizes]), mode="markers",
        name="each angle", marker=dict(color=_color(method), opacity=0.45, size=7),
        hovertemplate="bottleneck %{x}: %{y:.2f}°<extra></extra>"))
    figure.add_trace(go.Scatter(
        x=sizes, y=[float(np.max(angles[k])) for k in sizes], mode="lines+markers", name="largest angle",
        line=dict(color=_color(method)), hovertemplate="bottleneck %{x}: largest %{y:.2f}°<extra></extra>"))
    if chosen is not None:
        _mark_chosen(figure, chosen, log_x=True)
    figure.update_xaxes(title_text="Bottleneck size (number of codes)", type="log", tickvals=sizes)
    figure.update_yaxes(title_text="Principal angle (degrees; 0° = same direction)", rangemode="tozero")
    return _layout(figure, "Angles between the linear autoencoder's subspace and PCA's")


def direction_loadings(pca_directions: np.ndarray, ae_directions: np.ndarray, feature_names: Sequence[str],
                       direction_names: Sequence[str] | None = None) -> go.Figure:
    """PCA components next to the linear AE's recovered directions, as weights on every feature."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=["PCA components", "Linear AE directions"],
                           shared_yaxes=True, horizontal_spacing=0.03)
    limit = float(max(np.abs(pca_directions).max(), np.abs(ae_directions).max())) or 1.0
    names = [plain(n) for n in feature_names]
    columns = list(direction_names or [str(i + 1) for i in range(len(pca_directions))])
    # both panels share zmin and zmax, so one bar, its ends named by colour, reads for both
    bar = dict(title=dict(text="weight"), tickvals=[-limit, 0.0, limit],
               ticktext=[f"−{limit:.2g} (blue)", "0", f"+{limit:.2g} (red)"])
    for col, directions in enumerate((pca_directions, ae_directions), 1):
        figure.add_trace(go.Heatmap(
            z=directions.T, x=columns, y=names, colorscale=DIVERGING_SCALE, zmin=-limit, zmax=limit,
            showscale=col == 2, colorbar=bar,
            hovertemplate="direction %{x}, %{y}: %{z:.3f}<extra></extra>"), row=1, col=col)
        figure.update_xaxes(title_text="Direction", type="category", row=1, col=col)
    figure.update_yaxes(autorange="reversed")
    return _layout(figure, f"Directions as weights on the features ({DIVERGING_LEGEND})",
                   height=max(320, 60 + 22 * len(names)))
