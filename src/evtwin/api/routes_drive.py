"""Evaluations of one vehicle as it ships: range, real-world range, performance, charging.

Each route makes the library calls its command makes and returns the same dictionary
as the command's ``--json`` (``tests/api`` holds them to it). The range summary is
assembled here as ``evtwin range`` assembles it, from the procedures' results.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..configurator import build_from_args
from ..cycles import load_cycle
from ..sim.chargers import AcCharger, DcCharger
from ..sim.charging import charge_session
from ..sim.drive import simulate
from ..sim.label import epa_label, usable_energy, wltp
from ..sim.performance import performance
from ..sim.prepare import RunOptions
from ..sim.real_world import custom_conditions, real_world_matrix, towing_range
from ..sim.trailer import Trailer
from ..specs import VehicleSpec, load_vehicle
from ..units import KWH, MILE, MPH
from .errors import field_errors
from .models import ChargeRequest, ConditionsRequest, PerfRequest, RangeRequest

router = APIRouter(tags=["drive"])

#: The energy breakdown's rows as ``evtwin range`` gives them (motor and inverter
#: together: the EPA-calibrated loss model fixes their sum, not how it divides).
BREAKDOWN_ROWS = (
    "aero",
    "rolling",
    "grade",
    "inertia",
    "drivetrain",
    "motor_and_inverter",
    "battery",
    "auxiliary",
    "friction_brakes",
)

#: ``evtwin perf --trailer-kg``'s generic trailer: a twin-axle caravan-like box.
TRAILER_FRONTAL_AREA_M2 = 2.4
TRAILER_DRAG_COEFFICIENT = 0.5
TRAILER_ROLLING_RESISTANCE = 0.010


def _breakdown_wh_per_km(energy: dict[str, float], distance_m: float) -> dict[str, float]:
    merged = dict(energy)
    merged["motor_and_inverter"] = energy["motor"] + energy["inverter"]
    return {k: merged[k] / 3600.0 / (distance_m / 1000.0) for k in BREAKDOWN_ROWS}


def _procedures(spec: VehicleSpec) -> tuple[dict[str, Any], dict[str, float], float]:
    w = wltp(spec)
    e = epa_label(spec)
    e_own = epa_label(spec, adjustment="as_labelled")
    data: dict[str, Any] = {
        "vehicle": spec.id,
        "wltp": {
            "range_km": float(w.range_km[0]),
            "range_mi": float(w.range[0] / MILE),
            "city_range_km": float(w.range_city[0] / 1000.0),
            "consumption_ac_kwh_per_100km": float(w.consumption_ac_kwh_per_100km[0]),
            "consumption_dc_kwh_per_100km": float(w.consumption_dc[0] * 1e5 / KWH),
            "test_mass_kg": float(w.test_mass[0]),
        },
        "epa": {
            "range_mi": float(e.range_mi[0]),
            "city_range_mi": float(e.range_city[0] / MILE),
            "highway_range_mi": float(e.range_highway[0] / MILE),
            "kwh_per_100mi": float(e.kwh_per_100mi[0]),
            "mpge": float(e.mpge[0]),
            "test_weight_lb": float(e.test_mass[0] / 0.45359237),
            "label_factor": float(e.adjustment[0]),
        },
        "epa_as_labelled": {
            "label_factor": float(e_own.adjustment[0]),
            "range_mi": float(e_own.range_mi[0]),
            "kwh_per_100mi": float(e_own.kwh_per_100mi[0]),
        },
        "breakdown_cycle": "wltc_class3b",
    }
    return data, w.drive.energy.item(0), float(w.drive.distance[0])


def _on_cycle(spec: VehicleSpec, name: str) -> tuple[dict[str, Any], dict[str, float], float]:
    cyc = load_cycle(name)
    lo, hi = spec.battery.soc_window
    r = simulate(spec, cyc, options=RunOptions(payload_kg=75.0, soc_start=0.5 * (lo + hi)))
    energy = r.energy.item(0)
    dist = float(r.distance[0])
    chem_per_m = energy["battery_chemical"] / dist
    data: dict[str, Any] = {
        "vehicle": spec.id,
        "cycle": cyc.name,
        "distance_km": dist / 1000.0,
        "consumption_dc_kwh_per_100km": float(r.battery_terminal[0]) / dist * 1e5 / KWH,
        "range_km": spec.battery.usable_energy_kwh.value * KWH / chem_per_m / 1000.0,
        "trace_missed_s": float(r.trace_miss.time_missed[0]),
        "max_speed_deficit_kph": float(r.trace_miss.max_speed_deficit[0] * 3.6),
        "breakdown_cycle": cyc.name,
    }
    data["range_mi"] = data["range_km"] * 1000.0 / MILE
    return data, energy, dist


def range_summary(spec: VehicleSpec, cycle: str | None) -> dict[str, Any]:
    """``evtwin range --json`` of ``spec``: WLTP and EPA, or the built-in ``cycle`` at 20 C
    with a 75 kg driver from the middle of the SOC window; with the energy breakdown."""
    data, energy, dist = _procedures(spec) if cycle is None else _on_cycle(spec, cycle)
    data["breakdown_wh_per_km"] = _breakdown_wh_per_km(energy, dist)
    data["regen_recovered_wh_per_km"] = energy["regen_recovered"] / 3.6 / dist
    data["battery_chemical_wh_per_km"] = energy["battery_chemical"] / 3.6 / dist
    return data


@router.post("/range", summary="Range and consumption (as `evtwin range --json`)")
def range_(req: RangeRequest) -> dict[str, Any]:
    """WLTP and EPA range (or the range on a cycle) with the energy breakdown; with
    ``options``, of the car so configured."""
    with field_errors(("body", "options")):
        spec = (
            build_from_args(req.vehicle, req.options).spec
            if req.options
            else load_vehicle(req.vehicle)
        )
    with field_errors(("body", "cycle")):
        return range_summary(spec, req.cycle)


@router.post("/conditions", summary="Real-world range (as `evtwin conditions --json`)")
def conditions(req: ConditionsRequest) -> dict[str, Any]:
    """City, motorway and combined range in cold and mild weather, a UK winter motorway,
    and a steady run at ``speed_mph`` and ``temperature_c`` if either is given."""
    spec = load_vehicle(req.vehicle)
    with field_errors(("body",)):
        data = real_world_matrix(spec, payload_kg=req.payload_kg).to_dict()
        data["payload_kg"] = req.payload_kg
        if req.temperature_c is not None or req.speed_mph is not None:
            data["custom"] = custom_conditions(
                spec,
                temperature_c=20.0 if req.temperature_c is None else req.temperature_c,
                speed=(70.0 if req.speed_mph is None else req.speed_mph) * MPH,
                payload_kg=req.payload_kg,
            ).to_dict()
    return data


def generic_trailer(mass_kg: float) -> Trailer:
    """``evtwin perf --trailer-kg``'s trailer of a given laden mass."""
    return Trailer(
        mass_kg=mass_kg,
        frontal_area_m2=TRAILER_FRONTAL_AREA_M2,
        drag_coefficient=TRAILER_DRAG_COEFFICIENT,
        rolling_resistance_coefficient=TRAILER_ROLLING_RESISTANCE,
    )


