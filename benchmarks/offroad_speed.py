"""Speed of the off-road kernel: a 20-second scenario on one core, against real time.

Runs the soft-sand scenario (20 s of simulated driving at the 1 kHz step) for the
Defender Sport after a warm-up run (which compiles or loads the kernel), repeats it,
and prints the best wall time and the real-time factor (simulated over wall time).
The target is at least 100. Numba runs the kernel single-threaded (``run_batch`` is
serial), so this is one core.

Usage: ``python benchmarks/offroad_speed.py``; the last line is ``realtime_factor=<x>``.
"""

from __future__ import annotations

import time

from evtwin.sim.offroad import build_model, run_scenario
from evtwin.sim.offroad_scenarios import scenario

SCENARIO = "sand_flat"
REPEATS = 5


def main() -> None:
    model = build_model("defender-sport-brake", "sand")
    simulated = scenario(SCENARIO).duration_s
    run_scenario(model, SCENARIO)  # warm-up: compile or load the cached kernel
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        result = run_scenario(model, SCENARIO)
        best = min(best, time.perf_counter() - t0)
    print(f"scenario {SCENARIO}: {simulated:.0f} s simulated, {result.duration_s:.1f} s run")
    print(f"best wall time of {REPEATS}: {1000 * best:.1f} ms")
    print(f"realtime_factor={simulated / best:.0f}")


if __name__ == "__main__":
    main()
