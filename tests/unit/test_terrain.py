"""Bekker-Wong soft-soil terms, each against a hand value or an independent integral."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from evtwin.physics.terrain import (
    compaction_resistance,
    critical_pressure,
    pressure_sinkage,
    rigid_wheel_sinkage,
    shear_slip,
    shear_stress,
    sinkage_at_pressure,
    slip_mobilisation,
    soft_soil_force,
    thrust,
    tyre_ground_pressure,
)

# Dry sand (Wong 2008, Table 2.3), SI.
N, KC, KPHI, C, TAN_PHI, K = 1.1, 0.99e3, 1528.43e3, 1.04e3, math.tan(math.radians(28.0)), 0.025
B, D = 0.255, 0.76


def test_pressure_sinkage_hand_value() -> None:
    # k = 990 / 0.255 + 1528430 = 1532312.35; p = k 0.05^1.1 = 56782.47 Pa.
    assert pressure_sinkage(0.05, KC, KPHI, N, B) == pytest.approx(56782.47, rel=1e-6)
    assert pressure_sinkage(0.0, KC, KPHI, N, B) == 0.0


def test_sinkage_at_pressure_inverts() -> None:
    for z in (0.001, 0.03, 0.2):
        p = pressure_sinkage(z, KC, KPHI, N, B)
        assert sinkage_at_pressure(p, KC, KPHI, N, B) == pytest.approx(z, rel=1e-12)


def _rim_load(z0: float, n: float) -> float:
    """Vertical force of the radial pressure k z^n on the front of a rigid rim [N].

    Exact rim geometry: at angle t from the bottom the depth is R (cos t - cos t0).
    """
    r = D / 2.0
    t0 = math.acos(1.0 - z0 / r)
    k = KC / B + KPHI

    def integrand(t: float) -> float:
        return k * (r * (math.cos(t) - math.cos(t0))) ** n * math.cos(t) * r * B

    return float(quad(integrand, 0.0, t0)[0])


def _parabolic_rim_load(z0: float, n: float) -> float:
    """The same with Bekker's parabolic rim, depth z0 - x^2 / D at x ahead of the bottom [N]."""
    k = KC / B + KPHI
    return float(quad(lambda x: B * k * (z0 - x * x / D) ** n, 0.0, math.sqrt(D * z0))[0])


@pytest.mark.parametrize(("n", "tol"), [(1.0, 1e-9), (1.1, 0.03), (0.7, 0.05)])
def test_rigid_wheel_sinkage_balances_the_load(n: float, tol: float) -> None:
    # On Bekker's parabolic rim the closed form is exact for n = 1; elsewhere it
    # replaces the integral of (1 - t^2)^n by (3 - n) / 3, 2.4 % off at n = 1.1 and
    # 4.7 % at n = 0.7.
    w = 5000.0
    z0 = rigid_wheel_sinkage(w, KC, KPHI, n, B, D)
    assert _parabolic_rim_load(z0, n) == pytest.approx(w, rel=tol)


def test_rigid_wheel_sinkage_on_the_true_rim_at_small_sinkage() -> None:
    # The parabola is the small-sinkage form of the circle: at z0 / D ~ 0.03 the
    # exact rim carries the load to about 1 %.
    w = 800.0
    z0 = rigid_wheel_sinkage(w, KC, KPHI, 1.0, B, D)
    assert z0 / D < 0.04
    assert _rim_load(z0, 1.0) == pytest.approx(w, rel=0.015)


def test_critical_pressure_matches_wongs_form() -> None:
    w = 5000.0
    k = KC / B + KPHI
    wong = k ** (1 / (2 * N + 1)) * (3 * w / ((3 - N) * B * math.sqrt(D))) ** (2 * N / (2 * N + 1))
    assert critical_pressure(w, KC, KPHI, N, B, D) == pytest.approx(wong, rel=1e-12)


def test_tyre_ground_pressure_modes() -> None:
    w = 5000.0
    pcr = critical_pressure(w, KC, KPHI, N, B, D)
    # Hard tyre: rigid mode, the critical pressure; soft tyre: its own pressure.
    assert tyre_ground_pressure(w, 2.0 * pcr, KC, KPHI, N, B, D) == pytest.approx(pcr)
    assert tyre_ground_pressure(w, 0.5 * pcr, KC, KPHI, N, B, D) == pytest.approx(0.5 * pcr)
    # A patch longer than the tyre's diameter is not allowed.
    assert tyre_ground_pressure(w, 1.0, KC, KPHI, N, B, D) == pytest.approx(w / (B * D))


