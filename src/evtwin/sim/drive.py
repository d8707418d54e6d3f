"""Drive vehicles over a speed trace: the time-domain energy simulation.

:func:`simulate` is the one entry point. It takes vehicle specs (or a prepared
:class:`~evtwin.sim.prepare.VehicleBatch`), a cycle and the conditions, runs the
compiled kernel over the whole batch at once and returns a frozen
:class:`~evtwin.sim.result.DriveResult` whose energy breakdown closes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from ..cycles import Cycle, load_cycle
from ..specs.vehicle import VehicleSpec
from . import _kernel
from ._layout import (
    A_CHEMICAL,
    A_DISTANCE,
    A_DISTANCE_TARGET,
    A_FRONT_ENERGY,
    A_MAX_DEFICIT,
    A_MISS_TIME,
    A_POWER_TERMINAL_MAX,
    A_POWER_TERMINAL_MIN,
    A_SOC_END,
    A_SOC_LOW,
    A_TERMINAL,
    N_ACC,
    N_BREAKDOWN,
    N_SEG,
    N_TRACE,
    P_AUX_PROFILE,
    P_CAPACITY,
    P_SOC_START,
    S_CHEMICAL,
    S_DISTANCE,
    S_TERMINAL,
    S_TIME,
    T_LIMITED,
    T_POWER_FRICTION,
    T_POWER_TERMINAL,
    T_POWER_WHEEL,
    T_SOC,
    T_SPEED,
    T_TORQUE_FRONT,
    T_TORQUE_REAR,
)
from .cabin import CLIMATE_OFF, auxiliary_profile
from .conditions import STANDARD, Ambient
from .prepare import DEFAULT_OPTIONS, LruCache, RunOptions, VehicleBatch, prepare_batch
from .result import DriveResult, EnergyBreakdown, SegmentTotals, TraceMiss, Traces

#: Batches at least this large run on all cores; smaller ones run serially,
#: where starting threads would cost more than it saves.
PARALLEL_THRESHOLD = 16

_EPS = float(np.finfo(float).eps)

#: The models behind every drive result.
REFERENCES = (
    "Road load: T. D. Gillespie, Fundamentals of Vehicle Dynamics, SAE, 1992, ch. 2 and 4",
    "Air density: ISO 2533:1975 standard atmosphere; Alduchov & Eskridge (1996) vapour pressure",
    "Motor and inverter losses: evtwin.physics.motor scalable loss model "
    "(Mahmoudi et al. 2015, doi:10.1109/ECCE.2015.7310488; Graovac & Purschel 2009)",
    "Battery: open-circuit voltage and series resistance (Rint) equivalent circuit, "
    "Arrhenius temperature dependence",
    "Torque split: least-loss axle split solved on a (speed, torque) grid",
)

_PREPARED_SIZE = 512
_PREPARED: LruCache[tuple[object, ...], VehicleBatch] = LruCache(_PREPARED_SIZE)


def prepared(
    spec: VehicleSpec, ambient: Ambient = STANDARD, options: RunOptions = DEFAULT_OPTIONS
) -> VehicleBatch:
    """The kernel-ready batch of one vehicle, cached on the spec's content and the options."""
    key = (spec.content_hash, ambient, options)
    hit = _PREPARED.get(key)
    if hit is not None:
        return hit
    return _PREPARED.put(key, prepare_batch([spec], ambient, options))


def _as_batch(
    vehicles: VehicleSpec | Sequence[VehicleSpec] | VehicleBatch,
    ambient: Ambient,
    options: RunOptions | Sequence[RunOptions],
) -> VehicleBatch:
    if isinstance(vehicles, VehicleBatch):
        return vehicles
    if isinstance(vehicles, VehicleSpec):
        if not isinstance(options, RunOptions):
            raise TypeError("give one RunOptions for one vehicle")
        return prepared(vehicles, ambient, options)
    specs = list(vehicles)
    if len(specs) == 1 and isinstance(options, RunOptions):
        return prepared(specs[0], ambient, options)
    return prepare_batch(specs, ambient, options)


def _segment_ids(
    cycle: Cycle, segments: Mapping[str, tuple[float, float]] | None
) -> NDArray[np.int64]:
    return _segment_ids_cached(cycle, tuple(segments.values()) if segments else ())


