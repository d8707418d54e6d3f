"""Performance procedures against hand calculations.

The compiled core is driven with synthetic cases (flat torque tables, no losses, no road
load unless asked) whose answers are closed-form; the public entry is checked on the
test vehicles for conventions, limits and clear errors.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from evtwin.physics.battery import current_from_power, power_limit_discharge
from evtwin.sim import _perf_kernel as pk
from evtwin.sim.performance import Trailer, performance
from evtwin.specs import VehicleSpec
from evtwin.units import GRAVITY as G
from evtwin.units import KPH, RPM

N_W, N_U, W_TOP = 1001, 5, 400.0


def synthetic(
    *,
    torque_front: float = 1500.0,
    torque_rear: float = 1500.0,
    power_wheel: float = math.inf,
    mu: float = 5.0,
    mass: float = 2000.0,
    radius: float = 0.35,
    inertia: float = 0.0,
    front: float = 0.5,
    cg: float = 0.0,
    wheelbase: float = 2.8,
    roll0: float = 0.0,
    aero: float = 0.0,
    ramp: float = 0.0,
) -> tuple[np.ndarray, ...]:
    """One case for the kernel: wheel torque caps ``min(T, P / w)`` per axle, no losses."""
    q = np.zeros(pk.N_Q)
    q[pk.Q_MASS] = mass
    q[pk.Q_RADIUS] = radius
    q[pk.Q_ROLL0] = roll0
    q[pk.Q_AERO] = aero
    q[pk.Q_CG] = cg
    q[pk.Q_WHEELBASE] = wheelbase
    q[pk.Q_FRONT] = front
    q[pk.Q_MU] = mu
    q[pk.Q_J_FRONT] = inertia
    q[pk.Q_J_REAR] = inertia
    q[pk.Q_POWER_MAX] = 1e9
    q[pk.Q_CAPACITY] = 3.6e8
    q[pk.Q_SOC] = 0.9
    q[pk.Q_RESISTANCE] = 1e-6
    q[pk.Q_VOLTAGE_MIN] = 300.0
    q[pk.Q_VOLTAGE_NOMINAL] = 400.0
    q[pk.Q_RAMP] = ramp
    q[pk.Q_GOVERNOR] = math.inf
    w = np.linspace(0.0, W_TOP, N_W)
    cap = np.zeros((1, 2, N_W))
    axle = np.zeros((1, 2, 3))
    for i, t in enumerate((torque_front, torque_rear)):
        cap[0, i] = np.minimum(t, power_wheel / np.maximum(w, 1e-12)) if t > 0 else 0.0
        axle[0, i] = [power_wheel / t if t > 0 else math.inf, power_wheel, 0.0]
    power = np.zeros((1, 2, N_W, N_U))
    bat = np.zeros((1, 2, 21))
    bat[0, pk.BAT_OCV] = 400.0
    bat[0, pk.BAT_RFACTOR] = 1.0
    return q[None], cap, power, axle, np.array([W_TOP]), bat


def run(case: tuple[np.ndarray, ...], speeds: list[float], distances: list[float]) -> tuple:
    return pk.launch_run(  # type: ignore[no-any-return]
        *case, np.array(speeds), np.array(distances), np.array([1e9]), 0.01, 60.0, False
    )


def test_constant_force_acceleration() -> None:
    # 3000 N m at 0.35 m on 2000 kg: a = 3000 / 0.35 / 2000 = 4.2857 m/s^2.
    a = 3000.0 / 0.35 / 2000.0
    t_s, t_d, v_d, shares, peak, _, _ = run(synthetic(), [27.0], [100.0])
    assert t_s[0, 0] == pytest.approx(27.0 / a, rel=1e-9)
    assert t_d[0, 0] == pytest.approx(math.sqrt(2 * 100.0 / a), rel=1e-6)
    assert v_d[0, 0] == pytest.approx(math.sqrt(2 * 100.0 * a), rel=1e-6)
    assert peak[0] == pytest.approx(a, rel=1e-9)
    assert shares[0, pk.LIMIT_TORQUE] == pytest.approx(shares[0].sum())


def test_rotating_inertia_adds_equivalent_mass() -> None:
    # J = 2 kg m^2 per axle at r = 0.35 m adds 2 * 2 / 0.35^2 = 32.65 kg.
    a = 3000.0 / 0.35 / (2000.0 + 4.0 / 0.35**2)
    t_s, *_ = run(synthetic(inertia=2.0), [27.0], [])
    assert t_s[0, 0] == pytest.approx(27.0 / a, rel=1e-9)


def test_traction_limited_all_wheel_drive_is_mu_g_whatever_the_load_transfer() -> None:
    # Each axle up to its own grip: mu (N_f + N_r) = mu m g, so a = mu g even with h > 0.
    for cg in (0.0, 0.6):
        t_s, *_, shares, peak, _, _ = run(
            synthetic(mu=0.8, torque_front=1e5, torque_rear=1e5, cg=cg, front=0.4), [27.0], []
        )
        assert t_s[0, 0] == pytest.approx(27.0 / (0.8 * G), rel=1e-6)
        assert peak[0] == pytest.approx(0.8 * G, rel=1e-6)
        assert shares[0, pk.LIMIT_TRACTION] == pytest.approx(shares[0].sum())


def test_traction_limited_rear_drive_gains_from_load_transfer() -> None:
    # Rear axle only: mu (W (1 - f) + m a h / L) = m a  =>  a = mu g (1 - f) / (1 - mu h / L).
    mu, f, h, wb = 0.9, 0.5, 0.55, 2.8
    expected = mu * G * (1 - f) / (1 - mu * h / wb)
    case = synthetic(mu=mu, torque_front=0.0, torque_rear=1e5, cg=h, front=f, wheelbase=wb)
    t_s, *_ = run(case, [20.0], [])
    assert t_s[0, 0] == pytest.approx(20.0 / expected, rel=1e-6)


def test_launch_ramp_costs_half_its_time() -> None:
    # Torque rises linearly over tau: v(t) = a (t - tau / 2) once t > tau.
    a = 3000.0 / 0.35 / 2000.0
    t_s, *_ = run(synthetic(ramp=0.1), [27.0], [])
    assert t_s[0, 0] == pytest.approx(27.0 / a + 0.05, abs=2e-4)


def test_power_limited_speed_gain_by_energy() -> None:
    # From rest at a power cap with a huge torque: (1/2) m v^2 = P t beyond the (tiny) corner.
    p = 150e3
    case = synthetic(torque_front=0.0, torque_rear=1e6, power_wheel=p, radius=0.35)
    t_s, *_ = run(case, [10.0, 30.0], [])
    # (The cap table is linear between nodes, a little above P / w: 1e-3 on this grid.)
    assert t_s[0, 1] - t_s[0, 0] == pytest.approx(2000.0 * (30.0**2 - 10.0**2) / (2 * p), rel=1e-3)


def test_start_grade_all_wheel_traction() -> None:
    # tan(theta) = mu - crr with every wheel driven to its grip.
    mu, crr, m = 0.6, 0.01, 2000.0
    case = synthetic(mu=mu, torque_front=1e5, torque_rear=1e5, cg=0.6, roll0=crr * m * G)
    grade, label = pk.steepest_grade(*case, np.zeros(1))
    assert grade[0] == pytest.approx(mu - crr, abs=1e-9)
    assert pk.LIMITS[label[0]] == "traction"


def test_start_grade_front_drive_loses_front_load() -> None:
    # mu N_f = W (sin + crr cos), N_f = W (f cos - h sin / L):
    # tan(theta) = (mu f - crr) / (1 + mu h / L).
    mu, crr, f, h, wb, m = 0.9, 0.01, 0.6, 0.55, 2.7, 1800.0
    case = synthetic(
        mu=mu,
        torque_front=1e5,
        torque_rear=0.0,
        front=f,
        cg=h,
        wheelbase=wb,
        mass=m,
        roll0=crr * m * G,
    )
    grade, _ = pk.steepest_grade(*case, np.zeros(1))
    assert grade[0] == pytest.approx((mu * f - crr) / (1 + mu * h / wb), abs=1e-8)


def test_start_grade_torque_limited() -> None:
    # sin(theta) + crr cos(theta) = F / W  =>  theta = asin(F / (W sqrt(1 + crr^2))) - atan(crr).
    m, crr, r, t = 2000.0, 0.01, 0.35, 2500.0
    case = synthetic(torque_front=t / 2, torque_rear=t / 2, radius=r, mass=m, roll0=crr * m * G)
    grade, label = pk.steepest_grade(*case, np.zeros(1))
    f_over_w = t / r / (m * G)
    theta = math.asin(f_over_w / math.sqrt(1 + crr * crr)) - math.atan(crr)
    assert grade[0] == pytest.approx(math.tan(theta), abs=1e-9)
    assert pk.LIMITS[label[0]] == "torque"


def test_top_speed_where_power_meets_road_load() -> None:
    # P / v = A + C v^2 (no losses): the root of C v^3 + A v - P.
    p, a_roll, c_aero = 120e3, 300.0, 0.40
    case = synthetic(torque_front=0.0, torque_rear=3000.0, power_wheel=p, roll0=a_roll, aero=c_aero)
    v, label, capped = pk.top_speed(*case, np.array([W_TOP * 0.35]))
    roots = np.roots([c_aero, 0.0, a_roll, -p])
    expected = float(roots[np.isreal(roots)].real.max())
    assert v[0] == pytest.approx(expected, rel=1e-4)
    assert pk.LIMITS[label[0]] == "power"
    assert not capped[0]


def test_inline_battery_equations_equal_the_physics_functions() -> None:
    case = synthetic()
    q = case[0][0].copy()
    q[pk.Q_RESISTANCE] = 0.08
    q[pk.Q_POWER_MAX] = 5e5
    q[pk.Q_AUX] = 300.0
    bat = case[5][0]
    p_avail, ocv, res = pk.battery_power_available(q, bat, 0.5)
    assert p_avail == pytest.approx(
        min(5e5, float(power_limit_discharge(400.0, 0.08, 300.0))) - 300.0
    )
    i = float(current_from_power(2e5, ocv, res))
    assert pk.voltage_factor(q, ocv, res, 2e5) == pytest.approx(min(1.0, (ocv - res * i) / 400.0))


# --- the public entry on the test vehicles ---------------------------------------------


@pytest.fixture(scope="module")
def awd(awd_car: VehicleSpec):  # type: ignore[no-untyped-def]
    return performance(awd_car)


def test_results_are_finite_and_ordered(awd) -> None:  # type: ignore[no-untyped-def]
    a = awd.acceleration
    assert 3.0 < a.accel_0_100_kph_s < 10.0
    # 60 mph is below 100 km/h; the rollout takes about the first 0.2-0.4 s off.
    assert a.accel_0_60_mph_no_rollout_s < a.accel_0_100_kph_s
    assert 0.15 < a.accel_0_60_mph_no_rollout_s - a.accel_0_60_mph_s < 0.45
    assert a.quarter_mile_s > a.accel_0_100_kph_s
    assert a.limit_0_100 in ("traction", "torque", "power", "battery")
    assert sum(s for _, s in a.limit_shares_0_100) == pytest.approx(1.0)
    assert a.test_mass_kg == 2200.0 + 75.0


def test_gearing_top_speed_by_hand(awd_car: VehicleSpec, awd) -> None:  # type: ignore[no-untyped-def]
    # The front axle disconnects, so the rear's 16,000 rpm / 11.0 sets the limit.
    r = awd_car.tyres.radius_m
    gearing = 16000 * RPM / 11.0 * r / KPH
    ts = awd.top_speed
    assert ts.gearing_limit_kph == pytest.approx(gearing)
    assert ts.top_speed_kph == pytest.approx(min(gearing, ts.road_load_limit_kph))
    assert ts.sustained_top_speed_kph <= ts.top_speed_kph + 1e-9
    assert ts.governed_top_speed_kph is None


def test_grades_fall_with_friction(awd) -> None:  # type: ignore[no-untyped-def]
    starts = [g.start_grade_pct for g in awd.grades]
    assert starts == sorted(starts, reverse=True)
    # No drive can beat all-wheel grip: tan(theta) <= mu.
    for g in awd.grades:
        assert g.start_grade_pct <= 100.0 * g.friction_coefficient + 1e-6
    assert awd.grade_on("ice").start_limit == "traction"


def test_to_dict_is_json_with_unit_suffixes(awd) -> None:  # type: ignore[no-untyped-def]
    d = awd.to_dict()
    json.dumps(d)
    assert d["acceleration"]["accel_0_100_kph_s"] == pytest.approx(
        awd.acceleration.accel_0_100_kph_s, abs=1e-4
    )
    for key in d["top_speed"]:
        assert key.endswith(("_kph", "limit"))
    assert {g["surface"] for g in d["grades"]} >= {"dry_asphalt", "ice"}


def test_cold_low_battery_and_trailer_are_slower(awd_car: VehicleSpec, awd) -> None:  # type: ignore[no-untyped-def]
    base = awd.acceleration.accel_0_100_kph_s
    assert performance(awd_car, soc=0.1).acceleration.accel_0_100_kph_s > base
    assert performance(awd_car, temperature_c=-20.0).acceleration.accel_0_100_kph_s > base
    trailer = Trailer(1500.0, 4.0, 0.5, 0.01)
    towed = performance(awd_car, trailer=trailer)
    assert towed.towing is not None
    assert towed.towing.acceleration.accel_0_100_kph_s > base
    assert towed.acceleration.accel_0_100_kph_s == base
    assert towed.towing.grade.start_grade_pct < awd.grade_on("dry_asphalt").start_grade_pct
    assert all(x > 0 for x in towed.towing.extra_road_load_n)


def test_governor_is_a_control_input(awd_car: VehicleSpec, awd) -> None:  # type: ignore[no-untyped-def]
    gov = performance(awd_car, top_speed_limit_kph=160.0)
    assert gov.top_speed.governed_top_speed_kph == 160.0
    assert gov.top_speed.top_speed_kph == awd.top_speed.top_speed_kph
    assert gov.acceleration.quarter_mile_trap_kph <= 160.0 + 1e-6


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"surface": "lava"}, "surface 'lava'"),
        ({"soc": 1.5}, "soc"),
        ({"temperature_c": 99.0}, "temperature_c"),
        ({"trailer": "big"}, "trailer"),
        ({"top_speed_limit_kph": 5.0}, "top_speed_limit_kph"),
    ],
)
def test_bad_input_names_the_field(awd_car: VehicleSpec, kwargs: dict, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        performance(awd_car, **kwargs)
