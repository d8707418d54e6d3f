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

``_slow_step`` is that step for one vehicle. The batch, though, runs time outer and
vehicles inner, in chunks of ``_LANES`` vehicles ("lanes"): a step is a few short
loops over the lanes, each doing one part of it for all of them. The arithmetic
loops are branch-free and read and write rows of one local array, so the compiler
vectorises them across vehicles (four per AVX2 instruction), where a scalar step
spends its time on instruction count and mispredicted branches; the table look-ups,
gathers the compiler cannot vectorise here, have scalar loops of their own. The
loops assume the common step, the car following the trace within every limit, and
flag the lanes where that does not hold (the car falls behind, a charge limit cuts
regeneration, a degenerate regeneration fade); those lanes keep their state and
``_slow_step`` redoes the step for them. Either way a vehicle's arithmetic is the
same operations in the same order, so its result does not depend on the batch or
the lane it runs in.
"""

from __future__ import annotations

import math
from types import FunctionType
from typing import Any

import numpy as np
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
    N_MAP,
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
def _soc_after(soc, p_term, ocv, root, scale):  # type: ignore[no-untyped-def]
    """The SOC after a step at terminal power ``p_term`` [W] from ``soc``.

    The cell's chemical power is ``ocv I``, with the current ``I = 2 p_term / (ocv +
    root)`` and ``root`` the square root of ``ocv^2 - 4 R p_term``; ``scale`` is the
    step's length over the capacity [s/J]. Written as one quotient whose numerator is
    ready before its denominator: the SOC waits on this chain every step (the lap
    replay is nothing else), and it is shorter by a multiply and an add than ``p_term
    + R I^2`` (the same power: ``ocv I = (V + R I) I``).
    """
    return soc - (2.0 * p_term * scale) * ocv / (ocv + root)


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


# ------------------------------------------------------------------ the lane layout
#
# A chunk's per-vehicle constants, state, accumulators and the intermediates one
# loop hands the next are rows of one local array ``s[row, lane]``. Its row stride
# is a compile-time constant, so the compiler can tell the rows apart and vectorise
# the loops without run-time alias checks (with several arrays it gives up).
#
# 64 lanes keep a chunk's 85 rows (50 kB) in the L1/L2 caches and the loops long
# enough to vectorise (the time is flat from 32 to 128).
_LANES = 64
#: Table indices are masked with this: the compiler then knows they are not negative
#: and leaves out numba's wrap-around code (half the work of a scalar look-up).
_INDEX_MASK = (1 << 48) - 1

# Rows of a chunk's lane array. Vehicle constants:
(
    _R_MASS,
    _R_MASS_EQ,
    _R_RADIUS,
    _R_INV_RADIUS,
    _R_ROLL0,
    _R_ROLL1,
    _R_AERO,
    _R_WIND,
    _R_AUX,  # this step's auxiliary load
    _R_INV_CAP,
    _R_R_MID,
    _R_SOC_FLOOR,
    _R_SOC_CEILING,
    _R_V_MIN,
    _R_V_MAX,
    _R_P_DIS,
    _R_P_CHG,
    _R_F_REGEN_MAX,
    _R_FADE_HI,
    _R_FADE_LO,
    _R_INV_FADE,  # 1 / (fade_hi - fade_lo), or 0 where they are equal
    _R_FADE_FLAT,  # 1 where fade_hi == fade_lo: such fade steps go the slow way
    _R_SCALE,
    _R_K_LOSS,
    _R_INV_CAP_T,
    _R_W_TO_X,
    _R_MAP_BASE,  # flat index of the vehicle's loss map and torque limits
    _R_LIM_BASE,
    # State: speed, SOC and the SOC's battery-table interval (see ``_interval``).
    _R_V0,
    _R_V_START,  # the speed at the start of the step, for ``_slow_step``
    _R_SOC,
    _R_SOC_LO,
    _R_SOC_HI,
    _R_OCV0,
    _R_OCV1,
    _R_RES0,
    _R_RES1,
    # Accumulators.
    _R_E_AERO,
    _R_E_ROLL,
    _R_E_GRADE,
    _R_E_INERTIA,
    _R_E_FRIC,
    _R_E_GEAR,
    _R_E_MOTOR,
    _R_E_INV,
    _R_E_BATT,
    _R_E_AUX,
    _R_E_TERM,
    _R_E_TRAC,
    _R_E_REGEN,
    _R_E_REGEN_CHEM,
    _R_E_FRONT,
    _R_DIST,
    _R_MISS_TIME,
    _R_MAX_DEFICIT,
    # Totals of the current segment, added to seg_acc when it ends; with one segment,
    # the run's totals.
    _R_SEG_CHEM,
    _R_SEG_TERM,
    _R_SEG_DIST,
    # Peaks.
    _R_P_TERM_MAX,
    _R_P_TERM_MIN,
    _R_SOC_LOW,
    _R_ONE,  # 1: see the peaks in ``_drive_chunk``
    # One step's intermediates, passed from one loop to the next.
    _R_F_REQ,
    _R_XW,
    _R_LIM_OFF,  # flat index of the torque-limit node below the wheel speed
    _R_LIM_FRAC,  # and the wheel speed's fraction of the interval to the next
    _R_LIM_TOP,  # 1 beyond the last node
    _R_T_LIM,  # the torque limit at the wheel speed: max when driving, min braking
    _R_T_WHEEL,
    _R_MAP_OFF,  # flat index of the loss-map cell's first node
    _R_C00,
    _R_C01,
    _R_C10,
    _R_C11,
    _R_LG,
    _R_LM,
    _R_LI,
    _R_TF,
    _R_FIX,  # 2 where ``_slow_step`` must redo the step, 1 where only the SOC's
    # battery-table interval is to be found again, else 0
    # The step's trace values.
    _R_P_TERM,
    _R_P_WHEEL,
    _R_P_FRIC,
    _R_TF_SCALED,
    _R_LIMITED,
    _N_ROWS,
) = range(85)


@njit(cache=True)
def _lane_setup(s, j, veh, b, battery, grid, n_w, n_tq, n_l, soc_nodes):  # type: ignore[no-untyped-def]
    """Vehicle ``b``'s constants and initial state into lane ``j``; its map, battery and
    auxiliary-profile indices."""
    m = int(veh[b, P_MAP])
    bt = int(veh[b, P_BATTERY])
    scale = veh[b, P_POWERTRAIN_SCALE]
    s[_R_W_TO_X, j] = (n_w - 1) / grid[m, 0]
    s[_R_SCALE, j] = scale
    s[_R_K_LOSS, j] = scale * veh[b, P_LOSS_FACTOR]
    s[_R_INV_CAP_T, j] = 1.0 / (grid[m, 1] * scale)
    mass = veh[b, P_MASS]
    s[_R_MASS, j] = mass
    s[_R_MASS_EQ, j] = veh[b, P_MASS_EQ]
    s[_R_RADIUS, j] = veh[b, P_RADIUS]
    s[_R_INV_RADIUS, j] = 1.0 / veh[b, P_RADIUS]
    s[_R_ROLL0, j] = veh[b, P_ROLL0]
    s[_R_ROLL1, j] = veh[b, P_ROLL1]
    s[_R_AERO, j] = veh[b, P_AERO]
    s[_R_WIND, j] = veh[b, P_WIND]
    s[_R_AUX, j] = veh[b, P_AUX]
    s[_R_INV_CAP, j] = 1.0 / veh[b, P_CAPACITY]
    r_mid = veh[b, P_RESISTANCE]
    s[_R_R_MID, j] = r_mid
    s[_R_SOC_FLOOR, j] = veh[b, P_SOC_FLOOR]
    s[_R_SOC_CEILING, j] = veh[b, P_SOC_CEILING]
    s[_R_V_MIN, j] = veh[b, P_VOLTAGE_MIN]
    s[_R_V_MAX, j] = veh[b, P_VOLTAGE_MAX]
    s[_R_P_DIS, j] = veh[b, P_POWER_DISCHARGE]
    s[_R_P_CHG, j] = veh[b, P_POWER_CHARGE]
    s[_R_F_REGEN_MAX, j] = veh[b, P_REGEN_DECEL] * mass
    fade_hi = veh[b, P_FADE_HIGH]
    fade_lo = veh[b, P_FADE_LOW]
    s[_R_FADE_HI, j] = fade_hi
    s[_R_FADE_LO, j] = fade_lo
    # The compiler turns the fade's division into this reciprocal's multiple anyway.
    flat = fade_hi == fade_lo
    s[_R_INV_FADE, j] = 0.0 if flat else 1.0 / (fade_hi - fade_lo)
    s[_R_FADE_FLAT, j] = 1.0 if flat else 0.0
    soc = veh[b, P_SOC_START]
    s[_R_SOC, j] = soc
    _set_interval(s, j, battery, bt, soc, soc_nodes)
    for q in range(_R_E_AERO, _R_SEG_DIST + 1):
        s[q, j] = 0.0
    s[_R_P_TERM_MAX, j] = 0.0
    s[_R_P_TERM_MIN, j] = 0.0
    s[_R_SOC_LOW, j] = soc
    s[_R_ONE, j] = 1.0
    s[_R_MAP_BASE, j] = m * (N_MAP * n_w * n_tq)
    s[_R_LIM_BASE, j] = m * (2 * n_l)
    return m, bt, int(veh[b, P_AUX_PROFILE])


@njit(inline="always", cache=True)
def _set_interval(s, j, battery, bt, soc, soc_nodes):  # type: ignore[no-untyped-def]
    lo, hi, ocv0, ocv1, res0, res1 = _interval(
        battery[bt, B_OCV], battery[bt, B_RFACTOR], soc, soc_nodes, s[_R_R_MID, j]
    )
    s[_R_SOC_LO, j] = lo
    s[_R_SOC_HI, j] = hi
    s[_R_OCV0, j] = ocv0
    s[_R_OCV1, j] = ocv1
    s[_R_RES0, j] = res0
    s[_R_RES1, j] = res1


@njit(fastmath=_FAST, cache=True)
def _slow_step(s, j, maps, m, t_max_tab, t_min_tab, h, inv_h, cos_g, sin_g, vt):  # type: ignore[no-untyped-def]
    """One step of lane ``j`` the general way: the algorithm as the module reads.

    The vectorised loops take every step the car follows the trace without meeting a
    limit; this takes the others (and gives the same result on the common ones).
    """
    scale = s[_R_SCALE, j]
    k_loss = s[_R_K_LOSS, j]
    inv_cap_t = s[_R_INV_CAP_T, j]
    w_to_x = s[_R_W_TO_X, j]
    mass = s[_R_MASS, j]
    mass_eq = s[_R_MASS_EQ, j]
    radius = s[_R_RADIUS, j]
    inv_radius = s[_R_INV_RADIUS, j]
    aero = s[_R_AERO, j]
    wind = s[_R_WIND, j]
    aux = s[_R_AUX, j]
    soc = s[_R_SOC, j]
    soc_floor = s[_R_SOC_FLOOR, j]
    soc_ceiling = s[_R_SOC_CEILING, j]
    v_min = s[_R_V_MIN, j]
    v_max = s[_R_V_MAX, j]
    p_dis_max = s[_R_P_DIS, j]
    p_chg_max = s[_R_P_CHG, j]
    f_regen_max = s[_R_F_REGEN_MAX, j]
    fade_hi = s[_R_FADE_HI, j]
    fade_lo = s[_R_FADE_LO, j]
    v0 = s[_R_V_START, j]

    f_slope = mass * _G * sin_g
    roll_c = s[_R_ROLL0, j] * cos_g
    roll_v = s[_R_ROLL1, j] * cos_g
    ocv = s[_R_OCV0, j] + s[_R_OCV1, j] * soc
    res = s[_R_RES0, j] + s[_R_RES1, j] * soc

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
                -p_term > p_chg_max or -p_term * res > v_max * (v_max - ocv) or soc >= soc_ceiling
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

    # 4. The battery.
    p_wheel = t_wheel * w
    p_term = p_wheel + lg + lm + li + aux
    disc = ocv * ocv - 4.0 * res * p_term
    if disc < 0.0:
        disc = 0.0  # beyond the circuit's limit; the power limits keep it from here
    root = math.sqrt(disc)
    cur = 2.0 * p_term / (ocv + root)
    p_bl = res * cur * cur
    p_chem = p_term + p_bl
    soc_next = _soc_after(soc, p_term, ocv, root, h * s[_R_INV_CAP, j])

    # Energy terms at the step's mean speed.
    if vbar > 0.0:
        d_step = vbar * h
        s[_R_E_AERO, j] += aero * va * abs(va) * d_step
        s[_R_E_ROLL, j] += (roll_c + roll_v * vbar) * d_step
        s[_R_E_GRADE, j] += f_slope * d_step
        s[_R_E_FRIC, j] += f_fric * d_step
    else:
        d_step = 0.0
    s[_R_E_INERTIA, j] += 0.5 * mass_eq * (v1 * v1 - v0 * v0)
    s[_R_E_GEAR, j] += lg * h
    s[_R_E_MOTOR, j] += lm * h
    s[_R_E_INV, j] += li * h
    s[_R_E_BATT, j] += p_bl * h
    s[_R_E_AUX, j] += aux * h
    s[_R_E_TERM, j] += p_term * h
    tf *= scale
    if p_wheel > 0.0:
        s[_R_E_TRAC, j] += p_wheel * h
        s[_R_E_FRONT, j] += tf * w * h
    else:
        s[_R_E_REGEN, j] -= p_wheel * h
        if p_chem < 0.0:
            s[_R_E_REGEN_CHEM, j] -= p_chem * h
    s[_R_P_TERM_MAX, j] = max(s[_R_P_TERM_MAX, j], p_term)
    s[_R_P_TERM_MIN, j] = min(s[_R_P_TERM_MIN, j], p_term)
    s[_R_DIST, j] += d_step
    deficit = vt - v1
    s[_R_MAX_DEFICIT, j] = max(s[_R_MAX_DEFICIT, j], deficit)
    if deficit > TRACE_TOLERANCE:
        s[_R_MISS_TIME, j] += h
    s[_R_SEG_CHEM, j] += p_chem * h
    s[_R_SEG_TERM, j] += p_term * h
    s[_R_SEG_DIST, j] += d_step

    s[_R_SOC, j] = soc_next
    s[_R_SOC_LOW, j] = min(s[_R_SOC_LOW, j], soc_next)
    s[_R_V0, j] = v1
    s[_R_P_TERM, j] = p_term
    s[_R_P_WHEEL, j] = p_wheel
    s[_R_P_FRIC, j] = f_fric * vbar
    s[_R_TF_SCALED, j] = tf
    s[_R_T_WHEEL, j] = t_wheel
    s[_R_LIMITED, j] = 1.0 if limited else 0.0


# nogil only matters where Python calls in (drive_serial and drive_parallel below); a
# compiled caller runs this as it is.
@njit(fastmath=_FAST, error_model="numpy", cache=True, nogil=True)
def _drive_chunk(  # type: ignore[no-untyped-def]
    lo,
    hi,
    speed_target,
    dt,
    inv_dt,
    cos_grade,
    sin_grade,
    segment,
    aux_profiles,
    veh,
    battery,
    maps,
    limits,
    grid,
    acc,
    seg_acc,
    traces,
):
    """Vehicles ``lo`` to ``hi - 1`` of the batch over the whole trace.

    Compiled with numpy's error model: a division by zero in the loops gives inf
    rather than raising, which would stop them from vectorising (the one division
    left, the battery current's, has a positive denominator).
    """
    nl = hi - lo
    n_t = dt.shape[0]
    n_seg = seg_acc.shape[1]
    store = traces.shape[2] > 0
    soc_nodes = N_SOC - 1.0
    n_w = maps.shape[2]
    n_tq = maps.shape[3]
    n_w_f = n_w - 1.0  # the map's last wheel-speed node
    n_w_2 = n_w - 2.0
    n_tq_1 = n_tq - 1.0
    n_tq_2 = n_tq - 2.0
    n_l = limits.shape[2]  # nodes of the torque limits (``_lin``)
    n_l_1 = n_l - 1.0
    n_l_2 = n_l - 2.0

    # The row stride is not a power of two, so that a lane's rows do not all fall in
    # the same few cache sets.
    s = np.empty((_N_ROWS, _LANES + 8))
    # Flat views of the tables, and sizes masked to a few bits: the compiler then
    # knows the indices below are not negative and leaves out numba's wrap-around.
    map_flat = maps.reshape(maps.size)
    lim_flat = limits.reshape(limits.size)
    row_tq = n_tq & 0xFFFF  # the next wheel-speed node of a map
    n_cell = (n_w * n_tq) & 0xFFFFFFFF  # one channel of one map
    mi = np.empty(_LANES, dtype=np.int64)
    bti = np.empty(_LANES, dtype=np.int64)
    prof = np.empty(_LANES, dtype=np.int64)
    profiled = False
    for j in range(nl):
        mi[j], bti[j], prof[j] = _lane_setup(
            s, j, veh, lo + j, battery, grid, n_w, n_tq, n_l, soc_nodes
        )
        profiled |= prof[j] >= 0
        s[_R_V0, j] = speed_target[0]
        if store:
            traces[lo + j, T_SPEED, 0] = speed_target[0]
            traces[lo + j, T_SOC, 0] = s[_R_SOC, j]
            for q in range(2, traces.shape[1]):
                traces[lo + j, q, 0] = 0.0

    elapsed = 0.0
    seg_time = 0.0  # the current segment's, the same for every lane
    dist_target = 0.0
    for k in range(n_t):
        h = dt[k]
        inv_h = inv_dt[k]
        cos_g = cos_grade[k]
        sin_g = sin_grade[k]
        vt = speed_target[k + 1]
        dist_target += 0.5 * (speed_target[k] + vt) * h
        if profiled:
            for j in range(nl):
                if prof[j] >= 0:
                    s[_R_AUX, j] = aux_profiles[prof[j], k]

        # 1. The force to follow the trace and the wheel speed in map nodes.
        for j in range(nl):
            v0 = s[_R_V0, j]
            s[_R_V_START, j] = v0
            mass = s[_R_MASS, j]
            f_slope = mass * _G * sin_g
            roll_c = s[_R_ROLL0, j] * cos_g
            roll_v = s[_R_ROLL1, j] * cos_g
            vbar = 0.5 * (v0 + vt)
            va = vbar + s[_R_WIND, j]
            f_move = roll_c + roll_v * vbar + s[_R_AERO, j] * va * abs(va)
            f_moving = f_slope + f_move
            f_road = f_moving if vbar > 0.0 else f_slope
            f_req = f_road + s[_R_MASS_EQ, j] * (vt - v0) * inv_h
            s[_R_F_REQ, j] = f_req
            w = vbar * s[_R_INV_RADIUS, j]
            w = w if vbar > 0.0 else 0.0
            xw = w * s[_R_W_TO_X, j]
            s[_R_XW, j] = xw
            # Where ``_lin`` reads the torque limit that applies: the motors' maximum
            # when driving, their (regenerative) minimum when braking.
            row = L_TORQUE_MAX if f_req >= 0.0 else L_TORQUE_MIN
            xl = min(max(xw, 0.0), n_l_1)
            il = min(np.floor(xl), n_l_2)
            s[_R_LIM_OFF, j] = s[_R_LIM_BASE, j] + row * n_l + il
            s[_R_LIM_FRAC, j] = xl - il
            s[_R_LIM_TOP, j] = 1.0 if xw >= n_l_1 else 0.0

        # The table look-up: gathers, scalar. Below the first node the fraction is
        # 0 and this is the first node's value, as in ``_lin``.
        for j in range(nl):
            o = int(s[_R_LIM_OFF, j]) & _INDEX_MASK
            t0 = lim_flat[o]
            t1 = lim_flat[o + 1]
            t_lim = t0 + s[_R_LIM_FRAC, j] * (t1 - t0)
            s[_R_T_LIM, j] = t1 if s[_R_LIM_TOP, j] != 0.0 else t_lim

        # 2./3. The wheel torque, driving or braking, and its cell of the loss map
        # (``_cell``, branch-free).
        for j in range(nl):
            f_req = s[_R_F_REQ, j]
            v0 = s[_R_V0, j]
            vbar = 0.5 * (v0 + vt)
            radius = s[_R_RADIUS, j]
            t_drive = f_req * radius
            f_brake = -f_req
            f_regen = min(
                f_brake,
                s[_R_F_REGEN_MAX, j],
                -s[_R_T_LIM, j] * s[_R_SCALE, j] * s[_R_INV_RADIUS, j],
            )
            fade = max((vbar - s[_R_FADE_LO, j]) * s[_R_INV_FADE, j], 0.0)
            f_faded = f_regen * fade
            f_regen = f_faded if vbar < s[_R_FADE_HI, j] else f_regen
            t_brake = -f_regen * radius
            t = t_drive if f_req >= 0.0 else t_brake
            t = t if vbar > 0.0 else 0.0
            s[_R_T_WHEEL, j] = t
            xw = min(s[_R_XW, j], n_w_f)
            iw = min(np.floor(xw), n_w_2)
            aw = xw - iw
            r = min(abs(t) * s[_R_INV_CAP_T, j], 1.0)
            u = math.sqrt(r)
            u = -u if t < 0.0 else u
            y = 0.5 * (u + 1.0) * n_tq_1
            it = min(np.floor(y), n_tq_2)
            at = y - it
            s[_R_MAP_OFF, j] = s[_R_MAP_BASE, j] + iw * n_tq + it
            s[_R_C00, j] = (1.0 - aw) * (1.0 - at)
            s[_R_C01, j] = (1.0 - aw) * at
            s[_R_C10, j] = aw * (1.0 - at)
            s[_R_C11, j] = aw * at

        # The map's four channels in the cell (``_channel``): gathers, scalar, on the
        # flat map (the index masked non-negative, so no wrap-around code).
        for j in range(nl):
            o = int(s[_R_MAP_OFF, j]) & _INDEX_MASK
            c00 = s[_R_C00, j]
            c01 = s[_R_C01, j]
            c10 = s[_R_C10, j]
            c11 = s[_R_C11, j]
            for c, q in ((M_GEAR, _R_LG), (M_MOTOR, _R_LM), (M_INVERTER, _R_LI), (M_FRONT, _R_TF)):
                oc = o + c * n_cell
                s[q, j] = (
                    c00 * map_flat[oc]
                    + c01 * map_flat[oc + 1]
                    + c10 * map_flat[oc + row_tq]
                    + c11 * map_flat[oc + row_tq + 1]
                )

        # 4. Limits, battery and energies. A lane that meets a limit keeps its state
        # and accumulators here and is redone below.
        n_fix = 0
        for j in range(nl):
            v0 = s[_R_V0, j]
            soc = s[_R_SOC, j]
            vbar = 0.5 * (v0 + vt)
            moving = vbar > 0.0
            mass = s[_R_MASS, j]
            mass_eq = s[_R_MASS_EQ, j]
            scale = s[_R_SCALE, j]
            f_slope = mass * _G * sin_g
            roll_c = s[_R_ROLL0, j] * cos_g
            roll_v = s[_R_ROLL1, j] * cos_g
            va = vbar + s[_R_WIND, j]
            f_req = s[_R_F_REQ, j]
            driving = f_req >= 0.0
            w = vbar * s[_R_INV_RADIUS, j]
            w = w if moving else 0.0
            t_wheel = s[_R_T_WHEEL, j]
            k_loss = s[_R_K_LOSS, j]
            lg = s[_R_LG, j] * k_loss
            lm = s[_R_LM, j] * k_loss
            li = s[_R_LI, j] * k_loss
            tf = s[_R_TF, j]
            lg = lg if moving else 0.0
            lm = lm if moving else 0.0
            li = li if moving else 0.0
            tf = tf if moving else 0.0
            aux = s[_R_AUX, j]
            ocv = s[_R_OCV0, j] + s[_R_OCV1, j] * soc
            res = s[_R_RES0, j] + s[_R_RES1, j] * soc
            p_wheel = t_wheel * w
            p_term = p_wheel + lg + lm + li + aux

            # The conditions under which the scalar step leaves the common path.
            vlo = max(s[_R_V_MIN, j], 0.5 * ocv)
            v_max = s[_R_V_MAX, j]
            drive_limit = (
                (t_wheel > s[_R_T_LIM, j] * scale)
                | (p_term > s[_R_P_DIS, j])
                | (p_term * res > vlo * (ocv - vlo))
                | (soc <= s[_R_SOC_FLOOR, j])
            )
            charge_limit = (p_term < 0.0) & (
                (-p_term > s[_R_P_CHG, j])
                | (-p_term * res > v_max * (v_max - ocv))
                | (soc >= s[_R_SOC_CEILING, j])
            )
            flat_fade = (s[_R_FADE_FLAT, j] != 0.0) & (vbar < s[_R_FADE_HI, j])
            slow = moving & ((driving & drive_limit) | (~driving & (charge_limit | flat_fade)))
            keep = ~slow

            f_fric = -f_req + t_wheel * s[_R_INV_RADIUS, j]
            f_fric = max(f_fric, 0.0)
            f_fric = 0.0 if driving else f_fric
            f_fric = f_fric if moving else 0.0

            disc = ocv * ocv - 4.0 * res * p_term
            disc = max(disc, 0.0)
            root = math.sqrt(disc)
            cur = 2.0 * p_term / (ocv + root)
            p_bl = res * cur * cur
            p_chem = p_term + p_bl

            # State and energies: the same sums as ``_slow_step``. A lane to be redone
            # must keep its state, yet a store of "new or old" compiles to a masked
            # store, slow on this CPU: its step length and distance are zeroed
            # instead, which leaves every sum exactly as it was (x + y 0 = x).
            hk = h if keep else 0.0
            d_step = vbar * h
            d_step = d_step if moving else 0.0
            dk = d_step if keep else 0.0
            soc_next = _soc_after(soc, p_term, ocv, root, hk * s[_R_INV_CAP, j])
            s[_R_SOC, j] = soc_next
            s[_R_E_AERO, j] += s[_R_AERO, j] * va * abs(va) * dk
            s[_R_E_ROLL, j] += (roll_c + roll_v * vbar) * dk
            s[_R_E_GRADE, j] += f_slope * dk
            s[_R_E_FRIC, j] += f_fric * dk
            half_m = 0.5 * mass_eq
            half_m = half_m if keep else 0.0
            s[_R_E_INERTIA, j] += half_m * (vt * vt - v0 * v0)
            s[_R_E_GEAR, j] += lg * hk
            s[_R_E_MOTOR, j] += lm * hk
            s[_R_E_INV, j] += li * hk
            s[_R_E_BATT, j] += p_bl * hk
            s[_R_E_AUX, j] += aux * hk
            s[_R_E_TERM, j] += p_term * hk
            tf = tf * scale
            traction = p_wheel > 0.0
            h_trac = hk if traction else 0.0
            h_regen = 0.0 if traction else hk
            h_regen_chem = h_regen if p_chem < 0.0 else 0.0
            s[_R_E_TRAC, j] += p_wheel * h_trac
            s[_R_E_FRONT, j] += tf * w * h_trac
            s[_R_E_REGEN, j] -= p_wheel * h_regen
            s[_R_E_REGEN_CHEM, j] -= p_chem * h_regen_chem
            # The peaks: "max(old, new)" stored in place compiles to a masked store
            # too, unless the old value is one the compiler cannot see is the one it
            # loaded (times a row of ones). A lane to be redone offers +-inf.
            away = 0.0 if keep else math.inf
            one = s[_R_ONE, j]
            s[_R_P_TERM_MAX, j] = max(s[_R_P_TERM_MAX, j] * one, p_term - away)
            s[_R_P_TERM_MIN, j] = min(s[_R_P_TERM_MIN, j] * one, p_term + away)
            s[_R_SOC_LOW, j] = min(s[_R_SOC_LOW, j] * one, soc_next + away)
            s[_R_DIST, j] += dk
            # On the trace the speed deficit is zero: the miss time and the largest
            # deficit stay as they are.
            s[_R_SEG_CHEM, j] += p_chem * hk
            s[_R_SEG_TERM, j] += p_term * hk
            s[_R_SEG_DIST, j] += dk
            # The speed is written for every lane: ``_slow_step`` starts from V_START.
            s[_R_V0, j] = vt
            s[_R_P_TERM, j] = p_term
            s[_R_P_WHEEL, j] = p_wheel
            s[_R_P_FRIC, j] = f_fric * vbar
            s[_R_TF_SCALED, j] = tf
            s[_R_LIMITED, j] = 0.0
            # OCV and resistance are linear in SOC within a table interval: the
            # interval is found again (below) only when the SOC leaves it.
            leaves = (soc_next < s[_R_SOC_LO, j]) | (soc_next >= s[_R_SOC_HI, j])
            fix = 1.0 if leaves else 0.0
            fix = 2.0 if slow else fix
            s[_R_FIX, j] = fix
            n_fix += 1 if slow | leaves else 0

        # The scalar fix-up: the lanes that met a limit, and new SOC intervals.
        if n_fix > 0:
            for j in range(nl):
                if s[_R_FIX, j] != 0.0:
                    if s[_R_FIX, j] == 2.0:
                        m = mi[j]
                        _slow_step(
                            s,
                            j,
                            maps,
                            m,
                            limits[m, L_TORQUE_MAX],
                            limits[m, L_TORQUE_MIN],
                            h,
                            inv_h,
                            cos_g,
                            sin_g,
                            vt,
                        )
                    soc = s[_R_SOC, j]
                    if soc < s[_R_SOC_LO, j] or soc >= s[_R_SOC_HI, j]:
                        _set_interval(s, j, battery, bti[j], soc, soc_nodes)

        elapsed += h
        seg_time += h
        if n_seg > 1 and (k + 1 == n_t or segment[k + 1] != segment[k]):
            sg = segment[k]
            for j in range(nl):
                b = lo + j
                seg_acc[b, sg, S_CHEMICAL] += s[_R_SEG_CHEM, j]
                seg_acc[b, sg, S_TERMINAL] += s[_R_SEG_TERM, j]
                seg_acc[b, sg, S_DISTANCE] += s[_R_SEG_DIST, j]
                seg_acc[b, sg, S_TIME] += seg_time
                s[_R_SEG_CHEM, j] = 0.0
                s[_R_SEG_TERM, j] = 0.0
                s[_R_SEG_DIST, j] = 0.0
            seg_time = 0.0
        if store:
            for j in range(nl):
                b = lo + j
                traces[b, T_SPEED, k + 1] = s[_R_V0, j]
                traces[b, T_SOC, k + 1] = s[_R_SOC, j]
                traces[b, T_POWER_TERMINAL, k + 1] = s[_R_P_TERM, j]
                traces[b, T_POWER_WHEEL, k + 1] = s[_R_P_WHEEL, j]
                traces[b, T_POWER_FRICTION, k + 1] = s[_R_P_FRIC, j]
                traces[b, T_TORQUE_FRONT, k + 1] = s[_R_TF_SCALED, j]
                traces[b, T_TORQUE_REAR, k + 1] = s[_R_T_WHEEL, j] - s[_R_TF_SCALED, j]
                traces[b, T_LIMITED, k + 1] = s[_R_LIMITED, j]

    for j in range(nl):
        b = lo + j
        acc[b, A_AERO] = s[_R_E_AERO, j]
        acc[b, A_ROLLING] = s[_R_E_ROLL, j]
        acc[b, A_GRADE] = s[_R_E_GRADE, j]
        acc[b, A_INERTIA] = s[_R_E_INERTIA, j]
        acc[b, A_FRICTION] = s[_R_E_FRIC, j]
        acc[b, A_GEAR] = s[_R_E_GEAR, j]
        acc[b, A_MOTOR] = s[_R_E_MOTOR, j]
        acc[b, A_INVERTER] = s[_R_E_INV, j]
        acc[b, A_BATTERY] = s[_R_E_BATT, j]
        acc[b, A_AUX] = s[_R_E_AUX, j]
        acc[b, A_TERMINAL] = s[_R_E_TERM, j]
        acc[b, A_TRACTION] = s[_R_E_TRAC, j]
        acc[b, A_REGEN] = s[_R_E_REGEN, j]
        acc[b, A_REGEN_CHEMICAL] = s[_R_E_REGEN_CHEM, j]
        acc[b, A_FRONT_ENERGY] = s[_R_E_FRONT, j]
        if n_seg == 1:
            seg_acc[b, 0, S_CHEMICAL] = s[_R_SEG_CHEM, j]
            seg_acc[b, 0, S_TERMINAL] = s[_R_E_TERM, j]
            seg_acc[b, 0, S_DISTANCE] = s[_R_DIST, j]
            seg_acc[b, 0, S_TIME] = elapsed
        acc[b, A_DISTANCE] = s[_R_DIST, j]
        acc[b, A_DISTANCE_TARGET] = dist_target
        acc[b, A_MISS_TIME] = s[_R_MISS_TIME, j]
        acc[b, A_MAX_DEFICIT] = s[_R_MAX_DEFICIT, j]
        acc[b, A_SOC_END] = s[_R_SOC, j]
        acc[b, A_SOC_LOW] = s[_R_SOC_LOW, j]
        acc[b, A_POWER_TERMINAL_MAX] = s[_R_P_TERM_MAX, j]
        acc[b, A_POWER_TERMINAL_MIN] = s[_R_P_TERM_MIN, j]


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
    n_chunks = (n_b + _LANES - 1) // _LANES
    for c in prange(n_chunks):
        lo = c * _LANES
        _drive_chunk(
            lo,
            min(lo + _LANES, n_b),
            speed_target,
            dt,
            inv_dt,
            cos_grade,
            sin_grade,
            segment,
            aux_profiles,
            veh,
            battery,
            maps,
            limits,
            grid,
            acc,
            seg_acc,
            traces,
        )


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
#: thread start-up cost) and in parallel over the batch for large ones. Both release the
#: GIL (they touch no Python object): the web server's other requests and the spare
#: core's helper thread run meanwhile.
drive_serial = njit(fastmath=_FAST, cache=True, nogil=True)(_renamed(drive_kernel, "drive_serial"))
drive_parallel = njit(fastmath=_FAST, cache=True, parallel=True, nogil=True)(
    _renamed(drive_kernel, "drive_parallel")
)
