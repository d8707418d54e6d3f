"""Figures of the compare and charging pages: pure functions of the library's results,
so they are tested without a browser (the configurator's live charts are ECharts, in
:mod:`.live_charts`).

They are Plotly figure specifications as plain dictionaries, not ``graph_objects``:
Plotly's Python objects validate every property on construction, some 20-50 ms a
chart; the browser's plotly.js validates anyway.
Units are the display's (km, km/h, kW, minutes, %): the conversion happens here, at the
edge, never inside the library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

Figure = dict[str, Any]

#: Colours shared by the pages: the configured build, then rivals in turn.
PALETTE = ("#005a3c", "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")


def _list(x: Any) -> list[Any]:
    return np.asarray(x, dtype=float).tolist() if isinstance(x, np.ndarray) else list(x)


#: Plotly's options for every chart: no mode bar (a redraw rebuilds it, a cost the
#: sliders feel), and no logo.
CONFIG: dict[str, Any] = {"displayModeBar": False, "displaylogo": False}


def _layout(title: str, height: int = 320, **more: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0.01, "font": {"size": 14}},
        "height": height,
        "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
        "template": "plotly_white",
        "showlegend": False,
        **more,
    }


def compare_chart(
    names: Sequence[str], series: Mapping[str, Sequence[float | None]], unit: str, title: str
) -> Figure:
    """Grouped bars: one group per figure (``series``' keys), one bar per vehicle."""
    bars = [
        {
            "type": "bar",
            "name": name,
            "x": list(series),
            "y": [series[k][i] for k in series],
            "marker": {"color": PALETTE[i % len(PALETTE)]},
        }
        for i, name in enumerate(names)
    ]
    layout = _layout(
        title,
        360,
        barmode="group",
        yaxis={"title": {"text": unit}, "rangemode": "tozero"},
        showlegend=True,
        legend={"orientation": "h", "y": -0.2},
    )
    return {"config": CONFIG, "data": bars, "layout": layout}


def charging_charts(
    soc_pct: Any, time_min: Any, power_kw: Any, title: str
) -> tuple[Figure, Figure]:
    """Power at the inlet against displayed SOC, and SOC and power against time."""
    soc, t, p = _list(soc_pct), _list(time_min), _list(power_kw)
    by_soc = {
        "config": CONFIG,
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "x": soc,
                "y": p,
                "line": {"color": PALETTE[0], "width": 2},
            }
        ],
        "layout": _layout(
            f"{title}: power against state of charge",
            xaxis={"title": {"text": "state of charge [%]"}},
            yaxis={"title": {"text": "power [kW]"}, "rangemode": "tozero"},
        ),
    }
    by_time = {
        "config": CONFIG,
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "name": "power [kW]",
                "x": t,
                "y": p,
                "line": {"color": PALETTE[0]},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "SOC [%]",
                "x": t,
                "y": soc,
                "yaxis": "y2",
                "line": {"color": PALETTE[2]},
            },
        ],
        "layout": _layout(
            f"{title}: against time",
            xaxis={"title": {"text": "time [min]"}},
            yaxis={"title": {"text": "power [kW]"}, "rangemode": "tozero"},
            yaxis2={
                "title": {"text": "SOC [%]"},
                "range": [0, 100],
                "overlaying": "y",
                "side": "right",
            },
            showlegend=True,
            legend={"orientation": "h", "y": -0.25},
        ),
    }
    return by_soc, by_time


__all__ = ["PALETTE", "Figure", "charging_charts", "compare_chart"]
