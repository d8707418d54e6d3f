"""``evtwin offroad``: the off-road scenario suite, architectures side by side."""

from __future__ import annotations

import contextlib
import math
from typing import Annotated, Any

import typer
from rich.table import Table

from ..cli_support import DEFAULT_VEHICLE, JsonOpt, VehicleArg, err, input_errors, out, print_json


def _cell(score: float, unit: str, passed: bool, mode: str) -> str:
    value = "-" if not math.isfinite(score) else f"{score:.2f} {unit}"
    return f"{value} {'pass' if passed else 'FAIL'} ({mode})"


@input_errors
def offroad(
    vehicle: VehicleArg = DEFAULT_VEHICLE,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", help="Run one scenario (default: the whole suite)."),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            help="Terrain Response mode for every run (comfort, grass_gravel_snow, mud_ruts, "
            "sand, rock_crawl, wade, auto); default: the mode each scenario is made for.",
        ),
    ] = None,
    architecture: Annotated[
        str | None,
        typer.Option("--architecture", help="One drivetrain architecture (default: all of them)."),
    ] = None,
    traces: Annotated[
        bool, typer.Option("--traces", help="With --json and --scenario: include time traces.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Off-road capability: split-friction hill, roller tests, low-friction climb, rock
    step, sand, wading and a steep descent, for the Defender Sport's drivetrain options
    against a mechanical Defender 110 and a road SUV, with pass/fail, scores and energy."""
    from ..sim.offroad import architecture_names, run_suite
    from ..sim.offroad_scenarios import SCENARIOS
    from ..specs.offroad_architecture import load_architectures
    from ..specs.terrain_response import MODE_IDS

    archs = {a.id: a for a in load_architectures().architectures}
    if scenario is not None and scenario not in SCENARIOS:
        raise ValueError(f"--scenario {scenario!r} is not one of {', '.join(SCENARIOS)}")
    if mode is not None and mode not in MODE_IDS:
        raise ValueError(f"--mode {mode!r} is not one of {', '.join(MODE_IDS)}")
    if architecture is not None:
        if architecture not in archs:
            raise ValueError(
                f"--architecture {architecture!r} is not one of {', '.join(architecture_names())}"
            )
        chosen: tuple[str, ...] = (architecture,)
    elif vehicle == DEFAULT_VEHICLE:
        chosen = tuple(architecture_names())
    else:
        chosen = tuple(a.id for a in archs.values() if vehicle in (a.vehicle, a.reference))
        if not chosen:
            known = sorted({a.vehicle or a.reference or a.id for a in archs.values()})
            raise ValueError(
                f"VEHICLE {vehicle!r} has no off-road architecture; known: {', '.join(known)}"
            )
    for a in chosen:
        if mode not in (None, "comfort") and not archs[a].terrain_response:
            err.print(f"note: {archs[a].name} has no off-road modes; it runs in Comfort")
    scenarios = (scenario,) if scenario is not None else tuple(SCENARIOS)
    busy = err.status("simulating...", spinner="dots") if not json_ else contextlib.nullcontext()
    with busy:
        card = run_suite(chosen, scenarios, mode)
    if json_:
        data = card.to_dict()
        if traces and scenario is not None:
            for a in chosen:
                data["results"][a][scenario] = card.results[a][scenario].to_dict(traces=True)
        print_json(data)
        return
    print_scorecard(card.to_dict())


def print_scorecard(data: dict[str, Any]) -> None:
    """Render a scorecard (``Scorecard.to_dict()``) as the scores and the energy tables."""
    from ..sim.offroad_scenarios import SCENARIOS
    from ..specs.offroad_architecture import load_architectures

    archs = {a.id: a for a in load_architectures().architectures}
    names = {k: a.name for k, a in archs.items()}
    chosen = data["architectures"]
    scenarios = data["scenarios"]
    results = data["results"]
    t = Table(title="Off-road scorecard (score, pass/fail, mode)")
    t.add_column("scenario")
    for a in chosen:
        t.add_column(names.get(a, a), justify="right")
    for s in scenarios:
        row = [SCENARIOS[s].name]
        for a in chosen:
            r = results[a][s]
            score = r["score"] if r["score"] is not None else math.nan
            row.append(_cell(score, r["score_unit"], r["passed"], r["mode"]))
        t.add_row(*row)
    out.print(t)
    e = Table(title="Energy per km of each scenario, kWh/km (mechanical: engine work)")
    e.add_column("scenario")
    for a in chosen:
        e.add_column(a, justify="right")
    for s in scenarios:
        cells = []
        for a in chosen:
            v = results[a][s]["energy_kwh_per_km"]
            cells.append("-" if v is None or not math.isfinite(v) else f"{v:.2f}")
        e.add_row(SCENARIOS[s].name, *cells)
    out.print(e)
    for a in chosen:
        if a in archs and archs[a].limitation:
            out.print(f"limitation, {names[a]}: {archs[a].limitation}")
