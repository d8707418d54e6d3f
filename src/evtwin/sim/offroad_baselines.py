"""Analytic baselines of off-road traction: the limits the simulation must reproduce.

Each function is the quasi-static limit of a standard test under stated assumptions:
rigid body in the pitch plane, every driven wheel at its peak friction coefficient,
motors strong enough, no suspension compliance. They give grades as rise over run
(``tan theta``) and heights in metres.

Symbols: ``mu`` peak friction coefficient (tyre force over normal load), ``f`` motion
resistance coefficient (rolling or soil resistance over normal load, acting at the
ground), ``phi_f`` static front share of the weight (``l_r / L``), ``h_l`` height of
the centre of gravity over the wheelbase.

References
----------
- T. D. Gillespie, Fundamentals of Vehicle Dynamics, SAE, 1992, ch. 2 (axle loads on a
  grade, eqs. 2-3 to 2-6; traction-limited grades of front-, rear- and four-wheel
  drive).
- J. Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, sec. 3.1 and ch. 5
  (tractive effort limited by adhesion, torque distribution through differentials
  and lockers, and its effect on a vehicle with wheels on surfaces of unequal
  friction).
- The step-climbing limit is the static equilibrium of the same pitch-plane body with
  the front wheels against a step edge, derived here (see :func:`rock_step_height`).
"""

from __future__ import annotations

import math
from typing import Literal

Coupling = Literal["open", "locked", "brake_control"]
Driven = Literal["all", "front", "rear"]


def _check_mu(*mus: float) -> None:
    for mu in mus:
        if not mu >= 0.0:
            raise ValueError(f"friction coefficients must be >= 0, got {mu}")


def axle_friction_split(
    mu_low: float, mu_high: float, coupling: Coupling, bias_ratio: float = 1.0
) -> float:
    """Mean friction coefficient an axle uses with one wheel on each surface [-].

    Both wheels carry half the axle's load. An open differential gives both wheels the
    same torque (within its torque-bias ratio ``TBR``), so the high-friction wheel can
    take at most ``TBR`` times the low wheel's force: ``mu_low (1 + min(TBR, mu_high /
    mu_low)) / 2``. A locked differential, or brake control that brakes the spinning
    wheel (ideally), lets each wheel reach its own peak: ``(mu_low + mu_high) / 2``
    (Wong 2008, sec. 3.1 on differentials and lockers).

    Parameters
    ----------
    mu_low, mu_high : float
        Peak friction under the two wheels [-], ``mu_low <= mu_high``.
    coupling : {"open", "locked", "brake_control"}
    bias_ratio : float, default 1.0
        Torque-bias ratio of the open differential (1: frictionless) [-].
    """
    _check_mu(mu_low, mu_high)
    if mu_low > mu_high:
        raise ValueError("need mu_low <= mu_high")
    if bias_ratio < 1.0:
        raise ValueError(f"bias_ratio must be >= 1, got {bias_ratio}")
    if coupling == "open":
        if mu_low == 0.0:
            return 0.0
        return mu_low * (1.0 + min(bias_ratio, mu_high / mu_low)) / 2.0
    if coupling in ("locked", "brake_control"):
        return (mu_low + mu_high) / 2.0
    raise ValueError(f"coupling {coupling!r} is not one of open, locked, brake_control")


def split_friction_grade(
    mu_low: float,
    mu_high: float,
    resistance: float,
    coupling: Coupling,
    *,
    bias_ratio: float = 1.0,
) -> float:
    """Steepest grade [rise/run] a car with independently driven axles starts on, with
    its left wheels on ``mu_low`` and its right wheels on ``mu_high``.

    Each axle's motor gives what its axle can use, so the load transfer between the
    axles does not matter: the tractive limit is ``mu_axle W cos(theta)`` in all, and
    ``mu_axle cos(theta) = sin(theta) + f cos(theta)`` gives
    ``tan(theta) = mu_axle - f`` (Gillespie 1992, ch. 2, with Wong 2008, sec. 3.1).

    Parameters
    ----------
    mu_low, mu_high : float
        Peak friction of the two sides [-].
    resistance : float
        Motion resistance coefficient ``f`` [-].
    coupling : {"open", "locked", "brake_control"}
        How each axle's two wheels are coupled (:func:`axle_friction_split`).
    bias_ratio : float
        Torque-bias ratio of open differentials [-].
    """
    mu = axle_friction_split(mu_low, mu_high, coupling, bias_ratio)
    return max(mu - resistance, 0.0)


