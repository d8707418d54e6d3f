"""Compiled core of the performance procedures: the most a car can accelerate, and runs of it.

At a speed, state of charge and grade, :func:`max_acceleration` finds the largest
acceleration the car can reach under four limits at once:

- each axle's motor: its wheel-torque envelope (constant torque, then constant power,
  nothing beyond the motor's top speed), tabulated on a wheel-speed grid;
- each axle's grip: ``mu`` times its normal load, which moves rearward as the car
  accelerates (``m a h / L``), climbs, or pulls a trailer at its hitch;
- the battery: the terminal power the pack can give without its voltage falling below
  the floor (open-circuit voltage behind a resistance), within the maker's rating,
  less the auxiliary load; the axles' DC power comes from tabulated loss models. The
  pack's terminal voltage also bounds the motors above their base speed: field-
  weakening power scales with the DC-link voltage, so a motor rated at the nominal pack
  voltage gives ``min(1, V / V_nom)`` of its rated power when the pack sags below it
  (low charge, cold, heavy current);
- at launch, a torque ramp (the drive's anti-jerk filter).

The axles are independent (one motor each, no centre differential): each gives up to
the smaller of its motor's torque and its own grip. When the battery cannot feed both
at their limits, both are scaled back by the same factor. The equations are those of
``evtwin.physics`` (``traction.axle_loads``, ``battery.power_limit_discharge`` and
``current_from_power``) written inline for the compiler; the unit tests hold the battery
terms equal to those functions and the rest to hand calculations (grip-limited launches
with load transfer, grades, power-limited runs, top speed).

A run integrates speed and distance with Heun's method (second order) on a fixed step,
and records when the car crosses given speeds and distances, and which limit held it.

The searches are defined by bisections (:func:`max_acceleration`, and
:func:`launch_run_reference`, :func:`steepest_grade_reference`,
:func:`top_speed_reference` over it); :func:`launch_run`, :func:`steepest_grade` and
:func:`top_speed` find the same numbers with far fewer evaluations (see "the fast
solver" below).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..units import GRAVITY

# Columns of a case's parameter row.
Q_MASS = 0  #: car mass with payload [kg]
Q_MASS_TRAILER = 1  #: trailer mass [kg] (0: none)
Q_RADIUS = 2  #: dynamic rolling radius [m]
Q_ROLL0 = 3  #: car road load, constant term on the level [N]
Q_ROLL1 = 4  #: car road load, linear term [N s/m]
Q_AERO = 5  #: car air drag coefficient, F = Q_AERO v^2 [N s^2/m^2]
Q_TRAILER_ROLL = 6  #: trailer rolling resistance on its own axle, level [N]
Q_TRAILER_AERO = 7  #: trailer air drag coefficient [N s^2/m^2]
Q_GRADE = 8  #: rise over run [-]
Q_CG = 9  #: centre of gravity height [m]
Q_WHEELBASE = 10  #: [m]
Q_FRONT = 11  #: static front weight share [-]
Q_HITCH_HEIGHT = 12  #: [m]
Q_HITCH_OVERHANG = 13  #: tow ball behind the rear axle [m]
Q_TONGUE = 14  #: share of the trailer weight on the hitch [-]
Q_MU = 15  #: peak friction coefficient [-]
Q_J_FRONT = 16  #: rotating inertia of the front axle at the wheels [kg m^2]
Q_J_REAR = 17  #: [kg m^2]
Q_POWER_MAX = 18  #: battery discharge rating [W]
Q_AUX = 19  #: auxiliary load [W]
Q_CAPACITY = 20  #: gross energy [J]
Q_SOC = 21  #: state of charge at the start [-]
Q_RESISTANCE = 22  #: pack resistance at mid SOC and the run's temperature [ohm]
Q_VOLTAGE_MIN = 23  #: terminal voltage floor [V]
Q_RAMP = 24  #: launch torque ramp time [s]
Q_GOVERNOR = 25  #: speed governor [m/s] (inf: none)
Q_TABLE = 26  #: index of the torque and power tables
Q_VOLTAGE_NOMINAL = 27  #: voltage at which the motors' ratings hold [V]
N_Q = 28

# Per-table, per-axle constants (array ``axle``, shape (n_table, 2, 3)).
AX_BASE = 0  #: wheel speed above which the motor is power-limited [rad/s]
AX_POWER = 1  #: wheel power of the constant-power region, rated power x mesh efficiency [W]
AX_DRAG = 2  #: no-load drag torque at the wheels [N m]

#: Battery table rows (OCV [V] and resistance factor [-] on a uniform SOC grid).
BAT_OCV = 0
BAT_RFACTOR = 1

#: Limit labels.
LIMIT_LAUNCH = 0
LIMIT_TRACTION = 1
LIMIT_TORQUE = 2
LIMIT_POWER = 3
LIMIT_BATTERY = 4
LIMIT_NONE = 5
LIMITS = ("launch", "traction", "torque", "power", "battery", "none")

_G = GRAVITY
_BISECTIONS = 34
_A_SPAN = 60.0  # m/s^2 below the motor-only bound that the bisection searches


@njit(cache=True, inline="always")
def _cap(cap, k, axle, w, w_top):  # type: ignore[no-untyped-def]
    """Wheel torque cap [N m] of an axle at wheel speed w, linear on the uniform grid."""
    return _cap_at(cap, k, axle, w / w_top * (cap.shape[2] - 1))


@njit(cache=True, inline="always")
def _cap_at(cap, k, axle, x):  # type: ignore[no-untyped-def]
    """:func:`_cap` at the grid position ``x = w / w_top * (n - 1)``."""
    n = cap.shape[2]
    if x < 0.0:
        x = 0.0
    if x >= n - 1:
        return cap[k, axle, n - 1] if x <= n - 1 + 1e-9 else 0.0
    i = int(x)
    f = x - i
    return cap[k, axle, i] * (1.0 - f) + cap[k, axle, i + 1] * f


@njit(cache=True, inline="always")
def _power(power, k, axle, w, w_top, u):  # type: ignore[no-untyped-def]
    """DC power [W] of an axle at wheel speed w and torque fraction u of its cap (bilinear)."""
    n_w = power.shape[2]
    n_u = power.shape[3]
    x = w / w_top * (n_w - 1)
    if x < 0.0:
        x = 0.0
    if x > n_w - 1:
        x = n_w - 1.0
    i = int(x)
    if i > n_w - 2:
        i = n_w - 2
    fx = x - i
    if u < 0.0:
        u = 0.0
    if u > 1.0:
        u = 1.0
    y = u * (n_u - 1)
    j = int(y)
    if j > n_u - 2:
        j = n_u - 2
    fy = y - j
    return (
        (1.0 - fx) * (1.0 - fy) * power[k, axle, i, j]
        + (1.0 - fx) * fy * power[k, axle, i, j + 1]
        + fx * (1.0 - fy) * power[k, axle, i + 1, j]
        + fx * fy * power[k, axle, i + 1, j + 1]
    )


@njit(cache=True)
def battery_power_available(q, bat, soc):  # type: ignore[no-untyped-def]
    """Terminal power the battery can give [W] at a state of charge, less the auxiliary load.

    The smaller of the rating and the equivalent circuit's limit at the voltage floor,
    ``V_min (V_oc - V_min) / R`` (``physics.battery.power_limit_discharge``).
    """
    n = bat.shape[1]
    x = soc * (n - 1)
    if x < 0.0:
        x = 0.0
    if x > n - 1:
        x = n - 1.0
    i = int(x)
    if i > n - 2:
        i = n - 2
    f = x - i
    ocv = bat[BAT_OCV, i] * (1.0 - f) + bat[BAT_OCV, i + 1] * f
    res = q[Q_RESISTANCE] * (bat[BAT_RFACTOR, i] * (1.0 - f) + bat[BAT_RFACTOR, i + 1] * f)
    vmin = max(q[Q_VOLTAGE_MIN], 0.5 * ocv)
    p_circuit = max(vmin * (ocv - vmin) / res, 0.0)
    return min(q[Q_POWER_MAX], p_circuit) - q[Q_AUX], ocv, res


@njit(cache=True, inline="always")
def _resistance(q, v, grade, cos_t, sin_t):  # type: ignore[no-untyped-def]
    """Forces against the motion at speed v apart from inertia [N]: the car's road load and
    grade, the nose load's rolling on the car's tyres, and the trailer's drawbar pull at
    steady speed. Returns ``(total, car_aero, drawbar_steady, hitch_load)``."""
    m = q[Q_MASS]
    mt = q[Q_MASS_TRAILER]
    aero = q[Q_AERO] * v * v
    hitch_load = q[Q_TONGUE] * mt * _G * cos_t
    nose_roll = hitch_load * q[Q_ROLL0] / (m * _G)
    drawbar = q[Q_TRAILER_ROLL] * cos_t + q[Q_TRAILER_AERO] * v * v + mt * _G * sin_t
    car = (q[Q_ROLL0] + q[Q_ROLL1] * v) * cos_t + aero + m * _G * sin_t + nose_roll
    return car + drawbar, aero, drawbar, hitch_load


@njit(cache=True, inline="always")
def _cap_v(cap, axle, k, i, w, w_top, kv):  # type: ignore[no-untyped-def]
    """Torque cap [N m] with the constant-power region scaled by the voltage factor kv."""
    return _sag(_cap(cap, k, i, w, w_top), axle, k, i, w, kv)


@njit(cache=True, inline="always")
def _sag(c, axle, k, i, w, kv):  # type: ignore[no-untyped-def]
    """The full-voltage torque cap ``c`` of axle i with the constant-power region scaled
    by the voltage factor kv."""
    if kv < 1.0 and w > 0.0:
        c_v = kv * axle[k, i, AX_POWER] / w - axle[k, i, AX_DRAG]
        if c_v < c:
            c = max(c_v, 0.0)
    return c


@njit(cache=True)
def _evaluate(q, cap, power, axle, w_top, a, v, ramp, p_avail, grade, kv):  # type: ignore[no-untyped-def]
    """Whether acceleration ``a`` is reachable at speed ``v``, and how it is shared.

    Returns ``(feasible, lam, p_dc, t_f, t_r, cap_f, cap_r)``: ``t_f``, ``t_r`` are the
    largest torques each axle can use [N m] and ``lam`` the share of them needed.
    """
    k = int(q[Q_TABLE])
    m = q[Q_MASS]
    mt = q[Q_MASS_TRAILER]
    r = q[Q_RADIUS]
    cos_t = 1.0 / math.sqrt(1.0 + grade * grade)
    sin_t = grade * cos_t
    w = v / r
    resist, aero, drawbar_steady, hitch_load = _resistance(q, v, grade, cos_t, sin_t)
    drawbar = mt * a + drawbar_steady
    # Normal loads (physics.traction.axle_loads).
    wb = q[Q_WHEELBASE]
    h = q[Q_CG]
    weight = m * _G
    n_f = (
        weight * cos_t * q[Q_FRONT] * wb
        - weight * sin_t * h
        - (m * a + aero) * h
        - drawbar * q[Q_HITCH_HEIGHT]
        - hitch_load * q[Q_HITCH_OVERHANG]
    ) / wb
    n_r = weight * cos_t + hitch_load - n_f
    mu = q[Q_MU]
    j_f = q[Q_J_FRONT]
    j_r = q[Q_J_REAR]
    # The power tables are indexed by the share of the full (rated) cap at w.
    full_f = _cap(cap, k, 0, w, w_top)
    full_r = _cap(cap, k, 1, w, w_top)
    cap_f = ramp * _cap_v(cap, axle, k, 0, w, w_top, kv)
    cap_r = ramp * _cap_v(cap, axle, k, 1, w, w_top, kv)
    # The largest torque each axle can use: its motor's, or what its grip takes plus
    # what spins its wheels and rotor up (ground force = T / r - J a / r^2).
    t_f = max(min(cap_f, r * mu * max(n_f, 0.0) + j_f * a / r), 0.0)
    t_r = max(min(cap_r, r * mu * max(n_r, 0.0) + j_r * a / r), 0.0)
    net = (m + mt) * a + resist + (j_f + j_r) * a / (r * r)
    if net <= 0.0:
        return True, 0.0, 0.0, t_f, t_r, cap_f, cap_r
    total = (t_f + t_r) / r
    if total <= 0.0:
        return False, math.inf, 0.0, t_f, t_r, cap_f, cap_r
    lam = net / total
    if lam > 1.0 + 1e-12:
        return False, lam, 0.0, t_f, t_r, cap_f, cap_r
    p_dc = 0.0
    if full_f > 0.0:
        p_dc += _power(power, k, 0, w, w_top, lam * t_f / full_f)
    if full_r > 0.0:
        p_dc += _power(power, k, 1, w, w_top, lam * t_r / full_r)
    return p_dc <= p_avail, lam, p_dc, t_f, t_r, cap_f, cap_r


@njit(cache=True)
def max_acceleration(q, cap, power, axle, w_top, v, ramp, p_avail, grade, kv):  # type: ignore[no-untyped-def]
    """Largest acceleration [m/s^2] at speed v, the DC power it draws [W] and its limit label.

    ``ramp`` is the launch torque ramp's share of full demand, ``kv`` the voltage factor
    on the motors' constant-power region. Bisection between a floor far below and the
    bound with both motors at their caps, unlimited grip and battery.
    """
    k = int(q[Q_TABLE])
    r = q[Q_RADIUS]
    wt = w_top[k]
    w = v / r
    cos_t = 1.0 / math.sqrt(1.0 + grade * grade)
    resist, _, _, _ = _resistance(q, v, grade, cos_t, grade * cos_t)
    cap_sum = ramp * (_cap_v(cap, axle, k, 0, w, wt, kv) + _cap_v(cap, axle, k, 1, w, wt, kv))
    m_eq = q[Q_MASS] + q[Q_MASS_TRAILER] + (q[Q_J_FRONT] + q[Q_J_REAR]) / (r * r)
    a_hi = (cap_sum / r - resist) / m_eq
    ok, lam, p_dc, t_f, t_r, c_f, c_r = _evaluate(
        q, cap, power, axle, wt, a_hi, v, ramp, p_avail, grade, kv
    )
    if ok:
        a = a_hi
    else:
        lo = min(-_A_SPAN, a_hi - _A_SPAN)
        hi = a_hi
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo + hi)
            ok_mid = _evaluate(q, cap, power, axle, wt, mid, v, ramp, p_avail, grade, kv)[0]
            if ok_mid:
                lo = mid
            else:
                hi = mid
        a = lo
        ok, lam, p_dc, t_f, t_r, c_f, c_r = _evaluate(
            q, cap, power, axle, wt, a, v, ramp, p_avail, grade, kv
        )
    full_f = _cap(cap, k, 0, w, wt)
    full_r = _cap(cap, k, 1, w, wt)
    label = _limit(axle, k, w, ramp, p_avail, lam, p_dc, t_f, t_r, c_f, c_r, full_f, full_r)
    return a, p_dc, label


@njit(cache=True, inline="always")
def _limit(axle, k, w, ramp, p_avail, lam, p_dc, t_f, t_r, c_f, c_r, full_f, full_r):  # type: ignore[no-untyped-def]
    """Which limit holds at the largest acceleration (its label); ``full_f``, ``full_r``
    are the axles' torque caps at full demand and voltage."""
    # The battery if its power is used up, else grip on an axle whose motor could give
    # more, else the motors (launch ramp, torque or power), where power cut by a sagging
    # pack voltage counts as the battery's.
    sagged = (c_f < ramp * full_f * (1.0 - 1e-9)) or (c_r < ramp * full_r * (1.0 - 1e-9))
    if c_f <= 0.0 and c_r <= 0.0:
        label = LIMIT_POWER if ramp >= 1.0 else LIMIT_LAUNCH
    elif p_avail <= 0.0 or (p_dc >= p_avail * (1.0 - 1e-6) and lam < 1.0 - 1e-9):
        label = LIMIT_BATTERY
    elif (t_f < c_f * (1.0 - 1e-9)) or (t_r < c_r * (1.0 - 1e-9)):
        label = LIMIT_TRACTION
    elif ramp < 1.0:
        label = LIMIT_LAUNCH
    elif sagged:
        label = LIMIT_BATTERY
    elif (c_f > 0.0 and w > axle[k, 0, AX_BASE]) or (c_r > 0.0 and w > axle[k, 1, AX_BASE]):
        label = LIMIT_POWER
    else:
        label = LIMIT_TORQUE
    return label


