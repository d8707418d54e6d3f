"""``evtwin perf``: acceleration, top speed, grades and towing, from the spec alone."""

from __future__ import annotations

import contextlib
import math
from typing import Annotated

import typer
from rich.table import Table

from ..cli_support import DEFAULT_VEHICLE, JsonOpt, VehicleArg, err, input_errors, out, print_json
from ..specs import load_vehicle

#: A generic trailer when only its mass is given: a twin-axle caravan-like box.
TRAILER_FRONTAL_AREA_M2 = 2.4
TRAILER_DRAG_COEFFICIENT = 0.5
TRAILER_ROLLING_RESISTANCE = 0.010


def _s(x: float | None, unit: str = "s") -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.1f} {unit}"


@input_errors
def perf(
    vehicle: VehicleArg = DEFAULT_VEHICLE,
    soc: Annotated[
        float, typer.Option("--soc", help="State of charge at the start, percent (0-100).")
    ] = 90.0,
    temp_c: Annotated[
        float, typer.Option("--temp-c", help="Air and battery temperature [C], -30 to 50.")
    ] = 20.0,
    trailer_kg: Annotated[
        float | None,
        typer.Option(
            "--trailer-kg",
            help="Tow a trailer of this laden mass [kg] (2.4 m2 frontal area, added Cd 0.5, "
            "Crr 0.010): its 0-60, hill start and the range at 60 mph.",
        ),
    ] = None,
    surface: Annotated[
        str, typer.Option("--surface", help="Surface of the runs (dry_asphalt, wet_asphalt, ...).")
    ] = "dry_asphalt",
    json_: JsonOpt = False,
) -> None:
    """Performance: 0-60 mph, 0-100 km/h, 50-70 mph, quarter mile, top speed (peak and
    sustained), the steepest grade it can start on and hold per surface, and towing."""
    from ..physics.traction import SURFACES
    from ..sim.performance import performance
    from ..sim.real_world import towing_range
    from ..sim.trailer import Trailer

    if not 0.0 <= soc <= 100.0:
        raise ValueError(f"--soc is a percentage from 0 to 100, got {soc:g}")
    if not -30.0 <= temp_c <= 50.0:
        raise ValueError(f"--temp-c must be from -30 to 50, got {temp_c:g}")
    if surface not in SURFACES:
        raise ValueError(f"--surface {surface!r} is not one of {', '.join(SURFACES)}")
    trailer = None
    if trailer_kg is not None:
        if not 50.0 <= trailer_kg <= 5000.0:
            raise ValueError(f"--trailer-kg must be from 50 to 5000, got {trailer_kg:g}")
        trailer = Trailer(
            mass_kg=trailer_kg,
            frontal_area_m2=TRAILER_FRONTAL_AREA_M2,
            drag_coefficient=TRAILER_DRAG_COEFFICIENT,
            rolling_resistance_coefficient=TRAILER_ROLLING_RESISTANCE,
        )
    spec = load_vehicle(vehicle)
    busy = err.status("simulating...", spinner="dots") if not json_ else contextlib.nullcontext()
    with busy:
        res = performance(
            spec, soc=soc / 100.0, temperature_c=temp_c, trailer=trailer, surface=surface
        )
        tow = towing_range(spec, trailer) if trailer is not None else None
    if json_:
        data = res.to_dict()
        if tow is not None:
            data["towing_range"] = {
                "speed_mph": 60.0,
                "solo_range_km": round(tow[0].range_km, 1),
                "towing_range_km": round(tow[1].range_km, 1),
                "solo_battery_kwh_per_100km": round(tow[0].battery_kwh_per_100km, 2),
                "towing_battery_kwh_per_100km": round(tow[1].battery_kwh_per_100km, 2),
            }
        print_json(data)
        return
    a = res.acceleration
    t = Table(title=f"{spec.name}: performance at {soc:g} % SOC, {temp_c:g} C, {surface}")
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_row("0-60 mph (1 ft rollout)", _s(a.accel_0_60_mph_s))
    t.add_row("0-100 km/h", _s(a.accel_0_100_kph_s))
    t.add_row("50-70 mph", _s(a.accel_50_70_mph_s))
    t.add_row("quarter mile", f"{_s(a.quarter_mile_s)} at {a.quarter_mile_trap_kph:.0f} km/h")
    t.add_row("what limited 0-100", a.limit_0_100)
    ts = res.top_speed
    t.add_row("top speed", f"{ts.top_speed_kph:.0f} km/h ({ts.limit})")
    t.add_row(
        "sustained top speed", f"{ts.sustained_top_speed_kph:.0f} km/h ({ts.sustained_limit})"
    )
    out.print(t)
    g = Table(title="Steepest grade, per surface")
    for col in ("surface", "mu", "start on", "hold at speed"):
        g.add_column(col, justify="left" if col == "surface" else "right")
    for gr in res.grades:
        g.add_row(
            gr.surface,
            f"{gr.friction_coefficient:.2f}",
            f"{gr.start_grade_pct:.0f} % ({gr.start_limit})",
            f"{gr.hold_grade_pct:.0f} % at {gr.hold_speed_kph:.0f} km/h ({gr.hold_limit})",
        )
    out.print(g)
    if res.towing is not None and tow is not None:
        tw = res.towing
        solo, towed = tow
        out.print(
            f"Towing {tw.trailer.mass_kg:.0f} kg: 0-60 mph "
            f"{_s(tw.acceleration.accel_0_60_mph_s)}, hill start "
            f"{tw.grade.start_grade_pct:.0f} % ({tw.grade.start_limit}); range at 60 mph "
            f"{towed.range_km:.0f} km against {solo.range_km:.0f} km solo "
            f"({towed.battery_kwh_per_100km:.1f} vs {solo.battery_kwh_per_100km:.1f} kWh/100 km)"
        )