def split_friction_grade_open_centre(
    mu_low: float,
    mu_high: float,
    resistance: float,
    coupling: Coupling,
    front_fraction: float,
    cg_height_over_wheelbase: float,
    *,
    front_torque_share: float = 0.5,
    bias_ratio: float = 1.0,
) -> float:
    """As :func:`split_friction_grade`, for one engine through an open centre differential.

    The centre differential gives the axles torque in a fixed ratio (``s`` to the
    front), so the drive force is ``min(F_f / s, F_r / (1 - s))`` where ``F_a = mu_axle
    N_a``; on a climb the front axle, unloaded by ``W h sin(theta) / L``, is the weaker
    for an equal split. With ``N_f = W (phi_f cos(theta) - h_l sin(theta))`` and
    ``N_r = W ((1 - phi_f) cos(theta) + h_l sin(theta))`` (Gillespie 1992, eq. 2-3 on a
    grade), each case is linear in ``tan(theta)``; the result is the smaller of the two.
    """
    mu = axle_friction_split(mu_low, mu_high, coupling, bias_ratio)
    s = front_torque_share
    if not 0.0 < s < 1.0:
        raise ValueError(f"front_torque_share must be in (0, 1), got {s}")
    pf, hl = front_fraction, cg_height_over_wheelbase
    # Front-limited: mu N_f / s = W (sin + f cos)  ->  tan = (mu pf / s - f) / (1 + mu hl / s)
    t_front = (mu * pf / s - resistance) / (1.0 + mu * hl / s)
    # Rear-limited: mu N_r / (1 - s) = W (sin + f cos)
    k = mu / (1.0 - s)
    denom = 1.0 - k * hl
    t_rear = math.inf if denom <= 0.0 else (k * (1.0 - pf) - resistance) / denom
    return max(min(t_front, t_rear), 0.0)


def hill_climb_grade(
    mu: float,
    resistance: float,
    driven: Driven,
    front_fraction: float,
    cg_height_over_wheelbase: float,
) -> float:
    """Steepest uniform-friction grade [rise/run] a car climbs with the given axles driven.

    All wheels driven, each axle's torque set to its own limit: ``tan = mu - f``.
    Rear axle only: ``mu N_r = W (sin + f cos)`` with the rear load of Gillespie's
    eq. 2-3, ``tan = (mu (1 - phi_f) - f) / (1 - mu h_l)``. Front axle only:
    ``tan = (mu phi_f - f) / (1 + mu h_l)`` (Gillespie 1992, ch. 2, "traction-limited
    performance", here on a grade rather than in acceleration).

    Parameters
    ----------
    mu, resistance : float
        Peak friction and motion resistance coefficients [-].
    driven : {"all", "front", "rear"}
    front_fraction : float
        Static front share of the weight ``l_r / L`` [-].
    cg_height_over_wheelbase : float
        ``h / L`` [-].
    """
    _check_mu(mu)
    pf, hl = front_fraction, cg_height_over_wheelbase
    if driven == "all":
        t = mu - resistance
    elif driven == "rear":
        denom = 1.0 - mu * hl
        t = math.inf if denom <= 0.0 else (mu * (1.0 - pf) - resistance) / denom
    elif driven == "front":
        t = (mu * pf - resistance) / (1.0 + mu * hl)
    else:
        raise ValueError(f"driven {driven!r} is not one of all, front, rear")
    return max(t, 0.0)


