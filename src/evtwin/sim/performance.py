"""Performance from the spec alone: acceleration, top speed, grades and towing.

One entry, :func:`performance` (or :func:`performance_batch` for many vehicles at
once), returns a frozen :class:`PerformanceResult`:

- **acceleration**: a full-power run from rest on a level road, integrated on a
  0.01 s step under every limit at once (each axle's motor torque and power, each
  axle's grip with load transfer, the battery's power at the given state of charge
  and temperature, a launch torque ramp). Conventions: 0-100 km/h from a standing
  start with no rollout (makers' figures); 0-60 mph and the quarter mile with a
  1-ft (0.3048 m) rollout, as US magazines and drag strips time them; 50-70 mph from
  the same run; quarter-mile trap speed is the speed at the quarter mile.
- **top speed**: the lower of the gearing limit (motor top speed through the ratio)
  and the speed where full power meets the road load; the sustained top speed on
  the motors' continuous ratings. A maker's speed governor is a control input
  (``top_speed_limit_kph``), reported apart, never a result.
- **grades**, per surface: the steepest grade the car can start on (peak torque,
  standstill) and the steepest it can hold at a steady speed on its continuous
  ratings.
- **towing** (with a :class:`~evtwin.sim.trailer.Trailer`): the same run, start and
  hold with the trailer, and the road load it adds.

Test mass: kerb mass plus a 75 kg driver (``payload_kg``), the EU convention for
performance figures. The launch torque ramp (0.1 s from zero to full demand, the
drive's anti-jerk filter) and ideal launch and traction control (each axle held at
its peak friction) are the driver-and-software assumptions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..physics.drive_unit import DriveUnit, axle_power, wheel_torque_limits
from ..physics.traction import SURFACES, friction_coefficient
from ..specs.motor import Axle
from ..specs.vehicle import VehicleSpec
from ..units import GRAVITY, KPH, MPH, RPM
from . import _perf_kernel as pk
from . import spare_core
from ._layout import (
    B_OCV,
    B_RFACTOR,
    P_AERO,
    P_AUX,
    P_CAPACITY,
    P_POWER_DISCHARGE,
    P_RESISTANCE,
    P_ROLL0,
    P_ROLL1,
    P_SOC_START,
    P_VOLTAGE_MIN,
)
from .chassis import Chassis, chassis
from .conditions import Ambient
from .prepare import DRIVER_MASS_KG, IdentityCache, LruCache, RunOptions, drive_unit, vehicle_row
from .trailer import Trailer, towing_extra_road_load

#: Time for the drive torque to rise from zero to full demand at launch [s]. Estimate:
#: anti-jerk filters of EV drives shape torque steps over 50-150 ms (D. Lee et al.,
#: and the review of A. Scamarcio et al. (2020), "Anti-jerk controllers for automotive
#: applications: a review", Annual Reviews in Control 50, 174-189,
#: doi:10.1016/j.arcontrol.2020.04.013). Chosen before any comparison with data.
LAUNCH_TORQUE_RAMP_S = 0.1
#: Rollout of US magazine and drag-strip timing [m] (1 ft).
ROLLOUT_M = 0.3048
#: A quarter mile [m].
QUARTER_MILE_M = 402.336
#: Integration step [s] and longest run [s].
TIME_STEP_S = 0.01
RUN_LIMIT_S = 60.0
#: Share of peak power and torque a motor sustains when its file gives no continuous
#: rating [-]. Estimate: UN R85 30-minute powers of EV drive units are 40-60 % of their
#: peak (VW's MEB rear unit: 70 kW of 150 kW).
CONTINUOUS_SHARE = 0.5
#: Speeds at which a trailer's extra road load is reported [km/h].
TOWING_SPEEDS_KPH = (50.0, 80.0, 100.0)

_N_W = 256
_N_U = 17
#: Factor on the gearing limit up to which the motors are allowed to run when finding
#: the power-limited top speed (a hypothetical motor without a top speed).
_UNLIMITED_SPAN = 3.0

Limit = Literal["launch", "traction", "torque", "power", "battery", "gearing", "none"]
TableKind = Literal["peak", "unlimited", "continuous"]

REFERENCES = (
    "T. D. Gillespie, Fundamentals of Vehicle Dynamics, SAE, 1992, ch. 2 (axle loads, "
    "acceleration, grades, trailer hitch)",
    "J. Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, Table 1.3 (road adhesion)",
    "R. K. Noon, Engineering Analysis of Vehicular Accidents, CRC Press, 1994 (surface friction)",
    "UN ECE Regulation 55 (tow-ball height 350-420 mm)",
)


# --- tables of the motors' limits and DC power on a wheel-speed grid ------------------


@dataclass(frozen=True)
class _Tables:
    cap: NDArray[np.float64]  # (2, N_W) wheel torque cap [N m], front then rear
    power: NDArray[np.float64]  # (2, N_W, N_U) DC power [W] at u * cap
    axle: NDArray[np.float64]  # (2, 3) base wheel speed, wheel power, drag (kernel AX_*)
    w_top: float  # top of the wheel-speed grid [rad/s]


def _continuous(axle: Axle, unit: DriveUnit) -> DriveUnit:
    m = axle.motor
    p = m.continuous_power_kw.value * 1e3 if m.continuous_power_kw else None
    t = m.continuous_torque_nm.value if m.continuous_torque_nm else None
    return unit._replace(
        peak_power=p if p is not None else CONTINUOUS_SHARE * unit.peak_power,
        peak_torque=t if t is not None else CONTINUOUS_SHARE * unit.peak_torque,
    )


def _wheel_speed_limit(spec: VehicleSpec) -> float:
    """Highest wheel speed the gearing allows [rad/s]: the lowest motor top speed over the
    axles that stay coupled (an axle that can disconnect lets go instead)."""
    coupled = [a for _, a in spec.axles if not a.disconnect] or [a for _, a in spec.axles]
    return min(a.motor.max_speed_rpm.value * RPM / a.ratio.value for a in coupled)


def _axle_table(
    unit: DriveUnit | None, w: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    if unit is None:
        return np.zeros_like(w), np.zeros((w.size, _N_U)), np.array([math.inf, 0.0, 0.0])
    cap = np.maximum(wheel_torque_limits(w, unit)[0], 0.0)
    u = np.linspace(0.0, 1.0, _N_U)
    torque = cap[:, None] * u[None, :]
    p_dc = axle_power(torque, np.broadcast_to(w[:, None], torque.shape), unit).power_dc
    consts = np.empty(3)
    consts[pk.AX_BASE] = unit.peak_power / unit.peak_torque / unit.ratio
    consts[pk.AX_POWER] = unit.peak_power * unit.gear_efficiency
    consts[pk.AX_DRAG] = unit.drag_torque
    return cap, np.asarray(p_dc), consts


_TABLE_CACHE_SIZE = 256
_TABLE_CACHE: LruCache[tuple[Axle | None, Axle | None, str], _Tables] = LruCache(_TABLE_CACHE_SIZE)
_TABLES_BY_ID: IdentityCache[_Tables] = IdentityCache(_TABLE_CACHE_SIZE)


def _tables(spec: VehicleSpec, kind: TableKind) -> _Tables:
    """Torque caps and DC power of both axles on a wheel-speed grid, cached per powertrain.

    ``peak``: the motors' peak envelopes; ``continuous``: their continuous ratings;
    ``unlimited``: peak, with the motors of the axles that stay coupled allowed past
    their top speed (to find where power alone would stop the car).
    """
    front, rear = spec.front_axle, spec.rear_axle
    # First by the axle objects' identity: hashing the axle models field by field, as
    # the content key does, costs more than the lookup is worth for the same spec.
    seen = _TABLES_BY_ID.get_for((front, rear), kind)
    if seen is not None:
        return seen
    key = (front, rear, kind)
    hit = _TABLE_CACHE.get(key)
    if hit is not None:
        return _TABLES_BY_ID.put_for((front, rear), kind, hit)
    units: list[DriveUnit | None] = []
    for axle in (spec.front_axle, spec.rear_axle):
        if axle is None:
            units.append(None)
            continue
        unit = drive_unit(axle)
        if kind == "continuous":
            unit = _continuous(axle, unit)
        elif kind == "unlimited" and not axle.disconnect:
            unit = unit._replace(max_speed=math.inf)
        units.append(unit)
    w_limit = max(a.motor.max_speed_rpm.value * RPM / a.ratio.value for _, a in spec.axles)
    w_top = w_limit * (_UNLIMITED_SPAN if kind == "unlimited" else 1.0)
    w = np.linspace(0.0, w_top, _N_W)
    caps, powers, bases = zip(*(_axle_table(u, w) for u in units), strict=True)
    tables = _TABLE_CACHE.put(
        key, _Tables(np.array(caps), np.array(powers), np.array(bases), w_top)
    )
    return _TABLES_BY_ID.put_for((front, rear), kind, tables)


# --- results ---------------------------------------------------------------------------


def _num(x: float) -> float | None:
    """A float for JSON: NaN becomes None."""
    return None if not math.isfinite(x) else round(float(x), 4)


@dataclass(frozen=True)
class AccelerationResult:
    """A full-power run from rest on a level road.

    Times [s] are NaN when the car never reaches the speed or distance within 60 s.
    ``limit_shares_0_100`` gives the share of the time to 100 km/h spent under each
    limit (``launch`` ramp, ``traction``, motor ``torque``, motor ``power``, ``battery``),
    and ``limit_0_100`` the one that held it longest.
    """

    accel_0_100_kph_s: float
    accel_0_60_mph_s: float
    accel_0_60_mph_no_rollout_s: float
    accel_50_70_mph_s: float
    quarter_mile_s: float
    quarter_mile_trap_kph: float
    peak_acceleration_g: float
    limit_0_100: Limit
    limit_shares_0_100: tuple[tuple[str, float], ...]
    test_mass_kg: float
    soc_end: float
    trace_time_s: NDArray[np.float64] | None = field(default=None, repr=False)
    trace_speed_kph: NDArray[np.float64] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for a in (self.trace_time_s, self.trace_speed_kph):
            if a is not None:
                a.setflags(write=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, unit-suffixed keys (traces left out)."""
        return {
            "accel_0_100_kph_s": _num(self.accel_0_100_kph_s),
            "accel_0_60_mph_s": _num(self.accel_0_60_mph_s),
            "accel_0_60_mph_no_rollout_s": _num(self.accel_0_60_mph_no_rollout_s),
            "accel_50_70_mph_s": _num(self.accel_50_70_mph_s),
            "quarter_mile_s": _num(self.quarter_mile_s),
            "quarter_mile_trap_kph": _num(self.quarter_mile_trap_kph),
            "peak_acceleration_g": _num(self.peak_acceleration_g),
            "limit_0_100": self.limit_0_100,
            "limit_shares_0_100": {k: round(v, 4) for k, v in self.limit_shares_0_100},
            "test_mass_kg": _num(self.test_mass_kg),
            "soc_end": _num(self.soc_end),
            "rollout_ft": {
                "accel_0_100_kph_s": 0.0,
                "accel_0_60_mph_s": 1.0,
                "quarter_mile_s": 1.0,
            },
        }


