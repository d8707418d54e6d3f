"""Road load: the forces that resist a vehicle's motion along the road.

Sign convention: forces resist motion when positive; speed is the vehicle's speed
over the ground [m/s]; grade is rise over run [-] (0.1 is a 10 % climb).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..units import GRAVITY, KPH


def force_aero(
    air_density: ArrayLike,
    drag_coefficient: ArrayLike,
    frontal_area: ArrayLike,
    speed_air: ArrayLike,
) -> NDArray[np.float64]:
    """Aerodynamic drag ``0.5 rho Cd A v |v|`` [N].

    Parameters
    ----------
    air_density : array_like
        [kg/m^3].
    drag_coefficient : array_like
        Cd referred to ``frontal_area`` [-].
    frontal_area : array_like
        [m^2].
    speed_air : array_like
        Speed of the vehicle relative to the air [m/s] (ground speed plus headwind).
        A tailwind faster than the vehicle gives a negative (pushing) force.

    References
    ----------
    W.-H. Hucho (ed.), Aerodynamics of Road Vehicles, 4th ed., SAE, 1998, ch. 4.
    """
    v = np.asarray(speed_air, dtype=float)
    return np.asarray(
        0.5
        * np.asarray(air_density)
        * np.asarray(drag_coefficient)
        * np.asarray(frontal_area)
        * v
        * np.abs(v)
    )


def rolling_resistance_coefficient(
    crr: ArrayLike, rise_per_100kph: ArrayLike, speed: ArrayLike
) -> NDArray[np.float64]:
    """Rolling resistance coefficient at speed: ``crr (1 + rise v / (100 km/h))`` [-].

    A linear speed term is the first-order form of SAE J2452's model and of the B
    term of a coast-down fit; ``rise_per_100kph`` is the fractional rise per 100 km/h.
    """
    v = np.abs(np.asarray(speed, dtype=float))
    return np.asarray(np.asarray(crr) * (1.0 + np.asarray(rise_per_100kph) * v / (100.0 * KPH)))


def force_rolling(mass: ArrayLike, crr: ArrayLike, grade: ArrayLike = 0.0) -> NDArray[np.float64]:
    """Tyre rolling resistance ``m g crr cos(theta)`` [N], theta = atan(grade).

    Parameters
    ----------
    mass : array_like
        Vehicle mass carried by the tyres [kg].
    crr : array_like
        Rolling resistance coefficient [-] (see :func:`rolling_resistance_coefficient`).
    grade : array_like, default 0
        Rise over run [-].

    References
    ----------
    T. D. Gillespie, Fundamentals of Vehicle Dynamics, SAE, 1992, ch. 4.
    """
    g = np.asarray(grade, dtype=float)
    return np.asarray(np.asarray(mass) * GRAVITY * np.asarray(crr) / np.sqrt(1.0 + g * g))


def force_grade(mass: ArrayLike, grade: ArrayLike) -> NDArray[np.float64]:
    """Weight component along the road ``m g sin(theta)`` [N], theta = atan(grade)."""
    g = np.asarray(grade, dtype=float)
    return np.asarray(np.asarray(mass) * GRAVITY * g / np.sqrt(1.0 + g * g))


def force_inertia(mass_equivalent: ArrayLike, acceleration: ArrayLike) -> NDArray[np.float64]:
    """Force to accelerate the vehicle and its rotating parts, ``m_eq a`` [N]."""
    return np.asarray(np.asarray(mass_equivalent) * np.asarray(acceleration, dtype=float))


def mass_equivalent(
    mass: ArrayLike,
    wheel_inertia: ArrayLike,
    rolling_radius: ArrayLike,
    rotor_inertia_at_wheels: ArrayLike = 0.0,
    n_wheels: int = 4,
) -> NDArray[np.float64]:
    """Translational mass plus the equivalent mass of the rotating parts [kg].

    ``m + (n J_wheel + J_rotors) / r^2``, where ``J_rotors`` is the motors' rotor
    inertia already referred to the wheels (``J_rotor * ratio^2``).

    Parameters
    ----------
    mass : array_like
        [kg].
    wheel_inertia : array_like
        Inertia of one wheel and tyre [kg m^2].
    rolling_radius : array_like
        [m].
    rotor_inertia_at_wheels : array_like, default 0
        Sum over axles of ``J_rotor ratio^2`` [kg m^2].
    n_wheels : int, default 4

    References
    ----------
    T. D. Gillespie, Fundamentals of Vehicle Dynamics, SAE, 1992, eq. 2-10.
    """
    r = np.asarray(rolling_radius, dtype=float)
    return np.asarray(
        np.asarray(mass)
        + (n_wheels * np.asarray(wheel_inertia) + np.asarray(rotor_inertia_at_wheels)) / (r * r)
    )


def force_coastdown(
    a: ArrayLike, b: ArrayLike, c: ArrayLike, speed: ArrayLike
) -> NDArray[np.float64]:
    """Road load from coast-down coefficients ``A + B v + C v^2`` [N] (SI coefficients).

    The coefficients describe the vehicle on a flat road in still air at the test
    conditions (SAE J2263, UN GTR 15 Annex 4); grade and inertia are added apart.
    """
    v = np.asarray(speed, dtype=float)
    return np.asarray(np.asarray(a) + np.asarray(b) * v + np.asarray(c) * v * v)
