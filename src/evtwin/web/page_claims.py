"""The claims page: every published claim of a vehicle with its source, and the claims
check (:func:`evtwin.study.claims.check_claims`): the probability each claim holds on
WLTP, the EPA label and a UK winter motorway, and each test's range over the draws.

The check is stored where ``evtwin claims`` stores it (a folder in the user's cache
named for the vehicle file, the settings and the code), so a check run by the CLI with
the same draws shows here at once, and the other way round. A new check runs in the
background; the page polls its progress.

No ``from __future__ import annotations``: NiceGUI reads the builder's annotations.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from nicegui import run, ui
from numpy.typing import NDArray

from ..specs import VehicleSpec, load_vehicle, vehicle_names
from ..study.claims import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    TESTS,
    ClaimResult,
    ClaimsCheck,
    check_claims,
    claims_study,
    default_store,
    summarise,
)
from ..study.definition import StudyPlan
from ..study.executors import default_workers, process_pool, serial
from ..study.runner import ExecutorFactory
from ..study.store import StoreError, columns, read_store
from . import charts_claims as charts
from .jobs import Job, Registry, show_progress
from .layout import cells_table, error_box, page_title, tag

DEFAULT_VEHICLE = "defender-sport"
#: Draws offered; the default is the CLI's, so the two share the stored check.
DRAWS = (256, 512, 1024, 2048)
#: Up to this many draws the check runs serially in this process: a process pool's
#: start-up (spawning, importing, loading compiled kernels) costs more than it saves.
SERIAL_MAX_DRAWS = 512


@cache
def claim_vehicles() -> dict[str, str]:
    """Shipped vehicles whose file holds claims: id -> name."""
    out = {}
    for v in vehicle_names():
        spec = load_vehicle(v)
        if spec.claims:
            out[v] = spec.name
    return out


def claim_interval(quantity: str, low: float | None, high: float | None) -> str:
    """A claim's interval as text (``range 300-320 mi``)."""
    suffix = quantity.rsplit("_", 1)[-1]
    what = quantity.removesuffix(f"_{suffix}").replace("_", " ")
    unit = {"gbp": "GBP", "kwh": "kWh", "kw": "kW"}.get(suffix, suffix)
    if low is None:
        return f"{what} <= {high:,.0f} {unit}"
    if high is None:
        return f"{what} >= {low:,.0f} {unit}"
    if low == high:
        return f"{what} {low:,.0f} {unit}"
    return f"{what} {low:,.0f}-{high:,.0f} {unit}"


def ledger_rows(spec: VehicleSpec) -> list[list[str | tuple[str, str]]]:
    """Each claim: what, the test it names, its words, and its source (title, publisher,
    date, link)."""
    rows: list[list[str | tuple[str, str]]] = []
    for c in spec.claims:
        src = spec.sources.get(c.source)
        title = src.title if src is not None else c.source
        who = ", ".join(x for x in (src.publisher, src.date) if x) if src is not None else ""
        link: str | tuple[str, str] = (
            (src.url, src.url) if src is not None and src.url else "no URL recorded"
        )
        confidence = src.confidence if src is not None else ""
        rows.append(
            [
                claim_interval(c.quantity, c.low, c.high),
                c.test,
                c.text,
                title,
                who,
                confidence,
                link,
            ]
        )
    return rows


def executor_for(draws: int) -> tuple[ExecutorFactory, int, str]:
    """Where the check's draws run: serially for a small check or one core, else a
    process pool over every core (the library's two local executors)."""
    n = default_workers()
    if n == 1 or draws <= SERIAL_MAX_DRAWS:
        return serial, 1, "serially in the server's process"
    return (lambda: process_pool(n)), n, f"on {n} worker processes"


@cache
def plan_for(vehicle: str, draws: int) -> StudyPlan:
    """The study behind the check (as ``evtwin claims`` makes it)."""
    return claims_study(load_vehicle(vehicle), draws, DEFAULT_SEED)