@dataclass(frozen=True)
class TopSpeedResult:
    """Top speeds [km/h] and what sets them.

    ``top_speed_kph`` is the lower of ``gearing_limit_kph`` and ``road_load_limit_kph``
    (full power against the road load, motors allowed past their top speed);
    ``limit`` says which (``gearing``, ``power``, ``battery``). ``sustained_top_speed_kph``
    uses the continuous ratings. ``governor_kph`` is the maker's speed limiter when one
    was given as a control input, and ``governed_top_speed_kph`` the top speed with it.
    """

    top_speed_kph: float
    limit: Limit
    gearing_limit_kph: float
    road_load_limit_kph: float
    sustained_top_speed_kph: float
    sustained_limit: Limit
    governor_kph: float | None = None

    @property
    def governed_top_speed_kph(self) -> float | None:
        """Top speed with the governor, if one was given."""
        if self.governor_kph is None:
            return None
        return min(self.top_speed_kph, self.governor_kph)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, unit-suffixed keys."""
        return {
            "top_speed_kph": _num(self.top_speed_kph),
            "limit": self.limit,
            "gearing_limit_kph": _num(self.gearing_limit_kph),
            "road_load_limit_kph": _num(self.road_load_limit_kph),
            "sustained_top_speed_kph": _num(self.sustained_top_speed_kph),
            "sustained_limit": self.sustained_limit,
            "governor_kph": self.governor_kph,
            "governed_top_speed_kph": self.governed_top_speed_kph,
        }


@dataclass(frozen=True)
class GradeResult:
    """Steepest grades [%] on one surface: to start from rest (peak ratings) and to hold
    ``hold_speed_kph`` (continuous ratings); NaN when even the level is too much."""

    surface: str
    friction_coefficient: float
    start_grade_pct: float
    start_limit: Limit
    hold_grade_pct: float
    hold_limit: Limit
    hold_speed_kph: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, unit-suffixed keys."""
        return {
            "surface": self.surface,
            "friction_coefficient": self.friction_coefficient,
            "start_grade_pct": _num(self.start_grade_pct),
            "start_limit": self.start_limit,
            "hold_grade_pct": _num(self.hold_grade_pct),
            "hold_limit": self.hold_limit,
            "hold_speed_kph": self.hold_speed_kph,
        }


