"""Real-world range: driving until the battery is spent, in given weather.

A range here is simulated, not extrapolated: the run repeats its trace (a city
cycle, a steady motorway speed) from a full battery until the car can no longer
follow it, with the cabin heated or cooled all the way. Warm-up energy, the cold
battery's higher resistance, its voltage floor and the cold tyres all land where
they would on the road.

The matrix follows the form EV databases publish: city, motorway and combined, each
in cold weather (-10 C, heating on) and mild weather (23 C, climate control off),
plus a UK winter motorway at 70 mph. Definitions used here (stated because the
databases do not publish theirs in full):

- city: the WLTC class 3b Low and Medium phases (WLTP's own "city" part), repeated;
- motorway: a steady 110 km/h on the level;
- combined: half the distance in each (the harmonic mean of the two ranges);
- cold: -10 C air, heating on at 21 C, one occupant, the battery warmed to 10 C before
  departure (a car charged and preconditioned at home; a cold-soaked pack is an option);
- mild: 23 C, climate control off, battery at 23 C;
- headline: the mean of combined cold and combined mild;
- UK winter motorway: 70 mph (112.7 km/h) steady at 4 C (the UK's December-February
  mean, Met Office 1991-2020), heating on, battery at 10 C.

A run's consumption (battery and wall energy per distance) and its mean climate power
are those of the drive from full to empty.

Two ways to drive a run, which agree to rounding (the tests hold them within 1e-9):
the reference, :func:`drive_until_empty`, steps the compiled kernel along the trace
repeated from full until well past empty; the fast path (the default of
:func:`real_world_matrix`, :func:`towing_range` and :func:`custom_conditions`) drives
one lap with the kernel and replays the laps with the battery's equations alone (see
:func:`drive_until_empty_many`), some thirty times faster.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import Any, NamedTuple, TypedDict, Unpack

import numpy as np
from numba import njit
from numpy.typing import NDArray

from ..cycles import Cycle, load_cycle
from ..specs.vehicle import VehicleSpec
from ..units import GRAVITY, KPH, MILE, MPH
from . import spare_core
from ._kernel import _FAST, _interval, _soc_after
from ._layout import (
    B_OCV,
    B_RFACTOR,
    N_SOC,
    P_AERO,
    P_BATTERY,
    P_CAPACITY,
    P_FADE_HIGH,
    P_FADE_LOW,
    P_MASS,
    P_MASS_EQ,
    P_POWER_CHARGE,
    P_POWER_DISCHARGE,
    P_RESISTANCE,
    P_ROLL0,
    P_SOC_CEILING,
    P_SOC_FLOOR,
    P_SOC_START,
    P_VOLTAGE_MAX,
    P_VOLTAGE_MIN,
    T_LIMITED,
    T_POWER_TERMINAL,
    T_POWER_WHEEL,
    T_SOC,
    T_SPEED,
)
from .cabin import CLIMATE_OFF, ClimateControl, auxiliary_profile, cabin_parameters, cabin_run
from .conditions import Ambient
from .drive import prepared, run_kernel, simulate
from .label import usable_energy
from .prepare import (
    DRIVER_MASS_KG,
    IdentityCache,
    LruCache,
    RunOptions,
    VehicleBatch,
    concat_batches,
)
from .recharge import recharge_ac_energy_for
from .trailer import Trailer

#: Steady speed of the "motorway" column [m/s].
MOTORWAY_SPEED = 110.0 * KPH
#: Speed of the UK winter motorway run: the national limit [m/s].
UK_WINTER_SPEED = 70.0 * MPH
#: Length of one pass of a steady-speed trace [s]; passes repeat until empty.
STEADY_PASS = 600.0
#: Battery temperature at departure of a car preconditioned on the charger [C].
PRECONDITIONED_BATTERY_C = 10.0


@dataclass(frozen=True)
class Weather:
    """A weather case of the matrix."""

    name: str
    ambient: Ambient
    climate: ClimateControl


COLD = Weather(
    "cold",
    Ambient(temperature_c=-10.0, battery_temperature_c=PRECONDITIONED_BATTERY_C),
    ClimateControl(setpoint_c=21.0),
)
MILD = Weather("mild", Ambient(temperature_c=23.0), CLIMATE_OFF)
UK_WINTER = Weather(
    "uk_winter",
    Ambient(temperature_c=4.0, battery_temperature_c=PRECONDITIONED_BATTERY_C),
    ClimateControl(setpoint_c=21.0),
)


def steady(speed: float, name: str | None = None, duration: float = STEADY_PASS) -> Cycle:
    """A steady-speed trace on the level [m/s], already at speed at the start."""
    if not (math.isfinite(speed) and 0.5 <= speed <= 90.0):
        raise ValueError(f"speed must be from 0.5 to 90 m/s, got {speed!r}")
    return _steady(float(speed), name or f"steady_{speed / KPH:.0f}kph", round(duration) + 1)


@lru_cache(maxsize=64)
def _steady(speed: float, name: str, n: int) -> Cycle:
    # Cycles are frozen, so one object serves every caller.
    t = np.arange(n, dtype=float)
    return Cycle(name, t, np.full(n, speed), np.zeros(n))


@lru_cache(maxsize=1)
def city_cycle() -> Cycle:
    """WLTC class 3b Low + Medium phases."""
    return load_cycle("wltc_class3b").segment(0.0, 1022.0, "wltc_city")


def _repeat(cycle: Cycle, n: int) -> Cycle:
    t, v, g = cycle.time, cycle.speed, cycle.grade
    period = t[-1] - t[0]
    times = [t] + [t[1:] + k * period for k in range(1, n)]
    speeds = [v] + [v[1:]] * (n - 1)
    grades = [g] + [g[1:]] * (n - 1)
    return Cycle(
        f"{cycle.name}x{n}",
        np.concatenate(times),
        np.concatenate(speeds),
        np.concatenate(grades),
        source=cycle.source,
    )


@dataclass(frozen=True)
class RangeRun:
    """One drive until empty."""

    vehicle: str
    case: str
    range_km: float
    battery_kwh_per_100km: float  # chemical energy from the battery per distance, to empty
    wall_kwh_per_100km: float  # AC from the wall to put it back
    climate_kw: float  # mean climate-control power while driving to empty [kW]
    temperature_c: float
    extras: dict[str, float] = field(default_factory=dict)

    @property
    def range_mi(self) -> float:
        return self.range_km * 1000.0 / MILE

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "temperature_c": self.temperature_c,
            "range_km": round(self.range_km, 1),
            "range_mi": round(self.range_mi, 1),
            "battery_kwh_per_100km": round(self.battery_kwh_per_100km, 2),
            "wall_kwh_per_100km": round(self.wall_kwh_per_100km, 2),
            "climate_kw": round(self.climate_kw, 2),
        }


def _with_trailer(batch: VehicleBatch, spec: VehicleSpec, trailer: Trailer) -> VehicleBatch:
    """The batch with a trailer's mass, rolling resistance and drag added to the car's."""
    p = batch.params
    crr_car = spec.tyres.rolling_resistance_coefficient.value
    nose = trailer.mass_kg * trailer.tongue_load_fraction
    rho = 1.2041  # standard air; the caller corrects to the run's air
    return batch.with_params(
        P_MASS=p[:, P_MASS] + trailer.mass_kg,
        P_MASS_EQ=p[:, P_MASS_EQ] + trailer.mass_kg,
        P_ROLL0=p[:, P_ROLL0]
        + GRAVITY * (trailer.mass_on_wheels_kg * trailer.rolling_resistance_coefficient)
        + GRAVITY * nose * crr_car,
        P_AERO=p[:, P_AERO] + 0.5 * rho * trailer.drag_coefficient * trailer.frontal_area_m2,
    )


@dataclass(frozen=True, eq=False)
class _Case:
    """One drive until empty, ready for the kernel.

    ``batch`` is the car as loaded (one row), its auxiliary load read from profile row
    0: the climate control's load along the run, which depends on time and weather only.
    """

    spec: VehicleSpec
    lap: Cycle  # repeated from full until empty
    weather: Weather
    climate: ClimateControl
    batch: VehicleBatch
    name: str


def _check_payload(payload_kg: float) -> None:
    if not (math.isfinite(payload_kg) and 0.0 <= payload_kg <= 2000.0):
        raise ValueError(f"payload_kg must be from 0 to 2000, got {payload_kg!r}")


def _case(
    spec: VehicleSpec,
    lap: Cycle,
    weather: Weather,
    payload_kg: float,
    trailer: Trailer | None,
    name: str,
) -> _Case:
    _check_payload(payload_kg)
    climate = replace(weather.climate, occupants=max(weather.climate.occupants, 1))
    # The driver is aboard: range is the car's, driven, not the kerb mass's.
    options = RunOptions(payload_kg=DRIVER_MASS_KG + payload_kg, climate=climate)
    batch = prepared(spec, weather.ambient, options)
    if trailer is not None:
        batch = _with_trailer(batch, spec, trailer)
        batch = batch.with_params(
            P_AERO=batch.params[:, P_AERO]
            + 0.5
            * (weather.ambient.air_density - 1.2041)
            * trailer.drag_coefficient
            * trailer.frontal_area_m2
        )
    return _Case(spec, lap, weather, climate, batch.with_params(P_AUX_PROFILE=0.0), name)


def _range_run(
    c: _Case, distance: float, chemical: float, auxiliary: float, elapsed: float, drive_time: float
) -> RangeRun:
    """The run's figures from its totals up to the empty point: distance [m], chemical
    and auxiliary energy [J], time [s] (and the drive time kept in ``extras``)."""
    spec = c.spec
    ac = float(recharge_ac_energy_for(spec, chemical))
    base = spec.auxiliary.base_load_w.value * elapsed
    return RangeRun(
        vehicle=spec.id,
        case=c.name,
        range_km=distance / 1000.0,
        battery_kwh_per_100km=chemical / 3.6e6 / (distance / 1e5),
        wall_kwh_per_100km=ac / 3.6e6 / (distance / 1e5),
        climate_kw=max(auxiliary - base, 0.0) / max(elapsed, 1.0) / 1e3,
        temperature_c=c.weather.ambient.temperature_c,
        extras={"drive_time_s": drive_time},
    )


def _reference(c: _Case) -> RangeRun:
    """The step-by-step run: the kernel over the lap repeated well past empty."""
    spec = c.spec
    # Size the repetition from a first guess (a generous 60 Wh/km floor on use).
    guess_km = usable_energy(spec) / 3.6e6 / 0.06
    n = max(2, math.ceil(guess_km * 1000.0 / max(c.lap.distance, 1.0)) + 1)
    run = _repeat(c.lap, n)
    prof = auxiliary_profile(spec, c.weather.ambient, c.climate, run.dt)
    res = simulate(c.batch, run, traces=True, aux_profiles=prof[None, :])
    assert res.traces is not None
    speed = res.traces.speed[0]
    soc = res.traces.soc[0]
    time = res.traces.time
    floor = spec.battery.soc_window[0]
    # Empty: the usable window is spent (the car then cannot follow the trace).
    stop = np.flatnonzero(soc <= floor + 1e-9)
    if stop.size == 0:
        raise RuntimeError(
            f"{spec.id}: the battery outlasted {n} passes of {c.lap.name}; raise the guess"
        )
    k = int(stop[0])
    # Distance driven up to the first step the car could not follow.
    dist = float(np.sum(0.5 * (speed[1 : k + 1] + speed[:k]) * np.diff(time[: k + 1])))
    # Energies to the empty point only: beyond it the car stands at the roadside with
    # the heater on, which is no part of the range.
    chem = float((soc[0] - soc[k]) * c.batch.params[0, P_CAPACITY])
    aux = float(np.sum(prof[:k] * run.dt[:k]))
    drive_time = float(np.sum(np.diff(time)[: k + 1]))
    return _range_run(c, dist, chem, aux, float(time[k] - time[0]), drive_time)


def drive_until_empty(
    spec: VehicleSpec,
    cycle: Cycle,
    weather: Weather,
    *,
    payload_kg: float = 0.0,
    case: str | None = None,
    trailer: Trailer | None = None,
    reference: bool = True,
) -> RangeRun:
    """Repeat ``cycle`` from a full battery until the car cannot follow it.

    The car carries its driver (75 kg) and ``payload_kg`` more: passengers and load.
    Returns the distance covered while following the trace (the range), and the
    battery and wall energy per distance from full to empty. A ``trailer`` adds its
    mass, the rolling resistance of its axle and of its nose load on the car's
    tyres, and its drag.

    By default the run is the reference: the compiled kernel step by step over the
    whole trace. ``reference=False`` gives the same run by lap replay (see
    :func:`drive_until_empty_many`).
    """
    return drive_until_empty_many(
        [UntilEmpty(spec, cycle, weather, payload_kg, case, trailer)], reference=reference
    )[0]


# --- the fast path: lap replay -----------------------------------------------------------
#
# Along a trace the car follows, everything up to the battery's terminals (the force,
# the wheel torque, the axle split and its losses) depends on the trace alone; the state
# of charge enters only through the battery (open-circuit voltage and resistance, hence
# the chemical power and the fall in SOC), and the climate control's load through time
# alone. So the kernel drives one lap, with the battery's limits lifted and no
# auxiliary load, to record the terminal power of each step; a compiled loop then
# replays the laps from full to empty with the kernel's battery equations, the
# auxiliary load added, and at every step the limit tests the kernel makes. At a step
# where a battery limit would bind (the pack could not give the power, or regeneration
# would be cut back: a cold pack nearly full or nearly empty) the car may leave the
# trace, so the kernel drives on from that step, which the car reached on the trace
# as in the reference, until the car is back on the trace (then the replay resumes) or
# empty. A run the replay cannot reproduce at all (its lap does not end as it starts,
# its motors cannot follow the lap, regeneration stopping at one speed) is driven by
# the reference. The two agree to rounding; tests hold them together.

#: Cabin time simulated before its load is taken as settled [s] (warm-up takes 10-20 min).
_CABIN_HORIZON = 3600.0
#: The last stretch of it over which the cabin must be at rest to count as settled [s].
_CABIN_SETTLED = 600.0

_PROFILES: LruCache[tuple[object, ...], tuple[NDArray[np.float64], float]] = LruCache(64)


def _aux_profile(c: _Case, n_steps: int) -> tuple[NDArray[np.float64], float]:
    """The auxiliary load [W] of the first steps of the run, and the load after them.

    The cabin settles (at the set point, or the heater flat out against the weather)
    well within the hour. When its temperature and load have been at rest over the
    last ten minutes of that hour, they stay so, and the load is not integrated
    further (the tail is then the settled load); so too with the climate control off,
    when the load is the base load throughout. A cabin still changing is integrated
    over all ``n_steps`` (the tail is NaN). Cached per car, weather and time grid.
    """
    dt_lap = c.lap.dt
    uniform = bool(np.all(dt_lap == dt_lap[0]))
    grid = float(dt_lap[0]) if uniform else dt_lap.tobytes()
    key = (c.spec.content_hash, c.weather.ambient, c.climate, grid)
    hit = _PROFILES.get(key)
    if hit is not None and (math.isfinite(hit[1]) or hit[0].size >= n_steps):
        return hit
    horizon = math.ceil(_CABIN_HORIZON / c.lap.duration) * c.lap.n_steps
    prof, tail = _cabin_load(c, min(horizon, n_steps), settle=horizon < n_steps)
    if not math.isfinite(tail) and prof.size < n_steps:
        prof, tail = _cabin_load(c, n_steps, settle=False)
    prof.setflags(write=False)
    _PROFILES.put(key, (prof, tail))
    return prof, tail


def _cabin_load(c: _Case, n_steps: int, *, settle: bool) -> tuple[NDArray[np.float64], float]:
    """Auxiliary load of the first ``n_steps`` of the run [W] (as ``cabin.auxiliary_profile``
    works it out) and, if ``settle`` and the cabin has settled, the load from then on."""
    dt = np.tile(c.lap.dt, math.ceil(n_steps / c.lap.n_steps))[:n_steps]
    run = cabin_run(cabin_parameters(c.spec), c.weather.ambient, c.climate, dt)
    prof = run.electrical + c.spec.auxiliary.base_load_w.value
    if not settle:
        return prof, math.nan
    w = max(int(np.count_nonzero(np.cumsum(dt[::-1]) <= _CABIN_SETTLED)), 2)
    temp, load = run.cabin_temperature[-w:], prof[-w:]
    # With the climate control off the load is the base load whatever the cabin does.
    at_rest = not c.climate.enabled or np.ptp(temp) <= 1e-9
    if at_rest and np.ptp(load) <= 1e-9 * max(abs(float(load[-1])), 1.0):
        return prof, float(load[-1])
    return prof, math.nan


_SHORT_LAPS: IdentityCache[Cycle] = IdentityCache(64)


def _short_lap(lap: Cycle) -> Cycle:
    """The lap itself, or one step of it when every step is the same (a steady speed on
    the level on a uniform grid), which the replay repeats just as well. Kept per lap
    object."""
    hit = _SHORT_LAPS.get_for((lap,))
    if hit is not None:
        return hit
    v, g, dt = lap.speed, lap.grade, lap.dt
    short = lap
    if np.all(v == v[0]) and np.all(g == g[0]) and np.all(dt == dt[0]):
        short = Cycle(lap.name, lap.time[:2], v[:2], g[:2], source=lap.source)
    return _SHORT_LAPS.put_for((lap,), None, short)


#: Limit tests of a replayed step: driving (discharge limits), braking (charge limits).
_CHECK_DRIVE = 1
_CHECK_BRAKE = 2


def _record(
    cases: Sequence[_Case], lap: Cycle
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.bool_]]:
    """Terminal power less the auxiliaries of each step of one lap [W], per case.

    Returns the powers (n_cases, n_steps), the limit tests each step needs, and whether
    each case followed the lap on its motors' torque (where it does not, the replay
    does not apply). The battery's limits are lifted and the lap starts mid-window, so
    that every step the motors can follow takes the kernel's common path.
    """
    batch = concat_batches([c.batch for c in cases]).with_params(
        P_AUX=0.0,
        P_AUX_PROFILE=-1.0,
        P_SOC_START=0.5,
        P_SOC_FLOOR=-math.inf,
        P_SOC_CEILING=math.inf,
        P_POWER_DISCHARGE=math.inf,
        P_POWER_CHARGE=math.inf,
        P_VOLTAGE_MIN=0.0,
        P_VOLTAGE_MAX=math.inf,
    )
    seg = np.zeros(lap.n_steps, dtype=np.int64)
    _, _, tr = run_kernel(batch, lap, seg, 1, traces=True, parallel=False)
    power = tr[:, T_POWER_TERMINAL, 1:]
    followed = np.all(tr[:, T_LIMITED, 1:] == 0.0, axis=1) & np.all(
        tr[:, T_SPEED, :] == lap.speed, axis=1
    )
    # The kernel tests discharge limits when driving (wheel power >= 0) and charge limits
    # when braking (<= 0), and neither at a standstill; at zero wheel power both.
    v = lap.speed
    moving = (0.5 * (v[1:] + v[:-1]) > 0.0)[None, :]
    wheel = tr[:, T_POWER_WHEEL, 1:]
    checks = moving * (_CHECK_DRIVE * (wheel >= 0.0) + _CHECK_BRAKE * (wheel <= 0.0))
    return power, checks.astype(np.int64), followed


# Columns of a replayed run's battery constants (``_Replays.consts``).
_C_R_MID, _C_CAPACITY, _C_FLOOR, _C_CEILING, _C_V_MIN, _C_V_MAX, _C_P_DIS, _C_P_CHG = range(8)


@njit(inline="always", fastmath=_FAST, error_model="numpy", cache=True)
def _lane_step(  # type: ignore[no-untyped-def]
    p_lap, aux, check, h, d, n_lap, const, k_stop, k, j, s, dist, aux_e, elapsed, lines
):
    """One step of a run in a lane of ``_replay``: its lap step's recorded power
    ``p_lap`` [W] and auxiliary load ``aux`` [W], limit tests ``check``, length ``h``
    [s] and distance ``d`` [m]; its lap's steps ``n_lap``, battery constants ``const``
    (a row of ``_Replays.consts``) and the step to stop at; its state (steps on the
    trace and the lap, SOC, totals) and its SOC's table interval ``lines``.

    Returns ``(status, k, j, s, dist, aux_e, elapsed, new_interval)``: status -1 to go
    on, else as ``_replay``'s (at a limit the state is the one before the step), and
    whether the SOC left its table interval. Scalars in and out: a function reading
    arrays on one branch only makes the compiler count references every step."""
    lo, hi, ocv0, ocv1, res0, res1 = lines
    p_term = p_lap + aux
    ocv = ocv0 + ocv1 * s
    res = res0 + res1 * s
    limited = False
    if check & _CHECK_DRIVE:
        vlo = max(const[_C_V_MIN], 0.5 * ocv)
        limited = p_term > const[_C_P_DIS] or p_term * res > vlo * (ocv - vlo)
    if (check & _CHECK_BRAKE) and p_term < 0.0:
        v_max = const[_C_V_MAX]
        limited = limited or (
            -p_term > const[_C_P_CHG]
            or -p_term * res > v_max * (v_max - ocv)
            or s >= const[_C_CEILING]
        )
    disc = ocv * ocv - 4.0 * res * p_term
    disc = max(disc, 0.0)
    s_next = _soc_after(s, p_term, ocv, math.sqrt(disc), h * (1.0 / const[_C_CAPACITY]))
    if limited:
        return 1, k, j, s, dist, aux_e, elapsed, False
    k_next = k + 1
    j_next = 0 if j + 1 == n_lap else j + 1
    status = -1
    if s_next <= const[_C_FLOOR] + 1e-9:
        status = 0
    elif k_next >= k_stop:
        status = 2
    moved = status < 0 and (s_next < lo or s_next >= hi)
    return status, k_next, j_next, s_next, dist + d, aux_e + aux * h, elapsed + h, moved


@njit(inline="always", fastmath=_FAST, error_model="numpy", cache=True)
def _lane_load(nxt, rows, k0, soc0, k_end, n_lap, ocv_tab, rf_tab, consts, nodes):  # type: ignore[no-untyped-def]
    """The next of ``_replay``'s runs from position ``nxt`` with steps to go, for a lane:
    ``(q, i, k, j, soc, k_end, lines, nxt)`` (its position, row, steps on the trace
    and on the lap, SOC, the step to stop at, its SOC's table interval, and the next
    position to look from); ``q`` is -1 when none is left."""
    m = rows.shape[0]
    while nxt < m:
        q = nxt
        nxt += 1
        if k0[q] < k_end[q]:
            i = rows[q]
            line = _interval(ocv_tab[i], rf_tab[i], soc0[q], nodes, consts[i, _C_R_MID])
            return q, i, k0[q], k0[q] % n_lap[i], soc0[q], k_end[q], line, nxt
    return -1, 0, 0, 0, 0.0, 0, (0.0, 0.0, 0.0, 0.0, 0.0, 0.0), nxt


# nogil: touches no Python object, so the web server's other requests run meanwhile.
@njit(fastmath=_FAST, error_model="numpy", cache=True, nogil=True)
def _replay(  # type: ignore[no-untyped-def]
    rows,  # (m,) the runs to replay (rows of the arrays below), in the order to take them
    p_lap,  # (n, n_lap_max) terminal power less the auxiliaries of each lap step [W]
    checks,  # (n, n_lap_max) limit tests (_CHECK_DRIVE | _CHECK_BRAKE)
    d_lap,  # (n, n_lap_max) distance of each step [m]
    dt_lap,  # (n, n_lap_max) [s]
    n_lap,  # (n,) steps of each run's lap
    aux,  # (n, n_aux_max) auxiliary load of the runs' first steps [W]
    n_aux,  # (n,) steps of it each run has
    aux_tail,  # (n,) the load after them [W]
    ocv_tab,  # (n, N_SOC) [V]
    rf_tab,  # (n, N_SOC) resistance factor [-]
    consts,  # (n, 8) battery constants (_C_*)
    k0,  # (m,) the step each run starts at, on the trace
    soc0,  # (m,) its SOC there
    k_end,  # (m,) the step to stop at if not empty by then
):
    """Replay laps from step ``k0`` at ``soc0`` until the SOC is within 1e-9 of the floor:
    the battery step of ``_kernel`` (the same operations in the same order) on the
    recorded powers, for several runs.

    A step's chain of operations (SOC, voltage, square root, division, SOC) is sequential
    and short of work: it waits on each operation's latency. Two runs step side by side,
    in two lanes whose state the compiler keeps in registers, so that the processor
    overlaps their chains: measured, two runs take about the time of one (some 25-35 ns a
    step). A lane whose run ends takes the next of ``rows``, so the longest runs should
    come first. Each run's arithmetic is its own, whatever runs beside it.

    Returns, per run, ``(status, k, distance, soc, auxiliary, elapsed)``: status 0 when
    empty at step ``k``, 1 when step ``k`` would meet a limit (the kernel must drive
    it), 2 when not empty by ``k_end``; distance [m], auxiliary energy [J] and time [s]
    from ``k0`` to ``k``, and the SOC at ``k``.
    """
    m = rows.shape[0]
    nodes = ocv_tab.shape[1] - 1.0
    status = np.full(m, 2, dtype=np.int64)
    k = k0.copy()
    soc = soc0.copy()
    dist = np.zeros(m)
    aux_e = np.zeros(m)
    elapsed = np.zeros(m)
    # Each lane's run (q: its position, -1 for none; i: its row; ke: the step to stop
    # at) and state: steps on the trace and on the lap, SOC, totals, and the SOC's
    # table interval as straight lines (``_interval``). Scalars, not arrays, so that the
    # compiler keeps them in registers. A lane with no run shadows the other (the same
    # steps, results dropped): one loop serves both.
    qa = qb = -1
    ia = ib = ka = kb = ja = jb = ke_a = ke_b = 0
    sa = sb = da = db = aa = ab = ea = eb = 0.0
    line_a = line_b = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    nxt = 0
    while True:
        if qa < 0:
            qa, ia, ka, ja, sa, ke_a, line_a, nxt = _lane_load(
                nxt, rows, k0, soc0, k_end, n_lap, ocv_tab, rf_tab, consts, nodes
            )
            da = aa = ea = 0.0
        if qb < 0:
            qb, ib, kb, jb, sb, ke_b, line_b, nxt = _lane_load(
                nxt, rows, k0, soc0, k_end, n_lap, ocv_tab, rf_tab, consts, nodes
            )
            db = ab = eb = 0.0
        if qa < 0 and qb < 0:
            break
        if qa < 0:
            ia, ka, ja, sa, da, aa, ea, ke_a, line_a = ib, kb, jb, sb, db, ab, eb, ke_b, line_b
        elif qb < 0:
            ib, kb, jb, sb, db, ab, eb, ke_b, line_b = ia, ka, ja, sa, da, aa, ea, ke_a, line_a
        end_a = end_b = -1  # a lane's status once its run ends
        while end_a < 0 and end_b < 0:
            end_a, ka, ja, sa, da, aa, ea, moved_a = _lane_step(
                p_lap[ia, ja], aux[ia, ka] if ka < n_aux[ia] else aux_tail[ia], checks[ia, ja],
                dt_lap[ia, ja], d_lap[ia, ja], n_lap[ia], consts[ia], ke_a,
                ka, ja, sa, da, aa, ea, line_a,
            )  # fmt: skip
            end_b, kb, jb, sb, db, ab, eb, moved_b = _lane_step(
                p_lap[ib, jb], aux[ib, kb] if kb < n_aux[ib] else aux_tail[ib], checks[ib, jb],
                dt_lap[ib, jb], d_lap[ib, jb], n_lap[ib], consts[ib], ke_b,
                kb, jb, sb, db, ab, eb, line_b,
            )  # fmt: skip
            if moved_a:
                line_a = _interval(ocv_tab[ia], rf_tab[ia], sa, nodes, consts[ia, _C_R_MID])
            if moved_b:
                line_b = _interval(ocv_tab[ib], rf_tab[ib], sb, nodes, consts[ib, _C_R_MID])
        if qa >= 0 and end_a >= 0:
            status[qa], k[qa], soc[qa], dist[qa], aux_e[qa], elapsed[qa] = end_a, ka, sa, da, aa, ea
            qa = -1
        if qb >= 0 and end_b >= 0:
            status[qb], k[qb], soc[qb], dist[qb], aux_e[qb], elapsed[qb] = end_b, kb, sb, db, ab, eb
            qb = -1
    return status, k, dist, soc, aux_e, elapsed


#: Steps the kernel drives at least when the replay hands a run back to it: a lap, or
#: this many steps of a short lap (a car at the voltage floor near empty on a motorway
#: slows until empty within a minute or two).
_HANDOVER_STEPS = 600


@dataclass
class _Progress:
    """A run's totals so far (see ``_replay``) and where it stands."""

    k: int
    soc: float
    distance: float = 0.0
    auxiliary: float = 0.0
    elapsed: float = 0.0

    def add(self, k: int, soc: float, distance: float, auxiliary: float, elapsed: float) -> None:
        self.k = k
        self.soc = soc
        self.distance += distance
        self.auxiliary += auxiliary
        self.elapsed += elapsed