@router.post("/perf", summary="Performance (as `evtwin perf --json`)")
def perf(req: PerfRequest) -> dict[str, Any]:
    """0-60 mph, 0-100 km/h, 50-70 mph, quarter mile, top speed, grades and towing."""
    spec = load_vehicle(req.vehicle)
    trailer = generic_trailer(req.trailer_kg) if req.trailer_kg is not None else None
    with field_errors(("body",)):
        res = performance(
            spec,
            soc=req.soc_pct / 100.0,
            temperature_c=req.temperature_c,
            trailer=trailer,
            surface=req.surface,
        )
        data = res.to_dict()
        if trailer is not None:
            solo, towed = towing_range(spec, trailer)
            data["towing_range"] = {
                "speed_mph": 60.0,
                "solo_range_km": round(solo.range_km, 1),
                "towing_range_km": round(towed.range_km, 1),
                "solo_battery_kwh_per_100km": round(solo.battery_kwh_per_100km, 2),
                "towing_battery_kwh_per_100km": round(towed.battery_kwh_per_100km, 2),
            }
    return data


@router.post("/charge", summary="A charging session (as `evtwin charge --json`)")
def charge(req: ChargeRequest) -> dict[str, Any]:
    """The power curve, the time between the two SOCs, and the energy and range added."""
    spec = load_vehicle(req.vehicle)
    with field_errors(("body",)):
        w = wltp(spec)
        per_100km = usable_energy(spec) / 3.6e6 / float(w.range_km[0]) * 100.0
        charger = (
            AcCharger()
            if req.ac
            else DcCharger(power_kw=req.charger_kw, name=f"{req.charger_kw:g} kW DC")
        )
        res = charge_session(
            spec,
            charger=charger,
            soc_from=req.soc_from_pct / 100.0,
            soc_to=req.soc_to_pct / 100.0,
            temperature_c=req.temperature_c,
            preconditioned=not req.cold_battery,
            consumption_kwh_per_100km=per_100km,
        )
    return res.to_dict()


__all__ = ["generic_trailer", "range_summary", "router"]