@njit(cache=True)
def voltage_factor(q, ocv, res, p_term):  # type: ignore[no-untyped-def]
    """``min(1, V / V_nom)``: terminal voltage at a terminal power over the motors' rating
    voltage. ``V = V_oc - R I`` with I from ``V_oc I - R I^2 = P``."""
    disc = ocv * ocv - 4.0 * res * p_term
    if disc < 0.0:
        disc = 0.0
    current = 2.0 * p_term / (ocv + math.sqrt(disc))
    return min(1.0, (ocv - res * current) / q[Q_VOLTAGE_NOMINAL])


@njit(cache=True)
def steady_acceleration(q, cap, power, axle, w_top, bat, v, grade):  # type: ignore[no-untyped-def]
    """Largest acceleration at speed v with full torque (no launch ramp) and the voltage
    factor of the power it draws (fixed point, three passes); and its limit label."""
    p_avail, ocv, res = battery_power_available(q, bat, q[Q_SOC])
    kv = voltage_factor(q, ocv, res, q[Q_AUX])
    a, p_dc, label = max_acceleration(q, cap, power, axle, w_top, v, 1.0, p_avail, grade, kv)
    for _ in range(3):
        kv = voltage_factor(q, ocv, res, p_dc + q[Q_AUX])
        a, p_dc, label = max_acceleration(q, cap, power, axle, w_top, v, 1.0, p_avail, grade, kv)
    return a, label


