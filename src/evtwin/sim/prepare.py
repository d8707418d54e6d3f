"""From a vehicle spec to the packed SI arrays the compiled kernel runs on.

Everything that does not change along a trace is worked out here, once: the road
load coefficients at the run's air density, the equivalent mass, the battery's
tables at its temperature, and the powertrain's least-loss split map (cached per
powertrain, since studies vary the body far more often than the motors).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from ..control.regen import RegenPolicy, default_regen_policy
from ..control.torque_split import SplitMap, build_split_map
from ..physics.battery import (
    OCV_SHAPE,
    OCV_SOC,
    RESISTANCE_SOC,
    RESISTANCE_SOC_FACTOR,
    open_circuit_voltage,
    resistance_arrhenius,
)
from ..physics.drive_unit import DriveUnit, LossTable
from ..physics.hvac import TYRE_REFERENCE_C, tyre_rolling_factor
from ..physics.motor import DEFAULT_LOSS_FRACTIONS, LossFractions, loss_coefficients, motor_loss
from ..physics.road_load import mass_equivalent
from ..specs.battery import Battery
from ..specs.motor import Axle
from ..specs.road_load import CoastDownKph, CoastDownMph
from ..specs.vehicle import VehicleSpec
from ..units import GRAVITY, KPH, RPM, ZERO_CELSIUS, coastdown_si_from_kph, coastdown_si_from_lbf
from ._layout import (
    B_OCV,
    B_RFACTOR,
    L_TORQUE_MAX,
    L_TORQUE_MIN,
    N_PARAM,
    N_SOC,
    P_AERO,
    P_AUX,
    P_AUX_PROFILE,
    P_BATTERY,
    P_CAPACITY,
    P_FADE_HIGH,
    P_FADE_LOW,
    P_LOSS_FACTOR,
    P_MAP,
    P_MASS,
    P_MASS_EQ,
    P_POWER_CHARGE,
    P_POWER_DISCHARGE,
    P_POWERTRAIN_SCALE,
    P_RADIUS,
    P_REGEN_DECEL,
    P_RESISTANCE,
    P_ROLL0,
    P_ROLL1,
    P_SOC_CEILING,
    P_SOC_FLOOR,
    P_SOC_START,
    P_VOLTAGE_MAX,
    P_VOLTAGE_MIN,
    P_WIND,
)
from .cabin import ClimateControl
from .conditions import Ambient

#: Rotor inertia per unit of peak torque when a spec gives none [kg m^2 / (N m)].
#: Estimate: 0.02-0.05 kg m^2 for the 250-450 N m rotors of current EV drive units.
ROTOR_INERTIA_PER_TORQUE = 1.0e-4
#: Terminal voltage limits relative to the open-circuit voltage at empty and full
#: (estimates: 2.8 V against about 3.0 V per NMC cell at 0 %, 4.25 V against 4.18 V at 100 %).
VOLTAGE_MIN_FACTOR = 0.93
VOLTAGE_MAX_FACTOR = 1.02
#: Density of the reference air of coast-down coefficients [kg/m^3]: 20 C at
#: 100 kPa (UN GTR 15) and 98.21 kPa (SAE J2263); the conversion uses the one the
#: coefficients' units imply (km/h: GTR 15, mph: EPA).
RHO_REF_KPH = 100_000.0 / (287.05287 * 293.15)
RHO_REF_MPH = 98_210.0 / (287.05287 * 293.15)
#: Air temperature of both road-load references [C].
ROAD_LOAD_REFERENCE_C = 20.0
#: Speeds at which a coast-down is fitted, for removing the powertrain's no-load drag.
_COAST_SPEEDS = np.linspace(15.0, 130.0, 24) * KPH


def drive_unit(axle: Axle) -> DriveUnit:
    """The SI drive-unit model of an axle from its spec."""
    m = axle.motor
    peak_power = m.peak_power_kw.value * 1e3
    peak_torque = m.peak_torque_nm.value
    max_speed = m.max_speed_rpm.value * RPM
    if m.loss_model is not None:
        lm = m.loss_model
        fr = LossFractions(
            lm.copper_at_peak_torque,
            lm.iron_at_max_speed,
            lm.mechanical_at_max_speed,
            lm.field_weakening_at_max_speed,
            lm.inverter_switching_at_peak_torque,
            lm.inverter_conduction_at_peak_torque,
            lm.inverter_standby,
            DEFAULT_LOSS_FRACTIONS[m.type].iron_share_at_zero_torque,
        )
    else:
        fr = DEFAULT_LOSS_FRACTIONS[m.type]
    table = None
    if m.efficiency_map is not None:
        em = m.efficiency_map
        speed = np.asarray(em.x) * RPM
        torque = np.asarray(em.y)
        eta = np.asarray(em.z)
        p_mech = speed[:, None] * torque[None, :]
        loss = p_mech * (1.0 / eta - 1.0)
        # Below the map's first torque row the loss is held, not run to zero.
        if torque[0] == 0.0 and torque.size > 1:
            loss[:, 0] = loss[:, 1]
        table = LossTable(speed, torque, loss)
    return DriveUnit(
        ratio=axle.ratio.value,
        gear_efficiency=axle.gear_efficiency.value,
        drag_torque=axle.drag_torque_nm.value,
        disconnect=axle.disconnect,
        peak_torque=peak_torque,
        peak_power=peak_power,
        max_speed=max_speed,
        losses=loss_coefficients(peak_power, peak_torque, max_speed, fr),
        table=table,
    )


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """A bounded map that forgets its least recently used entry first, safe to share
    between threads.

    The web app runs simulations in a thread pool. An ``OrderedDict`` with a get, then
    a ``move_to_end`` lets another thread evict the key in between (a ``KeyError``),
    and hashing a spec model runs Python code in the middle of a dictionary operation;
    here every lookup and every insertion with its eviction holds one lock. Callers
    work a missing value out between :meth:`get` and :meth:`put`, outside the lock: two
    threads that miss at once may both work it out (the same value, as every cache
    here holds deterministic results), and neither waits on the other's simulation.
    """

    def __init__(self, size: int) -> None:
        self._data: OrderedDict[K, V] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value of ``key`` (now the most recently used), or None."""
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
            return hit

    def put(self, key: K, value: V) -> V:
        """Remember ``value`` under ``key``, forgetting the oldest entries beyond the size;
        returns ``value``."""
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


