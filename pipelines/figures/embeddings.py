"""Each method's codes as 2-D points, coloured by label, and one legend for a grid of them."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pipelines.analysis.embeddings import plane_axis_names
from pipelines.figures.points import scatter_points
from pipelines.figures.style import CLASS_COLORS, method_color, method_label, plain, styled

MAX_HOVER_FEATURES = 8  # wider rows show their first features on hover


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
        return f"{method_label(method)} codes"
    if k == 1:
        return f"{method_label(method)}: its 1 code"
    return f"{method_label(method)}: its {k} codes, reduced to 2-D by PCA"


def _highlighted(codes: pd.DataFrame, sample: int, customdata: np.ndarray, text: np.ndarray,
                 template: str) -> go.Scatter | go.Scattergl:
    """A ring around test sample `sample` (empty when it is not among `codes`), clickable like the points, drawn
    like them so that it stays on top (WebGL points cover any SVG mark)."""
    part = (codes["index"] == sample).to_numpy()
    return scatter_points(len(codes), x=codes["z1"][part], y=codes["z2"][part], mode="markers",
                          name=f"selected: sample {sample}", text=text[part], customdata=customdata[part],
                          hovertemplate=template,
                          marker=dict(symbol="circle-open", size=20, color="#111111", line=dict(width=3)))


def embedding(codes: pd.DataFrame, method: str, *, label_name: str, label_kind: str | None,
              hover: pd.DataFrame | None = None, bottleneck: int = 2, highlight: int | None = None,
              show_legend: bool = True) -> go.Figure:
    """Codes as 2-D points (columns index, z1, z2, label; see `embeddings.planar_codes` for a model with
    `bottleneck` codes) coloured by label, with a ring around sample `highlight`; hover shows the sample's values.
    Past `points.WEBGL_POINTS` codes the points are drawn with WebGL.
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
            figure.add_trace(scatter_points(
                len(codes), x=codes["z1"][part], y=codes["z2"][part], mode="markers", name=plain(value),
                text=text[part], customdata=customdata[part], hovertemplate=template,
                marker=dict(marker, color=CLASS_COLORS[i % len(CLASS_COLORS)])))
    else:
        color = dict(color=codes["label"], colorscale="Viridis", colorbar=dict(title=dict(text=name)),
                     showscale=show_legend) if label_kind == "continuous" else dict(color=method_color(method))
        figure.add_trace(scatter_points(
            len(codes), x=codes["z1"], y=codes["z2"], mode="markers", name=method_label(method), text=text,
            customdata=customdata, hovertemplate=template, marker=dict(marker, **color)))
    if highlight is not None:
        figure.add_trace(_highlighted(codes, highlight, customdata, text, template))
    x_name, y_name = plane_axis_names(bottleneck)
    figure.update_xaxes(title_text=x_name)
    figure.update_yaxes(title_text=y_name)
    figure.update_layout(legend=dict(orientation="h", y=-0.2), clickmode="event+select", showlegend=show_legend)
    return styled(figure, _embedding_title(method, bottleneck), height=460 if show_legend else 400,
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