@dataclass
class _Plan:
    """A run to replay: its case, its (short) lap and recorded powers, its auxiliary load,
    the bound on its steps, and its progress."""

    case: _Case
    lap: Cycle
    power: NDArray[np.float64]
    checks: NDArray[np.int64]
    aux: NDArray[np.float64]
    tail: float
    n_max: int
    run: _Progress
    chunk: int  # steps of the next hand-over to the kernel


def _plan(
    c: _Case, lap: Cycle, power: NDArray[np.float64], checks: NDArray[np.int64]
) -> _Plan | None:
    """The replay of case ``c``; None if its lap's energy gives no bound on its steps."""
    p = c.batch.params[0]
    dt = lap.dt
    budget = (p[P_SOC_START] - p[P_SOC_FLOOR]) * p[P_CAPACITY]
    # Chemical energy is at least the terminal energy (the resistive loss is never
    # negative) and the auxiliaries draw at least the base load: a bound on the laps.
    least = float(np.sum(power * dt)) + c.spec.auxiliary.base_load_w.value * float(dt.sum())
    if not least > 0.0:
        return None
    n_max = (math.ceil(budget / least) + 1) * lap.n_steps
    aux, tail = _aux_profile(replace(c, lap=lap), n_max)
    run = _Progress(0, float(p[P_SOC_START]))
    return _Plan(c, lap, power, checks, aux, tail, n_max, run, max(lap.n_steps, _HANDOVER_STEPS))


