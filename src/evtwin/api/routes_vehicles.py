"""Reads: the shipped vehicles, one vehicle's spec, its options catalogue, the cycles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from ..configurator import catalogue_for, trailer_presets
from ..cycles import ALIASES, cycle_names, load_cycle
from ..report.summaries import vehicle_rows
from ..specs import VehicleSpec, load_vehicle, vehicle_names
from .errors import not_found

router = APIRouter(tags=["vehicles"])

# The enum is for the schema's readers (and fuzzers); an unknown id is answered 404 by
# :func:`shipped_vehicle`, not 422, as an unknown resource is.
VehiclePath = Annotated[
    str,
    Path(
        description="A shipped vehicle id (GET /api/vehicles).",
        json_schema_extra={"enum": vehicle_names()},
    ),
]


def shipped_vehicle(vehicle: str, loc: tuple[str, ...] = ("path", "vehicle")) -> VehicleSpec:
    """The shipped vehicle ``vehicle``; 404 naming ``loc`` for any other string.

    Only shipped ids are looked up: ``load_vehicle`` would also open a file path.
    """
    if vehicle not in vehicle_names():
        raise not_found(loc, f"no vehicle {vehicle!r}; known: {', '.join(vehicle_names())}")
    return load_vehicle(vehicle)


@router.get("/vehicles", summary="The shipped vehicles (as `evtwin vehicles --json`)")
def list_vehicles() -> list[dict[str, Any]]:
    """Id, name, status, drive, usable energy and kerb mass of every shipped vehicle."""
    return vehicle_rows()


@router.get("/vehicles/{vehicle}", summary="A vehicle's spec (as `evtwin show --json`)")
def show_vehicle(vehicle: VehiclePath) -> dict[str, Any]:
    """Every figure of the vehicle with its source and range, its sources and claims."""
    return shipped_vehicle(vehicle).model_dump(mode="json")


@router.get(
    "/vehicles/{vehicle}/options", summary="Options and trailers (as `evtwin options --json`)"
)
def vehicle_options(vehicle: VehiclePath) -> dict[str, Any]:
    """The vehicle's options catalogue (empty without one) and the trailer presets."""
    spec = shipped_vehicle(vehicle)
    cat = catalogue_for(spec.id)
    return {
        "vehicle": spec.id,
        "options": [o.model_dump(mode="json") for o in cat.options] if cat else [],
        "trailer_presets": {k: p.model_dump(mode="json") for k, p in trailer_presets().items()},
    }


@router.get("/cycles", summary="The built-in drive cycles")
def list_cycles() -> dict[str, Any]:
    """Each built-in cycle's name, duration, distance and mean speed, and the aliases."""
    rows = []
    for name in cycle_names():
        c = load_cycle(name)
        rows.append(
            {
                "name": name,
                "duration_s": float(c.duration),
                "distance_km": float(c.distance) / 1000.0,
                "max_speed_kph": c.max_speed * 3.6,
                "source": c.source,
            }
        )
    return {"cycles": rows, "aliases": dict(ALIASES)}


__all__ = ["router", "shipped_vehicle"]
