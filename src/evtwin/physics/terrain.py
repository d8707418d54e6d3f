"""A tyre on soft soil: Bekker-Wong sinkage, compaction resistance and Janosi-Hanamoto thrust.

On sand, loam, clay or deep snow the ground gives way. Bekker's pressure-sinkage law
``p = (k_c / b + k_phi) z^n`` says how far a plate of width ``b`` sinks under a
pressure; a wheel sinks until the soil under it carries its load, and the work of
pressing the rut, per metre travelled, is the compaction (motion) resistance. The
soil's shear strength, ``c + p tan(phi)`` (Mohr-Coulomb), is mobilised with shear
displacement as ``1 - exp(-j / K)`` (Janosi and Hanamoto); under a driven wheel the
displacement grows along the contact patch with the slip, so the thrust depends on
slip and on the length of the patch. Drawbar pull is thrust minus resistance.

A pneumatic tyre behaves like a rigid wheel on soil softer than itself and runs
flattened on soil that is stiffer (Wong's two modes): the tyre's ground pressure
``p_g = p_i + p_c`` (inflation plus the carcass's own stiffness) is compared with the
critical pressure ``p_gcr``, the largest pressure a rigid wheel of the same size and
load would exert. If ``p_g >= p_gcr`` the tyre keeps its round shape and sinks like a
rigid wheel; otherwise its flattened patch carries the load at ``p_g``, so it sinks less,
and lowering the inflation (airing down) lowers the sinkage and the compaction
resistance and lengthens the patch, which raises the thrust.

All quantities SI: pressures and ``c`` in Pa, ``k_c`` in N/m^(n+1), ``k_phi`` in
N/m^(n+2), lengths in m, loads in N.

References
----------
- M. G. Bekker, Introduction to Terrain-Vehicle Systems, University of Michigan
  Press, 1969 (pressure-sinkage law, rigid-wheel sinkage and compaction resistance).
- Z. Janosi, B. Hanamoto, The analytical determination of drawbar pull as a function
  of slip for tracked vehicles in deformable soils, Proc. 1st Int. Conf. on
  Terrain-Vehicle Systems, Turin, 1961.
- J. Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 2 (sec. 2.2-2.4:
  shear stress-displacement, thrust-slip of a uniform pressure patch; sec. 2.5-2.7:
  rigid wheel and flexible tyre, critical pressure, Table 2.3 soil values).
- J. Y. Wong, Terramechanics and Off-Road Vehicle Engineering, 2nd ed.,
  Butterworth-Heinemann, 2010, ch. 4 (flexible tyre on deformable terrain).
"""

from __future__ import annotations

import math

from numba import njit

#: Speed below which the direction of travel fades out of :func:`shear_slip` [m/s]. At
#: walking pace and above the wheel's direction is clear and the slip takes its exact
#: form; below, the shear per metre eases to ``|k|``, midway between driving and
#: braking, so that the force does not jump as a crawling wheel changes direction.
SHEAR_SLIP_SPEED_SCALE = 0.05


#: A wheel load below which the soil model treats the wheel as unloaded [N].
UNLOADED_N = 1e-3


@njit(cache=True)
def sinkage_modulus(k_c: float, k_phi: float, width: float) -> float:
    """Bekker's modulus for a loaded area of least dimension ``b``, ``k_c / b + k_phi``.

    In N/m^(n+2).

    References
    ----------
    Bekker (1969); Wong (2008), eq. 2.24.
    """
    return k_c / width + k_phi


@njit(cache=True)
def pressure_sinkage(z: float, k_c: float, k_phi: float, n: float, width: float) -> float:
    """Pressure under a plate sunk to depth ``z``: ``p = (k_c / b + k_phi) z^n`` [Pa].

    Parameters
    ----------
    z : float
        Sinkage [m], >= 0.
    k_c, k_phi, n : float
        Bekker's cohesive and frictional moduli and sinkage exponent.
    width : float
        Smaller dimension of the loaded area ``b`` [m] (a tyre's width).

    References
    ----------
    Bekker (1969); Wong (2008), eq. 2.24.
    """
    return float(sinkage_modulus(k_c, k_phi, width) * max(z, 0.0) ** n)