def step_contact_angle(height: float, radius: float) -> float:
    """Angle [rad] from the vertical of the line from a wheel's centre to the edge of a
    step of ``height`` that it touches while its tyre still stands on the ground:
    ``cos(phi) = (r - h) / r``."""
    if not 0.0 <= height <= radius:
        raise ValueError(f"step height must be within 0 and the radius, got {height}")
    return math.acos((radius - height) / radius)


def _step_climbable(
    phi: float, mu: float, mu_ground: float, radius: float, wheelbase: float, cg_to_rear: float
) -> bool:
    """Whether all-wheel-drive front wheels against a step edge at contact angle ``phi``
    can lift off (see :func:`rock_step_height` for the equations)."""
    s, c = math.sin(phi), math.cos(phi)
    a = c + mu * s  # vertical force per unit edge normal load
    b = s - mu * c  # push the rear wheels must give per unit edge normal load
    if b <= 0.0:
        return True  # the front wheels climb on their own grip
    h = radius * (1.0 - c)
    n_edge = cg_to_rear / ((wheelbase + radius * s) * a + h * b)  # per unit weight
    n_rear = 1.0 - n_edge * a
    return n_rear >= 0.0 and n_edge * b <= mu_ground * n_rear


def rock_step_height(
    mu: float,
    radius: float,
    wheelbase: float,
    front_fraction: float,
    *,
    mu_ground: float | None = None,
    resolution: float = 1e-6,
) -> float:
    """Highest step [m] the front wheels of a four-wheel-drive car climb from rest.

    Both front wheels touch the edge of a step of height ``h`` at an angle ``phi``
    from the vertical (``cos(phi) = (r - h) / r``) with their tyres just off the
    ground; the rear wheels stand on level ground. Unknowns per unit weight: the edge
    normal force ``N_e`` (along the line to the wheel centre), the edge friction
    ``F_e = mu N_e`` (tangential, the front wheels at their limit), and the rear
    normal load ``N_r`` and drive force ``F_r``. Equilibrium of the pitch plane:

    - horizontal: ``F_r = N_e (sin(phi) - mu cos(phi))``;
    - vertical: ``N_e (cos(phi) + mu sin(phi)) + N_r = 1``;
    - moments about the rear contact, the edge at ``(L + r sin(phi), h)`` and the
      centre of gravity ``l_r`` ahead of the rear axle:
      ``(L + r sin(phi)) N_e (cos + mu sin) - h F_r = l_r``.

    The car climbs when the rear wheels can push enough, ``F_r <= mu_g N_r``, at
    the first contact angle (the largest: the need falls as the wheel rises). This is
    the static balance of Gillespie's axle-load model with the front contact moved to
    the edge; the centre of gravity height drops out because no force acts at it but
    the weight (quasi-static, level approach).

    Parameters
    ----------
    mu : float
        Peak friction of the tyre on the step edge [-].
    radius : float
        Wheel (tyre) radius [m].
    wheelbase : float
        [m].
    front_fraction : float
        Static front share of the weight, ``l_r / L`` [-].
    mu_ground : float, optional
        Peak friction of the rear tyres on the ground; ``mu`` when absent.
    resolution : float
        Bisection tolerance on the height [m].

    Returns
    -------
    float
        The step height [m], at most ``radius`` (a wheel cannot climb a wall above
        its centre by friction alone).
    """
    _check_mu(mu)
    mg = mu if mu_ground is None else mu_ground
    lr = front_fraction * wheelbase
    if _step_climbable(math.pi / 2.0, mu, mg, radius, wheelbase, lr):
        return radius
    lo, hi = 0.0, radius
    while hi - lo > resolution:
        mid = 0.5 * (lo + hi)
        phi = step_contact_angle(mid, radius)
        if _step_climbable(phi, mu, mg, radius, wheelbase, lr):
            lo = mid
        else:
            hi = mid
    return lo


def grade_percent(rise_over_run: float) -> float:
    """A grade in per cent."""
    return 100.0 * rise_over_run


__all__ = [
    "axle_friction_split",
    "grade_percent",
    "hill_climb_grade",
    "rock_step_height",
    "split_friction_grade",
    "split_friction_grade_open_centre",
    "step_contact_angle",
]
