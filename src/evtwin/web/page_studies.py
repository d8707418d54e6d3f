"""The studies page: launch a study (YAML, validated by the library), watch it run, and
explore its results: a Pareto front of two outputs and one output's distribution.

Each run goes into a new folder of the user's cache (``$EVTWIN_CACHE_DIR/studies``), a
results store like ``evtwin sweep --out`` writes (:func:`evtwin.study.runner.run_study`),
in the background; the page polls the run's progress and stays usable meanwhile. Runs
stored earlier (by this page) are listed for exploring.

The example studies of the repository (``examples/studies``) are not package data:
they are offered when the package runs from a checkout that has them, beside a small
built-in example written for this page.

No ``from __future__ import annotations``: NiceGUI reads the builder's annotations.
"""

import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from nicegui import run, ui
from numpy.typing import NDArray

from ..specs import vehicle_names
from ..study.claims import cache_dir
from ..study.definition import StudyError, StudyPlan, parse_study, resolve
from ..study.executors import default_workers, process_pool, serial
from ..study.outputs import OUTPUTS
from ..study.pareto import non_dominated
from ..study.runner import ExecutorFactory, run_study
from ..study.store import MANIFEST, StoreError, columns, read_store
from . import charts_studies as charts
from .jobs import Job, Registry, show_progress
from .layout import error_box, page_title, tag

Sense = Literal["max", "min"]

#: The built-in example: small enough to run in seconds on one core.
EXAMPLE_YAML = """\
# A small study written for this page (64 designs, seconds on one core): what the
# Defender Sport's battery, ride height and drag trade between range, breakover
# angle and price.
name: web-battery-ride-height
vehicle: defender-sport
seed: 20261202
sampler: lhs
samples: 64
chunk_size: 16
variables:
  battery.usable_energy_kwh: {distribution: uniform, low: 70, high: 90}
  body.ground_clearance_mm: {distribution: uniform}
  body.drag_coefficient: {distribution: triangular}
# Design rules of this study (estimates, stated with their basis):
links:
  - source: battery.usable_energy_kwh
    target: mass.kerb_kg
    per_unit: 6.5
    basis: "Pack-level specific energy of about 150-160 Wh/kg (NMC packs of 2023-25
      EVs): 6-7 kg per usable kWh"
  - source: battery.usable_energy_kwh
    target: price.base_gbp
    per_unit: 150
    basis: "Estimate: a pack cost of roughly GBP 90-100 per kWh carried to the list
      price with margins (x1.5)"
outputs: [wltp_range_km, winter_motorway_range_mi, breakover_deg, approach_deg, price_gbp]
objectives:
  wltp_range_km: max
  breakover_deg: max
  price_gbp: min
"""
BUILTIN = "builtin"
#: Most samples (rows) one study may have here; larger ones belong to ``evtwin sweep``
#: on a cluster, not to a shared web server.
WEB_MAX_SAMPLES = 200_000
#: Up to this many samples, or with one chunk, a study runs serially in the server's
#: process: a process pool's start-up costs more than it saves.
SERIAL_MAX_SAMPLES = 256
#: Units whose smaller value is better, for outputs a study gives no sense for.
_LOWER_IS_BETTER_UNITS = {"s", "min", "GBP", "kWh/100 km", "kWh/100 mi"}


# --- the study's text ------------------------------------------------------------------


def examples_dir() -> Path | None:
    """``examples/studies`` of the checkout the package runs from, if there is one."""
    import evtwin

    folder = Path(evtwin.__file__).resolve().parents[2] / "examples" / "studies"
    return folder if folder.is_dir() else None


def example_choices() -> dict[str, str]:
    """The studies offered: the built-in one, then the repository's examples."""
    out = {BUILTIN: "Small example (built in, 64 designs)"}
    folder = examples_dir()
    if folder is not None:
        for f in sorted(folder.glob("*.yaml")):
            out[str(f)] = f"examples/studies/{f.name}"
    return out


def example_text(key: str) -> str:
    if key == BUILTIN or key not in example_choices():
        return EXAMPLE_YAML
    return Path(key).read_text(encoding="utf-8")


