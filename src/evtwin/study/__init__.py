"""Studies: many simulations over uncertain or varied specifications.

The sweep API (imported on first use, so that ``import evtwin.study`` stays light)::

    from evtwin.study import Study, Variable, load_study, resolve, run_study, query
    plan = load_study("range.yaml")              # or resolve(Study(...))
    run = run_study(plan, "out/range", executor=lambda: process_pool(4), workers=4)
    columns, rows = query("out/range", "SELECT avg(wltp_range_km) FROM samples")

See ``docs/studies.md``.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Correlation": "definition",
    "Study": "definition",
    "StudyError": "definition",
    "StudyPlan": "definition",
    "Variable": "definition",
    "load_study": "definition",
    "parse_study": "definition",
    "resolve": "definition",
    "OUTPUTS": "outputs",
    "sample_values": "sampling",
    "evaluate_chunk": "evaluate",
    "dask_executor": "executors",
    "process_pool": "executors",
    "serial": "executors",
    "StoreError": "store",
    "export": "store",
    "open_store": "store",
    "query": "store",
    "read_store": "store",
    "StudyRun": "runner",
    "run_study": "runner",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'evtwin.study' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


__all__ = sorted(_LAZY)
