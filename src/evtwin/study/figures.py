"""Every headline figure of one vehicle as driven: range on the test cycles and in the
real world, performance, charging and, with a trailer, towing.

This is what ``evtwin configure`` prints for a build beside its base car, and what
the report gives for the default vehicle. Each figure is a fresh simulation of the
spec it is given (nothing is scaled from another result), so a configured build's
figures are those of its modified spec. The WLTP, EPA and charging figures depend on the
spec alone, so they are simulated once per spec (cached by its content) and shared by
every load and trailer it is evaluated with.

Load conventions (stated because every procedure has its own):

- WLTP and EPA ranges use their procedures' test masses, derived from the spec's kerb
  mass (so options that add mass count, people and luggage do not);
- real-world ranges and performance carry the driver (75 kg) plus ``load_kg``;
- charging is a 10-80 % session on a 350 kW charger (920 V, 500 A) at 25 C with the
  battery preconditioned, its range added at the car's WLTP consumption.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..sim.charge_result import ChargeResult
from ..sim.chargers import HPC_350, Charger
from ..sim.charging import charge_session
from ..sim.label import epa_label, usable_energy, wltp
from ..sim.performance import PerformanceResult, performance
from ..sim.prepare import DRIVER_MASS_KG, LruCache
from ..sim.real_world import (
    RangeRun,
    RealWorldMatrix,
    UntilEmpty,
    drive_until_empty_many,
    matrix_runs,
    towing_runs,
)
from ..sim.trailer import Trailer
from ..specs import VehicleSpec

Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Row:
    """One figure of the side-by-side table: its key, label, unit and which way is better."""

    key: str
    label: str
    unit: str
    better: Better
    digits: int = 0


#: The figures of :meth:`Figures.flat`, in the order shown.
ROWS: tuple[Row, ...] = (
    Row("wltp_range_km", "WLTP range", "km", "higher"),
    Row("wltp_kwh_per_100km", "WLTP consumption (from the wall)", "kWh/100 km", "lower", 1),
    Row("epa_range_mi", "EPA label range", "mi", "higher"),
    Row("real_world_headline_km", "Real-world range (mean of cold and mild)", "km", "higher"),
    Row(
        "real_world_kwh_per_100km",
        "Real-world consumption (from the wall)",
        "kWh/100 km",
        "lower",
        1,
    ),
    Row("real_world_cold_combined_km", "Real-world, cold (-10 C), combined", "km", "higher"),
    Row("real_world_mild_combined_km", "Real-world, mild (23 C), combined", "km", "higher"),
    Row("real_world_cold_motorway_km", "Real-world, cold, motorway 110 km/h", "km", "higher"),
    Row("real_world_mild_motorway_km", "Real-world, mild, motorway 110 km/h", "km", "higher"),
    Row("uk_winter_motorway_70mph_mi", "UK winter motorway, 70 mph, 4 C", "mi", "higher"),
    Row("accel_0_60_mph_s", "0-60 mph", "s", "lower", 1),
    Row("accel_0_100_kph_s", "0-100 km/h", "s", "lower", 1),
    Row("accel_50_70_mph_s", "50-70 mph", "s", "lower", 1),
    Row("top_speed_kph", "Top speed", "km/h", "higher"),
    Row("charge_10_80_min", "DC 10-80 % (350 kW charger)", "min", "lower", 1),
    Row("charge_added_10min_km", "Range added in 10 min", "km", "higher"),
    Row("charge_added_15min_km", "Range added in 15 min", "km", "higher"),
    Row("charge_added_20min_km", "Range added in 20 min", "km", "higher"),
    Row("towing_0_60_mph_s", "Towing: 0-60 mph", "s", "lower", 1),
    Row("towing_hill_start_pct", "Towing: steepest hill start", "%", "higher"),
    Row("towing_range_60mph_km", "Towing: range at 60 mph", "km", "higher"),
)


@dataclass(frozen=True)
class Figures:
    """The headline figures of one vehicle as loaded."""

    vehicle: str
    name: str
    load_kg: float  # aboard beyond the driver (real-world and performance runs)
    wltp_range_km: float
    wltp_kwh_per_100km: float  # AC from the wall
    epa_range_mi: float
    real_world: RealWorldMatrix
    performance: PerformanceResult
    charging: ChargeResult
    towing: tuple[RangeRun, RangeRun] | None  # (solo, with the trailer) at 60 mph
    # The charging summary of ``to_dict``, when worked out already (it rounds every
    # sample of the session's traces to make the full dictionary it is taken from).
    charging_summary: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def real_world_wall_kwh_per_100km(self) -> float:
        """Energy from the wall per distance over the real-world matrix: the mean of city
        and motorway (combined) in cold and in mild weather, as the headline range is."""
        cases = ("city/cold", "motorway/cold", "city/mild", "motorway/mild")
        return sum(self.real_world.get(c).wall_kwh_per_100km for c in cases) / len(cases)

    def flat(self) -> dict[str, float | None]:
        """The figures of :data:`ROWS` by key (None where not computed)."""
        rw = self.real_world
        acc = self.performance.acceleration
        added = {m: self.charging.range_added(60.0 * m) for m in (10, 15, 20)}
        tow = self.performance.towing
        d: dict[str, float | None] = {
            "wltp_range_km": self.wltp_range_km,
            "wltp_kwh_per_100km": self.wltp_kwh_per_100km,
            "epa_range_mi": self.epa_range_mi,
            "real_world_headline_km": rw.headline_km,
            "real_world_kwh_per_100km": self.real_world_wall_kwh_per_100km,
            "real_world_cold_combined_km": rw.combined_km("cold"),
            "real_world_mild_combined_km": rw.combined_km("mild"),
            "real_world_cold_motorway_km": rw.get("motorway/cold").range_km,
            "real_world_mild_motorway_km": rw.get("motorway/mild").range_km,
            "uk_winter_motorway_70mph_mi": rw.get("uk_winter_motorway_70mph").range_mi,
            "accel_0_60_mph_s": _finite(acc.accel_0_60_mph_s),
            "accel_0_100_kph_s": _finite(acc.accel_0_100_kph_s),
            "accel_50_70_mph_s": _finite(acc.accel_50_70_mph_s),
            "top_speed_kph": self.performance.top_speed.top_speed_kph,
            "charge_10_80_min": _minutes(self.charging.time_10_80),
            "charge_added_10min_km": _km(added[10]),
            "charge_added_15min_km": _km(added[15]),
            "charge_added_20min_km": _km(added[20]),
            "towing_0_60_mph_s": _finite(tow.acceleration.accel_0_60_mph_s) if tow else None,
            "towing_hill_start_pct": tow.grade.start_grade_pct if tow else None,
            "towing_range_60mph_km": self.towing[1].range_km if self.towing else None,
        }
        return d

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the flat figures, then each procedure's own summary."""
        return {
            "vehicle": self.vehicle,
            "name": self.name,
            "load_beyond_driver_kg": self.load_kg,
            "figures": {k: _round(v) for k, v in self.flat().items()},
            "real_world": self.real_world.to_dict(),
            "performance": self.performance.to_dict(),
            "charging": (
                copy.deepcopy(self.charging_summary)
                if self.charging_summary is not None
                else _charging_summary(self.charging)
            ),
            "towing_range": (
                {"solo": self.towing[0].to_dict(), "with_trailer": self.towing[1].to_dict()}
                if self.towing
                else None
            ),
        }