class _Replays:
    """Plans packed for ``_replay``: one row each, padded to the longest lap and load."""

    def __init__(self, plans: Sequence[_Plan]) -> None:
        n = len(plans)
        n_lap = max(pl.lap.n_steps for pl in plans)
        n_aux = max(pl.aux.size for pl in plans)
        self.plans = plans
        self.p_lap = np.zeros((n, n_lap))
        self.checks = np.zeros((n, n_lap), dtype=np.int64)
        self.d_lap = np.zeros((n, n_lap))
        self.dt_lap = np.ones((n, n_lap))
        self.n_lap = np.array([pl.lap.n_steps for pl in plans], dtype=np.int64)
        self.aux = np.zeros((n, n_aux))
        self.n_aux = np.array([pl.aux.size for pl in plans], dtype=np.int64)
        self.tail = np.array([pl.tail for pl in plans])
        self.ocv = np.empty((n, N_SOC))
        self.rf = np.empty((n, N_SOC))
        self.consts = np.empty((n, 8))
        for i, pl in enumerate(plans):
            lap, p = pl.lap, pl.case.batch.params[0]
            bat = pl.case.batch.battery[int(p[P_BATTERY])]
            m = lap.n_steps
            v = lap.speed
            self.p_lap[i, :m] = pl.power
            self.checks[i, :m] = pl.checks
            self.d_lap[i, :m] = 0.5 * (v[1:] + v[:-1]) * lap.dt
            self.dt_lap[i, :m] = lap.dt
            self.aux[i, : pl.aux.size] = pl.aux
            self.ocv[i] = bat[B_OCV]
            self.rf[i] = bat[B_RFACTOR]
            self.consts[i] = (
                p[P_RESISTANCE],
                p[P_CAPACITY],
                p[P_SOC_FLOOR],
                p[P_SOC_CEILING],
                p[P_VOLTAGE_MIN],
                p[P_VOLTAGE_MAX],
                p[P_POWER_DISCHARGE],
                p[P_POWER_CHARGE],
            )
        # Energy a step draws on average (terminal and settled auxiliary load) [J], to
        # tell how many steps a run has left.
        self.step_energy = np.array(
            [
                (float(np.sum(pl.power * pl.lap.dt)) + pl.tail * float(pl.lap.dt.sum()))
                / pl.lap.n_steps
                for pl in plans
            ]
        )

    def replay(self, rows: Sequence[int]) -> list[int]:
        """Replay the plans ``rows`` from where they stand; advance them; their statuses.

        The runs go to ``_replay`` longest first; with a second core, in two pieces,
        the second for the spare core (:func:`_pieces`). Each run's arithmetic is the
        same either way.
        """
        runs = [self.plans[i].run for i in rows]
        which = np.asarray(rows, dtype=np.int64)
        k0 = np.array([r.k for r in runs], dtype=np.int64)
        soc0 = np.array([r.soc for r in runs])
        k_end = np.array([self.plans[i].n_max for i in rows], dtype=np.int64)
        c = self.consts[which]
        energy = (soc0 - c[:, _C_FLOOR]) * c[:, _C_CAPACITY]
        left = energy / np.maximum(self.step_energy[which], 1.0)
        steps = np.clip(left, 0.0, k_end - k0)
        pieces = _pieces(steps) if spare_core.available() else None
        if pieces is None:
            pieces = [np.argsort(-steps, kind="stable")]
            parts = [
                self._compiled(which[pieces[0]], k0[pieces[0]], soc0[pieces[0]], k_end[pieces[0]])
            ]
        else:
            parts = spare_core.share(
                [partial(self._compiled, which[q], k0[q], soc0[q], k_end[q]) for q in pieces]
            )
        status, k, dist, soc, aux_e, elapsed = (
            _merged(list(x), pieces) for x in zip(*parts, strict=True)
        )
        for q, r in enumerate(runs):
            r.add(int(k[q]), float(soc[q]), float(dist[q]), float(aux_e[q]), float(elapsed[q]))
        return [int(x) for x in status]

    def _compiled(
        self,
        rows: NDArray[np.int64],
        k0: NDArray[np.int64],
        soc0: NDArray[np.float64],
        k_end: NDArray[np.int64],
    ) -> tuple[NDArray[Any], ...]:
        return tuple(
            _replay(
                rows,
                self.p_lap,
                self.checks,
                self.d_lap,
                self.dt_lap,
                self.n_lap,
                self.aux,
                self.n_aux,
                self.tail,
                self.ocv,
                self.rf,
                self.consts,
                k0,
                soc0,
                k_end,
            )
        )


