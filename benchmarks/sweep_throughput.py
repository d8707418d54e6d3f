#!/usr/bin/env python
"""Throughput of the batch kernel: Defender Sport variants over WLTC class 3b, both cores.

The script

1. draws N variants of the Defender Sport (default 20,000) with kerb mass, drag
   coefficient, frontal area, tyre rolling resistance and battery size each uniform
   within the spec's low/high, as kernel rows via ``VehicleBatch.with_params``
   (checked against ``prepare_batch`` on full vehicle files);
2. times ``simulate(batch, "wltc_class3b", traces=False)`` after a warm-up (medians),
   interleaved with a FASTSim 3.1 loop over a sample of the same kind of work (its
   Tesla Model 3 conversion, the one ``vs_fastsim.py`` uses, varied in mass, Cd, Crr and
   battery energy, on the same WLTC 3b trace), and scales FASTSim per simulation;
3. checks that the batch ran on all of numba's threads (serial against parallel on a
   sub-batch, interleaved);
4. estimates the arithmetic limit: the kernel's floating-point operations per vehicle
   step (counted from the loop body, see ``FLOPS``) times the steps simulated per
   second, against the peak flop rate of both cores measured with compiled FMA loops.

The last line is ``sims_per_s=<x> fastsim_ratio=<y> limit_pct=<z>``.

Run:  .venv/bin/python benchmarks/sweep_throughput.py  [--help for the options]
"""

from __future__ import annotations

import os

# As in vs_fastsim.py: FASTSim captures a backtrace per step on its error path otherwise.
os.environ["RUST_LIB_BACKTRACE"] = "0"

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import vs_fastsim as vf
from evtwin.cycles import load_cycle
from evtwin.sim._layout import (
    P_AERO,
    P_CAPACITY,
    P_MASS,
    P_MASS_EQ,
    P_RESISTANCE,
    P_ROLL0,
    P_ROLL1,
)
from evtwin.sim.conditions import STANDARD
from evtwin.sim.drive import simulate
from evtwin.sim.prepare import VehicleBatch, prepare_batch
from evtwin.specs.loader import load_vehicle
from evtwin.specs.vehicle import VehicleSpec

VEHICLE = "defender-sport"
CYCLE = "wltc_class3b"
TARGET = 50_000.0

# ----------------------------------------------------------------- the flop count
#
# Floating-point operations of one vehicle step of ``_kernel.drive_kernel``, counted by
# reading the loop bodies of ``_kernel._drive_chunk``: every add, subtract, multiply,
# divide and square root on a float counts 1 (a multiply-add the compiler fuses still
# counts 2); comparisons, min/max, abs, negation, selects, floor, int/float conversions
# and index arithmetic count 0. The loops are branch-free, vectorised across vehicles:
# every step of every vehicle does the same arithmetic, whichever way it goes (the
# driving and the braking torque both, a loss look-up standing still), so the path
# counts below only describe the cycle.
#
#   road load and demanded force: slope force m g sin 2, rolling terms x cos 2, mean
#   speed 2, air speed 1, road load 5, its sum 1, demanded force 4; wheel speed and map
#   coordinate 2; torque-limit weight 1                                           = 20
#   torque-limit look-up (scalar): interpolation 3                                 = 3
#   wheel torque and map cell: mean speed 2, driving torque 1, regeneration limit 2,
#   fade 3, braking torque 1; cell: speed weight 1, torque ratio 1, sqrt 1, torque
#   coordinate 3, its weight 1, four bilinear weights 6                           = 22
#   loss look-up (scalar): four channels x (4 mul + 3 add)                        = 28
#   limits, battery and energies: mean speed 2, slope and rolling terms and air
#   speed 5, wheel speed 1, loss factor 3, OCV and R 4, wheel and terminal power 5,
#   voltage floor 1, limit checks 7, friction 2, discriminant 4, current (sqrt, add,
#   mul, div) 4, I^2 R and chemical power 3, distance 1, SOC 3; accumulators: aero 4,
#   rolling 4, grade 2, friction 2, kinetic energy 6, six energies x 2 = 12, front
#   torque 1, traction, front, regeneration and its chemical energy 9, peaks 6 (the
#   offers 3, the old values times one 3), distance 1, segment totals 5, friction
#   power 1                                                                        = 98
# The distances and times the trace sets (target distance, elapsed time) are worked
# out once per chunk of 64 vehicles and not counted. Steps where the car cannot follow
# the trace are redone by the scalar ``_slow_step`` (bisection on the map): the nominal
# car never has one on WLTC 3b (checked below).
FLOPS = {"base": 20 + 3 + 22 + 28 + 98}

