"""Hill-descent control: hold a set speed downhill with the motors and the brakes.

The speed controller's negative output is a braking force. The motors take it first
(regeneration up to their torque), and the friction brakes the rest, shared by the
axles' loads; each wheel's brake is released while that wheel slips backwards past
the anti-lock threshold, so a locked wheel does not slide the car down the hill.
"""

from __future__ import annotations

from numba import njit

#: Braking slip at which a wheel's brake is released [-]. Estimate: anti-lock systems
#: hold braking slip near 0.1-0.2 on firm ground.
ABS_SLIP = 0.2


@njit(cache=True)
def friction_brake_share(braking_torque: float, regen_torque: float, load_share: float) -> float:
    """Friction brake torque [N m] for one wheel: what the motors cannot take, shared
    by the wheel's share of the load."""
    rest = braking_torque - regen_torque
    return max(rest, 0.0) * load_share


@njit(cache=True)
def anti_lock(command: float, slip: float) -> float:
    """The brake command with anti-lock: none while the wheel slips past :data:`ABS_SLIP`."""
    if slip < -ABS_SLIP:
        return 0.0
    return command


__all__ = ["ABS_SLIP", "anti_lock", "friction_brake_share"]
