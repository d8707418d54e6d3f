"""Request bodies of the API: frozen pydantic models that reject unknown fields.

Bounds are those of the command line's flags (``evtwin conditions --temp-c`` is -20
to 40 C, and so on), so a request the API accepts is one the CLI would run. Ids
(vehicle, cycle, trailer, surface, architecture, scenario, mode) are checked against
what ships and listed as enums in the OpenAPI schema. Vehicles are shipped ids only:
the CLI also reads vehicle and cycle files, which a server must not open for a client.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from ..configurator import BuildFields, trailer_presets
from ..configurator.build_request import enum_schema, one_of
from ..cycles import ALIASES, cycle_names
from ..physics.traction import SURFACES
from ..sim.offroad import architecture_names
from ..sim.offroad_scenarios import SCENARIOS
from ..specs import vehicle_names
from ..specs.terrain_response import MODE_IDS

DEFAULT_VEHICLE = "defender-sport"


_VEHICLES = vehicle_names()
_CYCLES = [*cycle_names(), *ALIASES]
_TRAILERS = list(trailer_presets())

VehicleId = Annotated[str, one_of("vehicle", _VEHICLES), enum_schema(_VEHICLES)]
CycleName = Annotated[str, one_of("cycle", _CYCLES), enum_schema(_CYCLES)]
TrailerId = Annotated[str, one_of("trailer", _TRAILERS), enum_schema(_TRAILERS)]
Surface = Annotated[str, one_of("surface", list(SURFACES)), enum_schema(list(SURFACES))]
Architecture = Annotated[
    str, one_of("architecture", architecture_names()), enum_schema(architecture_names())
]
Scenario = Annotated[str, one_of("scenario", list(SCENARIOS)), enum_schema(list(SCENARIOS))]
Mode = Annotated[str, one_of("mode", MODE_IDS), enum_schema(MODE_IDS)]
# Option ids differ by vehicle; the configurator checks them against the vehicle's
# catalogue and names the offending ones (a 422 on ``options``).
OptionId = Annotated[str, Field(min_length=1, max_length=64)]
Options = Annotated[list[OptionId], Field(max_length=32)]


class Request(BaseModel):
    """Base of every request body: unknown fields, NaN and infinities are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class RangeRequest(Request):
    """``evtwin range``: WLTP and EPA without a cycle, else that built-in cycle; with
    ``options``, of the configured car."""

    vehicle: VehicleId = DEFAULT_VEHICLE
    cycle: CycleName | None = None
    options: Options = []


class BuildRequest(Request):
    """``evtwin configure``: a vehicle, its options, who and what it carries, a trailer."""

    vehicle: VehicleId = DEFAULT_VEHICLE
    options: Options = []
    passengers: int = Field(0, ge=0, le=8, description="People aboard besides the driver.")
    payload_kg: float = Field(0.0, ge=0.0, le=2000.0, description="Luggage and load [kg].")
    trailer: TrailerId | None = None


# The configurator's build, so that a saved build is exactly a request (and cannot drift).
class EvaluateRequest(BuildFields):
    """One build's every figure, and a steady run in given conditions if either is given."""


class ConditionsRequest(Request):
    """``evtwin conditions``: the real-world matrix, and a steady run if either is given."""

    vehicle: VehicleId = DEFAULT_VEHICLE
    temperature_c: float | None = Field(None, ge=-20.0, le=40.0, description="Air [C].")
    speed_mph: float | None = Field(None, ge=10.0, le=100.0, description="Steady speed [mph].")
    payload_kg: float = Field(0.0, ge=0.0, le=1500.0, description="Beyond the driver [kg].")


class PerfRequest(Request):
    """``evtwin perf``: acceleration, top speed, grades and, with a trailer mass, towing."""

    vehicle: VehicleId = DEFAULT_VEHICLE
    soc_pct: float = Field(90.0, ge=0.0, le=100.0, description="State of charge [%].")
    temperature_c: float = Field(20.0, ge=-30.0, le=50.0, description="Air and battery [C].")
    trailer_kg: float | None = Field(None, ge=50.0, le=5000.0, description="Laden trailer [kg].")
    surface: Surface = "dry_asphalt"


class ChargeRequest(Request):
    """``evtwin charge``: a DC (or on-board AC) session between two displayed SOCs."""

    vehicle: VehicleId = DEFAULT_VEHICLE
    charger_kw: float = Field(350.0, ge=10.0, le=1000.0, description="DC charger [kW].")
    soc_from_pct: float = Field(10.0, ge=0.0, le=100.0, description="Start [%].")
    soc_to_pct: float = Field(80.0, ge=0.0, le=100.0, description="End [%].")
    temperature_c: float = Field(25.0, ge=-30.0, le=45.0, description="Air [C].")
    cold_battery: bool = False
    ac: bool = False

    @field_validator("soc_to_pct")
    @classmethod
    def _above_start(cls, v: float, info: ValidationInfo) -> float:
        # A field validator (not a model one) so that the error names soc_to_pct.
        start = info.data.get("soc_from_pct")
        if start is not None and not start < v:
            raise ValueError(f"soc_to_pct ({v:g}) must be above soc_from_pct ({start:g})")
        return v


class OffroadRequest(Request):
    """``evtwin offroad``: one scenario or the suite, one architecture or the vehicle's."""

    vehicle: str = Field(DEFAULT_VEHICLE, min_length=1, max_length=64)
    scenario: Scenario | None = None
    architecture: Architecture | None = None
    mode: Mode | None = None
    traces: bool = Field(False, description="With a scenario: include its time traces.")


__all__ = [
    "DEFAULT_VEHICLE",
    "BuildRequest",
    "ChargeRequest",
    "ConditionsRequest",
    "EvaluateRequest",
    "OffroadRequest",
    "PerfRequest",
    "RangeRequest",
]