class IdentityCache(LruCache[tuple[tuple[int, ...], Hashable], tuple[tuple[object, ...], V]]):
    """Values by the identity of some objects (and a hashable key beside them).

    For objects whose hashing costs more than the work saved (pydantic models hash
    field by field) or that do not hash (arrays, split maps): an entry holds its
    objects, so their ids cannot be another's while it lives, and a lookup checks that
    they are the very objects asked about. Equal objects that are not the same object
    miss; keep a content-keyed cache behind this one where that matters.
    """

    def get_for(self, objs: tuple[object, ...], key: Hashable = None) -> V | None:
        """The value kept for these objects and ``key``, or None."""
        hit = self.get((tuple(map(id, objs)), key))
        if hit is not None and all(a is b for a, b in zip(hit[0], objs, strict=True)):
            return hit[1]
        return None

    def put_for(self, objs: tuple[object, ...], key: Hashable, value: V) -> V:
        """Keep ``value`` for these objects and ``key`` (holding the objects); returns it."""
        self.put((tuple(map(id, objs)), key), (objs, value))
        return value


def _wheel_speed_max(units: Sequence[DriveUnit]) -> float:
    return min(u.max_speed / u.ratio for u in units)


_SPLIT_CACHE_SIZE = 256
_SPLIT_CACHE: LruCache[tuple[Axle | None, Axle | None], SplitMap] = LruCache(_SPLIT_CACHE_SIZE)


