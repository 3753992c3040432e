"""Figures of the Generation page: one method's samples from each sampler beside the held-out data, as an image
grid, as points over a 3-D manifold, or as per-feature distributions of a table. Pure functions of arrays."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipelines.analysis.samplers import SAMPLERS
from pipelines.figures.latent import camera_facing
from pipelines.figures.reconstructions import image_grid
from pipelines.figures.style import NEUTRAL_COLOR, method_label, plain, styled

SAMPLER_COLORS = {"prior": "#4C78A8", "gaussian": "#F58518", "gmm": "#54A24B"}
DATA_ROW = "held-out data"
MAX_FEATURE_PANELS = 12


def sample_images(method: str, reference: np.ndarray, samples: Mapping[str, np.ndarray],
                  image_shape: tuple[int, int]) -> go.Figure:
    """A row of held-out images, then a row of the method's samples per sampler."""
    rows = {DATA_ROW: reference, **{SAMPLERS[name].label: drawn for name, drawn in samples.items()}}
    return image_grid(rows, image_shape, title=f"{method_label(method)}: samples from each sampler", cell=64)


def sample_clouds(method: str, points: np.ndarray, samples: Mapping[str, np.ndarray], *,
                  axis_names: Sequence[str] = ("x", "y", "z")) -> go.Figure:
    """One 3-D panel per sampler: its samples over the held-out points, every panel on the same axes."""
    n = len(samples)
    figure = make_subplots(rows=1, cols=n, specs=[[{"type": "scene"}] * n], horizontal_spacing=0.02,
                           subplot_titles=[plain(SAMPLERS[name].label) for name in samples])
    for col, (name, drawn) in enumerate(samples.items(), 1):
        figure.add_trace(go.Scatter3d(x=points[:, 0], y=points[:, 1], z=points[:, 2], mode="markers",
                                      name=DATA_ROW, showlegend=col == 1, legendgroup="data",
                                      marker=dict(size=2.5, color=NEUTRAL_COLOR, opacity=0.5),
                                      hoverinfo="skip"), row=1, col=col)
        figure.add_trace(go.Scatter3d(x=drawn[:, 0], y=drawn[:, 1], z=drawn[:, 2], mode="markers",
                                      name=SAMPLERS[name].label, marker=dict(size=3, color=SAMPLER_COLORS[name]),
                                      hovertemplate="a generated sample<extra></extra>"), row=1, col=col)
    everything = np.vstack([points, *samples.values()])
    low, high = everything.min(axis=0), everything.max(axis=0)
    figure.update_scenes(xaxis_range=[low[0], high[0]], yaxis_range=[low[1], high[1]], zaxis_range=[low[2], high[2]],
                         xaxis_title_text=plain(axis_names[0]), yaxis_title_text=plain(axis_names[1]),
                         zaxis_title_text=plain(axis_names[2]), aspectmode="cube",
                         camera_eye=camera_facing(points, low, high))
    return styled(figure, f"{method_label(method)}: samples (coloured) over the held-out points (grey)", height=460)


def feature_distributions(method: str, reference: np.ndarray, samples: Mapping[str, np.ndarray],
                          feature_names: Sequence[str], bins: int = 30) -> go.Figure:
    """One panel per feature (the first MAX_FEATURE_PANELS): the held-out rows' histogram as grey bars and each
    sampler's as a line, all as densities so that different row counts compare."""
    n = min(len(feature_names), MAX_FEATURE_PANELS)
    n_cols = min(4, n)
    n_rows = -(-n // n_cols)
    figure = make_subplots(rows=n_rows, cols=n_cols, subplot_titles=[plain(f) for f in feature_names[:n]],
                           vertical_spacing=0.12 if n_rows > 1 else 0.1, horizontal_spacing=0.05)
    for i in range(n):
        row, col = i // n_cols + 1, i % n_cols + 1
        edges = np.histogram_bin_edges(np.concatenate([reference[:, i], *(s[:, i] for s in samples.values())]),
                                       bins=bins)
        centres = (edges[:-1] + edges[1:]) / 2
        density, _ = np.histogram(reference[:, i], bins=edges, density=True)
        figure.add_trace(go.Bar(x=centres, y=density, marker_color=NEUTRAL_COLOR, opacity=0.5, name=DATA_ROW,
                                legendgroup="data", showlegend=i == 0, width=edges[1] - edges[0],
                                hovertemplate="%{x:.3g}: %{y:.3g}<extra>held-out data</extra>"), row=row, col=col)
        for name, drawn in samples.items():
            density, _ = np.histogram(drawn[:, i], bins=edges, density=True)
            figure.add_trace(go.Scatter(x=centres, y=density, mode="lines", line=dict(color=SAMPLER_COLORS[name],
                                                                                       shape="hvh"),
                                        name=SAMPLERS[name].label, legendgroup=name, showlegend=i == 0,
                                        hovertemplate="%{x:.3g}: %{y:.3g}<extra>" + SAMPLERS[name].label +
                                                      "</extra>"), row=row, col=col)
    figure.update_layout(barmode="overlay", legend=dict(orientation="h", y=-0.08))
    shown = "" if n == len(feature_names) else f" (the first {n} of {len(feature_names)} features)"
    return styled(figure, f"{method_label(method)}: each feature's distribution, samples against held-out "
                          f"data{shown}", height=120 + 220 * n_rows)