@dataclass(frozen=True)
class TowingResult:
    """The car with a trailer: its run, its grades on the run's surface, and the road load
    the trailer adds on the level at ``road_load_speeds_kph``."""

    trailer: Trailer
    acceleration: AccelerationResult
    grade: GradeResult
    road_load_speeds_kph: tuple[float, ...]
    extra_road_load_n: tuple[float, ...]
    extra_road_load_kw: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, unit-suffixed keys."""
        t = self.trailer
        return {
            "trailer": {
                "mass_kg": t.mass_kg,
                "frontal_area_m2": t.frontal_area_m2,
                "drag_coefficient": t.drag_coefficient,
                "rolling_resistance_coefficient": t.rolling_resistance_coefficient,
                "tongue_load_fraction": t.tongue_load_fraction,
                "hitch_height_m": t.hitch_height_m,
            },
            "acceleration": self.acceleration.to_dict(),
            "grade": self.grade.to_dict(),
            "road_load_speeds_kph": list(self.road_load_speeds_kph),
            "extra_road_load_n": [_num(x) for x in self.extra_road_load_n],
            "extra_road_load_kw": [_num(x) for x in self.extra_road_load_kw],
        }


@dataclass(frozen=True)
class PerformanceResult:
    """Everything :func:`performance` works out for one vehicle (see the module docstring)."""

    vehicle: str
    surface: str
    friction_coefficient: float
    soc: float
    temperature_c: float
    acceleration: AccelerationResult
    top_speed: TopSpeedResult
    grades: tuple[GradeResult, ...]
    towing: TowingResult | None
    chassis: Chassis
    references: tuple[str, ...] = REFERENCES

    def grade_on(self, surface: str) -> GradeResult:
        """The grade result of one surface."""
        for g in self.grades:
            if g.surface == surface:
                return g
        raise ValueError(f"no grade result for surface {surface!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, unit-suffixed keys."""
        c = self.chassis
        return {
            "vehicle": self.vehicle,
            "surface": self.surface,
            "friction_coefficient": self.friction_coefficient,
            "soc": self.soc,
            "temperature_c": self.temperature_c,
            "acceleration": self.acceleration.to_dict(),
            "top_speed": self.top_speed.to_dict(),
            "grades": [g.to_dict() for g in self.grades],
            "towing": self.towing.to_dict() if self.towing is not None else None,
            "chassis": {
                "wheelbase_m": c.wheelbase,
                "cg_height_m": round(c.cg_height, 4),
                "front_weight_fraction": c.front_fraction,
                "estimated": list(c.estimated),
            },
            "conventions": {
                "accel_0_100_kph": "standing start, no rollout",
                "accel_0_60_mph": "1-ft rollout (US magazines)",
                "quarter_mile": "1-ft rollout; trap speed at the quarter mile",
                "test_mass": f"kerb + {DRIVER_MASS_KG:g} kg driver (+ payload)",
                "launch_torque_ramp_s": LAUNCH_TORQUE_RAMP_S,
            },
            "references": list(self.references),
        }


