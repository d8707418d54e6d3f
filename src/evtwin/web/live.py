"""What the configurator recomputes as its controls move, split by what each control
touches, so a slider runs only the simulations it changes.

- The build (vehicle, options, passengers, payload, trailer) fixes every headline
  figure: :func:`evtwin.api.evaluate.evaluate`, memoised.
- The weather and speed sliders change only the steady run in those conditions
  (:func:`steady_run`) and the WLTC drive whose speed and state-of-charge traces and
  energy breakdown the page draws (:func:`wltc_drive`), each also memoised.

Builds are memoised too (:func:`build_for`): reapplying a catalogue's options to a
spec is pure, and the sliders ask for the same build again and again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..api.evaluate import evaluate
from ..api.models import EvaluateRequest
from ..configurator import OCCUPANT_KG, build_from_args
from ..configurator.build import Build
from ..report.summaries import breakdown_rows
from ..sim.drive import simulate
from ..sim.prepare import DRIVER_MASS_KG, RunOptions
from ..sim.real_world import RangeRun, custom_conditions, custom_weather
from ..units import KPH, KWH

#: Distinct builds and slider positions remembered.
CACHE_SIZE = 256


@dataclass(frozen=True)
class BuildKey:
    """A build as the configurator's controls describe it (hashable, for the memos)."""

    vehicle: str = "defender-sport"
    options: tuple[str, ...] = ()
    passengers: int = 0
    payload_kg: float = 0.0
    trailer: str | None = None

    def request(self) -> EvaluateRequest:
        return EvaluateRequest(
            vehicle=self.vehicle,
            options=list(self.options),
            passengers=self.passengers,
            payload_kg=self.payload_kg,
            trailer=self.trailer,
        )


@dataclass(frozen=True)
class WltcDrive:
    """One WLTC class 3b at given weather, with the build's load aboard."""

    time_s: np.ndarray
    speed_kph: np.ndarray
    soc_pct: np.ndarray
    breakdown: list[tuple[str, float, float]]  # (term, Wh/km, % of the battery's energy)
    battery_kwh_per_100km: float


@lru_cache(maxsize=CACHE_SIZE)
def build_for(key: BuildKey) -> Build:
    """The configured build (raises the configurator's errors, naming the option)."""
    return build_from_args(
        key.vehicle,
        key.options,
        passengers=key.passengers,
        payload_kg=key.payload_kg,
        trailer=key.trailer,
    )


def headline(key: BuildKey) -> dict[str, Any]:
    """Every headline figure of the build (the API's ``/evaluate``; memoised there)."""
    return evaluate(key.request())


def _load_kg(build: Build) -> float:
    # Aboard beyond the driver, as `evtwin configure` counts.
    return build.load_kg - OCCUPANT_KG


@lru_cache(maxsize=CACHE_SIZE)
def steady_run(key: BuildKey, temperature_c: float, speed_kph: float) -> RangeRun:
    """Range at a steady speed in the given air, climate control holding 21 C."""
    build = build_for(key)
    return custom_conditions(
        build.spec,
        temperature_c=temperature_c,
        speed=speed_kph * KPH,
        payload_kg=_load_kg(build),
    )


@lru_cache(maxsize=CACHE_SIZE)
def wltc_drive(key: BuildKey, temperature_c: float) -> WltcDrive:
    """The WLTC class 3b driven in the given air from the top of the usable window,
    the driver and the build's load aboard, climate control on."""
    build = build_for(key)
    spec = build.spec
    weather = custom_weather(temperature_c)
    climate = weather.climate
    opts = RunOptions(
        payload_kg=DRIVER_MASS_KG + _load_kg(build),
        climate=climate,
        soc_start=spec.battery.soc_window[1],
    )
    r = simulate(spec, "wltc_class3b", ambient=weather.ambient, options=opts)
    assert r.traces is not None
    lo, hi = spec.battery.soc_window
    dist = float(r.distance[0])
    return WltcDrive(
        time_s=r.traces.time,
        speed_kph=r.traces.speed[0] / KPH,
        # Displayed SOC: the share of the usable window left, as the car shows it.
        soc_pct=100.0 * (r.traces.soc[0] - lo) / (hi - lo),
        breakdown=breakdown_rows(r.energy.item(0), dist),
        battery_kwh_per_100km=float(r.energy.battery_chemical[0]) / KWH / dist * 1e5,
    )


def conditions(key: BuildKey, temperature_c: float, speed_kph: float) -> tuple[RangeRun, WltcDrive]:
    """Both runs the temperature and speed sliders change."""
    return steady_run(key, temperature_c, speed_kph), wltc_drive(key, temperature_c)


__all__ = [
    "CACHE_SIZE",
    "BuildKey",
    "WltcDrive",
    "build_for",
    "conditions",
    "headline",
    "steady_run",
    "wltc_drive",
]
