"""Figures of the latent-space explorer: decoded code planes, code-axis sweeps, interpolation paths, decoded
points and generated samples. Pure functions of arrays (see `pipelines.analysis.latent`), in each method's colour."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from pipelines.analysis.latent import BLEND, AxisSweep, DecodedPlane
from pipelines.figures.points import scatter_points
from pipelines.figures.reconstructions import TILE_GAP, png_source
from pipelines.figures.style import NEUTRAL_COLOR, method_color, method_label, method_line, plain, styled

FEATURE_COLORS = qualitative.D3 + qualitative.Pastel  # features in line charts; methods keep their own colours
_POINT_HOVER = "x %{x:.2f}, y %{y:.2f}, z %{z:.2f}<extra></extra>"


def _mosaic(plane: DecodedPlane, image_shape: tuple[int, int]) -> np.ndarray:
    """The decoded grid as one image, code 2 increasing upwards, each tile one decoded image followed by a
    TILE_GAP-pixel blank line, so that neighbouring tiles read apart."""
    steps, (height, width) = len(plane.axis_1), image_shape
    tiles = np.zeros((steps, steps, height + TILE_GAP, width + TILE_GAP))
    tiles[:, :, :height, :width] = plane.decoded[::-1].reshape(steps, steps, height, width)
    return tiles.transpose(0, 2, 1, 3).reshape(steps * (height + TILE_GAP), steps * (width + TILE_GAP))


def _pixel_axis(values: np.ndarray, tile: int, descending: bool = False):
    """Map code values to the mosaic's pixel coordinates along one axis (the centre of a tile of `tile` pixels
    for each of `values`), and ticks at a few tile centres."""
    step = values[1] - values[0]
    first = values[-1] if descending else values[0]

    def to_pixels(v):
        return ((first - v) if descending else (v - first)) / step * (tile + TILE_GAP) + (tile - 1) / 2

    ticks = values[np.unique(np.linspace(0, len(values) - 1, 5).round().astype(int))]
    return to_pixels, dict(tickvals=to_pixels(ticks), ticktext=[f"{t:.2g}" for t in ticks])


def plane_mosaic(plane: DecodedPlane, image_shape: tuple[int, int], method: str, *,
                 codes: np.ndarray | None = None) -> go.Figure:
    """A 2-code model's plane decoded on a grid, as one image whose axes read in code values; `codes` (test
    codes) are scattered over it when given (with WebGL past `points.WEBGL_POINTS`)."""
    height, width = image_shape
    pixels = _mosaic(plane, image_shape)
    figure = go.Figure(go.Image(source=png_source(pixels), hoverinfo="skip"))
    x_pixels, x_ticks = _pixel_axis(plane.axis_1, width)
    y_pixels, y_ticks = _pixel_axis(plane.axis_2, height, descending=True)
    if codes is not None:
        figure.add_trace(scatter_points(len(codes), x=x_pixels(codes[:, 0]), y=y_pixels(codes[:, 1]), mode="markers",
                                        customdata=codes, marker=dict(size=4, color=method_color(method), opacity=0.6),
                                        hovertemplate="a test sample's codes: %{customdata[0]:.2f}, "
                                                      "%{customdata[1]:.2f}<extra></extra>"))
    figure.update_xaxes(title_text="code 1", range=[-0.5, pixels.shape[1] - 0.5], **x_ticks)
    figure.update_yaxes(title_text="code 2", range=[pixels.shape[0] - 0.5, -0.5], scaleanchor="x", **y_ticks)
    figure.update_layout(showlegend=False)
    return styled(figure, method_label(method), height=600, margin=dict(l=60, r=10, t=50, b=50))


def _scene_grid(n_panels: int, titles: Sequence[str]) -> go.Figure:
    n_rows = (n_panels + 1) // 2
    return make_subplots(rows=n_rows, cols=min(2, n_panels), specs=[[{"type": "scene"}] * min(2, n_panels)] * n_rows,
                         subplot_titles=[plain(t) for t in titles], horizontal_spacing=0.02, vertical_spacing=0.05)


def _faint_points(points: np.ndarray, show: bool = False) -> go.Scatter3d:
    return go.Scatter3d(x=points[:, 0], y=points[:, 1], z=points[:, 2], mode="markers", name="test points",
                        marker=dict(size=2.5, color=NEUTRAL_COLOR, opacity=0.6), showlegend=show,
                        hovertemplate=_POINT_HOVER)


def camera_facing(points: np.ndarray, low: np.ndarray, high: np.ndarray, distance: float = 2.3) -> dict:
    """A camera eye that looks at `points` (n, 3), drawn in a cube from `low` to `high`, mostly along the normal of
    their best-fitting plane (a little off it, for depth), so a flat sheet such as PCA's is seen face-on, not
    edge-on."""
    scaled = (points - low) / np.where(high > low, high - low, 1.0)
    normal = np.linalg.svd(scaled - scaled.mean(axis=0), full_matrices=False)[2][-1]
    normal = normal if normal[2] >= 0 else -normal  # look from above
    direction = 0.8 * normal + 0.2 * np.ones(3) / np.sqrt(3)
    x, y, z = distance * direction / np.linalg.norm(direction)
    return dict(x=float(x), y=float(y), z=float(z))


def _shared_scenes(figure: go.Figure, arrays: Sequence[np.ndarray], axis_names: Sequence[str]) -> None:
    everything = np.vstack([a.reshape(-1, 3) for a in arrays])
    low, high = everything.min(axis=0), everything.max(axis=0)
    names = [plain(n) for n in axis_names]
    figure.update_scenes(xaxis_range=[low[0], high[0]], yaxis_range=[low[1], high[1]], zaxis_range=[low[2], high[2]],
                         xaxis_title_text=names[0], yaxis_title_text=names[1], zaxis_title_text=names[2],
                         aspectmode="cube", camera_eye=camera_facing(arrays[0].reshape(-1, 3), low, high))


def plane_sheets(points: np.ndarray, sheets: Mapping[str, np.ndarray], *,
                 axis_names: Sequence[str] = ("x", "y", "z")) -> go.Figure:
    """Each 2-code model's decoded grid (steps, steps, 3) as a surface in 3-D over the test points: the sheet it
    learned."""
    figure = _scene_grid(len(sheets), [method_label(m) for m in sheets])
    for i, (method, sheet) in enumerate(sheets.items()):
        row, col = i // 2 + 1, i % 2 + 1
        figure.add_trace(_faint_points(points), row=row, col=col)
        figure.add_trace(go.Surface(x=sheet[..., 0], y=sheet[..., 1], z=sheet[..., 2], showscale=False,
                                    surfacecolor=np.zeros(sheet.shape[:2]), opacity=0.8, name=method_label(method),
                                    colorscale=[[0, method_color(method)], [1, method_color(method)]],
                                    hovertemplate=f"{method_label(method)}: {_POINT_HOVER}"), row=row, col=col)
    _shared_scenes(figure, [points, *sheets.values()], axis_names)
    return styled(figure, "The decoded code plane of each method over the test points (original units)",
                   height=60 + 420 * ((len(sheets) + 1) // 2))


def _top_features(arrays: Sequence[np.ndarray], at_most: int) -> np.ndarray:
    """The features whose decoded values vary most, over every array's rows (n, n_features)."""
    stacked = np.vstack([a.reshape(-1, a.shape[-1]) for a in arrays])
    return np.sort(np.argsort(-(stacked.max(axis=0) - stacked.min(axis=0)), kind="stable")[:at_most])


