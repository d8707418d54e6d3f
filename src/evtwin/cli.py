"""The evtwin command line: Typer commands that render results with Rich or as JSON.

Every command that prints results takes ``--json``. Bad input (a malformed
vehicle file, a corrupt cycle, a bad flag value) is reported on stderr with the
file, field and line, and the command exits with status 2.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from . import __version__
from .cli_support import (
    DEFAULT_VEHICLE,
    InputError,
    JsonOpt,
    VehicleArg,
    err,
    out,
)
from .cli_support import input_errors as _input_errors
from .cli_support import print_json as _print_json
from .cycles import cycle_names, load_cycle
from .specs import ESTIMATE, iter_figures, load_vehicle
from .units import MILE

app = typer.Typer(
    name="evtwin",
    help=(
        "evtwin: a physics-based digital twin of battery-electric vehicles. "
        "The default vehicle is the Land Rover Defender Sport (rumoured spec)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"evtwin {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """evtwin: how far, how fast, how quickly it charges, and how sure we can be."""


# ---------------------------------------------------------------- vehicles


@app.command()
@_input_errors
def vehicles(json_: JsonOpt = False) -> None:
    """List the vehicles shipped with evtwin."""
    from .report.summaries import vehicle_rows

    rows = vehicle_rows()
    if json_:
        _print_json(rows)
        return
    t = Table(title="Vehicles")
    for col in ("id", "name", "status", "drive", "usable kWh", "kerb kg"):
        t.add_column(col)
    for r in rows:
        t.add_row(
            str(r["id"]),
            str(r["name"]),
            str(r["status"]),
            str(r["drive"]),
            f"{r['usable_energy_kwh']:.1f}",
            f"{r['kerb_kg']:.0f}",
        )
    out.print(t)


# ---------------------------------------------------------------- show

_UNITS = (
    ("_kgm2", "kg m2"),
    ("_kg", "kg"),
    ("_mm", "mm"),
    ("_m2", "m2"),
    ("_kwh", "kWh"),
    ("_kw", "kW"),
    ("_nm", "N m"),
    ("_rpm", "rpm"),
    ("_mohm", "mohm"),
    ("_v", "V"),
    ("_w", "W"),
    ("_gbp", "GBP"),
    ("_eur", "EUR"),
    ("_usd", "USD"),
    ("_kph", "km/h"),
    ("_km", "km"),
    ("_mi", "mi"),
    ("_s", "s"),
    ("_min", "min"),
    ("_pct", "%"),
    ("_c", "C"),
    ("_m", "m"),
    ("_per_100kph", "per 100 km/h"),
    ("_per_100km", "per 100 km"),
    ("_per_100mi", "per 100 mi"),
    ("_w_per_k", "W/K"),
    ("_kj_per_k", "kJ/K"),
)


def _unit(path: str) -> str:
    for suffix, unit in _UNITS:
        if path.endswith(suffix):
            return unit
    return ""


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


@app.command()
@_input_errors
def show(vehicle: VehicleArg = DEFAULT_VEHICLE, json_: JsonOpt = False) -> None:
    """Show a vehicle's spec: every figure with its source and range."""
    spec = load_vehicle(vehicle)
    if json_:
        _print_json(spec.model_dump(mode="json"))
        return
    out.print(f"[bold]{spec.name}[/] ({spec.id}) - {spec.status}, model year {spec.model_year}")
    if spec.notes:
        out.print(spec.notes)
    t = Table(title="Figures")
    for col in ("field", "value", "unit", "range", "source / basis"):
        t.add_column(col, overflow="fold")
    for path, fig in iter_figures(spec):
        rng = f"{_fmt(fig.low)} - {_fmt(fig.high)}" if fig.low is not None else ""
        src = fig.source if fig.source != ESTIMATE else f"estimate: {fig.basis}"
        t.add_row(path, _fmt(fig.value), _unit(path), rng, src)
    out.print(t)
    s = Table(title="Sources")
    for col in ("key", "title", "publisher", "date", "confidence"):
        s.add_column(col, overflow="fold")
    for key, src_ in spec.sources.items():
        s.add_row(key, src_.title, src_.publisher or "", src_.date or "", src_.confidence)
    out.print(s)
    if spec.claims:
        c = Table(title="Published claims (checked, not assumed)")
        for col in ("id", "quantity", "low", "high", "test", "source", "text"):
            c.add_column(col, overflow="fold")
        for cl in spec.claims:
            c.add_row(cl.id, cl.quantity, _fmt(cl.low), _fmt(cl.high), cl.test, cl.source, cl.text)
        out.print(c)


