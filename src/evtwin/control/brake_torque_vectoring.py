"""Brake-based torque transfer across an axle: brake the wheel that spins.

An open differential gives both wheels of an axle the same torque, so a wheel on a
slippery patch (or in the air) limits the other. Braking the spinning wheel puts a
reaction on the differential that the gripping wheel receives as drive: each newton
metre of brake on the fast wheel is one more on the slow one (Wong 2008, sec. 3.1).
The control starts once the rim speeds across the axle differ by more than an onset
threshold, asks for brake torque to hold the difference at the onset (a PI law whose
build-up is ramp-limited, as the pump's pressure build-up and smoothness require),
and backs off as the disc heats (to protect it).

References
----------
- J. Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, sec. 3.1.
- R. Bosch GmbH, Automotive Handbook, 10th ed., 2018, "Traction control system"
  (brake intervention as an electronic differential lock).
"""

from __future__ import annotations

from numba import njit

#: Integral time of the brake controller [s]. Estimate: a few times the brake's
#: hydraulic lag (0.05-0.15 s), so that the integral does not ring against it.
INTEGRAL_TIME_S = 0.3
#: Release rate as a multiple of the rise rate [-]. Estimate: ESC valves vent pressure
#: several times faster than the pump builds it.
RELEASE_FACTOR = 4.0


@njit(cache=True)
def thermal_derate(temperature: float, start: float, end: float) -> float:
    """Share of brake control allowed at a disc temperature [-]: 1 below ``start``,
    falling linearly to 0 at ``end`` [C]."""
    if temperature <= start:
        return 1.0
    if temperature >= end:
        return 0.0
    return (end - temperature) / (end - start)


@njit(cache=True)
def transfer_brake_step(
    integral: float,
    speed_difference: float,
    onset: float,
    gain: float,
    ramp: float,
    derate: float,
    dt: float,
) -> tuple[float, float]:
    """Brake torque asked of the faster wheel of an axle, and the controller's integral.

    A PI law on the excess of the speed difference over the onset: the proportional
    part answers at once, the integral (time :data:`INTEGRAL_TIME_S`, its rise limited
    to ``ramp``) removes the remaining excess, so the difference settles at the onset.
    A proportional law alone would need a large excess to hold a wheel on a roller,
    and a high gain against the brake's hydraulic lag rings.

    Parameters
    ----------
    integral : float
        The integral part before the step [N m], >= 0.
    speed_difference : float
        Magnitude of the difference of the two rim speeds [m/s].
    onset : float
        Threshold the difference is held to [m/s].
    gain : float
        Proportional gain [N m s/m].
    ramp : float
        Fastest rise of the integral [N m/s]; it falls :data:`RELEASE_FACTOR` times faster.
    derate : float
        :func:`thermal_derate` of the disc [-].
    dt : float
        Step [s].

    Returns
    -------
    (command, integral) : tuple of float
        Brake torque command [N m] >= 0 and the new integral [N m].
    """
    excess = speed_difference - onset
    rate = gain * excess / INTEGRAL_TIME_S
    rate = min(max(rate, -RELEASE_FACTOR * ramp), ramp)
    integral = max(integral + rate * dt, 0.0)
    if speed_difference <= 0.5 * onset:
        # The wheels grip alike again: let go.
        integral = max(integral - RELEASE_FACTOR * ramp * dt, 0.0)
    command = max(gain * excess + integral, 0.0) * derate
    return command, integral


__all__ = ["INTEGRAL_TIME_S", "RELEASE_FACTOR", "thermal_derate", "transfer_brake_step"]
