"""The configurator's live charts hold the numbers they are given, in the display's
units, with every label formatted (no functions in the options)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from evtwin.units import MILE
from evtwin.web import live_charts as lc


def test_ranges_chart_converts_miles_and_adds_the_steady_run() -> None:
    figs = {"wltp_range_km": 450.0, "epa_range_mi": 250.0, "uk_winter_motorway_70mph_mi": None}
    opt = lc.ranges_chart(figs, 300.0, "110 km/h at 0 C")
    assert opt["yAxis"]["data"] == ["WLTP", "EPA label", "110 km/h at 0 C"]
    bars = opt["series"][0]["data"]
    assert bars[1]["value"] == pytest.approx(250.0 * MILE / 1e3, abs=0.05)
    assert bars[1]["label"]["formatter"] == f"{250.0 * MILE / 1e3:.0f} km / 250 mi"
    assert bars[2]["value"] == 300.0
    # The steady run stands out.
    assert bars[2]["itemStyle"]["color"] != bars[0]["itemStyle"]["color"]


def test_ranges_chart_without_a_steady_run() -> None:
    opt = lc.ranges_chart({"wltp_range_km": 450.0}, None, "x")
    assert opt["yAxis"]["data"] == ["WLTP"]
    assert len(opt["series"][0]["data"]) == 1


def test_breakdown_chart_keeps_each_term_and_its_share() -> None:
    rows = [("aero", 90.0, 40.0), ("motor_and_inverter", 20.0, 9.0), ("inertia", -0.4, -0.2)]
    opt = lc.breakdown_chart(rows, "t")
    assert opt["xAxis"]["data"] == ["aero", "motor and inverter", "inertia"]
    assert [b["value"] for b in opt["series"][0]["data"]] == [90.0, 20.0, -0.4]
    labels = [b["label"]["formatter"] for b in opt["series"][0]["data"]]
    assert labels == ["40 %", "9 %", "0 %"]


def test_speed_chart_keeps_every_sample() -> None:
    t = np.arange(0.0, 1801.0)
    opt = lc.speed_chart(t, t % 50, "t")
    pairs = np.array(opt["series"][0]["data"])
    np.testing.assert_array_equal(pairs[:, 0], t)
    np.testing.assert_array_equal(pairs[:, 1], t % 50)


def test_soc_chart_keeps_every_fifth_sample_and_the_last() -> None:
    t = np.arange(0.0, 1801.0)
    opt = lc.soc_chart(t, 100 - t / 100, "t")
    pairs = np.array(opt["series"][0]["data"])
    np.testing.assert_array_equal(pairs[:-1, 0], t[:: lc.SOC_EVERY][: len(pairs) - 1])
    assert pairs[-1, 0] == 1800.0
    assert pairs[-1, 1] == pytest.approx(82.0)
    assert lc.soc_chart([], [], "t")["series"][0]["data"] == []


def _plain(x: object) -> bool:
    if isinstance(x, dict):
        return all(type(k) is str and _plain(v) for k, v in x.items())
    if isinstance(x, list):
        return all(_plain(v) for v in x)
    return type(x) in (str, int, float, bool, type(None))


def test_the_options_are_plain_json_without_animation() -> None:
    """What NiceGUI sends as it is: JSON types only (a NumPy float or a function would
    not survive the wire), and no tween that would delay a slider's figures."""
    t = np.linspace(0.0, 1800.0, 5)
    opts = [
        lc.ranges_chart({"wltp_range_km": np.float64(450.0)}, 300.0, "x"),
        lc.breakdown_chart([("aero", np.float64(90.0), 40.0)], "t"),
        lc.speed_chart(t, t / 20, "t"),
        lc.soc_chart(t, 100 - t / 100, "t"),
    ]
    for opt in opts:
        assert json.loads(json.dumps(opt)) == opt
        assert _plain(opt), opt
        assert opt["animation"] is False
        for key in ("xAxis", "yAxis", "series"):
            assert key in opt
