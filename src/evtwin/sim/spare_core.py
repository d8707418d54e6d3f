"""A second core for compiled work that runs without the GIL.

Some calls hold independent pieces of compiled work that release the GIL: the lap
replay's runs, for one, are separate chains of arithmetic of a few milliseconds each,
and the launch runs of a car alone and towing are two more. On a machine with more
than one core, :func:`share` (and :func:`both`, for two pieces) lets a helper thread
take pieces beside the caller's thread, each taking the next piece not yet taken, so
the call takes about as long as the longer share instead of the whole.

One helper serves the whole process. When it is already busy (another request of the
web server is using it) or the process may use only one core, the caller does every
piece itself, in order, so a loaded server queues nothing behind the helper and a run
on one core is as before. A helper slowed by other work on its core takes fewer
pieces, and one that has not started when the caller has run out of pieces takes
none. The pieces must not depend on each other; each returns its own result, and the
results are the same however they ran.

``EVTWIN_SPARE_CORE=0`` in the environment (or :func:`enable` with False) keeps all the
work in the caller's thread: for a server already running one worker process per core,
where the helpers would only take turns with the other workers. Within one process,
work that keeps a core busy (each of the web API's simulation slots) is counted with
:func:`occupying`, and the helper takes a core only while one is left over.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")
T = TypeVar("T")

#: The environment variable that turns the helper off ("0") or on ("1", the default).
ENV_VAR = "EVTWIN_SPARE_CORE"

#: Held while the helper works on a caller's piece.
_BUSY = threading.Lock()
#: Set by :func:`enable`; None: as the environment says.
_ENABLED: bool | None = None
#: Open :func:`occupying` blocks: cores this process's own callers keep busy.
_OCCUPIED = 0
_OCCUPIED_LOCK = threading.Lock()
_POOL_LOCK = threading.Lock()
_POOL: ThreadPoolExecutor | None = None


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def enable(flag: bool | None) -> None:
    """Use the helper (True), never (False), or as the environment says (None)."""
    global _ENABLED
    _ENABLED = flag


def available() -> bool:
    """Whether :func:`share` may hand work to the helper: it is enabled, the process
    may run on a second core, and its own :func:`occupying` blocks leave one free.

    Raises ValueError if the environment variable is neither 0 nor 1.
    """
    on = _ENABLED
    if on is None:
        value = os.environ.get(ENV_VAR, "1").strip()
        if value not in ("0", "1"):
            raise ValueError(f"{ENV_VAR} must be 0 or 1, got {value!r}")
        on = value == "1"
    n = cores()
    return on and n >= 2 and n > _OCCUPIED


@contextmanager
def occupying() -> Iterator[None]:
    """Count this block as keeping a core busy (a web server's simulation slot): the
    helper takes a core only while fewer such blocks are open than the process has
    cores, so a server whose every slot simulates gets no third thread."""
    global _OCCUPIED
    with _OCCUPIED_LOCK:
        _OCCUPIED += 1
    try:
        yield
    finally:
        with _OCCUPIED_LOCK:
            _OCCUPIED -= 1


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evtwin-spare-core")
        return _POOL


def _forget_after_fork() -> None:
    # A forked child has no helper thread (only the parent's record of it) and may have
    # inherited the lock held; it starts afresh.
    global _POOL, _BUSY, _POOL_LOCK
    _POOL = None
    _BUSY = threading.Lock()
    _POOL_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def share(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Each task's result, in order: this thread and the helper (when it is free and
    :func:`available`) each take the next task not yet taken until none is left.

    Give the longest tasks first. A helper slowed by other work on its core takes
    fewer, and one that has not started when this thread has run out of tasks takes
    none. The first exception (this thread's first) is raised once the helper has
    finished the task it was on; no task is begun after an exception.
    """
    n = len(tasks)
    if n < 2 or not available() or not _BUSY.acquire(blocking=False):
        return [t() for t in tasks]
    results: list[T | None] = [None] * n
    lock = threading.Lock()
    state = {"next": 0}

    def work() -> None:
        while True:
            with lock:
                i = state["next"]
                if i >= n:
                    return
                state["next"] = i + 1
            try:
                results[i] = tasks[i]()
            except BaseException:
                with lock:
                    state["next"] = n  # nobody begins another task
                raise

    try:
        future = _pool().submit(work)
        try:
            work()
        finally:
            if not future.cancel():
                wait([future])
        if not future.cancelled():
            future.result()  # the helper's exception, if it had one
    finally:
        _BUSY.release()
    return results  # type: ignore[return-value]


def both(here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
    """``(here(), there())`` shared with the helper as :func:`share` does: ``here`` is
    begun first (in this thread, unless the helper is quicker to it)."""
    a, b = share([here, there])
    return a, b  # type: ignore[return-value]


__all__ = ["ENV_VAR", "available", "both", "cores", "enable", "occupying", "share"]