#: Steps a replay's piece for the spare core must have: a step is some 25-35 ns, a
#: hand-over to the helper thread and back some tens of microseconds.
_SPLIT_STEPS = 5000


def _pieces(steps: NDArray[np.float64]) -> list[NDArray[np.int64]] | None:
    """Positions of the runs in pieces for :func:`.spare_core.share`; None for one piece.

    ``_replay`` steps two runs at a time, so one thread takes the longest run in one
    lane and, in the other, as many of the next longest as end within it; the rest (if
    worth a hand-over) is the second piece, for the spare core, which may join late
    (busy with the launch runs), when this thread takes it after the first. Longest
    first in each piece.
    """
    order = [int(q) for q in np.argsort(-steps, kind="stable")]
    first, rest = [order[0]], []
    beside = 0.0
    for q in order[1:]:
        if beside + steps[q] <= steps[order[0]]:
            first.append(q)
            beside += steps[q]
        else:
            rest.append(q)
    if float(steps[rest].sum()) < _SPLIT_STEPS:
        return None
    return [np.array(first, dtype=np.int64), np.array(rest, dtype=np.int64)]


def _merged(parts: list[NDArray[Any]], positions: Sequence[NDArray[np.int64]]) -> NDArray[Any]:
    """One array of the results ``parts[i]`` of positions ``positions[i]``."""
    out = np.empty(sum(p.size for p in positions), dtype=parts[0].dtype)
    for x, p in zip(parts, positions, strict=True):
        out[p] = x
    return out


