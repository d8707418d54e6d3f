"""Plotly figures of the studies page: pure functions of a study's stored columns.

- :func:`pareto_figure`: two outputs against each other, the non-dominated designs
  (``evtwin.study.pareto.non_dominated``) highlighted and joined in order;
- :func:`distribution_figure`: one output's histogram with its 5th, 50th and 95th
  percentiles marked.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

_MARGIN = {"l": 60, "r": 20, "t": 40, "b": 50}
FRONT_COLOUR = "#d62728"
CLOUD_COLOUR = "#9aa5b1"


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 14}},
        height=height,
        margin=_MARGIN,
        template="plotly_white",
    )
    return fig


def pareto_figure(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    front: NDArray[np.bool_],
    hover: Sequence[str],
    x_title: str,
    y_title: str,
) -> go.Figure:
    """Every design as a grey point, the front's in red, joined along ``x``.

    ``x``, ``y``, ``front`` and ``hover`` are per design (invalid designs already left
    out); the traces are named ``designs`` and ``Pareto front``.
    """
    fig = go.Figure()
    rest = ~front
    fig.add_trace(
        go.Scatter(
            x=x[rest],
            y=y[rest],
            mode="markers",
            name="designs",
            marker={"color": CLOUD_COLOUR, "size": 6, "opacity": 0.6},
            text=[h for h, r in zip(hover, rest, strict=True) if r],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    order = np.argsort(x[front], kind="stable")
    front_hover = [h for h, f in zip(hover, front, strict=True) if f]
    fig.add_trace(
        go.Scatter(
            x=x[front][order],
            y=y[front][order],
            mode="lines+markers",
            name="Pareto front",
            line={"color": FRONT_COLOUR, "width": 1},
            marker={"color": FRONT_COLOUR, "size": 9},
            text=[front_hover[i] for i in order],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    fig.update_layout(legend={"orientation": "h", "y": 1.08, "x": 1, "xanchor": "right"})
    title = f"{int(front.sum())} of {front.size} designs on the front"
    return _layout(fig, title, 420)


def distribution_figure(values: NDArray[np.float64], title: str, unit: str) -> go.Figure:
    """A histogram of one output over the valid designs, with its 5 %, median and 95 %."""
    fig = go.Figure(
        go.Histogram(
            x=values,
            nbinsx=min(60, max(10, values.size // 4)),
            name=title,
            marker_color="#005a3c",
            opacity=0.85,
        )
    )
    if values.size:
        for q, dash in ((5.0, "dot"), (50.0, "dash"), (95.0, "dot")):
            v = float(np.percentile(values, q))
            fig.add_vline(
                x=v,
                line={"color": "#333", "dash": dash, "width": 1},
                annotation_text=f"{q:g} %: {v:,.4g}",
                annotation_position="top",
            )
    fig.update_xaxes(title_text=f"{title} [{unit}]")
    fig.update_yaxes(title_text="designs")
    fig.update_layout(showlegend=False, bargap=0.02)
    return _layout(fig, f"{title}: {values.size} designs", 360)


__all__ = ["distribution_figure", "pareto_figure"]