@njit(cache=True)
def _chemical_power(p_term, ocv, res):  # type: ignore[no-untyped-def]
    """Chemical power [W] for a terminal power: ``V_oc I`` with I the smaller root of
    ``V I - R I^2 = P`` (``physics.battery.current_from_power``)."""
    disc = ocv * ocv - 4.0 * res * p_term
    if disc < 0.0:
        disc = 0.0
    current = 2.0 * p_term / (ocv + math.sqrt(disc))
    return ocv * current


# --- the fast solver ------------------------------------------------------------------
#
# The reference procedures bisect: 34 halvings of [a_hi - 60, a_hi] per acceleration, 40
# of the grade (or speed) per steepest grade (or top speed), each of those a full
# acceleration search. The functions below land on the same floating-point numbers from
# a handful of evaluations. A search keeps a bracket, the highest acceleration found
# reachable and the lowest found not to be; reachability is monotone in the
# acceleration, so every bisection step whose midpoint lies outside the bracket has a
# known answer. Secant steps on a continuous measure of the distance to the boundary,
# started from the previous step's answer, estimate where it is; the bisection's path
# is then predicted from that estimate (from the same interval, with the same
# arithmetic) and checked at the two ends of its last interval: a reachable low end and
# an unreachable high end confirm every step of it. Failing that, the next secant round
# starts from the new points, and in the end the bisection is replayed with an
# evaluation at each step the bracket does not answer. The grade and top-speed searches
# replay theirs the same way (:func:`_fast_boundary`). The tests hold every shipped car,
# and random inputs, to the reference.

