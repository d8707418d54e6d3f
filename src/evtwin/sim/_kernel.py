"""The compiled time loop: every vehicle of a batch along one speed trace.

State per vehicle: speed (which lags the trace when the car cannot keep up) and
state of charge. Each step runs from sample ``k`` to ``k + 1`` at the mean speed
of the step, so that the inertia term telescopes to the change in kinetic energy
and the energy balance closes exactly. The equations are those of
``evtwin.physics`` compiled inline; the unit tests hold the two equal.

A step, as the algorithm reads:

1. the force to follow the trace (road load at the mean speed plus inertia);
2. driving: the wheel torque, the least-loss split's losses from the map, and
   the DC power; if that exceeds the motors' torque or the battery's power, the
   car falls behind and the speed it reaches is solved instead;
3. braking: the motors take what the regeneration policy, their torque and the
   battery's charge limit allow, the friction brakes the rest;
4. the battery: current from terminal power, OCV and resistance; SOC from
   chemical power.
"""

from __future__ import annotations

import math
from types import FunctionType
from typing import Any

from numba import njit, prange

from ..units import GRAVITY
from ._layout import (
    A_AERO,
    A_AUX,
    A_BATTERY,
    A_DISTANCE,
    A_DISTANCE_TARGET,
    A_FRICTION,
    A_FRONT_ENERGY,
    A_GEAR,
    A_GRADE,
    A_INERTIA,
    A_INVERTER,
    A_MAX_DEFICIT,
    A_MISS_TIME,
    A_MOTOR,
    A_POWER_TERMINAL_MAX,
    A_POWER_TERMINAL_MIN,
    A_REGEN,
    A_REGEN_CHEMICAL,
    A_ROLLING,
    A_SOC_END,
    A_SOC_LOW,
    A_TERMINAL,
    A_TRACTION,
    B_OCV,
    B_RFACTOR,
    L_TORQUE_MAX,
    L_TORQUE_MIN,
    M_FRONT,
    M_GEAR,
    M_INVERTER,
    M_MOTOR,
    N_SOC,
    P_AERO,
    P_AUX,
    P_AUX_PROFILE,
    P_BATTERY,
    P_CAPACITY,
    P_FADE_HIGH,
    P_FADE_LOW,
    P_LOSS_FACTOR,
    P_MAP,
    P_MASS,
    P_MASS_EQ,
    P_POWER_CHARGE,
    P_POWER_DISCHARGE,
    P_POWERTRAIN_SCALE,
    P_RADIUS,
    P_REGEN_DECEL,
    P_RESISTANCE,
    P_ROLL0,
    P_ROLL1,
    P_SOC_CEILING,
    P_SOC_FLOOR,
    P_SOC_START,
    P_VOLTAGE_MAX,
    P_VOLTAGE_MIN,
    P_WIND,
    S_CHEMICAL,
    S_DISTANCE,
    S_TERMINAL,
    S_TIME,
    T_LIMITED,
    T_POWER_FRICTION,
    T_POWER_TERMINAL,
    T_POWER_WHEEL,
    T_SOC,
    T_SPEED,
    T_TORQUE_FRONT,
    T_TORQUE_REAR,
    TRACE_TOLERANCE,
)

_G = GRAVITY
_BISECTIONS = 40
_SPEED_ITERATIONS = 8
# Contraction to fused multiply-add and fast reciprocals only: no reassociation, so
# a vehicle's result does not depend on the batch it runs in.
_FAST = {"contract", "arcp", "afn", "nsz"}


@njit(inline="always", fastmath=_FAST, cache=True)
def _lin(table, x):  # type: ignore[no-untyped-def]
    """Linear interpolation on a uniform grid, x in node units, held at the ends."""
    n = table.shape[0]
    if x <= 0.0:
        return table[0]
    if x >= n - 1:
        return table[n - 1]
    i = int(x)
    return table[i] + (x - i) * (table[i + 1] - table[i])


