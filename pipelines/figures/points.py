"""Per-sample points on a plane, drawn the way their number allows: SVG for a few, WebGL for many."""
from __future__ import annotations

import plotly.graph_objects as go

# Past this many points in one figure, SVG (one DOM node a point) takes seconds to draw and to hover; WebGL draws
# 14,000 points at once. Under it SVG stays, as it exports and prints crisply.
WEBGL_POINTS = 2000


def scatter_points(n_points: int, **trace: object) -> go.Scatter | go.Scattergl:
    """A scatter trace for a figure of `n_points` per-sample points: WebGL (`Scattergl`) past WEBGL_POINTS, SVG
    otherwise; give every trace of one figure the same `n_points`, so marks added last stay on top."""
    return (go.Scattergl if n_points > WEBGL_POINTS else go.Scatter)(**trace)
