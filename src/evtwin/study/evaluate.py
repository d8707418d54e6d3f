"""Run one chunk of a study: its samples' values in, a table of inputs and outputs out.

Two paths give the same numbers:

- the **reference path** builds and validates each sample's spec
  (:func:`evtwin.study.corners.with_figures`) and runs the procedures of
  :mod:`evtwin.sim.label` on the chunk's specs as one batch;
- the **column path** prepares the nominal vehicle once per procedure and sets, per
  sample, the kernel's parameter columns each variable moves, then runs one batch
  per chunk. Most of a sample's cost is then the compiled loop.

The column path is chosen only when it is exact: before a study runs, each variable
is probed through the reference preparation at several points of its range, and the
path is used when every variable moves only parameter columns (no battery table or
powertrain map, no recharge factor), affinely, and no two variables move the same
column (their effects would then interact, as mass and rolling resistance do in
``m g Crr``). The kerb mass reaches the kernel through each procedure's test mass
(EPA's inertia classes are steps), so it is applied through that mass. Anything
else (motor sizes, pack voltage) takes the reference path. Tests hold the two paths
equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import ValidationError

from ..cycles import WLTC_PHASES
from ..sim.charging import charge_session
from ..sim.conditions import EPA_CONDITIONS, WLTP_CONDITIONS
from ..sim.drive import simulate
from ..sim.geometry import geometry
from ..sim.label import (
    EPA_ADJUSTMENT,
    EPA_CITY_WEIGHT,
    _window_soc,
    epa_label,
    epa_test_mass,
    usable_energy,
    wltp,
    wltp_test_mass,
)
from ..sim.performance import performance_batch
from ..sim.prepare import RunOptions, VehicleBatch, prepare_batch
from ..sim.real_world import UK_WINTER, UK_WINTER_SPEED, custom_weather, steady_ranges
from ..sim.recharge import recharge_ac_energy_for
from ..sim.result import DriveResult
from ..specs import Figure, VehicleSpec
from ..units import KPH, KWH, MILE
from .corners import LINKED, with_figures
from .definition import StudyPlan, default_architecture
from .outputs import CONDITIONS, OUTPUTS, Procedure
from .sampling import option_indices, sample_values

Array = NDArray[np.float64]

#: The cycles each procedure drives, and its conditions.
_CYCLES: dict[Procedure, tuple[str, ...]] = {"wltp": ("wltc_class3b",), "epa": ("udds", "hwfet")}
_AMBIENT = {"wltp": WLTP_CONDITIONS, "epa": EPA_CONDITIONS}
_KERB = "mass.kerb_kg"
#: Relative departure from a straight line that still counts as affine (rounding).
_AFFINE_RTOL = 1e-9
#: Fractions of a variable's range at which it is probed.
_PROBES = (0.0, 0.3, 0.7, 1.0)


def procedures(plan: StudyPlan) -> tuple[Procedure, ...]:
    """The procedures the study's outputs need, in a fixed order."""
    wanted = {OUTPUTS[o].procedure for o in plan.study.outputs}
    order: tuple[Procedure, ...] = (
        "wltp",
        "epa",
        "winter",
        "steady",
        "performance",
        "charging",
        "geometry",
        "price",
        "offroad",
    )
    return tuple(p for p in order if p in wanted)


def _test_mass(spec: VehicleSpec, proc: Procedure) -> float:
    return wltp_test_mass(spec) if proc == "wltp" else epa_test_mass(spec)


def procedure_batch(spec: VehicleSpec, proc: Procedure) -> VehicleBatch:
    """One vehicle prepared as the procedure runs it (its test mass, mid-window SOC)."""
    opts = RunOptions(mass_kg=_test_mass(spec, proc), soc_start=_window_soc(spec))
    return prepare_batch([spec], _AMBIENT[proc], opts)


@dataclass(frozen=True)
class _Linear:
    """Per-sample kernel inputs of one procedure: ``y = base + sum_k slope_k (x_k - x0_k)``
    over the parameter row with the usable energy appended."""

    base: VehicleBatch
    y0: Array  # (N_PARAM + 1,)
    x0: Array  # (n variables,): nominal value of each variable (kerb: test mass)
    slopes: Array  # (n variables, N_PARAM + 1)
    recharge_per_joule: float  # wall energy per joule of chemical energy [-]


