"""Tyre-road friction, axle loads, the chassis estimates and the trailer, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evtwin.physics import traction
from evtwin.sim.chassis import CG_HEIGHT_SHARE, FRONT_WEIGHT_FRACTION, chassis
from evtwin.sim.trailer import Trailer, towing_extra_road_load
from evtwin.specs import VehicleSpec
from evtwin.study.corners import with_figures
from evtwin.units import GRAVITY as G


def test_surfaces_are_ordered_and_bracketed() -> None:
    mus = [traction.SURFACES[s].value for s in ("dry_asphalt", "wet_asphalt", "snow", "ice")]
    assert mus == sorted(mus, reverse=True)
    for f in traction.SURFACES.values():
        assert 0.0 < f.low <= f.value <= f.high <= 1.2
        assert f.basis


def test_unknown_surface_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"tarmac.*dry_asphalt"):
        traction.friction_coefficient("tarmac")


def test_static_axle_loads_on_the_level() -> None:
    front, rear = traction.axle_loads(2000.0, 0.0, 0.5, 2.8, 0.45)
    assert front == pytest.approx(0.45 * 2000 * G)
    assert rear == pytest.approx(0.55 * 2000 * G)


def test_load_transfer_under_acceleration() -> None:
    # 2000 kg at 5 m/s^2, h = 0.5 m, L = 2.5 m: 2000 * 5 * 0.5 / 2.5 = 2000 N moves rearward.
    f0, r0 = traction.axle_loads(2000.0, 0.0, 0.5, 2.5, 0.5)
    f1, r1 = traction.axle_loads(2000.0, 0.0, 0.5, 2.5, 0.5, force_at_cg=2000.0 * 5.0)
    assert f0 - f1 == pytest.approx(2000.0)
    assert r1 - r0 == pytest.approx(2000.0)
    assert traction.load_transfer(2000.0, 5.0, 0.5, 2.5) == pytest.approx(2000.0)


def test_grade_moves_load_to_the_rear_and_keeps_the_normal_sum() -> None:
    # 20 % grade: cos = 1/sqrt(1.04), sin = 0.2 cos.
    m, h, wb, f = 1800.0, 0.55, 2.9, 0.5
    c = 1.0 / math.sqrt(1.04)
    front, rear = traction.axle_loads(m, 0.2, h, wb, f)
    assert front + rear == pytest.approx(m * G * c)
    assert front == pytest.approx(m * G * (c * f * wb - 0.2 * c * h) / wb)


def test_trailer_hitch_unloads_the_front_and_loads_the_rear() -> None:
    # Nose load V = 700 N at 1.0 m behind the rear axle; drawbar 1000 N at 0.4 m; L = 2.8 m.
    f0, r0 = traction.axle_loads(2000.0, 0.0, 0.5, 2.8, 0.5)
    f1, r1 = traction.axle_loads(
        2000.0,
        0.0,
        0.5,
        2.8,
        0.5,
        drawbar=1000.0,
        hitch_height=0.4,
        hitch_load=700.0,
        hitch_overhang=1.0,
    )
    assert f0 - f1 == pytest.approx((1000.0 * 0.4 + 700.0 * 1.0) / 2.8)
    assert (f1 + r1) - (f0 + r0) == pytest.approx(700.0)


def test_traction_limit_and_lifted_axle() -> None:
    np.testing.assert_allclose(traction.traction_limit([1000.0, -50.0], 0.8), [800.0, 0.0])


def test_all_wheel_grade_limit() -> None:
    assert traction.grade_limit_all_wheel(0.9, 0.01) == pytest.approx(0.89)


def test_chassis_estimates_when_the_file_is_silent(awd_car: VehicleSpec) -> None:
    c = chassis(awd_car)
    assert c.cg_height == pytest.approx(CG_HEIGHT_SHARE * 1.650)
    assert c.front_fraction == FRONT_WEIGHT_FRACTION["awd"]
    assert {"cg_height", "front_fraction"} <= set(c.estimated)
    # Two wheels per axle plus the rotor through the ratio squared.
    assert c.inertia_front > 2 * 1.3
    assert c.hitch_overhang == pytest.approx(0.9 + 0.10)


def test_chassis_uses_the_file_when_it_speaks(awd_car: VehicleSpec) -> None:
    data = awd_car.model_dump()
    data["body"]["cg_height_mm"] = {"value": 520.0, "source": "test"}
    data["mass"]["front_weight_fraction"] = {"value": 0.46, "source": "test"}
    c = chassis(VehicleSpec.model_validate(data))
    assert (c.cg_height, c.front_fraction) == (0.52, 0.46)
    assert "cg_height" not in c.estimated


def test_spec_rejects_impossible_cg_and_weight_split(awd_car: VehicleSpec) -> None:
    data = awd_car.model_dump()
    data["body"]["cg_height_mm"] = {"value": 900.0, "source": "test"}
    with pytest.raises(ValueError, match="cg_height_mm"):
        VehicleSpec.model_validate(data)
    data = awd_car.model_dump()
    data["mass"]["front_weight_fraction"] = {"value": 0.9, "source": "test"}
    with pytest.raises(ValueError, match="front_weight_fraction"):
        VehicleSpec.model_validate(data)
    # The corners machinery moves the new figures like any other.
    assert with_figures(awd_car, {"mass.kerb_kg": 2150.0}).mass.kerb_kg.value == 2150.0


def test_trailer_road_load_by_hand() -> None:
    t = Trailer(
        mass_kg=1500.0,
        frontal_area_m2=4.0,
        drag_coefficient=0.5,
        rolling_resistance_coefficient=0.01,
        tongue_load_fraction=0.06,
    )
    v, rho = 25.0, 1.2
    expected = 1500 * 0.94 * G * 0.01 + 0.5 * 1.2 * 0.5 * 4.0 * v * v
    assert t.road_load(v, rho) == pytest.approx(expected)
    extra = towing_extra_road_load(t, v, rho, car_crr=0.008)
    assert extra == pytest.approx(expected + 1500 * 0.06 * G * 0.008)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mass_kg", 0.0),
        ("frontal_area_m2", -1.0),
        ("drag_coefficient", float("nan")),
        ("rolling_resistance_coefficient", 0.2),
        ("tongue_load_fraction", 0.5),
        ("hitch_height_m", 2.0),
        ("mass_kg", True),
    ],
)
def test_trailer_rejects_bad_input_naming_the_field(field: str, value: float) -> None:
    args = {
        "mass_kg": 1000.0,
        "frontal_area_m2": 3.0,
        "drag_coefficient": 0.4,
        "rolling_resistance_coefficient": 0.01,
    }
    args[field] = value
    with pytest.raises(ValueError, match=field):
        Trailer(**args)  # type: ignore[arg-type]
