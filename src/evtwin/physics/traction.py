"""Tyre-road friction and the axle loads it acts on: how much force the tyres can put down.

The longitudinal force an axle's tyres can transmit is at most the peak friction
coefficient times the axle's normal load, ``F <= mu N``. The normal loads follow from
the balance of moments about the contact patches (the pitch plane of a two-axle
vehicle): on a grade, under acceleration and with a trailer pulling at the hitch,
load moves from the front axle to the rear.

Sign convention: x along the road in the direction of travel, grade positive uphill;
forces that act rearward (inertia when speeding up, air drag, a trailer's pull) are
given as positive magnitudes.

References
----------
- T. D. Gillespie, Fundamentals of Vehicle Dynamics, SAE, 1992, ch. 2 (axle loads with
  acceleration, grade and a trailer hitch, eqs. 2-3 to 2-6) and ch. 10 (tyre traction).
- J. Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, sec. 1.4 and
  Table 1.3 (average peak and sliding coefficients of road adhesion).
- R. K. Noon, Engineering Analysis of Vehicular Accidents, CRC Press, 1994 (friction of
  gravel, grass, snow and ice surfaces for accident reconstruction).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..units import GRAVITY


class Friction(NamedTuple):
    """Peak longitudinal tyre-road friction coefficient of a surface, with its range [-]."""

    value: float
    low: float
    high: float
    basis: str


#: Peak friction coefficients of passenger-car road tyres on common surfaces: the
#: friction a traction or launch control can use at its best slip. Wong's Table 1.3
#: gives peak values of 0.8-0.9 (dry asphalt), 0.5-0.7 (wet asphalt), 0.6 (gravel),
#: 0.2 (hard-packed snow) and 0.1 (ice); Noon (1994) gives 0.35 for a gravel and dirt
#: road, 0.20 for a wet grassy field, 0.20-0.25 for snow and 0.10-0.15 for ice. The
#: ranges cover tyre wear, temperature and surface texture; speed dependence (peak
#: friction falls with speed on wet roads) is not modelled.
SURFACES: dict[str, Friction] = {
    "dry_asphalt": Friction(
        0.90, 0.80, 1.00, "Wong Table 1.3 peak 0.8-0.9; current road tyres reach 1.0"
    ),
    "wet_asphalt": Friction(0.60, 0.45, 0.70, "Wong Table 1.3 peak 0.5-0.7"),
    "gravel": Friction(0.55, 0.35, 0.65, "Wong Table 1.3 gravel 0.6; Noon gravel/dirt road 0.35"),
    "grass": Friction(
        0.35, 0.20, 0.50, "Noon wet grassy field 0.20 (low end); dry short grass estimated 0.5"
    ),
    "snow": Friction(0.20, 0.15, 0.30, "Wong Table 1.3 hard-packed snow 0.2; Noon 0.20-0.25"),
    "ice": Friction(0.10, 0.05, 0.15, "Wong Table 1.3 ice 0.1; Noon 0.10-0.15; wet ice 0.05"),
}


def friction_coefficient(surface: str) -> Friction:
    """The friction of a named surface (a key of :data:`SURFACES`).

    Raises
    ------
    ValueError
        If the surface is not known; the message lists the known ones.
    """
    try:
        return SURFACES[surface]
    except KeyError:
        raise ValueError(
            f"surface {surface!r} is not known; choose one of {', '.join(SURFACES)}"
        ) from None


def axle_loads(
    mass: ArrayLike,
    grade: ArrayLike,
    cg_height: ArrayLike,
    wheelbase: ArrayLike,
    front_fraction: ArrayLike,
    force_at_cg: ArrayLike = 0.0,
    drawbar: ArrayLike = 0.0,
    hitch_height: ArrayLike = 0.0,
    hitch_load: ArrayLike = 0.0,
    hitch_overhang: ArrayLike = 0.0,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Normal loads on the front and rear axle [N], from the moments about the contact patches.

    ``N_f = (W cos(t) b - W sin(t) h - F_cg h - D h_h - V x_h) / L`` and
    ``N_r = W cos(t) + V - N_f``, with ``W = m g``, ``t = atan(grade)``, ``b = f L``
    the distance from the centre of gravity to the rear axle.

    Parameters
    ----------
    mass : array_like
        Vehicle mass [kg] (without a trailer).
    grade : array_like
        Rise over run [-], positive when the front is uphill.
    cg_height : array_like
        Height of the centre of gravity above the road [m].
    wheelbase : array_like
        [m].
    front_fraction : array_like
        Share of the weight on the front axle on level ground at rest [-].
    force_at_cg : array_like, default 0
        Rearward force acting at the centre of gravity's height [N]: the inertia force
        ``m a`` when accelerating (plus air drag, taken to act at the same height).
    drawbar : array_like, default 0
        Rearward pull of a trailer at the hitch, along the road [N].
    hitch_height : array_like, default 0
        Height of the hitch (tow ball) above the road [m].
    hitch_load : array_like, default 0
        Downward load of the trailer's drawbar on the hitch (nose weight) [N].
    hitch_overhang : array_like, default 0
        Distance of the hitch behind the rear axle [m].

    Returns
    -------
    tuple of numpy.ndarray
        ``(front, rear)`` normal loads [N]. A negative front load means the front
        wheels have lifted: the formula no longer holds there (callers clip at zero).

    References
    ----------
    Gillespie (1992), eqs. 2-3 to 2-6.
    """
    m = np.asarray(mass, dtype=float)
    g = np.asarray(grade, dtype=float)
    h = np.asarray(cg_height, dtype=float)
    wb = np.asarray(wheelbase, dtype=float)
    f = np.asarray(front_fraction, dtype=float)
    cos_t = 1.0 / np.sqrt(1.0 + g * g)
    sin_t = g * cos_t
    w = m * GRAVITY
    v = np.asarray(hitch_load, dtype=float)
    front = (
        w * cos_t * f * wb
        - w * sin_t * h
        - np.asarray(force_at_cg, dtype=float) * h
        - np.asarray(drawbar, dtype=float) * np.asarray(hitch_height, dtype=float)
        - v * np.asarray(hitch_overhang, dtype=float)
    ) / wb
    rear = w * cos_t + v - front
    return np.asarray(front), np.asarray(rear)