def axis_sweeps(sweeps: Mapping[str, AxisSweep], feature_names: Sequence[str], *, units: str,
                at_most: int = 8) -> go.Figure:
    """Per method (rows) and code (columns): each feature's decoded value as that code varies alone; the
    `at_most` features that vary most are drawn."""
    features = _top_features([s.decoded for s in sweeps.values()], at_most)
    n_codes = max(s.values.shape[0] for s in sweeps.values())
    figure = make_subplots(rows=len(sweeps), cols=n_codes, shared_yaxes=True, vertical_spacing=0.08,
                           subplot_titles=[f"{method_label(m)}: code {c + 1}" for m in sweeps for c in range(n_codes)])
    for r, sweep in enumerate(sweeps.values(), 1):
        for c in range(sweep.values.shape[0]):
            for i, f in enumerate(features):
                name = plain(feature_names[f])
                figure.add_trace(go.Scatter(
                    x=sweep.values[c], y=sweep.decoded[c, :, f], mode="lines", name=name, legendgroup=name,
                    showlegend=r == 1 and c == 0, line=dict(color=FEATURE_COLORS[i % len(FEATURE_COLORS)]),
                    hovertemplate=f"{name}: %{{y:.3g}} at code {c + 1} = %{{x:.2f}}<extra></extra>"), row=r, col=c + 1)
            figure.update_xaxes(title_text=f"code {c + 1}", row=r, col=c + 1)
        figure.update_yaxes(title_text=plain(units), row=r, col=1)
    return styled(figure, "Each feature's decoded value along each code, the other code at its median",
                   height=80 + 300 * len(sweeps))


