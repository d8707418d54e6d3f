"""The results a study can record, each with its unit and the procedure that makes it.

The names are the keys of :data:`evtwin.study.figures.ROWS` where both exist, so a
study's columns read like the headline card.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Procedure = Literal[
    "wltp", "epa", "winter", "steady", "performance", "charging", "geometry", "price", "offroad"
]


@dataclass(frozen=True)
class Output:
    """One recordable result."""

    name: str
    unit: str
    procedure: Procedure
    description: str


def _offroad_outputs() -> tuple[Output, ...]:
    from ..sim.offroad_scenarios import SCENARIOS, scenario

    outs = []
    for sid in SCENARIOS:
        sc = scenario(sid)
        better = "higher" if sc.higher_is_better else "lower"
        outs.append(
            Output(
                f"offroad_{sid}",
                sc.score_unit,
                "offroad",
                f"off-road score: {sc.name} ({better} is better; evtwin offroad)",
            )
        )
    outs.append(
        Output("offroad_passed", "count", "offroad", "off-road scenarios passed, of the suite")
    )
    return tuple(outs)


OUTPUTS: dict[str, Output] = {
    o.name: o
    for o in (
        Output("wltp_range_km", "km", "wltp", "WLTP pure electric range, combined"),
        Output("wltp_city_range_km", "km", "wltp", "WLTP pure electric range, city"),
        Output("wltp_kwh_per_100km", "kWh/100 km", "wltp", "WLTP consumption from the wall"),
        Output("epa_range_mi", "mi", "epa", "EPA label range, combined (0.7 adjustment)"),
        Output("epa_kwh_per_100mi", "kWh/100 mi", "epa", "EPA label consumption, combined"),
        Output(
            "winter_motorway_range_mi",
            "mi",
            "winter",
            "UK winter motorway: 70 mph at 4 C, heating on, from full until empty",
        ),
        Output(
            "steady_range_km",
            "km",
            "steady",
            "range at a steady speed in the study's conditions (conditions.*; default "
            "110 km/h, 23 C, no wind, the driver aboard), climate control at 21 C, full to empty",
        ),
        Output("accel_0_60_mph_s", "s", "performance", "0-60 mph, 1 ft rollout (evtwin perf)"),
        Output("accel_0_100_kph_s", "s", "performance", "0-100 km/h, no rollout"),
        Output("accel_50_70_mph_s", "s", "performance", "50-70 mph"),
        Output(
            "top_speed_kph", "km/h", "performance", "top speed (motor speed, power or governor)"
        ),
        Output(
            "charge_10_80_min",
            "min",
            "charging",
            "DC 10-80 % on a 350 kW charger at 25 C, preconditioned (evtwin charge)",
        ),
        Output("approach_deg", "deg", "geometry", "approach angle at the normal ride height"),
        Output("breakover_deg", "deg", "geometry", "breakover angle at the normal ride height"),
        Output("departure_deg", "deg", "geometry", "departure angle at the normal ride height"),
        Output("price_gbp", "GBP", "price", "list price of the build: base and options"),
        *_offroad_outputs(),
    )
}


@dataclass(frozen=True)
class Condition:
    """A condition a study may vary (``conditions.<name>``): it sets the
    ``steady_range_km`` run, not the standard tests."""

    name: str
    unit: str
    default: float
    low: float
    high: float
    description: str

    @property
    def path(self) -> str:
        return f"conditions.{self.name}"


CONDITIONS: dict[str, Condition] = {
    c.path: c
    for c in (
        Condition("temperature_c", "C", 23.0, -40.0, 50.0, "air temperature"),
        Condition("speed_kph", "km/h", 110.0, 10.0, 200.0, "steady speed"),
        Condition("payload_kg", "kg", 0.0, 0.0, 2000.0, "people and load beyond the driver"),
        Condition("wind_mps", "m/s", 0.0, -30.0, 30.0, "head wind (negative: tail wind)"),
    )
}

__all__ = ["CONDITIONS", "OUTPUTS", "Condition", "Output", "Procedure"]
