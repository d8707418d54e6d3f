"""Air and road-load terms against hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evtwin.physics import air, road_load
from evtwin.units import GRAVITY, KPH


def test_isa_pressure_sea_level_and_1000_m() -> None:
    assert air.pressure_isa(0.0) == pytest.approx(101325.0)
    # ISA table (ISO 2533): 89874.6 Pa at 1000 m geopotential.
    assert air.pressure_isa(1000.0) == pytest.approx(89874.6, rel=1e-5)


def test_dry_air_density_at_20c() -> None:
    # 101325 / (287.05287 * 293.15) = 1.204106
    assert air.air_density(293.15, 101325.0) == pytest.approx(1.204106, rel=1e-6)


def test_humid_air_is_lighter() -> None:
    dry = air.air_density(303.15, 101325.0, 0.0)
    wet = air.air_density(303.15, 101325.0, 1.0)
    # Saturated air at 30 C holds p_v = 4.24 kPa: rho drops by p_v (1/R_d - 1/R_v) / T.
    p_v = 610.94 * math.exp(17.625 * 30.0 / (30.0 + 243.04))
    expected = dry - p_v * (1 / air.R_DRY_AIR - 1 / air.R_WATER_VAPOUR) / 303.15
    assert wet == pytest.approx(expected, rel=1e-12)
    assert p_v == pytest.approx(4243.0, rel=2e-3)


def test_aero_force_hand_value() -> None:
    # 0.5 * 1.2 * 0.3 * 2.5 * 30^2 = 405 N
    assert road_load.force_aero(1.2, 0.3, 2.5, 30.0) == pytest.approx(405.0)
    # A tailwind faster than the car pushes it.
    assert road_load.force_aero(1.2, 0.3, 2.5, -10.0) == pytest.approx(-45.0)


def test_rolling_force_on_level_and_slope() -> None:
    assert road_load.force_rolling(2000.0, 0.01) == pytest.approx(2000 * GRAVITY * 0.01)
    # 10 % grade: cos(atan(0.1)) = 1/sqrt(1.01)
    assert road_load.force_rolling(2000.0, 0.01, 0.1) == pytest.approx(
        2000 * GRAVITY * 0.01 / math.sqrt(1.01)
    )


def test_rolling_coefficient_rises_with_speed() -> None:
    assert road_load.rolling_resistance_coefficient(0.008, 0.1, 100 * KPH) == pytest.approx(0.0088)
    assert road_load.rolling_resistance_coefficient(0.008, 0.1, 0.0) == pytest.approx(0.008)


def test_grade_force() -> None:
    # sin(atan(0.1)) = 0.1/sqrt(1.01)
    assert road_load.force_grade(1500.0, 0.1) == pytest.approx(
        1500 * GRAVITY * 0.1 / math.sqrt(1.01)
    )
    assert road_load.force_grade(1500.0, -0.1) < 0


def test_inertia_and_equivalent_mass() -> None:
    assert road_load.force_inertia(1800.0, 2.0) == pytest.approx(3600.0)
    # m + (4 * 1.2 + 3.0) / 0.35^2 = 2000 + 7.8 / 0.1225
    assert road_load.mass_equivalent(2000.0, 1.2, 0.35, 3.0) == pytest.approx(2000 + 7.8 / 0.1225)


def test_coastdown_polynomial() -> None:
    v = np.array([0.0, 10.0, 20.0])
    np.testing.assert_allclose(road_load.force_coastdown(150.0, 2.0, 0.4, v), [150.0, 210.0, 350.0])