def _replay_all(plans: Sequence[_Plan]) -> list[RangeRun | None]:
    """Each plan's run: replayed, with the kernel driving the stretches where a battery
    limit binds; None for a run the replay could not finish (the reference drives it)."""
    packed = _Replays(plans)
    out: list[RangeRun | None] = [None] * len(plans)
    pending = list(range(len(plans)))
    while pending:
        starts = [plans[i].run.k for i in pending]
        statuses = packed.replay(pending)
        again = []
        for i, start, status in zip(pending, starts, statuses, strict=True):
            pl = plans[i]
            floor = pl.case.batch.params[0, P_SOC_FLOOR]
            if status == 1:
                # A limit binds: the kernel drives on from here (on the trace, so exactly
                # as the reference would) until the car is back on the trace or empty.
                if pl.run.k - start < pl.lap.n_steps:
                    pl.chunk *= 2  # limits in quick succession: hand over longer stretches
                left = pl.n_max - pl.run.k
                if not _kernel_stretch(pl, min(pl.chunk, left), left):
                    continue
                if pl.run.soc > floor + 1e-9:
                    again.append(i)
                    continue
            elif status == 2:
                continue
            out[i] = _finish(pl)
        pending = again
    return out


def _finish(pl: _Plan) -> RangeRun:
    """The figures of a plan driven to empty."""
    p = pl.case.batch.params[0]
    run = pl.run
    chem = float((p[P_SOC_START] - run.soc) * p[P_CAPACITY])
    # The reference's drive time runs to the end of the step after the empty point.
    drive_time = run.elapsed + float(pl.lap.dt[run.k % pl.lap.n_steps])
    return _range_run(pl.case, run.distance, chem, run.auxiliary, run.elapsed, drive_time)


