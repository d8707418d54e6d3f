"""``evtwin claims``: the probability that each published claim holds, test by test."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..cli_support import DEFAULT_VEHICLE, JsonOpt, VehicleArg, err, input_errors, out, print_json
from .study_run import LocalClusterOpt, SchedulerOpt, WorkersOpt, executor_for, study_progress

if TYPE_CHECKING:
    from ..study.claims import ClaimResult, ClaimsCheck


@input_errors
def claims(
    vehicle: VehicleArg = DEFAULT_VEHICLE,
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            min=64,
            max=1_048_576,
            help="Draws of the unknowns (the drivers need about 1,000 or more).",
        ),
    ] = 2048,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the draws.")] = (20261202),
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="The results store (a folder); default: one in the user's cache "
            "($EVTWIN_CACHE_DIR or ~/.cache/evtwin), reused by later checks.",
        ),
    ] = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    local_cluster: LocalClusterOpt = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Discard a stored check and run it again.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """The claims check: for each numeric claim in the vehicle file, the probability that it
    holds on WLTP, on the EPA label and on a UK winter motorway (70 mph, 4 C), given every
    figure the file gives a range for; each test's 90 % interval of range and the three
    unknowns that drive it most (first-order Sobol' index, rank correlation)."""
    from ..specs import load_vehicle
    from ..study.claims import check_claims

    factory, n = executor_for(workers, scheduler, local_cluster)
    spec = load_vehicle(vehicle)
    with study_progress(f"claims check of {spec.id}", samples, disable=json_) as (progress, _):
        result = check_claims(
            spec,
            samples=samples,
            seed=seed,
            store=store,
            executor=factory,
            workers=n,
            fresh=fresh,
            progress=progress,
        )
    if json_:
        print_json(result.to_dict())
        return
    print_check(result)


def print_check(result: ClaimsCheck) -> None:
    """The check as tables (also part of `evtwin report`)."""
    d = Table(
        title=f"Range over the unknowns ({result.valid:,} consistent draws of "
        f"{len(result.unknowns)} figures)"
    )
    for col in ("test", "5 %", "median", "95 %", "drivers (first-order index, rank corr.)"):
        d.add_column(col, justify="left" if col in ("test",) or col.startswith("d") else "right")
    for x in result.distributions:
        drivers = "; ".join(
            f"{s.variable} ({s.first_order:.2f}, {s.rank_correlation:+.2f})" for s in x.drivers
        )
        d.add_row(
            x.label,
            f"{x.p5:.0f} {x.unit}",
            f"{x.p50:.0f} {x.unit}",
            f"{x.p95:.0f} {x.unit}",
            drivers,
        )
    out.print(d)
    c = Table(title="Range claims: probability that the range lies in the claim (+- sampling err.)")
    heads = ("WLTP", "EPA label", "winter motorway", "at least the low end (same order)")
    for col in ("claim", "source", *heads):
        c.add_column(col, overflow="fold")
    inputs = Table(
        title="Claims on figures the file estimates: the share of the file's own draws inside "
        "each (how its estimate weighs the claims, not new evidence)"
    )
    for col in ("claim", "source", "figure", "probability"):
        inputs.add_column(col, overflow="fold")
    for cl in result.claims:
        probs = {p.test: p for p in cl.probabilities}
        if cl.kind == "range":
            cells = [_pct(probs[t].probability, probs[t].standard_error) for t in _TESTS]
            least = ", ".join(
                f"{probs[t].at_least_low:.0%}" for t in _TESTS if probs[t].at_least_low is not None
            )
            c.add_row(_interval(cl), cl.source, *cells, least)
        else:
            p = probs["input"]
            inputs.add_row(
                _interval(cl), cl.source, cl.figure or "", _pct(p.probability, p.standard_error)
            )
    out.print(c)
    out.print(inputs)
    bad = result.samples - result.valid
    if bad:
        why = result.invalid_reasons[0][0].split(" = ")[0] if result.invalid_reasons else ""
        err.print(
            f"{bad:,} of {result.samples:,} draws made an inconsistent car and were left out"
            + (f" (most often: {why})" if why else "")
        )
    err.print(f"store: {result.store}")


_TESTS = ("wltp", "epa", "winter_motorway")
_UNITS = {"gbp": "GBP", "kwh": "kWh", "kw": "kW"}


def _interval(cl: ClaimResult) -> str:
    suffix = cl.quantity.rsplit("_", 1)[-1]
    what = cl.quantity.removesuffix(f"_{suffix}").replace("_", " ")
    unit = _UNITS.get(suffix, suffix)
    if cl.low is None:
        return f"{what} <= {cl.high:,.0f} {unit}"
    if cl.high is None:
        return f"{what} >= {cl.low:,.0f} {unit}"
    if cl.low == cl.high:
        return f"{what} {cl.low:,.0f} {unit}"
    return f"{what} {cl.low:,.0f}-{cl.high:,.0f} {unit}"


def _pct(p: float, se: float) -> str:
    return f"{p:.0%} +-{se:.0%}" if se >= 0.005 else f"{p:.0%}"


__all__ = ["claims", "print_check"]