def split_map_for(spec: VehicleSpec) -> SplitMap:
    """The powertrain's least-loss split map, built once per distinct powertrain.

    The key is the axles' spec (not the body, tyres or battery, which the map does
    not depend on), so a study that varies mass or drag reuses one map.
    """
    # Frozen spec models hash and compare by content.
    key = (spec.front_axle, spec.rear_axle)
    hit = _SPLIT_CACHE.get(key)
    if hit is not None:
        return hit
    front = drive_unit(spec.front_axle) if spec.front_axle else None
    rear = drive_unit(spec.rear_axle) if spec.rear_axle else None
    units = [u for u in (front, rear) if u is not None]
    return _SPLIT_CACHE.put(key, build_split_map(front, rear, _wheel_speed_max(units)))


def rotor_inertia_at_wheels(spec: VehicleSpec) -> float:
    """Sum over axles of rotor inertia times ratio squared [kg m^2]."""
    total = 0.0
    for _, axle in spec.axles:
        m = axle.motor
        j = (
            m.rotor_inertia_kgm2.value
            if m.rotor_inertia_kgm2 is not None
            else ROTOR_INERTIA_PER_TORQUE * m.peak_torque_nm.value
        )
        total += j * axle.ratio.value**2
    return total


def battery_tables(battery: Battery, temperature: float) -> tuple[NDArray[np.float64], float]:
    """OCV [V] and resistance factor [-] on the uniform SOC grid, and R at mid SOC [ohm].

    Worked out once per battery object and temperature (the tables are read-only): a
    configurator prepares the same car in the same weather for every new load.

    Parameters
    ----------
    battery : Battery
    temperature : float
        Cell temperature [K].
    """
    hit = _BATTERY_TABLES.get_for((battery,), float(temperature))
    if hit is not None:
        return hit
    out, r_mid = _battery_tables(battery, temperature)
    out.setflags(write=False)
    return _BATTERY_TABLES.put_for((battery,), float(temperature), (out, r_mid))


_BATTERY_TABLES: IdentityCache[tuple[NDArray[np.float64], float]] = IdentityCache(256)


def _battery_tables(battery: Battery, temperature: float) -> tuple[NDArray[np.float64], float]:
    soc = np.linspace(0.0, 1.0, N_SOC)
    out = np.empty((2, N_SOC))
    if battery.ocv is not None:
        out[B_OCV] = open_circuit_voltage(soc, battery.ocv.soc, battery.ocv.voltage_v)
    else:
        shape = OCV_SHAPE[battery.chemistry]
        out[B_OCV] = battery.nominal_voltage_v.value * open_circuit_voltage(soc, OCV_SOC, shape)
    if battery.resistance_table is not None:
        rt = battery.resistance_table
        tc = temperature - ZERO_CELSIUS
        z = np.asarray(rt.z)
        # Interpolate along temperature for each SOC column, then along SOC.
        col = np.array([np.interp(tc, rt.x, z[:, j]) for j in range(len(rt.y))])
        r_soc = np.interp(soc, rt.y, col) * 1e-3
        r_mid = float(np.interp(0.5, rt.y, col)) * 1e-3
        out[B_RFACTOR] = r_soc / r_mid
    else:
        r_mid = float(resistance_arrhenius(battery.resistance_mohm.value * 1e-3, temperature))
        out[B_RFACTOR] = np.interp(soc, RESISTANCE_SOC, RESISTANCE_SOC_FACTOR)
    return out, r_mid


def no_load_drag_fit(units: Sequence[DriveUnit], radius: float) -> NDArray[np.float64]:
    """A + B v + C v^2 [SI] fitted to the powertrain's no-load drag at the wheels.

    A coast-down measures the whole car rolling freely, so it already holds the
    drag of the gears and of the motors spinning at no torque. The kernel adds those
    through the loss maps, so this part is taken out of the coast-down to count it once.
    """
    v = _COAST_SPEEDS
    w = v / radius
    f = np.zeros_like(v)
    for u in units:
        f += u.drag_torque / radius
        if not u.disconnect:
            f += motor_loss(0.0, w * u.ratio, u.losses) / v
    coeffs = np.polynomial.polynomial.polyfit(v, f, 2)
    return np.asarray(coeffs)