@njit(inline="always", fastmath=_FAST, cache=True)
def _interval(ocv_tab, rf_tab, soc, nodes, r_mid):  # type: ignore[no-untyped-def]
    """The SOC interval of the battery tables holding ``soc``, as straight lines.

    Returns ``(lo, hi, ocv0, ocv1, res0, res1)`` with ``ocv = ocv0 + ocv1 soc`` and
    ``res = res0 + res1 soc`` for ``lo <= soc < hi``. Outside [0, 1] the end values
    hold (flat lines over an unbounded interval).
    """
    n = ocv_tab.shape[0]
    x = soc * nodes
    if x < 0.0:
        return -1e300, 0.0, ocv_tab[0], 0.0, r_mid * rf_tab[0], 0.0
    if x >= n - 1:
        return 1.0, 1e300, ocv_tab[n - 1], 0.0, r_mid * rf_tab[n - 1], 0.0
    i = int(x)
    lo = i / nodes
    hi = (i + 1) / nodes
    ocv1 = (ocv_tab[i + 1] - ocv_tab[i]) * nodes
    res1 = r_mid * (rf_tab[i + 1] - rf_tab[i]) * nodes
    return lo, hi, ocv_tab[i] - ocv1 * lo, ocv1, r_mid * rf_tab[i] - res1 * lo, res1


@njit(inline="always", fastmath=_FAST, cache=True)
def _cell(maps, xw, t, inv_cap):  # type: ignore[no-untyped-def]
    """The map cell holding (wheel speed, torque) and the bilinear weights in it.

    ``xw`` is the wheel speed in node units; the torque axis is ``T_cap u |u|`` and
    ``inv_cap`` is ``1 / T_cap``.
    """
    n_w = maps.shape[2]
    n_t = maps.shape[3]
    if xw > n_w - 1:
        xw = n_w - 1.0
    iw = int(xw)
    if iw > n_w - 2:
        iw = n_w - 2
    aw = xw - iw
    r = abs(t) * inv_cap
    if r > 1.0:
        r = 1.0
    u = math.sqrt(r)
    if t < 0.0:
        u = -u
    y = 0.5 * (u + 1.0) * (n_t - 1)
    it = int(y)
    if it > n_t - 2:
        it = n_t - 2
    at = y - it
    return iw, it, (1.0 - aw) * (1.0 - at), (1.0 - aw) * at, aw * (1.0 - at), aw * at


@njit(inline="always", fastmath=_FAST, cache=True)
def _channel(maps, m, c, iw, it, c00, c01, c10, c11):  # type: ignore[no-untyped-def]
    return (
        c00 * maps[m, c, iw, it]
        + c01 * maps[m, c, iw, it + 1]
        + c10 * maps[m, c, iw + 1, it]
        + c11 * maps[m, c, iw + 1, it + 1]
    )


@njit(inline="always", fastmath=_FAST, cache=True)
def _losses(maps, m, xw, t, inv_cap_t, k_loss):  # type: ignore[no-untyped-def]
    """Gear, motor and inverter loss [W] of the least-loss split at (wheel speed, torque),
    and the split's front-axle torque at the map's scale [N m].

    For a powertrain ``scale`` times the size of the map's, pass ``inv_cap_t`` =
    ``1 / (T_cap scale)`` and ``k_loss`` = ``scale`` times the loss factor.
    """
    iw, it, c00, c01, c10, c11 = _cell(maps, xw, t, inv_cap_t)
    lg = _channel(maps, m, M_GEAR, iw, it, c00, c01, c10, c11)
    lm = _channel(maps, m, M_MOTOR, iw, it, c00, c01, c10, c11)
    li = _channel(maps, m, M_INVERTER, iw, it, c00, c01, c10, c11)
    # The front axle's share comes with the same weights; it is cheap beside the rest.
    tf = _channel(maps, m, M_FRONT, iw, it, c00, c01, c10, c11)
    return lg * k_loss, lm * k_loss, li * k_loss, tf


@njit(inline="always", fastmath=_FAST, cache=True)
def _dc_power(maps, m, w, xw, t, inv_cap_t, k_loss):  # type: ignore[no-untyped-def]
    lg, lm, li, _ = _losses(maps, m, xw, t, inv_cap_t, k_loss)
    return t * w + lg + lm + li


