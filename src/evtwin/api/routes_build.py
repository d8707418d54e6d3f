"""Builds: a configuration beside its base car, and the configurator's live evaluation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..configurator import build_from_args
from ..study.build_comparison import compare_build
from .encoding import SafeJSONResponse
from .errors import field_errors
from .evaluate import evaluate
from .models import BuildRequest, EvaluateRequest
from .slots import simulates

router = APIRouter(tags=["builds"])


@router.post("/configure", summary="A build beside its base car (as `evtwin configure --json`)")
@simulates
def configure(req: BuildRequest) -> dict[str, Any]:
    """Price, grant, running cost and every figure of the build and of its base car
    carrying the same people, payload and trailer (two full simulations)."""
    with field_errors(("body", "options")):
        build = build_from_args(
            req.vehicle,
            req.options,
            passengers=req.passengers,
            payload_kg=req.payload_kg,
            trailer=req.trailer,
        )
    with field_errors(("body",)):
        return compare_build(build).to_dict()


@router.post("/evaluate", summary="Every figure of one build (the configurator's view)")
@simulates
def evaluate_build(req: EvaluateRequest) -> SafeJSONResponse:
    """WLTP, EPA, the real-world matrix, performance, DC 10-80 %, geometry, price and
    grant of the build, and a steady run if ``temperature_c`` or ``speed_kph`` is given."""
    # Encoded here: FastAPI's own pass over a returned dict (validation and
    # jsonable_encoder) costs some 2 ms of this route's budget and changes nothing.
    return SafeJSONResponse(evaluate(req))


__all__ = ["router"]