def _inputs(batch: VehicleBatch, spec: VehicleSpec) -> Array:
    return np.append(batch.params[0], usable_energy(spec))


def _same_tables(a: VehicleBatch, b: VehicleBatch) -> bool:
    return all(
        np.array_equal(x, y)
        for x, y in ((a.battery, b.battery), (a.maps, b.maps), (a.limits, b.limits))
    )


def _linear(plan: StudyPlan, proc: Procedure) -> _Linear | None:
    """The column model of one procedure, or None where it would not be exact."""
    spec = plan.spec
    base = procedure_batch(spec, proc)
    y0 = _inputs(base, spec)
    recharge = float(recharge_ac_energy_for(spec, 1.0))
    variables = plan.variables
    x0 = np.empty(len(variables))
    slopes = np.zeros((len(variables), y0.size))
    for k, v in enumerate(variables):
        if v.path == _KERB:
            # Affine in the test mass for a fixed spec: probe the mass directly.
            m0 = _test_mass(spec, proc)
            at = {}
            for dm in (-100.0, 100.0):
                opts = RunOptions(mass_kg=m0 + dm, soc_start=_window_soc(spec))
                at[dm] = _inputs(prepare_batch([spec], _AMBIENT[proc], opts), spec)
            slope = (at[100.0] - at[-100.0]) / 200.0
            if not np.allclose(y0, at[-100.0] + 100.0 * slope, rtol=_AFFINE_RTOL, atol=0.0):
                return None
            x0[k] = m0
            slopes[k] = slope
            continue
        xs = [v.low + f * (v.high - v.low) for f in _PROBES]
        ys = []
        for x in xs:
            try:
                s = with_figures(spec, {v.path: x})
            except ValidationError:
                return None  # an end the spec rejects alone: only whole samples can tell
            b = procedure_batch(s, proc)
            if not _same_tables(b, base) or float(recharge_ac_energy_for(s, 1.0)) != recharge:
                return None
            ys.append(_inputs(b, s))
        slope = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
        for x, y in zip(xs, ys, strict=True):
            line = ys[0] + slope * (x - xs[0])
            if not np.allclose(y, line, rtol=_AFFINE_RTOL, atol=0.0):
                return None
        x0[k] = spec_value(spec, v.path)
        slopes[k] = slope
        y_nominal = ys[0] + slope * (x0[k] - xs[0])
        if not np.allclose(y_nominal, y0, rtol=_AFFINE_RTOL, atol=0.0):
            return None
    touched = slopes != 0.0
    if np.any(touched.sum(axis=0) > 1):
        return None
    return _Linear(base, y0, x0, slopes, recharge)


def spec_value(spec: VehicleSpec, path: str) -> float:
    """The nominal value of a figure by dotted path."""
    node: object = spec
    for part in path.split("."):
        node = getattr(node, part)
    if not isinstance(node, Figure):
        raise ValueError(f"{path} is not a figure")
    return float(node.value)


#: Column models by (study hash, vehicle hash): worked out once per process.
_MODELS: dict[tuple[str, str], dict[Procedure, _Linear] | None] = {}


def _column_models(plan: StudyPlan) -> dict[Procedure, _Linear] | None:
    key = (plan.study_hash, plan.vehicle_hash)
    if key not in _MODELS:
        models: dict[Procedure, _Linear] | None = {}
        # Only the drive-cycle labels have column models: a drive until empty heats the
        # cabin from each car's own profile, options change the car's tables, and a
        # link moves two figures at once (exact on the reference path).
        conditions = any(v.path.startswith("conditions.") for v in plan.variables)
        if (
            set(procedures(plan)) - {"wltp", "epa"}
            or plan.option_groups
            or conditions
            or plan.links
        ):
            models = None
        for proc in procedures(plan) if models is not None else ():
            m = _linear(plan, proc)
            if m is None:
                models = None
                break
            assert models is not None
            models[proc] = m
        _MODELS[key] = models
    return _MODELS[key]


