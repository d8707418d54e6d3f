"""Off road: one scenario or the suite, for one drivetrain architecture or a vehicle's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..sim.offroad import architecture_names, run_suite
from ..sim.offroad_scenarios import SCENARIOS
from ..specs.offroad_architecture import load_architectures
from .errors import field_errors, invalid
from .models import DEFAULT_VEHICLE, OffroadRequest
from .slots import simulates

router = APIRouter(tags=["offroad"])


def chosen_architectures(vehicle: str, architecture: str | None) -> tuple[str, ...]:
    """The architectures to run, as ``evtwin offroad`` chooses them: the one named; all
    of them for the Defender Sport; else those of (or referring to) ``vehicle``."""
    if architecture is not None:
        return (architecture,)
    if vehicle == DEFAULT_VEHICLE:
        return tuple(architecture_names())
    archs = load_architectures().architectures
    chosen = tuple(a.id for a in archs if vehicle in (a.vehicle, a.reference))
    if not chosen:
        known = sorted({a.vehicle or a.reference or a.id for a in archs})
        raise invalid(
            ("body", "vehicle"),
            f"vehicle {vehicle!r} has no off-road architecture; known: {', '.join(known)}",
        )
    return chosen


@router.post("/offroad", summary="Off-road scorecard (as `evtwin offroad --json`)")
@simulates
def offroad(req: OffroadRequest) -> dict[str, Any]:
    """Pass/fail, score and energy of each scenario for each architecture, in the mode
    given or the one each scenario is made for; with one scenario and ``traces``, its
    time traces too. The whole suite for every architecture takes seconds."""
    chosen = chosen_architectures(req.vehicle, req.architecture)
    scenarios = (req.scenario,) if req.scenario is not None else tuple(SCENARIOS)
    with field_errors(("body",)):
        card = run_suite(chosen, scenarios, req.mode)
        data = card.to_dict()
        if req.traces and req.scenario is not None:
            for a in chosen:
                data["results"][a][req.scenario] = card.results[a][req.scenario].to_dict(
                    traces=True
                )
    return data


__all__ = ["chosen_architectures", "router"]
