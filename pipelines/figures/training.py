"""Training curves: loss per epoch and a loss's named terms (a VAE's reconstruction and KL, an adversarial AE's
reconstruction, discriminator and generator)."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from pipelines.figures.style import log_ticks, method_label, styled, wrapped


def _loss_ticks(histories: Mapping[int, Mapping[str, Sequence[float]]]) -> dict:
    """`log_ticks` over every training and validation loss of `histories`."""
    return log_ticks(np.array([v for history in histories.values() for key in ("loss", "val_loss")
                                for v in history.get(key) or []], dtype=float))


def _size_shades(n: int) -> list[str]:
    """One colour per bottleneck size of a loss chart, from dark to light."""
    return sample_colorscale("Viridis", [0.85 * i / max(n - 1, 1) for i in range(n)])


def _epoch_line(figure: go.Figure, k: int, values: Sequence[float], name: str, shade: str, dash: str) -> None:
    """One bottleneck size's `values` per epoch as a line (nothing when there are none), grouped by the size."""
    if values:
        figure.add_trace(go.Scatter(
            x=np.arange(1, len(values) + 1), y=values, mode="lines", name=f"k={k} {name}",
            line=dict(color=shade, dash=dash), legendgroup=str(k),
            hovertemplate=f"bottleneck {k}, {name}<br>epoch %{{x}}: %{{y:.4g}}<extra></extra>"))


def loss_curves(histories: Mapping[int, Mapping[str, Sequence[float]]], method: str,
                best_epochs: Mapping[int, int] | None = None, *, units: str = "scaled units",
                quantity: str = "Mean squared error") -> go.Figure:
    """Training (solid) and validation (dotted) loss per epoch, one colour per bottleneck size."""
    figure = go.Figure()
    sizes = sorted(histories)
    shades = _size_shades(len(sizes))
    for k, shade in zip(sizes, shades):
        for key, dash, split in (("loss", "solid", "training"), ("val_loss", "dot", "validation")):
            _epoch_line(figure, k, histories[k].get(key) or [], split, shade, dash)
        if best_epochs and k in best_epochs:
            best = best_epochs[k]
            monitored = histories[k].get("val_loss") or histories[k]["loss"]
            figure.add_trace(go.Scatter(
                x=[best], y=[monitored[best - 1]], mode="markers", marker=dict(color=shade, size=9, symbol="star"),
                legendgroup=str(k), showlegend=False,
                hovertemplate=f"bottleneck {k}: best epoch %{{x}}<extra></extra>"))
    figure.update_xaxes(title_text="Epoch")
    figure.update_yaxes(title_text=wrapped(f"{quantity} ({units})"), type="log", **_loss_ticks(histories))
    return styled(figure, f"{method_label(method)}: loss per epoch (★ = weights kept)", height=480)


TERM_DASHES = {"reconstruction": "solid", "kl": "dash", "discriminator": "dot", "generator": "dashdot"}


TERM_NAMES = {"reconstruction": "reconstruction", "kl": "KL", "discriminator": "discriminator",
              "generator": "generator"}


def loss_terms(histories: Mapping[int, Mapping[str, Sequence[float]]], method: str, *, units: str) -> go.Figure:
    """Each named term of a loss (e.g. a VAE's reconstruction and KL) per epoch on the training samples, one colour
    per bottleneck size and one dash per term; the title names the terms drawn."""
    figure = go.Figure()
    sizes = sorted(histories)
    shades = _size_shades(len(sizes))
    for k, shade in zip(sizes, shades):
        for term, dash in TERM_DASHES.items():
            _epoch_line(figure, k, histories[k].get(term) or [], TERM_NAMES[term], shade, dash)
    figure.update_xaxes(title_text="Epoch")
    figure.update_yaxes(title_text=wrapped(f"Loss term ({units})"), type="log", **_loss_ticks(
        {k: {"loss": [v for t in TERM_DASHES for v in h.get(t) or []]} for k, h in histories.items()}))
    names = [TERM_NAMES[t] for t in TERM_DASHES if any(h.get(t) for h in histories.values())]
    named = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
    figure = styled(figure, f"{method_label(method)}: {named} per epoch (training samples)", height=480,
                    margin=dict(l=70, r=20, t=70, b=60))
    # Below the chart in rows: a size and term per entry would otherwise scroll beside it.
    figure.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return figure
