"""Background jobs with progress, for the pages' long runs (a claims check, a study, a
scorecard).

A job runs a blocking function in NiceGUI's thread pool (``run.io_bound``), so the
event loop keeps serving every user while it runs. The function reports progress
through the job (from its own thread); pages read a frozen :class:`Snapshot` from a
``ui.timer`` (on the event loop). A lock guards the state between the two threads.

Jobs belong to the process, not to a page: a user who navigates away and back finds
the run still going (and two users asking for the same run share it, through a
:class:`Registry` keyed by what the run computes).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from nicegui import ui

R = TypeVar("R")

Status = Literal["running", "done", "failed", "cancelled"]

log = logging.getLogger(__name__)


class Cancelled(Exception):  # noqa: N818 - it is an outcome, not an error
    """Raised inside a job's function (by :meth:`Job.check`) when the job was cancelled."""


@dataclass(frozen=True)
class Snapshot:
    """A job's state at one instant.

    ``rate_per_s`` counts only what this run did: work found already done (a resumed
    store) is left out of it, as the CLI's progress bar leaves it out.
    """

    name: str
    status: Status
    done: int
    total: int
    elapsed_s: float
    rate_per_s: float | None
    message: str
    error: str | None

    @property
    def fraction(self) -> float:
        """Share done, 0 to 1 (0 while the total is unknown)."""
        return min(1.0, self.done / self.total) if self.total > 0 else 0.0

    @property
    def running(self) -> bool:
        return self.status == "running"

    def describe(self, unit: str = "rows") -> str:
        """One line for a page: done of total, rate and elapsed time."""
        rate = "" if self.rate_per_s is None else f", {self.rate_per_s:,.1f} {unit}/s"
        head = f"{self.done:,} / {self.total:,} {unit}{rate}, {self.elapsed_s:,.1f} s"
        if self.status == "failed":
            return f"failed after {head}: {self.error}"
        if self.status == "cancelled":
            return f"stopped at {head}"
        return head + (f" ({self.message})" if self.message else "")


class Job(Generic[R]):
    """One background run: its progress, then its result or its error."""

    def __init__(self, name: str, total: int = 0) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._status: Status = "running"
        self._done = 0
        self._total = total
        self._message = ""
        self._error: str | None = None
        self._result: R | None = None
        self._started = time.monotonic()
        self._finished: float | None = None
        # The first report's count and time: the base of the rate.
        self._base: tuple[int, float] | None = None
        self._cancel = threading.Event()

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Report progress (thread-safe; called from the job's thread)."""
        now = time.monotonic()
        with self._lock:
            if self._base is None:
                self._base = (done, now)
            self._done = done
            if total is not None:
                self._total = total
            if message is not None:
                self._message = message

    def cancel(self) -> None:
        """Ask the job to stop at its next :meth:`check`."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the job was asked to stop (call between steps)."""
        if self._cancel.is_set():
            raise Cancelled(self.name)

    def snapshot(self) -> Snapshot:
        with self._lock:
            end = self._finished if self._finished is not None else time.monotonic()
            rate = None
            if self._base is not None and end - self._base[1] > 0.0:
                did = self._done - self._base[0]
                rate = did / (end - self._base[1]) if did > 0 else None
            return Snapshot(
                name=self.name,
                status=self._status,
                done=self._done,
                total=self._total,
                elapsed_s=end - self._started,
                rate_per_s=rate,
                message=self._message,
                error=self._error,
            )

    @property
    def result(self) -> R | None:
        """The function's return value once done (``None`` before, or if it failed)."""
        with self._lock:
            return self._result

    def _finish(self, status: Status, result: R | None = None, error: str | None = None) -> None:
        with self._lock:
            self._status = status
            self._result = result
            self._error = error
            self._finished = time.monotonic()

    def execute(self, fn: Callable[[Job[R]], R]) -> None:
        """Run ``fn(self)`` here and record how it ended (what the worker thread runs).

        A failure is kept as its message for the page to show (never a traceback); the
        traceback goes to the log, for whoever runs the server.
        """
        try:
            value = fn(self)
        except Cancelled:
            self._finish("cancelled")
        except Exception as exc:
            log.exception("background job %s failed", self.name)
            self._finish("failed", error=str(exc) or type(exc).__name__)
        else:
            self._finish("done", result=value)

    async def wait(self, timeout_s: float | None = None, poll_s: float = 0.05) -> Snapshot:
        """Await the job's end (for tests and for callers that want the result inline)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            snap = self.snapshot()
            if not snap.running:
                return snap
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} still running after {timeout_s} s")
            await asyncio.sleep(poll_s)


def start(job: Job[R], fn: Callable[[Job[R]], R]) -> Job[R]:
    """Run ``fn(job)`` in the thread pool, in the background; returns ``job``."""
    from nicegui import background_tasks, run

    background_tasks.create(run.io_bound(job.execute, fn), name=f"job {job.name}")
    return job


class Registry(Generic[R]):
    """The jobs of one kind by key: a run asked for twice while running is run once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job[R]] = {}

    def get(self, key: str) -> Job[R] | None:
        with self._lock:
            return self._jobs.get(key)

    def started(self) -> list[str]:
        """Keys in the order their jobs were started."""
        with self._lock:
            return list(self._jobs)

    def start(
        self, key: str, name: str, fn: Callable[[Job[R]], R], total: int = 0
    ) -> tuple[Job[R], bool]:
        """The running job of ``key``, or a new one running ``fn``; and whether it is new."""
        with self._lock:
            old = self._jobs.get(key)
            if old is not None and old.snapshot().running and not old.cancel_requested:
                return old, False
            job: Job[R] = Job(name, total)
            self._jobs[key] = job
        start(job, fn)
        return job, True


def show_progress(bar: ui.linear_progress, snap: Snapshot) -> None:
    """Set a progress bar from a snapshot: moving back and forth (indeterminate) while a
    running job has reported nothing done yet (a run's first unit of work can be all of
    it), else the share done."""
    if snap.running and snap.done == 0:
        bar.props("indeterminate")
    else:
        bar.props(remove="indeterminate")
    bar.set_value(snap.fraction)


__all__ = ["Cancelled", "Job", "Registry", "Snapshot", "Status", "show_progress", "start"]