#: Share of the bisection's first interval left at its end (2^-34).
_RESOLUTION = 0.5**_BISECTIONS
#: Secant rounds before the replayed bisection takes over (it finishes any bracket).
_SECANT_ROUNDS = 6
#: Offset of the second point from the first guess [m/s^2], for the first secant step.
_PROBE = 1e-3
#: The grade and top-speed searches: halvings, and the same for their replay.
_OUTER_BISECTIONS = 40
_OUTER_RESOLUTION = 0.5**_OUTER_BISECTIONS
#: Bound on the acceleration search's last interval [m/s^2]: (a_hi + 60) x 2^-34 is
#: 5e-9 at a_hi = 25 m/s^2, more than any car's motors give alone; 2e-8 allows 280.
_A_QUANTUM = 2e-8


@njit(cache=True, inline="always")
def _power_at(power, k, axle, i, fx, u):  # type: ignore[no-untyped-def]
    """:func:`_power` with the wheel-speed cell ``i`` and its fraction ``fx`` found already
    (the same operations in the same order, so the same number)."""
    n_u = power.shape[3]
    if u < 0.0:
        u = 0.0
    if u > 1.0:
        u = 1.0
    y = u * (n_u - 1)
    j = int(y)
    if j > n_u - 2:
        j = n_u - 2
    fy = y - j
    return (
        (1.0 - fx) * (1.0 - fy) * power[k, axle, i, j]
        + (1.0 - fx) * fy * power[k, axle, i, j + 1]
        + fx * (1.0 - fy) * power[k, axle, i + 1, j]
        + fx * fy * power[k, axle, i + 1, j + 1]
    )


