"""Peak memory of a one-million-sample WLTP study streamed to its results store.

Run: ``.venv/bin/python benchmarks/study_memory.py [--samples 1000000] [--workers N]
[--chunk-size 4096] [--out DIR]``. Prints the wall time, the peak resident memory of
this process and of its largest worker (``resource.getrusage``; Linux reports kB),
their sum as an upper bound of the study's peak, and the rows in the store.
The target (issue 5) is a peak under 1 GB.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from evtwin.study.definition import parse_study
from evtwin.study.executors import default_workers, process_pool
from evtwin.study.runner import run_study
from evtwin.study.store import query

STUDY = """
name: memory-benchmark
vehicle: defender-sport
seed: 1
sampler: sobol
samples: {samples}
chunk_size: {chunk_size}
variables:
  mass.kerb_kg: {{distribution: triangular}}
  body.drag_coefficient: {{distribution: uniform}}
  battery.usable_energy_kwh: {{distribution: uniform}}
  auxiliary.base_load_w: {{distribution: uniform}}
outputs: [wltp_range_km, wltp_kwh_per_100km]
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--samples", type=int, default=1_000_000)
    ap.add_argument("--chunk-size", type=int, default=4096)
    ap.add_argument("--workers", type=int, default=default_workers())
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    plan = parse_study(STUDY.format(samples=args.samples, chunk_size=args.chunk_size))
    out = args.out or Path(tempfile.mkdtemp(prefix="evtwin-study-memory-")) / "store"
    t0 = time.perf_counter()
    run = run_study(
        plan, out, executor=lambda: process_pool(args.workers), workers=args.workers, fresh=True
    )
    seconds = time.perf_counter() - t0
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    _, rows = query(out, "SELECT count(*), count(DISTINCT sample_id) FROM samples")
    print(f"samples: {plan.n_samples:,} in {plan.n_chunks} chunks, {args.workers} workers")
    print(f"column path: {run.column_path}")
    print(f"wall time: {seconds:.1f} s ({plan.n_samples / seconds:,.0f} samples/s)")
    print(f"peak RSS, this process: {self_kb / 1024:.0f} MB")
    print(f"peak RSS, largest worker: {child_kb / 1024:.0f} MB")
    print(
        f"upper bound of the peak (this process + workers x largest): "
        f"{(self_kb + args.workers * child_kb) / 1024:.0f} MB"
    )
    print(f"rows stored: {rows[0][0]:,} ({rows[0][1]:,} distinct sample ids) in {out}")


if __name__ == "__main__":
    main()
