"""Linear AE vs PCA: principal angles between their subspaces and their directions side by side."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipelines.figures.style import DIVERGING_LEGEND, DIVERGING_SCALE, mark_chosen, method_color, plain, styled


def principal_angles(angles: Mapping[int, np.ndarray], *, method: str, chosen: int | None = None) -> go.Figure:
    """Every principal angle between the linear AE's and PCA's subspaces, per bottleneck, largest joined up."""
    sizes = sorted(angles)
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=[k for k in sizes for _ in angles[k]], y=np.concatenate([angles[k] for k in sizes]), mode="markers",
        name="each angle", marker=dict(color=method_color(method), opacity=0.45, size=7),
        hovertemplate="bottleneck %{x}: %{y:.2f}°<extra></extra>"))
    figure.add_trace(go.Scatter(
        x=sizes, y=[float(np.max(angles[k])) for k in sizes], mode="lines+markers", name="largest angle",
        line=dict(color=method_color(method)), hovertemplate="bottleneck %{x}: largest %{y:.2f}°<extra></extra>"))
    if chosen is not None:
        mark_chosen(figure, chosen, log_x=True)
    figure.update_xaxes(title_text="Bottleneck size (number of codes)", type="log", tickvals=sizes)
    figure.update_yaxes(title_text="Principal angle (degrees; 0° = same direction)", rangemode="tozero")
    return styled(figure, "Angles between the linear autoencoder's subspace and PCA's")


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
    return styled(figure, f"Directions as weights on the features ({DIVERGING_LEGEND})",
                   height=max(320, 60 + 22 * len(names)))
