"""``evtwin charge``: a DC (or AC) charging session, its curve, time and range added."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer
from rich.table import Table

from ..cli_support import DEFAULT_VEHICLE, JsonOpt, VehicleArg, err, input_errors, out, print_json
from ..specs import load_vehicle


@input_errors
def charge(
    vehicle: VehicleArg = DEFAULT_VEHICLE,
    charger_kw: Annotated[
        float,
        typer.Option("--charger-kw", help="DC charger power [kW] (920 V, 500 A), 10 to 1000."),
    ] = 350.0,
    soc_from: Annotated[
        float, typer.Option("--from", help="Displayed state of charge at the start [%].")
    ] = 10.0,
    soc_to: Annotated[
        float, typer.Option("--to", help="Displayed state of charge at the end [%].")
    ] = 80.0,
    temp_c: Annotated[
        float, typer.Option("--temp-c", help="Air temperature [C], -30 to 45.")
    ] = 25.0,
    cold_battery: Annotated[
        bool,
        typer.Option(
            "--cold-battery", help="Arrive with the pack at air temperature (not preconditioned)."
        ),
    ] = False,
    ac: Annotated[
        bool, typer.Option("--ac", help="Charge on the car's on-board AC charger instead.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Charging: the power-against-SOC curve, the time between --from and --to, and the
    energy and range (at the WLTP rate) added in 10, 15 and 20 minutes."""
    from ..sim.chargers import AcCharger, DcCharger
    from ..sim.charging import charge_session
    from ..sim.label import usable_energy, wltp

    if not 10.0 <= charger_kw <= 1000.0:
        raise ValueError(f"--charger-kw must be from 10 to 1000, got {charger_kw:g}")
    if not 0.0 <= soc_from < soc_to <= 100.0:
        raise ValueError(
            f"--from and --to must satisfy 0 <= from < to <= 100, got {soc_from:g} and {soc_to:g}"
        )
    if not -30.0 <= temp_c <= 45.0:
        raise ValueError(f"--temp-c must be from -30 to 45, got {temp_c:g}")
    spec = load_vehicle(vehicle)
    busy = err.status("simulating...", spinner="dots") if not json_ else contextlib.nullcontext()
    with busy:
        w = wltp(spec)
        per_100km = usable_energy(spec) / 3.6e6 / float(w.range_km[0]) * 100.0
        charger = (
            AcCharger() if ac else DcCharger(power_kw=charger_kw, name=f"{charger_kw:g} kW DC")
        )
        res = charge_session(
            spec,
            charger=charger,
            soc_from=soc_from / 100.0,
            soc_to=soc_to / 100.0,
            temperature_c=temp_c,
            preconditioned=not cold_battery,
            consumption_kwh_per_100km=per_100km,
        )
    if json_:
        print_json(res.to_dict())
        return
    d = res.to_dict()
    out.print(f"[bold]{spec.name}[/] on {res.charger}, {temp_c:g} C")
    t = Table(title="Session")
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_row(f"{soc_from:g}-{soc_to:g} %", f"{d['duration_min']} min")
    if (soc_from, soc_to) != (10.0, 80.0) and d["time_10_80_min"] is not None:
        t.add_row("10-80 %", f"{d['time_10_80_min']} min")
    t.add_row("energy from the grid", f"{d['energy_grid_kwh']:.1f} kWh")
    t.add_row("energy into the battery", f"{d['energy_battery_kwh']:.1f} kWh")
    t.add_row("losses", f"{d['losses_kwh']['total_kwh']:.1f} kWh")
    t.add_row("peak power at the inlet", f"{d['peak_power_inlet_kw']:.0f} kW")
    for a in d["added"]:
        t.add_row(f"added in {a['minutes']} min", f"{a['energy_kwh']:.1f} kWh, {a['range_km']} km")
    out.print(t)
    c = Table(title="Power against displayed SOC")
    c.add_column("SOC %", justify="right")
    c.add_column("kW at the inlet", justify="right")
    lo, hi = int(soc_from), int(soc_to)
    for pct in range(lo - lo % 10 + (10 if lo % 10 else 0), hi + 1, 10):
        p = res.power_at(pct / 100.0)
        if p is not None:
            c.add_row(f"{pct}", f"{p / 1e3:.0f}")
    out.print(c)
    for note in res.notes:
        out.print(f"note: {note}")
