"""Axle torque split: the car's choice of how much torque each motor makes.

With a motor on each axle and no mechanical link between them, the car's
software decides at every instant how to share the wheel torque the driver
asks for. For energy, the best share is the one with the least total loss,
including the option of running on one axle with the other idle (its motor
still spinning and losing a little, unless the axle can disconnect).

The choice depends only on wheel speed and total wheel torque, so it is solved
once per powertrain on a grid and held as a map (as production controllers
do); the drive-cycle kernel interpolates the losses of the chosen split.

The torque axis is dense near zero, where cruising happens and losses change
fastest relative to the power: ``T = T_cap u |u|`` for ``u`` uniform on [-1, 1].

A study that varies the motors builds one map per sample, so the search runs in a
compiled kernel (``_split_kernel``), node by node; the numpy solver here does the
same search on whole arrays, for measured loss tables and as the kernel's reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..physics.drive_unit import DriveUnit, axle_power, wheel_torque_limits
from ._split_kernel import TOL, axle_params, solve

#: Map resolution: wheel-speed points and torque points (odd, so zero torque is a node).
N_SPEED = 64
N_TORQUE = 121
#: Candidate front shares of the net wheel torque tried at each map node (the best is
#: then refined by a parabola through it and its neighbours).
N_SHARE = 41

# Indices of the loss maps in SplitMap.losses.
LOSS_GEAR, LOSS_MOTOR, LOSS_INVERTER = 0, 1, 2


@dataclass(frozen=True, eq=False)
class SplitMap:
    """The least-loss split of one powertrain, tabulated.

    Attributes
    ----------
    speed_max
        Top of the wheel-speed axis [rad/s] (uniform from 0).
    torque_cap
        End of the torque axis [N m]; node ``j`` is at ``T_cap u_j |u_j|``.
    losses
        Gear, motor and inverter loss of the chosen split [W], shape (3, speed, torque).
    torque_front
        Net front-axle wheel torque of the chosen split [N m], shape (speed, torque).
    torque_max, torque_min
        Largest driving and braking net wheel torque of all axles together [N m],
        shape (speed,).
    """

    speed_max: float
    torque_cap: float
    losses: NDArray[np.float64]
    torque_front: NDArray[np.float64]
    torque_max: NDArray[np.float64]
    torque_min: NDArray[np.float64]

    @property
    def speed_axis(self) -> NDArray[np.float64]:
        """Wheel-speed nodes [rad/s]."""
        return np.linspace(0.0, self.speed_max, self.losses.shape[1])

    @property
    def torque_axis(self) -> NDArray[np.float64]:
        """Wheel-torque nodes [N m]."""
        u = np.linspace(-1.0, 1.0, self.losses.shape[2])
        return np.asarray(self.torque_cap * u * np.abs(u))


def _single(unit: DriveUnit, t: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.float64]:
    p = axle_power(t, w, unit)
    return np.stack([p.loss_gear, p.loss_motor, p.loss_inverter])


def build_split_map(
    front: DriveUnit | None,
    rear: DriveUnit | None,
    speed_max: float,
    *,
    n_speed: int = N_SPEED,
    n_torque: int = N_TORQUE,
    n_share: int = N_SHARE,
) -> SplitMap:
    """Solve the least-loss torque split on a (wheel speed, net wheel torque) grid.

    Parameters
    ----------
    front, rear : DriveUnit or None
        The axles' drive units; at least one.
    speed_max : float
        Highest wheel speed to tabulate [rad/s].
    n_speed, n_torque, n_share : int
        Grid sizes (``n_torque`` odd).

    Returns
    -------
    SplitMap

    Notes
    -----
    At each node every share ``s`` in ``[0, 1]`` of the net torque to the front is
    tried, together with "front idle" and "rear idle" (that axle's motor at zero
    torque, or switched off and decoupled if it has a disconnect). Shares beyond
    a motor's torque envelope are infeasible; where no share is feasible (beyond
    the vehicle's torque limit) the node is filled with the split in proportion to
    the axles' capacity, so that interpolation near the limit stays smooth. The
    kernel never asks for torque beyond ``torque_max``/``torque_min``.
    """
    if front is None and rear is None:
        raise ValueError("a powertrain needs at least one driven axle")
    if n_torque % 2 == 0:
        raise ValueError("n_torque must be odd so that zero torque is a node")
    w = np.linspace(0.0, speed_max, n_speed)
    units = [u for u in (front, rear) if u is not None]
    lims = [wheel_torque_limits(w, u) for u in units]
    tmax = np.sum([d for d, _ in lims], axis=0)
    tmin = np.sum([b for _, b in lims], axis=0)
    cap = float(max(tmax.max(), -tmin.min()))
    u = np.linspace(-1.0, 1.0, n_torque)
    t = cap * u * np.abs(u)
    W, T = np.meshgrid(w, t, indexing="ij")  # (speed, torque)

    if front is None or rear is None:
        unit = units[0]
        losses = _single(unit, T, W)
        tf = T if front is not None else np.zeros_like(T)
        return SplitMap(speed_max, cap, losses, tf, tmax, tmin)

    dmax_f, bmin_f = lims[0]
    dmax_r, bmin_r = lims[1]
    s = np.linspace(0.0, 1.0, n_share)
    # The compiled kernel evaluates the analytic loss model only; a measured table
    # (interpolated by scipy) keeps the numpy solver.
    if front.table is None and rear.table is None:
        losses, tf_out = solve(
            w, t, s, axle_params(front), axle_params(rear), dmax_f, bmin_f, dmax_r, bmin_r
        )
        return SplitMap(speed_max, cap, losses, tf_out, tmax, tmin)
    return SplitMap(speed_max, cap, *_solve_numpy(front, rear, W, T, s, lims), tmax, tmin)


def _solve_numpy(
    front: DriveUnit,
    rear: DriveUnit,
    W: NDArray[np.float64],
    T: NDArray[np.float64],
    s: NDArray[np.float64],
    lims: list[tuple[NDArray[np.float64], NDArray[np.float64]]],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The split solved with numpy over (speed, torque, candidate) arrays.

    Kept for measured loss tables, which the compiled kernel does not evaluate, and
    as the reference the kernel is tested against: the two must agree exactly.
    """
    n_share = s.size
    dmax_f, bmin_f = lims[0]
    dmax_r, bmin_r = lims[1]
    # Candidates along the last axis: shares, the two saturation splits, front idle,
    # rear idle.
    Tf = T[..., None] * s
    # An idle axle's motor makes no torque, so the axle puts its (negative) no-load
    # drag on the wheels; decoupled and switched off if it has a disconnect.
    tf_idle_front = -front.drag_torque
    tr_idle_rear = -rear.drag_torque
    idle_f = axle_power(np.full_like(W, tf_idle_front), W, front, idle_off=front.disconnect)
    idle_r = axle_power(np.full_like(W, tr_idle_rear), W, rear, idle_off=rear.disconnect)
    # Where a motor saturates, the best split puts that axle exactly at its limit:
    # add those splits too (rear at its limit, front at its limit).
    tr_lim = np.where(T >= 0, dmax_r[:, None], bmin_r[:, None])
    tf_lim = np.where(T >= 0, dmax_f[:, None], bmin_f[:, None])
    Tf = np.concatenate(
        [
            Tf,
            (T - tr_lim)[..., None],
            tf_lim[..., None],
            np.full((*T.shape, 1), tf_idle_front),
            (T + rear.drag_torque)[..., None],
        ],
        axis=-1,
    )
    Tr = T[..., None] - Tf
    Wc = np.broadcast_to(W[..., None], Tf.shape)
    pf = axle_power(Tf, Wc, front)
    pr = axle_power(Tr, Wc, rear)
    lf = np.stack([pf.loss_gear, pf.loss_motor, pf.loss_inverter])
    lr = np.stack([pr.loss_gear, pr.loss_motor, pr.loss_inverter])
    # Replace the idle candidates' losses with the idle model (decoupled if fitted).
    lf[..., -2] = np.stack([idle_f.loss_gear, idle_f.loss_motor, idle_f.loss_inverter])
    lr[..., -1] = np.stack([idle_r.loss_gear, idle_r.loss_motor, idle_r.loss_inverter])
    Tf[..., -2] = tf_idle_front
    Tr[..., -1] = tr_idle_rear
    total = lf.sum(axis=0) + lr.sum(axis=0)
    tol = TOL
    feasible = (
        (Tf <= dmax_f[:, None, None] + tol)
        & (Tf >= bmin_f[:, None, None] - tol)
        & (Tr <= dmax_r[:, None, None] + tol)
        & (Tr >= bmin_r[:, None, None] - tol)
    )
    cost = np.where(feasible, total, np.inf)
    best = np.argmin(cost, axis=-1)
    any_ok = np.isfinite(np.min(cost, axis=-1))
    idx = best[..., None]
    tf_best = np.take_along_axis(Tf, idx, axis=-1)[..., 0]
    loss_best = np.take_along_axis(lf + lr, np.broadcast_to(idx, (3, *idx.shape)), axis=-1)[..., 0]

    # Refine an interior best share with the vertex of the parabola through it and its
    # neighbours, kept where it is feasible and lower.
    k = np.clip(best, 1, n_share - 2)
    interior = (best >= 1) & (best <= n_share - 2)
    c0 = np.take_along_axis(cost, (k - 1)[..., None], axis=-1)[..., 0]
    c1 = np.take_along_axis(cost, k[..., None], axis=-1)[..., 0]
    c2 = np.take_along_axis(cost, (k + 1)[..., None], axis=-1)[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        curv = c0 - 2.0 * c1 + c2
        shift = np.where(np.isfinite(curv) & (curv > 0), 0.5 * (c0 - c2) / curv, 0.0)
    shift = np.clip(shift, -0.5, 0.5)
    tf_ref = T * (s[k] + shift * (s[1] - s[0]))
    pf_ref = axle_power(tf_ref, W, front)
    pr_ref = axle_power(T - tf_ref, W, rear)
    loss_ref = np.stack(
        [
            pf_ref.loss_gear + pr_ref.loss_gear,
            pf_ref.loss_motor + pr_ref.loss_motor,
            pf_ref.loss_inverter + pr_ref.loss_inverter,
        ]
    )
    ok_ref = (
        interior
        & (tf_ref <= dmax_f[:, None] + tol)
        & (tf_ref >= bmin_f[:, None] - tol)
        & (T - tf_ref <= dmax_r[:, None] + tol)
        & (T - tf_ref >= bmin_r[:, None] - tol)
        & (loss_ref.sum(axis=0) < loss_best.sum(axis=0))
    )
    tf_best = np.where(ok_ref, tf_ref, tf_best)
    loss_best = np.where(ok_ref, loss_ref, loss_best)

    # Beyond the limit: share in proportion to the axles' capacity at that speed.
    cap_f = np.where(T >= 0, dmax_f[:, None], -bmin_f[:, None])
    cap_r = np.where(T >= 0, dmax_r[:, None], -bmin_r[:, None])
    share_prop = cap_f / np.maximum(cap_f + cap_r, 1e-12)
    tf_prop = T * share_prop
    pf_prop = axle_power(tf_prop, W, front)
    pr_prop = axle_power(T - tf_prop, W, rear)
    loss_prop = np.stack(
        [
            pf_prop.loss_gear + pr_prop.loss_gear,
            pf_prop.loss_motor + pr_prop.loss_motor,
            pf_prop.loss_inverter + pr_prop.loss_inverter,
        ]
    )
    losses = np.where(any_ok, loss_best, loss_prop)
    tf_out = np.where(any_ok, tf_best, tf_prop)
    return losses, tf_out


def split_map_direct(
    front: DriveUnit | None,
    rear: DriveUnit | None,
    wheel_torque: float,
    wheel_speed: float,
    n_share: int = 2001,
) -> float:
    """The least total loss [W] at one point by brute force over a fine share grid.

    A reference for testing the tabulated map; not used by the simulation.
    """
    if front is None or rear is None:
        unit = front if front is not None else rear
        assert unit is not None
        p = axle_power(wheel_torque, wheel_speed, unit)
        return float(p.loss_gear + p.loss_motor + p.loss_inverter)
    s = np.linspace(0.0, 1.0, n_share)
    tf = wheel_torque * s
    tr = wheel_torque - tf
    pf = axle_power(tf, wheel_speed, front)
    pr = axle_power(tr, wheel_speed, rear)
    dmf, bmf = wheel_torque_limits(wheel_speed, front)
    dmr, bmr = wheel_torque_limits(wheel_speed, rear)
    ok = (tf <= dmf) & (tf >= bmf) & (tr <= dmr) & (tr >= bmr)
    tot = (pf.power_dc - tf * wheel_speed) + (pr.power_dc - tr * wheel_speed)
    cands = list(tot[ok])
    for unit_idle, unit_busy in ((front, rear), (rear, front)):
        t_idle = -unit_idle.drag_torque
        idle = axle_power(t_idle, wheel_speed, unit_idle, idle_off=unit_idle.disconnect)
        busy = axle_power(wheel_torque - t_idle, wheel_speed, unit_busy)
        dm, bm = wheel_torque_limits(wheel_speed, unit_busy)
        if bm <= wheel_torque - t_idle <= dm:
            cands.append(
                float(idle.loss_gear + idle.loss_motor + idle.loss_inverter)
                + float(busy.loss_gear + busy.loss_motor + busy.loss_inverter)
            )
    return float(min(cands)) if cands else float("nan")