@njit(cache=True)
def fast_acceleration(q, cap, power, axle, w_top, v, ramp, p_avail, grade, kv, guess):  # type: ignore[no-untyped-def]
    """:func:`max_acceleration`'s answer ``(a, p_dc, label)`` from a few evaluations.

    ``guess`` is where the search starts (the previous step's answer; NaN: none). The
    terms of :func:`_evaluate` that do not depend on the acceleration are worked out
    once, in its order of operations, so each evaluation gives its numbers exactly.
    """
    k = int(q[Q_TABLE])
    r = q[Q_RADIUS]
    wt = w_top[k]
    w = v / r
    cos_t = 1.0 / math.sqrt(1.0 + grade * grade)
    sin_t = grade * cos_t
    resist, aero, drawbar_steady, hitch_load = _resistance(q, v, grade, cos_t, sin_t)
    # Both axles' caps at one grid position (each _cap call would find it again).
    n_c = cap.shape[2]
    xc = w / wt * (n_c - 1)
    full_f = _cap_at(cap, k, 0, xc)
    full_r = _cap_at(cap, k, 1, xc)
    cv_f = _sag(full_f, axle, k, 0, w, kv)
    cv_r = _sag(full_r, axle, k, 1, w, kv)
    cap_sum = ramp * (cv_f + cv_r)
    m = q[Q_MASS]
    mt = q[Q_MASS_TRAILER]
    j_f = q[Q_J_FRONT]
    j_r = q[Q_J_REAR]
    m_eq = m + mt + (j_f + j_r) / (r * r)
    a_hi = (cap_sum / r - resist) / m_eq
    # _evaluate's terms that do not depend on a.
    cap_f = ramp * cv_f
    cap_r = ramp * cv_r
    wb = q[Q_WHEELBASE]
    h = q[Q_CG]
    weight = m * _G
    n_f0 = weight * cos_t * q[Q_FRONT] * wb - weight * sin_t * h
    n_sum = weight * cos_t + hitch_load
    h_hitch = q[Q_HITCH_HEIGHT]
    hitch_moment = hitch_load * q[Q_HITCH_OVERHANG]
    grip = r * q[Q_MU]
    m_all = m + mt
    j_all = j_f + j_r
    r2 = r * r
    n_w = power.shape[2]
    xw = xc if n_w == n_c else w / wt * (n_w - 1)
    if xw < 0.0:
        xw = 0.0
    if xw > n_w - 1:
        xw = n_w - 1.0
    iw = int(xw)
    if iw > n_w - 2:
        iw = n_w - 2
    fx = xw - iw
    # The battery's excess as a force, to weigh it against the axles' (any positive
    # scale gives the same boundary; this one keeps the secant steps well conditioned).
    p_scale = 1.0 / max(v, 1.0)

    def ev(a: float) -> tuple[bool, float, float, float, float, float]:
        """_evaluate at a: (feasible, margin, lam, p_dc, t_f, t_r); the margin is positive
        beyond the boundary and continuous across it (the secant steps use it)."""
        drawbar = mt * a + drawbar_steady
        n_f = (n_f0 - (m * a + aero) * h - drawbar * h_hitch - hitch_moment) / wb
        n_r = n_sum - n_f
        t_f = max(min(cap_f, grip * max(n_f, 0.0) + j_f * a / r), 0.0)
        t_r = max(min(cap_r, grip * max(n_r, 0.0) + j_r * a / r), 0.0)
        net = m_all * a + resist + j_all * a / r2
        total = (t_f + t_r) / r
        excess = net - total * (1.0 + 1e-12)
        if net <= 0.0:
            return True, excess, 0.0, 0.0, t_f, t_r
        if total <= 0.0:
            return False, net, math.inf, 0.0, t_f, t_r
        lam = net / total
        if lam > 1.0 + 1e-12:
            return False, excess, lam, 0.0, t_f, t_r
        p_dc = 0.0
        if full_f > 0.0:
            p_dc += _power_at(power, k, 0, iw, fx, lam * t_f / full_f)
        if full_r > 0.0:
            p_dc += _power_at(power, k, 1, iw, fx, lam * t_r / full_r)
        return p_dc <= p_avail, max(excess, (p_dc - p_avail) * p_scale), lam, p_dc, t_f, t_r

    lo = min(-_A_SPAN, a_hi - _A_SPAN)
    hi = a_hi
    # The bracket: x_ok reachable (lo is taken to be, as the bisection takes it), x_bad
    # not (a_hi is taken to be until a point at or below it is evaluated: bad_known).
    x_ok = lo
    x_bad = hi
    bad_known = False
    # The terms at the latest reachable point evaluated (s_x).
    s_x = math.nan
    s_lam = s_p = s_tf = s_tr = 0.0
    if not (lo < guess < hi - _PROBE):
        # No guess, or one at the top: try the top first, as the reference does.
        ok, fb, lam, p_dc, t_f, t_r = ev(hi)
        if ok:
            label = _limit(
                axle, k, w, ramp, p_avail, lam, p_dc, t_f, t_r, cap_f, cap_r, full_f, full_r
            )
            return hi, p_dc, label
        bad_known = True
        xb = hi
        xa = guess if lo < guess < hi else lo
    else:
        xa = guess
        xb = math.nan
        fb = 0.0
    # (xa, fa) the latest point of the secant steps, (xb, fb) the one before.
    ok, fa, lam, p_dc, t_f, t_r = ev(xa)
    if ok:
        x_ok, s_x, s_lam, s_p, s_tf, s_tr = xa, xa, lam, p_dc, t_f, t_r
    else:
        x_bad = xa
        bad_known = True
    if math.isnan(xb):
        # A second point next to the guess, towards the boundary.
        xb = xa + _PROBE if ok else xa - _PROBE
        if not (x_ok < xb < x_bad):
            xb = 0.5 * (x_ok + x_bad)
        ok, fb, lam, p_dc, t_f, t_r = ev(xb)
        if ok:
            x_ok, s_x, s_lam, s_p, s_tf, s_tr = xb, xb, lam, p_dc, t_f, t_r
        else:
            x_bad = xb
            bad_known = True
        xa, xb = xb, xa
        fa, fb = fb, fa
    done = False
    for _ in range(_SECANT_ROUNDS):
        x = math.nan
        if fa != fb:
            x = xa - fa * (xa - xb) / (fa - fb)
        if not (x_ok < x < x_bad):
            x = 0.5 * (x_ok + x_bad)
        # The bisection's path if the boundary were at x. (x lies inside the bracket, so
        # "mid <= x" also gives the known answers: a step at or below x_ok is at or below
        # x, one at or above x_bad above it. Selects rather than branches: the steps go
        # either way at random, and a mispredicted branch costs more than the step.)
        lo_p = lo
        hi_p = hi
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo_p + hi_p)
            below = mid <= x
            lo_p = mid if below else lo_p
            hi_p = hi_p if below else mid
        # Every predicted step is right if the path's last interval has a reachable low
        # end and an unreachable high end; check both.
        if hi_p < x_bad or not bad_known:
            ok, f, lam, p_dc, t_f, t_r = ev(hi_p)
            xb, fb, xa, fa = xa, fa, hi_p, f
            if ok:
                if hi_p == hi:  # the top is reachable: the reference stops there
                    label = _limit(
                        axle, k, w, ramp, p_avail, lam, p_dc, t_f, t_r, cap_f, cap_r, full_f, full_r
                    )
                    return hi, p_dc, label
                x_ok, s_x, s_lam, s_p, s_tf, s_tr = hi_p, hi_p, lam, p_dc, t_f, t_r
                continue
            x_bad = hi_p
            bad_known = True
        if lo_p != s_x:
            ok, f, lam, p_dc, t_f, t_r = ev(lo_p)
            xb, fb, xa, fa = xa, fa, lo_p, f
            if not ok:
                x_bad = lo_p
                continue
            if lo_p > x_ok:
                x_ok = lo_p
            s_x, s_lam, s_p, s_tf, s_tr = lo_p, lam, p_dc, t_f, t_r
        done = True
        break
    if done:
        a = lo_p
        lam, p_dc, t_f, t_r = s_lam, s_p, s_tf, s_tr
    else:
        # Not settled in a few rounds (a kink, a jump): replay the bisection, evaluating
        # each step the bracket does not answer.
        if not bad_known:
            ok, f, lam, p_dc, t_f, t_r = ev(hi)
            if ok:
                label = _limit(
                    axle, k, w, ramp, p_avail, lam, p_dc, t_f, t_r, cap_f, cap_r, full_f, full_r
                )
                return hi, p_dc, label
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo + hi)
            if mid <= x_ok:
                lo = mid
            elif mid >= x_bad:
                hi = mid
            else:
                ok, f, lam, p_dc, t_f, t_r = ev(mid)
                if ok:
                    lo = mid
                    x_ok, s_x, s_lam, s_p, s_tf, s_tr = mid, mid, lam, p_dc, t_f, t_r
                else:
                    hi = mid
                    x_bad = mid
        a = lo
        if a == s_x:
            lam, p_dc, t_f, t_r = s_lam, s_p, s_tf, s_tr
        else:
            ok, f, lam, p_dc, t_f, t_r = ev(a)
    label = _limit(axle, k, w, ramp, p_avail, lam, p_dc, t_f, t_r, cap_f, cap_r, full_f, full_r)
    return a, p_dc, label


