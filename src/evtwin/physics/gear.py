"""Fixed-ratio reduction gear and differential: torque transfer and its losses."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def motor_torque_from_wheel(
    wheel_torque: ArrayLike, ratio: float, efficiency: float, drag_torque: float
) -> NDArray[np.float64]:
    """Motor shaft torque that puts a given net torque on the wheels [N m].

    The gear output is ``T_m r eta`` when the motor drives and ``T_m r / eta`` when the
    wheels drive the motor (regeneration), less the no-load drag torque of bearings,
    seals and oil churning at the wheel side.

    Parameters
    ----------
    wheel_torque : array_like
        Net torque delivered to the wheels of the axle [N m] (negative when braking).
    ratio : float
        Motor revolutions per wheel revolution [-].
    efficiency : float
        Mesh efficiency under load, each direction [-].
    drag_torque : float
        No-load drag at the wheel side [N m], >= 0.

    References
    ----------
    G. Niemann, H. Winter, Maschinenelemente Band II, Springer, 2nd ed., 1989, ch. 21
    (load-dependent and load-independent gear losses).
    """
    x = np.asarray(wheel_torque, dtype=float) + drag_torque
    return np.where(x >= 0.0, x / (ratio * efficiency), x * efficiency / ratio)


def gear_loss(
    wheel_torque: ArrayLike,
    wheel_speed: ArrayLike,
    ratio: float,
    efficiency: float,
    drag_torque: float,
) -> NDArray[np.float64]:
    """Power lost in the reduction and differential [W], >= 0.

    ``T_motor w_motor - T_wheel w_wheel`` with ``w_motor = ratio w_wheel``.
    """
    w = np.asarray(wheel_speed, dtype=float)
    tm = motor_torque_from_wheel(wheel_torque, ratio, efficiency, drag_torque)
    return np.asarray(tm * ratio * w - np.asarray(wheel_torque, dtype=float) * w)