# The arithmetic a step needs, taken one path at a time (the count of the earlier scalar
# kernel, which branched): what the branch-free loops do beyond it (both torque paths,
# a loss look-up standing still, peaks kept by multiplying by one) is work done but not
# needed. Printed beside the executed count so that the share of the peak is not
# flattered by it.
USEFUL_FLOPS = {"base": 62, "moving": 65, "driving": 20, "braking": 19, "fade": 4}


def flops_per_sim(batch: VehicleBatch) -> tuple[float, dict[str, int]]:
    """Flops of one simulation of the batch's first car, and its steps by path."""
    from evtwin.sim._layout import P_FADE_HIGH

    r = simulate(batch, CYCLE, traces=True)
    tr = r.traces
    assert tr is not None
    if np.any(tr.limited[0] > 0):
        raise RuntimeError("the nominal car fell behind the trace: the count does not cover it")
    v = tr.speed[0]
    vbar = 0.5 * (v[1:] + v[:-1])
    moving = vbar > 0.0
    # Braking steps put no positive torque on the wheels but do not coast to zero demand.
    driving = moving & (tr.power_wheel[0, 1:] > 0.0)
    braking = moving & ~driving
    fade = braking & (vbar < batch.params[0, P_FADE_HIGH])
    n = {
        "steps": vbar.size,
        "moving": int(moving.sum()),
        "driving": int(driving.sum()),
        "braking": int(braking.sum()),
        "fade": int(fade.sum()),
    }
    total = FLOPS["base"] * n["steps"] + sum(FLOPS[k] * n[k] for k in FLOPS if k != "base")
    useful = USEFUL_FLOPS["base"] * n["steps"] + sum(
        USEFUL_FLOPS[k] * n[k] for k in USEFUL_FLOPS if k != "base"
    )
    n["useful_flops"] = useful
    return float(total), n


# ----------------------------------------------------------------------- variants


def _uniform(rng: np.random.Generator, figure: Any, n: int) -> np.ndarray:
    return rng.uniform(figure.low, figure.high, n)


def draw_variants(spec: VehicleSpec, n: int, seed: int) -> dict[str, np.ndarray]:
    """Factors on the nominal car, each figure uniform within the spec's low/high."""
    rng = np.random.default_rng(seed)
    b, m, t, e = spec.body, spec.mass, spec.tyres, spec.battery
    return {
        "mass": _uniform(rng, m.kerb_kg, n) / m.kerb_kg.value,
        "cd": _uniform(rng, b.drag_coefficient, n) / b.drag_coefficient.value,
        "area": _uniform(rng, b.frontal_area_m2, n) / b.frontal_area_m2.value,
        "crr": _uniform(rng, t.rolling_resistance_coefficient, n)
        / t.rolling_resistance_coefficient.value,
        "energy": _uniform(rng, e.gross_energy_kwh, n) / e.gross_energy_kwh.value,
    }


