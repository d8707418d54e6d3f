"""Motor, inverter, gear and battery terms against hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evtwin.physics import battery, gear, motor
from evtwin.physics.drive_unit import DriveUnit, axle_power, wheel_torque_limits

FR = motor.LossFractions(0.08, 0.02, 0.006, 0.02, 0.015, 0.015, 0.001, 1.0)
C = motor.loss_coefficients(150e3, 300.0, 1500.0, FR)


def test_torque_envelope_constant_torque_then_power() -> None:
    w = np.array([0.0, 250.0, 500.0, 1000.0, 1500.0, 1600.0])
    t = motor.torque_envelope(w, 300.0, 150e3, 1500.0)
    np.testing.assert_allclose(t, [300.0, 300.0, 300.0, 150.0, 100.0, 0.0])


def test_loss_coefficients_scale_fractions() -> None:
    assert C.k_copper == pytest.approx(0.08 * 150e3 / 300.0**2)
    assert C.k_iron == pytest.approx(0.02 * 150e3 / 1500.0**1.5)
    assert C.inverter_standby == pytest.approx(150.0)


def test_motor_loss_hand_value() -> None:
    # At 200 N m, 800 rad/s (above base speed 500 rad/s):
    t, w = 200.0, 800.0
    copper = 0.08 * 150e3 * (200 / 300) ** 2
    iron = 0.02 * 150e3 * (800 / 1500) ** 1.5  # PMSM: full iron loss at any torque
    mech = 0.006 * 150e3 * 0.5 * (800 / 1500 + (800 / 1500) ** 3)
    fw = 0.02 * 150e3 * ((800 - 500) / (1500 - 500)) ** 2
    assert motor.motor_loss(t, w, C) == pytest.approx(copper + iron + mech + fw)
    # Generating at the same point loses the same.
    assert motor.motor_loss(-t, w, C) == pytest.approx(copper + iron + mech + fw)


def test_inverter_loss_hand_value_and_off_at_rest() -> None:
    x = 150.0 / 300.0
    expected = 150e3 * (0.001 + 0.015 * x + 0.015 * x * x)
    assert motor.inverter_loss(150.0, 100.0, C) == pytest.approx(expected)
    assert motor.inverter_loss(0.0, 0.0, C) == 0.0
    assert motor.motor_loss(0.0, 0.0, C) == 0.0


def test_induction_iron_loss_falls_at_no_load() -> None:
    ci = C._replace(iron_share_at_zero_torque=0.1)
    assert motor.motor_loss(0.0, 800.0, ci) < motor.motor_loss(0.0, 800.0, C)


def _defaults(kind: str) -> motor.LossCoefficients:
    return motor.loss_coefficients(150e3, 300.0, 1600.0, motor.DEFAULT_LOSS_FRACTIONS[kind])


@pytest.mark.parametrize("kind", ["pmsm", "induction", "eesm"])
def test_default_efficiency_map_is_plausible(kind: str) -> None:
    # Production drives peak at 95-98 % (motor and inverter together) and stay above
    # 90 % at moderate load.
    c = _defaults(kind)
    w = np.linspace(50.0, 1600.0, 60)[:, None]
    t = np.linspace(5.0, 300.0, 60)[None, :]
    env = motor.torque_envelope(w, 300.0, 150e3, 1600.0)
    eta = np.where(t <= env, motor.efficiency(t, w, c), np.nan)
    assert 0.95 <= np.nanmax(eta) <= 0.98
    assert motor.efficiency(100.0, 600.0, c) > 0.9


def test_induction_loses_more_at_light_load_but_less_spinning_fast() -> None:
    pm, im = _defaults("pmsm"), _defaults("induction")
    assert motor.efficiency(30.0, 500.0, im) < motor.efficiency(30.0, 500.0, pm)
    assert motor.motor_loss(0.0, 1400.0, im) < motor.motor_loss(0.0, 1400.0, pm)


def test_gear_torque_both_directions() -> None:
    # Driving: T_m = (T_w + drag) / (r eta)
    assert gear.motor_torque_from_wheel(900.0, 9.0, 0.97, 3.0) == pytest.approx(903 / (9 * 0.97))
    # Regenerating: T_m = (T_w + drag) eta / r
    assert gear.motor_torque_from_wheel(-900.0, 9.0, 0.97, 3.0) == pytest.approx(-897 * 0.97 / 9)


def test_gear_loss_is_mesh_plus_drag() -> None:
    w = 40.0
    # Driving: (1/eta - 1)(T_w + drag) w + drag w
    assert gear.gear_loss(900.0, w, 9.0, 0.97, 3.0) == pytest.approx(
        903 * w * (1 / 0.97 - 1) + 3 * w
    )
    # Regenerating: (1 - eta) |T_w + drag| w + drag w
    assert gear.gear_loss(-900.0, w, 9.0, 0.97, 3.0) == pytest.approx(897 * w * 0.03 + 3 * w)
    assert np.all(gear.gear_loss(np.linspace(-2000, 2000, 41), w, 9.0, 0.97, 3.0) >= 0)


def test_axle_power_adds_up_and_idle_off() -> None:
    unit = DriveUnit(9.0, 0.97, 3.0, True, 300.0, 150e3, 1500.0, C)
    p = axle_power(900.0, 40.0, unit)
    assert p.power_dc == pytest.approx(900 * 40 + p.loss_gear + p.loss_motor + p.loss_inverter)
    idle = axle_power(0.0, 40.0, unit, idle_off=True)
    assert idle.power_dc == pytest.approx(0.0)
    assert idle.loss_gear == pytest.approx(3.0 * 40.0)
    drive, brake = wheel_torque_limits(10.0, unit)
    assert drive == pytest.approx(300 * 9 * 0.97 - 3.0)
    assert brake == pytest.approx(-300 * 9 / 0.97 - 3.0)


def test_battery_current_from_power_hand_value() -> None:
    # 400 V, 0.1 ohm, 40 kW: I = (400 - sqrt(160000 - 16000)) / 0.2
    expected = (400 - math.sqrt(144000.0)) / 0.2
    assert battery.current_from_power(40e3, 400.0, 0.1) == pytest.approx(expected)
    # Charging gives a negative current whose terminal power is -P.
    i = float(battery.current_from_power(-40e3, 400.0, 0.1))
    assert 400 * i - 0.1 * i * i == pytest.approx(-40e3)
    assert math.isnan(float(battery.current_from_power(1e6, 400.0, 0.1)))


def test_battery_power_limits() -> None:
    assert battery.power_limit_discharge(400.0, 0.1, 300.0) == pytest.approx(300 * 100 / 0.1)
    # Below half the OCV the circuit's own maximum V^2 / 4R applies.
    assert battery.power_limit_discharge(400.0, 0.1, 100.0) == pytest.approx(400.0**2 / 0.4)
    assert battery.power_limit_charge(400.0, 0.1, 420.0) == pytest.approx(420 * 20 / 0.1)
    assert battery.power_limit_charge(420.0, 0.1, 420.0) == 0.0


def test_arrhenius_resistance() -> None:
    r = battery.resistance_arrhenius(0.1, 268.15)
    assert r == pytest.approx(0.1 * math.exp(25000 / 8.314462618 * (1 / 268.15 - 1 / 298.15)))
    assert battery.resistance_arrhenius(0.1, 298.15) == pytest.approx(0.1)


def test_ocv_shapes_rise_with_soc() -> None:
    for shape in battery.OCV_SHAPE.values():
        assert np.all(np.diff(shape) > 0)
        assert shape[6] == pytest.approx(1.0)  # normalised at 50 %