def test_compaction_resistance_is_the_work_of_the_rut() -> None:
    z = 0.08
    work = B * quad(lambda s: pressure_sinkage(s, KC, KPHI, N, B), 0.0, z)[0]
    assert compaction_resistance(z, KC, KPHI, N, B) == pytest.approx(work, rel=1e-9)


def test_shear_stress_hand_value() -> None:
    # (1 kPa + 10 kPa x 0.5)(1 - e^-1) = 3792.72 Pa at j = K.
    assert shear_stress(1e4, 0.02, 1e3, 0.5, 0.02) == pytest.approx(3792.72, rel=1e-6)
    assert shear_stress(1e4, 0.0, 1e3, 0.5, 0.02) == 0.0
    assert shear_stress(1e4, 10.0, 1e3, 0.5, 0.02) == pytest.approx(6000.0)


def test_slip_mobilisation_limits() -> None:
    assert slip_mobilisation(0.0) == 0.0
    assert slip_mobilisation(1e-6) == pytest.approx(5e-7, rel=1e-5)
    assert slip_mobilisation(1.0) == pytest.approx(math.exp(-1.0), rel=1e-12)
    assert slip_mobilisation(1e6) == pytest.approx(1.0, abs=1e-5)


def test_thrust_equals_the_integral_of_shear_over_the_patch() -> None:
    w, length, slip = 5000.0, 0.2, 0.15
    area = B * length
    p = w / area
    direct = B * quad(lambda x: shear_stress(p, slip * x, C, TAN_PHI, K), 0.0, length)[0]
    assert thrust(w, area, C, TAN_PHI, slip, length, K) == pytest.approx(direct, rel=1e-9)
    assert thrust(0.0, area, C, TAN_PHI, slip, length, K) == 0.0


def test_shear_slip_driving_braking_reverse() -> None:
    # Driving forwards: Wong's slip k / (1 + k); braking: |k| / (1 - |k|).
    assert shear_slip(0.25, 10.0, 0.05) == pytest.approx(0.2, rel=1e-4)
    assert shear_slip(-0.5, 10.0, 0.05) == pytest.approx(1.0, rel=1e-4)
    # Reverse mirrors forwards.
    assert shear_slip(-0.25, -10.0, 0.05) == pytest.approx(shear_slip(0.25, 10.0, 0.05))
    assert shear_slip(0.5, -10.0, 0.05) == pytest.approx(shear_slip(-0.5, 10.0, 0.05))
    # Standstill: no direction, |k|; a locked wheel shears without end.
    assert shear_slip(0.3, 0.0, 0.05) == pytest.approx(0.3)
    assert shear_slip(-1.0, 10.0, 0.05) > 1e3


def test_airing_down_helps_on_sand() -> None:
    w, kappa = 5000.0, 0.25
    args = (KC, KPHI, N, C, TAN_PHI, K, B, D, 1.0)
    hard = soft_soil_force(kappa, w, 2.0, 265e3, *args)
    soft = soft_soil_force(kappa, w, 2.0, 85e3, *args)
    assert soft[2] < hard[2]  # sinkage
    assert soft[1] < hard[1]  # compaction resistance
    assert soft[0] - soft[1] > hard[0] - hard[1]  # drawbar pull


def test_soft_soil_force_no_load_and_sign() -> None:
    args = (KC, KPHI, N, C, TAN_PHI, K, B, D, 1.0)
    assert soft_soil_force(0.3, 0.0, 1.0, 200e3, *args) == (0.0, 0.0, 0.0)
    f, r, z = soft_soil_force(-0.3, 5000.0, 1.0, 200e3, *args)
    assert f < 0.0 < r
    assert z > 0.0
    assert soft_soil_force(0.0, 5000.0, 1.0, 200e3, *args)[0] == 0.0


def test_sinkage_rises_with_load_in_rigid_mode() -> None:
    loads = np.linspace(500.0, 20000.0, 30)
    z = [rigid_wheel_sinkage(w, KC, KPHI, N, B, D) for w in loads]
    assert np.all(np.diff(z) > 0.0)
