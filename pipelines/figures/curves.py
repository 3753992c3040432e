"""Error curves against bottleneck size, with bands over repeats, and stored runs overlaid."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pipelines.analysis.repeats import summarise
from pipelines.figures.style import (
    METRIC_TITLES,
    RUN_COLORS,
    RUN_DASHES,
    log_ticks,
    mark_chosen,
    method_color,
    method_label,
    method_line,
    method_marker,
    method_opacity,
    plain,
    styled,
    translucent,
)

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
        line=dict(width=0), fillcolor=translucent(color or method_color(method)), name=name, legendgroup=group,
        hoverinfo="skip"))


def error_curves(scores: pd.DataFrame, metric: str, *, units: str, chosen: int | None = None,
                 show_train: bool = False, log_x: bool = True, log_y: bool = False, band: str = "sd") -> go.Figure:
    """`metric` ("mse" or "r2") against bottleneck size, one line per method; dashed lines for training data.
    With several repeats (training seeds) a line is their mean, over a band of ± 1 standard deviation
    (`band="sd"`) or of their range (`band="range"`)."""
    figure = go.Figure()
    splits = ["test", "train"] if show_train else ["test"]
    summary = summarise(scores, across_splits=True)  # repeated hold-out: one mean over every split
    for method, rows in summary.groupby("method", sort=False):
        for split in splits:
            part = rows[rows["split"] == split].sort_values("bottleneck")
            repeats = int(part["repeats"].max())
            name = f"{method_label(method)} ({split})" if show_train else method_label(method)
            if repeats > 1:
                _band(figure, part, metric, method, f"{name}: {BAND_NAMES[band]} over {repeats} repeats", band,
                      log_y and metric == "mse", group=f"{method} {split}")
                name = f"{name}, mean of {repeats}"
            figure.add_trace(go.Scatter(
                x=part["bottleneck"], y=part[f"{metric}_mean"], mode="lines+markers", name=name,
                line=method_line(method, "solid" if split == "test" else "dash"), opacity=method_opacity(method),
                marker=method_marker(method), legendgroup=f"{method} {split}",
                hovertemplate=f"{name}, {split}<br>bottleneck %{{x}}<br>{metric.upper()} %{{y:.4g}}<extra></extra>"))
    if chosen is not None:
        mark_chosen(figure, chosen, log_x)
    y_title = f"MSE ({units})" if metric == "mse" else METRIC_TITLES[metric] + " (1 = perfect)"
    figure.update_xaxes(title_text="Bottleneck size (number of codes)", type="log" if log_x else "linear",
                        tickvals=sorted(scores["bottleneck"].unique()))
    on_log = log_y and metric == "mse"
    figure.update_yaxes(title_text=y_title, type="log" if on_log else "linear",
                        **(log_ticks(summary[["mse_mean", "mse_min", "mse_max"]].to_numpy().ravel())
                           if on_log else {}))
    which = "Test and training" if show_train else "Test"
    figure = styled(figure, f"{which} {METRIC_TITLES[metric].split(' (')[0]} vs bottleneck size", height=500,
                     margin=dict(l=60, r=20, t=70, b=60))
    # Below the chart, so that many methods (and their bands) leave the plot its width. Always shown: Plotly hides
    # the legend of a one-line chart, and PCA's curve, drawn while the autoencoders train, then had no name.
    figure.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.3, x=0, title_text=""), showlegend=True)
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
        name = f"{plain(run)} · {method_label(method)}"
        color = RUN_COLORS[i % len(RUN_COLORS)]
        repeats = int(part["repeats"].max())
        if repeats > 1:  # runs that differ only in their training seed, combined
            _band(figure, part, metric, method, f"{name}: ± 1 sd over {repeats} repeats", "sd", False, name,
                  color=color)
            name = f"{name}, mean of {repeats}"
        figure.add_trace(go.Scatter(
            x=part["bottleneck"], y=part[f"{metric}_mean"], mode="lines+markers", name=name,
            line=dict(method_line(method, dashes[run]), color=color), marker=dict(method_marker(method), color=color),
            legendgroup=name,
            hovertemplate=f"{name}<br>bottleneck %{{x}}<br>{metric.upper()} %{{y:.4g}}<extra></extra>"))
    y_title = "MSE (each dataset in its own units)" if metric == "mse" else METRIC_TITLES[metric] + " (1 = perfect)"
    figure.update_xaxes(title_text="Bottleneck size (number of codes)", type="log" if log_x else "linear",
                        tickvals=sorted(test["bottleneck"].unique()))
    figure.update_yaxes(title_text=y_title)
    figure.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0), showlegend=True)  # one run too
    return styled(figure, f"Stored runs: test {METRIC_TITLES[metric].split(' (')[0]} vs bottleneck size", height=520,
                   margin=dict(l=60, r=20, t=70, b=160))
