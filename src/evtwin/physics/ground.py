"""The ground under one wheel: firm surfaces by the Magic Formula, soft soils by Bekker-Wong.

A vehicle kernel calls :func:`ground_force` per wheel and step with the wheel's slip,
load and speed and one row of numbers that says what the wheel is on, built once
before the run by :func:`ground_row` from the shipped surface and soil tables
(``evtwin.data.terrain``). The row is a flat float64 array whose columns are named
below, so a compiled kernel can hold one per wheel (or per terrain patch) without
objects.

Kinds of ground:

- firm (``KIND_MAGIC_FORMULA``): dry and wet asphalt, gravel, grass, snow, ice, mud.
  Force from :func:`evtwin.physics.tyre.longitudinal_force`; rolling resistance
  ``crr Fz``; no sinkage.
- soft (``KIND_SOFT_SOIL``): sand, loam, clay, deep snow. Thrust, compaction
  resistance and sinkage from :func:`evtwin.physics.terrain.soft_soil_force`; the
  tyre's own (flexing) rolling resistance ``crr Fz`` is added to the compaction
  resistance.

Row layout (``ROW_LEN`` float64 values; unused columns are 0):

=====================  ==========================================================
``G_KIND``             ``KIND_MAGIC_FORMULA`` (0) or ``KIND_SOFT_SOIL`` (1)
``G_B, G_C, G_E``      Magic Formula stiffness, shape and curvature factors [-]
``G_D``                peak friction coefficient at ``G_FZ0`` (``D = G_D Fz``) [-]
``G_DMU``              load sensitivity of the peak coefficient [-] (0: none)
``G_FZ0``              nominal load of the load sensitivity [N]
``G_RELAX``            longitudinal relaxation length [m] (for ``tyre.slip_step``)
``G_CRR``              rolling resistance coefficient at the row's inflation [-]
``G_SOIL_N``           Bekker sinkage exponent [-]
``G_SOIL_KC``          Bekker cohesive modulus [N/m^(n+1)]
``G_SOIL_KPHI``        Bekker frictional modulus [N/m^(n+2)]
``G_SOIL_COHESION``    soil cohesion [Pa]
``G_SOIL_TAN_PHI``     tangent of the soil's friction angle [-]
``G_SOIL_SHEAR_K``     Janosi-Hanamoto shear deformation modulus [m]
``G_TYRE_WIDTH``       tyre section width [m]
``G_TYRE_DIAMETER``    tyre diameter [m]
``G_GROUND_PRESSURE``  inflation plus carcass stiffness pressure [Pa]
``G_SHEAR_FACTOR``     share of the soil's shear strength the tread mobilises [-]
=====================  ==========================================================

References
----------
- H. B. Pacejka, Tyre and Vehicle Dynamics, 3rd ed., 2012 (see ``physics.tyre``).
- J. Y. Wong, Theory of Ground Vehicles, 4th ed., 2008 (see ``physics.terrain``).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from numba import njit
from numpy.typing import NDArray

from .terrain import soft_soil_force
from .tyre import fit_shape, longitudinal_force, rolling_resistance_pressure_factor

G_KIND = 0
G_B = 1
G_C = 2
G_D = 3
G_E = 4
G_DMU = 5
G_FZ0 = 6
G_RELAX = 7
G_CRR = 8
G_SOIL_N = 9
G_SOIL_KC = 10
G_SOIL_KPHI = 11
G_SOIL_COHESION = 12
G_SOIL_TAN_PHI = 13
G_SOIL_SHEAR_K = 14
G_TYRE_WIDTH = 15
G_TYRE_DIAMETER = 16
G_GROUND_PRESSURE = 17
G_SHEAR_FACTOR = 18
#: Number of columns of a ground row.
ROW_LEN = 19

KIND_MAGIC_FORMULA = 0.0
KIND_SOFT_SOIL = 1.0

#: Surfaces for the Magic Formula (firm ground).
FIRM_SURFACES: tuple[str, ...] = (
    "dry_asphalt",
    "wet_asphalt",
    "gravel",
    "grass",
    "snow",
    "ice",
    "mud",
)
#: Soils for the Bekker-Wong model (soft ground).
SOFT_SOILS: tuple[str, ...] = ("sand", "loam", "clay", "deep_snow")
#: Every surface :func:`ground_row` knows.
SURFACES: tuple[str, ...] = FIRM_SURFACES + SOFT_SOILS
TYRE_TYPES: tuple[str, ...] = ("road", "all_terrain")

#: Inflation at which the tables' rolling resistance coefficients hold [kPa]: a car
#: tyre's usual cold pressure (about 35 psi); the tables do not state one.
REFERENCE_INFLATION_KPA = 240.0


@njit(cache=True)
def ground_force(kappa: float, fz: float, vx: float, row: np.ndarray) -> tuple[float, float, float]:
    """Longitudinal force, rolling resistance and sinkage of one wheel on its ground.

    Parameters
    ----------
    kappa : float
        The wheel's (transient) slip, SAE sign: positive when the tread moves
        backwards relative to the ground faster than the wheel moves forwards
        (driving), -1 for a locked wheel rolling forwards [-].
    fz : float
        Normal load [N]; ``fz <= 0`` (a lifted wheel) gives ``(0, 0, 0)``.
    vx : float
        Wheel centre's speed along its heading [m/s], any sign (soft soil only uses
        its direction, to tell driving from braking slip).
    row : numpy.ndarray
        A row from :func:`ground_row`.

    Returns
    -------
    tuple of float
        ``(force, resistance, sinkage)``: the tractive force along the wheel's heading
        [N], with the sign of ``kappa``; the magnitude [N] >= 0 of the rolling (motion)
        resistance, which the caller applies against the direction of rolling; the
        sinkage [m] >= 0 (0 on firm ground). Bounded and continuous for every
        ``kappa >= -1`` (and beyond) and any ``vx``.

    Notes
    -----
    The sinkage is Bekker-Wong's even where it exceeds the tyre's radius (a heavy
    wheel on deep snow at road pressure): the model then no longer holds, and the
    caller should treat a sinkage beyond its ground clearance as the car bellying out.

    References
    ----------
    Pacejka (2012), sec. 4.3.2; Wong (2008), sec. 2.4 and 2.7.
    """
    if fz <= 0.0:
        return 0.0, 0.0, 0.0
    rolling = row[G_CRR] * fz
    if row[G_KIND] == KIND_SOFT_SOIL:
        force, compaction, sinkage = soft_soil_force(
            kappa,
            fz,
            vx,
            row[G_GROUND_PRESSURE],
            row[G_SOIL_KC],
            row[G_SOIL_KPHI],
            row[G_SOIL_N],
            row[G_SOIL_COHESION],
            row[G_SOIL_TAN_PHI],
            row[G_SOIL_SHEAR_K],
            row[G_TYRE_WIDTH],
            row[G_TYRE_DIAMETER],
            row[G_SHEAR_FACTOR],
        )
        return force, compaction + rolling, sinkage
    force = longitudinal_force(
        kappa, fz, row[G_B], row[G_C], row[G_D], row[G_E], row[G_DMU], row[G_FZ0]
    )
    return force, rolling, 0.0


@cache
def _shape(kappa_peak: float, sliding_ratio: float, e: float) -> tuple[float, float]:
    return fit_shape(kappa_peak, sliding_ratio, e)


def _positive(name: str, value: float, upper: float, unit: str) -> float:
    if not (math.isfinite(value) and 0.0 < value <= upper):
        raise ValueError(f"{name} must be > 0 and <= {upper:g} {unit}, got {value!r}")
    return float(value)


def ground_row(
    surface: str,
    *,
    tyre_width_m: float,
    tyre_radius_m: float,
    inflation_kpa: float = REFERENCE_INFLATION_KPA,
    tyre_type: str = "road",
    load_sensitivity: float = 0.0,
    nominal_load_n: float = 4000.0,
) -> NDArray[np.float64]:
    """The row of numbers :func:`ground_force` needs for a tyre on a surface.

    Parameters
    ----------
    surface : str
        One of :data:`SURFACES`.
    tyre_width_m, tyre_radius_m : float
        Tyre section width and unloaded radius [m].
    inflation_kpa : float, default 240
        Inflation (gauge) pressure [kPa]. Lowering it (airing down) raises the
        tyre's own rolling resistance (SAE J2452 power law) and, on soft soil, lowers
        the ground pressure once the tyre runs flattened.
    tyre_type : {"road", "all_terrain"}
        Road tyres take the peak friction of ``evtwin.physics.traction.SURFACES``;
        all-terrain tyres grip more on loose surfaces (open lugs bite into gravel,
        mud, snow and turf) and a little less on sealed roads, and on soft soil
        they mobilise the soil's full shear strength (soil shears on soil between
        the lugs) and have stiffer carcasses. The numbers and their bases are in
        ``data/terrain/surfaces.yaml``.
    load_sensitivity : float, default 0
        Fractional change of peak friction per unit relative load change [-]
        (``tyre.peak_friction``); 0 keeps it load-independent, as the performance
        code's ``traction`` module assumes.
    nominal_load_n : float, default 4000
        The load at which the peak friction is the table's value [N].

    Raises
    ------
    ValueError
        Naming the argument that is unknown or out of range.
    """
    from ..specs.terrain import soil_table, surface_table

    if surface not in SURFACES:
        raise ValueError(f"surface {surface!r} is not known; choose one of {', '.join(SURFACES)}")
    if tyre_type not in TYRE_TYPES:
        raise ValueError(f"tyre_type {tyre_type!r} is not known; choose one of road, all_terrain")
    width = _positive("tyre_width_m", tyre_width_m, 1.0, "m")
    radius = _positive("tyre_radius_m", tyre_radius_m, 2.0, "m")
    inflation = _positive("inflation_kpa", inflation_kpa, 1000.0, "kPa") * 1e3
    fz0 = _positive("nominal_load_n", nominal_load_n, 1e6, "N")
    if not (math.isfinite(load_sensitivity) and -1.0 <= load_sensitivity <= 1.0):
        raise ValueError(f"load_sensitivity must be from -1 to 1, got {load_sensitivity!r}")

    surfaces = surface_table()
    tyre = surfaces.tyres["road" if tyre_type == "road" else "all_terrain"]
    pressure_factor = rolling_resistance_pressure_factor(
        inflation,
        REFERENCE_INFLATION_KPA * 1e3,
        tyre.rolling_resistance_pressure_exponent.value,
    )
    row = np.zeros(ROW_LEN)
    if surface in FIRM_SURFACES:
        s = surfaces.surfaces[surface]
        b, c = _shape(s.slip_at_peak.value, s.sliding_ratio.value, s.curvature.value)
        row[G_KIND] = KIND_MAGIC_FORMULA
        row[G_B] = b
        row[G_C] = c
        row[G_D] = s.peak_mu.value if tyre_type == "road" else s.peak_mu_all_terrain.value
        row[G_E] = s.curvature.value
        row[G_DMU] = load_sensitivity
        row[G_FZ0] = fz0
        row[G_RELAX] = s.relaxation_length_m.value
        row[G_CRR] = s.rolling_resistance_coefficient.value * pressure_factor
        return row
    soil = soil_table().soils[surface]
    row[G_KIND] = KIND_SOFT_SOIL
    row[G_FZ0] = fz0
    row[G_RELAX] = soil.relaxation_length_m.value
    # The tyre's own hysteresis is the firm-road value; the soil's share is the
    # compaction resistance that ground_force adds.
    asphalt = surfaces.surfaces["dry_asphalt"].rolling_resistance_coefficient.value
    row[G_CRR] = asphalt * pressure_factor
    row[G_SOIL_N] = soil.exponent_n.value
    row[G_SOIL_KC] = soil.k_c_kn_per_m_np1.value * 1e3
    row[G_SOIL_KPHI] = soil.k_phi_kn_per_m_np2.value * 1e3
    row[G_SOIL_COHESION] = soil.cohesion_kpa.value * 1e3
    row[G_SOIL_TAN_PHI] = math.tan(math.radians(soil.friction_angle_deg.value))
    row[G_SOIL_SHEAR_K] = soil.shear_modulus_m.value
    row[G_TYRE_WIDTH] = width
    row[G_TYRE_DIAMETER] = 2.0 * radius
    row[G_GROUND_PRESSURE] = inflation + tyre.carcass_pressure_kpa.value * 1e3
    row[G_SHEAR_FACTOR] = tyre.soil_shear_factor.value
    return row