# --- cases: one parameter row per (vehicle, condition) ---------------------------------


@dataclass(frozen=True)
class _Vehicle:
    spec: VehicleSpec
    chassis: Chassis
    row: NDArray[np.float64]  # the drive kernel's parameter row (prepare.vehicle_row)
    battery: NDArray[np.float64]  # (2, N_SOC) OCV and resistance factor
    air_density: float
    mass: float
    # The powertrain's tables by kind, looked up once per vehicle: the cache's key hashes
    # the axles' specs field by field, and a call adds a dozen cases of each vehicle.
    tables: dict[str, _Tables] = field(default_factory=dict, compare=False, repr=False)

    def tables_of(self, kind: TableKind) -> _Tables:
        tab = self.tables.get(kind)
        if tab is None:
            tab = self.tables[kind] = _tables(self.spec, kind)
        return tab


def _vehicle(spec: VehicleSpec, soc: float, ambient: Ambient, payload_kg: float) -> _Vehicle:
    mass = spec.mass.kerb_kg.value + payload_kg
    row, tables, _ = vehicle_row(spec, ambient, RunOptions(mass_kg=mass, soc_start=soc))
    bat = np.stack([tables[B_OCV], tables[B_RFACTOR]])
    return _Vehicle(spec, chassis(spec), row, bat, ambient.air_density, mass)


