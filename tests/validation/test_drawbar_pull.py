"""Drawbar pull against slip on dry sand: the kernel's ground model against Bekker-Wong.

The reference is worked out here from the model's definitions, independently of
``evtwin.physics.terrain``'s closed forms: the critical pressure in Wong's explicit form
(Theory of Ground Vehicles, 4th ed., 2008, eq. 2.80), the sinkage by root-finding on
Bekker's pressure-sinkage law, the compaction resistance as the integral of pressure
over the rut's depth, and the thrust as the integral of Janosi-Hanamoto's shear stress
over the contact patch, along which the shear displacement grows as ``j = i x``
(Wong's slip ``i = 1 - v / (omega r)``). The simulation side is
:func:`evtwin.physics.ground.ground_force`, fed the SAE slip ``k = i / (1 - i)`` that a
vehicle kernel would pass. Acceptance (issue 4): within 2 % at every slip, for a
tyre at road pressure (rigid-wheel mode) and aired down (flattened mode).

Dry sand: Land Locomotion Laboratory values from Wong's Table 2.3 (n = 1.1,
k_c = 0.99 kN/m^(n+1), k_phi = 1528.43 kN/m^(n+2), c = 1.04 kPa, phi = 28 deg), K = 25 mm.
"""

from __future__ import annotations

import math

import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from evtwin.physics.ground import ground_force, ground_row
from evtwin.specs.terrain import soil_table, surface_table

pytestmark = pytest.mark.validation

WIDTH_M, RADIUS_M = 0.255, 0.38  # a 255/55 R20 tyre
LOAD_N = 5000.0  # a quarter of a 2,040 kg SUV
SPEED = 2.0  # m/s, forwards
SLIPS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
TOLERANCE = 0.02  # issue 4 acceptance


def reference_drawbar_pull(slip: float, inflation_kpa: float) -> tuple[float, float, float]:
    """(thrust, motion resistance, sinkage) by direct integration of Bekker-Wong [N, N, m]."""
    soil = soil_table().soils["sand"]
    surfaces = surface_table()
    tyre = surfaces.tyres["road"]
    n = soil.exponent_n.value
    k = soil.k_c_kn_per_m_np1.value * 1e3 / WIDTH_M + soil.k_phi_kn_per_m_np2.value * 1e3
    c = soil.cohesion_kpa.value * 1e3
    tan_phi = math.tan(math.radians(soil.friction_angle_deg.value))
    shear_k = soil.shear_modulus_m.value
    d = 2.0 * RADIUS_M

    # Wong's critical pressure, in his explicit form.
    p_cr = k ** (1.0 / (2.0 * n + 1.0)) * (3.0 * LOAD_N / ((3.0 - n) * WIDTH_M * math.sqrt(d))) ** (
        2.0 * n / (2.0 * n + 1.0)
    )
    p_g = (inflation_kpa + tyre.carcass_pressure_kpa.value) * 1e3
    # Flattened (elastic) tyre below the critical pressure, rigid wheel above; the patch
    # no longer than the tyre's diameter.
    p = max(min(p_g, p_cr), LOAD_N / (WIDTH_M * d))
    sinkage = brentq(lambda z: k * z**n - p, 0.0, 2.0, xtol=1e-14)
    compaction = WIDTH_M * quad(lambda z: k * z**n, 0.0, sinkage)[0]
    length = LOAD_N / (WIDTH_M * p)

    def tau(x: float) -> float:
        return (c + p * tan_phi) * (1.0 - math.exp(-slip * x / shear_k))

    shear = tyre.soil_shear_factor.value * WIDTH_M * quad(tau, 0.0, length)[0]
    crr = (
        surfaces.surfaces["dry_asphalt"].rolling_resistance_coefficient.value
        * (inflation_kpa / 240.0) ** tyre.rolling_resistance_pressure_exponent.value
    )
    return shear, compaction + crr * LOAD_N, sinkage


@pytest.mark.parametrize("inflation_kpa", [240.0, 70.0])
def test_drawbar_pull_on_dry_sand_matches_bekker_wong(inflation_kpa: float) -> None:
    row = ground_row(
        "sand", tyre_width_m=WIDTH_M, tyre_radius_m=RADIUS_M, inflation_kpa=inflation_kpa
    )
    lines = [
        f"\nDry sand, {LOAD_N:.0f} N on a {WIDTH_M * 1e3:.0f} mm x {2 * RADIUS_M:.2f} m tyre "
        f"at {inflation_kpa:.0f} kPa",
        f"{'slip':>6} {'DP model N':>11} {'DP ref N':>10} {'diff %':>8} {'sinkage mm':>11}",
    ]
    worst = 0.0
    for i in SLIPS:
        kappa = i / (1.0 - i)
        force, resistance, sinkage = ground_force(kappa, LOAD_N, SPEED, row)
        thrust_ref, resistance_ref, sinkage_ref = reference_drawbar_pull(i, inflation_kpa)
        model, ref = force - resistance, thrust_ref - resistance_ref
        diff = abs(model - ref) / abs(ref)
        worst = max(worst, diff)
        lines.append(f"{i:6.2f} {model:11.1f} {ref:10.1f} {100 * diff:8.4f} {1e3 * sinkage:11.1f}")
        assert sinkage == pytest.approx(sinkage_ref, rel=TOLERANCE)
        assert model == pytest.approx(ref, rel=TOLERANCE)
    lines.append(f"largest difference {100 * worst:.4f} % (acceptance {100 * TOLERANCE:.0f} %)")
    print("\n".join(lines))


def test_airing_down_raises_drawbar_pull_on_dry_sand() -> None:
    # The reference curves themselves: the aired-down tyre pulls more at every slip.
    for i in SLIPS:
        hard = reference_drawbar_pull(i, 240.0)
        soft = reference_drawbar_pull(i, 70.0)
        assert soft[0] - soft[1] > hard[0] - hard[1]