def _vehicle_line(text: str) -> tuple[object, int | None]:
    """The study's ``vehicle`` value and its line (``None``s when the text says none)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None, None  # the library names the YAML error
    if not isinstance(node, yaml.MappingNode):
        return None, None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "vehicle":
            return value.value, value.start_mark.line + 1
    return None, None


def validate(text: str, file: str = "study.yaml") -> StudyPlan:
    """The study resolved by the library (:func:`parse_study`).

    The web app runs shipped vehicles only: a vehicle file path would have the server
    open any file a user names.

    Raises
    ------
    StudyError
        Naming each field at fault and its line.
    """
    vehicle, line = _vehicle_line(text)
    if isinstance(vehicle, str) and vehicle not in vehicle_names():
        where = f"vehicle (line {line})" if line else "vehicle"
        raise StudyError(
            file,
            [
                f"{where}: {vehicle!r} is not a shipped vehicle; the web app runs "
                f"{', '.join(vehicle_names())}"
            ],
        )
    plan = parse_study(text, file)
    _check_size(plan, file)
    return plan


def _check_size(plan: StudyPlan, file: str) -> None:
    if plan.n_samples > WEB_MAX_SAMPLES:
        raise StudyError(
            file,
            [
                f"samples: the study has {plan.n_samples:,} samples; the web app runs up to "
                f"{WEB_MAX_SAMPLES:,} (use evtwin sweep for more)"
            ],
        )


def study_error_text(exc: StudyError) -> str:
    """The library's problems, one a line (each names its field and line)."""
    return f"invalid study {exc.file}:\n" + "\n".join(exc.problems)


def with_samples(plan: StudyPlan, samples: int) -> StudyPlan:
    """The study with another number of draws per grid point (validated again)."""
    if samples == plan.study.samples or not plan.sampled_vars:
        return plan
    study = plan.study.model_copy(update={"samples": int(samples)})
    out = resolve(study, file=plan.file)
    _check_size(out, plan.file)
    return out


def describe(plan: StudyPlan) -> str:
    """One paragraph of what the study runs."""
    s = plan.study
    grid = f"{plan.n_grid:,} grid points x " if plan.n_grid > 1 else ""
    draws = f"{plan.draws:,} {s.sampler} draws" if plan.sampled_vars else "no sampled variables"
    return (
        f"{s.name} on {plan.spec.id}: {plan.n_samples:,} samples ({grid}{draws}) in "
        f"{plan.n_chunks:,} chunks of {s.chunk_size:,}; variables "
        f"{', '.join(v.path for v in plan.variables) or 'none'}; options "
        f"{', '.join(g.name for g in plan.option_groups) or 'none'}; outputs "
        f"{', '.join(s.outputs)}."
    )


# --- runs ------------------------------------------------------------------------------


def runs_dir() -> Path:
    """Where the page's studies are stored."""
    return cache_dir() / "studies"


