"""The pages' figures hold the numbers they are given, in the display's units."""

from __future__ import annotations

import numpy as np

from evtwin.web import charts


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
        charts.compare_chart(["a"], {"WLTP": [1.0]}, "km", "t"),
        *charts.charging_charts(t, t, t, "c"),
    ]
    for f in figs:
        go.Figure(f)  # raises on any property Plotly does not know