def column_path(plan: StudyPlan) -> bool:
    """True when the study runs on the column path (see the module docstring)."""
    return _column_models(plan) is not None


def _kerb_copy(spec: VehicleSpec, kerb: float) -> VehicleSpec:
    """The spec with a new kerb mass and its linked figures, for the procedures' test
    masses only (not validated: the range's ends were validated when the study was)."""
    mass = spec.mass
    update = {"kerb_kg": mass.kerb_kg.with_value(kerb)}
    for linked, mode in LINKED[_KERB]:
        name = linked.split(".")[-1]
        fig = getattr(mass, name)
        if fig is not None and mode == "offset":
            update[name] = fig.with_value(fig.value + kerb - mass.kerb_kg.value)
    return spec.model_copy(update={"mass": mass.model_copy(update=update)})


def _run_columns(
    plan: StudyPlan, values: Array, models: dict[Procedure, _Linear]
) -> dict[str, Array]:
    n = values.shape[0]
    out: dict[str, Array] = {}
    paths = [v.path for v in plan.variables]
    for proc, m in models.items():
        x = values.copy()
        if _KERB in paths:
            k = paths.index(_KERB)
            x[:, k] = [_test_mass(_kerb_copy(plan.spec, kerb), proc) for kerb in values[:, k]]
        y = m.y0 + (x - m.x0) @ m.slopes
        params, ube = y[:, :-1], y[:, -1]
        b = m.base
        batch = VehicleBatch(
            ("sample",) * n, params, b.battery, b.maps, b.limits, b.grid, b.split_maps
        )
        if proc == "wltp":
            res = simulate(batch, "wltc_class3b", segments=WLTC_PHASES, traces=False)
            out.update(_wltp_outputs(res, ube, m.recharge_per_joule))
        else:
            runs = [simulate(batch, c, traces=False) for c in _CYCLES["epa"]]
            out.update(_epa_outputs(runs, ube, m.recharge_per_joule))
    return out


def _wltp_outputs(res: DriveResult, ube: Array, recharge: float) -> dict[str, Array]:
    # As evtwin.sim.label.wltp: range = usable energy over chemical energy per metre.
    seg = res.segments
    assert seg is not None
    city = [seg.index("low"), seg.index("medium")]
    chem_city = seg.chemical[:, city].sum(axis=1) / seg.distance[:, city].sum(axis=1)
    rng = ube / (res.energy.battery_chemical / res.distance)
    ac = recharge * ube
    return {
        "wltp_range_km": rng / 1000.0,
        "wltp_city_range_km": ube / chem_city / 1000.0,
        "wltp_kwh_per_100km": (ac / rng) * 1e5 / KWH,
    }


def _epa_outputs(runs: Sequence[DriveResult], ube: Array, recharge: float) -> dict[str, Array]:
    # As evtwin.sim.label.epa_label with the two-cycle adjustment.
    f = EPA_ADJUSTMENT
    w = EPA_CITY_WEIGHT
    ranges, cons = [], []
    for r in runs:
        chem, dist = r.energy.battery_chemical, r.distance
        ranges.append(ube / (chem / dist) * f)
        cons.append(recharge * chem / dist / f)
    rng = w * ranges[0] + (1.0 - w) * ranges[1]
    con = w * cons[0] + (1.0 - w) * cons[1]
    return {"epa_range_mi": rng / MILE, "epa_kwh_per_100mi": con * 100.0 * MILE / KWH}


#: Configured specs by (vehicle hash, option ids): built once per process.
_BUILDS: dict[tuple[str, tuple[str, ...]], tuple[VehicleSpec, float]] = {}


def _build(spec: VehicleSpec, ids: tuple[str, ...]) -> tuple[VehicleSpec, float]:
    """The configured spec of a set of options, and what the options add to the price."""
    from ..configurator import configure
    from ..configurator.pricing import price

    key = (spec.content_hash, ids)
    if key not in _BUILDS:
        build = configure(spec, ids)
        extra = 0.0
        if build.catalogue is not None and spec.price is not None:
            extra = price(build).options_total
        _BUILDS[key] = (build.spec, extra)
    return _BUILDS[key]