def new_run_dir(plan: StudyPlan) -> Path:
    """A new folder per run, named for the study and the time."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", plan.study.name)[:60] or "study"
    return runs_dir() / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"


def executor_for(plan: StudyPlan) -> tuple[ExecutorFactory, int, str]:
    """Serially for a small study (or one core, or one chunk), else a process pool."""
    n = default_workers()
    if n == 1 or plan.n_chunks == 1 or plan.n_samples <= SERIAL_MAX_SAMPLES:
        return serial, 1, "serially in the server's process"
    return (lambda: process_pool(n)), n, f"on {n} worker processes"


RUNS: Registry[Path] = Registry()


def start_run(plan: StudyPlan) -> tuple[str, Job[Path]]:
    """Run the study into a new folder in the background; (its folder, its job)."""
    out = new_run_dir(plan)
    factory, workers, _ = executor_for(plan)

    def work(job: Job[Path]) -> Path:
        def progress(rows: int, stored: int, total: int) -> None:
            job.progress(stored, total)
            job.check()  # Stop: the chunks stored so far stay (a later run resumes)

        run_study(plan, out, executor=factory, workers=workers, progress=progress)
        return out

    job, _ = RUNS.start(str(out), plan.study.name, work, plan.n_samples)
    return str(out), job


@dataclass(frozen=True)
class StoredRun:
    path: str
    name: str
    n_samples: int
    stored: int
    mtime: float

    @property
    def label(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.mtime))
        part = "" if self.stored >= self.n_samples else f", {self.stored:,} stored"
        return f"{self.name} ({self.n_samples:,} samples{part}), {when}"


def stored_runs() -> list[StoredRun]:
    """The stores under :func:`runs_dir`, newest first (unreadable ones left out)."""
    root = runs_dir()
    if not root.is_dir():
        return []
    out = []
    for p in root.iterdir():
        if not (p / MANIFEST).is_file():
            continue
        try:
            store = read_store(p)
            done = store.done_chunks(verify=False)
        except (StoreError, OSError):
            continue
        stored = sum(store.expected_rows(c) for c in done)
        m = store.manifest
        out.append(
            StoredRun(
                str(p), m["study_name"], m["n_samples"], stored, (p / MANIFEST).stat().st_mtime
            )
        )
    return sorted(out, key=lambda r: -r.mtime)


# --- exploring -------------------------------------------------------------------------


def default_sense(output: str, objectives: dict[str, Any]) -> Sense:
    """The study's sense for an objective; else the output's own direction (an off-road
    score's, or smaller for times, prices and consumption, larger otherwise)."""
    o = objectives.get(output)
    if isinstance(o, str):
        return "min" if o == "min" else "max"
    if isinstance(o, dict) and o.get("sense") in ("max", "min"):
        return "min" if o["sense"] == "min" else "max"
    if output.startswith("offroad_") and output != "offroad_passed":
        from ..sim.offroad_scenarios import SCENARIOS

        sc = SCENARIOS.get(output.removeprefix("offroad_"))
        if sc is not None:
            return "max" if sc.higher_is_better else "min"
    unit = OUTPUTS[output].unit if output in OUTPUTS else ""
    return "min" if unit in _LOWER_IS_BETTER_UNITS else "max"


@dataclass(frozen=True)
class Results:
    """A store's valid rows, ready to plot."""

    path: str
    name: str
    n_rows: int
    outputs: tuple[str, ...]
    objectives: dict[str, Any]
    tolerance: float
    values: dict[str, NDArray[np.float64]]  #: per output, valid rows only
    hover: tuple[str, ...]

    def tolerance_of(self, output: str) -> float:
        o = self.objectives.get(output)
        if isinstance(o, dict) and "tolerance" in o:
            return float(o["tolerance"])
        return self.tolerance


def load_results(path: str) -> Results:
    """The stored rows of a study (finished or not) and what its file says of them."""
    store = read_store(path)
    study = store.manifest["study"]
    outputs = tuple(study["outputs"])
    cols = columns(path)
    ok = np.array([e is None for e in cols["error"]], dtype=bool)
    for o in outputs:
        ok &= np.isfinite(cols[o].astype(float))
    design_cols = [c for c in cols if c not in (*outputs, "error", "sample_id")]
    hover = tuple(
        "<br>".join(
            [f"sample {int(cols['sample_id'][i])}"]
            + [f"{c.replace('__', '.')}: {_short(cols[c][i])}" for c in design_cols]
        )
        for i in np.flatnonzero(ok)
    )
    return Results(
        path=path,
        name=str(study.get("name", "study")),
        n_rows=int(ok.size),
        outputs=outputs,
        objectives=dict(study.get("objectives") or {}),
        tolerance=float(study.get("tolerance", 0.001)),
        values={o: cols[o][ok].astype(float) for o in outputs},
        hover=hover,
    )


def _short(x: Any) -> str:
    return f"{x:.4g}" if isinstance(x, float | np.floating) else str(x)


def front_mask(res: Results, x: str, y: str, sx: Sense, sy: Sense) -> NDArray[np.bool_]:
    """The designs no other beats on both outputs (``study.pareto.non_dominated``, with
    the study's tie tolerances)."""
    values = np.column_stack([res.values[x], res.values[y]])
    return non_dominated(values, (sx, sy), [res.tolerance_of(x), res.tolerance_of(y)])


def output_label(output: str) -> str:
    o = OUTPUTS.get(output)
    return f"{output} [{o.unit}]" if o is not None else output


# --- the page ----------------------------------------------------------------------------


class StudiesView:
    """The page's state and parts."""

    def __init__(self) -> None:
        self.show_error = error_box()
        self.plan: StudyPlan | None = None
        self.validated_text: str | None = None
        self.run_key: str | None = None
        self.results: Results | None = None

    # launching

    def launch_card(self) -> None:
        with tag(ui.card().classes("w-full"), "study-launch"):
            ui.label("Launch a study").classes("text-lg font-semibold")
            ui.label(
                "A study file as evtwin sweep and evtwin pareto read it (docs/studies.md); "
                "edit it here. It runs into a new folder of the user's cache."
            ).classes("text-sm text-gray-600")
            tag(
                ui.select(
                    example_choices(), value=BUILTIN, label="Start from", on_change=self.on_example
                ).classes("min-w-[24rem]"),
                "study-example",
            )
            self.yaml = tag(
                ui.textarea(value=EXAMPLE_YAML, label="Study (YAML)")
                .classes("w-full font-mono text-xs")
                .props("outlined autogrow spellcheck=false"),
                "study-yaml",
            )
            with ui.row().classes("items-end gap-4"):
                tag(
                    ui.button("Validate", on_click=self.on_validate).props("outline"),
                    "study-validate",
                )
                self.samples = tag(
                    ui.number(
                        label="Samples (draws per grid point)",
                        value=64,
                        min=1,
                        max=WEB_MAX_SAMPLES,
                        step=1,
                        precision=0,
                    ).classes("w-56"),
                    "study-samples",
                )
                self.run_button = tag(ui.button("Run", on_click=self.on_run), "study-run")
                self.stop_button = tag(
                    ui.button("Stop", on_click=self.on_stop).props("outline color=negative"),
                    "study-stop",
                )
                self.stop_button.set_visibility(False)
            self.info = tag(ui.label("").classes("text-sm"), "study-info")

    async def on_example(self, e: Any) -> None:
        try:
            text = await run.io_bound(example_text, e.value)
        except OSError as exc:
            self.show_error(f"example: {exc}")
            return
        if text is not None:
            self.yaml.set_value(text)
            self.plan = None
            await self.on_validate()

    async def on_validate(self) -> StudyPlan | None:
        """Validate the text; show the library's error (fields and lines) if it is wrong."""
        text = self.yaml.value or ""
        try:
            plan = await run.io_bound(validate, text)
        except StudyError as exc:
            self.plan = None
            self.show_error(study_error_text(exc))
            self.info.set_text("")
            return None
        except Exception as exc:  # anything else the file provokes is still the file's
            self.plan = None
            self.show_error(f"study: {exc}")
            return None
        if plan is None:
            return None
        self.show_error(None)
        self.plan, self.validated_text = plan, text
        self.samples.set_value(plan.study.samples)
        self.samples.set_enabled(bool(plan.sampled_vars))
        where = executor_for(plan)[2]
        self.info.set_text(f"Valid: {describe(plan)} It would run {where}.")
        return plan

    async def on_run(self) -> None:
        plan = self.plan
        if plan is None or self.validated_text != (self.yaml.value or ""):
            plan = await self.on_validate()
        if plan is None:
            return
        try:
            n = int(self.samples.value or plan.study.samples)
            plan = await run.io_bound(with_samples, plan, n)
        except StudyError as exc:
            self.show_error(study_error_text(exc))
            return
        except ValueError as exc:
            self.show_error(f"samples: {exc}")
            return
        if plan is None:
            return
        self.show_error(None)
        self.run_key, _ = start_run(plan)
        self.info.set_text(f"Running {describe(plan)}")
        self.stop_button.set_visibility(True)

    def on_stop(self) -> None:
        job = RUNS.get(self.run_key) if self.run_key else None
        if job is not None:
            job.cancel()

    # progress

    def progress_card(self) -> None:
        with tag(ui.card().classes("w-full"), "study-progress"):
            ui.label("Progress").classes("text-lg font-semibold")
            self.bar = tag(
                ui.linear_progress(value=0.0, show_value=False).classes("w-full"),
                "study-progress-bar",
            )
            self.progress_text = tag(
                ui.label("No study running.").classes("text-sm"), "study-progress-text"
            )
        ui.timer(0.5, self.poll)

    async def poll(self) -> None:
        job = RUNS.get(self.run_key) if self.run_key else None
        if job is None:
            return
        snap = job.snapshot()
        show_progress(self.bar, snap)
        self.progress_text.set_text(f"{snap.name}: {snap.describe('rows')}")
        if snap.running:
            return
        key, self.run_key = self.run_key, None
        self.stop_button.set_visibility(False)
        if snap.status == "failed":
            self.show_error(f"study run: {snap.error}")
        elif snap.status == "cancelled":
            self.info.set_text(f"Stopped; the chunks stored so far are in {key}.")
        else:
            self.info.set_text(f"Done in {snap.elapsed_s:,.1f} s; stored in {key}.")
        self.refresh_runs(select=key)

    # exploring

    def explore_card(self) -> None:
        with tag(ui.card().classes("w-full"), "study-explore"):
            ui.label("Explore").classes("text-lg font-semibold")
            with ui.row().classes("items-end gap-4"):
                self.runs = tag(
                    ui.select({}, label="Results", on_change=self.on_results).classes(
                        "min-w-[32rem]"
                    ),
                    "study-results",
                )
                tag(
                    ui.button(icon="refresh", on_click=lambda: self.refresh_runs()).props("flat"),
                    "study-refresh",
                )
            with ui.row().classes("items-end gap-4"):
                self.px = tag(ui.select([], label="Pareto x").classes("w-64"), "pareto-x")
                self.sx = tag(ui.toggle(["max", "min"], value="max"), "pareto-x-sense")
                self.py = tag(ui.select([], label="Pareto y").classes("w-64"), "pareto-y")
                self.sy = tag(ui.toggle(["max", "min"], value="max"), "pareto-y-sense")
            for el in (self.px, self.py):
                el.on_value_change(self.on_axis)
            for toggle in (self.sx, self.sy):
                toggle.on_value_change(lambda _: self.draw_pareto())
            self.pareto = tag(ui.plotly({"data": [], "layout": {}}), "pareto-chart").classes(
                "w-full"
            )
            self.pareto_summary = tag(ui.label("").classes("text-sm"), "pareto-summary")
            self.dist_output = tag(
                ui.select([], label="Distribution of").classes("w-64"), "distribution-output"
            )
            self.dist_output.on_value_change(lambda _: self.draw_distribution())
            self.dist = tag(ui.plotly({"data": [], "layout": {}}), "distribution-chart").classes(
                "w-full"
            )
            self.dist_summary = tag(ui.label("").classes("text-sm"), "distribution-summary")

    def refresh_runs(self, select: str | None = None) -> None:
        runs = {r.path: r.label for r in stored_runs()}
        for key in RUNS.started():  # a run too young to have its manifest yet
            if key not in runs and Path(key).parent == runs_dir():
                runs[key] = f"{Path(key).name} (starting)"
        self.runs.set_options(runs)
        if select is not None and select in runs:
            self.runs.set_value(select)
            self.runs.update()

    async def on_results(self, e: Any) -> None:
        if not e.value:
            return
        try:
            res = await run.io_bound(load_results, e.value)
        except Exception as exc:  # a damaged or foreign store: say which
            self.show_error(f"results: {exc}")
            return
        if res is None:
            return
        self.show_error(None)
        self.results = res
        outs = list(res.outputs)
        objectives = [o for o in outs if o in res.objectives] or outs
        x = objectives[0]
        y = objectives[1] if len(objectives) > 1 else outs[min(1, len(outs) - 1)]
        labels = {o: output_label(o) for o in outs}
        self.px.set_options(labels, value=x)
        self.py.set_options(labels, value=y)
        self.dist_output.set_options(labels, value=x)
        self.set_senses()
        self.draw_pareto()
        self.draw_distribution()

    def set_senses(self) -> None:
        res = self.results
        if res is None:
            return
        if self.px.value:
            self.sx.set_value(default_sense(self.px.value, res.objectives))
        if self.py.value:
            self.sy.set_value(default_sense(self.py.value, res.objectives))

    def on_axis(self, _: Any) -> None:
        self.set_senses()
        self.draw_pareto()

    def draw_pareto(self) -> None:
        res = self.results
        x, y = self.px.value, self.py.value
        if res is None or not x or not y:
            return
        if res.values[x].size == 0:
            self.pareto_summary.set_text("No valid designs yet.")
            return
        try:
            mask = front_mask(res, x, y, self.sx.value, self.sy.value)
        except ValueError as exc:
            self.show_error(f"pareto: {exc}")
            return
        fig = charts.pareto_figure(
            res.values[x], res.values[y], mask, res.hover, output_label(x), output_label(y)
        )
        self.pareto.update_figure(fig)
        self.pareto_summary.set_text(
            f"{int(mask.sum())} of {mask.size} valid designs ({res.n_rows} rows) are on the "
            f"front of {x} ({self.sx.value}) and {y} ({self.sy.value})."
        )

    def draw_distribution(self) -> None:
        res = self.results
        o = self.dist_output.value
        if res is None or not o:
            return
        v = res.values[o]
        unit = OUTPUTS[o].unit if o in OUTPUTS else ""
        self.dist.update_figure(charts.distribution_figure(v, o, unit))
        if v.size:
            p5, p50, p95 = np.percentile(v, [5.0, 50.0, 95.0])
            self.dist_summary.set_text(
                f"{o}: mean {v.mean():,.4g}, 5 % {p5:,.4g}, median {p50:,.4g}, "
                f"95 % {p95:,.4g} {unit} over {v.size} designs"
            )


def page() -> None:
    page_title(
        "Studies",
        "Many simulations over varied or uncertain figures: launch a study, watch it, and "
        "explore its Pareto front and distributions.",
    )
    view = StudiesView()
    view.launch_card()
    view.progress_card()
    view.explore_card()
    view.refresh_runs()
    ui.timer(0.0, view.on_validate, once=True)


__all__ = [
    "EXAMPLE_YAML",
    "RUNS",
    "Results",
    "default_sense",
    "example_choices",
    "examples_dir",
    "front_mask",
    "load_results",
    "page",
    "start_run",
    "stored_runs",
    "validate",
    "with_samples",
]