#: Mass of a driver [kg]: the 75 kg of EU type approval (Regulation (EU) 1230/2012,
#: Art. 2(4)), and the usual basis of makers' acceleration figures.
DRIVER_MASS_KG = 75.0


@dataclass(frozen=True)
class RunOptions:
    """Per-vehicle choices of a run that are not part of the vehicle's spec.

    Parameters
    ----------
    mass_kg
        Total mass on the road; by default kerb mass plus ``payload_kg``.
    payload_kg
        Occupants and load added to the kerb mass [kg].
    soc_start
        State of charge at the start (fraction of gross); default the top of the window.
    regen
        Regeneration policy; default by driven axles.
    use_coastdown
        Use the spec's measured road load when it has one.
    aux_w
        Auxiliary load [W]; default the spec's base load.
    climate
        Climate control (heating, cooling, set point); ``None`` for off. It makes the
        auxiliary load vary along the run (see :mod:`evtwin.sim.cabin`).
    road_load_at_reference
        Apply the coast-down road load as given, without correcting its aerodynamic
        term to the run's air density: what a chassis dynamometer does, whatever the
        test cell's temperature. The tyres still feel the cell's temperature.
    """

    mass_kg: float | None = None
    payload_kg: float = 0.0
    soc_start: float | None = None
    regen: RegenPolicy | None = None
    use_coastdown: bool = True
    aux_w: float | None = None
    climate: ClimateControl | None = None
    road_load_at_reference: bool = False


#: Run options as a vehicle's spec implies them (kerb mass, full battery, defaults).
DEFAULT_OPTIONS = RunOptions()


@dataclass(frozen=True, eq=False)
class _Drivetrain:
    """What a parameter row takes from the spec's powertrain, whatever the load and
    weather: the split map, the no-load drag fit and the rotors' inertia at the wheels."""

    smap: SplitMap
    drag: NDArray[np.float64]  # A + B v + C v^2 [SI] of the no-load drag at the wheels
    rotor_inertia: float  # [kg m^2]


_DRIVETRAINS_SIZE = 256
_DRIVETRAINS: LruCache[str, _Drivetrain] = LruCache(_DRIVETRAINS_SIZE)


def _drivetrain(spec: VehicleSpec) -> _Drivetrain:
    """The spec's :class:`_Drivetrain`, worked out once per spec (cached by content): a
    configurator changes the load far more often than the car."""
    key = spec.content_hash
    hit = _DRIVETRAINS.get(key)
    if hit is not None:
        return hit
    units = [drive_unit(a) for _, a in spec.axles]
    drag = no_load_drag_fit(units, spec.tyres.radius_m)
    drag.setflags(write=False)
    return _DRIVETRAINS.put(
        key, _Drivetrain(split_map_for(spec), drag, rotor_inertia_at_wheels(spec))
    )


@dataclass(frozen=True, eq=False)
class _RowTemplate:
    """A parameter row with every column that does not depend on the mass, and what the
    mass-dependent ones are worked out from (see :func:`vehicle_row`)."""

    row: NDArray[np.float64]  # read-only; P_MASS, P_MASS_EQ, P_ROLL0 (and P_ROLL1) unset
    tables: NDArray[np.float64]
    train: _Drivetrain
    coastdown_a: float | None  # the coast-down's A term [N], None on tyres and drag area
    coastdown_test_mass: float | None  # [kg]: A scales with mass / test mass
    k_tyre: float  # the tyres' rolling factor at the run's temperature
    crr: float  # rolling resistance coefficient at the run's temperature (no coast-down)
    crr_rise: float  # its rise per 100 km/h [-]


_TEMPLATES_SIZE = 256
_TEMPLATES: LruCache[tuple[object, ...], _RowTemplate] = LruCache(_TEMPLATES_SIZE)


