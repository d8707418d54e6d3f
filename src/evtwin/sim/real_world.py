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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..cycles import Cycle, load_cycle
from ..specs.vehicle import VehicleSpec
from ..units import GRAVITY, KPH, MILE, MPH
from ._layout import P_AERO, P_MASS, P_MASS_EQ, P_ROLL0
from .cabin import CLIMATE_OFF, ClimateControl, auxiliary_profile
from .conditions import Ambient
from .drive import prepared, simulate
from .label import usable_energy
from .prepare import DRIVER_MASS_KG, RunOptions, VehicleBatch
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
    n = round(duration) + 1
    t = np.arange(n, dtype=float)
    return Cycle(name or f"steady_{speed / KPH:.0f}kph", t, np.full(n, speed), np.zeros(n))


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
    battery_kwh_per_100km: float  # chemical energy from the battery per distance
    wall_kwh_per_100km: float  # AC from the wall to put it back
    climate_kw: float  # mean climate-control power while driving [kW]
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


def drive_until_empty(
    spec: VehicleSpec,
    cycle: Cycle,
    weather: Weather,
    *,
    payload_kg: float = 0.0,
    case: str | None = None,
    trailer: Trailer | None = None,
) -> RangeRun:
    """Repeat ``cycle`` from a full battery until the car cannot follow it.

    The car carries its driver (75 kg) and ``payload_kg`` more: passengers and load.
    Returns the distance covered while following the trace (the range), and the
    battery and wall energy per distance over the whole run. A ``trailer`` adds its
    mass, the rolling resistance of its axle and of its nose load on the car's
    tyres, and its drag.
    """
    if not (math.isfinite(payload_kg) and 0.0 <= payload_kg <= 2000.0):
        raise ValueError(f"payload_kg must be from 0 to 2000, got {payload_kg!r}")
    climate = replace(weather.climate, occupants=max(weather.climate.occupants, 1))
    # The driver is aboard: range is the car's, driven, not the kerb mass's.
    options = RunOptions(payload_kg=DRIVER_MASS_KG + payload_kg, climate=climate)
    # Size the repetition from a first guess (a generous 60 Wh/km floor on use).
    guess_km = usable_energy(spec) / 3.6e6 / 0.06
    n = max(2, math.ceil(guess_km * 1000.0 / max(cycle.distance, 1.0)) + 1)
    run = _repeat(cycle, n)
    if trailer is None:
        res = simulate(spec, run, ambient=weather.ambient, options=options, traces=True)
    else:
        batch = prepared(spec, weather.ambient, options)
        batch = _with_trailer(batch, spec, trailer)
        batch = batch.with_params(
            P_AERO=batch.params[:, P_AERO]
            + 0.5
            * (weather.ambient.air_density - 1.2041)
            * trailer.drag_coefficient
            * trailer.frontal_area_m2,
            P_AUX_PROFILE=0.0,
        )
        prof = auxiliary_profile(spec, weather.ambient, climate, run.dt)
        res = simulate(batch, run, traces=True, aux_profiles=prof[None, :])
    assert res.traces is not None
    speed = res.traces.speed[0]
    time = res.traces.time
    floor = spec.battery.soc_window[0]
    # Empty: the usable window is spent (the car then cannot follow the trace).
    stop = np.flatnonzero(res.traces.soc[0] <= floor + 1e-9)
    if stop.size == 0:
        raise RuntimeError(
            f"{spec.id}: the battery outlasted {n} passes of {cycle.name}; raise the guess"
        )
    k = int(stop[0])
    # Distance driven up to the first step the car could not follow.
    dist = float(np.sum(0.5 * (speed[1 : k + 1] + speed[:k]) * np.diff(time[: k + 1])))
    chem = float(res.energy.battery_chemical[0])
    total = float(res.distance[0])
    ac = float(recharge_ac_energy_for(spec, chem))
    aux = float(res.energy.auxiliary[0])
    drive_time = float(np.sum(np.diff(time)[: k + 1]))
    base = spec.auxiliary.base_load_w.value * float(time[-1])
    return RangeRun(
        vehicle=spec.id,
        case=case or f"{cycle.name}/{weather.name}",
        range_km=dist / 1000.0,
        battery_kwh_per_100km=chem / 3.6e6 / (total / 1e5),
        wall_kwh_per_100km=ac / 3.6e6 / (total / 1e5),
        climate_kw=max(aux - base, 0.0) / max(float(time[-1]), 1.0) / 1e3,
        temperature_c=weather.ambient.temperature_c,
        extras={"drive_time_s": drive_time},
    )


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


def real_world_matrix(spec: VehicleSpec, *, payload_kg: float = 0.0) -> RealWorldMatrix:
    """City, motorway (and combined) in cold and mild weather, and a UK winter motorway."""
    city = city_cycle()
    motorway = steady(MOTORWAY_SPEED, "motorway_110kph")
    runs = []
    for weather in (COLD, MILD):
        runs.append(
            drive_until_empty(
                spec, city, weather, payload_kg=payload_kg, case=f"city/{weather.name}"
            )
        )
        runs.append(
            drive_until_empty(
                spec, motorway, weather, payload_kg=payload_kg, case=f"motorway/{weather.name}"
            )
        )
    runs.append(
        drive_until_empty(
            spec,
            steady(UK_WINTER_SPEED, "motorway_70mph"),
            UK_WINTER,
            payload_kg=payload_kg,
            case="uk_winter_motorway_70mph",
        )
    )
    return RealWorldMatrix(spec.id, tuple(runs))


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


def custom_conditions(
    spec: VehicleSpec,
    *,
    temperature_c: float,
    speed: float,
    payload_kg: float = 0.0,
    wind_mps: float = 0.0,
    altitude_m: float = 0.0,
    preconditioned: bool = True,
    setpoint_c: float = 21.0,
) -> RangeRun:
    """Range at a steady speed [m/s] in given weather, climate control automatic."""
    weather = custom_weather(
        temperature_c,
        wind_mps=wind_mps,
        altitude_m=altitude_m,
        preconditioned=preconditioned,
        setpoint_c=setpoint_c,
    )
    return drive_until_empty(
        spec,
        steady(speed),
        weather,
        payload_kg=payload_kg,
        case=f"steady {speed / MPH:.0f} mph at {temperature_c:g} C",
    )


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
    if not (math.isfinite(payload_kg) and 0.0 <= payload_kg <= 2000.0):
        raise ValueError(f"payload_kg must be from 0 to 2000, got {payload_kg!r}")
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
) -> tuple[RangeRun, RangeRun]:
    """Range at a steady towing speed (UK limit for cars with trailers on motorways,
    60 mph, by default) without and with the trailer."""
    cyc = steady(speed, f"towing_{speed / MPH:.0f}mph")
    solo = drive_until_empty(spec, cyc, weather, payload_kg=payload_kg, case="solo")
    towed = drive_until_empty(
        spec, cyc, weather, payload_kg=payload_kg, case="with trailer", trailer=trailer
    )
    return solo, towed


__all__ = [
    "COLD",
    "MILD",
    "MOTORWAY_SPEED",
    "UK_WINTER",
    "UK_WINTER_SPEED",
    "RangeRun",
    "RealWorldMatrix",
    "Weather",
    "city_cycle",
    "custom_conditions",
    "custom_weather",
    "drive_until_empty",
    "real_world_matrix",
    "steady",
    "steady_ranges",
    "towing_range",
]