@njit(cache=True)
def fast_steady_acceleration(q, cap, power, axle, w_top, bat, v, grade, guess):  # type: ignore[no-untyped-def]
    """:func:`steady_acceleration`'s answer from :func:`fast_acceleration`, started at
    ``guess``. A pass whose voltage factor equals the last one's would repeat it exactly,
    so the fixed point stops there."""
    p_avail, ocv, res = battery_power_available(q, bat, q[Q_SOC])
    kv = voltage_factor(q, ocv, res, q[Q_AUX])
    a, p_dc, label = fast_acceleration(
        q, cap, power, axle, w_top, v, 1.0, p_avail, grade, kv, guess
    )
    for _ in range(3):
        kv_next = voltage_factor(q, ocv, res, p_dc + q[Q_AUX])
        if kv_next == kv:
            break
        kv = kv_next
        a, p_dc, label = fast_acceleration(
            q, cap, power, axle, w_top, v, 1.0, p_avail, grade, kv, a
        )
    return a, label


@njit(cache=True, inline="always")
def _steady_at(q, cap, power, axle, w_top, bat, fixed, by_speed, x, guess):  # type: ignore[no-untyped-def]
    """:func:`fast_steady_acceleration` at speed x on grade ``fixed`` (``by_speed``), or at
    speed ``fixed`` on grade x."""
    if by_speed:
        return fast_steady_acceleration(q, cap, power, axle, w_top, bat, x, fixed, guess)
    return fast_steady_acceleration(q, cap, power, axle, w_top, bat, fixed, x, guess)


@njit(cache=True)
def _fast_boundary(q, cap, power, axle, w_top, bat, fixed, by_speed, hi, a_lo, x_first):  # type: ignore[no-untyped-def]
    """The highest grade (``by_speed``: speed) in [0, hi] at which the car can still
    accelerate, and its limit label: the reference's 40-step bisection replayed as in
    :func:`fast_acceleration`. ``a_lo`` is the acceleration at 0 (not negative) and
    ``x_first`` the first estimate.

    The acceleration is a bisection's end point, below the true one by up to its last
    interval, and that interval moves with the grade and the speed: so whether it is
    negative can flip back and forth within a hair of the boundary. A point answers for
    the steps beyond it only if its acceleration clears zero by more than
    :data:`_A_QUANTUM`; the replay evaluates every step between two such points, as the
    reference does, and so takes the reference's path.
    """
    lo = 0.0
    tol = hi * _OUTER_RESOLUTION
    # The bracket of points that answer for the steps beyond them (0 and hi as the
    # reference takes them: it evaluates neither, and no step reaches them).
    x_ok = 0.0
    x_bad = hi
    s_x = math.nan  # the latest point evaluated with a >= 0, and its label
    s_label = 0
    # Secant steps on the acceleration: (xa, fa) the latest point, (xb, fb) the one before.
    xb = 0.0
    fb = a_lo
    xa = x_first if 0.0 < x_first < hi else 0.5 * hi
    fa, lab = _steady_at(q, cap, power, axle, w_top, bat, fixed, by_speed, xa, 0.0)
    if fa >= 0.0:
        s_x = xa
        s_label = lab
    if fa >= _A_QUANTUM:
        x_ok = xa
    elif fa <= -_A_QUANTUM:
        x_bad = xa
    for _ in range(_SECANT_ROUNDS):
        slope = (fa - fb) / (xa - xb)
        if not slope < 0.0:
            break
        x = xa - fa / slope
        if not (x_ok < x < x_bad):
            x = 0.5 * (x_ok + x_bad)
        # Straddle the estimate just beyond the band where the sign is unsure.
        d = max(0.0625 * tol, 2.0 * _A_QUANTUM / -slope)
        x_near = xa
        f_near = fa
        settled = True
        for side in range(2):
            xs = x - d if side == 0 else x + d
            if not (x_ok < xs < x_bad):
                settled = False
                continue
            a_s, lab = _steady_at(
                q, cap, power, axle, w_top, bat, fixed, by_speed, xs, fa + slope * (xs - xa)
            )
            if a_s >= 0.0:
                s_x = xs
                s_label = lab
            if a_s >= _A_QUANTUM:
                x_ok = xs
                settled = settled and side == 0
            elif a_s <= -_A_QUANTUM:
                x_bad = xs
                settled = settled and side == 1
            else:
                settled = False
            if abs(a_s) <= abs(f_near) or x_near == xa:
                x_near = xs
                f_near = a_s
        if x_near != xa:
            xb = xa
            fb = fa
            xa = x_near
            fa = f_near
        if settled:
            break
    # Replay the reference's bisection.
    slope = (fa - fb) / (xa - xb)
    for _ in range(_OUTER_BISECTIONS):
        mid = 0.5 * (lo + hi)
        if mid <= x_ok:
            lo = mid
        elif mid >= x_bad:
            hi = mid
        else:
            a_m, lab = _steady_at(
                q, cap, power, axle, w_top, bat, fixed, by_speed, mid, fa + slope * (mid - xa)
            )
            if a_m >= 0.0:
                lo = mid
                s_x = mid
                s_label = lab
            else:
                hi = mid
            if a_m >= _A_QUANTUM:
                x_ok = mid
            elif a_m <= -_A_QUANTUM:
                x_bad = mid
    if lo == s_x:
        return lo, s_label
    return lo, _steady_at(q, cap, power, axle, w_top, bat, fixed, by_speed, lo, fa)[1]


