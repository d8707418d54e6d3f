"""The compiled loops Python calls release the GIL, so other threads run meanwhile.

The web server answers other requests (and its page's event loop keeps time) while one
simulates, and the spare core's helper thread starts its piece while the caller's
thread is in a kernel. numba releases the GIL only where Python calls in, and only
for a function compiled with ``nogil=True``: one flag missing at an entry point holds
every other thread for the whole run.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from evtwin.cycles import load_cycle
from evtwin.sim import _charging_kernel, _kernel, _offroad_kernel, _perf_kernel, real_world
from evtwin.sim.drive import prepared, run_kernel
from evtwin.specs import load_vehicle

#: Every compiled function the library calls from Python.
ENTRY_POINTS = {
    "drive_serial": _kernel.drive_serial,
    "drive_parallel": _kernel.drive_parallel,
    "lap replay": real_world._replay,
    "launch_run": _perf_kernel.launch_run,
    "launch_run_reference": _perf_kernel.launch_run_reference,
    "top_speed": _perf_kernel.top_speed,
    "top_speed_reference": _perf_kernel.top_speed_reference,
    "steepest_grade": _perf_kernel.steepest_grade,
    "steepest_grade_reference": _perf_kernel.steepest_grade_reference,
    "charge_kernel": _charging_kernel.charge_kernel,
    "off-road run_batch": _offroad_kernel.run_batch,
}


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_every_entry_point_is_compiled_without_the_gil(name: str) -> None:
    assert ENTRY_POINTS[name].targetoptions.get("nogil") is True, name


def test_another_thread_runs_while_the_drive_kernel_does() -> None:
    """The main thread's Python runs in the middle of a long kernel call on another
    thread. A kernel holding the GIL lets it run only at the call's two ends: the
    interpreter can take the GIL back only between Python instructions, and the
    margins (a quarter of the call each side) are many switch intervals long."""
    spec = load_vehicle("defender-sport")
    batch = prepared(spec)
    cycle = real_world._repeat(load_cycle("wltc_class3b"), 150)  # some 270,000 steps
    seg = np.zeros(cycle.n_steps, dtype=np.int64)
    run_kernel(batch, cycle, seg, 1, traces=False, parallel=False)  # compiled, warm
    window: list[float] = []

    def drive() -> None:
        window.append(time.perf_counter())
        run_kernel(batch, cycle, seg, 1, traces=False, parallel=False)
        window.append(time.perf_counter())

    ran: list[float] = []
    worker = threading.Thread(target=drive)
    worker.start()
    while worker.is_alive():
        ran.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    start, end = window
    span = end - start
    assert span > 0.04, f"the call took {span * 1e3:.1f} ms, too short to tell"
    middle = [t for t in ran if start + 0.25 * span < t < end - 0.25 * span]
    assert middle, f"no Python ran in the middle of a {span * 1e3:.0f} ms kernel call"
