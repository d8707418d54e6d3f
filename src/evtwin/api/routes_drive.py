"""Evaluations of one vehicle as it ships: range, real-world range, performance, charging.

Each route makes the library calls its command makes and returns the same dictionary
as the command's ``--json`` (``tests/api`` holds them to it); the range summary is
``evtwin.report.summaries.range_summary``, which both use.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..configurator import build_from_args
from ..cycles import load_cycle
from ..report.summaries import range_summary
from ..sim.chargers import AcCharger, DcCharger
from ..sim.charging import charge_session
from ..sim.label import usable_energy, wltp
from ..sim.performance import performance
from ..sim.real_world import custom_conditions, real_world_matrix, towing_range
from ..sim.trailer import Trailer
from ..specs import load_vehicle
from ..units import MPH
from .errors import field_errors
from .models import ChargeRequest, ConditionsRequest, PerfRequest, RangeRequest
from .slots import simulates

router = APIRouter(tags=["drive"])

#: ``evtwin perf --trailer-kg``'s generic trailer: a twin-axle caravan-like box.
TRAILER_FRONTAL_AREA_M2 = 2.4
TRAILER_DRAG_COEFFICIENT = 0.5
TRAILER_ROLLING_RESISTANCE = 0.010


@router.post("/range", summary="Range and consumption (as `evtwin range --json`)")
@simulates
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
        cycle = None if req.cycle is None else load_cycle(req.cycle)
        return range_summary(spec, cycle)[0]


@router.post("/conditions", summary="Real-world range (as `evtwin conditions --json`)")
@simulates
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
@simulates
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
@simulates
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


__all__ = ["generic_trailer", "router"]