def batch_variants(base: VehicleBatch, f: dict[str, np.ndarray]) -> VehicleBatch:
    """The nominal row repeated and its columns recomputed as ``vehicle_row`` would.

    Mass enters the translational and equivalent mass (the rotating parts' share is
    fixed) and the rolling force (m g Crr, and its speed rise); Cd and area the aero
    coefficient (0.5 rho Cd A). A bigger battery is taken as more cells of the same
    kind in parallel: capacity up, pack resistance down in proportion.
    """
    row = base.params[0]
    rep = base.repeated(f["mass"].size)
    mass = row[P_MASS] * f["mass"]
    return rep.with_params(
        P_MASS=mass,
        P_MASS_EQ=mass + (row[P_MASS_EQ] - row[P_MASS]),
        P_AERO=row[P_AERO] * f["cd"] * f["area"],
        P_ROLL0=row[P_ROLL0] * f["mass"] * f["crr"],
        P_ROLL1=row[P_ROLL1] * f["mass"] * f["crr"],
        P_CAPACITY=row[P_CAPACITY] * f["energy"],
        P_RESISTANCE=row[P_RESISTANCE] / f["energy"],
    )


def spec_variant(spec: VehicleSpec, f: dict[str, np.ndarray], i: int) -> VehicleSpec:
    """Variant ``i`` as a full vehicle spec, to check ``batch_variants`` against."""

    def scaled(part: Any, **factors: float) -> Any:
        return part.model_copy(
            update={
                k: getattr(part, k).with_value(getattr(part, k).value * x)
                for k, x in factors.items()
            }
        )

    e = float(f["energy"][i])
    return spec.model_copy(
        update={
            "mass": scaled(spec.mass, kerb_kg=f["mass"][i]),
            "body": scaled(spec.body, drag_coefficient=f["cd"][i], frontal_area_m2=f["area"][i]),
            "tyres": scaled(spec.tyres, rolling_resistance_coefficient=f["crr"][i]),
            "battery": scaled(
                spec.battery, gross_energy_kwh=e, usable_energy_kwh=e, resistance_mohm=1.0 / e
            ),
        }
    )


# -------------------------------------------------------------------------- peak


def measure_peak(repeats: int) -> dict[str, float]:
    """Peak double-precision flop rate of all cores [flop/s], two ways; the larger counts.

    - a numba loop of independent fused multiply-adds, one block per thread, on a
      short array the compiler vectorises (2 flops per element and pass);
    - numpy's matrix product (BLAS dgemm, hand-tuned FMA kernels on all cores),
      2 n^3 flops.
    """
    import numba
    from numba import njit, prange

    width = 64  # 16 AVX2 vectors: enough independent chains to cover the FMA latency

    @njit(fastmath={"contract"}, parallel=True)
    def fma_loop(passes: int, n_thr: int, out: np.ndarray) -> None:  # pragma: no cover
        for t in prange(n_thr):
            a = np.empty(width)
            for j in range(width):
                a[j] = 1.0 + 1e-3 * j
            for _ in range(passes):
                for j in range(width):
                    a[j] = a[j] * 0.9999999 + 1e-7
            out[t] = a.sum()

    n_thr = numba.get_num_threads()
    out = np.zeros(n_thr)
    fma_loop(10, n_thr, out)  # compile
    passes = 4_000_000
    t_fma = min(_timed(lambda: fma_loop(passes, n_thr, out)) for _ in range(repeats))
    size = 1500
    a = np.random.default_rng(0).random((size, size))
    a @ a  # warm BLAS threads
    t_mm = min(_timed(lambda: a @ a) for _ in range(repeats))
    return {
        "numba FMA loop": 2.0 * width * passes * n_thr / t_fma,
        "BLAS dgemm": 2.0 * size**3 / t_mm,
    }


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# ------------------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--variants", type=int, default=20_000, help="cars in the batch (20000)")
    p.add_argument("--repeats", type=int, default=5, help="timed rounds (default 5)")
    p.add_argument(
        "--fastsim-sample", type=int, default=200, help="FASTSim runs per round (default 200)"
    )
    p.add_argument("--seed", type=int, default=20260522, help="seed of the variants")
    return p.parse_args(argv)