def load_transfer(
    mass: ArrayLike, acceleration: ArrayLike, cg_height: ArrayLike, wheelbase: ArrayLike
) -> NDArray[np.float64]:
    """Load moved from the front axle to the rear by a longitudinal acceleration [N].

    ``m a h / L`` (Gillespie 1992, eq. 2-6); negative when braking.
    """
    return np.asarray(
        np.asarray(mass, dtype=float)
        * np.asarray(acceleration, dtype=float)
        * np.asarray(cg_height, dtype=float)
        / np.asarray(wheelbase, dtype=float)
    )


def traction_limit(normal_load: ArrayLike, friction: ArrayLike) -> NDArray[np.float64]:
    """Largest longitudinal force the tyres of an axle can transmit, ``mu max(N, 0)`` [N].

    Parameters
    ----------
    normal_load : array_like
        Normal load on the axle [N] (a lifted axle, ``N <= 0``, transmits nothing).
    friction : array_like
        Peak friction coefficient [-].
    """
    n = np.asarray(normal_load, dtype=float)
    return np.asarray(np.asarray(friction, dtype=float) * np.maximum(n, 0.0))


def grade_limit_all_wheel(friction: ArrayLike, crr: ArrayLike = 0.0) -> NDArray[np.float64]:
    """Steepest grade [-] on which all four wheels' grip holds a car against gravity.

    With every wheel driven up to its own grip, load transfer does not matter: the
    tyres give ``mu W cos(t)`` in all, against ``W (sin(t) + crr cos(t))``, so
    ``tan(t) = mu - crr``. An upper bound for any drive layout and torque.
    """
    return np.asarray(np.asarray(friction, dtype=float) - np.asarray(crr, dtype=float))
