"""Properties of the ground model that physics fixes, over the whole input range."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evtwin.physics import ground as g
from evtwin.physics.ground import FIRM_SURFACES, SOFT_SOILS, SURFACES, ground_force, ground_row
from evtwin.physics.terrain import soft_soil_force
from evtwin.physics.tyre import slip_step

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

kappas = st.floats(-1.0, 50.0)
loads = st.floats(0.0, 20000.0)
speeds = st.floats(-40.0, 40.0)
widths = st.floats(0.15, 0.40)
radii = st.floats(0.28, 0.50)
inflations = st.floats(60.0, 350.0)
tyre_types = st.sampled_from(["road", "all_terrain"])


def _row(surface: str, width: float, radius: float, inflation: float, tyre: str) -> object:
    return ground_row(
        surface,
        tyre_width_m=width,
        tyre_radius_m=radius,
        inflation_kpa=inflation,
        tyre_type=tyre,
    )


@SETTINGS
@given(st.sampled_from(SURFACES), kappas, loads, speeds, widths, radii, inflations, tyre_types)
def test_bounded_and_finite(
    surface: str,
    kappa: float,
    fz: float,
    vx: float,
    width: float,
    radius: float,
    inflation: float,
    tyre: str,
) -> None:
    row = _row(surface, width, radius, inflation, tyre)
    f, r, z = ground_force(kappa, fz, vx, row)
    assert all(math.isfinite(x) for x in (f, r, z))
    assert r >= 0.0
    assert z >= 0.0
    if surface in FIRM_SURFACES:
        assert abs(f) <= row[g.G_D] * fz * (1.0 + 1e-12)
    else:
        # No more than the soil's shear strength over a patch as long as the tyre's
        # diameter, and the sign of the slip.
        limit = row[g.G_SHEAR_FACTOR] * (
            row[g.G_SOIL_COHESION] * width * 2.0 * radius + fz * row[g.G_SOIL_TAN_PHI]
        )
        assert abs(f) <= limit * (1.0 + 1e-12)
    if kappa != 0.0 and fz > 0.0:
        assert math.copysign(1.0, f) == math.copysign(1.0, kappa) or f == 0.0


@SETTINGS
@given(st.sampled_from(SURFACES), kappas, speeds, widths, radii, inflations, tyre_types)
def test_no_load_no_force(
    surface: str, kappa: float, vx: float, width: float, radius: float, inflation: float, tyre: str
) -> None:
    row = _row(surface, width, radius, inflation, tyre)
    assert ground_force(kappa, 0.0, vx, row) == (0.0, 0.0, 0.0)


@SETTINGS
@given(st.sampled_from(SURFACES), st.floats(0.0, 1.0), loads, speeds, inflations, tyre_types)
def test_mirror_symmetry(
    surface: str, kappa: float, fz: float, vx: float, inflation: float, tyre: str
) -> None:
    # Driving forwards and driving backwards are mirror images: the force turns with
    # the slip and the speed together; the resistance and sinkage do not change.
    row = _row(surface, 0.255, 0.38, inflation, tyre)
    f1, r1, z1 = ground_force(kappa, fz, vx, row)
    f2, r2, z2 = ground_force(-kappa, fz, -vx, row)
    assert f2 == -f1 or math.isclose(f2, -f1, rel_tol=1e-12, abs_tol=1e-9)
    assert math.isclose(r1, r2, rel_tol=1e-12)
    assert math.isclose(z1, z2, rel_tol=1e-12)


@SETTINGS
@given(st.sampled_from(FIRM_SURFACES), st.floats(0.0, 5.0), loads, speeds, tyre_types)
def test_magic_formula_is_odd_in_slip(
    surface: str, kappa: float, fz: float, vx: float, tyre: str
) -> None:
    # On firm ground the force depends on the slip alone, an odd function of it.
    row = _row(surface, 0.255, 0.38, 240.0, tyre)
    assert ground_force(-kappa, fz, vx, row)[0] == -ground_force(kappa, fz, vx, row)[0]


@SETTINGS
@given(
    st.sampled_from(SOFT_SOILS),
    st.floats(100.0, 20000.0),
    st.floats(1.0, 3.0),
    widths,
    radii,
    inflations,
    tyre_types,
)
def test_sinkage_never_falls_with_load(
    soil: str, fz: float, factor: float, width: float, radius: float, inflation: float, tyre: str
) -> None:
    row = _row(soil, width, radius, inflation, tyre)
    z1 = ground_force(0.1, fz, 1.0, row)[2]
    z2 = ground_force(0.1, fz * factor, 1.0, row)[2]
    assert z2 >= z1 * (1.0 - 1e-12)


@SETTINGS
@given(
    st.sampled_from(SOFT_SOILS),
    st.floats(0.0, 5.0),
    st.floats(100.0, 20000.0),
    speeds,
    widths,
    radii,
    st.floats(60.0, 350.0),
    st.floats(0.2, 1.0),
    tyre_types,
)
def test_airing_down_never_hurts_the_soil_terms(
    soil: str,
    kappa: float,
    fz: float,
    vx: float,
    width: float,
    radius: float,
    inflation: float,
    fraction: float,
    tyre: str,
) -> None:
    # A lower ground pressure never sinks deeper, never compacts more and never pulls
    # less; and once it flattens the tyre, drawbar pull rises by the compaction saved.
    high = _row(soil, width, radius, inflation, tyre)
    low = _row(soil, width, radius, inflation * fraction, tyre)

    def soil_terms(row: object) -> tuple[float, float, float]:
        return soft_soil_force(
            kappa,
            fz,
            vx,
            row[g.G_GROUND_PRESSURE],  # type: ignore[index]
            row[g.G_SOIL_KC],  # type: ignore[index]
            row[g.G_SOIL_KPHI],  # type: ignore[index]
            row[g.G_SOIL_N],  # type: ignore[index]
            row[g.G_SOIL_COHESION],  # type: ignore[index]
            row[g.G_SOIL_TAN_PHI],  # type: ignore[index]
            row[g.G_SOIL_SHEAR_K],  # type: ignore[index]
            row[g.G_TYRE_WIDTH],  # type: ignore[index]
            row[g.G_TYRE_DIAMETER],  # type: ignore[index]
            row[g.G_SHEAR_FACTOR],  # type: ignore[index]
        )

    th, rh, zh = soil_terms(high)
    tl, rl, zl = soil_terms(low)
    assert zl <= zh * (1.0 + 1e-12)
    assert rl <= rh * (1.0 + 1e-12)
    assert tl >= th * (1.0 - 1e-12) - 1e-9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.floats(-30.0, 30.0),
    st.floats(0.5, 30.0),
    st.sampled_from([-1.0, 1.0]),
    st.floats(0.05, 0.5),
    st.floats(1e-3, 1e-2),
    st.floats(-3.0, 3.0),
)
def test_relaxation_converges_to_steady_slip(
    omega_r: float, speed: float, sign: float, sigma: float, dt: float, k0: float
) -> None:
    vx = sign * speed
    steady = (omega_r - vx) / abs(vx)
    k = k0
    previous_gap = abs(k - steady)
    # Each backward-Euler step shrinks the gap by 1 / (1 + h), h = |vx| dt / sigma: at
    # least 40 relaxation lengths, and at least 60 steps when the steps are long.
    h = speed * dt / sigma
    for _ in range(max(math.ceil(40.0 / h), 60)):
        k = slip_step(k, omega_r, vx, sigma, dt)
        gap = abs(k - steady)
        # Implicit steps approach the steady slip without overshoot.
        assert gap <= previous_gap * (1.0 + 1e-12) + 1e-12
        previous_gap = gap
    assert math.isclose(k, steady, rel_tol=1e-6, abs_tol=1e-6)
