"""``evtwin conditions``: real-world range in cold and mild weather, and at your speed."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer
from rich.table import Table

from ..cli_support import DEFAULT_VEHICLE, JsonOpt, VehicleArg, err, input_errors, out, print_json
from ..specs import load_vehicle
from ..units import MPH


@input_errors
def conditions(
    vehicle: VehicleArg = DEFAULT_VEHICLE,
    temp_c: Annotated[
        float | None,
        typer.Option("--temp-c", help="Air temperature [C], -20 to 40, for your own case."),
    ] = None,
    speed_mph: Annotated[
        float | None,
        typer.Option("--speed-mph", help="Steady speed [mph], 10 to 100, for your own case."),
    ] = None,
    payload_kg: Annotated[
        float, typer.Option("--payload-kg", help="Occupants and load beyond the driver [kg].")
    ] = 0.0,
    json_: JsonOpt = False,
) -> None:
    """Real-world range: city, motorway and combined in cold (-10 C, heating) and mild
    (23 C, no A/C) weather, a UK winter motorway at 70 mph, and a steady run at
    --speed-mph and --temp-c if given. Each range is driven from full until empty."""
    from ..sim.real_world import custom_conditions, real_world_matrix

    if temp_c is not None and not -20.0 <= temp_c <= 40.0:
        raise ValueError(f"--temp-c must be from -20 to 40, got {temp_c:g}")
    if speed_mph is not None and not 10.0 <= speed_mph <= 100.0:
        raise ValueError(f"--speed-mph must be from 10 to 100, got {speed_mph:g}")
    if not 0.0 <= payload_kg <= 1500.0:
        raise ValueError(f"--payload-kg must be from 0 to 1500, got {payload_kg:g}")
    spec = load_vehicle(vehicle)
    busy = err.status("simulating...", spinner="dots") if not json_ else contextlib.nullcontext()
    with busy:
        matrix = real_world_matrix(spec, payload_kg=payload_kg)
        custom = None
        if temp_c is not None or speed_mph is not None:
            custom = custom_conditions(
                spec,
                temperature_c=20.0 if temp_c is None else temp_c,
                speed=(70.0 if speed_mph is None else speed_mph) * MPH,
                payload_kg=payload_kg,
            )
    if json_:
        data = matrix.to_dict()
        data["payload_kg"] = payload_kg
        if custom is not None:
            data["custom"] = custom.to_dict()
        print_json(data)
        return
    t = Table(title=f"{spec.name}: real-world range (payload {payload_kg:g} kg)")
    for col in ("case", "air C", "range km", "range mi", "kWh/100 km (battery)", "climate kW"):
        t.add_column(col, justify="left" if col == "case" else "right")
    rows = list(matrix.runs) + ([custom] if custom is not None else [])
    for r in rows:
        t.add_row(
            r.case,
            f"{r.temperature_c:g}",
            f"{r.range_km:.0f}",
            f"{r.range_mi:.0f}",
            f"{r.battery_kwh_per_100km:.1f}",
            f"{r.climate_kw:.2f}",
        )
    out.print(t)
    out.print(
        f"combined cold {matrix.combined_km('cold'):.0f} km, combined mild "
        f"{matrix.combined_km('mild'):.0f} km, headline {matrix.headline_km:.0f} km "
        "(mean of the two; definitions: evtwin conditions --json)"
    )