def fastsim_cycle(fsim: Any, name: str) -> Any:
    """evtwin's trace as a FASTSim cycle (FASTSim ships no WLTC resource), on the level."""
    cyc = load_cycle(name)
    d = fsim.Cycle.from_resource("udds.csv").to_dict()
    n = cyc.time.size
    d["time_seconds"] = [float(x) for x in cyc.time]
    d["speed_meters_per_second"] = [float(x) for x in cyc.speed]
    for key in (
        "dist_meters",
        "grade",
        "elev_meters",
        "pwr_max_chrg_watts",
        "pwr_solar_load_watts",
    ):
        d[key] = []
    d["temp_amb_air_kelvin"] = [float(np.mean(d["temp_amb_air_kelvin"]))] * n
    d["grade"] = [0.0] * n
    return fsim.Cycle.from_dict(d)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    fsim = vf.import_fastsim()
    import numba

    load = os.getloadavg()[0]
    print(f"sweep throughput: {VEHICLE} variants over {CYCLE}, batch kernel")
    print(
        f"python {sys.version.split()[0]}, numba {numba.__version__}, FASTSim "
        f"{fsim.__version__}, {os.cpu_count()} CPUs, numba threads "
        f"{numba.config.NUMBA_NUM_THREADS}, load average {load:.2f} at the start"
    )

    # -- the batch, checked against full vehicle files
    spec = load_vehicle(VEHICLE)
    if spec.coastdown is not None:
        print("  the spec has a coast-down: its road load would not follow Cd and Crr")
        return 1
    base = prepare_batch([spec], STANDARD)
    n = args.variants
    f = draw_variants(spec, n, args.seed)
    t0 = time.perf_counter()
    batch = batch_variants(base, f)
    t_build = time.perf_counter() - t0
    check = [0, n // 2, n - 1]
    ref = prepare_batch([spec_variant(spec, f, i) for i in check], STANDARD)
    if not np.allclose(ref.params, batch.params[check], rtol=1e-12, atol=0.0):
        print("  error: batch_variants() rows differ from prepare_batch() on the same cars")
        return 1
    cyc = load_cycle(CYCLE)
    print(f"\n== Work: {n} variants x {CYCLE} ({cyc.n_steps} steps of {cyc.dt[0]:g} s) ==")
    for name, fig in (
        ("kerb mass [kg]", spec.mass.kerb_kg),
        ("drag coefficient", spec.body.drag_coefficient),
        ("frontal area [m2]", spec.body.frontal_area_m2),
        ("rolling resistance", spec.tyres.rolling_resistance_coefficient),
        ("battery gross [kWh]", spec.battery.gross_energy_kwh),
    ):
        print(f"  {name:22s} U({fig.low:g}, {fig.high:g}), nominal {fig.value:g}")
    print(
        "  pack resistance inversely with battery size (cells added in parallel);\n"
        f"  rows built with with_params in {vf.fmt_time(t_build)}, checked against "
        f"prepare_batch on {len(check)} full specs"
    )

    # -- FASTSim's sample: the same kind of work, its own car
    fveh = fsim.Vehicle.from_resource(vf.RESOURCE)
    fcyc = fastsim_cycle(fsim, CYCLE)
    fv = vf.Variants.draw(args.fastsim_sample, 0.10, args.seed)
    fs_vehs = vf.fastsim_variants(fsim, fveh.to_dict(), fv)
    fails: list[int] = []

    def fastsim_loop() -> None:
        fails.clear()
        for vv in fs_vehs:
            try:
                vf.fastsim_run(fsim, vv, fcyc)
            except Exception:
                fails.append(1)

    def evtwin_batch() -> None:
        simulate(batch, CYCLE, traces=False)

    fastsim_loop()  # warm-up
    res = simulate(batch, CYCLE, traces=False)  # warm-up: loads or compiles the kernel
    threads_ok = vf.numba_threads_started()
    t_fs, t_ev = vf.interleaved_medians(
        [fastsim_loop, evtwin_batch], rounds=args.repeats, block=[1, 2]
    )
    sims_per_s = n / t_ev
    fs_per_s = args.fastsim_sample / t_fs
    print(
        f"\n== Speed: medians, interleaved ({args.repeats} rounds: 1 FASTSim loop, "
        "2 evtwin batches) =="
    )
    print(
        f"  evtwin  simulate(batch of {n}, traces=False) {vf.fmt_time(t_ev)}: "
        f"{sims_per_s:,.0f} sims/s on {numba.get_num_threads()} threads "
        f"({1e9 * t_ev / (n * cyc.n_steps):.1f} ns per vehicle step)"
    )
    print(
        f"  FASTSim {args.fastsim_sample} x SimDrive+run (Tesla Model 3 conversion, mass, Cd, "
        f"Crr and energy x U(0.9, 1.1)) {vf.fmt_time(t_fs)}: {fs_per_s:,.0f} sims/s, one core"
        + (f"; {len(fails)} failed" if fails else "")
    )
    ratio = sims_per_s / fs_per_s
    print(
        f"  ratio {ratio:.1f}x (FASTSim as it runs, one process); against FASTSim spread "
        f"over {os.cpu_count()} cores with perfect scaling: {ratio / (os.cpu_count() or 1):.1f}x"
    )
    closure = float(np.max(res.energy.closure))
    print(
        f"  results: terminal energy {np.min(res.battery_terminal) / 3.6e6:.2f}-"
        f"{np.max(res.battery_terminal) / 3.6e6:.2f} kWh, worst energy closure "
        f"{closure:.1e}, all followed the trace: {bool(np.all(res.trace_miss.followed))}"
    )

    # -- both cores?
    sub = batch_variants(base, {k: v[:2000] for k, v in f.items()})
    simulate(sub, CYCLE, traces=False, parallel=False)
    t_ser, t_par = vf.interleaved_medians(
        [
            lambda: simulate(sub, CYCLE, traces=False, parallel=False),
            lambda: simulate(sub, CYCLE, traces=False, parallel=True),
        ],
        rounds=args.repeats,
    )
    print(
        f"  cores: {len(sub)} variants serial {vf.fmt_time(t_ser)}, parallel "
        f"{vf.fmt_time(t_par)}: {t_ser / t_par:.2f}x on {numba.get_num_threads()} threads"
        + ("" if threads_ok else "; WARNING: the parallel kernel started no threads")
    )

    # -- the arithmetic limit
    flops, steps = flops_per_sim(base)
    peaks = measure_peak(3)
    peak = max(peaks.values())
    achieved = flops * sims_per_s
    limit_pct = 100.0 * achieved / peak
    print("\n== Arithmetic limit ==")
    print(
        f"  steps of the nominal car: {steps['steps']} of which {steps['moving']} moving "
        f"({steps['driving']} driving, {steps['braking']} braking, {steps['fade']} in the "
        "regeneration fade)"
    )
    print(
        f"  flops per simulation {flops:,.0f} ({flops / steps['steps']:.1f} per step; basis: "
        "FLOPS in this script)"
    )
    for name, rate in peaks.items():
        print(f"  peak, {name}: {rate / 1e9:.1f} GFLOP/s")
    print(
        f"  achieved {achieved / 1e9:.2f} GFLOP/s = {limit_pct:.1f} % of the peak; the kernel "
        "vectorises across vehicles, but its table look-ups are scalar gathers"
    )
    useful_pct = 100.0 * steps["useful_flops"] * sims_per_s / peak
    print(
        f"  of which needed by the step's path: {steps['useful_flops']:,} flops per simulation "
        f"(USEFUL_FLOPS), {useful_pct:.1f} % of the peak"
    )
    if load > 0.5 * (os.cpu_count() or 1):
        print(f"\n  warning: load average {load:.2f} at the start: timings are noisy")
    met = "met" if sims_per_s >= TARGET else "NOT met"
    print(f"\n  target >= {TARGET:,.0f} sims/s: {met}")
    print(f"sims_per_s={sims_per_s:.0f} fastsim_ratio={ratio:.1f} limit_pct={limit_pct:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