def store_state(plan: StudyPlan) -> tuple[Path, int, int]:
    """The check's store, the draws it holds and the draws it needs."""
    path = default_store(plan)
    try:
        store = read_store(path)
        done = store.done_chunks(verify=False)
    except (StoreError, FileNotFoundError):
        return path, 0, plan.n_samples
    return path, sum(store.expected_rows(c) for c in done), plan.n_samples


@dataclass(frozen=True)
class CheckView:
    """A finished check and its draws' ranges per test (in each test's unit)."""

    check: ClaimsCheck
    ranges: dict[str, NDArray[np.float64]]


def _view(plan: StudyPlan, store: Path, check: ClaimsCheck | None = None) -> CheckView:
    cols = columns(store)
    check = check or summarise(plan, cols, store)
    ok = np.array([e is None for e in cols["error"]], dtype=bool)
    for t in TESTS:
        ok &= np.isfinite(cols[t.output].astype(float))
    return CheckView(check, {t.name: cols[t.output][ok].astype(float) for t in TESTS})


def read_check(vehicle: str, draws: int) -> CheckView:
    """A stored check's figures (read, not run)."""
    plan = plan_for(vehicle, draws)
    return _view(plan, default_store(plan))


CHECKS: Registry[CheckView] = Registry()


def start_check(vehicle: str, draws: int) -> Job[CheckView]:
    """Run (or resume) the check in the background; one job per store."""
    plan = plan_for(vehicle, draws)
    store = default_store(plan)
    factory, workers, _ = executor_for(draws)

    def work(job: Job[CheckView]) -> CheckView:
        def progress(rows: int, stored: int, total: int) -> None:
            job.progress(stored, total)

        check = check_claims(
            plan.spec,
            samples=draws,
            seed=DEFAULT_SEED,
            executor=factory,
            workers=workers,
            progress=progress,
        )
        return _view(plan, store, check)

    job, _ = CHECKS.start(str(store), f"claims check of {vehicle} ({draws} draws)", work, draws)
    return job


def _pct(p: float, se: float) -> str:
    return f"{p:.0%} ± {se:.0%}" if se >= 0.005 else f"{p:.0%}"


def probability_rows(check: ClaimsCheck) -> list[list[str]]:
    """Range claims: the probability on each test with its sampling error, and the
    share at or above the claim's low end."""
    rows = []
    for c in check.claims:
        if c.kind != "range":
            continue
        probs = {p.test: p for p in c.probabilities}
        row = [claim_interval(c.quantity, c.low, c.high), c.source]
        row += [_pct(probs[t.name].probability, probs[t.name].standard_error) for t in TESTS]
        least = [probs[t.name].at_least_low for t in TESTS]
        row.append(", ".join(f"{x:.0%}" for x in least if x is not None) or "-")
        rows.append(row)
    return rows


def input_rows(check: ClaimsCheck) -> list[list[str]]:
    """Claims on figures the file itself estimates: the share of its draws inside."""
    rows = []
    for c in check.claims:
        if c.kind != "input":
            continue
        p = c.probabilities[0]
        rows.append(
            [
                claim_interval(c.quantity, c.low, c.high),
                c.source,
                c.figure or "",
                _pct(p.probability, p.standard_error),
            ]
        )
    return rows


def distribution_rows(check: ClaimsCheck) -> list[list[str]]:
    rows = []
    for d in check.distributions:
        drivers = "; ".join(f"{s.variable} ({s.first_order:.2f})" for s in d.drivers)
        cells = [f"{x:.0f} {d.unit}" for x in (d.p5, d.p50, d.p95)]
        rows.append([d.label, *cells, drivers])
    return rows