def _stretch(lap: Cycle, k: int, n: int) -> Cycle:
    """Steps ``k`` to ``k + n`` of the lap repeated (a periodic lap: it ends as it starts)."""
    i = (k + np.arange(n + 1)) % lap.n_steps
    dt = lap.dt[i[:-1]]
    time = np.concatenate([[0.0], np.cumsum(dt)])
    return Cycle(lap.name, time, lap.speed[i], lap.grade[i], source=lap.source)


def _kernel_stretch(pl: _Plan, n: int, limit: int) -> bool:
    """Drive ``n`` steps of the plan from where it stands with the kernel, longer (to at
    most ``limit``) if the car is then still off the trace; advance the plan to the end,
    or to the empty point on the way.

    False if the car is neither empty nor back on the trace within ``limit`` steps.
    """
    run, aux = pl.run, pl.aux
    floor = pl.case.batch.params[0, P_SOC_FLOOR]
    batch = pl.case.batch.with_params(P_SOC_START=run.soc)
    while n > 0:
        cyc = _stretch(pl.lap, run.k, n)
        ks = np.arange(run.k, run.k + n)
        prof = np.where(ks < aux.size, aux[np.minimum(ks, aux.size - 1)], pl.tail)
        seg = np.zeros(n, dtype=np.int64)
        _, _, tr = run_kernel(
            batch, cyc, seg, 1, traces=True, parallel=False, aux_profiles=prof[None, :]
        )
        speed, soc = tr[0, T_SPEED], tr[0, T_SOC]
        stop = np.flatnonzero(soc <= floor + 1e-9)
        end = int(stop[0]) if stop.size else n
        if stop.size or speed[n] == cyc.speed[n]:
            h = cyc.dt[:end]
            run.add(
                run.k + end,
                float(soc[end]),
                float(np.sum(0.5 * (speed[1 : end + 1] + speed[:end]) * h)),
                float(np.sum(prof[:end] * h)),
                float(np.sum(h)),
            )
            return True
        if n >= limit:
            return False
        n = min(2 * n, limit)
    return False


