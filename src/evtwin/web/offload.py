"""Blocking library calls run off the event loop, so one user's simulation does not
stall another's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from nicegui import run

P = ParamSpec("P")
T = TypeVar("T")


async def in_thread(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)`` in NiceGUI's thread pool. A simulation holds the GIL but
    in its compiled kernels, and the interpreter hands it back to the event loop every
    few milliseconds, so pages keep answering while a simulation runs. Raises if the
    server is shutting down, when NiceGUI gives back None instead of running it."""
    result = await run.io_bound(fn, *args, **kwargs)
    if result is None:
        raise RuntimeError("the server is shutting down")
    return result


__all__ = ["in_thread"]