class ClaimsView:
    """The page's state and parts."""

    def __init__(self, vehicle: str, draws: int) -> None:
        self.vehicle = vehicle
        self.draws = draws
        self.job: Job[CheckView] | None = None
        self.show_error = error_box()

    def controls(self) -> None:
        with ui.row().classes("items-end gap-4"):
            self.vehicle_select = tag(
                ui.select(
                    claim_vehicles(), value=self.vehicle, label="Vehicle", on_change=self.on_vehicle
                ).classes("min-w-[24rem]"),
                "vehicle-select",
            )
            self.draws_select = tag(
                ui.select(
                    {d: f"{d:,}" for d in DRAWS},
                    value=self.draws,
                    label="Draws of the unknowns",
                    on_change=self.on_draws,
                ).classes("w-48"),
                "claims-draws",
            )

    def ledger(self) -> None:
        with ui.card().classes("w-full"):
            ui.label("Claims ledger").classes("text-lg font-semibold")
            ui.label(
                "Every published claim in the vehicle file, kept to be checked, not assumed."
            ).classes("text-sm text-gray-600")
            self.ledger_box = ui.column().classes("w-full")
        self.draw_ledger()

    def draw_ledger(self) -> None:
        spec = load_vehicle(self.vehicle)
        self.ledger_box.clear()
        with self.ledger_box:
            cells_table(
                [
                    "claim",
                    "test",
                    "in the source's words",
                    "source",
                    "by, when",
                    "confidence",
                    "link",
                ],
                ledger_rows(spec),
                "claims-ledger",
            )

    def check_card(self) -> None:
        with tag(ui.card().classes("w-full"), "claims-card"):
            ui.label("Claims check").classes("text-lg font-semibold")
            self.check_note = tag(
                ui.label("Looking for a stored check...").classes("text-sm text-gray-600"),
                "claims-status",
            )
            with ui.row().classes("items-center gap-4"):
                self.run_button = tag(
                    ui.button("Run claims check", on_click=self.run_check), "claims-run"
                )
                self.run_button.set_visibility(False)  # until the store has been looked at
                self.bar = tag(
                    ui.linear_progress(value=0.0, show_value=False).classes("w-80"),
                    "claims-progress",
                )
                self.progress_label = tag(ui.label("").classes("text-sm"), "claims-progress-text")
            self.bar.set_visibility(False)
            self.results = ui.column().classes("w-full")
        ui.timer(0.5, self.poll)

    async def on_vehicle(self, e: Any) -> None:
        self.vehicle = e.value
        self.draw_ledger()
        await self.refresh()

    async def on_draws(self, e: Any) -> None:
        self.draws = int(e.value)
        await self.refresh()

    async def refresh(self) -> None:
        """Show the stored check for the settings, or offer to run it."""
        want = (self.vehicle, self.draws)
        self.results.clear()
        self.job = None
        try:
            plan = await run.io_bound(plan_for, *want)
            state = None if plan is None else await run.io_bound(store_state, plan)
        except Exception as exc:  # a bad file is the vehicle's problem: name it
            self.show_error(f"vehicle: {exc}")
            return
        if state is None or want != (self.vehicle, self.draws):
            return  # stopping, or the settings moved on while this one was reading
        self.show_error(None)
        store, held, needed = state
        running = CHECKS.get(str(store))
        _, workers, where = executor_for(self.draws)
        if running is not None and running.snapshot().running:
            self.job = running
            self.check_note.set_text(f"Running {where}.")
        elif held >= needed:
            self.check_note.set_text(f"Stored check ({needed:,} draws) in {store}.")
            await self.show_stored()
        else:
            part = f" ({held:,} of {needed:,} draws stored: a run resumes)" if held else ""
            self.check_note.set_text(
                f"No stored check for {needed:,} draws{part}. A run takes about "
                f"{needed * 0.013 / workers:,.0f} s {where}."
            )
        self.run_button.set_visibility(self.job is None and held < needed)

    async def show_stored(self) -> None:
        want = (self.vehicle, self.draws)
        try:
            view = await run.io_bound(read_check, *want)
        except Exception as exc:  # a damaged store: say so, offer nothing broken
            self.show_error(f"store: {exc}")
            return
        if view is not None and want == (self.vehicle, self.draws):
            self.draw(view)

    def run_check(self) -> None:
        # The settings shown, not a refresh's that may still be on its way.
        self.vehicle, self.draws = self.vehicle_select.value, int(self.draws_select.value)
        self.job = start_check(self.vehicle, self.draws)
        self.run_button.set_visibility(False)
        self.check_note.set_text(f"Running {executor_for(self.draws)[2]}.")

    def poll(self) -> None:
        job = self.job
        if job is None:
            self.bar.set_visibility(False)
            self.progress_label.set_text("")
            return
        snap = job.snapshot()
        self.bar.set_visibility(snap.running)
        show_progress(self.bar, snap)
        self.progress_label.set_text(snap.describe("draws"))
        if snap.running:
            return
        self.job = None
        if snap.status == "failed":
            self.show_error(f"claims check: {snap.error}")
            self.run_button.set_visibility(True)
        elif job.result is not None:
            self.check_note.set_text(f"Stored check ({snap.total:,} draws).")
            self.draw(job.result)

    def draw(self, view: CheckView) -> None:
        check = view.check
        range_claims: list[ClaimResult] = [c for c in check.claims if c.kind == "range"]
        self.results.clear()
        with self.results:
            ui.label(
                f"{check.valid:,} consistent draws of {check.samples:,} over "
                f"{len(check.unknowns)} uncertain figures (seed {check.seed})."
            ).classes("text-sm")
            with tag(ui.column().classes("w-full"), "claims-probabilities"):
                ui.label(
                    "Range claims: the probability that the range lies in the claim "
                    "(± sampling error)"
                ).classes("font-semibold")
                heads = ["claim", "source", *(t.label for t in TESTS), "at least the low end"]
                cells_table(heads, probability_rows(check), "claims-probability-table")
                if any(c.kind == "input" for c in check.claims):
                    ui.label(
                        "Claims on figures the file estimates: the share of the file's own "
                        "draws inside each (how its estimate weighs the claims, not new "
                        "evidence)"
                    ).classes("font-semibold mt-2")
                    cells_table(
                        ["claim", "source", "figure", "probability"],
                        input_rows(check),
                        "claims-input-table",
                    )
            with tag(ui.column().classes("w-full"), "claims-distributions"):
                ui.label("Range over the unknowns (claims shaded)").classes("font-semibold")
                ui.plotly(charts.distributions_figure(view.ranges, TESTS, range_claims)).classes(
                    "w-full"
                )
                cells_table(
                    ["test", "5 %", "median", "95 %", "drivers (first-order index)"],
                    distribution_rows(check),
                    "claims-distribution-table",
                )
            if check.samples > check.valid:
                why = check.invalid_reasons[0][0] if check.invalid_reasons else ""
                ui.label(
                    f"{check.samples - check.valid:,} draws made an inconsistent car and were "
                    f"left out (most often: {why})."
                ).classes("text-xs text-gray-500")