def _run_reference(
    plan: StudyPlan, values: Array, options: NDArray[np.int64]
) -> tuple[dict[str, Array], list[str | None]]:
    n = values.shape[0]
    errors: list[str | None] = [None] * n
    specs: list[VehicleSpec] = []
    extras: list[float] = []
    archs: list[str] = []
    ok: list[int] = []
    arch_col = next((j for j, g in enumerate(plan.option_groups) if g.kind == "architecture"), None)
    for i in range(n):
        ids = tuple(
            x for g, k in zip(plan.option_groups, options[i], strict=True) for x in g.ids(int(k))
        )
        base, extra = _build(plan.spec, ids) if ids or plan.option_groups else (plan.spec, 0.0)
        figs = {
            v.path: float(values[i, k])
            for k, v in enumerate(plan.variables)
            if not v.path.startswith("conditions.")
        }
        for source, target, per_unit, source0, target0 in plan.links:
            figs[target] = target0 + per_unit * (figs[source] - source0)
        try:
            specs.append(with_figures(base, figs) if figs else base)
            extras.append(extra)
            ok.append(i)
            if arch_col is not None:
                archs.append(plan.option_groups[arch_col].alternatives[int(options[i, arch_col])])
        except ValidationError as exc:
            errors[i] = exc.errors()[0]["msg"].removeprefix("Value error, ")
    out = {name: np.full(n, np.nan) for name in OUTPUTS}
    if specs:
        procs = procedures(plan)
        if "wltp" in procs:
            w = wltp(specs)
            out["wltp_range_km"][ok] = w.range_km
            out["wltp_city_range_km"][ok] = w.range_city / 1000.0
            out["wltp_kwh_per_100km"][ok] = w.consumption_ac_kwh_per_100km
        if "epa" in procs:
            e = epa_label(specs)
            out["epa_range_mi"][ok] = e.range_mi
            out["epa_kwh_per_100mi"][ok] = e.kwh_per_100mi
        if "winter" in procs:
            metres = steady_ranges(specs, UK_WINTER_SPEED, UK_WINTER)
            out["winter_motorway_range_mi"][ok] = metres / MILE
        if "steady" in procs:
            out["steady_range_km"][ok] = _steady(plan, values[ok], specs)
        if "performance" in procs:
            perf = performance_batch(specs)
            acc = [r.acceleration for r in perf]
            out["accel_0_60_mph_s"][ok] = [a.accel_0_60_mph_s for a in acc]
            out["accel_0_100_kph_s"][ok] = [a.accel_0_100_kph_s for a in acc]
            out["accel_50_70_mph_s"][ok] = [a.accel_50_70_mph_s for a in acc]
            out["top_speed_kph"][ok] = [r.top_speed.top_speed_kph for r in perf]
        if "charging" in procs:
            t = [charge_session(s).time_10_80 for s in specs]
            out["charge_10_80_min"][ok] = [np.nan if x is None else x / 60.0 for x in t]
        if "geometry" in procs:
            geo = [geometry(s) for s in specs]
            out["approach_deg"][ok] = [g.approach_deg for g in geo]
            out["breakover_deg"][ok] = [g.breakover_deg for g in geo]
            out["departure_deg"][ok] = [g.departure_deg for g in geo]
        if "price" in procs:
            out["price_gbp"][ok] = [
                np.nan
                if s.price is None or s.price.base_gbp is None
                else s.price.base_gbp.value + x
                for s, x in zip(specs, extras, strict=True)
            ]
        if "offroad" in procs:
            if arch_col is None:
                archs = [default_architecture(plan.spec)] * len(specs)
            _offroad(plan, specs, archs, ok, out)
    return out, errors