class _Cases:
    """Parameter rows and battery tables of a kernel call, and the tables they index."""

    def __init__(self) -> None:
        self.rows: list[NDArray[np.float64]] = []
        self.batteries: list[NDArray[np.float64]] = []
        self.tables: list[_Tables] = []
        self._index: dict[int, int] = {}

    def table_index(self, tab: _Tables) -> int:
        key = id(tab)
        if key not in self._index:
            self._index[key] = len(self.tables)
            self.tables.append(tab)
        return self._index[key]

    def add(
        self,
        veh: _Vehicle,
        kind: TableKind,
        mu: float,
        trailer: Trailer | None,
        governor: float,
        ramp: float = LAUNCH_TORQUE_RAMP_S,
    ) -> int:
        q = np.zeros(pk.N_Q)
        c = veh.chassis
        r = veh.row
        q[pk.Q_MASS] = veh.mass
        q[pk.Q_RADIUS] = c.radius
        q[pk.Q_ROLL0] = r[P_ROLL0]
        q[pk.Q_ROLL1] = r[P_ROLL1]
        q[pk.Q_AERO] = r[P_AERO]
        if trailer is not None:
            q[pk.Q_MASS_TRAILER] = trailer.mass_kg
            q[pk.Q_TRAILER_ROLL] = (
                trailer.mass_on_wheels_kg * GRAVITY * trailer.rolling_resistance_coefficient
            )
            q[pk.Q_TRAILER_AERO] = (
                0.5 * veh.air_density * trailer.drag_coefficient * trailer.frontal_area_m2
            )
            q[pk.Q_TONGUE] = trailer.tongue_load_fraction
            q[pk.Q_HITCH_HEIGHT] = trailer.hitch_height_m
        q[pk.Q_CG] = c.cg_height
        q[pk.Q_WHEELBASE] = c.wheelbase
        q[pk.Q_FRONT] = c.front_fraction
        q[pk.Q_HITCH_OVERHANG] = c.hitch_overhang
        q[pk.Q_MU] = mu
        q[pk.Q_J_FRONT] = c.inertia_front
        q[pk.Q_J_REAR] = c.inertia_rear
        q[pk.Q_POWER_MAX] = r[P_POWER_DISCHARGE]
        q[pk.Q_AUX] = r[P_AUX]
        q[pk.Q_CAPACITY] = r[P_CAPACITY]
        q[pk.Q_SOC] = r[P_SOC_START]
        q[pk.Q_RESISTANCE] = r[P_RESISTANCE]
        q[pk.Q_VOLTAGE_MIN] = r[P_VOLTAGE_MIN]
        q[pk.Q_RAMP] = ramp
        q[pk.Q_GOVERNOR] = governor
        q[pk.Q_TABLE] = self.table_index(veh.tables_of(kind))
        q[pk.Q_VOLTAGE_NOMINAL] = veh.spec.battery.nominal_voltage_v.value
        self.rows.append(q)
        self.batteries.append(veh.battery)
        return len(self.rows) - 1

    def arrays(
        self,
    ) -> tuple[
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
    ]:
        return (
            np.array(self.rows),
            np.array([t.cap for t in self.tables]),
            np.array([t.power for t in self.tables]),
            np.array([t.axle for t in self.tables]),
            np.array([t.w_top for t in self.tables]),
            np.array(self.batteries),
        )


def _label(code: int) -> Limit:
    return pk.LIMITS[int(code)]  # type: ignore[return-value]


_SPEEDS = np.array([50.0 * MPH, 60.0 * MPH, 70.0 * MPH, 100.0 * KPH])
_DISTANCES = np.array([ROLLOUT_M, ROLLOUT_M + QUARTER_MILE_M])


def _launches(
    vehicles: Sequence[_Vehicle],
    mus: Sequence[float],
    trailers: Sequence[Trailer | None],
    governors: Sequence[float],
    record: bool,
    reference: bool = False,
) -> list[Callable[[], tuple[NDArray[Any], ...]]]:
    """The launch runs as pieces of compiled work: one, or two halves of the runs when a
    spare core may take one (:func:`_acceleration_results` makes their results)."""
    cases = _Cases()
    for veh, mu, tr, gov in zip(vehicles, mus, trailers, governors, strict=True):
        cases.add(veh, "peak", mu, tr, gov)
    params, cap, power, base, w_top, bat = cases.arrays()
    label_speed = np.full(len(vehicles), 100.0 * KPH)
    run = pk.launch_run_reference if reference else pk.launch_run

    def launch(rows: slice) -> tuple[NDArray[Any], ...]:
        return tuple(
            run(
                params[rows],
                cap,
                power,
                base,
                w_top,
                bat[rows],
                _SPEEDS,
                _DISTANCES,
                label_speed[rows],
                TIME_STEP_S,
                RUN_LIMIT_S,
                record,
            )
        )

    n = len(vehicles)
    pieces: list[Callable[[], tuple[NDArray[Any], ...]]] = [partial(launch, slice(0, n))]
    if n >= 2 and spare_core.available():
        # Each run is its own (a row of the arrays): two pieces, one for the spare core.
        h = (n + 1) // 2
        pieces = [partial(launch, slice(0, h)), partial(launch, slice(h, n))]
    return pieces