@njit(fastmath=_FAST, cache=True)
def _max_torque_for_power(maps, m, w, xw, t_hi, inv_cap_t, k_loss, p_avail):  # type: ignore[no-untyped-def]
    """Largest wheel torque in [0, t_hi] whose DC power stays within p_avail (bisection)."""
    if _dc_power(maps, m, w, xw, t_hi, inv_cap_t, k_loss) <= p_avail:
        return t_hi
    if _dc_power(maps, m, w, xw, 0.0, inv_cap_t, k_loss) > p_avail:
        return 0.0
    lo = 0.0
    hi = t_hi
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        if _dc_power(maps, m, w, xw, mid, inv_cap_t, k_loss) <= p_avail:
            lo = mid
        else:
            hi = mid
    return lo


@njit(fastmath=_FAST, cache=True)
def _min_torque_for_power(maps, m, w, xw, t_lo, inv_cap_t, k_loss, p_floor):  # type: ignore[no-untyped-def]
    """Most negative wheel torque in [t_lo, 0] whose DC power stays at or above p_floor."""
    lo = t_lo
    hi = 0.0
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        if _dc_power(maps, m, w, xw, mid, inv_cap_t, k_loss) >= p_floor:
            hi = mid
        else:
            lo = mid
    return hi


def drive_kernel(  # type: ignore[no-untyped-def]
    speed_target,  # (n_t + 1,) [m/s]
    dt,  # (n_t,) [s]
    inv_dt,  # (n_t,) [1/s]
    cos_grade,  # (n_t,) cosine of the road's angle [-]
    sin_grade,  # (n_t,) sine of the road's angle [-]
    segment,  # (n_t,) int64
    aux_profiles,  # (n_prof, n_t) auxiliary load of each step [W]; (0, n_t) for none
    veh,  # (n_b, N_PARAM)
    battery,  # (n_bat, 2, N_SOC)
    maps,  # (n_map, N_MAP, n_w, n_tq)
    limits,  # (n_map, 2, n_w)
    grid,  # (n_map, 2): wheel speed_max [rad/s], torque_cap [N m]
    acc,  # out (n_b, N_ACC)
    seg_acc,  # out (n_b, n_seg, N_SEG)
    traces,  # out (n_b, N_TRACE, n_t + 1), or (n_b, N_TRACE, 0) for none
):
    n_b = veh.shape[0]
    n_t = dt.shape[0]
    n_seg = seg_acc.shape[1]
    store = traces.shape[2] > 0
    soc_nodes = N_SOC - 1.0
    for b in prange(n_b):
        m = int(veh[b, P_MAP])
        bt = int(veh[b, P_BATTERY])
        n_w = maps.shape[2]
        w_to_x = (n_w - 1) / grid[m, 0]
        scale = veh[b, P_POWERTRAIN_SCALE]
        k_loss = scale * veh[b, P_LOSS_FACTOR]
        inv_cap_t = 1.0 / (grid[m, 1] * scale)
        mass = veh[b, P_MASS]
        mass_eq = veh[b, P_MASS_EQ]
        radius = veh[b, P_RADIUS]
        inv_radius = 1.0 / radius
        roll0 = veh[b, P_ROLL0]
        roll1 = veh[b, P_ROLL1]
        aero = veh[b, P_AERO]
        wind = veh[b, P_WIND]
        aux_base = veh[b, P_AUX]
        aux = aux_base
        prof = int(veh[b, P_AUX_PROFILE])
        inv_cap = 1.0 / veh[b, P_CAPACITY]
        r_mid = veh[b, P_RESISTANCE]
        soc = veh[b, P_SOC_START]
        soc_floor = veh[b, P_SOC_FLOOR]
        soc_ceiling = veh[b, P_SOC_CEILING]
        v_min = veh[b, P_VOLTAGE_MIN]
        v_max = veh[b, P_VOLTAGE_MAX]
        p_dis_max = veh[b, P_POWER_DISCHARGE]
        p_chg_max = veh[b, P_POWER_CHARGE]
        f_regen_max = veh[b, P_REGEN_DECEL] * mass
        fade_hi = veh[b, P_FADE_HIGH]
        fade_lo = veh[b, P_FADE_LOW]
        ocv_tab = battery[bt, B_OCV]
        rf_tab = battery[bt, B_RFACTOR]
        soc_lo, soc_hi, ocv0, ocv1, res0, res1 = _interval(ocv_tab, rf_tab, soc, soc_nodes, r_mid)
        t_max_tab = limits[m, L_TORQUE_MAX]
        t_min_tab = limits[m, L_TORQUE_MIN]

        e_aero = 0.0
        e_roll = 0.0
        e_grade = 0.0
        e_inertia = 0.0
        e_fric = 0.0
        e_gear = 0.0
        e_motor = 0.0
        e_inv = 0.0
        e_batt = 0.0
        e_aux = 0.0
        e_term = 0.0
        e_trac = 0.0
        e_regen = 0.0
        e_regen_chem = 0.0
        e_front = 0.0
        e_chem = 0.0
        elapsed = 0.0
        dist = 0.0
        dist_target = 0.0
        miss_time = 0.0
        max_deficit = 0.0
        soc_low = soc
        p_term_max = 0.0
        p_term_min = 0.0

        v0 = speed_target[0]
        if store:
            traces[b, T_SPEED, 0] = v0
            traces[b, T_SOC, 0] = soc
            for q in range(2, traces.shape[1]):
                traces[b, q, 0] = 0.0

        for k in range(n_t):
            h = dt[k]
            inv_h = inv_dt[k]
            cos_g = cos_grade[k]
            f_slope = mass * _G * sin_grade[k]
            aux = aux_base if prof < 0 else aux_profiles[prof, k]
            roll_c = roll0 * cos_g
            roll_v = roll1 * cos_g
            vt = speed_target[k + 1]
            dist_target += 0.5 * (speed_target[k] + vt) * h

            # OCV and resistance are linear in SOC within a table interval: the
            # interval is found again only when the SOC leaves it.
            if soc < soc_lo or soc >= soc_hi:
                soc_lo, soc_hi, ocv0, ocv1, res0, res1 = _interval(
                    ocv_tab, rf_tab, soc, soc_nodes, r_mid
                )
            ocv = ocv0 + ocv1 * soc
            res = res0 + res1 * soc

            # 1. The force to follow the trace.
            v1 = vt
            vbar = 0.5 * (v0 + v1)
            va = vbar + wind
            f_road = f_slope
            if vbar > 0.0:
                f_road += roll_c + roll_v * vbar + aero * va * abs(va)
            f_req = f_road + mass_eq * (v1 - v0) * inv_h

            limited = False
            tf = 0.0
            t_wheel = 0.0
            f_fric = 0.0
            lg = 0.0
            lm = 0.0
            li = 0.0
            w = 0.0
            if vbar > 0.0:
                w = vbar * inv_radius
                xw = w * w_to_x
                if f_req >= 0.0:
                    # 2. Driving.
                    t_wheel = f_req * radius
                    lg, lm, li, tf = _losses(maps, m, xw, t_wheel, inv_cap_t, k_loss)
                    p_term = t_wheel * w + lg + lm + li + aux
                    # Discharge limit: the pack's rating, the minimum cell voltage, and
                    # nothing but the auxiliaries once the window is spent.
                    vlo = max(v_min, 0.5 * ocv)
                    if (
                        t_wheel > _lin(t_max_tab, xw) * scale
                        or p_term > p_dis_max
                        or p_term * res > vlo * (ocv - vlo)
                        or soc <= soc_floor
                    ):
                        limited = True
                        p_avail = min(p_dis_max, vlo * (ocv - vlo) / res)
                        if soc <= soc_floor:
                            p_avail = aux
                        p_avail -= aux
                        for _ in range(_SPEED_ITERATIONS):
                            w = vbar * inv_radius
                            xw = w * w_to_x
                            t_ach = 0.0
                            if p_avail > 0.0 and w > 0.0:
                                t_ach = _max_torque_for_power(
                                    maps,
                                    m,
                                    w,
                                    xw,
                                    _lin(t_max_tab, xw) * scale,
                                    inv_cap_t,
                                    k_loss,
                                    p_avail,
                                )
                            va = vbar + wind
                            f_road = f_slope
                            if vbar > 0.0:
                                f_road += roll_c + roll_v * vbar + aero * va * abs(va)
                            v1 = v0 + h * (t_ach * inv_radius - f_road) / mass_eq
                            v1 = min(max(v1, 0.0), vt)
                            vbar = 0.5 * (v0 + v1)
                        va = vbar + wind
                        f_road = f_slope
                        if vbar > 0.0:
                            f_road += roll_c + roll_v * vbar + aero * va * abs(va)
                        f_req = f_road + mass_eq * (v1 - v0) * inv_h
                        if vbar > 0.0 and f_req > 0.0:
                            w = vbar * inv_radius
                            xw = w * w_to_x
                            t_wheel = f_req * radius
                            lg, lm, li, tf = _losses(maps, m, xw, t_wheel, inv_cap_t, k_loss)
                        else:
                            # The car stopped (or the brakes hold it): nothing turns.
                            tf = 0.0
                            t_wheel = 0.0
                            w = 0.0
                            lg = 0.0
                            lm = 0.0
                            li = 0.0
                            if vbar > 0.0:
                                f_fric = -f_req
                else:
                    # 3. Braking: regeneration as far as it may go, friction for the rest.
                    f_brake = -f_req
                    f_regen = min(f_brake, f_regen_max, -_lin(t_min_tab, xw) * scale * inv_radius)
                    if vbar < fade_hi:
                        f_regen *= max((vbar - fade_lo) / (fade_hi - fade_lo), 0.0)
                    t_wheel = -f_regen * radius
                    lg, lm, li, tf = _losses(maps, m, xw, t_wheel, inv_cap_t, k_loss)
                    p_term = t_wheel * w + lg + lm + li + aux
                    if p_term < 0.0 and (
                        -p_term > p_chg_max
                        or -p_term * res > v_max * (v_max - ocv)
                        or soc >= soc_ceiling
                    ):
                        p_take = min(p_chg_max, v_max * (v_max - ocv) / res)
                        if p_take < 0.0 or soc >= soc_ceiling:
                            p_take = 0.0
                        t_wheel = _min_torque_for_power(
                            maps, m, w, xw, t_wheel, inv_cap_t, k_loss, -p_take - aux
                        )
                        lg, lm, li, tf = _losses(maps, m, xw, t_wheel, inv_cap_t, k_loss)
                    f_fric = f_brake + t_wheel * inv_radius
                    if f_fric < 0.0:
                        f_fric = 0.0  # rounding: regeneration never exceeds the demand
            else:
                f_req = 0.0

            # 4. The battery.
            p_wheel = t_wheel * w
            p_term = p_wheel + lg + lm + li + aux
            disc = ocv * ocv - 4.0 * res * p_term
            if disc < 0.0:
                disc = 0.0  # beyond the circuit's limit; the power limits keep it from here
            cur = 2.0 * p_term / (ocv + math.sqrt(disc))
            p_bl = res * cur * cur
            p_chem = p_term + p_bl
            soc_next = soc - p_chem * h * inv_cap

            # Energy terms at the step's mean speed.
            if vbar > 0.0:
                d_step = vbar * h
                e_aero += aero * va * abs(va) * d_step
                e_roll += (roll_c + roll_v * vbar) * d_step
                e_grade += f_slope * d_step
                e_fric += f_fric * d_step
            else:
                d_step = 0.0
            e_inertia += 0.5 * mass_eq * (v1 * v1 - v0 * v0)
            e_gear += lg * h
            e_motor += lm * h
            e_inv += li * h
            e_batt += p_bl * h
            e_aux += aux * h
            e_term += p_term * h
            tf *= scale
            if p_wheel > 0.0:
                e_trac += p_wheel * h
                e_front += tf * w * h
            else:
                e_regen -= p_wheel * h
                if p_chem < 0.0:
                    e_regen_chem -= p_chem * h
            p_term_max = max(p_term_max, p_term)
            p_term_min = min(p_term_min, p_term)
            dist += d_step
            elapsed += h
            deficit = vt - v1
            max_deficit = max(max_deficit, deficit)
            if deficit > TRACE_TOLERANCE:
                miss_time += h
            e_chem += p_chem * h
            if n_seg > 1:
                s = segment[k]
                seg_acc[b, s, S_CHEMICAL] += p_chem * h
                seg_acc[b, s, S_TERMINAL] += p_term * h
                seg_acc[b, s, S_DISTANCE] += d_step
                seg_acc[b, s, S_TIME] += h

            soc = soc_next
            soc_low = min(soc_low, soc)
            v0 = v1
            if store:
                traces[b, T_SPEED, k + 1] = v1
                traces[b, T_SOC, k + 1] = soc
                traces[b, T_POWER_TERMINAL, k + 1] = p_term
                traces[b, T_POWER_WHEEL, k + 1] = p_wheel
                traces[b, T_POWER_FRICTION, k + 1] = f_fric * vbar
                traces[b, T_TORQUE_FRONT, k + 1] = tf
                traces[b, T_TORQUE_REAR, k + 1] = t_wheel - tf
                traces[b, T_LIMITED, k + 1] = 1.0 if limited else 0.0

        acc[b, A_AERO] = e_aero
        acc[b, A_ROLLING] = e_roll
        acc[b, A_GRADE] = e_grade
        acc[b, A_INERTIA] = e_inertia
        acc[b, A_FRICTION] = e_fric
        acc[b, A_GEAR] = e_gear
        acc[b, A_MOTOR] = e_motor
        acc[b, A_INVERTER] = e_inv
        acc[b, A_BATTERY] = e_batt
        acc[b, A_AUX] = e_aux
        acc[b, A_TERMINAL] = e_term
        acc[b, A_TRACTION] = e_trac
        acc[b, A_REGEN] = e_regen
        acc[b, A_REGEN_CHEMICAL] = e_regen_chem
        acc[b, A_FRONT_ENERGY] = e_front
        if n_seg == 1:
            seg_acc[b, 0, S_CHEMICAL] = e_chem
            seg_acc[b, 0, S_TERMINAL] = e_term
            seg_acc[b, 0, S_DISTANCE] = dist
            seg_acc[b, 0, S_TIME] = elapsed
        acc[b, A_DISTANCE] = dist
        acc[b, A_DISTANCE_TARGET] = dist_target
        acc[b, A_MISS_TIME] = miss_time
        acc[b, A_MAX_DEFICIT] = max_deficit
        acc[b, A_SOC_END] = soc
        acc[b, A_SOC_LOW] = soc_low
        acc[b, A_POWER_TERMINAL_MAX] = p_term_max
        acc[b, A_POWER_TERMINAL_MIN] = p_term_min


def _renamed(func: Any, name: str) -> Any:
    """A copy of a function under another name.

    numba's on-disk cache keys a compiled function by its qualified name, not by its
    compile options: two ``njit`` wrappers of one function would share a cache entry
    and the parallel one would load the serial code. Distinct names keep them apart.
    """
    copy = FunctionType(func.__code__, func.__globals__, name, func.__defaults__, func.__closure__)
    copy.__qualname__ = name
    copy.__doc__ = func.__doc__
    return copy


#: The kernel compiled twice from one source: serially for small batches (no
#: thread start-up cost) and in parallel over the batch for large ones.
drive_serial = njit(fastmath=_FAST, cache=True)(_renamed(drive_kernel, "drive_serial"))
drive_parallel = njit(fastmath=_FAST, cache=True, parallel=True)(
    _renamed(drive_kernel, "drive_parallel")
)
