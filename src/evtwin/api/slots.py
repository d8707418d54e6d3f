"""At most as many simulations at once as the machine has cores.

Routes are plain functions, run in the server's thread pool (some 40 threads). The
Python around the kernels holds the GIL (the compiled kernels release it), so forty
simulations at once take no less time than two, but
they make every other request (a vehicle list, a saved build) wait its turn among
them. Requests that simulate queue here instead, first come first served, and the
cheap ones pass by: under load the app stays responsive, and no simulation is
refused or dropped. A slot counts as a busy core for :mod:`evtwin.sim.spare_core`, whose
helper thread then works only while a slot is free.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from ..sim import spare_core

P = ParamSpec("P")
T = TypeVar("T")

#: Simulations run at once.
SLOTS = max(1, os.cpu_count() or 1)

_slots = threading.BoundedSemaphore(SLOTS)


def simulates(fn: Callable[P, T]) -> Callable[P, T]:
    """Run the route ``fn`` in one of :data:`SLOTS` (FastAPI still reads its own
    signature through ``functools.wraps``)."""

    @functools.wraps(fn)
    def in_slot(*args: P.args, **kwargs: P.kwargs) -> T:
        with _slots, spare_core.occupying():
            return fn(*args, **kwargs)

    return in_slot


__all__ = ["SLOTS", "simulates"]
