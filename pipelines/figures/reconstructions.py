"""Reconstructions: 3-D clouds, image grids drawn as one picture, error histograms and per-feature errors."""
from __future__ import annotations

import base64
import io
from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

from pipelines.figures.style import (
    DIVERGING_SCALE,
    NEUTRAL_COLOR,
    method_color,
    method_label,
    method_line,
    method_opacity,
    plain,
    styled,
)
from pipelines.reducers import METHODS

TILE_GAP = 1  # blank pixels after each image of a picture of images


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
    return styled(figure, title, height=480)


def reconstructed_clouds(original: np.ndarray, reconstructions: Mapping[str, np.ndarray], color: np.ndarray | None,
                         *, color_name: str, axis_names: Sequence[str] = ("x", "y", "z")) -> go.Figure:
    """The original 3-D points next to each method's reconstruction, two panels a row, on shared axes."""
    panels = {"Original": original, **{method_label(m): X for m, X in reconstructions.items()}}
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
    return styled(figure, "Test points and their reconstructions (original units)", height=60 + 420 * n_rows)


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
                        ticktext=[method_label(name) if name in METHODS else plain(name) for name in rows])
    figure.update_layout(width=max(140 + cell * n_cols, 480))
    return styled(figure, title, height=110 + cell * height / width * len(rows), margin=dict(l=110, r=10, t=90, b=10))


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
        figure.update_yaxes(title_text=method_label(name) if name in METHODS else plain(name), row=r, col=1)
    figure.update_layout(width=max(90 + cell * n_cols, 560))
    return styled(figure, title, height=80 + (cell + 8) * len(rows), margin=dict(l=60, r=10, t=80, b=10))


def error_histogram(errors: Mapping[str, np.ndarray], *, units: str, bins: int = 40) -> go.Figure:
    """Each method's per-sample reconstruction error as a histogram outline over shared bins."""
    values = np.concatenate(list(errors.values()))
    edges = np.histogram_bin_edges(values, bins=min(bins, max(10, len(values) // (5 * len(errors)))))
    centers = (edges[:-1] + edges[1:]) / 2
    figure = go.Figure()
    for method, method_errors in errors.items():
        counts, _ = np.histogram(method_errors, bins=edges)
        figure.add_trace(go.Scatter(x=centers, y=counts, mode="lines", line_shape="hvh", name=method_label(method),
                                    line=method_line(method), opacity=method_opacity(method),
                                    hovertemplate="MSE ≈ %{x:.3g}: %{y} samples<extra></extra>"))
    figure.update_xaxes(title_text=f"Per-sample mean squared error ({units})")
    figure.update_yaxes(title_text="Number of test samples", rangemode="tozero")
    return styled(figure, "How the reconstruction error is spread over the test samples")


def feature_errors(errors: Mapping[str, np.ndarray], feature_names: Sequence[str], *, units: str) -> go.Figure:
    """Grouped bars: each method's reconstruction error on every feature."""
    names = [plain(n) for n in feature_names]
    figure = go.Figure([go.Bar(x=names, y=values, name=method_label(method), marker_color=method_color(method),
                               hovertemplate="%{x}: %{y:.4g}<extra></extra>") for method, values in errors.items()])
    figure.update_layout(barmode="group")
    figure.update_xaxes(title_text="Feature")
    figure.update_yaxes(title_text=f"MSE ({units})")
    return styled(figure, "Reconstruction error of each feature on the test samples")