@njit(cache=True)
def sinkage_at_pressure(p: float, k_c: float, k_phi: float, n: float, width: float) -> float:
    """Depth at which the soil carries pressure ``p`` [m] (inverse of :func:`pressure_sinkage`)."""
    return float((max(p, 0.0) / sinkage_modulus(k_c, k_phi, width)) ** (1.0 / n))


@njit(cache=True)
def rigid_wheel_sinkage(
    load: float, k_c: float, k_phi: float, n: float, width: float, diameter: float
) -> float:
    """Static sinkage of a rigid wheel [m].

    ``z0 = (3 W / ((3 - n) (k_c + b k_phi) sqrt(D)))^(2 / (2n + 1))``.

    Bekker's closed form, from the vertical balance of the radial pressure
    ``p = k z^n`` over the front of the rim with the chord approximated for small
    sinkage (valid for ``z0`` well below ``D / 2``).

    Parameters
    ----------
    load : float
        Normal load on the wheel ``W`` [N].
    k_c, k_phi, n : float
        Soil values.
    width, diameter : float
        Wheel width ``b`` and diameter ``D`` [m].

    References
    ----------
    Bekker (1969); Wong (2008), eq. 2.64.
    """
    if load <= 0.0:
        return 0.0
    k_b = width * sinkage_modulus(k_c, k_phi, width)
    return float((3.0 * load / ((3.0 - n) * k_b * math.sqrt(diameter))) ** (2.0 / (2.0 * n + 1.0)))


@njit(cache=True)
def critical_pressure(
    load: float, k_c: float, k_phi: float, n: float, width: float, diameter: float
) -> float:
    """Critical ground pressure ``p_gcr``: the pressure at the bottom of a rigid wheel [Pa].

    ``p_gcr = (k_c / b + k_phi) z0^n`` with ``z0`` from :func:`rigid_wheel_sinkage`,
    which is Wong's
    ``(k_c/b + k_phi)^(1/(2n+1)) (3 W / ((3 - n) b sqrt(D)))^(2n/(2n+1))``. A tyre whose
    ground pressure is below it runs flattened (elastic mode).

    References
    ----------
    Wong (2008), sec. 2.7, eq. 2.80.
    """
    z0 = rigid_wheel_sinkage(load, k_c, k_phi, n, width, diameter)
    return pressure_sinkage(z0, k_c, k_phi, n, width)


@njit(cache=True)
def tyre_ground_pressure(
    load: float,
    ground_pressure: float,
    k_c: float,
    k_phi: float,
    n: float,
    width: float,
    diameter: float,
) -> float:
    """Pressure a tyre exerts on soft soil, ``max(min(p_i + p_c, p_gcr), W / (b D))`` [Pa].

    In the elastic mode (``p_i + p_c < p_gcr``) the flattened patch presses at
    ``p_i + p_c``; in the rigid mode the tyre is a rigid wheel, whose pressure at the
    bottom is ``p_gcr``. Using the same pressure in both modes makes sinkage,
    resistance and patch length continuous where the mode changes. The floor
    ``W / (b D)`` keeps the flattened patch (``l = W / (b p)``) no longer than the
    tyre's diameter, which Wong's model leaves open for a grossly overloaded or
    deflated tyre.

    Parameters
    ----------
    load : float
        Normal load [N].
    ground_pressure : float
        Inflation plus carcass stiffness pressure ``p_i + p_c`` [Pa].
    k_c, k_phi, n, width, diameter : float
        Soil values, tyre width and diameter [m].

    References
    ----------
    Wong (2008), sec. 2.7; Wong (2010), sec. 4.2.
    """
    flat = min(ground_pressure, critical_pressure(load, k_c, k_phi, n, width, diameter))
    return max(flat, load / (width * diameter))


