"""Slow reads: the claims check and the headline card (seconds; stored checks are reused)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ..report.card import headline_card
from ..study.claims import DEFAULT_SAMPLES, check_claims
from .errors import field_errors
from .routes_vehicles import VehiclePath, shipped_vehicle
from .slots import simulates

router = APIRouter(tags=["reports"])


@router.get("/claims/{vehicle}", summary="The claims check (as `evtwin claims --json`)")
@simulates
def claims(
    vehicle: VehiclePath,
    samples: Annotated[
        int, Query(ge=64, le=8192, description="Draws of the unknowns (as `--samples`).")
    ] = DEFAULT_SAMPLES,
) -> dict[str, Any]:
    """For each published claim, the probability that it holds on WLTP, the EPA label and
    a UK winter motorway, with each test's 90 % interval and its drivers.

    Run in this process, serially, the first time (tens of seconds for 2,048 draws), then
    read back from its store in the user's cache (``$EVTWIN_CACHE_DIR``).
    """
    spec = shipped_vehicle(vehicle)
    with field_errors(("path", "vehicle")):
        return check_claims(spec, samples=samples).to_dict()


@router.get("/report/{vehicle}", summary="The headline card (as `evtwin report --json`)")
@simulates
def report(
    vehicle: VehiclePath,
    offroad: Annotated[bool, Query(description="Include the off-road scorecard.")] = True,
    claims: Annotated[bool, Query(description="Include the claims check.")] = True,
) -> dict[str, Any]:
    """WLTP and EPA bands over the spec's uncertainty, the claims against them, real-world
    range, performance, charging, money, geometry, the off-road scorecard, the claims
    check and the rivals (about 10 s with the stored claims check)."""
    spec = shipped_vehicle(vehicle)
    with field_errors(("path", "vehicle")):
        return headline_card(spec, offroad=offroad, claims=claims).to_dict()


__all__ = ["router"]
