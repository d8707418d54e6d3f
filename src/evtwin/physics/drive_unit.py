"""One axle's electric drive: inverter, motor and reduction gear in series.

Given the net torque an axle puts on its wheels and the wheel speed, this gives
the DC power the axle draws and where the losses arise. Positive torque drives,
negative torque regenerates.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import RegularGridInterpolator

from .gear import gear_loss, motor_torque_from_wheel
from .motor import LossCoefficients, inverter_loss, motor_loss, torque_envelope


class LossTable(NamedTuple):
    """Measured combined motor-and-inverter loss [W] on a (shaft speed, |torque|) grid."""

    speed: NDArray[np.float64]  #: [rad/s], increasing
    torque: NDArray[np.float64]  #: [N m], increasing, >= 0
    loss: NDArray[np.float64]  #: [W], shape (speed, torque)


class DriveUnit(NamedTuple):
    """Everything the axle's loss calculation needs, in SI units."""

    ratio: float  #: motor revolutions per wheel revolution
    gear_efficiency: float  #: mesh efficiency under load
    drag_torque: float  #: no-load drag at the wheel side [N m]
    disconnect: bool  #: the motor can be decoupled when idle
    peak_torque: float  #: [N m] at the shaft
    peak_power: float  #: [W]
    max_speed: float  #: [rad/s] at the shaft
    losses: LossCoefficients  #: the loss model (used where no table is given)
    table: LossTable | None = None  #: a measured map, which overrides the model


class AxlePower(NamedTuple):
    """DC power and losses of one axle [W] (each array shaped like the inputs)."""

    power_dc: NDArray[np.float64]
    loss_gear: NDArray[np.float64]
    loss_motor: NDArray[np.float64]
    loss_inverter: NDArray[np.float64]


def table_loss(torque: ArrayLike, speed: ArrayLike, table: LossTable) -> NDArray[np.float64]:
    """Loss from a measured table [W], mirrored for regeneration, held beyond its edges."""
    t = np.abs(np.asarray(torque, dtype=float))
    w = np.abs(np.asarray(speed, dtype=float))
    interp = RegularGridInterpolator((table.speed, table.torque), table.loss, method="linear")
    pts = np.stack(
        [
            np.clip(w, table.speed[0], table.speed[-1]),
            np.clip(t, table.torque[0], table.torque[-1]),
        ],
        axis=-1,
    )
    out = interp(pts.reshape(-1, 2)).reshape(t.shape)
    return np.where((t == 0.0) & (w == 0.0), 0.0, out)


def wheel_torque_limits(
    wheel_speed: ArrayLike, unit: DriveUnit
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Largest driving and braking (negative) net wheel torque of the axle [N m]."""
    w = np.asarray(wheel_speed, dtype=float)
    t_env = torque_envelope(w * unit.ratio, unit.peak_torque, unit.peak_power, unit.max_speed)
    drive = t_env * unit.ratio * unit.gear_efficiency - unit.drag_torque
    brake = -t_env * unit.ratio / unit.gear_efficiency - unit.drag_torque
    return drive, brake


def axle_power(
    wheel_torque: ArrayLike, wheel_speed: ArrayLike, unit: DriveUnit, *, idle_off: bool = False
) -> AxlePower:
    """DC power drawn by an axle to put a net torque on its wheels, and its losses.

    Parameters
    ----------
    wheel_torque : array_like
        Net torque on the axle's wheels [N m].
    wheel_speed : array_like
        Wheel speed [rad/s], >= 0.
    unit : DriveUnit
    idle_off : bool, default False
        The motor is decoupled (``unit.disconnect``) and switched off: no motor or
        inverter loss; the wheels still turn the gear against its drag, so the
        torque is ``-drag_torque`` whatever ``wheel_torque`` says.

    Returns
    -------
    AxlePower
        ``power_dc = T_wheel w_wheel + loss_gear + loss_motor + loss_inverter``.
    """
    t = np.asarray(wheel_torque, dtype=float)
    w = np.asarray(wheel_speed, dtype=float)
    if idle_off:
        t = np.full(np.broadcast(t, w).shape, -unit.drag_torque)
        lg = unit.drag_torque * w * np.ones_like(t)
        zero = np.zeros_like(lg)
        return AxlePower(t * w + lg, lg, zero, zero)
    lg = gear_loss(t, w, unit.ratio, unit.gear_efficiency, unit.drag_torque)
    tm = motor_torque_from_wheel(t, unit.ratio, unit.gear_efficiency, unit.drag_torque)
    wm = w * unit.ratio
    if unit.table is not None:
        lm = table_loss(tm, wm, unit.table)
        li = np.zeros_like(lm)
    else:
        lm = motor_loss(tm, wm, unit.losses)
        li = inverter_loss(tm, wm, unit.losses)
    return AxlePower(t * w + lg + lm + li, np.asarray(lg), lm, li)