@functools.lru_cache(maxsize=64)
def _segment_ids_cached(
    cycle: Cycle, windows: tuple[tuple[float, float], ...]
) -> NDArray[np.int64]:
    """Segment index of each step: the window holding the step's mid-time."""
    mid = 0.5 * (cycle.time[1:] + cycle.time[:-1])
    ids = np.zeros(cycle.n_steps, dtype=np.int64)
    if windows:
        ids[:] = -1
        for i, (t0, t1) in enumerate(windows):
            ids[(mid >= t0) & (mid < t1)] = i
        if np.any(ids < 0):
            k = int(np.flatnonzero(ids < 0)[0])
            raise ValueError(f"segments leave the step at {mid[k]:g} s of {cycle.name} uncovered")
    ids.setflags(write=False)
    return ids


def run_kernel(
    batch: VehicleBatch,
    cycle: Cycle,
    seg_ids: NDArray[np.int64],
    n_seg: int,
    *,
    traces: bool,
    parallel: bool | None = None,
    aux_profiles: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Run the compiled loop; returns the accumulators, segment totals and traces arrays.

    ``aux_profiles`` (n_profiles, n_steps) holds time-varying auxiliary loads [W]; the
    batch's ``P_AUX_PROFILE`` column says which row each vehicle uses (-1: none).
    """
    n = len(batch)
    if aux_profiles is None:
        aux_profiles = np.zeros((0, cycle.n_steps))
    rows = batch.params[:, P_AUX_PROFILE]
    if aux_profiles.shape[1] != cycle.n_steps or np.any(rows >= aux_profiles.shape[0]):
        raise ValueError(
            f"auxiliary profiles of shape {aux_profiles.shape} do not fit {n} vehicles "
            f"on {cycle.n_steps} steps"
        )
    acc = np.zeros((n, N_ACC))
    seg = np.zeros((n, n_seg, N_SEG))
    tr = np.zeros((n, N_TRACE, cycle.n_steps + 1 if traces else 0))
    use_parallel = n >= PARALLEL_THRESHOLD if parallel is None else parallel
    kernel = _kernel.drive_parallel if use_parallel else _kernel.drive_serial
    kernel(
        cycle.speed,
        cycle.dt,
        cycle.inv_dt,
        cycle.cos_grade,
        cycle.sin_grade,
        seg_ids,
        aux_profiles,
        batch.params,
        batch.battery,
        batch.maps,
        batch.limits,
        batch.grid,
        acc,
        seg,
        tr,
    )
    return acc, seg, tr


def simulate(
    vehicles: VehicleSpec | Sequence[VehicleSpec] | VehicleBatch,
    cycle: Cycle | str,
    *,
    ambient: Ambient = STANDARD,
    options: RunOptions | Sequence[RunOptions] = DEFAULT_OPTIONS,
    segments: Mapping[str, tuple[float, float]] | None = None,
    traces: bool = True,
    parallel: bool | None = None,
    key_on: NDArray[np.bool_] | None = None,
    aux_profiles: NDArray[np.float64] | None = None,
) -> DriveResult:
    """Drive one or many vehicles over a speed trace.

    Parameters
    ----------
    vehicles
        A spec, a sequence of specs, or a prepared :class:`VehicleBatch`.
    cycle
        A :class:`~evtwin.cycles.Cycle` or the name of a built-in one.
    ambient
        Air, wind and battery temperature (ignored for a prepared batch, which
        already holds them).
    options
        Mass, payload, starting SOC and other per-run choices; one for all vehicles
        or one per vehicle (ignored for a prepared batch).
    segments
        Optional named time windows ``{name: (t_start, t_end)}`` [s] covering the
        trace, over which energy and distance are also totalled.
    traces
        Keep time traces (costs memory for large batches).
    parallel
        Force the parallel or serial kernel; by default parallel for large batches.
    key_on
        Per step, False where the car is parked and switched off (a soak between test
        phases): nothing draws power and the cabin drifts toward the weather.
    aux_profiles
        For a prepared batch only: time-varying auxiliary loads (n_profiles, n_steps)
        [W] that its ``P_AUX_PROFILE`` column points into. For specs they are worked
        out from each run option's ``climate``.

    Returns
    -------
    DriveResult
    """
    cyc = load_cycle(cycle) if isinstance(cycle, str) else cycle
    batch = _as_batch(vehicles, ambient, options)
    if not isinstance(vehicles, VehicleBatch):
        specs = [vehicles] if isinstance(vehicles, VehicleSpec) else list(vehicles)
        opts = [options] * len(specs) if isinstance(options, RunOptions) else list(options)
        batch, aux_profiles = _with_climate(batch, specs, opts, ambient, cyc, key_on)
    elif key_on is not None and aux_profiles is None:
        raise ValueError("key_on needs aux_profiles for a prepared batch")
    seg_ids = _segment_ids(cyc, segments)
    n_seg = len(segments) if segments else 1
    acc, seg, tr = run_kernel(
        batch, cyc, seg_ids, n_seg, traces=traces, parallel=parallel, aux_profiles=aux_profiles
    )
    return assemble(batch, cyc, acc, seg, tr, tuple(segments) if segments else None)


def _with_climate(
    batch: VehicleBatch,
    specs: Sequence[VehicleSpec],
    opts: Sequence[RunOptions],
    ambient: Ambient,
    cycle: Cycle,
    key_on: NDArray[np.bool_] | None,
) -> tuple[VehicleBatch, NDArray[np.float64] | None]:
    """The batch pointed at the auxiliary profiles its runs' climate control implies."""
    if key_on is not None and key_on.shape != (cycle.n_steps,):
        raise ValueError(f"key_on has shape {key_on.shape}; the cycle has {cycle.n_steps} steps")
    if key_on is None and all(o.climate is None for o in opts):
        return batch, None
    rows: dict[tuple[str, object, float | None], int] = {}
    profiles: list[NDArray[np.float64]] = []
    index = np.empty(len(specs))
    for i, (spec, opt) in enumerate(zip(specs, opts, strict=True)):
        key = (spec.content_hash, opt.climate, opt.aux_w)
        if key not in rows:
            rows[key] = len(profiles)
            control = opt.climate if opt.climate is not None else CLIMATE_OFF
            profiles.append(
                auxiliary_profile(spec, ambient, control, cycle.dt, base_w=opt.aux_w, key_on=key_on)
            )
        index[i] = rows[key]
    return batch.with_params(P_AUX_PROFILE=index), np.array(profiles)


def assemble(
    batch: VehicleBatch,
    cycle: Cycle,
    acc: NDArray[np.float64],
    seg: NDArray[np.float64],
    tr: NDArray[np.float64],
    segment_names: tuple[str, ...] | None,
) -> DriveResult:
    """Build the frozen result from the kernel's output arrays."""
    a = acc.T.copy()  # one copy; every per-vehicle array below is a row view of it
    soc_start = batch.params[:, P_SOC_START]
    # The chemical energy measured the independent way: fall in SOC times capacity.
    a[A_CHEMICAL] = (soc_start - a[A_SOC_END]) * batch.params[:, P_CAPACITY]
    a.setflags(write=False)
    # The SOC path rounds at every step: below this it cannot tell energies apart.
    resolution = batch.params[:, P_CAPACITY] * (_EPS * (cycle.n_steps + 1))
    energy = EnergyBreakdown(a[:N_BREAKDOWN], resolution)
    distance = a[A_DISTANCE]
    distance_target = a[A_DISTANCE_TARGET]
    miss = TraceMiss(
        max_speed_deficit=a[A_MAX_DEFICIT],
        time_missed=a[A_MISS_TIME],
        distance_shortfall=np.maximum(distance_target - distance, 0.0),
    )
    segments = None
    if segment_names is not None:
        segments = SegmentTotals(
            names=segment_names,
            chemical=seg[:, :, S_CHEMICAL].copy(),
            terminal=seg[:, :, S_TERMINAL].copy(),
            distance=seg[:, :, S_DISTANCE].copy(),
            time=seg[:, :, S_TIME].copy(),
        )
    traces = None
    if tr.shape[2] > 0:
        traces = Traces(
            time=np.array(cycle.time),
            speed=tr[:, T_SPEED],
            soc=tr[:, T_SOC],
            power_terminal=tr[:, T_POWER_TERMINAL],
            power_wheel=tr[:, T_POWER_WHEEL],
            power_friction=tr[:, T_POWER_FRICTION],
            torque_front=tr[:, T_TORQUE_FRONT],
            torque_rear=tr[:, T_TORQUE_REAR],
            limited=tr[:, T_LIMITED],
        )
    return DriveResult(
        names=batch.names,
        cycle=cycle.name,
        energy=energy,
        battery_terminal=a[A_TERMINAL],
        distance=distance,
        distance_target=distance_target,
        soc_start=soc_start.copy(),
        soc_end=a[A_SOC_END],
        soc_low=a[A_SOC_LOW],
        power_terminal_max=a[A_POWER_TERMINAL_MAX],
        power_terminal_min=a[A_POWER_TERMINAL_MIN],
        traction_front=a[A_FRONT_ENERGY],
        trace_miss=miss,
        segments=segments,
        traces=traces,
        references=REFERENCES,
    )