def _check_args(vehicle: str | None, draws: str | None) -> tuple[str, int, list[str]]:
    problems = []
    v = vehicle or DEFAULT_VEHICLE
    if v not in claim_vehicles():
        problems.append(f"vehicle: {v!r} has no claims; with claims: {', '.join(claim_vehicles())}")
        v = DEFAULT_VEHICLE
    d = DEFAULT_SAMPLES
    if draws is not None:
        if draws.strip().isdigit() and int(draws) in DRAWS:
            d = int(draws)
        else:
            problems.append(f"draws: {draws!r} is not one of {', '.join(map(str, DRAWS))}")
    return v, d, problems


def page(vehicle: str | None = None, draws: str | None = None) -> None:
    """``/claims?vehicle=...&draws=...``: both optional (read as text and checked here,
    so a bad value is named on the page rather than failing the route)."""
    page_title(
        "Claims",
        "Each published claim with its source, and how likely it is to hold on each test "
        "given every figure the file is unsure of.",
    )
    v, d, problems = _check_args(vehicle, draws)
    view = ClaimsView(v, d)
    if problems:
        view.show_error("; ".join(problems))
    view.controls()
    view.ledger()
    view.check_card()
    ui.timer(0.0, view.refresh, once=True)


__all__ = [
    "CHECKS",
    "DRAWS",
    "CheckView",
    "claim_interval",
    "claim_vehicles",
    "executor_for",
    "ledger_rows",
    "page",
    "plan_for",
    "read_check",
    "start_check",
    "store_state",
]
