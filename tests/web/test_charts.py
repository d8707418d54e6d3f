"""The pages' figures hold the numbers they are given, in the display's units."""

from __future__ import annotations

import numpy as np
import pytest

from evtwin.units import MILE
from evtwin.web import charts


def test_ranges_chart_converts_miles_and_adds_the_steady_run() -> None:
    figs = {"wltp_range_km": 450.0, "epa_range_mi": 250.0, "uk_winter_motorway_70mph_mi": None}
    fig = charts.ranges_chart(figs, 300.0, "110 km/h at 0 C")
    bar = fig["data"][0]
    assert bar["y"] == ["WLTP", "EPA label", "110 km/h at 0 C"]
    assert bar["x"][1] == pytest.approx(250.0 * MILE / 1e3, rel=1e-12)
    assert bar["x"][2] == 300.0
    assert bar["marker"]["color"][-1] != bar["marker"]["color"][0]  # the steady run stands out


def test_breakdown_chart_keeps_each_term() -> None:
    rows = [("aero", 90.0, 40.0), ("motor_and_inverter", 20.0, 9.0)]
    fig = charts.breakdown_chart(rows, "t")
    assert fig["data"][0]["x"] == ["aero", "motor and inverter"]
    assert fig["data"][0]["y"] == [90.0, 20.0]


def test_charging_charts_share_the_session() -> None:
    soc = np.linspace(10, 80, 8)
    t = np.linspace(0, 30, 8)
    p = np.linspace(200, 70, 8)
    by_soc, by_time = charts.charging_charts(soc, t, p, "c")
    np.testing.assert_array_equal(by_soc["data"][0]["x"], soc)
    np.testing.assert_array_equal(by_time["data"][1]["y"], soc)
    np.testing.assert_array_equal(by_time["data"][0]["y"], p)
    assert by_time["data"][1]["yaxis"] == "y2"


def test_compare_chart_has_one_trace_per_vehicle() -> None:
    fig = charts.compare_chart(
        ["a", "b"], {"WLTP": [400.0, 500.0], "Cold": [300.0, None]}, "km", "t"
    )
    assert [tr["name"] for tr in fig["data"]] == ["a", "b"]
    assert fig["data"][1]["y"] == [500.0, None]


def test_the_figures_are_valid_plotly() -> None:
    """Plain dictionaries for speed, but each one Plotly's own validation accepts."""
    import plotly.graph_objects as go

    t = np.linspace(0.0, 1800.0, 5)
    figs = [
        charts.ranges_chart({"wltp_range_km": 450.0}, 300.0, "x"),
        charts.breakdown_chart([("aero", 90.0, 40.0)], "t"),
        charts.traces_chart(t, t / 20, 100 - t / 100, "t"),
        charts.compare_chart(["a"], {"WLTP": [1.0]}, "km", "t"),
        *charts.charging_charts(t, t, t, "c"),
    ]
    for f in figs:
        go.Figure(f)  # raises on any property Plotly does not know


def test_traces_chart_keeps_every_speed_sample_and_the_last_soc() -> None:
    t = np.arange(0.0, 1801.0)
    fig = charts.traces_chart(t, t % 50, 100 - t / 100, "t")
    speed, soc = fig["data"]
    assert speed["x"] == t.tolist()
    assert soc["x"][::2] == t[:: 2 * charts.SOC_EVERY].tolist()[: len(soc["x"][::2])]
    assert soc["x"][-1] == 1800.0
    assert soc["y"][-1] == pytest.approx(82.0)
