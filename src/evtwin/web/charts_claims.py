"""Plotly figures of the claims page: pure functions of the claims check's draws.

Each test's range is drawn in its own unit (WLTP in km, the EPA label and the winter
motorway in miles); a range claim given in the other unit is converted to it, so
every claim's band is shaded on every test it is checked on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray
from plotly.subplots import make_subplots

from ..study.claims import ClaimResult, Test
from ..units import MILE

#: Colours by test.
TEST_COLOURS = {"wltp": "#1f77b4", "epa": "#ff7f0e", "winter_motorway": "#2ca02c"}
#: Metres per unit of a range claim's quantity.
CLAIM_UNITS = {"range_mi": MILE, "range_km": 1000.0}


def claim_band(claim: ClaimResult, test: Test) -> tuple[float | None, float | None]:
    """A range claim's interval in ``test``'s unit (an open end stays ``None``)."""
    k = CLAIM_UNITS[claim.quantity] / test.to_metres
    return (
        None if claim.low is None else claim.low * k,
        None if claim.high is None else claim.high * k,
    )


def distributions_figure(
    ranges: Mapping[str, NDArray[np.float64]],
    tests: Sequence[Test],
    claims: Sequence[ClaimResult],
) -> go.Figure:
    """One histogram per test of its range over the valid draws, the range claims'
    intervals shaded (each claim once per test; overlapping claims darken)."""
    fig = make_subplots(rows=1, cols=len(tests), subplot_titles=[t.label for t in tests])
    for i, t in enumerate(tests, start=1):
        y = np.asarray(ranges[t.name], dtype=float)
        unit = "km" if t.to_metres == 1000.0 else "mi"
        fig.add_trace(
            go.Histogram(
                x=y,
                nbinsx=40,
                name=t.label,
                marker_color=TEST_COLOURS.get(t.name, "#555"),
                opacity=0.85,
                hovertemplate=f"%{{x}} {unit}: %{{y}} draws<extra></extra>",
            ),
            row=1,
            col=i,
        )
        lo_all = float(np.min(y)) if y.size else 0.0
        hi_all = float(np.max(y)) if y.size else 1.0
        for c in claims:
            if c.kind != "range" or c.quantity not in CLAIM_UNITS:
                continue
            low, high = claim_band(c, t)
            fig.add_vrect(
                x0=lo_all if low is None else low,
                x1=hi_all if high is None else high,
                fillcolor="grey",
                opacity=0.12,
                line_width=0,
                row=1,
                col=i,
            )
        fig.update_xaxes(title_text=f"range [{unit}]", row=1, col=i)
    fig.update_layout(
        height=340,
        showlegend=False,
        margin={"t": 40, "b": 40, "l": 40, "r": 10},
        bargap=0.02,
        template="plotly_white",
    )
    return fig


__all__ = ["CLAIM_UNITS", "TEST_COLOURS", "claim_band", "distributions_figure"]