def interpolation_paths(points: np.ndarray, paths: Mapping[str, np.ndarray], *,
                        axis_names: Sequence[str] = ("x", "y", "z")) -> go.Figure:
    """Interpolations between two samples drawn as paths in 3-D over the test points: each method's decoded path
    and the straight blend."""
    figure = go.Figure(_faint_points(points, show=True))
    for name, path in paths.items():
        line = dict(color=NEUTRAL_COLOR, width=4, dash="dash") if name == BLEND else dict(method_line(name), width=6)
        figure.add_trace(go.Scatter3d(x=path[:, 0], y=path[:, 1], z=path[:, 2], mode="lines+markers",
                                      name=method_label(name) if name != BLEND else "Straight blend in data space",
                                      line=line, marker=dict(size=3, color=line["color"]), hovertemplate=_POINT_HOVER))
    _shared_scenes(figure, [points, *paths.values()], axis_names)
    return styled(figure, "Paths between the two samples (original units)", height=560)


def feature_paths(paths: Mapping[str, np.ndarray], feature_names: Sequence[str], *, units: str,
                  at_most: int = 6) -> go.Figure:
    """Interpolations between two samples of tabular data: one panel per feature (the `at_most` that change
    most), each method's decoded values against the position along the line, the plain blend dashed."""
    features = _top_features(list(paths.values()), at_most)
    steps = len(next(iter(paths.values())))
    position = np.linspace(0.0, 1.0, steps)
    n_cols = min(3, len(features))
    n_rows = -(-len(features) // n_cols)
    figure = make_subplots(rows=n_rows, cols=n_cols, subplot_titles=[plain(feature_names[f]) for f in features],
                           vertical_spacing=0.12)
    for i, f in enumerate(features):
        for name, path in paths.items():
            line = dict(color=NEUTRAL_COLOR, dash="dash") if name == BLEND else method_line(name)
            figure.add_trace(go.Scatter(x=position, y=path[:, f], mode="lines+markers", line=line, legendgroup=name,
                                        name=method_label(name) if name != BLEND else "Straight blend",
                                        showlegend=i == 0, hovertemplate="%{y:.3g} at %{x:.2f}<extra></extra>"),
                             row=i // n_cols + 1, col=i % n_cols + 1)
    figure.update_xaxes(title_text="from sample A (0) to B (1)")
    figure.update_yaxes(title_text=plain(units), col=1)
    return styled(figure, "Each method's decoded values between the two samples", height=80 + 280 * n_rows)


def decoded_points(points: np.ndarray, start: np.ndarray, decoded: Mapping[str, np.ndarray], *,
                   axis_names: Sequence[str] = ("x", "y", "z")) -> go.Figure:
    """Where each method decodes the shifted codes, in 3-D over the test points, next to the starting sample."""
    figure = go.Figure(_faint_points(points, show=True))
    figure.add_trace(go.Scatter3d(x=[start[0]], y=[start[1]], z=[start[2]], mode="markers", name="starting sample",
                                  marker=dict(size=7, color="black", symbol="circle-open"),
                                  hovertemplate=_POINT_HOVER))
    for method, point in decoded.items():
        figure.add_trace(go.Scatter3d(x=[point[0]], y=[point[1]], z=[point[2]], mode="markers",
                                      name=method_label(method), marker=dict(size=7, color=method_color(method)),
                                      hovertemplate=_POINT_HOVER))
    _shared_scenes(figure, [points, start[None, :], *[p[None, :] for p in decoded.values()]], axis_names)
    figure.update_layout(uirevision="decoded_points")  # a slider move keeps the user's camera
    return styled(figure, "Each method's decoding of the shifted codes (original units)", height=520)


def decoded_features(start: np.ndarray, decoded: Mapping[str, np.ndarray], feature_names: Sequence[str], *,
                     units: str) -> go.Figure:
    """Grouped bars of each method's decoding of the shifted codes per feature, the starting sample as markers."""
    names = [plain(n) for n in feature_names]
    figure = go.Figure([go.Bar(x=names, y=values, name=method_label(method), marker_color=method_color(method),
                               hovertemplate="%{x}: %{y:.3g}<extra></extra>") for method, values in decoded.items()])
    figure.add_trace(go.Scatter(x=names, y=start, mode="markers", name="starting sample",
                                marker=dict(color="black", symbol="line-ew-open", size=18, line=dict(width=2)),
                                hovertemplate="%{x}: %{y:.3g}<extra></extra>"))
    figure.update_layout(barmode="group", uirevision="decoded_features")
    figure.update_yaxes(title_text=plain(units))
    return styled(figure, "Each method's decoding of the shifted codes")


def generated_clouds(points: np.ndarray, samples: Mapping[str, np.ndarray], *,
                     axis_names: Sequence[str] = ("x", "y", "z")) -> go.Figure:
    """Each method's generated samples in 3-D over the test points, one panel per method."""
    figure = _scene_grid(len(samples), [method_label(m) for m in samples])
    for i, (method, drawn) in enumerate(samples.items()):
        row, col = i // 2 + 1, i % 2 + 1
        figure.add_trace(_faint_points(points), row=row, col=col)
        figure.add_trace(go.Scatter3d(x=drawn[:, 0], y=drawn[:, 1], z=drawn[:, 2], mode="markers",
                                      name=method_label(method), marker=dict(size=3, color=method_color(method)),
                                      showlegend=False, hovertemplate=_POINT_HOVER), row=row, col=col)
    _shared_scenes(figure, [points, *samples.values()], axis_names)
    return styled(figure, "Generated samples over the test points (original units)",
                   height=60 + 420 * ((len(samples) + 1) // 2))


def generated_projection(reference: np.ndarray, samples: Mapping[str, np.ndarray], *,
                         axis_names: Sequence[str]) -> go.Figure:
    """Generated samples of tabular data against the test samples, both projected on the same plane (n, 2): one
    panel per method (with WebGL past `points.WEBGL_POINTS` points a panel)."""
    n_cols = min(3, len(samples))
    n_rows = -(-len(samples) // n_cols)
    figure = make_subplots(rows=n_rows, cols=n_cols, subplot_titles=[method_label(m) for m in samples],
                           shared_xaxes=True, shared_yaxes=True, vertical_spacing=0.1)
    n_points = len(reference) + max(len(drawn) for drawn in samples.values())  # in each panel
    for i, (method, drawn) in enumerate(samples.items()):
        row, col = i // n_cols + 1, i % n_cols + 1
        figure.add_trace(scatter_points(n_points, x=reference[:, 0], y=reference[:, 1], mode="markers",
                                        name="test samples", legendgroup="test", showlegend=i == 0,
                                        marker=dict(size=5, color=NEUTRAL_COLOR, opacity=0.4),
                                        hovertemplate="a test sample<extra></extra>"), row=row, col=col)
        figure.add_trace(scatter_points(n_points, x=drawn[:, 0], y=drawn[:, 1], mode="markers",
                                        name=method_label(method), showlegend=False,
                                        marker=dict(size=7, color=method_color(method), symbol="x"),
                                        hovertemplate="a generated sample<extra></extra>"), row=row, col=col)
    figure.update_xaxes(title_text=plain(axis_names[0]), row=n_rows)
    figure.update_yaxes(title_text=plain(axis_names[1]), col=1)
    return styled(figure, "Generated samples (coloured) among the test samples (grey)", height=80 + 320 * n_rows)