def _acceleration_results(
    vehicles: Sequence[_Vehicle], record: bool, parts: Sequence[tuple[NDArray[Any], ...]]
) -> list[AccelerationResult]:
    runs = tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))
    t_s, t_d, v_d, shares, peak, soc_end, trace = runs
    out = []
    for b, veh in enumerate(vehicles):
        sh = shares[b]
        total = float(sh.sum())
        frac = sh / total if total > 0 else sh
        pairs = tuple(
            (pk.LIMITS[i], float(frac[i])) for i in range(len(pk.LIMITS) - 1) if frac[i] > 0
        )
        dominant: Limit = _label(int(np.argmax(sh))) if total > 0 else "none"
        if record:
            v = trace[b]
            n = int(np.count_nonzero(~np.isnan(v)))
            tt: NDArray[np.float64] | None = np.arange(n, dtype=np.float64) * TIME_STEP_S
            vv: NDArray[np.float64] | None = np.asarray(v[:n] / KPH, dtype=np.float64)
        else:
            tt = vv = None
        out.append(
            AccelerationResult(
                accel_0_100_kph_s=float(t_s[b, 3]),
                accel_0_60_mph_s=float(t_s[b, 1] - t_d[b, 0]),
                accel_0_60_mph_no_rollout_s=float(t_s[b, 1]),
                accel_50_70_mph_s=float(t_s[b, 2] - t_s[b, 0]),
                quarter_mile_s=float(t_d[b, 1] - t_d[b, 0]),
                quarter_mile_trap_kph=float(v_d[b, 1] / KPH),
                peak_acceleration_g=float(peak[b] / GRAVITY),
                limit_0_100=dominant,
                limit_shares_0_100=pairs,
                test_mass_kg=veh.mass,
                soc_end=float(soc_end[b]),
                trace_time_s=tt,
                trace_speed_kph=vv,
            )
        )
    return out


def _grades(
    vehicles: Sequence[_Vehicle],
    mus: Sequence[float],
    trailers: Sequence[Trailer | None],
    hold_speed: float,
    reference: bool = False,
) -> list[tuple[float, Limit, float, Limit]]:
    """(start grade, its limit, hold grade, its limit) per case; grades as fractions."""
    start = _Cases()
    hold = _Cases()
    for veh, mu, tr in zip(vehicles, mus, trailers, strict=True):
        start.add(veh, "peak", mu, tr, math.inf, ramp=0.0)
        hold.add(veh, "continuous", mu, tr, math.inf, ramp=0.0)
    n = len(vehicles)
    steepest = pk.steepest_grade_reference if reference else pk.steepest_grade
    g0, l0 = steepest(*start.arrays(), np.zeros(n))
    g1, l1 = steepest(*hold.arrays(), np.full(n, hold_speed))
    return [(float(g0[i]), _label(l0[i]), float(g1[i]), _label(l1[i])) for i in range(n)]


def _top_speeds(
    vehicles: Sequence[_Vehicle], governors: Sequence[float | None], reference: bool = False
) -> list[TopSpeedResult]:
    unl = _Cases()
    cont = _Cases()
    for veh in vehicles:
        unl.add(veh, "unlimited", SURFACES["dry_asphalt"].value, None, math.inf, ramp=0.0)
        cont.add(veh, "continuous", SURFACES["dry_asphalt"].value, None, math.inf, ramp=0.0)
    pu = unl.arrays()
    pc = cont.arrays()
    radius = np.array([v.chassis.radius for v in vehicles])
    find = pk.top_speed_reference if reference else pk.top_speed
    v_u, l_u, capped_u = find(*pu, pu[4][pu[0][:, pk.Q_TABLE].astype(int)] * radius)
    v_c, l_c, _ = find(*pc, pc[4][pc[0][:, pk.Q_TABLE].astype(int)] * radius)
    out = []
    for i, veh in enumerate(vehicles):
        gearing = _wheel_speed_limit(veh.spec) * veh.chassis.radius
        road = float(v_u[i]) if not capped_u[i] else math.inf
        if gearing <= road:
            top, limit = gearing, "gearing"
        else:
            top, limit = road, _label(l_u[i])
        sustained = min(float(v_c[i]), gearing)
        s_limit: Limit = "gearing" if sustained >= gearing * (1.0 - 1e-3) else _label(l_c[i])
        out.append(
            TopSpeedResult(
                top_speed_kph=top / KPH,
                limit=limit,  # type: ignore[arg-type]
                gearing_limit_kph=gearing / KPH,
                road_load_limit_kph=road / KPH,
                sustained_top_speed_kph=sustained / KPH,
                sustained_limit=s_limit,
                governor_kph=governors[i],
            )
        )
    return out