# nogil: touches no Python object, so the web server's other requests run meanwhile.
@njit(cache=True, nogil=True)
def launch_run(  # type: ignore[no-untyped-def]
    params,
    cap,
    power,
    axle,
    w_top,
    battery,
    speeds,
    distances,
    label_speed,
    dt,
    t_max,
    record,
):
    """Full-power runs from rest for each case (row of ``params``).

    Returns ``(t_speed, t_dist, v_dist, shares, peak_accel, soc_end, trace)``:
    times at which each of ``speeds`` [m/s] and ``distances`` [m] is first reached
    (NaN if never), the speed at each distance, the time spent under each limit
    while below ``label_speed[b]``, the largest acceleration, the final SOC, and the
    speed trace (only if ``record``; one sample per step). Each step's accelerations
    come from :func:`fast_acceleration`, started from the step before.
    """
    return _launch(
        params,
        cap,
        power,
        axle,
        w_top,
        battery,
        speeds,
        distances,
        label_speed,
        dt,
        t_max,
        record,
        False,
    )


@njit(cache=True, nogil=True)
def launch_run_reference(  # type: ignore[no-untyped-def]
    params,
    cap,
    power,
    axle,
    w_top,
    battery,
    speeds,
    distances,
    label_speed,
    dt,
    t_max,
    record,
):
    """:func:`launch_run` with each acceleration found by :func:`max_acceleration`'s full
    bisection (the definition the fast path is held to)."""
    return _launch(
        params,
        cap,
        power,
        axle,
        w_top,
        battery,
        speeds,
        distances,
        label_speed,
        dt,
        t_max,
        record,
        True,
    )


@njit(cache=True)
def _launch(  # type: ignore[no-untyped-def]
    params,
    cap,
    power,
    axle,
    w_top,
    battery,
    speeds,
    distances,
    label_speed,
    dt,
    t_max,
    record,
    reference,
):
    """:func:`launch_run`, or with ``reference`` :func:`launch_run_reference`."""
    n = params.shape[0]
    n_s = speeds.shape[0]
    n_d = distances.shape[0]
    n_steps = int(t_max / dt + 0.5)
    t_speed = np.full((n, n_s), np.nan)
    t_dist = np.full((n, n_d), np.nan)
    v_dist = np.full((n, n_d), np.nan)
    shares = np.zeros((n, len(LIMITS)))
    peak = np.zeros(n)
    soc_end = np.zeros(n)
    trace = np.full((n, n_steps + 1 if record else 1), np.nan)
    for b in range(n):
        q = params[b]
        bat = battery[b]
        grade = q[Q_GRADE]
        ramp_time = q[Q_RAMP]
        v_gov = q[Q_GOVERNOR]
        v = 0.0
        x = 0.0
        t = 0.0
        soc = q[Q_SOC]
        _, ocv0, res0 = battery_power_available(q, bat, soc)
        kv = voltage_factor(q, ocv0, res0, q[Q_AUX])
        if record:
            trace[b, 0] = 0.0
        # The fast search starts from the last answer, moved on by the last step's change.
        a_last = math.nan
        a_change = 0.0
        for step in range(n_steps):
            p_avail, ocv, res = battery_power_available(q, bat, soc)
            ramp1 = min(1.0, t / ramp_time) if ramp_time > 0.0 else 1.0
            ramp2 = min(1.0, (t + dt) / ramp_time) if ramp_time > 0.0 else 1.0
            # The voltage factor lags one step: the sag of the step before.
            if reference:
                a1, p1, lab = max_acceleration(
                    q, cap, power, axle, w_top, v, ramp1, p_avail, grade, kv
                )
            else:
                a1, p1, lab = fast_acceleration(
                    q, cap, power, axle, w_top, v, ramp1, p_avail, grade, kv, a_last
                )
            a1_raw = a1
            # Brakes hold a car that cannot yet move off; the governor holds its speed.
            if (v <= 0.0 and a1 < 0.0) or (v >= v_gov and a1 > 0.0):
                a1 = 0.0
            v_pred = v + a1 * dt
            if v_pred < 0.0:
                v_pred = 0.0
            if reference:
                a2, p2, _ = max_acceleration(
                    q, cap, power, axle, w_top, v_pred, ramp2, p_avail, grade, kv
                )
            else:
                a2, p2, _ = fast_acceleration(
                    q,
                    cap,
                    power,
                    axle,
                    w_top,
                    v_pred,
                    ramp2,
                    p_avail,
                    grade,
                    kv,
                    a1_raw + a_change,
                )
            a_change = a2 - a1_raw
            a_last = a2
            if (v_pred <= 0.0 and a2 < 0.0) or (v_pred >= v_gov and a2 > 0.0):
                a2 = 0.0
            v_new = v + 0.5 * (a1 + a2) * dt
            if v_new < 0.0:
                v_new = 0.0
            if v_new > v_gov:
                v_new = v_gov
            x_new = x + 0.5 * (v + v_new) * dt
            if v < label_speed[b]:
                shares[b, lab] += dt
            acc = (v_new - v) / dt
            if acc > peak[b]:
                peak[b] = acc
            for i in range(n_s):
                if math.isnan(t_speed[b, i]) and v_new >= speeds[i] > v:
                    t_speed[b, i] = t + dt * (speeds[i] - v) / (v_new - v)
            for i in range(n_d):
                if math.isnan(t_dist[b, i]) and x_new >= distances[i] > x:
                    f = (distances[i] - x) / (x_new - x)
                    t_dist[b, i] = t + dt * f
                    v_dist[b, i] = v + f * (v_new - v)
            p_term = 0.5 * (p1 + p2) + q[Q_AUX]
            soc -= _chemical_power(p_term, ocv, res) * dt / q[Q_CAPACITY]
            kv = voltage_factor(q, ocv, res, p_term)
            v = v_new
            x = x_new
            t += dt
            if record:
                trace[b, step + 1] = v
            done = True
            for i in range(n_s):
                if math.isnan(t_speed[b, i]):
                    done = False
            for i in range(n_d):
                if math.isnan(t_dist[b, i]):
                    done = False
            # Stuck: cannot move off, or settled at a speed below an unreached target.
            if v == 0.0 and t > ramp_time and a2 <= 0.0:
                done = True
            if done:
                break
        soc_end[b] = soc
    return t_speed, t_dist, v_dist, shares, peak, soc_end, trace


