"""A second core for compiled work that runs without the GIL.

Some calls hold independent pieces of compiled work that release the GIL: the lap
replay's runs, for one, are separate chains of arithmetic of a few milliseconds each,
and the launch runs of a car alone and towing are two more. On a machine with more
than one core, :func:`share` (and :func:`both`, for two pieces) lets a helper thread
take pieces beside the caller's thread, each taking the next piece not yet taken, so
the call takes about as long as the longer share instead of the whole.
:func:`beside` gives the helper compiled work that is ready while the caller's
thread goes on with Python work that does not need it (the launch runs of a car while
its drives until empty are set up), so that the two overlap.

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
from typing import Generic, TypeVar

A = TypeVar("A")
B = TypeVar("B")
T = TypeVar("T")
U = TypeVar("U")

#: The environment variable that turns the helper off ("0") or on ("1", the default).
ENV_VAR = "EVTWIN_SPARE_CORE"

#: Held while a caller has the helper (for :func:`share`, or all through :func:`beside`).
_BUSY = threading.Lock()
#: How deep this thread is in calls holding the helper.
_OWNER = threading.local()
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
    global _POOL, _BUSY, _POOL_LOCK, _OWNER
    _POOL = None
    _BUSY = threading.Lock()
    _OWNER = threading.local()
    _POOL_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


class _Pieces(Generic[T]):
    """Tasks taken one at a time, each by whichever thread asks next."""

    def __init__(self, tasks: Sequence[Callable[[], T]]) -> None:
        self.tasks = tasks
        self.results: list[T | None] = [None] * len(tasks)
        self._next = 0
        self._lock = threading.Lock()

    def work(self) -> None:
        """Do the next task not yet taken until none is left; after a failure (this
        thread's or another's) no task is begun."""
        n = len(self.tasks)
        while True:
            with self._lock:
                i = self._next
                if i >= n:
                    return
                self._next = i + 1
            try:
                self.results[i] = self.tasks[i]()
            except BaseException:
                self.stop()
                raise

    def stop(self) -> None:
        """Begin no further task."""
        with self._lock:
            self._next = len(self.tasks)


def _owned() -> bool:
    """Whether this thread holds the helper (inside :func:`beside`'s ``here``)."""
    return getattr(_OWNER, "depth", 0) > 0


def _claim() -> bool:
    """Take the helper for this thread, if it is free and :func:`available`."""
    if not available():
        return False
    if _owned():
        _OWNER.depth += 1
        return True
    if not _BUSY.acquire(blocking=False):
        return False
    _OWNER.depth = 1
    return True


def _unclaim() -> None:
    _OWNER.depth -= 1
    if _OWNER.depth == 0:
        _BUSY.release()


def _with_helper(pieces: _Pieces[T], here: Callable[[], U]) -> U:
    """``here()`` then ``pieces.work()`` in this thread, the helper taking pieces
    meanwhile (queued behind what this thread gave it before); waits for the helper's
    piece, cancels its turn if it has not begun, and raises the first failure."""
    future = _pool().submit(pieces.work)
    try:
        out = here()
        pieces.work()
    except BaseException:
        pieces.stop()
        raise
    finally:
        if not future.cancel():
            wait([future])
    if not future.cancelled():
        future.result()  # the helper's exception, if it had one
    return out


def share(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Each task's result, in order: this thread and the helper (when it is free and
    :func:`available`) each take the next task not yet taken until none is left.

    Give the longest tasks first. A helper slowed by other work on its core takes
    fewer, and one that has not started when this thread has run out of tasks takes
    none. The first exception (this thread's first) is raised once the helper has
    finished the task it was on; no task is begun after an exception.

    Inside :func:`beside`'s ``here``, the helper takes these tasks once it is done
    with the ones ``beside`` gave it.
    """
    if len(tasks) < 2 or not _claim():
        return [t() for t in tasks]
    pieces = _Pieces(tasks)
    try:
        _with_helper(pieces, lambda: None)
    finally:
        _unclaim()
    return pieces.results  # type: ignore[return-value]


def both(here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
    """``(here(), there())`` shared with the helper as :func:`share` does: ``here`` is
    begun first (in this thread, unless the helper is quicker to it)."""
    a, b = share([here, there])
    return a, b  # type: ignore[return-value]


def beside(here: Callable[[], U], there: Sequence[Callable[[], T]]) -> tuple[U, list[T]]:
    """``here()``, and each task of ``there`` (in order): the helper takes the tasks
    while this thread runs ``here``, then this thread takes those the helper has not
    begun.

    For compiled work ready before Python work that does not need it (the launch runs
    of a car beside the set-up of its drives until empty): the two overlap. Calls of
    :func:`share` within ``here`` give the helper their tasks after these. Without the
    helper (busy, turned off, one core), ``here`` runs first and then every task.
    Failures are raised as :func:`share` raises them.
    """
    if not there or not _claim():
        out = here()
        return out, [t() for t in there]
    pieces = _Pieces(there)
    try:
        out = _with_helper(pieces, here)
    finally:
        _unclaim()
    return out, pieces.results  # type: ignore[return-value]


__all__ = ["ENV_VAR", "available", "beside", "both", "cores", "enable", "occupying", "share"]
