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
    n = cap.shape[2]
    x = w / w_top * (n - 1)
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
    c = _cap(cap, k, i, w, w_top)
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
    # Which limit holds: the battery if its power is used up, else grip on an axle
    # whose motor could give more, else the motors (launch ramp, torque or power), where
    # power cut by a sagging pack voltage counts as the battery's.
    sagged = (c_f < ramp * _cap(cap, k, 0, w, wt) * (1.0 - 1e-9)) or (
        c_r < ramp * _cap(cap, k, 1, w, wt) * (1.0 - 1e-9)
    )
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
    return a, p_dc, label


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


@njit(cache=True)
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
    speed trace (only if ``record``; one sample per step).
    """
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
        for step in range(n_steps):
            p_avail, ocv, res = battery_power_available(q, bat, soc)
            ramp1 = min(1.0, t / ramp_time) if ramp_time > 0.0 else 1.0
            ramp2 = min(1.0, (t + dt) / ramp_time) if ramp_time > 0.0 else 1.0
            # The voltage factor lags one step: the sag of the step before.
            a1, p1, lab = max_acceleration(q, cap, power, axle, w_top, v, ramp1, p_avail, grade, kv)
            # Brakes hold a car that cannot yet move off; the governor holds its speed.
            if (v <= 0.0 and a1 < 0.0) or (v >= v_gov and a1 > 0.0):
                a1 = 0.0
            v_pred = v + a1 * dt
            if v_pred < 0.0:
                v_pred = 0.0
            a2, p2, _ = max_acceleration(
                q, cap, power, axle, w_top, v_pred, ramp2, p_avail, grade, kv
            )
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


@njit(cache=True)
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


@njit(cache=True)
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