@njit(cache=True, nogil=True)
def top_speed(params, cap, power, axle, w_top, battery, v_hi):  # type: ignore[no-untyped-def]
    """Highest speed [m/s] at which each case can still accelerate (bisection), its limit
    label, and whether it was still accelerating at ``v_hi[b]`` (then it returns v_hi)."""
    n = params.shape[0]
    out = np.zeros(n)
    labels = np.zeros(n, dtype=np.int64)
    capped = np.zeros(n, dtype=np.bool_)
    for b in range(n):
        q = params[b]
        bat = battery[b]
        grade = q[Q_GRADE]
        a_top, lab = fast_steady_acceleration(
            q, cap, power, axle, w_top, bat, v_hi[b], grade, math.nan
        )
        if a_top >= 0.0:
            out[b] = v_hi[b]
            labels[b] = lab
            capped[b] = True
            continue
        a0, _ = fast_steady_acceleration(q, cap, power, axle, w_top, bat, 0.0, grade, math.nan)
        if a0 < 0.0:
            out[b] = np.nan
            labels[b] = LIMIT_NONE
            continue
        # First estimate: where the straight line from (0, a0) to (v_hi, a_top) crosses 0.
        x_first = v_hi[b] * a0 / (a0 - a_top)
        out[b], labels[b] = _fast_boundary(
            q, cap, power, axle, w_top, bat, grade, True, v_hi[b], a0, x_first
        )
    return out, labels, capped


@njit(cache=True, nogil=True)
def steepest_grade(params, cap, power, axle, w_top, battery, speed):  # type: ignore[no-untyped-def]
    """Steepest grade [-] each case can climb at a steady ``speed[b]`` [m/s] (bisection on
    the grade up to 10, i.e. 84 degrees), and the limit that stops it there.

    NaN with label ``none`` when the car cannot hold that speed even on the level.
    """
    n = params.shape[0]
    out = np.zeros(n)
    labels = np.zeros(n, dtype=np.int64)
    for b in range(n):
        q = params[b]
        bat = battery[b]
        v = speed[b]
        a, _ = fast_steady_acceleration(q, cap, power, axle, w_top, bat, v, 0.0, math.nan)
        if a < 0.0:
            out[b] = np.nan
            labels[b] = LIMIT_NONE
            continue
        # First estimate: the grade whose weight component alone takes the acceleration.
        out[b], labels[b] = _fast_boundary(
            q, cap, power, axle, w_top, bat, v, False, 10.0, a, a / _G
        )
    return out, labels


@njit(cache=True, nogil=True)
def top_speed_reference(params, cap, power, axle, w_top, battery, v_hi):  # type: ignore[no-untyped-def]
    """:func:`top_speed` by full bisections (the definition the fast path is held to)."""
    n = params.shape[0]
    out = np.zeros(n)
    labels = np.zeros(n, dtype=np.int64)
    capped = np.zeros(n, dtype=np.bool_)
    for b in range(n):
        q = params[b]
        bat = battery[b]
        grade = q[Q_GRADE]
        a, lab = steady_acceleration(q, cap, power, axle, w_top, bat, v_hi[b], grade)
        if a >= 0.0:
            out[b] = v_hi[b]
            labels[b] = lab
            capped[b] = True
            continue
        a0, _ = steady_acceleration(q, cap, power, axle, w_top, bat, 0.0, grade)
        if a0 < 0.0:
            out[b] = np.nan
            labels[b] = LIMIT_NONE
            continue
        lo = 0.0
        hi = v_hi[b]
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            a, _ = steady_acceleration(q, cap, power, axle, w_top, bat, mid, grade)
            if a >= 0.0:
                lo = mid
            else:
                hi = mid
        out[b] = lo
        labels[b] = steady_acceleration(q, cap, power, axle, w_top, bat, lo, grade)[1]
    return out, labels, capped


@njit(cache=True, nogil=True)
def steepest_grade_reference(params, cap, power, axle, w_top, battery, speed):  # type: ignore[no-untyped-def]
    """:func:`steepest_grade` by full bisections (the definition the fast path is held
    to)."""
    n = params.shape[0]
    out = np.zeros(n)
    labels = np.zeros(n, dtype=np.int64)
    for b in range(n):
        q = params[b]
        bat = battery[b]
        v = speed[b]
        a, _ = steady_acceleration(q, cap, power, axle, w_top, bat, v, 0.0)
        if a < 0.0:
            out[b] = np.nan
            labels[b] = LIMIT_NONE
            continue
        lo = 0.0
        hi = 10.0
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            a, _ = steady_acceleration(q, cap, power, axle, w_top, bat, v, mid)
            if a >= 0.0:
                lo = mid
            else:
                hi = mid
        out[b] = lo
        labels[b] = steady_acceleration(q, cap, power, axle, w_top, bat, v, lo)[1]
    return out, labels
