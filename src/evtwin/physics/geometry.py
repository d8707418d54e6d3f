"""Off-road geometry in side view: approach, departure and ramp breakover angles, wading
depth at a ride height, and the ramp travel index.

The vehicle stands on level ground. Each wheel is a circle of radius ``r`` (the
tyre's static loaded radius) touching the ground, its centre at height ``r``. A point
of the body's lower outline is given by its horizontal distance ``d`` from a wheel's
centre line (towards the obstacle) and its height ``h`` above the ground. Lengths in
metres, angles in radians unless a name ends in ``_deg``.

The angles follow ISO 612:1978 and SAE J1100: each is the steepest plane tangent to the
static loaded tyre that touches no part of the vehicle ahead of (behind, between) the
wheels.
For a plane through a body point that is tangent to the tyre, that point is the
*critical point*; over a profile of several points the angle is set by the one that
gives the smallest angle.

References
----------
ISO 612:1978, Road vehicles: dimensions of motor vehicles and towed vehicles, terms and
definitions (approach, departure and ramp angles).
SAE J1100, Motor vehicle dimensions, SAE International (2009 revision); it replaced SAE
J689, Curbstone clearance, approach, departure and ramp breakover angles (cancelled 2009).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: The ramp angle of Four Wheeler magazine's ramp travel index test [deg].
RTI_RAMP_DEG = 20.0


def tangent_angle(radius: ArrayLike, distance: ArrayLike, height: ArrayLike) -> NDArray[np.float64]:
    """Angle [rad] of the plane through a body point and tangent to a wheel.

    The plane rises from the ground beneath the wheel towards the point; it is the
    steepest slope the wheel can meet without the point touching it. Solving
    ``d sin(a) + (r - h) cos(a) = r`` for the smaller root gives
    ``a = atan2(d, r - h) - acos(r / R)`` with ``R = hypot(d, r - h)``, the distance
    from the wheel's centre to the point.

    Parameters
    ----------
    radius : array_like
        Static loaded tyre radius ``r`` [m], > 0.
    distance : array_like
        Horizontal distance ``d`` of the point from the wheel's centre line, measured
        towards the obstacle (forwards for the front wheel's approach) [m].
    height : array_like
        Height ``h`` of the point above level ground [m], >= 0.

    Returns
    -------
    ndarray
        The angle [rad], clipped to [0, pi/2]: a point on the ground gives 0, a point
        at or behind the wheel's centre line that clears the tyre constrains nothing
        (pi/2). NaN for a point inside the tyre's circle, which no real body has.

    Notes
    -----
    Limits: ``h = 0`` gives 0 for any ``d > 0``; ``h = r`` gives ``asin(r / d)``;
    ``r -> 0`` gives ``atan(h / d)``, the angle of a line from the contact point.

    References
    ----------
    ISO 612:1978 (approach angle); SAE J1100.
    """
    r = np.asarray(radius, dtype=float)
    d = np.asarray(distance, dtype=float)
    h = np.asarray(height, dtype=float)
    reach = np.hypot(d, r - h)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.arctan2(d, r - h) - np.arccos(np.clip(r / reach, -1.0, 1.0))
    # A point at or behind the centre line is reached by the tyre first, whatever its
    # height; atan2 would wrap it to a negative angle.
    a = np.where(d <= 0.0, np.pi / 2, np.clip(a, 0.0, np.pi / 2))
    return np.asarray(np.where(reach < r, np.nan, a), dtype=float)


def _critical(angles: NDArray[np.float64]) -> tuple[float, int]:
    """The smallest angle of a profile and the index of the point that sets it."""
    if angles.size == 0:
        raise ValueError("a profile needs at least one point")
    if np.isnan(angles).any():
        raise ValueError("a profile point lies inside the tyre's circle")
    i = int(np.argmin(angles))
    return float(angles[i]), i


def approach_angle(radius: float, distance: ArrayLike, height: ArrayLike) -> tuple[float, int]:
    """Approach angle [rad] of a front overhang profile, and its critical point.

    Parameters
    ----------
    radius : float
        Front tyre's static loaded radius [m].
    distance : array_like
        Each point's distance ahead of the front axle's centre line [m].
    height : array_like
        Each point's height above the ground [m].

    Returns
    -------
    (angle, index)
        The approach angle [rad] and the index of the critical point (the first if
        several tie).

    References
    ----------
    ISO 612:1978 (approach angle); SAE J1100.
    """
    d = np.atleast_1d(np.asarray(distance, dtype=float))
    h = np.atleast_1d(np.asarray(height, dtype=float))
    return _critical(tangent_angle(radius, d, h))


def departure_angle(radius: float, distance: ArrayLike, height: ArrayLike) -> tuple[float, int]:
    """Departure angle [rad] of a rear overhang profile, and its critical point.

    The mirror image of :func:`approach_angle`: ``distance`` is measured behind the
    rear axle's centre line [m], ``radius`` is the rear tyre's [m].

    References
    ----------
    ISO 612:1978 (departure angle); SAE J1100.
    """
    d = np.atleast_1d(np.asarray(distance, dtype=float))
    h = np.atleast_1d(np.asarray(height, dtype=float))
    return _critical(tangent_angle(radius, d, h))


def breakover_angle(
    wheelbase: float,
    radius_front: float,
    radius_rear: float,
    distance: ArrayLike,
    height: ArrayLike,
) -> tuple[float, int]:
    """Ramp breakover angle [rad] of an underbody profile, and its critical point.

    For each point, the planes through it tangent to the front and to the rear tyre
    form a ridge; the ridge's departure from flat, the sum of the two planes' slopes,
    is the sharpest crest the vehicle straddles with that point touching. The
    breakover angle is the smallest over the points (for a flat belly, the mid point).

    Parameters
    ----------
    wheelbase : float
        [m].
    radius_front, radius_rear : float
        Static loaded tyre radii [m].
    distance : array_like
        Each point's distance behind the front axle's centre line, in (0, wheelbase) [m].
    height : array_like
        Each point's height above the ground [m].

    Returns
    -------
    (angle, index)
        The breakover angle [rad] (the supplement of the ridge's included angle) and
        the index of the critical point.

    Notes
    -----
    A flat belly of height ``h`` on wheels of radius ``r -> 0`` gives
    ``2 atan(2 h / L)``, the textbook mid-point formula.

    References
    ----------
    ISO 612:1978 (ramp angle); SAE J1100.
    """
    x = np.atleast_1d(np.asarray(distance, dtype=float))
    h = np.atleast_1d(np.asarray(height, dtype=float))
    if ((x <= 0.0) | (x >= wheelbase)).any():
        raise ValueError("underbody points must lie between the axles")
    front = tangent_angle(radius_front, x, h)
    rear = tangent_angle(radius_rear, wheelbase - x, h)
    return _critical(front + rear)


def raised(height: ArrayLike, offset: float) -> NDArray[np.float64]:
    """Heights [m] of body points after the body moves up by ``offset`` [m].

    A ride-height mode (air suspension's access, off-road or extended height) moves
    the sprung body relative to the wheels; the tyres, and so the wheel centres, stay
    where they are. Points on unsprung parts (axle casings, suspension arms) do not
    move, which this model does not represent: every profile point is on the body.

    References
    ----------
    SAE J1100 (body dimensions are stated at a given load and ride height).
    """
    return np.asarray(height, dtype=float) + offset


def wading_depth(depth_at_reference: float, offset: float) -> float:
    """Wading depth [m] at a ride height ``offset`` [m] above the one it was quoted at.

    The limit is a body part (air intake, door seals, electronics), so it moves with
    the body. Valid only for modes the maker allows in water; makers quote the depth
    at the height their wading programme selects.

    References
    ----------
    SAE J1100 (body dimensions are stated at a given load and ride height).
    """
    return depth_at_reference + offset


def ramp_travel_index(
    articulation: ArrayLike, wheelbase: ArrayLike, ramp_deg: float = RTI_RAMP_DEG
) -> NDArray[np.float64]:
    """Ramp travel index [-]: how far up a ramp one front wheel climbs, per wheelbase.

    Four Wheeler magazine's test drives one front wheel up a ramp of ``ramp_deg``
    (20 degrees) until another wheel leaves the ground; the index is 1000 times the
    distance climbed along the ramp over the wheelbase. The wheel's lift when another
    wheel lifts off is the vehicle's articulation ``A``, so the distance along the ramp
    is ``A / sin(ramp)`` and ``RTI = 1000 A / (L sin(ramp))``. The tyre's contact
    point moving round the tread and the body's pitch are neglected (both small).

    Parameters
    ----------
    articulation : array_like
        Height one wheel can rise with the other three on the ground [m].
    wheelbase : array_like
        [m].
    ramp_deg : float
        The ramp's angle [deg]; 20 for Four Wheeler's RTI, 23 for the steeper
        variant some publications use.

    References
    ----------
    Four Wheeler magazine's "Ramp Travel Index" (RTI), the 20-degree ramp test it
    publishes with its vehicle tests.
    """
    a = np.asarray(articulation, dtype=float)
    length = np.asarray(wheelbase, dtype=float)
    return np.asarray(1000.0 * a / (length * np.sin(np.radians(ramp_deg))), dtype=float)


def articulation_from_travel(
    travel_front: ArrayLike, travel_rear: ArrayLike
) -> NDArray[np.float64]:
    """Articulation [m] of four independently sprung wheels from their travel [m].

    Lifting one wheel by ``A`` with the other three on the ground is, for a body free
    to heave, pitch and roll, a pure warp of the suspension: each wheel moves by
    ``A / 4`` relative to the body (alternately in bump and droop), the rest being a
    rigid motion of the body. The warp stops when a wheel reaches its stop, half its
    travel from the static position (a wheel at mid-travel), so
    ``A = 4 x min(travel) / 2 = 2 min(travel)``. Anti-roll bars and their disconnects,
    and stops reached off mid-travel, change this: it is an upper bound for a car whose
    wheels sit at mid-travel.

    References
    ----------
    W. F. Milliken and D. L. Milliken, Race Car Vehicle Dynamics, SAE, 1995 (warp as
    the fourth mode of a four-wheel suspension, beside heave, pitch and roll).
    """
    tf = np.asarray(travel_front, dtype=float)
    tr = np.asarray(travel_rear, dtype=float)
    return np.asarray(2.0 * np.minimum(tf, tr), dtype=float)


def side_profile(
    wheelbase: float,
    radius_front: float,
    radius_rear: float,
    front: tuple[ArrayLike, ArrayLike],
    underbody: tuple[ArrayLike, ArrayLike],
    rear: tuple[ArrayLike, ArrayLike],
    n_circle: int = 73,
) -> dict[str, NDArray[np.float64]]:
    """The side view for plotting: the body's lower outline and the two wheels [m].

    The frame has ``x`` forwards from the front axle's centre line (the rear axle at
    ``-wheelbase``) and ``z`` up from the ground.

    Parameters
    ----------
    wheelbase, radius_front, radius_rear : float
        [m].
    front, rear : (distance, height)
        Overhang points, distances outwards from their axle [m].
    underbody : (distance, height)
        Underbody points, distances behind the front axle [m].
    n_circle : int
        Points on each wheel's circle (closed: the first is repeated).

    Returns
    -------
    dict
        ``outline_x``, ``outline_z``: the lower outline from the front tip to the rear
        tip, each point once, in order of ``x`` descending; ``front_wheel_x``,
        ``front_wheel_z``, ``rear_wheel_x``, ``rear_wheel_z``: the circles.
    """
    fx = np.atleast_1d(np.asarray(front[0], dtype=float))
    fz = np.atleast_1d(np.asarray(front[1], dtype=float))
    ux = -np.atleast_1d(np.asarray(underbody[0], dtype=float))
    uz = np.atleast_1d(np.asarray(underbody[1], dtype=float))
    rx = -wheelbase - np.atleast_1d(np.asarray(rear[0], dtype=float))
    rz = np.atleast_1d(np.asarray(rear[1], dtype=float))
    x = np.concatenate([fx, ux, rx])
    z = np.concatenate([fz, uz, rz])
    order = np.argsort(-x, kind="stable")
    t = np.linspace(0.0, 2.0 * np.pi, n_circle)
    return {
        "outline_x": x[order],
        "outline_z": z[order],
        "front_wheel_x": radius_front * np.cos(t),
        "front_wheel_z": radius_front + radius_front * np.sin(t),
        "rear_wheel_x": -wheelbase + radius_rear * np.cos(t),
        "rear_wheel_z": radius_rear + radius_rear * np.sin(t),
    }
