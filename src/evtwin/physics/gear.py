"""Fixed-ratio reduction gear and differential: torque transfer and its losses."""

from __future__ import annotations

import numpy as np
from numba import vectorize
from numpy.typing import ArrayLike, NDArray


# Compiled per point: the split-map solver calls these on ~10^6 points per car, where
# numpy's ``where`` (both branches) and temporaries cost more than the arithmetic.
@vectorize(["float64(float64, float64, float64, float64)"], cache=True)  # type: ignore[no-untyped-call]
def _motor_torque(t_wheel, ratio, efficiency, drag):  # type: ignore[no-untyped-def]
    x = t_wheel + drag
    if x >= 0.0:
        return x / (ratio * efficiency)
    return x * efficiency / ratio


@vectorize(["float64(float64, float64, float64, float64, float64)"], cache=True)  # type: ignore[no-untyped-call]
def _gear_loss(t_wheel, w, ratio, efficiency, drag):  # type: ignore[no-untyped-def]
    x = t_wheel + drag
    tm = x / (ratio * efficiency) if x >= 0.0 else x * efficiency / ratio
    return tm * ratio * w - t_wheel * w


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
    return np.asarray(
        _motor_torque(np.asarray(wheel_torque, dtype=float), ratio, efficiency, drag_torque),
        dtype=float,
    )


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
    t = np.asarray(wheel_torque, dtype=float)
    w = np.asarray(wheel_speed, dtype=float)
    return np.asarray(_gear_loss(t, w, ratio, efficiency, drag_torque), dtype=float)
