"""The off-road page's figure builders: pure functions checked against the library."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evtwin.sim.geometry import GeometryResult, geometry
from evtwin.sim.offroad import OffroadResult
from evtwin.specs import load_vehicle
from evtwin.specs.offroad_reference import load_reference
from evtwin.web import charts_offroad as charts
from evtwin.web.page_offroad import at_offset, mode_geometry, ride_offset_mm


def _cases() -> list[GeometryResult]:
    spec = load_vehicle("defender-sport")
    raised, name = at_offset(spec, 75.0, "rock_crawl")
    ref = load_reference("defender-110")
    return [
        geometry(spec),
        geometry(raised, name),
        geometry(load_vehicle("bmw-ix3")),
        geometry(ref, "air-off-road"),
    ]


@pytest.fixture(params=range(4), ids=["sport", "sport+75mm", "ix3", "d110-off-road"])
def g(request: pytest.FixtureRequest) -> GeometryResult:
    return _cases()[request.param]


def _trace(fig: object, name: str) -> object:
    return next(t for t in fig.data if t.name == name)  # type: ignore[attr-defined]


def _slope(t: object) -> float:
    x, y = t.x, t.y  # type: ignore[attr-defined]
    return math.degrees(math.atan2(y[1] - y[0], abs(x[1] - x[0])))


def test_drawn_planes_have_the_computed_angles(g: GeometryResult) -> None:
    fig = charts.geometry_figure(g, 1.8)
    assert _slope(_trace(fig, "approach")) == pytest.approx(g.approach_deg, abs=1e-9)
    assert _slope(_trace(fig, "departure")) == pytest.approx(g.departure_deg, abs=1e-9)
    halves = _slope(_trace(fig, "breakover_front")) + _slope(_trace(fig, "breakover_rear"))
    assert halves == pytest.approx(g.breakover_deg, abs=1e-9)


def _distance_to_line(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    (x0, y0), (x1, y1), (x2, y2) = p, a, b
    return abs((x2 - x1) * (y1 - y0) - (x1 - x0) * (y2 - y1)) / math.hypot(x2 - x1, y2 - y1)


def test_planes_touch_the_tyre_and_the_critical_point(g: GeometryResult) -> None:
    lines = charts.angle_lines(g)
    r, wb = g.tyre_radius_m, g.wheelbase_m
    checks = {
        "approach": ((0.0, r), g.approach_point_m),
        "departure": ((-wb, r), g.departure_point_m),
        "breakover_front": ((0.0, r), g.breakover_point_m),
        "breakover_rear": ((-wb, r), g.breakover_point_m),
    }
    for name, (centre, point) in checks.items():
        ln = lines[name]
        assert ln.ground[1] == 0.0
        # ISO 612: tangent to the tyre (the wheel centre a radius from the plane) ...
        assert _distance_to_line(centre, ln.ground, ln.end) == pytest.approx(r, abs=1e-9)
        # ... and through the critical point.
        assert _distance_to_line(point, ln.ground, ln.end) == pytest.approx(0.0, abs=1e-9)
        assert charts.slope_deg(ln) == pytest.approx(ln.angle_deg, abs=1e-9)


def test_labels_give_the_angles_in_degrees(g: GeometryResult) -> None:
    fig = charts.geometry_figure(g, None)
    labels = {a.text for a in fig.layout.annotations}
    assert f"approach {g.approach_deg:.1f}°" in labels
    assert f"breakover {g.breakover_deg:.1f}°" in labels
    assert f"departure {g.departure_deg:.1f}°" in labels


def test_body_outline_passes_through_the_critical_points(g: GeometryResult) -> None:
    x, z = charts.body_outline(g, 1.8)
    pts = set(zip(np.round(x, 12), np.round(z, 12), strict=True))
    for p in (g.approach_point_m, g.breakover_point_m, g.departure_point_m):
        assert (round(p[0], 12), round(p[1], 12)) in pts
    # The schematic roof is the body's height, raised with the body.
    assert float(np.max(z)) == pytest.approx(1.8 + g.offset_m)
    # Wheels are the library's circles, not moved by the ride height.
    fig = charts.geometry_figure(g, 1.8)
    wheel = _trace(fig, "front wheel")
    assert min(wheel.y) == pytest.approx(0.0, abs=1e-12)  # type: ignore[attr-defined]


def test_ride_height_follows_the_mode_on_air_suspension_only() -> None:
    assert ride_offset_mm("defender-sport", "rock_crawl") == pytest.approx(75.0)
    assert ride_offset_mm("defender-sport", "comfort") == 0.0
    assert ride_offset_mm("defender-sport", "auto") == 0.0
    assert ride_offset_mm("bmw-ix3", "rock_crawl") == 0.0  # no air suspension
    spec = load_vehicle("defender-sport")
    assert at_offset(spec, 0.0, "comfort") == (spec, None)
    mg = mode_geometry("defender-sport", "wade", with_band=False)
    assert mg.result.offset_m == pytest.approx(0.075)
    assert mg.result.approach_deg > geometry(spec).approach_deg
    ref = mode_geometry("defender-110", "comfort", with_band=False)
    assert ref.published[0] == ("air-normal", (30.1, 22.0, 37.7))


def test_scorecard_cells_and_blanks() -> None:
    results = {
        "a": {"s1": {"passed": True, "score": 31.25, "score_unit": "%", "mode": "sand"}},
        "b": {"s1": {"passed": False, "score": None, "score_unit": "h/r", "mode": "comfort"}},
    }
    fig = charts.scorecard_figure(
        results, ["a", "b"], ["s1", "s2"], {"a": "Car A"}, {"s1": "Sand"}, show_mode=True
    )
    h = fig.data[0]
    assert list(h.y) == ["Car A", "b"]
    assert list(h.x) == ["Sand", "s2"]
    assert [h.z[0][0], h.z[1][0]] == [1.0, 0.0]
    assert h.z[0][1] is None
    assert h.text[0][0] == "31.25 % ✓<br>sand"
    assert h.text[1][0].startswith("- h/r ✗")
    assert h.text[1][1] == "…"


def _fake_result() -> OffroadResult:
    t = np.arange(0.0, 2.0, 0.01)
    four = np.vstack([t * (k + 1) for k in range(4)])
    return OffroadResult(
        scenario="x",
        scenario_name="X",
        architecture="a",
        mode="comfort",
        mode_requested="comfort",
        passed=True,
        score=1.0,
        score_unit="%",
        pass_threshold=0.0,
        higher_is_better=True,
        energy_kwh_per_km=0.3,
        distance_m=10.0,
        duration_s=2.0,
        brake_temperature_max_c=20.0,
        brake_energy_kj=0.0,
        sinkage_mean_m=0.0,
        lockers_closed=(False, False, False),
        time_s=t,
        speed_mps=2.0 * t,
        wheel_speed_radps=four,
        slip=four / 10,
        drive_torque_nm=np.vstack([1000 * t, 2000 * t]),
        brake_torque_nm=four,
        brake_temperature_c=four,
        normal_load_n=5000.0 + four,
    )


def test_playback_values_and_cursor() -> None:
    r = _fake_result()
    v = charts.trace_values(r, 1.234)
    assert v["time_s"] == pytest.approx(1.23)
    assert v["speed_kph"] == pytest.approx(2.0 * 1.23 * 3.6)
    assert v["slip_RL"] == pytest.approx(3 * 1.23 / 10)
    assert v["drive_rear_knm"] == pytest.approx(2.46)
    assert v["load_FR_kn"] == pytest.approx((5000 + 2 * 1.23) / 1e3)
    assert charts.trace_values(r, 99.0)["time_s"] == pytest.approx(1.99)
    fig = charts.playback_figure(r, 0.5)
    assert fig.layout.shapes[0].x0 == 0.5 == fig.layout.shapes[0].x1
    names = [t.name for t in fig.data]
    assert names.count("speed") == 1
    assert {f"slip {w}" for w in charts.WHEELS} <= set(names)
