"""Per-axle slip control: the motor's torque limit that holds an axle's wheels near a slip.

Slip is measured as ``(omega r - v) / max(|v|, v_floor)``: the slip ratio is
undefined at standstill, and a crawling car (hill start, rock step) needs a wheel
allowed to turn a little faster than the car rather than a ratio of a vanishing
speed. The controller integrates the error into a torque limit (the cut deepens
while the wheels slip too much and recovers when they grip), as traction controls
of electric drives do with their fast torque response.

References
----------
- R. Bosch GmbH, Automotive Handbook, 10th ed., 2018, "Traction control system"
  (engine or motor intervention on the driven axle's slip, brake intervention on the
  difference across it).
"""

from __future__ import annotations

from numba import njit

#: Speed below which the slip allowance stops shrinking [m/s]. Estimate: wheel-speed
#: sensors resolve about 0.1-0.3 m/s at crawl, and a hill start needs some wheel
#: speed before the car moves; 1 m/s makes the allowance ``kappa_target`` m/s at rest.
SLIP_SPEED_FLOOR = 0.5


#: Rate of restoring torque relative to cutting it [-]. Estimate: traction controls cut
#: at once and give torque back gently, because a tyre past its peak needs less torque
#: to recover than it took to break away, and a quick return spins it up again.
RESTORE_SHARE = 1.0
#: Largest slip error acted on [-]: a wheel spinning far away needs the same full cut
#: as one that slips by a whole slip ratio too much.
ERROR_SPAN = 1.0


#: Proportional action of slip control, as the time its integral takes to make the
#: same cut [s]. Estimate: a tenth of a second, about the period of a wheel's
#: oscillation on its tyre at crawling speed.
PROPORTIONAL_TIME_S = 0.1


@njit(cache=True)
def slip_error(
    rim_speed: float, vehicle_speed: float, slip_target: float, floor: float = SLIP_SPEED_FLOOR
) -> float:
    """Slip error of a wheel [-]: its slip, with the speed floored at
    :data:`SLIP_SPEED_FLOOR`, less the target; positive when it spins too fast.

    Parameters
    ----------
    rim_speed : float
        ``omega r`` of the wheel [m/s], positive forwards.
    vehicle_speed : float
        The car's speed over the ground [m/s], negative when it rolls back.
    slip_target : float
        The allowed slip ratio [-].
    floor : float
        Speed below which the allowance stops shrinking [m/s].
    """
    # Driving forwards (reversing runs mirror the car): a car rolling back with its
    # wheels turning forwards slips by the sum of the two speeds.
    return (rim_speed - vehicle_speed) / max(abs(vehicle_speed), floor) - slip_target


@njit(cache=True)
def slip_limit_step(
    limit: float, error: float, gain: float, torque_peak: float, dt: float
) -> float:
    """The axle's torque limit after one step [N m at the wheels].

    ``d limit / dt = -gain torque_peak error`` while the wheels slip too much;
    torque comes back :data:`RESTORE_SHARE` times as fast once they grip; the error
    counts at most :data:`ERROR_SPAN`; the limit stays within ``[0, torque_peak]``.

    Parameters
    ----------
    limit : float
        The limit before the step [N m].
    error : float
        :func:`slip_error` [-].
    gain : float
        Share of the peak torque cut per second per unit of slip error (ratio) [1/s].
    torque_peak : float
        The axle's peak wheel torque [N m].
    dt : float
        Step [s].
    """
    e = min(max(error, -ERROR_SPAN), ERROR_SPAN)
    if e < 0.0:
        e *= RESTORE_SHARE
    new = limit - gain * torque_peak * e * dt
    return min(max(new, 0.0), torque_peak)


@njit(cache=True)
def slip_torque_limit(limit: float, error: float, gain: float, torque_peak: float) -> float:
    """The torque limit the motor obeys: the integral part less a proportional cut while
    the wheels slip too much [N m].

    The proportional part (``gain torque_peak error`` times :data:`PROPORTIONAL_TIME_S`)
    answers a wheel that breaks away at once, which damps the wheel's oscillation on
    its tyre's deflection at crawling speed (a tyre's relaxation gives a lightly damped
    mode there, Pacejka 2012, sec. 8.6) instead of waiting for the integral.
    """
    e = min(max(error, 0.0), ERROR_SPAN)
    return max(limit - gain * torque_peak * e * PROPORTIONAL_TIME_S, 0.0)


__all__ = [
    "ERROR_SPAN",
    "PROPORTIONAL_TIME_S",
    "RESTORE_SHARE",
    "SLIP_SPEED_FLOOR",
    "slip_error",
    "slip_limit_step",
    "slip_torque_limit",
]
