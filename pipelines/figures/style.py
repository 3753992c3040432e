"""What every figure shares: method colours, lines and markers, titles and layout, the chosen bottleneck's mark,
user text shown literally (`plain`), log-axis ticks."""
from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from pipelines.reducers import METHODS

CLASS_COLORS = qualitative.T10 + qualitative.Alphabet  # label classes; method colours come from METHODS


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


_MARKUP_STARTS = re.compile("([<&%])")


def plain(text: object) -> str:
    """`text` as Plotly shows it literally, in 2-D and 3-D figures alike, instead of as markup."""
    return _MARKUP_STARTS.sub(r"\1" + INVISIBLE_BREAK, str(text))


def method_label(method: str) -> str:
    return METHODS[method].label if method in METHODS else plain(method)


def method_color(method: str) -> str:
    return METHODS[method].color if method in METHODS else NEUTRAL_COLOR


def method_line(method: str, dash: str = "solid") -> dict:
    return dict(color=method_color(method), width=METHODS[method].line_width if method in METHODS else 2.0, dash=dash)


def method_opacity(method: str) -> float:
    return METHODS[method].opacity if method in METHODS else 1.0


def method_marker(method: str) -> dict:
    """The method's marker; wide lines (a reference drawn under the others) get large markers to match."""
    entry = METHODS.get(method)
    return dict(symbol=entry.marker if entry else "circle", size=12 if entry and entry.line_width > 4 else 7)


def styled(figure: go.Figure, title: str, height: float = 420, margin: dict | None = None) -> go.Figure:
    figure.update_layout(title=dict(text=plain(title), x=0.0, xanchor="left"), height=round(height),
                         margin=margin or dict(l=60, r=20, t=70, b=50), legend=dict(title_text=""))
    return figure


def translucent(color: str, alpha: float = 0.2) -> str:
    """A "#rrggbb" colour as rgba with `alpha`, for bands under lines of that colour."""
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def log_ticks(values: np.ndarray) -> dict:
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


def wrapped(title: str, width: int = 34) -> str:
    """An axis title broken into lines of about `width` characters, so a long one stays beside its chart."""
    lines, line = [], ""
    for word in title.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join([*lines, line])

def mark_chosen(figure: go.Figure, chosen: int, log_x: bool) -> None:
    """A dotted vertical line at the chosen bottleneck, labelled (annotations on log axes take log10 of x)."""
    figure.add_vline(x=chosen, line=dict(color="#888888", dash="dot"))
    figure.add_annotation(x=np.log10(chosen) if log_x else chosen, y=1, yref="paper", yanchor="bottom",
                          text=f"chosen: {chosen}", showarrow=False, font=dict(color="#666666"))