def vehicle_row(
    spec: VehicleSpec, ambient: Ambient, options: RunOptions = DEFAULT_OPTIONS
) -> tuple[NDArray[np.float64], NDArray[np.float64], SplitMap]:
    """The kernel's parameter row, battery tables and split map for one vehicle.

    What does not depend on the mass is worked out once per spec, weather and options
    (a configurator asks for the same car in the same weather with every new load);
    the mass, its rotating equivalent and the rolling resistance are set here.
    """
    tpl = _template(spec, ambient, options)
    mass = (
        options.mass_kg
        if options.mass_kg is not None
        else (spec.mass.kerb_kg.value + options.payload_kg)
    )
    if not mass > 0:
        raise ValueError(f"mass must be positive, got {mass}")
    row = tpl.row.copy()
    row[P_MASS] = mass
    row[P_MASS_EQ] = float(
        mass_equivalent(
            mass, spec.tyres.wheel_inertia_kgm2.value, row[P_RADIUS], tpl.train.rotor_inertia
        )
    )
    if tpl.coastdown_a is not None:
        a = tpl.coastdown_a
        if tpl.coastdown_test_mass is not None:
            a *= mass / tpl.coastdown_test_mass
        row[P_ROLL0] = (a - tpl.train.drag[0]) * tpl.k_tyre
    else:
        row[P_ROLL0] = mass * GRAVITY * tpl.crr
        row[P_ROLL1] = mass * GRAVITY * tpl.crr * tpl.crr_rise / (100.0 * KPH)
    return row, tpl.tables, tpl.train.smap


def _template(spec: VehicleSpec, ambient: Ambient, options: RunOptions) -> _RowTemplate:
    """The spec's row without its mass in this weather with these options (cached)."""
    key = (
        spec.content_hash,
        ambient,
        options.soc_start,
        options.regen,
        options.use_coastdown,
        options.aux_w,
        options.road_load_at_reference,
    )
    hit = _TEMPLATES.get(key)
    if hit is not None:
        return hit
    row = np.zeros(N_PARAM)
    train = _drivetrain(spec)
    radius = spec.tyres.radius_m
    row[P_RADIUS] = radius
    rho = ambient.air_density
    # Tyres roll harder in the cold (ISO 28580): relative to 20 C for a coast-down
    # (the reference of SAE J2263 and GTR 15) and to ISO 28580's 25 C for a tyre's Crr.
    tyre_t = float(tyre_rolling_factor(ambient.temperature_c))
    cd = spec.coastdown
    coastdown_a = test_mass = None
    k_tyre = crr = rise_value = 0.0
    if options.use_coastdown and cd is not None:
        if isinstance(cd, CoastDownMph):
            a, b, c = coastdown_si_from_lbf(
                cd.target_a_lbf, cd.target_b_lbf_per_mph, cd.target_c_lbf_per_mph2
            )
            rho_ref = RHO_REF_MPH
        else:
            assert isinstance(cd, CoastDownKph)
            a, b, c = coastdown_si_from_kph(cd.f0_n, cd.f1_n_per_kph, cd.f2_n_per_kph2)
            rho_ref = RHO_REF_KPH
        coastdown_a = a
        test_mass = cd.test_mass_kg.value if cd.test_mass_kg is not None else None
        drag = train.drag
        k_tyre = tyre_t / float(tyre_rolling_factor(ROAD_LOAD_REFERENCE_C))
        row[P_ROLL1] = (b - drag[1]) * k_tyre
        k_air = 1.0 if options.road_load_at_reference else rho / rho_ref
        row[P_AERO] = (c - drag[2]) * k_air
    else:
        crr = spec.tyres.rolling_resistance_coefficient.value
        rise = spec.tyres.rolling_resistance_rise_per_100kph
        crr *= tyre_t / float(tyre_rolling_factor(TYRE_REFERENCE_C))
        rise_value = rise.value if rise else 0.0
        row[P_AERO] = 0.5 * rho * spec.body.drag_area_m2
    row[P_WIND] = ambient.wind_mps
    row[P_POWERTRAIN_SCALE] = 1.0
    row[P_LOSS_FACTOR] = 1.0
    row[P_AUX_PROFILE] = -1.0
    row[P_AUX] = options.aux_w if options.aux_w is not None else spec.auxiliary.base_load_w.value

    bat = spec.battery
    tables, r_mid = battery_tables(bat, ambient.battery_temperature)
    floor, ceiling = bat.soc_window
    row[P_CAPACITY] = bat.gross_energy_kwh.value * 3.6e6
    soc0 = options.soc_start if options.soc_start is not None else ceiling
    if not 0.0 <= soc0 <= 1.0:
        raise ValueError(f"soc_start must be within 0 and 1, got {soc0}")
    row[P_SOC_START] = soc0
    row[P_SOC_FLOOR] = floor
    row[P_SOC_CEILING] = ceiling
    row[P_RESISTANCE] = r_mid
    row[P_POWER_DISCHARGE] = bat.max_discharge_power_kw.value * 1e3
    row[P_POWER_CHARGE] = bat.max_charge_power_kw.value * 1e3
    row[P_VOLTAGE_MIN] = VOLTAGE_MIN_FACTOR * tables[B_OCV, 0]
    row[P_VOLTAGE_MAX] = VOLTAGE_MAX_FACTOR * tables[B_OCV, -1]
    regen = options.regen or default_regen_policy(spec.drive)
    row[P_REGEN_DECEL] = regen.max_decel
    row[P_FADE_HIGH] = regen.fade_speed_high
    row[P_FADE_LOW] = regen.fade_speed_low
    row.setflags(write=False)
    tpl = _RowTemplate(row, tables, train, coastdown_a, test_mass, k_tyre, crr, rise_value)
    return _TEMPLATES.put(key, tpl)


