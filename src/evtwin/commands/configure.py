"""``evtwin configure``: a build's price, grant and every figure beside its base car."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..cli_support import DEFAULT_VEHICLE, JsonOpt, VehicleArg, err, input_errors, out, print_json


def _fmt(x: float | None, digits: int) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _change(row: dict[str, Any]) -> str:
    d = row["change"]
    if d is None:
        return "-"
    if abs(d) < 0.5 * 10.0 ** (-row["digits"]):
        return "0"
    worse = (d < 0) if row["better"] == "higher" else (d > 0)
    colour = "red" if worse else "green"
    return f"[{colour}]{d:+.{row['digits']}f}[/]"


@input_errors
def configure(
    vehicle: VehicleArg = DEFAULT_VEHICLE,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            "-o",
            help="An option id (repeat, or comma-separate); `evtwin options` lists them.",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="A configuration file (YAML or TOML) instead of the vehicle and flags.",
        ),
    ] = None,
    passengers: Annotated[
        int, typer.Option("--passengers", help="People aboard besides the driver.")
    ] = 0,
    payload_kg: Annotated[float, typer.Option("--payload-kg", help="Luggage and load [kg].")] = 0.0,
    trailer: Annotated[
        str | None,
        typer.Option("--trailer", help="A trailer preset id (`evtwin options` lists them)."),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Price, UK grant, running cost and every range, performance and charging figure of a
    build (options, people, payload, trailer) beside the base car carrying the same."""
    from ..configurator import build_from_args, load_config
    from ..study.build_comparison import compare_build

    if config is not None:
        if option or passengers or payload_kg or trailer:
            raise ValueError(
                "--config holds the whole build: give it alone, without --option, "
                "--passengers, --payload-kg or --trailer"
            )
        build = load_config(config)
    else:
        if passengers < 0:
            raise ValueError(f"--passengers must be 0 or more, got {passengers}")
        build = build_from_args(
            vehicle, option or [], passengers=passengers, payload_kg=payload_kg, trailer=trailer
        )
    busy = err.status("simulating...", spinner="dots") if not json_ else contextlib.nullcontext()
    with busy:
        cmp = compare_build(build)
    if json_:
        print_json(cmp.to_dict())
        return
    spec = build.spec
    chosen = ", ".join(build.options) or "none"
    out.print(f"[bold]{spec.name}[/]: options {chosen}")
    for ch in build.changes():
        out.print(f"  {ch.path}: {_value(ch.before)} -> {_value(ch.after)}")
    t = Table(title="The build beside the base car (same people, load and trailer)")
    for col in ("figure", "unit", "base", "build", "change"):
        t.add_column(col, justify="left" if col in ("figure", "unit") else "right")
    for row in cmp.rows():
        t.add_row(
            row["label"],
            row["unit"],
            _fmt(row["base"], row["digits"]),
            _fmt(row["build"], row["digits"]),
            _change(row),
        )
    out.print(t)
    m = Table(title="Money (GBP)")
    for col in ("", "base", "build"):
        m.add_column(col, justify="left" if not col else "right")
    bm, cm = cmp.base_money, cmp.configured_money
    if bm.price and cm.price:
        m.add_row("price", f"{bm.price.total:,.0f}", f"{cm.price.total:,.0f}")
        m.add_row(
            "price range (low-high)",
            f"{bm.price.total_low:,.0f}-{bm.price.total_high:,.0f}",
            f"{cm.price.total_low:,.0f}-{cm.price.total_high:,.0f}",
        )
    if bm.grant and cm.grant:
        m.add_row("UK electric car grant", _grant(bm.grant), _grant(cm.grant))
    m.add_row(
        "energy per mile (real world)",
        f"{100 * bm.running.per_mi:.1f} p",
        f"{100 * cm.running.per_mi:.1f} p",
    )
    out.print(m)
    for note in {bm.note, cm.note} - {None}:
        out.print(f"note: {note}")
    if cm.grant:
        for reason in cm.grant.reasons:
            out.print(f"grant: {reason}")
    out.print(
        f"running cost: {cm.running.home_share:.0%} of energy at home "
        f"({cm.running.home_rate}), the rest public ({cm.running.public_rate}), "
        f"tariffs as of {cm.running.as_of}"
    )


def _value(x: object) -> str:
    return f"{x:.5g}" if isinstance(x, float) else str(x)


def _grant(g: Any) -> str:
    if not g.eligible:
        return "not eligible"
    if g.amount is not None:
        return f"{g.amount:,.0f}"
    amounts = sorted(g.amounts_by_band.values())
    return f"{amounts[0]:,.0f}-{amounts[-1]:,.0f} (band unknown)"
