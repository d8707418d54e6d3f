"""The configurator's live charts, as ECharts options: pure functions of the library's
results, tested without a browser.

These four charts follow every step of the temperature and speed sliders. Plotly redraws
a chart in 25-45 ms in a browser without a GPU (it rebuilds its SVG and measures every
label afresh), so three charts took most of a slider's 150 ms; ECharts, which NiceGUI
ships, draws the same charts on a canvas in 6-14 ms (``benchmarks/README.md``). Pages
that redraw only on a click, and the reports, keep Plotly.

Options are plain dictionaries with no functions in them: every label is formatted
here, in the display's units (km, km/h, %), so what the page shows is what the tests
read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..units import MILE
from .charts import PALETTE

Options = dict[str, Any]

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

#: Samples per point of a drawn state-of-charge trace.
SOC_EVERY = 5

#: Chart heights [px], set on the page's elements (a canvas takes its element's size).
HEIGHT_PX = {"ranges": 330, "breakdown": 330, "speed": 220, "soc": 200}


def _base(title: str, *, left: int = 56, bottom: int = 44) -> Options:
    # No animation: a slider step is drawn at once, not tweened over 300 ms.
    return {
        "animation": False,
        "title": {"text": title, "left": 8, "top": 4, "textStyle": {"fontSize": 14}},
        "grid": {"left": left, "right": 24, "top": 44, "bottom": bottom},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
    }


def ranges_chart(
    figures: Mapping[str, float | None], custom_km: float | None, custom_label: str
) -> Options:
    """The build's range on each test and in each condition [km] as horizontal bars,
    with the steady run in the chosen conditions last, in its own colour."""
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
    bars = [
        {
            "value": round(float(v), 1),
            "itemStyle": {"color": c},
            "label": {"formatter": f"{v:.0f} km / {v * 1e3 / MILE:.0f} mi"},
        }
        for v, c in zip(km, colours, strict=True)
    ]
    opt = _base("Range", left=150)
    opt["xAxis"] = {
        "type": "value",
        "name": "range [km]",
        "nameLocation": "middle",
        "nameGap": 24,
        "min": 0,
    }
    opt["yAxis"] = {"type": "category", "data": labels, "inverse": True}
    opt["series"] = [
        {
            "type": "bar",
            "name": "range [km]",
            "data": bars,
            "label": {"show": True, "position": "insideRight", "color": "#fff"},
        }
    ]
    return opt


def _whole(x: float) -> str:
    """``x`` to the nearest whole number, without the "-0" of a small negative."""
    text = f"{x:.0f}"
    return "0" if text == "-0" else text


def breakdown_chart(rows: Sequence[tuple[str, float, float]], title: str) -> Options:
    """Where the battery's energy goes [Wh/km] by term (recovered braking energy already
    netted out of the terms it came from), each bar labelled with its share [%]."""
    bars = [
        {"value": round(float(wh), 2), "label": {"formatter": f"{_whole(share)} %"}}
        for _, wh, share in rows
    ]
    opt = _base(title, bottom=64)
    opt["xAxis"] = {
        "type": "category",
        "data": [r[0].replace("_", " ") for r in rows],
        "axisLabel": {"interval": 0, "rotate": 30, "fontSize": 11},
    }
    opt["yAxis"] = {"type": "value", "name": "Wh/km", "min": 0}
    opt["series"] = [
        {
            "type": "bar",
            "name": "Wh/km",
            "data": bars,
            "itemStyle": {"color": PALETTE[1]},
            "label": {"show": True, "position": "top"},
        }
    ]
    return opt


def _line(
    time_s: Any, y: Any, name: str, unit: str, colour: str, width: float, title: str
) -> Options:
    pairs = np.column_stack([np.asarray(time_s, dtype=float), np.asarray(y, dtype=float)])
    opt = _base(title)
    opt["tooltip"] = {"trigger": "axis"}
    opt["xAxis"] = {
        "type": "value",
        "name": "time [s]",
        "nameLocation": "middle",
        "nameGap": 24,
        "max": "dataMax",
    }
    opt["yAxis"] = {"type": "value", "name": unit, "scale": True}
    opt["series"] = [
        {
            "type": "line",
            "name": name,
            "data": pairs.tolist(),
            "showSymbol": False,
            "lineStyle": {"color": colour, "width": width},
            "itemStyle": {"color": colour},
        }
    ]
    return opt


def speed_chart(time_s: Any, speed_kph: Any, title: str) -> Options:
    """The speed driven [km/h] against time, every sample."""
    return _line(time_s, speed_kph, "speed", "km/h", PALETTE[0], 1.0, title)


def soc_chart(time_s: Any, soc_pct: Any, title: str) -> Options:
    """The displayed state of charge [%] against time, every :data:`SOC_EVERY` samples
    and the last: it moves smoothly, so nothing shows the difference, and the
    temperature slider redraws it on every step."""
    t = np.asarray(time_s, dtype=float)
    n = t.size
    keep = np.unique(np.r_[np.arange(0, n, SOC_EVERY), n - 1]) if n else np.arange(0)
    soc = np.asarray(soc_pct, dtype=float)[keep]
    return _line(t[keep], soc, "SOC", "SOC [%]", PALETTE[2], 1.5, title)


__all__ = [
    "HEIGHT_PX",
    "RANGE_BARS",
    "SOC_EVERY",
    "Options",
    "breakdown_chart",
    "ranges_chart",
    "soc_chart",
    "speed_chart",
]