@njit(cache=True)
def compaction_resistance(z: float, k_c: float, k_phi: float, n: float, width: float) -> float:
    """Motion resistance from compacting a rut of depth ``z``: ``b k z^(n+1) / (n+1)`` [N].

    The work of pressing a rut of width ``b`` to depth ``z`` per unit length travelled,
    ``b integral_0^z p dz``.

    References
    ----------
    Bekker (1969); Wong (2008), eq. 2.67 (rigid wheel) and eq. 2.83 (flexible tyre).
    """
    k = sinkage_modulus(k_c, k_phi, width)
    return float(width * k * max(z, 0.0) ** (n + 1.0) / (n + 1.0))


@njit(cache=True)
def shear_stress(
    pressure: float, displacement: float, cohesion: float, tan_phi: float, shear_modulus: float
) -> float:
    """Janosi-Hanamoto shear stress, ``(c + p tan(phi)) (1 - exp(-j / K))`` [Pa].

    Parameters
    ----------
    pressure : float
        Normal pressure ``p`` [Pa].
    displacement : float
        Shear displacement ``j`` [m], >= 0.
    cohesion : float
        ``c`` [Pa].
    tan_phi : float
        Tangent of the angle of internal shearing resistance [-].
    shear_modulus : float
        Shear deformation modulus ``K`` [m], > 0.

    References
    ----------
    Janosi and Hanamoto (1961); Wong (2008), eq. 2.43.
    """
    return (cohesion + pressure * tan_phi) * (-math.expm1(-displacement / shear_modulus))


@njit(cache=True)
def slip_mobilisation(u: float) -> float:
    """Mean of ``1 - exp(-j/K)`` over a patch along which ``j`` rises from 0 to ``u K`` [-].

    ``1 - (1 - exp(-u)) / u``, with ``u = i l / K``: the share of the soil's shear
    strength a uniformly loaded patch of length ``l`` at slip ``i`` develops. It rises
    from 0 (as ``u / 2``) to 1.

    References
    ----------
    Wong (2008), eq. 2.56.
    """
    if u < 1e-9:
        return 0.5 * u
    return 1.0 + math.expm1(-u) / u


@njit(cache=True)
def thrust(
    load: float,
    area: float,
    cohesion: float,
    tan_phi: float,
    slip: float,
    length: float,
    shear_modulus: float,
) -> float:
    """Thrust of a uniformly loaded patch at slip ``i``, ``(A c + W tan(phi)) mobilisation`` [N].

    The shear displacement at distance ``x`` behind the front of the patch is
    ``j = i x``; integrating Janosi-Hanamoto's stress over a patch of area ``A``,
    length ``l`` and uniform pressure ``W / A`` gives
    ``(A c + W tan(phi)) [1 - K / (i l) (1 - exp(-i l / K))]``.

    Parameters
    ----------
    load : float
        Normal load ``W`` [N].
    area, length : float
        Contact area [m^2] and length [m].
    cohesion, tan_phi, shear_modulus : float
        ``c`` [Pa], ``tan(phi)`` [-], ``K`` [m].
    slip : float
        Shear displacement per unit length of patch ``i`` [-], >= 0 (Wong's slip
        ``1 - v / (omega r)`` for a driven wheel).

    References
    ----------
    Wong (2008), eq. 2.56.
    """
    if load <= 0.0 or length <= 0.0:
        return 0.0
    u = max(slip, 0.0) * length / shear_modulus
    return (area * cohesion + load * tan_phi) * slip_mobilisation(u)


