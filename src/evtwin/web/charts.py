"""Figures of the configurator, compare and charging pages: pure functions of the
library's results, so they are tested without a browser.

They are Plotly figure specifications as plain dictionaries, not ``graph_objects``:
Plotly's Python objects validate every property on construction, some 20-50 ms a
chart, which is most of a slider's budget; the browser's plotly.js validates anyway.
Units are the display's (km, km/h, kW, minutes, %): the conversion happens here, at the
edge, never inside the library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..units import MILE

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


#: The ranges the configurator charts: (key in the headline figures, label).
RANGE_BARS: tuple[tuple[str, str], ...] = (
    ("wltp_range_km", "WLTP"),
    ("epa_range_mi", "EPA label"),
    ("real_world_mild_combined_km", "Mild, combined"),
    ("real_world_cold_combined_km", "Cold, combined"),
    ("real_world_mild_motorway_km", "Mild, 110 km/h"),
    ("real_world_cold_motorway_km", "Cold, 110 km/h"),
    ("uk_winter_motorway_70mph_mi", "UK winter, 70 mph"),
)


def ranges_chart(
    figures: Mapping[str, float | None], custom_km: float | None, custom_label: str
) -> Figure:
    """The build's range on each test and in each condition [km], with the steady run
    in the chosen conditions last."""
    labels: list[str] = []
    km: list[float] = []
    for key, label in RANGE_BARS:
        value = figures.get(key)
        if value is None:
            continue
        labels.append(label)
        km.append(value * MILE / 1e3 if key.endswith("_mi") else value)
    colours = [PALETTE[0]] * len(km)
    if custom_km is not None:
        labels.append(custom_label)
        km.append(custom_km)
        colours.append(PALETTE[2])
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": km,
        "y": labels,
        "marker": {"color": colours},
        "text": [f"{v:.0f} km / {v * 1e3 / MILE:.0f} mi" for v in km],
        "textposition": "auto",
        "hovertemplate": "%{y}: %{x:.0f} km<extra></extra>",
    }
    return {
        "config": CONFIG,
        "data": [bar],
        "layout": _layout(
            "Range",
            330,
            yaxis={"autorange": "reversed"},
            xaxis={"title": {"text": "range [km]"}, "rangemode": "tozero"},
        ),
    }


def breakdown_chart(rows: Sequence[tuple[str, float, float]], title: str) -> Figure:
    """Where the battery's energy goes [Wh/km] by term, recovered braking energy
    already netted out of the terms it came from."""
    bar = {
        "type": "bar",
        "x": [r[0].replace("_", " ") for r in rows],
        "y": [r[1] for r in rows],
        "marker": {"color": PALETTE[1]},
        "text": [f"{r[2]:.0f} %" for r in rows],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{x}: %{y:.1f} Wh/km<extra></extra>",
    }
    return {
        "config": CONFIG,
        "data": [bar],
        "layout": _layout(title, yaxis={"title": {"text": "Wh/km"}, "rangemode": "tozero"}),
    }


#: Samples per point of a drawn state-of-charge trace.
SOC_EVERY = 5


def traces_chart(time_s: Any, speed_kph: Any, soc_pct: Any, title: str) -> Figure:
    """Speed and displayed state of charge against time, one above the other.

    The state of charge is drawn every :data:`SOC_EVERY` samples (and at the end): it
    moves smoothly, so nothing shows the difference, and a temperature slider redraws it
    on every step. Speed is drawn at every sample."""
    t = _list(time_s)
    n = len(t)
    keep = np.unique(np.r_[np.arange(0, n, SOC_EVERY), n - 1]) if n else np.arange(0)
    speed = {
        "type": "scatter",
        "mode": "lines",
        "name": "speed",
        "x": t,
        "y": _list(speed_kph),
        "line": {"color": PALETTE[0], "width": 1},
    }
    soc = {
        "type": "scatter",
        "mode": "lines",
        "name": "SOC",
        "x": _list(np.asarray(time_s, dtype=float)[keep]),
        "y": _list(np.asarray(soc_pct, dtype=float)[keep]),
        "xaxis": "x",
        "yaxis": "y2",
        "line": {"color": PALETTE[2], "width": 1.5},
    }
    return {
        "config": CONFIG,
        "data": [speed, soc],
        "layout": _layout(
            title,
            360,
            xaxis={"title": {"text": "time [s]"}, "anchor": "y2"},
            yaxis={"title": {"text": "km/h"}, "domain": [0.54, 1.0]},
            yaxis2={"title": {"text": "SOC [%]"}, "domain": [0.0, 0.46]},
        ),
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


__all__ = [
    "PALETTE",
    "RANGE_BARS",
    "Figure",
    "breakdown_chart",
    "charging_charts",
    "compare_chart",
    "ranges_chart",
    "traces_chart",
]