# ---------------------------------------------------------------- range


def _resolve_cycle(name: str) -> Any:
    p = Path(name)
    if p.suffix.lower() in (".csv", ".gpx"):
        from .cycles.io import read_cycle

        return read_cycle(p)
    try:
        return load_cycle(name)
    except KeyError:
        raise InputError(
            f"--cycle {name!r} is neither a built-in cycle ({', '.join(cycle_names())}) "
            "nor a .csv/.gpx file"
        ) from None


@app.command("range")
@_input_errors
def range_(
    vehicle: VehicleArg = DEFAULT_VEHICLE,
    cycle: Annotated[
        str | None,
        typer.Option(
            "--cycle",
            help="A built-in cycle (udds, hwfet, wltc_class3b, us06, nedc, artemis_*, "
            "wltc_class3b_low...) or a CSV/GPX speed trace. Without it: the WLTP and "
            "EPA procedures.",
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Range and consumption, with the energy breakdown.

    Without --cycle: WLTP (class 3b, test mass) and the EPA two-cycle label. With
    --cycle: that trace at 20 C with a 75 kg driver, from the middle of the usable
    battery window; range is usable energy over the consumption on the trace.
    """
    from .report.summaries import range_summary

    spec = load_vehicle(vehicle)
    data, rows = range_summary(spec, None if cycle is None else _resolve_cycle(cycle))
    if json_:
        _print_json(data)
        return
    out.print(f"[bold]{spec.name}[/] ({spec.id})")
    t = Table(title="Range and consumption")
    t.add_column("test")
    t.add_column("range", justify="right")
    t.add_column("consumption", justify="right")
    if cycle is None:
        wd, ed = data["wltp"], data["epa"]
        t.add_row(
            "WLTP combined",
            f"{wd['range_km']:.0f} km ({wd['range_mi']:.0f} mi)",
            f"{wd['consumption_ac_kwh_per_100km']:.1f} kWh/100 km (AC)",
        )
        t.add_row("WLTP city", f"{wd['city_range_km']:.0f} km", "")
        t.add_row(
            "EPA combined (two-cycle label)",
            f"{ed['range_mi']:.0f} mi",
            f"{ed['kwh_per_100mi']:.1f} kWh/100 mi, {ed['mpge']:.0f} MPGe",
        )
        t.add_row(
            "EPA city / highway", f"{ed['city_range_mi']:.0f} / {ed['highway_range_mi']:.0f} mi", ""
        )
        own = data["epa_as_labelled"]
        if own["label_factor"] != ed["label_factor"]:
            t.add_row(
                f"EPA as labelled (factor {own['label_factor']:.3f})",
                f"{own['range_mi']:.0f} mi",
                f"{own['kwh_per_100mi']:.1f} kWh/100 mi",
            )
    else:
        t.add_row(
            data["cycle"],
            f"{data['range_km']:.0f} km ({data['range_mi']:.0f} mi)",
            f"{data['consumption_dc_kwh_per_100km']:.1f} kWh/100 km (DC)",
        )
        if data["trace_missed_s"] > 0:
            out.print(
                f"[yellow]The car could not follow the trace for {data['trace_missed_s']:.0f} s "
                f"(up to {data['max_speed_deficit_kph']:.1f} km/h behind).[/]"
            )
    out.print(t)
    b = Table(title=f"Where the energy goes ({data['breakdown_cycle']})")
    b.add_column("term")
    b.add_column("Wh/km", justify="right")
    b.add_column("share", justify="right")
    for k, v, share in rows:
        b.add_row(k, f"{v:.1f}", f"{share:.1f} %")
    b.add_row("[bold]battery (chemical)[/]", f"{data['battery_chemical_wh_per_km']:.1f}", "100 %")
    b.add_row("regenerated at the wheels", f"{data['regen_recovered_wh_per_km']:.1f}", "")
    out.print(b)


# ---------------------------------------------------------------- dyno


@app.command()
@_input_errors
def dyno(
    csv_in: Annotated[Path, typer.Option("--csv", help="Input CSV: one EPA dyno test per row.")],
    out_path: Annotated[
        Path, typer.Option("--out", help="Output CSV: the input plus ac_wh_per_mi.")
    ],
    sc03_cycle: Annotated[
        Path | None,
        typer.Option(
            "--sc03-cycle",
            help="The SC03 speed trace (CSV: time_s and speed_mph), needed by sc03 rows; "
            "evtwin does not ship it.",
        ),
    ] = None,
) -> None:
    """EPA dynamometer replay: AC Wh/mi from coast-down coefficients, with no tuning.

    The input needs the columns etw_lb, target_a_lbf, target_b_lbf_mph,
    target_c_lbf_mph2, drive (fwd/rwd/awd/4wd or EPA's descriptions), rated_hp and
    cycle: udds, hwfet, ftp_20f (FTP-75 at -6.7 C, heater on) or sc03 (35 C, air
    conditioning, solar load). Other columns pass through untouched.
    """
    from .sim.dyno import DynoInputError, run_csv

    if not csv_in.is_file():
        raise InputError(f"--csv {csv_in}: no such file")
    if not out_path.parent.exists():
        raise InputError(f"--out {out_path}: folder {out_path.parent} does not exist")
    if sc03_cycle is not None and not sc03_cycle.is_file():
        raise InputError(f"--sc03-cycle {sc03_cycle}: no such file")
    try:
        n = run_csv(csv_in, out_path, sc03_cycle=sc03_cycle)
    except DynoInputError as exc:
        raise InputError(str(exc)) from None
    err.print(f"wrote {n} tests to {out_path}")


# ---------------------------------------------------------------- report


@app.command()
@_input_errors
def report(
    vehicle: VehicleArg = DEFAULT_VEHICLE,
    html_file: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Also write the card as a self-contained HTML report (figures embedded, "
            "works offline) to this file.",
        ),
    ] = None,
    pdf_file: Annotated[
        Path | None,
        typer.Option(
            "--pdf",
            help="Also write the report as an A4 PDF to this file (printed by Debian's "
            "Chromium, `apt-get install chromium`, or the one BROWSER_PATH names).",
        ),
    ] = None,
    png_dir: Annotated[
        Path | None,
        typer.Option(
            "--png",
            help="Also write each figure of the report as a PNG (named for it, e.g. "
            "energy-breakdown.png) to this folder, made if missing (drawn with Chromium).",
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """The headline card: WLTP and EPA range over the spec's uncertainty, the claims check,
    real-world range, performance, charging, price, off-road geometry and scorecard, and the
    rivals."""
    from .commands.claims import print_check
    from .commands.study_run import executor_for
    from .report import export
    from .report.card import BREAKDOWN_TERMS, headline_card

    # Every output path, and the browser the PDF and PNGs need, is checked before the
    # simulation: a typo should not cost its twenty seconds.
    if html_file is not None and (html_file.is_dir() or not html_file.parent.is_dir()):
        raise ValueError(f"--html {html_file}: give a file in an existing folder")
    if pdf_file is not None:
        export.check_pdf_target(pdf_file)
    if png_dir is not None:
        export.check_png_folder(png_dir)
    drawn = [f for f, v in (("--pdf", pdf_file), ("--png", png_dir)) if v is not None]
    browser = export.find_chromium(" and ".join(drawn)) if drawn else None
    factory, n = executor_for(None, None, False)
    with err.status("simulating...", spinner="dots") if not json_ else contextlib.nullcontext():
        card = headline_card(vehicle, claims_executor=factory, claims_workers=n)
    if html_file is not None or pdf_file is not None or png_dir is not None:
        from .report.figures import report_figures
        from .report.html import report_html, write_report

        figs = report_figures(card)
        if html_file is not None:
            write_report(card, html_file, figs)
            err.print(f"wrote {html_file}")
        try:
            if png_dir is not None and browser is not None:
                written = export.write_pngs(figs, png_dir, browser)
                err.print(f"wrote {len(written)} figures to {png_dir}")
            if pdf_file is not None and browser is not None:
                export.write_pdf(report_html(card, figs), pdf_file, browser)
                err.print(f"wrote {pdf_file}")
        except export.ExportError as exc:
            # Not bad input: the browser failed. Said plainly, with status 1.
            err.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True)
            raise typer.Exit(1) from None
    if json_:
        _print_json(card.to_dict())
        return
    s = card.subject
    out.print(f"[bold]{s.name}[/] ({s.id}, {s.status})")
    t = Table(title="Range over the spec's uncertainty (low corner / nominal / high corner)")
    for col in ("test", "low", "nominal", "high", "largest drivers"):
        t.add_column(col, overflow="fold")
    for label, b, unit in (
        ("WLTP", card.wltp_range_km, "km"),
        ("EPA label", card.epa_range_mi, "mi"),
    ):
        drivers = ", ".join(f"{p} (+/-{sw / 2:.0f} {unit})" for p, sw in b.drivers[:3])
        t.add_row(
            label, f"{b.low:.0f} {unit}", f"{b.nominal:.0f} {unit}", f"{b.high:.0f} {unit}", drivers
        )
    out.print(t)
    km_per_mi = MILE / 1000.0
    out.print(
        f"WLTP {card.wltp_range_km.low / km_per_mi:.0f}-"
        f"{card.wltp_range_km.high / km_per_mi:.0f} mi; "
        f"consumption {s.wltp_consumption_kwh_per_100km:.1f} kWh/100 km (WLTP, AC), "
        f"{s.epa_kwh_per_100mi:.1f} kWh/100 mi (EPA label)"
    )
    if card.claims:
        c = Table(title="Published range claims against the bands")
        for col in ("claim", "source", "WLTP", "EPA"):
            c.add_column(col, overflow="fold")
        for cl in card.claims:
            rng = f"{_fmt(cl.low)}-{_fmt(cl.high)} {cl.unit}"
            c.add_row(f"{rng}: {cl.text}", cl.source, cl.wltp, cl.epa)
        out.print(c)
    if card.claims_check is not None:
        out.print("[bold]Claims check[/] (`evtwin claims`): every unknown drawn at once")
        print_check(card.claims_check)
    bt = Table(title="Energy breakdown on the WLTC (nominal spec), Wh/km")
    bt.add_column("vehicle")
    for k in BREAKDOWN_TERMS:
        bt.add_column(k.replace("_", " "), justify="right")
    bt.add_column("regen", justify="right")
    for line in (s, *card.rivals):
        bt.add_row(
            line.id,
            *(f"{line.breakdown_wh_per_km[k]:.1f}" for k in BREAKDOWN_TERMS),
            f"{line.regen_recovered_wh_per_km:.1f}",
        )
    out.print(bt)
    r = Table(title="Against the rivals (nominal specs; published ratings where they exist)")
    for col in (
        "vehicle",
        "status",
        "drive",
        "usable kWh",
        "WLTP km",
        "rated",
        "diff",
        "EPA mi",
        "rated",
        "diff",
        "kWh/100 km",
    ):
        r.add_column(col, justify="right" if col not in ("vehicle", "status", "drive") else "left")
    for line in (s, *card.rivals):
        r.add_row(
            line.id,
            line.status,
            line.drive,
            f"{line.usable_energy_kwh:.1f}",
            f"{line.wltp_range_km:.0f}",
            _fmt(line.rated_wltp_range_km),
            "" if line.wltp_error_pct is None else f"{line.wltp_error_pct:+.1f} %",
            f"{line.epa_range_mi:.0f}",
            _fmt(line.rated_epa_range_mi),
            "" if line.epa_error_pct is None else f"{line.epa_error_pct:+.1f} %",
            f"{line.wltp_consumption_kwh_per_100km:.1f}",
        )
    out.print(r)
    _print_card_figures(card)


def _digits(x: float | None, digits: int) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _print_card_figures(card: Any) -> None:
    """The card's real-world, performance, charging and money sections."""
    from .study.figures import ROWS

    s = card.subject
    rw = card.real_world
    m = Table(title=f"{s.name}: real-world range, driven from full until empty")
    for col in ("case", "air C", "km", "mi", "kWh/100 km (wall)", "climate kW"):
        m.add_column(col, justify="left" if col == "case" else "right")
    for run in rw["runs"]:
        m.add_row(
            run["case"],
            f"{run['temperature_c']:g}",
            f"{run['range_km']:.0f}",
            f"{run['range_mi']:.0f}",
            f"{run['wall_kwh_per_100km']:.1f}",
            f"{run['climate_kw']:.2f}",
        )
    out.print(m)
    out.print(
        f"combined: cold {rw['combined_cold_km']:.0f} km, mild {rw['combined_mild_km']:.0f} km; "
        f"headline {rw['headline_km']:.0f} km (their mean)"
    )
    ids = list(card.figures)
    own = card.figures[ids[0]]
    f = Table(title=f"{s.name}: performance and charging (nominal spec)")
    f.add_column("figure")
    f.add_column("value", justify="right")
    for row in ROWS:
        if row.key.startswith(("accel_", "top_", "charge_")) and own[row.key] is not None:
            f.add_row(row.label, f"{_digits(own[row.key], row.digits)} {row.unit}")
    out.print(f)
    short = (
        ("real_world_headline_km", "real-world km"),
        ("uk_winter_motorway_70mph_mi", "UK winter 70 mph mi"),
        ("accel_0_60_mph_s", "0-60 mph s"),
        ("accel_0_100_kph_s", "0-100 km/h s"),
        ("top_speed_kph", "top km/h"),
        ("charge_10_80_min", "10-80 % min"),
        ("charge_added_15min_km", "km in 15 min"),
    )
    digits = {r.key: r.digits for r in ROWS}
    c = Table(title="Real world, performance and charging against the rivals (nominal specs)")
    c.add_column("vehicle")
    for _, label in short:
        c.add_column(label, justify="right")
    for i in ids:
        c.add_row(i, *(_digits(card.figures[i][k], digits[k]) for k, _ in short))
    out.print(c)
    money = card.money
    price = money["price"]
    grant = money["grant"]
    run = money["running_cost"]
    if price is not None:
        text = (
            f"Base build: {price['total_gbp']:,.0f} GBP "
            f"({price['total_low_gbp']:,.0f}-{price['total_high_gbp']:,.0f}); "
        )
        if grant is not None:
            text += "UK grant: " + (
                "eligible"
                if grant["eligible"]
                else "not eligible (" + "; ".join(grant["reasons"]) + ")"
            )
        out.print(text)
    elif money["note"]:
        out.print(f"Base build: {money['note']}")
    out.print(
        f"Energy cost: {100 * run['cost_gbp_per_mi']:.1f} p/mile at the real-world consumption "
        f"({run['consumption_kwh_per_100km']:.1f} kWh/100 km from the wall; tariffs of "
        f"{run['as_of']}). Options and builds: evtwin configure."
    )
    _print_card_offroad(card)


def _print_card_offroad(card: Any) -> None:
    """The card's geometry band and off-road scorecard."""
    from .commands.offroad import print_scorecard

    geo = card.geometry
    g = Table(
        title="Off-road geometry in degrees: the subject's band over its uncertain dimensions"
    )
    for col in ("vehicle", "ride height", "approach", "breakover", "departure"):
        g.add_column(col, justify="left" if col in ("vehicle", "ride height") else "right")
    band = geo["subject"]
    if band is not None:
        g.add_row(
            band["vehicle"],
            f"{band['mode']} (low-nominal-high)",
            *(
                f"{band[k]['low']:.0f}-{band[k]['nominal']:.0f}-{band[k]['high']:.0f}"
                for k in ("approach_deg", "breakover_deg", "departure_deg")
            ),
        )
    for ref in geo["references"]:
        pub = ref["published"] or {}

        def cell(k: str, ref: dict[str, Any] = ref, pub: dict[str, Any] = pub) -> str:
            p = pub.get(k)
            return f"{ref[k]:.0f}" + ("" if p is None else f" (published {p:g})")

        g.add_row(
            ref["vehicle"],
            ref["mode"],
            *(cell(k) for k in ("approach_deg", "breakover_deg", "departure_deg")),
        )
    out.print(g)
    if card.offroad:
        print_scorecard(card.offroad)


from .commands.charge import charge  # noqa: E402
from .commands.claims import claims  # noqa: E402
from .commands.conditions import conditions  # noqa: E402
from .commands.configure import configure  # noqa: E402
from .commands.offroad import offroad  # noqa: E402
from .commands.options import options  # noqa: E402
from .commands.pareto import pareto  # noqa: E402
from .commands.perf import perf  # noqa: E402
from .commands.serve import serve  # noqa: E402
from .commands.sweep import sweep, sweep_query  # noqa: E402

app.command()(conditions)
app.command()(perf)
app.command()(charge)
app.command()(options)
app.command()(configure)
app.command()(offroad)
app.command()(sweep)
app.command("sweep-query")(sweep_query)
app.command()(claims)
app.command()(pareto)
app.command()(serve)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