def _steady(plan: StudyPlan, values: Array, specs: Sequence[VehicleSpec]) -> Array:
    """Steady-speed ranges [km] in each sample's conditions, one batch per distinct set."""
    cols = {v.path: k for k, v in enumerate(plan.variables)}
    cond = np.empty((len(specs), len(CONDITIONS)))
    for j, (path, c) in enumerate(CONDITIONS.items()):
        cond[:, j] = values[:, cols[path]] if path in cols else c.default
    names = [c.name for c in CONDITIONS.values()]
    out = np.empty(len(specs))
    for key in np.unique(cond, axis=0):
        rows = np.flatnonzero(np.all(cond == key, axis=1))
        at = dict(zip(names, key, strict=True))
        weather = custom_weather(float(at["temperature_c"]), wind_mps=float(at["wind_mps"]))
        metres = steady_ranges(
            [specs[int(i)] for i in rows],
            float(at["speed_kph"]) * KPH,
            weather,
            payload_kg=float(at["payload_kg"]),
        )
        out[rows] = metres / 1000.0
    return out


def _offroad(
    plan: StudyPlan,
    specs: Sequence[VehicleSpec],
    archs: Sequence[str],
    ok: Sequence[int],
    out: dict[str, Array],
) -> None:
    """The off-road scores each design asks for, each scenario in the mode made for it."""
    from ..sim.offroad import build_model, recommended_mode, run_scenario
    from ..sim.offroad_scenarios import SCENARIOS, scenario

    wanted = [o for o in plan.study.outputs if OUTPUTS[o].procedure == "offroad"]
    ids = (
        list(SCENARIOS)
        if "offroad_passed" in wanted
        else [o.removeprefix("offroad_") for o in wanted]
    )
    for row, spec, arch_id in zip(ok, specs, archs, strict=True):
        passed = 0
        models: dict[str, Any] = {}  # this car in each mode, built once
        comfort = build_model(arch_id, "comfort", spec=spec)
        for sid in ids:
            sc = scenario(sid)
            mode = recommended_mode(comfort.architecture, sc)
            if mode not in models:
                models[mode] = comfort if mode == "comfort" else comfort.with_mode(mode)
            r = run_scenario(models[mode], sc)
            passed += int(r.passed)
            name = f"offroad_{sid}"
            if name in out:
                out[name][row] = r.score
        out["offroad_passed"][row] = passed if "offroad_passed" in wanted else np.nan


def _list_price(spec: VehicleSpec, options_gbp: float) -> float:
    base = None if spec.price is None else spec.price.base_gbp
    return float("nan") if base is None else base.value + options_gbp


def evaluate_chunk(
    plan: StudyPlan, chunk: int, *, threads: int | None = None, reference: bool = False
) -> dict[str, NDArray[np.generic]]:
    """The stored columns of one chunk: ``sample_id``, each variable, each output, ``error``.

    Parameters
    ----------
    plan
        The resolved study.
    chunk
        Which chunk (samples ``plan.chunk_range(chunk)``).
    threads
        Threads for the compiled loop (1 in a worker of a process pool or cluster, where
        the pool already uses every core); ``None`` leaves numba's setting.
    reference
        Force the reference path (for checking the column path).
    """
    if threads is not None:
        import numba

        numba.set_num_threads(threads)
    start, stop = plan.chunk_range(chunk)
    values = sample_values(plan, start, stop)
    options = option_indices(plan, start, stop)
    models = None if reference else _column_models(plan)
    if models is not None:
        outputs = _run_columns(plan, values, models)
        errors: list[str | None] = [None] * values.shape[0]
    else:
        outputs, errors = _run_reference(plan, values, options)
    cols: dict[str, NDArray[np.generic]] = {"sample_id": np.arange(start, stop, dtype=np.int64)}
    for j, g in enumerate(plan.option_groups):
        cols[g.column] = np.array([g.alternatives[k] for k in options[:, j]], dtype=object)
    for k, v in enumerate(plan.variables):
        cols[v.column] = values[:, k]
    for name in plan.study.outputs:
        cols[name] = np.asarray(outputs[name], dtype=np.float64)
    cols["error"] = np.array(errors, dtype=object)
    return cols


__all__ = ["column_path", "evaluate_chunk", "procedure_batch", "procedures", "spec_value"]