@dataclass(frozen=True)
class _Unladen:
    """The figures that depend on the spec alone: the test procedures set their own
    masses, and the charging session's range is at the WLTP consumption."""

    wltp_range_km: float
    wltp_kwh_per_100km: float
    epa_range_mi: float
    charging: ChargeResult
    charging_summary: dict[str, Any]


_UNLADEN: LruCache[tuple[str, Charger], _Unladen] = LruCache(64)


def _unladen(spec: VehicleSpec, charger: Charger) -> _Unladen:
    """WLTP, EPA and charging of ``spec``, simulated once per spec and charger: a build
    that only changes what the car carries has the same ones (cached by content)."""
    key = (spec.content_hash, charger)
    hit = _UNLADEN.get(key)
    if hit is not None:
        return hit
    w = wltp(spec)
    e = epa_label(spec, adjustment="as_labelled")
    wltp_km = float(w.range_km[0])
    per_100km = usable_energy(spec) / 3.6e6 / wltp_km * 100.0
    charging = charge_session(spec, charger=charger, consumption_kwh_per_100km=per_100km)
    out = _Unladen(
        wltp_range_km=wltp_km,
        wltp_kwh_per_100km=float(w.consumption_ac_kwh_per_100km[0]),
        epa_range_mi=float(e.range_mi[0]),
        charging=charging,
        charging_summary=_charging_summary(charging),
    )
    return _UNLADEN.put(key, out)