@dataclass(frozen=True, eq=False)
class VehicleBatch:
    """Vehicles packed for the kernel: one parameter row each, shared tables and maps.

    Build it with :func:`prepare_batch`; :meth:`with_params` varies columns of the
    rows without rebuilding maps, which is how studies sweep mass, drag or battery.
    """

    names: tuple[str, ...]
    params: NDArray[np.float64]  # (n, N_PARAM)
    battery: NDArray[np.float64]  # (n_bat, 2, N_SOC)
    maps: NDArray[np.float64]  # (n_map, N_MAP, n_w, n_t): losses and front torque
    limits: NDArray[np.float64]  # (n_map, 2, n_w)
    grid: NDArray[np.float64]  # (n_map, 2): speed_max, torque_cap
    split_maps: tuple[SplitMap, ...] = field(repr=False)

    def __post_init__(self) -> None:
        for a in (self.params, self.battery, self.maps, self.limits, self.grid):
            a.setflags(write=False)

    def __len__(self) -> int:
        return int(self.params.shape[0])

    def repeated(self, n: int) -> VehicleBatch:
        """The batch's rows ``n`` times over, sharing its tables (variants of one car are
        then set column by column with :meth:`with_params`)."""
        return VehicleBatch(
            self.names * n,
            np.repeat(self.params, n, axis=0),
            self.battery,
            self.maps,
            self.limits,
            self.grid,
            self.split_maps,
        )

    def with_params(self, **columns: NDArray[np.float64] | float) -> VehicleBatch:
        """A copy with some parameter columns replaced (names from ``_layout``, e.g. ``P_MASS``)."""
        from . import _layout

        params = np.array(self.params)
        for name, value in columns.items():
            params[:, getattr(_layout, name)] = value
        return VehicleBatch(
            self.names, params, self.battery, self.maps, self.limits, self.grid, self.split_maps
        )