def _replayable(c: _Case, lap: Cycle) -> bool:
    """Whether lap replay reproduces the case's run: the lap ends as it starts (so that
    its repetition is the same steps over again), and regeneration fades over a band of
    speeds (where it stops at one speed, the kernel takes its general path for every
    braking step below it)."""
    p = c.batch.params[0]
    periodic = lap.speed[0] == lap.speed[-1] and lap.grade[0] == lap.grade[-1]
    return bool(periodic and p[P_FADE_HIGH] != p[P_FADE_LOW])


def _fast(cases: Sequence[_Case]) -> list[RangeRun]:
    """Drive each case until empty by lap replay (the reference where it cannot)."""
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(cases):
        groups.setdefault(id(c.lap), []).append(i)
    plans: dict[int, _Plan] = {}
    for members in groups.values():
        group = [cases[i] for i in members]
        lap = _short_lap(group[0].lap)
        power, checks, followed = _record(group, lap)
        for row, i in enumerate(members):
            if followed[row] and _replayable(cases[i], lap):
                pl = _plan(cases[i], lap, power[row], checks[row])
                if pl is not None:
                    plans[i] = pl
    done = dict(zip(plans, _replay_all(list(plans.values())), strict=True)) if plans else {}
    return [r if (r := done.get(i)) is not None else _reference(c) for i, c in enumerate(cases)]


