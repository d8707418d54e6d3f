"""Off-road geometry by hand: tangent lines to a wheel, box bodies, limits, the spec
block, the reference files and the procedure."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from evtwin.physics import geometry as geo
from evtwin.sim.geometry import geometry
from evtwin.specs import VehicleSpec, load_vehicle, parse_vehicle
from evtwin.specs.geometry import Geometry
from evtwin.specs.offroad_reference import load_reference, reference_names
from evtwin.study.geometry import geometry_band

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _fig(v: float, **kw: Any) -> dict[str, Any]:
    return {"value": v, "source": "test", **kw}


# --- physics: one point and one wheel ---------------------------------------------


def test_point_on_the_ground_gives_zero() -> None:
    assert geo.tangent_angle(0.4, 1.0, 0.0) == pytest.approx(0.0, abs=1e-12)


def test_point_at_axle_height_gives_asin_r_over_d() -> None:
    # r = 0.4 m, point 0.8 m ahead at 0.4 m: the tangent from it meets the wheel at
    # sin(a) = r / d = 0.5, a = 30 degrees exactly.
    assert math.degrees(float(geo.tangent_angle(0.4, 0.8, 0.4))) == pytest.approx(30.0)


def test_box_overhang_tangent_line_touches_the_wheel() -> None:
    # A square overhang corner 0.9 m ahead of the axle, 0.45 m up, on a 0.35 m wheel:
    # the plane at the angle returned passes through the corner and lies exactly r from
    # the wheel's centre, with the tangent point ahead of the contact patch.
    r, d, h = 0.35, 0.9, 0.45
    a = float(geo.tangent_angle(r, d, h))
    normal = np.array([-math.sin(a), math.cos(a)])
    distance = abs(np.dot(np.array([0.0 - d, r - h]), normal))
    assert distance == pytest.approx(r, rel=1e-12)
    foot = np.array([0.0, r]) - r * normal
    assert foot[0] > 0.0
    # Hand value: d sin(a) + (r - h) cos(a) = r solved by bisection, apart from the code.
    assert math.degrees(a) == pytest.approx(29.08, abs=0.01)


def test_vanishing_wheel_gives_the_line_from_the_contact_point() -> None:
    assert float(geo.tangent_angle(1e-9, 1.0, 0.5)) == pytest.approx(math.atan(0.5))


def test_zero_height_corner_at_the_contact_point_constrains_nothing_above() -> None:
    # A point directly above the contact point (d = 0) and outside the wheel: no ramp
    # can reach it before the tyre does.
    assert float(geo.tangent_angle(0.4, 0.0, 0.9)) == pytest.approx(math.pi / 2)
    assert float(geo.tangent_angle(0.4, -0.1, 0.9)) == pytest.approx(math.pi / 2)
    assert float(geo.tangent_angle(0.4, -0.5, 0.1)) == pytest.approx(math.pi / 2)
    # A point on the ground at the contact point's edge: any ramp touches it.
    assert float(geo.tangent_angle(0.4, 1e-6, 0.0)) == pytest.approx(0.0, abs=1e-9)


def test_point_inside_the_tyre_is_rejected() -> None:
    assert math.isnan(float(geo.tangent_angle(0.4, 0.1, 0.3)))
    with pytest.raises(ValueError, match="inside the tyre"):
        geo.approach_angle(0.4, [0.1, 1.0], [0.3, 0.5])


def test_approach_picks_the_critical_point() -> None:
    # Tip 1.0 m out at 0.5 m, a lower valance 0.6 m out at 0.2 m: the valance limits.
    a, i = geo.approach_angle(0.4, [1.0, 0.6], [0.5, 0.2])
    assert i == 1
    assert a == pytest.approx(float(geo.tangent_angle(0.4, 0.6, 0.2)))
    assert a < float(geo.tangent_angle(0.4, 1.0, 0.5))


def test_departure_is_the_mirror_of_approach() -> None:
    assert geo.departure_angle(0.38, [0.8], [0.45]) == geo.approach_angle(0.38, [0.8], [0.45])


# --- physics: breakover ------------------------------------------------------------


def test_flat_belly_on_small_wheels_is_the_textbook_formula() -> None:
    b, _ = geo.breakover_angle(2.8, 1e-9, 1e-9, [1.4], [0.25])
    assert b == pytest.approx(2.0 * math.atan(2.0 * 0.25 / 2.8))


def test_belly_at_axle_height_hand_value() -> None:
    # L = 2.0 m, r = 0.4 m, belly 0.4 m up at mid-wheelbase: each side asin(0.4 / 1.0).
    b, _ = geo.breakover_angle(2.0, 0.4, 0.4, [1.0], [0.4])
    assert math.degrees(b) == pytest.approx(2.0 * math.degrees(math.asin(0.4)))


def test_the_critical_underbody_point_is_not_always_the_lowest() -> None:
    # A low point close to the front wheel and a higher one at mid-wheelbase: the
    # mid point limits, because a plane reaching near a wheel must be steep.
    x, h = [0.5, 1.45], [0.18, 0.24]
    b, i = geo.breakover_angle(2.9, 0.38, 0.38, x, h)
    assert i == 1
    front = geo.tangent_angle(0.38, np.array(x), np.array(h))
    rear = geo.tangent_angle(0.38, 2.9 - np.array(x), np.array(h))
    assert b == pytest.approx(float(front[1] + rear[1]))
    assert (front + rear)[0] > b


def test_underbody_points_must_lie_between_the_axles() -> None:
    with pytest.raises(ValueError, match="between the axles"):
        geo.breakover_angle(2.8, 0.4, 0.4, [3.0], [0.3])


# --- physics: ride height, wading, articulation, profile ---------------------------


def test_ride_height_moves_body_points_only() -> None:
    np.testing.assert_allclose(geo.raised([0.2, 0.5], 0.075), [0.275, 0.575])
    assert geo.wading_depth(0.9, -0.075) == pytest.approx(0.825)


def test_ramp_travel_index_hand_values() -> None:
    # 0.5 m of articulation on a 2.5 m wheelbase: 1000 x 0.5 / (2.5 sin 20 deg) = 584.8.
    assert float(geo.ramp_travel_index(0.5, 2.5)) == pytest.approx(584.76, abs=0.01)
    assert float(geo.ramp_travel_index(0.5, 2.5, ramp_deg=23.0)) == pytest.approx(
        1000 * 0.5 / (2.5 * math.sin(math.radians(23.0)))
    )


def test_articulation_from_travel_is_twice_the_smaller_travel() -> None:
    assert float(geo.articulation_from_travel(0.23, 0.26)) == pytest.approx(0.46)


def test_side_profile_frame() -> None:
    p = geo.side_profile(2.5, 0.4, 0.35, ([0.9], [0.5]), ([1.25], [0.2]), ([0.8], [0.45]))
    np.testing.assert_allclose(p["outline_x"], [0.9, -1.25, -3.3])
    np.testing.assert_allclose(p["outline_z"], [0.5, 0.2, 0.45])
    r_front = np.hypot(p["front_wheel_x"], p["front_wheel_z"] - 0.4)
    r_rear = np.hypot(p["rear_wheel_x"] + 2.5, p["rear_wheel_z"] - 0.35)
    np.testing.assert_allclose(r_front, 0.4)
    np.testing.assert_allclose(r_rear, 0.35)
    assert p["front_wheel_z"].min() == pytest.approx(0.0, abs=1e-3)


# --- the spec block ----------------------------------------------------------------


def _block(**kw: Any) -> dict[str, Any]:
    g: dict[str, Any] = {
        "front_overhang": {"tip_height_mm": _fig(450)},
        "rear_overhang": {"tip_height_mm": _fig(480)},
    }
    g.update(kw)
    return g


def test_geometry_block_checks_its_modes() -> None:
    modes = [{"name": "normal", "offset_mm": _fig(0)}, {"name": "off-road", "offset_mm": _fig(75)}]
    g = Geometry.model_validate(_block(modes=modes))
    assert g.offset_mm("off-road") == 75.0
    assert g.offset_mm(None) == 0.0
    with pytest.raises(KeyError, match="no ride-height mode 'sand'"):
        g.offset_mm("sand")
    bad = [
        (_block(modes=[*modes, modes[1]]), "unique"),
        (_block(modes=modes[1:]), "reference_mode 'normal' is not one of the modes"),
        (_block(modes=[{"name": "normal", "offset_mm": _fig(5)}]), "offset_mm 0"),
        (_block(wading_depth_mm=_fig(500), wading_mode="wade"), "wading_mode"),
        (_block(wheel_travel_front_mm=_fig(230)), "both wheel_travel"),
        (_block(front_overhang={"tip_height_mm": _fig(450), "extra": 1}), "Extra inputs"),
    ]
    for data, message in bad:
        with pytest.raises(ValidationError, match=message):
            Geometry.model_validate(data)


def _car(**geometry_kw: Any) -> VehicleSpec:
    base = parse_vehicle((FIXTURES / "awd-car.yaml").read_text(), "awd-car.yaml")
    data = base.model_dump()
    data["geometry"] = _block(**geometry_kw)
    data["body"]["ground_clearance_mm"] = _fig(200, low=180, high=220)
    return VehicleSpec.model_validate(data)


def test_procedure_on_a_box_body_matches_the_physics() -> None:
    car = _car()
    r = car.tyres.radius_m
    g = geometry(car)
    assert g.approach_deg == pytest.approx(math.degrees(float(geo.tangent_angle(r, 0.9, 0.45))))
    assert g.departure_deg == pytest.approx(math.degrees(float(geo.tangent_angle(r, 0.9, 0.48))))
    flat = 2.0 * float(geo.tangent_angle(r, 1.45, 0.2))
    assert g.breakover_deg == pytest.approx(math.degrees(flat))
    assert g.approach_point == "front_overhang.tip"
    assert g.breakover_point == "underbody.middle"
    assert g.breakover_point_m == pytest.approx((-1.45, 0.2))
    assert g.departure_point_m == pytest.approx((-3.8, 0.48))
    assert g.ground_clearance_m == pytest.approx(0.2)
    assert g.rti is None
    assert g.wading_depth_m is None
    d = g.to_dict()
    assert d["approach_deg"] == round(g.approach_deg, 2)
    assert d["ground_clearance_mm"] == 200.0
    assert "profile_m" not in d
    assert "outline_x" in g.to_dict(with_profile=True)["profile_m"]
    with pytest.raises(ValueError, match="read-only"):
        g.profile["outline_z"][0] = 0.0


def test_a_mode_raises_every_point_by_its_offset() -> None:
    modes = [{"name": "normal", "offset_mm": _fig(0)}, {"name": "high", "offset_mm": _fig(60)}]
    car = _car(
        modes=modes,
        wading_depth_mm=_fig(500),
        wheel_travel_front_mm=_fig(230),
        wheel_travel_rear_mm=_fig(250),
    )
    r = car.tyres.radius_m
    g = geometry(car, "high")
    assert g.approach_deg == pytest.approx(math.degrees(float(geo.tangent_angle(r, 0.9, 0.51))))
    assert g.ground_clearance_m == pytest.approx(0.26)
    assert g.wading_depth_m == pytest.approx(0.56)
    assert g.articulation_m == pytest.approx(0.46)
    assert g.rti == pytest.approx(1000 * 0.46 / (2.9 * math.sin(math.radians(20))))
    with pytest.raises(KeyError):
        geometry(car, "sand")


def test_lowest_point_and_underbody_points_are_used() -> None:
    car = _car(
        front_overhang={
            "tip_height_mm": _fig(500),
            "lowest": {"distance_mm": _fig(600), "height_mm": _fig(250)},
        },
        underbody={"front": {"distance_mm": _fig(400), "height_mm": _fig(150)}},
    )
    g = geometry(car)
    assert g.approach_point == "front_overhang.lowest"
    assert g.approach_point_m == pytest.approx((0.6, 0.25))
    assert len(g.profile["outline_x"]) == 5
    outside = _car(underbody={"rear": {"distance_mm": _fig(3000), "height_mm": _fig(150)}})
    with pytest.raises(ValueError, match="between the axles"):
        geometry(outside)


def test_a_car_without_geometry_is_refused() -> None:
    base = parse_vehicle((FIXTURES / "awd-car.yaml").read_text(), "awd-car.yaml")
    with pytest.raises(ValueError, match="no geometry block"):
        geometry(base)


def test_band_brackets_the_nominal_and_names_its_drivers() -> None:
    car = _car(front_overhang={"tip_height_mm": _fig(450, low=400, high=500)})
    b = geometry_band(car)
    assert b.approach.low < b.approach.nominal < b.approach.high
    assert b.approach.sensitivities[0].path == "geometry.front_overhang.tip_height_mm"
    # Only the ground clearance moves the breakover angle of this car.
    assert b.breakover.low < b.breakover.nominal < b.breakover.high
    assert b.to_dict()["breakover_deg"]["drivers"] == ["body.ground_clearance_mm"]  # type: ignore[index]
    assert b.departure.low == b.departure.nominal == b.departure.high


# --- shipped data --------------------------------------------------------------------


def test_references_load_and_share_one_body() -> None:
    assert reference_names() == ["defender-110", "defender-90"]
    d90, d110 = load_reference("defender-90"), load_reference("defender-110")
    assert d110.wheelbase_mm.value - d90.wheelbase_mm.value == pytest.approx(435.0)
    assert d90.geometry.front_overhang == d110.geometry.front_overhang
    assert d90.geometry.rear_overhang == d110.geometry.rear_overhang
    assert d90.tyre_radius_m == pytest.approx(0.97 * 0.815 / 2, abs=1e-3)
    with pytest.raises(FileNotFoundError, match="defender-110"):
        load_reference("defender-130")


def test_shipped_vehicles_with_geometry_compute() -> None:
    for name in ("defender-sport", "bmw-ix3"):
        g = geometry(load_vehicle(name))
        for angle in (g.approach_deg, g.breakover_deg, g.departure_deg):
            assert 5.0 < angle < 60.0
    assert geometry(load_vehicle("defender-sport")).rti is not None