@njit(cache=True)
def shear_slip(kappa: float, vx: float, speed_scale: float) -> float:
    """Shear displacement per unit patch length from the SAE slip, ``|k| / (1 + k sgn(vx))`` [-].

    A tread element stays in the patch for ``l / |omega r|`` and slips at
    ``|omega r - vx|``, so it shears the soil by ``|omega r - vx| / |omega r|`` per metre
    of patch: ``k / (1 + k)`` when driving forwards (Wong's slip ``i``), ``|k| / (1 - |k|)``
    when braking (``|k|`` is then Wong's skid ``i_s = 1 - omega r / v``; a locked
    wheel's tread never leaves the patch, so it shears without end), and mirrored in
    reverse.
    The direction enters through a smooth sign ``vx / sqrt(vx^2 + v0^2)`` so the result
    does not jump as the wheel passes through standstill, where it tends to ``|k|``.

    Parameters
    ----------
    kappa : float
        SAE (or transient) slip [-].
    vx : float
        Wheel centre's speed along its heading [m/s].
    speed_scale : float
        ``v0`` [m/s], > 0: the speed below which the direction fades out.

    Returns
    -------
    float
        >= 0; very large (1e9) for a wheel locked or dragged backwards.

    References
    ----------
    Wong (2008), sec. 2.4 (slip and skid of a wheel on soil).
    """
    direction = vx / math.sqrt(vx * vx + speed_scale * speed_scale)
    denominator = 1.0 + kappa * direction
    magnitude = abs(kappa)
    if denominator * 1e9 <= magnitude:
        return 1e9
    return magnitude / denominator


@njit(cache=True)
def soft_soil_force(
    kappa: float,
    load: float,
    vx: float,
    ground_pressure: float,
    k_c: float,
    k_phi: float,
    n: float,
    cohesion: float,
    tan_phi: float,
    shear_modulus: float,
    width: float,
    diameter: float,
    shear_factor: float,
) -> tuple[float, float, float]:
    """Thrust, compaction resistance and sinkage of a tyre on soft soil.

    The tyre's pressure on the soil is :func:`tyre_ground_pressure`; it sinks to the
    depth at which the soil carries that pressure, compacts a rut of that depth, and
    its patch (``A = W / p``, ``l = A / b``) shears the soil with the slip of
    :func:`shear_slip`. ``shear_factor`` scales the soil's shear strength for a tread
    that shears partly at the rubber-soil interface rather than soil on soil.

    Parameters
    ----------
    kappa : float
        SAE (or transient) slip [-]; the thrust takes its sign.
    load : float
        Normal load [N]; none gives nothing.
    vx : float
        Wheel centre's speed along its heading [m/s].
    ground_pressure : float
        Inflation plus carcass stiffness pressure [Pa].
    k_c, k_phi, n, cohesion, tan_phi, shear_modulus : float
        Soil values (SI).
    width, diameter : float
        Tyre section width and diameter [m].
    shear_factor : float
        Share of the soil's shear strength the tread mobilises [-].

    Returns
    -------
    tuple of float
        ``(thrust [N] with the sign of kappa, compaction resistance [N] >= 0, sinkage [m])``.

    References
    ----------
    Wong (2008), sec. 2.4 and 2.7; Wong (2010), ch. 4.
    """
    # Below a millinewton the power laws of the critical pressure underflow (a
    # subnormal load gave a subnormal pressure, hence a patch as long as the tyre and
    # the soil's full cohesion on it): such a wheel is unloaded.
    if load <= UNLOADED_N:
        return 0.0, 0.0, 0.0
    p = tyre_ground_pressure(load, ground_pressure, k_c, k_phi, n, width, diameter)
    if not p > 0.0:
        return 0.0, 0.0, 0.0
    z = sinkage_at_pressure(p, k_c, k_phi, n, width)
    resistance = compaction_resistance(z, k_c, k_phi, n, width)
    area = load / p
    length = area / width
    slip = shear_slip(kappa, vx, SHEAR_SLIP_SPEED_SCALE)
    force = shear_factor * thrust(load, area, cohesion, tan_phi, slip, length, shear_modulus)
    return math.copysign(force, kappa) if kappa != 0.0 else 0.0, resistance, z