@dataclass(frozen=True)
class RealWorldMatrix:
    """Range in the EV-database form, plus a UK winter motorway."""

    vehicle: str
    runs: tuple[RangeRun, ...]

    def get(self, case: str) -> RangeRun:
        for r in self.runs:
            if r.case == case:
                return r
        raise KeyError(case)

    def combined_km(self, weather: str) -> float:
        """Half the distance in town, half on the motorway: harmonic mean of ranges."""
        city = self.get(f"city/{weather}").range_km
        motorway = self.get(f"motorway/{weather}").range_km
        return 2.0 / (1.0 / city + 1.0 / motorway)

    @property
    def headline_km(self) -> float:
        """Mean of combined cold and combined mild."""
        return 0.5 * (self.combined_km("cold") + self.combined_km("mild"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "vehicle": self.vehicle,
            "runs": [r.to_dict() for r in self.runs],
            "combined_cold_km": round(self.combined_km("cold"), 1),
            "combined_mild_km": round(self.combined_km("mild"), 1),
            "headline_km": round(self.headline_km, 1),
            "definitions": {
                "city": "WLTC 3b Low+Medium, repeated until empty",
                "motorway": "steady 110 km/h",
                "combined": "half the distance each (harmonic mean of ranges)",
                "cold": "-10 C, heating on at 21 C, battery preconditioned to 10 C",
                "mild": "23 C, climate control off",
                "uk_winter_motorway": "70 mph at 4 C, heating on, battery at 10 C",
            },
        }


class UntilEmpty(NamedTuple):
    """One drive until empty, as :func:`drive_until_empty` takes it."""

    spec: VehicleSpec
    cycle: Cycle
    weather: Weather
    payload_kg: float = 0.0
    case: str | None = None
    trailer: Trailer | None = None


def drive_until_empty_many(
    runs: Sequence[UntilEmpty], *, reference: bool = False
) -> list[RangeRun]:
    """Several drives until empty, as :func:`drive_until_empty` drives each.

    By lap replay (the default): the kernel drives one lap of each distinct cycle
    (runs that share a cycle object, in one call), and a compiled loop replays the laps
    of all the runs from full to empty with the battery's equations, the kernel driving
    the stretches where a limit of the battery binds (see the notes on lap replay above).
    ``reference=True`` drives every run step by step over its whole trace.
    """
    cases = [
        _case(r.spec, r.cycle, r.weather, r.payload_kg, r.trailer, r.case or _name(r)) for r in runs
    ]
    return [_reference(c) for c in cases] if reference else _fast(cases)


def _name(r: UntilEmpty) -> str:
    return f"{r.cycle.name}/{r.weather.name}"


def real_world_matrix(
    spec: VehicleSpec, *, payload_kg: float = 0.0, reference: bool = False
) -> RealWorldMatrix:
    """City, motorway (and combined) in cold and mild weather, and a UK winter motorway.

    ``reference=True`` drives each case step by step (see :func:`drive_until_empty_many`).
    """
    runs = matrix_runs(spec, payload_kg=payload_kg)
    return RealWorldMatrix(spec.id, tuple(drive_until_empty_many(runs, reference=reference)))


def matrix_runs(spec: VehicleSpec, *, payload_kg: float = 0.0) -> list[UntilEmpty]:
    """The drives of :func:`real_world_matrix`, in its order, to drive in one batch with
    others (:func:`drive_until_empty_many`; ``RealWorldMatrix(spec.id, results)``)."""
    city = city_cycle()
    motorway = steady(MOTORWAY_SPEED, "motorway_110kph")
    runs = []
    for weather in (COLD, MILD):
        runs.append(UntilEmpty(spec, city, weather, payload_kg, f"city/{weather.name}"))
        runs.append(UntilEmpty(spec, motorway, weather, payload_kg, f"motorway/{weather.name}"))
    uk = steady(UK_WINTER_SPEED, "motorway_70mph")
    runs.append(UntilEmpty(spec, uk, UK_WINTER, payload_kg, "uk_winter_motorway_70mph"))
    return runs


def custom_weather(
    temperature_c: float,
    *,
    wind_mps: float = 0.0,
    altitude_m: float = 0.0,
    preconditioned: bool = True,
    setpoint_c: float = 21.0,
) -> Weather:
    """Weather of one's own: the air, a battery preconditioned to at least 10 C (or at the
    air's temperature), and climate control holding ``setpoint_c``."""
    battery_c = max(temperature_c, PRECONDITIONED_BATTERY_C) if preconditioned else temperature_c
    ambient = Ambient(
        temperature_c=temperature_c,
        battery_temperature_c=battery_c,
        wind_mps=wind_mps,
        altitude_m=altitude_m,
    )
    return Weather("custom", ambient, ClimateControl(setpoint_c=setpoint_c))


class CustomOptions(TypedDict, total=False):
    """What a custom run may set besides its temperature and speed (see
    :func:`custom_run`)."""

    payload_kg: float
    wind_mps: float
    altitude_m: float
    preconditioned: bool
    setpoint_c: float


def custom_conditions(
    spec: VehicleSpec,
    *,
    temperature_c: float,
    speed: float,
    reference: bool = False,
    **options: Unpack[CustomOptions],
) -> RangeRun:
    """Range at a steady speed [m/s] in given weather, climate control automatic: the
    drive of :func:`custom_run` (which takes the same ``options``), to empty.

    ``reference=True`` drives it step by step (see :func:`drive_until_empty_many`).
    """
    run = custom_run(spec, temperature_c=temperature_c, speed=speed, **options)
    return drive_until_empty_many([run], reference=reference)[0]


def custom_run(
    spec: VehicleSpec,
    *,
    temperature_c: float,
    speed: float,
    payload_kg: float = 0.0,
    wind_mps: float = 0.0,
    altitude_m: float = 0.0,
    preconditioned: bool = True,
    setpoint_c: float = 21.0,
) -> UntilEmpty:
    """The drive of :func:`custom_conditions`, to drive in one batch with others: a
    steady ``speed`` [m/s] carrying ``payload_kg`` in :func:`custom_weather`'s weather."""
    weather = custom_weather(
        temperature_c,
        wind_mps=wind_mps,
        altitude_m=altitude_m,
        preconditioned=preconditioned,
        setpoint_c=setpoint_c,
    )
    case = f"steady {speed / MPH:.0f} mph at {temperature_c:g} C"
    return UntilEmpty(spec, steady(speed), weather, payload_kg, case)


#: Window over which a batched steady run totals its energy [s]: the empty point is
#: placed within one window from the power of the window before.
_STEADY_WINDOW = 60.0


def steady_ranges(
    specs: Sequence[VehicleSpec],
    speed: float,
    weather: Weather,
    *,
    payload_kg: float = 0.0,
) -> NDArray[np.float64]:
    """Ranges [m] of many cars at a steady ``speed`` [m/s] from full, as one batch.

    The same run as :func:`drive_until_empty` (the driver and ``payload_kg`` aboard,
    the weather's climate control), without keeping traces: the kernel totals energy
    and distance over windows of one minute, and the point where the usable window is
    spent is placed inside its window at the power and speed of the window before (at
    a steady speed they change by a fraction of a percent a minute; tests hold the
    two functions within 0.2 %). Memory is the windows', not the steps', so a study
    can drive thousands of cars to empty at once.
    """
    if not specs:
        return np.empty(0)
    _check_payload(payload_kg)
    climate = replace(weather.climate, occupants=max(weather.climate.occupants, 1))
    options = RunOptions(payload_kg=DRIVER_MASS_KG + payload_kg, climate=climate)
    # An upper bound on any car's range: road load alone, no losses, no heating.
    longest = 0.0
    for s in specs:
        mass = s.mass.kerb_kg.value + DRIVER_MASS_KG + payload_kg
        road = (
            mass * GRAVITY * s.tyres.rolling_resistance_coefficient.value
            + 0.5 * 1.3 * s.body.drag_coefficient.value * s.body.frontal_area_m2.value * speed**2
        )
        longest = max(longest, usable_energy(s) / road)
    passes = max(2, math.ceil(longest / (speed * STEADY_PASS)) + 1)
    run = _repeat(steady(speed, f"steady_{speed / KPH:.0f}kph"), passes)
    n_win = math.ceil(run.time[-1] / _STEADY_WINDOW)
    windows = {
        f"w{k}": (k * _STEADY_WINDOW, (k + 1) * _STEADY_WINDOW if k < n_win - 1 else math.inf)
        for k in range(n_win)
    }
    res = simulate(
        list(specs), run, ambient=weather.ambient, options=options, segments=windows, traces=False
    )
    seg = res.segments
    assert seg is not None
    chem, dist, time = seg.chemical, seg.distance, seg.time
    floor = np.array([s.battery.soc_window[0] for s in specs])
    # Chemical energy from full to the floor: the run's total scaled by its SOC fall.
    total = res.energy.battery_chemical
    budget = total * (res.soc_start - floor) / (res.soc_start - res.soc_end)
    cum = np.cumsum(chem, axis=1)
    out = np.empty(len(specs))
    for i in range(len(specs)):
        j = int(np.searchsorted(cum[i], budget[i]))
        if j >= n_win or res.soc_end[i] > floor[i] + 1e-9:
            raise RuntimeError(f"{specs[i].id}: the battery outlasted {passes} passes; raise")
        if j == 0:
            raise RuntimeError(f"{specs[i].id}: empty within the first minute")
        power = chem[i, j - 1] / time[i, j - 1]
        pace = dist[i, j - 1] / time[i, j - 1]
        before = cum[i, j - 1]
        out[i] = dist[i, :j].sum() + pace * (budget[i] - before) / power
    return out


def towing_range(
    spec: VehicleSpec,
    trailer: Trailer,
    *,
    speed: float = 60.0 * MPH,
    weather: Weather = MILD,
    payload_kg: float = 0.0,
    reference: bool = False,
) -> tuple[RangeRun, RangeRun]:
    """Range at a steady towing speed (UK limit for cars with trailers on motorways,
    60 mph, by default) without and with the trailer.

    ``reference=True`` drives both step by step (see :func:`drive_until_empty_many`).
    """
    runs = towing_runs(spec, trailer, speed=speed, weather=weather, payload_kg=payload_kg)
    solo, towed = drive_until_empty_many(runs, reference=reference)
    return solo, towed


def towing_runs(
    spec: VehicleSpec,
    trailer: Trailer,
    *,
    speed: float = 60.0 * MPH,
    weather: Weather = MILD,
    payload_kg: float = 0.0,
) -> list[UntilEmpty]:
    """The two drives of :func:`towing_range` (solo, then with the trailer), to drive in
    one batch with others."""
    cyc = steady(speed, f"towing_{speed / MPH:.0f}mph")
    return [
        UntilEmpty(spec, cyc, weather, payload_kg, "solo"),
        UntilEmpty(spec, cyc, weather, payload_kg, "with trailer", trailer),
    ]


__all__ = [
    "COLD",
    "MILD",
    "MOTORWAY_SPEED",
    "UK_WINTER",
    "UK_WINTER_SPEED",
    "CustomOptions",
    "RangeRun",
    "RealWorldMatrix",
    "UntilEmpty",
    "Weather",
    "city_cycle",
    "custom_conditions",
    "custom_run",
    "custom_weather",
    "drive_until_empty",
    "drive_until_empty_many",
    "matrix_runs",
    "real_world_matrix",
    "steady",
    "steady_ranges",
    "towing_range",
    "towing_runs",
]