def _check_inputs(
    soc: float,
    temperature_c: float,
    payload_kg: float,
    hold_speed_kph: float,
    trailer: Trailer | None,
) -> None:
    checks = {
        "soc": (soc, 0.0, 1.0),
        "temperature_c": (temperature_c, -40.0, 60.0),
        "payload_kg": (payload_kg, 0.0, 2000.0),
        "hold_speed_kph": (hold_speed_kph, 1.0, 300.0),
    }
    for name, (value, lo, hi) in checks.items():
        if not (isinstance(value, int | float) and math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"{name} must be a number from {lo:g} to {hi:g}, got {value!r}")
    if trailer is not None and not isinstance(trailer, Trailer):
        raise TypeError(f"trailer must be a Trailer, got {type(trailer).__name__}")


def performance_batch(
    specs: Sequence[VehicleSpec],
    *,
    soc: float = 0.9,
    temperature_c: float = 20.0,
    trailer: Trailer | None = None,
    surface: str = "dry_asphalt",
    payload_kg: float = DRIVER_MASS_KG,
    hold_speed_kph: float = 50.0,
    top_speed_limit_kph: Sequence[float | None] | float | None = None,
    record: bool = False,
    reference: bool = False,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[PerformanceResult, ...]:
    """:func:`performance` for many vehicles, each procedure one compiled call for all
    (``meanwhile`` as there)."""
    _check_inputs(soc, temperature_c, payload_kg, hold_speed_kph, trailer)
    mu = friction_coefficient(surface).value
    if not specs:
        raise ValueError("no vehicles given")
    if top_speed_limit_kph is None or isinstance(top_speed_limit_kph, int | float):
        governors: list[float | None] = [top_speed_limit_kph] * len(specs)
    else:
        governors = list(top_speed_limit_kph)
        if len(governors) != len(specs):
            raise ValueError(
                f"top_speed_limit_kph has {len(governors)} values for {len(specs)} vehicles"
            )
    for g in governors:
        if g is not None and not (math.isfinite(g) and 20.0 <= g <= 500.0):
            raise ValueError(f"top_speed_limit_kph must be from 20 to 500, got {g!r}")
    gov_si = [g * KPH if g is not None else math.inf for g in governors]
    ambient = Ambient(temperature_c=temperature_c)
    vehicles = [_vehicle(s, soc, ambient, payload_kg) for s in specs]
    n = len(vehicles)

    runs_v = list(vehicles)
    runs_mu = [mu] * n
    runs_tr: list[Trailer | None] = [None] * n
    runs_gov = list(gov_si)
    if trailer is not None:
        runs_v += vehicles
        runs_mu += [mu] * n
        runs_tr += [trailer] * n
        runs_gov += gov_si
    launches = _launches(runs_v, runs_mu, runs_tr, runs_gov, record, reference)

    names = list(SURFACES)
    g_v = [v for v in vehicles for _ in names]
    g_mu = [SURFACES[s].value for _ in vehicles for s in names]
    g_tr: list[Trailer | None] = [None] * len(g_v)
    if trailer is not None:
        g_v += vehicles
        g_mu += [mu] * n
        g_tr += [trailer] * n
    hold = hold_speed_kph * KPH
    # Every procedure's compiled work in one hand-out, the launch runs (the longest) first:
    # with a spare core, the grades and top speeds go beside the drives `meanwhile` too.
    tasks: list[Callable[[], Any]] = [
        *launches,
        partial(_grades, g_v, g_mu, g_tr, hold, reference),
        partial(_top_speeds, vehicles, governors, reference),
    ]
    if meanwhile is None:
        parts = spare_core.share(tasks)
    else:
        _, parts = spare_core.beside(meanwhile, tasks)
    runs = _acceleration_results(runs_v, record, parts[: len(launches)])
    grade_rows, tops = parts[-2], parts[-1]

    results = []
    for i, veh in enumerate(vehicles):
        grades = tuple(
            GradeResult(
                surface=s,
                friction_coefficient=SURFACES[s].value,
                start_grade_pct=100.0 * grade_rows[i * len(names) + j][0],
                start_limit=grade_rows[i * len(names) + j][1],
                hold_grade_pct=100.0 * grade_rows[i * len(names) + j][2],
                hold_limit=grade_rows[i * len(names) + j][3],
                hold_speed_kph=hold_speed_kph,
            )
            for j, s in enumerate(names)
        )
        towing = None
        if trailer is not None:
            gr = grade_rows[n * len(names) + i]
            speeds = np.array(TOWING_SPEEDS_KPH) * KPH
            crr = veh.row[P_ROLL0] / (veh.mass * GRAVITY)
            extra = towing_extra_road_load(trailer, speeds, veh.air_density, crr)
            towing = TowingResult(
                trailer=trailer,
                acceleration=runs[n + i],
                grade=GradeResult(
                    surface, mu, 100.0 * gr[0], gr[1], 100.0 * gr[2], gr[3], hold_speed_kph
                ),
                road_load_speeds_kph=TOWING_SPEEDS_KPH,
                extra_road_load_n=tuple(float(x) for x in extra),
                extra_road_load_kw=tuple(float(x) for x in extra * speeds / 1e3),
            )
        results.append(
            PerformanceResult(
                vehicle=veh.spec.id,
                surface=surface,
                friction_coefficient=mu,
                soc=soc,
                temperature_c=temperature_c,
                acceleration=runs[i],
                top_speed=tops[i],
                grades=grades,
                towing=towing,
                chassis=veh.chassis,
            )
        )
    return tuple(results)


def performance(
    spec: VehicleSpec,
    soc: float = 0.9,
    temperature_c: float = 20.0,
    trailer: Trailer | None = None,
    surface: str = "dry_asphalt",
    *,
    payload_kg: float = DRIVER_MASS_KG,
    hold_speed_kph: float = 50.0,
    top_speed_limit_kph: float | None = None,
    record: bool = False,
    reference: bool = False,
    meanwhile: Callable[[], object] | None = None,
) -> PerformanceResult:
    """Acceleration, top speed, grades and towing of a vehicle, from its spec alone.

    Parameters
    ----------
    spec : VehicleSpec
    soc : float, default 0.9
        State of charge at the start (fraction of gross capacity).
    temperature_c : float, default 20
        Air and battery temperature [C]; a cold pack's resistance limits its power.
    trailer : Trailer, optional
        Adds a :class:`TowingResult` (the main results stay those of the car alone).
    surface : str, default ``"dry_asphalt"``
        Surface of the acceleration run and of the towing results (a key of
        ``evtwin.physics.traction.SURFACES``); grades are given on every surface.
    payload_kg : float, default 75
        Added to the kerb mass (the driver).
    hold_speed_kph : float, default 50
        Speed at which the steepest sustainable grade is found.
    top_speed_limit_kph : float, optional
        The maker's speed governor, a control input: it caps the run's speed and
        gives ``top_speed.governed_top_speed_kph``; the physical top speed is unchanged.
    record : bool, default False
        Keep the run's speed trace.
    reference : bool, default False
        Find every acceleration, grade and top speed by the full bisections that define
        them, rather than by the fast solver that gives the same numbers from far fewer
        evaluations (``sim._perf_kernel``; the tests hold the two together).
    meanwhile : callable, optional
        Work of the caller's own, run in this thread while the spare core drives the
        launch runs, grades and top speeds (:func:`.spare_core.beside`): Python work
        that does not need them (the set-up of drives until empty) overlaps them. Its
        return value is dropped (the caller keeps what it needs); every figure is the
        one it has without.
    """
    return performance_batch(
        [spec],
        soc=soc,
        temperature_c=temperature_c,
        trailer=trailer,
        surface=surface,
        payload_kg=payload_kg,
        hold_speed_kph=hold_speed_kph,
        top_speed_limit_kph=top_speed_limit_kph,
        record=record,
        reference=reference,
        meanwhile=meanwhile,
    )[0]


__all__ = [
    "DRIVER_MASS_KG",
    "LAUNCH_TORQUE_RAMP_S",
    "ROLLOUT_M",
    "AccelerationResult",
    "GradeResult",
    "PerformanceResult",
    "TopSpeedResult",
    "TowingResult",
    "Trailer",
    "performance",
    "performance_batch",
]
