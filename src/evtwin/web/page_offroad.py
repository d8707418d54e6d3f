"""The off-road page: the side-view geometry at a Terrain Response mode's ride height,
the scenario scorecard of the reference architectures in that mode, and the playback
of one scenario's traces.

The scorecard is the same data as ``evtwin offroad`` and ``POST /api/offroad``
(:func:`evtwin.sim.offroad.run_suite`), run one cell (architecture, scenario) at a time
in the background so the page shows it filling in; cells are kept for the process,
so a mode seen once (by anyone) shows at once. The suite takes seconds per mode.

No ``from __future__ import annotations``: NiceGUI reads the builder's annotations.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import Any

from nicegui import run, ui

from ..control.terrain_response import mode_settings
from ..sim.geometry import GeometryResult, geometry
from ..sim.offroad import OffroadResult, architecture_names, run_suite
from ..sim.offroad_scenarios import SCENARIOS
from ..specs import VehicleSpec, load_vehicle, vehicle_names
from ..specs.figure import Figure
from ..specs.geometry import RideHeightMode
from ..specs.offroad_architecture import load_architectures
from ..specs.offroad_reference import OffroadReference, load_reference, reference_names
from ..specs.terrain_response import MODE_IDS, load_auto, load_mode
from ..study.geometry import GeometryBand, geometry_band
from . import charts_offroad as charts
from .jobs import Job, Registry
from .layout import cells_table, error_box, fmt, page_title, tag

DEFAULT_VEHICLE = "defender-sport"
#: The mode choice that runs each scenario in the mode made for it (the CLI's default).
RECOMMENDED = "recommended"

Subject = VehicleSpec | OffroadReference

# --- choices ---------------------------------------------------------------------------


@cache
def vehicle_choices() -> dict[str, str]:
    """Shipped vehicles with a geometry block, then the off-road references: id -> label."""
    out = {}
    for v in vehicle_names():
        spec = load_vehicle(v)
        if spec.geometry is not None:
            out[v] = spec.name
    for r in reference_names():
        out[r] = f"{load_reference(r).name} (reference)"
    return out


@cache
def mode_choices() -> dict[str, str]:
    """The mode picker's options: each scenario's own mode, then ``MODE_IDS``."""
    out = {RECOMMENDED: "Each scenario's own mode (as evtwin offroad)"}
    for m in MODE_IDS:
        out[m] = load_auto().name if m == "auto" else load_mode(m).name
    return out


@cache
def mode_description(mode: str) -> str:
    """What a mode is for (its file's note)."""
    if mode == RECOMMENDED:
        return (
            "Each scenario runs in the mode made for it (a car without Terrain Response "
            "in Comfort); the side view is at the normal ride height."
        )
    if mode == "auto":
        return load_auto().note + " The side view is at the normal ride height."
    m = load_mode(mode)
    return f"{m.note} Ride height {m.ride_height_mm.value:+.0f} mm on air suspension."


def load_subject(vehicle: str) -> Subject:
    """A shipped vehicle or an off-road reference by id."""
    if vehicle in vehicle_names():
        return load_vehicle(vehicle)
    return load_reference(vehicle)


@cache
def air_suspension(vehicle: str) -> bool:
    """Whether the car's off-road architectures raise the body with the mode (as the
    simulation does: ``sim.offroad`` adds the mode's ride height on air suspension)."""
    return any(
        a.air_suspension and vehicle in (a.vehicle, a.reference)
        for a in load_architectures().architectures
    )


def ride_offset_mm(vehicle: str, mode: str) -> float:
    """The body's height over normal in ``mode`` [mm]: 0 without air suspension, for Auto
    (its mode depends on the ground) and for each scenario's own mode."""
    if mode in (RECOMMENDED, "auto") or not air_suspension(vehicle):
        return 0.0
    return mode_settings(mode).ride_height * 1000.0


# --- geometry --------------------------------------------------------------------------


def at_offset(subject: Subject, offset_mm: float, label: str) -> tuple[Subject, str | None]:
    """The subject with one more ride-height mode, ``offset_mm`` over its reference mode,
    and that mode's name (``None``: the reference height itself).

    The geometry block's modes are the maker's named heights; a Terrain Response
    mode's height is an offset from normal, so it is added as a mode of its own.
    """
    g = subject.geometry
    if g is None or offset_mm == 0.0:
        return subject, None
    name = f"terrain-response-{label}"
    zero = Figure(value=0.0, source="estimate", basis="the reference ride height")
    modes = g.modes or (RideHeightMode(name=g.reference_mode, offset_mm=zero),)
    fig = Figure(value=offset_mm, source="estimate", basis=f"Terrain Response {label}")
    extra = RideHeightMode(name=name, offset_mm=fig)
    new = g.model_copy(update={"modes": (*modes, extra)})
    return subject.model_copy(update={"geometry": new}), name


@dataclass(frozen=True)
class ModeGeometry:
    """The side view of a car in a mode, with what the page shows beside it."""

    vehicle: str
    mode: str
    result: GeometryResult
    height_m: float | None  #: body height at the reference ride height
    band: GeometryBand | None  #: over the file's uncertain figures
    #: (mode, (approach, breakover, departure)) as the maker publishes them [deg]
    published: tuple[tuple[str, tuple[float | None, ...]], ...]


def mode_geometry(vehicle: str, mode: str, with_band: bool = True) -> ModeGeometry:
    """Angles of ``vehicle`` at ``mode``'s ride height (``sim.geometry.geometry``), their
    band over the file's uncertainty, and a reference's published angles."""
    subject = load_subject(vehicle)
    moved, name = at_offset(subject, ride_offset_mm(vehicle, mode), mode)
    result = geometry(moved, name)
    band = geometry_band(moved, name) if with_band else None
    if isinstance(subject, VehicleSpec):
        height = subject.body.height_mm.value / 1000.0
        published: tuple[tuple[str, tuple[float | None, ...]], ...] = ()
    else:
        height = subject.height_mm.value / 1000.0
        published = tuple(
            (p.mode, tuple(None if f is None else f.value for f in _angles(p)))
            for p in subject.published
            if any(f is not None for f in _angles(p))
        )
    return ModeGeometry(vehicle, mode, result, height, band, published)


def _angles(p: Any) -> tuple[Figure | None, Figure | None, Figure | None]:
    return p.approach_deg, p.breakover_deg, p.departure_deg


@cache
def _cached_geometry(vehicle: str, offset_mm: float, mode: str) -> ModeGeometry:
    return mode_geometry(vehicle, mode)


def angle_rows(mg: ModeGeometry) -> list[list[str]]:
    """The angle table: name, value here, the band's low and high, published values."""
    rows = []
    for name in ("approach", "breakover", "departure"):
        value = getattr(mg.result, f"{name}_deg")
        b = getattr(mg.band, name) if mg.band is not None else None
        row = [name, f"{value:.1f}°", fmt(b.low if b else None, 1), fmt(b.high if b else None, 1)]
        i = ("approach", "breakover", "departure").index(name)
        row += [fmt(angles[i], 1) for _, angles in mg.published]
        rows.append(row)
    return rows


# --- scorecard cells ---------------------------------------------------------------------

#: Each run's summary (``OffroadResult.to_dict()``) by (mode, architecture, scenario),
#: for the process: a scorecard seen once shows at once.
_CELLS: dict[tuple[str, str, str], dict[str, Any]] = {}
#: The latest runs with their traces, for playback. Bounded: a run's traces are a few
#: hundred kB, and every mode's suite would hold about a hundred MB of them.
_TRACES: OrderedDict[tuple[str, str, str], OffroadResult] = OrderedDict()
TRACES_KEPT = 32
_CELLS_LOCK = threading.Lock()
SUITES: Registry[None] = Registry()


def cell(mode: str, arch: str, scenario: str) -> dict[str, Any] | None:
    """A run's summary, if it has been run."""
    with _CELLS_LOCK:
        return _CELLS.get((mode, arch, scenario))


def run_cell(mode: str, arch: str, scenario: str) -> OffroadResult:
    """One scenario for one architecture with its traces, as ``run_suite`` runs it (run
    again when its traces are no longer kept: the runs are deterministic)."""
    key = (mode, arch, scenario)
    with _CELLS_LOCK:
        found = _TRACES.get(key)
        if found is not None:
            _TRACES.move_to_end(key)
            return found
    card = run_suite((arch,), (scenario,), None if mode == RECOMMENDED else mode)
    result = card.results[arch][scenario]
    with _CELLS_LOCK:
        _CELLS[key] = result.to_dict()
        _TRACES[key] = result
        while len(_TRACES) > TRACES_KEPT:
            _TRACES.popitem(last=False)
    return result


def suite_cells() -> list[tuple[str, str]]:
    """Every (architecture, scenario) of the scorecard, row by row."""
    return [(a, s) for a in architecture_names() for s in SCENARIOS]


def scorecard_results(mode: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The cells run so far, in ``Scorecard.to_dict()``'s shape."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for a, s in suite_cells():
        r = cell(mode, a, s)
        if r is not None:
            out.setdefault(a, {})[s] = r
    return out


def _suite_work(mode: str) -> Any:
    def work(job: Job[None]) -> None:
        todo = suite_cells()
        for i, (a, s) in enumerate(todo):
            job.check()
            if cell(mode, a, s) is None:
                run_cell(mode, a, s)
            job.progress(i + 1, len(todo), message=f"{a}, {s}")

    return work


def ensure_suite(mode: str) -> Job[None] | None:
    """The job filling ``mode``'s scorecard (started, or resumed after a cancel); ``None``
    when every cell is there."""
    if all(cell(mode, a, s) is not None for a, s in suite_cells()):
        return None
    job, _ = SUITES.start(mode, f"scorecard {mode}", _suite_work(mode), len(suite_cells()))
    return job


# --- the page ----------------------------------------------------------------------------


class OffroadView:
    """The page's state and its parts."""

    def __init__(self, vehicle: str, mode: str) -> None:
        self.vehicle = vehicle
        self.mode = mode
        self.show_error = error_box()
        self.suite: Job[None] | None = None
        self.shown_cells = -1
        self.playback_result: OffroadResult | None = None
        self.playing = False
        self.last_tick = 0.0

    # controls

    def controls(self) -> None:
        with ui.row().classes("items-end gap-4 w-full"):
            tag(
                ui.select(
                    vehicle_choices(),
                    value=self.vehicle,
                    label="Vehicle",
                    on_change=self.on_vehicle,
                ).classes("min-w-[22rem]"),
                "vehicle-select",
            )
            tag(
                ui.select(mode_choices(), value=self.mode, label="Terrain Response mode").classes(
                    "min-w-[22rem]"
                ),
                "mode-select",
            ).on_value_change(self.on_mode)
        self.mode_note = tag(
            ui.label(mode_description(self.mode)).classes("text-sm text-gray-600 max-w-5xl"),
            "mode-description",
        )

    async def on_vehicle(self, e: Any) -> None:
        self.vehicle = e.value
        await self.refresh_geometry()

    async def on_mode(self, e: Any) -> None:
        old = self.mode
        self.mode = e.value
        self.mode_note.set_text(mode_description(self.mode))
        if self.suite is not None and old != self.mode:
            # Stop the old mode's suite; its cells so far are kept, and another page
            # still showing that mode starts it again (resuming from them).
            self.suite.cancel()
        self.shown_cells = -1
        self.start_suite()
        await self.refresh_geometry()

    # geometry

    def geometry_card(self) -> None:
        with ui.card().classes("w-full"):
            ui.label("Geometry").classes("text-lg font-semibold")
            ui.label(
                "Side view at the mode's ride height. The lower outline, wheels and "
                "angles are the spec's; the upper body is schematic (no spec gives it). "
                "Each dashed line is the plane of an angle (ISO 612): tangent to the tyre "
                "and through the body's critical point."
            ).classes("text-sm text-gray-600")
            self.geo_plot = tag(ui.plotly({"data": [], "layout": {}}), "geometry-diagram").classes(
                "w-full"
            )
            self.geo_stats = ui.row().classes("gap-4")
            self.geo_table = ui.column()

    async def refresh_geometry(self) -> None:
        want = (self.vehicle, self.mode)
        offset = ride_offset_mm(*want)
        try:
            mg = await run.io_bound(_cached_geometry, self.vehicle, offset, self.mode)
        except Exception as exc:  # any problem of the file is the vehicle's: name it
            self.show_error(f"vehicle: {exc}")
            return
        if mg is None or want != (self.vehicle, self.mode):
            return  # the app is stopping, or the choice moved on while this one ran
        self.show_error(None)
        r = mg.result
        title = f"{vehicle_choices()[mg.vehicle]}: {mode_choices()[mg.mode]}"
        self.geo_plot.update_figure(charts.geometry_figure(r, mg.height_m, title))
        self.geo_stats.clear()
        with self.geo_stats:
            for label, value, name in (
                ("Ride height over normal", fmt(r.offset_m * 1000, 0, "mm"), "ride-offset"),
                ("Ground clearance", fmt(r.ground_clearance_m * 1000, 0, "mm"), "clearance"),
                ("Wading depth", fmt(_mm(r.wading_depth_m), 0, "mm"), "wading"),
                ("Ramp travel index", fmt(r.rti, 0), "rti"),
            ):
                with ui.card().classes("p-2").props("flat bordered"):
                    ui.label(label).classes("text-xs text-gray-500")
                    tag(ui.label(value).classes("font-semibold"), name)
        self.geo_table.clear()
        with self.geo_table:
            heads = ["angle", "here", "low", "high"]
            heads += [f"published ({p[0]})" for p in mg.published]
            cells_table(heads, angle_rows(mg), "geometry-table")
            ui.label(
                "low/high: over the uncertain figures of the file (study.geometry_band); "
                "published: the maker's, where a reference gives them."
            ).classes("text-xs text-gray-500")

    # scorecard

    def scorecard_card(self) -> None:
        with tag(ui.card().classes("w-full"), "scorecard"):
            ui.label("Scenario scorecard").classes("text-lg font-semibold")
            ui.label(
                "Every off-road scenario for each reference architecture (as evtwin offroad "
                "and POST /api/offroad), in the chosen mode; a car without Terrain Response "
                "runs in Comfort."
            ).classes("text-sm text-gray-600")
            with ui.row().classes("items-center gap-2 w-full"):
                self.suite_bar = tag(
                    ui.linear_progress(value=0.0, show_value=False).classes("w-64"),
                    "scorecard-progress",
                )
                self.suite_label = tag(ui.label("").classes("text-sm"), "scorecard-status")
            self.score_plot = tag(ui.plotly({"data": [], "layout": {}}), "scorecard-chart").classes(
                "w-full"
            )
            self.pass_counts = tag(ui.label("").classes("text-sm"), "scorecard-passes")
        ui.timer(0.5, self.poll_suite)

    def start_suite(self) -> None:
        self.suite = ensure_suite(self.mode)

    def poll_suite(self) -> None:
        todo = suite_cells()
        results = scorecard_results(self.mode)
        n = sum(len(v) for v in results.values())
        job = self.suite
        snap = job.snapshot() if job is not None else None
        if snap is not None and snap.status == "cancelled" and n < len(todo):
            self.start_suite()  # someone else stopped it; this page still wants it
        if snap is not None and snap.status == "failed":
            self.show_error(f"scorecard ({self.mode}): {snap.error}")
        self.suite_bar.set_value(n / len(todo))
        self.suite_bar.set_visibility(n < len(todo))
        done = "complete" if n == len(todo) else "running"
        self.suite_label.set_text(f"{n} of {len(todo)} runs, {done}")
        if n == self.shown_cells:
            return
        self.shown_cells = n
        self.draw_scorecard(results)

    def draw_scorecard(self, results: dict[str, dict[str, dict[str, Any]]]) -> None:
        archs = {a.id: a.name for a in load_architectures().architectures}
        names = {s: s.replace("_", " ") for s in SCENARIOS}
        fig = charts.scorecard_figure(
            results,
            architecture_names(),
            list(SCENARIOS),
            archs,
            names,
            show_mode=self.mode in (RECOMMENDED, "auto"),
        )
        self.score_plot.update_figure(fig)
        counts = []
        for a in architecture_names():
            cells = results.get(a, {})
            passed = sum(1 for c in cells.values() if c["passed"])
            counts.append(f"{a}: {passed}/{len(cells)}")
        self.pass_counts.set_text("passed: " + "; ".join(counts))

    # playback

    def playback_card(self) -> None:
        with tag(ui.card().classes("w-full"), "playback"):
            ui.label("Playback").classes("text-lg font-semibold")
            ui.label(
                "One scenario's time traces (100 Hz; for a limit search, the hardest case "
                "that passed), in the chosen mode."
            ).classes("text-sm text-gray-600")
            with ui.row().classes("items-end gap-4"):
                self.pb_scenario = tag(
                    ui.select(
                        {s: sc.name for s, sc in SCENARIOS.items()},
                        value="rock_step",
                        label="Scenario",
                    ).classes("min-w-[24rem]"),
                    "playback-scenario",
                )
                archs = {a.id: a.name for a in load_architectures().architectures}
                self.pb_arch = tag(
                    ui.select(archs, value=architecture_names()[0], label="Architecture").classes(
                        "min-w-[22rem]"
                    ),
                    "playback-architecture",
                )
                self.pb_run = tag(ui.button("Run", on_click=self.run_playback), "playback-run")
                self.pb_spinner = ui.spinner(size="md")
                self.pb_spinner.set_visibility(False)
            with ui.row().classes("items-center gap-4 w-full"):
                self.pb_play = tag(
                    ui.button(icon="play_arrow", on_click=self.toggle_play).props("round dense"),
                    "playback-play",
                )
                self.pb_slider = tag(
                    ui.slider(min=0.0, max=1.0, step=0.01, value=0.0).classes("w-[40rem]"),
                    "playback-slider",
                ).on_value_change(self.on_slider)
                self.pb_values = tag(ui.label("").classes("text-sm font-mono"), "playback-values")
            self.pb_plot = tag(ui.plotly({"data": [], "layout": {}}), "playback-chart").classes(
                "w-full"
            )
            self.pb_plot.set_visibility(False)  # until a run gives it traces
            self.pb_result_line = tag(ui.label("").classes("text-sm"), "playback-result")
        self.pb_timer = ui.timer(0.1, self.step, active=False)

    async def run_playback(self) -> None:
        scenario, arch = self.pb_scenario.value, self.pb_arch.value
        self.pb_run.disable()
        self.pb_spinner.set_visibility(True)
        try:
            result = await run.io_bound(run_cell, self.mode, arch, scenario)
        except Exception as exc:  # a failed run is shown, never raised to the page
            self.show_error(f"scenario {scenario!r}, architecture {arch!r}: {exc}")
            return
        finally:
            self.pb_run.enable()
            self.pb_spinner.set_visibility(False)
        if result is None:
            return
        self.show_error(None)
        self.show_playback(result)

    def show_playback(self, result: OffroadResult) -> None:
        self.playback_result = result
        duration = float(result.time_s[-1]) if result.time_s.size else 0.0
        self.pb_slider._props["max"] = max(duration, 0.01)
        self.pb_slider.update()
        self.pb_slider.set_value(0.0)
        self.pb_plot.update_figure(charts.playback_figure(result, 0.0))
        self.pb_plot.set_visibility(True)
        self.pb_result_line.set_text(
            f"{result.scenario_name}: score {fmt(result.score, 2, result.score_unit)}, "
            f"{'pass' if result.passed else 'fail'} (threshold {result.pass_threshold:g} "
            f"{result.score_unit}), mode {result.mode}, energy "
            f"{fmt(result.energy_kwh_per_km, 2, 'kWh/km')}"
        )
        self.show_values(0.0)

    def toggle_play(self) -> None:
        if self.playback_result is None:
            return
        self.playing = not self.playing
        self.last_tick = time.monotonic()
        self.pb_timer.active = self.playing
        self.pb_play.props(f"icon={'pause' if self.playing else 'play_arrow'}")

    def step(self) -> None:
        """Advance by the real time since the last tick: ticks come late while a
        simulation holds the interpreter, and playback should still run at 1x."""
        r = self.playback_result
        if r is None or r.time_s.size == 0:
            return
        now = time.monotonic()
        t = float(self.pb_slider.value or 0.0) + (now - self.last_tick)
        self.last_tick = now
        if t > float(r.time_s[-1]):
            t = 0.0  # loop
        self.pb_slider.set_value(round(t, 2))

    def on_slider(self, e: Any) -> None:
        t = float(e.value or 0.0)
        if self.playback_result is None:
            return
        fig = self.pb_plot.figure
        # Move the cursor without resending the traces; the server's copy follows.
        if hasattr(fig, "layout") and fig.layout.shapes:
            fig.layout.shapes[0].x0 = t
            fig.layout.shapes[0].x1 = t
            self.pb_plot.run_plot_method("relayout", {"shapes[0].x0": t, "shapes[0].x1": t})
        self.show_values(t)

    def show_values(self, t: float) -> None:
        assert self.playback_result is not None
        v = charts.trace_values(self.playback_result, t)
        if not v:
            return
        slip = " ".join(f"{w} {v[f'slip_{w}']:+.2f}" for w in charts.WHEELS)
        load = " ".join(f"{w} {v[f'load_{w}_kn']:.1f}" for w in charts.WHEELS)
        self.pb_values.set_text(
            f"t {v['time_s']:.2f} s | speed {v['speed_kph']:.2f} km/h | slip {slip} | "
            f"drive F {v['drive_front_knm']:.2f} R {v['drive_rear_knm']:.2f} kN m | "
            f"load kN {load}"
        )


def _mm(x: float | None) -> float | None:
    return None if x is None else x * 1000.0


def _check_args(vehicle: str | None, mode: str | None) -> tuple[str, str, list[str]]:
    problems = []
    v = vehicle or DEFAULT_VEHICLE
    if v not in vehicle_choices():
        problems.append(f"vehicle: {v!r} has no geometry; known: {', '.join(vehicle_choices())}")
        v = DEFAULT_VEHICLE
    m = mode or RECOMMENDED
    if m not in mode_choices():
        problems.append(f"mode: {m!r} is not one of {', '.join(mode_choices())}")
        m = RECOMMENDED
    return v, m, problems


def page(vehicle: str | None = None, mode: str | None = None) -> None:
    """``/offroad?vehicle=...&mode=...``: both optional."""
    page_title(
        "Off road",
        "Approach, breakover and departure angles at each Terrain Response mode's ride "
        "height, the scenario scorecard against the reference drivetrains, and the "
        "traces of a run.",
    )
    v, m, problems = _check_args(vehicle, mode)
    view = OffroadView(v, m)
    if problems:
        view.show_error("; ".join(problems))
    view.controls()
    view.geometry_card()
    view.scorecard_card()
    view.playback_card()
    view.start_suite()
    ui.timer(0.0, view.refresh_geometry, once=True)


__all__ = [
    "DEFAULT_VEHICLE",
    "RECOMMENDED",
    "SUITES",
    "ModeGeometry",
    "at_offset",
    "ensure_suite",
    "mode_choices",
    "mode_geometry",
    "page",
    "ride_offset_mm",
    "run_cell",
    "scorecard_results",
    "suite_cells",
    "vehicle_choices",
]