def figures(
    spec: VehicleSpec,
    *,
    load_kg: float = 0.0,
    trailer: Trailer | None = None,
    charger: Charger = HPC_350,
) -> Figures:
    """Simulate every headline figure of ``spec`` carrying ``load_kg`` beyond the driver.

    A ``trailer`` adds towing figures (0-60, hill start, range at 60 mph); the other
    figures stay those of the car alone.
    """
    return figures_with(spec, (), load_kg=load_kg, trailer=trailer, charger=charger)[0]


def figures_with(
    spec: VehicleSpec,
    also: Sequence[UntilEmpty],
    *,
    load_kg: float = 0.0,
    trailer: Trailer | None = None,
    charger: Charger = HPC_350,
) -> tuple[Figures, list[RangeRun]]:
    """:func:`figures`, and the drives until empty ``also`` (in their order).

    Every drive until empty (the real-world matrix, towing, and ``also``) goes in one
    batch: the lap replay steps them side by side, so a run added here costs a
    fraction of the same run alone (the web API's steady run in chosen conditions).
    Each run's result is the one it has alone.
    """
    fixed = _unladen(spec, charger)
    runs = matrix_runs(spec, payload_kg=load_kg)
    n_matrix = len(runs)
    if trailer is not None:
        runs += towing_runs(spec, trailer, payload_kg=load_kg)
    n_own = len(runs)
    # The launch runs take the spare core while this thread sets up the drives until
    # empty (then it joins their replay).
    driven: list[RangeRun] = []
    perf = performance(
        spec,
        payload_kg=DRIVER_MASS_KG + load_kg,
        trailer=trailer,
        meanwhile=lambda: driven.extend(drive_until_empty_many([*runs, *also])),
    )
    towing = (driven[n_matrix], driven[n_matrix + 1]) if trailer is not None else None
    out = Figures(
        vehicle=spec.id,
        name=spec.name,
        load_kg=load_kg,
        wltp_range_km=fixed.wltp_range_km,
        wltp_kwh_per_100km=fixed.wltp_kwh_per_100km,
        epa_range_mi=fixed.epa_range_mi,
        real_world=RealWorldMatrix(spec.id, tuple(driven[:n_matrix])),
        performance=perf,
        charging=fixed.charging,
        charging_summary=fixed.charging_summary,
        towing=towing,
    )
    return out, driven[n_own:]


def _finite(x: float) -> float | None:
    return x if x == x and abs(x) != float("inf") else None


def _minutes(s: float | None) -> float | None:
    return None if s is None else s / 60.0


def _km(m: float | None) -> float | None:
    return None if m is None else m / 1e3


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def _charging_summary(c: ChargeResult) -> dict[str, Any]:
    d = c.to_dict()
    keep = (
        "charger",
        "soc_from_pct",
        "soc_to_pct",
        "temperature_ambient_c",
        "preconditioned",
        "duration_min",
        "time_10_80_min",
        "energy_grid_10_80_kwh",
        "peak_power_inlet_kw",
        "added",
    )
    return {k: d[k] for k in keep if k in d}


__all__ = ["ROWS", "Figures", "Row", "figures", "figures_with"]
