"""Speed holding at walking pace: crawl control (All-Terrain Progress Control) and the
driver model it replaces.

Crawl control asks the drive for the force that holds a set speed, a PI law with
anti-windup, on its own; without it the driver's foot does the same through the
pedal map, more slowly, so the mode's pedal map shapes the response.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def speed_hold_step(
    speed: float,
    set_speed: float,
    integral: float,
    kp: float,
    ki: float,
    out_min: float,
    out_max: float,
    dt: float,
) -> tuple[float, float]:
    """One step of a PI speed controller with a clamped integral.

    Parameters
    ----------
    speed, set_speed : float
        Measured and wanted speed [m/s].
    integral : float
        The integral term before the step, in output units.
    kp, ki : float
        Proportional [out s/m] and integral [out/m] gains.
    out_min, out_max : float
        Output range (force [N] for crawl control, pedal [-1, 1] for a driver).
    dt : float
        Step [s].

    Returns
    -------
    (output, integral)
    """
    err = set_speed - speed
    integral = min(max(integral + ki * err * dt, out_min), out_max)
    out = kp * err + integral
    return min(max(out, out_min), out_max), integral


@njit(cache=True)
def pedal_to_demand(pedal: float, exponent: float) -> float:
    """Share of the full drive (positive) or brake (negative) a pedal position asks [-].

    ``sign(p) |p| ** exponent``: the mode's pedal map (exponent above 1 is gentle at
    small pedal)."""
    if pedal >= 0.0:
        return float(pedal**exponent)
    return -float((-pedal) ** exponent)


__all__ = ["pedal_to_demand", "speed_hold_step"]
