"""Longitudinal tyre force on a firm surface: Pacejka's Magic Formula and transient slip.

A tyre on a firm surface (asphalt, gravel, packed snow, ice) transmits a longitudinal
force that rises almost linearly with the slip ratio, peaks, and falls towards the
sliding value once the whole contact patch slides. The Magic Formula describes that
curve with four factors, ``Fx = D sin(C atan(B k - E (B k - atan(B k))))``: the peak
``D = mu Fz``, the shape ``C`` (which sets the ratio of sliding to peak force), the
stiffness ``B`` (``BCD`` is the slip stiffness) and the curvature ``E`` (which sets
where the peak lies).

The slip ratio of a wheel, ``k = (omega r - vx) / |vx|`` (SAE), is undefined at
standstill and swings wildly at crawling speed. The transient (relaxation length)
formulation gives the contact patch a state instead: the tread's longitudinal
deflection ``u``, which builds up with the slip velocity ``omega r - vx`` and relaxes as
the tyre rolls, ``du/dt + |vx| u / sigma = omega r - vx`` (Pacejka 2012, sec. 7.2.1).
The transient slip ``k' = u / sigma`` is what the Magic Formula is evaluated at; at a
steady speed it tends to the slip ratio, and at standstill it is a pure deflection,
so a parked car holds on a slope without creeping and a crawling car has no
division by a vanishing speed.

Sign convention: SAE slip; a positive (driving) slip gives a positive force along the
wheel's heading, a locked wheel rolling forwards has ``k = -1``.

References
----------
- H. B. Pacejka, Tyre and Vehicle Dynamics, 3rd ed., Butterworth-Heinemann, 2012,
  sec. 4.3.2 (the Magic Formula and its factors), sec. 7.2.1 (transient slip,
  relaxation length) and sec. 8.6 (low-speed behaviour).
- J. R. Bernard, C. L. Clover, Tire Modeling for Low-Speed and High-Speed
  Calculations, SAE Technical Paper 950311, 1995 (relaxation length form of the slip
  that stays defined at standstill).
- SAE J2452, Stepwise Coastdown Methodology for Measuring Tire Rolling Resistance,
  1999 (power law of rolling resistance in inflation pressure).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from numba import njit

#: Default bound on the transient slip's magnitude [-]. At standstill with a spinning
#: wheel the deflection model would grow without end; three times the slip of a
#: locked wheel is far past the peak of every surface's curve (the Magic Formula is
#: flat there, and a soil's shear is within a few per cent of its limit), while it
#: keeps the deflection a stopped wheel can store small.
KAPPA_LIMIT = 3.0


@njit(cache=True)
def magic_formula(kappa: float, b: float, c: float, d: float, e: float) -> float:
    """Pacejka's Magic Formula, ``D sin(C atan(B k - E (B k - atan(B k))))``.

    Parameters
    ----------
    kappa : float
        Slip ratio (SAE) [-].
    b, c, d, e : float
        Stiffness [-], shape [-], peak [N] and curvature [-] factors (``E <= 1``).

    Returns
    -------
    float
        Longitudinal force [N], odd in ``kappa``.

    References
    ----------
    Pacejka (2012), eq. 4.49.
    """
    bk = b * kappa
    return d * math.sin(c * math.atan(bk - e * (bk - math.atan(bk))))


@njit(cache=True)
def peak_friction(mu: float, fz: float, load_sensitivity: float, fz_nominal: float) -> float:
    """Peak friction coefficient at a load, ``mu (1 + s dfz)`` with ``dfz = (Fz - Fz0) / Fz0`` [-].

    Tyres grip less per newton as the load rises; ``s`` (``pDx2 / pDx1`` in
    Pacejka's notation, typically -0.05 to -0.15) is the fractional change of the
    peak coefficient per unit of relative load change. The factor is kept at or above
    0.1 so that a load far outside any fit cannot reverse the force.

    Parameters
    ----------
    mu : float
        Peak friction coefficient at the nominal load [-].
    fz : float
        Normal load [N].
    load_sensitivity : float
        ``s`` [-]; 0 for a load-independent coefficient.
    fz_nominal : float
        Nominal load ``Fz0`` [N], > 0.

    References
    ----------
    Pacejka (2012), eqs. 4.E11 and 4.E13 (``mu_x = pDx1 + pDx2 dfz``).
    """
    dfz = (fz - fz_nominal) / fz_nominal
    return mu * max(1.0 + load_sensitivity * dfz, 0.1)


@njit(cache=True)
def longitudinal_force(
    kappa: float,
    fz: float,
    b: float,
    c: float,
    mu: float,
    e: float,
    load_sensitivity: float = 0.0,
    fz_nominal: float = 4000.0,
) -> float:
    """Pure longitudinal tyre force from the Magic Formula with ``D = mu(Fz) Fz`` [N].

    Parameters
    ----------
    kappa : float
        Slip ratio (SAE, or the transient slip of :func:`slip_step`) [-].
    fz : float
        Normal load [N]; no load (``fz <= 0``) gives no force.
    b, c, e : float
        Stiffness, shape and curvature factors [-].
    mu : float
        Peak friction coefficient at ``fz_nominal`` [-].
    load_sensitivity, fz_nominal : float
        See :func:`peak_friction`.

    References
    ----------
    Pacejka (2012), sec. 4.3.2.
    """
    if fz <= 0.0:
        return 0.0
    d = peak_friction(mu, fz, load_sensitivity, fz_nominal) * fz
    return magic_formula(kappa, b, c, d, e)


@njit(cache=True)
def slip_step(
    kappa: float,
    omega_r: float,
    vx: float,
    relaxation_length: float,
    dt: float,
    kappa_limit: float = KAPPA_LIMIT,
) -> float:
    """Advance the transient slip by one step (backward Euler) [-].

    The tread deflection ``u = sigma k'`` obeys
    ``sigma dk'/dt + |vx| k' = omega r - vx``; it is linear in ``k'``, so the implicit
    step has the closed form
    ``k'_new = (sigma k' + dt (omega r - vx)) / (sigma + dt |vx|)``, which is stable
    and free of overshoot for every step length and speed, including ``vx = 0``
    (where the deflection simply integrates the slip velocity, so a braked wheel
    holds a parked car). At constant speeds it converges to the SAE slip
    ``(omega r - vx) / |vx|``. The result is clipped to ``+-max(kappa_limit, |k|)``
    where ``k`` is that steady slip (when ``vx != 0``): the clip only ever acts when a
    wheel spins or is dragged at (near) standstill, where the model's deflection
    would otherwise grow without bound while the contact patch, in fact, slides.

    Parameters
    ----------
    kappa : float
        Transient slip at the start of the step [-].
    omega_r : float
        Wheel's peripheral speed, angular speed times effective rolling radius [m/s].
    vx : float
        Wheel centre's speed along the wheel heading [m/s]; any sign.
    relaxation_length : float
        Longitudinal relaxation length ``sigma`` [m], > 0.
    dt : float
        Step length [s], >= 0.
    kappa_limit : float, default :data:`KAPPA_LIMIT`
        Bound on ``|k'|`` where the steady slip does not need more [-].

    Returns
    -------
    float
        Transient slip at the end of the step [-].

    References
    ----------
    Pacejka (2012), sec. 7.2.1, eqs. 7.9-7.11 (transient slip, relaxation length);
    Bernard and Clover (1995), SAE 950311 (the same first-order law used as the slip
    definition at low speed).
    """
    slip_velocity = omega_r - vx
    speed = abs(vx)
    k = (relaxation_length * kappa + dt * slip_velocity) / (relaxation_length + dt * speed)
    bound = kappa_limit
    if speed > 0.0:
        bound = max(kappa_limit, abs(slip_velocity) / speed)
    return min(max(k, -bound), bound)


@njit(cache=True)
def rolling_resistance_pressure_factor(
    inflation: float, inflation_reference: float, exponent: float
) -> float:
    """Rolling resistance relative to its value at a reference pressure, ``(p / p_ref)^a`` [-].

    A softer tyre flexes more per revolution, so its hysteresis loss rises as it is
    aired down (``a`` is negative, about -0.3 to -0.5 for car tyres).

    Parameters
    ----------
    inflation, inflation_reference : float
        Inflation pressures [Pa], > 0.
    exponent : float
        ``a`` [-].

    References
    ----------
    SAE J2452 (1999): ``F_rr = P^a Z^b (A + B V + C V^2)``.
    """
    return float((inflation / inflation_reference) ** exponent)


def _bisect(f: Callable[[float], float], lo: float, hi: float, tol: float = 1e-12) -> float:
    """Root of a monotone function on ``[lo, hi]`` that changes sign there."""
    f_lo = f(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        if (f_mid > 0.0) == (f_lo > 0.0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
        if hi - lo < tol * max(1.0, abs(mid)):
            break
    return 0.5 * (lo + hi)


def stiffness_for_peak(kappa_peak: float, c: float, e: float) -> float:
    """The stiffness factor ``B`` that puts the Magic Formula's peak at ``kappa_peak`` [-].

    The peak is where the sine's argument reaches ``pi/2``:
    ``x - E (x - atan x) = tan(pi / (2C))`` with ``x = B kappa_peak``; its left side
    rises with ``x`` for ``E <= 1``, so the root is unique.

    Parameters
    ----------
    kappa_peak : float
        Slip at the peak force [-], > 0.
    c : float
        Shape factor, 1 < C < 2 (a curve with a peak that falls to a positive sliding force).
    e : float
        Curvature factor, E < 1.

    Raises
    ------
    ValueError
        Naming the argument out of range.
    """
    if not kappa_peak > 0.0:
        raise ValueError(f"kappa_peak must be > 0, got {kappa_peak}")
    if not 1.0 < c < 2.0:
        raise ValueError(f"c must be between 1 and 2, got {c}")
    if not e < 1.0:
        raise ValueError(f"e must be < 1, got {e}")
    target = math.tan(0.5 * math.pi / c)

    def g(x: float) -> float:
        return x - e * (x - math.atan(x)) - target

    hi = 1.0
    while g(hi) < 0.0:
        hi *= 2.0
    return _bisect(g, 0.0, hi) / kappa_peak


def fit_shape(kappa_peak: float, sliding_ratio: float, e: float) -> tuple[float, float]:
    """Stiffness and shape factors ``(B, C)`` of a curve with a given peak slip and slide.

    The curve peaks (at ``D``) at ``kappa_peak`` and gives ``sliding_ratio * D`` at
    ``kappa = 1``, the slip of a wheel spinning at twice the road speed and, mirrored,
    of a locked wheel: the two numbers that tables of road adhesion give (peak and
    sliding coefficients) and the slip at the peak. ``C`` is found by bisection: a
    larger ``C`` drops the curve further past its peak.

    Parameters
    ----------
    kappa_peak : float
        Slip at the peak [-], 0 < kappa_peak < 1.
    sliding_ratio : float
        Sliding over peak force [-], 0 < ratio < 1.
    e : float
        Curvature factor [-], E < 1.

    Raises
    ------
    ValueError
        Naming the argument out of range, or if no ``C`` in (1, 2) gives the ratio.

    References
    ----------
    Pacejka (2012), sec. 4.3.2 (``C`` sets the ratio of the asymptote to the peak,
    ``sin(C pi / 2)``; ``B`` and ``E`` the slip at the peak).
    """
    if not 0.0 < kappa_peak < 1.0:
        raise ValueError(f"kappa_peak must be between 0 and 1, got {kappa_peak}")
    if not 0.0 < sliding_ratio < 1.0:
        raise ValueError(f"sliding_ratio must be between 0 and 1, got {sliding_ratio}")

    def ratio_at_one(c: float) -> float:
        b = stiffness_for_peak(kappa_peak, c, e)
        return float(magic_formula(1.0, b, c, 1.0, e)) - sliding_ratio

    lo, hi = 1.0 + 1e-9, 2.0 - 1e-9
    if ratio_at_one(lo) < 0.0 or ratio_at_one(hi) > 0.0:
        raise ValueError(
            f"sliding_ratio {sliding_ratio} cannot be reached with kappa_peak "
            f"{kappa_peak} and e {e}"
        )
    c = _bisect(ratio_at_one, lo, hi)
    return stiffness_for_peak(kappa_peak, c, e), c
