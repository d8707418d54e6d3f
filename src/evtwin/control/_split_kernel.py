"""Compiled solver of the least-loss axle split (see ``torque_split.build_split_map``).

The numpy solver in ``torque_split`` evaluates all candidates of all map nodes as
(speed, torque, candidate) arrays, whose temporaries cost far more than the
arithmetic; a Monte Carlo study that varies the motors builds one map per sample.
This kernel walks the nodes one at a time with the same candidates, the same
tie-breaking, feasibility tolerance, refinement and fallback, and returns the same
numbers bit for bit (``tests/unit/test_split_map_speed.py`` holds it to the numpy
solver). It calls the physics modules' compiled scalar loss functions, so the loss
formulas live in one place; only ``axle_power``'s sequence of them is repeated in
``_axle``. Measured loss tables (``DriveUnit.table``) stay on the numpy solver.

numba caches the compiled kernel beside this file and does not see later edits to
the loss functions in ``physics.gear`` and ``physics.motor``: after changing them,
delete the ``*.nbi``/``*.nbc`` caches (the equality test fails on a stale one).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import NDArray

from ..physics.drive_unit import DriveUnit
from ..physics.gear import _gear_loss, _motor_torque
from ..physics.motor import _inverter_loss, _motor_loss, base_speed

# Layout of the per-axle parameter vector passed to the kernel.
(
    _RATIO,
    _EFF,
    _DRAG,
    _OFF,
    _PEAK_T,
    _MAX_W,
    _BASE_W,
    _PHI0,
    _K_CU,
    _K_FE,
    _K_M,
    _K_FW,
    _S0,
    _S1,
    _S2,
    _N_PARAM,
) = range(16)

#: Feasibility tolerance on the axles' torque limits [N m] (as the numpy solver).
TOL = 1e-9


def axle_params(unit: DriveUnit) -> NDArray[np.float64]:
    """The scalars of an analytic drive unit the kernel needs, as one vector."""
    c = unit.losses
    p = np.empty(_N_PARAM)
    p[_RATIO] = unit.ratio
    p[_EFF] = unit.gear_efficiency
    p[_DRAG] = unit.drag_torque
    p[_OFF] = 1.0 if unit.disconnect else 0.0
    p[_PEAK_T] = c.peak_torque
    p[_MAX_W] = c.max_speed
    p[_BASE_W] = base_speed(c.peak_power, c.peak_torque)
    p[_PHI0] = c.iron_share_at_zero_torque
    p[_K_CU] = c.k_copper
    p[_K_FE] = c.k_iron
    p[_K_M] = c.k_mechanical
    p[_K_FW] = c.k_field_weakening
    p[_S0] = c.inverter_standby
    p[_S1] = c.inverter_switching
    p[_S2] = c.inverter_conduction
    return p


@njit(cache=True)
def _axle(t, w, p):  # type: ignore[no-untyped-def]
    # Gear, motor and inverter loss as ``drive_unit.axle_power`` computes them.
    lg = _gear_loss(t, w, p[_RATIO], p[_EFF], p[_DRAG])
    tm = _motor_torque(t, p[_RATIO], p[_EFF], p[_DRAG])
    wm = w * p[_RATIO]
    lm = _motor_loss(
        tm, wm, p[_PEAK_T], p[_MAX_W], p[_BASE_W], p[_PHI0], p[_K_CU], p[_K_FE], p[_K_M], p[_K_FW]
    )
    li = _inverter_loss(tm, abs(wm), p[_PEAK_T], p[_S0], p[_S1], p[_S2])
    return lg, lm, li


@njit(cache=True)
def _idle(w, p):  # type: ignore[no-untyped-def]
    # An idle axle: its motor at zero torque, or decoupled and off (gear drag only).
    if p[_OFF] != 0.0:
        return p[_DRAG] * w * 1.0, 0.0, 0.0
    return _axle(-p[_DRAG], w, p)


@njit(cache=True)
def _feasible(tf, tr, df, bf, dr, br):  # type: ignore[no-untyped-def]
    return (tf <= df + TOL) & (tf >= bf - TOL) & (tr <= dr + TOL) & (tr >= br - TOL)


@njit(cache=True)
def solve(w, t, s, pf, pr, dmax_f, bmin_f, dmax_r, bmin_r):  # type: ignore[no-untyped-def]
    """Losses (3, speed, torque) and front torque (speed, torque) of the least-loss split.

    Candidates per node, in the numpy solver's order: the shares ``s``, rear at its
    limit, front at its limit, front idle, rear idle.
    """
    n_w, n_t, n_s = w.size, t.size, s.size
    n_c = n_s + 4
    out = np.empty((3, n_w, n_t))
    tf_out = np.empty((n_w, n_t))
    cost = np.empty(n_c)
    tfs = np.empty(n_c)
    lsum = np.empty((3, n_c))
    ds = s[1] - s[0] if n_s > 1 else 0.0
    drag_f, drag_r = pf[_DRAG], pr[_DRAG]
    for i in range(n_w):
        wi = w[i]
        df, bf, dr, br = dmax_f[i], bmin_f[i], dmax_r[i], bmin_r[i]
        idle_f = _idle(wi, pf)
        idle_r = _idle(wi, pr)
        for j in range(n_t):
            tn = t[j]
            for c in range(n_c):
                if c < n_s:
                    tf = tn * s[c]
                elif c == n_s:  # rear at its limit
                    tf = tn - (dr if tn >= 0 else br)
                elif c == n_s + 1:  # front at its limit
                    tf = df if tn >= 0 else bf
                elif c == n_s + 2:  # front idle
                    tf = -drag_f
                else:  # rear idle
                    tf = tn + drag_r
                tr = -drag_r if c == n_s + 3 else tn - tf
                tfs[c] = tf
                # An infeasible candidate costs inf whatever its losses: skip them.
                if not _feasible(tf, tr, df, bf, dr, br):
                    cost[c] = np.inf
                    continue
                lf = idle_f if c == n_s + 2 else _axle(tf, wi, pf)
                lr = idle_r if c == n_s + 3 else _axle(tr, wi, pr)
                lsum[0, c] = lf[0] + lr[0]
                lsum[1, c] = lf[1] + lr[1]
                lsum[2, c] = lf[2] + lr[2]
                cost[c] = (lf[0] + lf[1] + lf[2]) + (lr[0] + lr[1] + lr[2])
            # The first least cost, as numpy's argmin (a NaN wins, then fails below).
            best = 0
            for c in range(1, n_c):
                if math.isnan(cost[best]):
                    break
                if cost[c] < cost[best] or math.isnan(cost[c]):
                    best = c
            if math.isfinite(cost[best]):
                tf_best = tfs[best]
                l0, l1, l2 = lsum[0, best], lsum[1, best], lsum[2, best]
                if 1 <= best <= n_s - 2:
                    # The vertex of the parabola through the best share and its
                    # neighbours, kept where it is feasible and lower.
                    c0, c1, c2 = cost[best - 1], cost[best], cost[best + 1]
                    curv = c0 - 2.0 * c1 + c2
                    shift = 0.5 * (c0 - c2) / curv if math.isfinite(curv) and curv > 0 else 0.0
                    shift = min(max(shift, -0.5), 0.5)
                    tf = tn * (s[best] + shift * ds)
                    tr = tn - tf
                    if _feasible(tf, tr, df, bf, dr, br):
                        lf = _axle(tf, wi, pf)
                        lr = _axle(tr, wi, pr)
                        r0, r1, r2 = lf[0] + lr[0], lf[1] + lr[1], lf[2] + lr[2]
                        if r0 + r1 + r2 < l0 + l1 + l2:
                            tf_best, l0, l1, l2 = tf, r0, r1, r2
            else:
                # Beyond the limit: share in proportion to the axles' capacity.
                cap_f = df if tn >= 0 else -bf
                cap_r = dr if tn >= 0 else -br
                tf_best = tn * (cap_f / max(cap_f + cap_r, 1e-12))
                lf = _axle(tf_best, wi, pf)
                lr = _axle(tn - tf_best, wi, pr)
                l0, l1, l2 = lf[0] + lr[0], lf[1] + lr[1], lf[2] + lr[2]
            out[0, i, j] = l0
            out[1, i, j] = l1
            out[2, i, j] = l2
            tf_out[i, j] = tf_best
    return out, tf_out