def prepare_batch(
    specs: Sequence[VehicleSpec],
    ambient: Ambient,
    options: RunOptions | Sequence[RunOptions] = DEFAULT_OPTIONS,
) -> VehicleBatch:
    """Pack vehicles for the kernel, sharing identical split maps and battery tables."""
    opts = [options] * len(specs) if isinstance(options, RunOptions) else list(options)
    if len(opts) != len(specs):
        raise ValueError(f"got {len(opts)} run options for {len(specs)} vehicles")
    if not specs:
        raise ValueError("no vehicles to prepare")
    rows = []
    maps: list[SplitMap] = []
    bats: list[NDArray[np.float64]] = []
    # Index by identity and by content: a study's thousands of cars share few tables,
    # and a linear search of them would grow with the square of the batch.
    map_index: dict[int, int] = {}
    bat_index: dict[tuple[tuple[int, ...], bytes], int] = {}
    for spec, opt in zip(specs, opts, strict=True):
        row, tables, smap = vehicle_row(spec, ambient, opt)
        if id(smap) not in map_index:
            map_index[id(smap)] = len(maps)
            maps.append(smap)
        row[P_MAP] = map_index[id(smap)]
        key = (tables.shape, np.ascontiguousarray(tables).tobytes())
        if key not in bat_index:
            bat_index[key] = len(bats)
            bats.append(tables)
        row[P_BATTERY] = bat_index[key]
        rows.append(row)
    if len(maps) == 1:
        packed, limits, grid = _packed(maps[0])
    else:
        packed = np.array([np.concatenate([m.losses, m.torque_front[None]]) for m in maps])
        limits = np.array([np.stack([m.torque_max, m.torque_min]) for m in maps])
        grid = np.array([[m.speed_max, m.torque_cap] for m in maps])
    return VehicleBatch(
        names=tuple(s.id for s in specs),
        params=np.array(rows),
        battery=np.array(bats),
        maps=packed,
        limits=limits,
        grid=grid,
        split_maps=tuple(maps),
    )


_PACKED_SIZE = 64
_PACKED: IdentityCache[tuple[NDArray[np.float64], ...]] = IdentityCache(_PACKED_SIZE)


def _packed(smap: SplitMap) -> tuple[NDArray[np.float64], ...]:
    """One split map as a batch of one packs it (maps, limits, grid), packed once: the
    maps are a quarter of a megabyte, copied twice over for every batch otherwise."""
    hit = _PACKED.get_for((smap,))
    if hit is not None:
        return hit
    out = (
        np.concatenate([smap.losses, smap.torque_front[None]])[None],
        np.stack([smap.torque_max, smap.torque_min])[None],
        np.array([[smap.speed_max, smap.torque_cap]]),
    )
    for a in out:
        a.setflags(write=False)
    return _PACKED.put_for((smap,), None, out)


def concat_batches(batches: Sequence[VehicleBatch]) -> VehicleBatch:
    """The rows of several prepared batches as one, in order.

    Batches prepared apart (in different weather, say) then run in one kernel call.
    A split map the batches share (the same object, as :func:`split_map_for` caches
    them) is packed once; battery tables are kept per batch.
    """
    if not batches:
        raise ValueError("no batches to join")
    if len(batches) == 1:
        return batches[0]
    index: dict[int, int] = {}
    owners: list[tuple[VehicleBatch, int]] = []  # where each joined map is packed
    params = []
    n_bat = 0
    for b in batches:
        local = []
        for i, smap in enumerate(b.split_maps):
            if id(smap) not in index:
                index[id(smap)] = len(owners)
                owners.append((b, i))
            local.append(index[id(smap)])
        p = np.array(b.params)
        p[:, P_MAP] = np.asarray(local, dtype=float)[p[:, P_MAP].astype(np.int64)]
        p[:, P_BATTERY] += n_bat
        n_bat += b.battery.shape[0]
        params.append(p)
    if len(owners) == 1:
        first = batches[0]
        maps, limits, grid = first.maps, first.limits, first.grid
    else:
        maps = np.stack([b.maps[i] for b, i in owners])
        limits = np.stack([b.limits[i] for b, i in owners])
        grid = np.stack([b.grid[i] for b, i in owners])
    return VehicleBatch(
        names=tuple(n for b in batches for n in b.names),
        params=np.concatenate(params),
        battery=np.concatenate([b.battery for b in batches]),
        maps=maps,
        limits=limits,
        grid=grid,
        split_maps=tuple(b.split_maps[i] for b, i in owners),
    )


__all__ = [
    "DRIVER_MASS_KG",
    "L_TORQUE_MAX",
    "L_TORQUE_MIN",
    "IdentityCache",
    "LruCache",
    "RunOptions",
    "VehicleBatch",
    "battery_tables",
    "concat_batches",
    "drive_unit",
    "prepare_batch",
    "split_map_for",
    "vehicle_row",
]
