"""Run a study: its chunks on an executor, each stored as it finishes.

The study's samples are cut into chunks of consecutive sample indices. A chunk's
values come from the study's seed and the chunk alone (:mod:`.sampling`), so the
executor, the number of workers and the order chunks finish in change nothing. Only
this process writes to the store, one whole part per chunk; at most a few chunks per
worker are in flight, so memory stays bounded whatever the study's size. A study
stopped at any point (Ctrl-C, ``kill -9``, a lost node) is resumed by running it
again into the same store: the stored chunks are checked and skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from .definition import StudyPlan
from .evaluate import column_path, evaluate_chunk
from .executors import default_workers, serial
from .store import Store, open_store

#: Called with (samples just stored, samples stored in all, samples in the study).
Progress = Callable[[int, int, int], None]
ExecutorFactory = Callable[[], AbstractContextManager[tuple[Executor, bool]]]

#: Chunks in flight per worker: enough to keep every worker busy while this process
#: writes, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class StudyRun:
    """What a run did.

    Attributes
    ----------
    store
        The store's folder.
    n_samples, n_chunks
        The study's size.
    chunks_run, chunks_resumed
        Chunks computed by this run, and found already stored.
    seconds
        Wall time of the run [s].
    column_path
        Whether the study ran on the column path (see :mod:`.evaluate`).
    """

    store: Path
    n_samples: int
    n_chunks: int
    chunks_run: int
    chunks_resumed: int
    seconds: float
    column_path: bool


def _chunk_task(plan: StudyPlan, chunk: int, threads: int | None) -> dict[str, NDArray[np.generic]]:
    return evaluate_chunk(plan, chunk, threads=threads)


def _submit_all(
    executor: Executor,
    plan: StudyPlan,
    todo: list[int],
    in_flight: int,
    threads: int | None,
) -> Iterator[tuple[int, dict[str, NDArray[np.generic]]]]:
    """Yield (chunk, columns) as chunks finish, keeping at most ``in_flight`` submitted."""
    pending: dict[Future[dict[str, NDArray[np.generic]]], int] = {}
    queue = iter(todo)
    try:
        while True:
            while len(pending) < in_flight:
                c = next(queue, None)
                if c is None:
                    break
                pending[executor.submit(_chunk_task, plan, c, threads)] = c
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(finished, key=lambda f: pending[f]):
                yield pending.pop(fut), fut.result()
    finally:
        for fut in pending:
            fut.cancel()


def run_study(
    plan: StudyPlan,
    out: str | Path,
    *,
    executor: ExecutorFactory | None = None,
    workers: int | None = None,
    fresh: bool = False,
    progress: Progress | None = None,
    wait_s: float = 0.0,
) -> StudyRun:
    """Run a study into a store, resuming whatever the store already holds.

    Parameters
    ----------
    plan
        The resolved study (:func:`evtwin.study.load_study`).
    out
        The store's folder (see :mod:`.store`).
    executor
        A factory of a context manager yielding ``(executor, remote)``, such as
        ``lambda: process_pool(4)`` or ``lambda: dask_executor("tcp://host:8786")``;
        by default this process, one chunk at a time.
    workers
        How many workers the executor has (sets how many chunks are kept in flight);
        by default every core.
    fresh
        Discard what the store holds and start again.
    progress
        Called after each stored chunk.
    wait_s
        How long to wait for another run writing the store to finish (then this run
        resumes from what it stored); by default that is an error at once.
    """
    t0 = time.perf_counter()
    store: Store = open_store(out, plan, fresh=fresh)
    with store.writing(wait_s):
        store.clean_temporary()
        done = store.done_chunks(verify=True)
        todo = [c for c in range(plan.n_chunks) if c not in done]
        stored = sum(store.expected_rows(c) for c in done)
        if progress is not None:
            progress(0, stored, plan.n_samples)
        fast = column_path(plan)
        in_flight = IN_FLIGHT_PER_WORKER * (workers or default_workers())
        with (executor or serial)() as (ex, remote):
            threads = 1 if remote else None
            for chunk, cols in _submit_all(ex, plan, todo, in_flight, threads):
                store.write_part(chunk, cols)
                rows = store.expected_rows(chunk)
                stored += rows
                if progress is not None:
                    progress(rows, stored, plan.n_samples)
    return StudyRun(
        store=Path(out),
        n_samples=plan.n_samples,
        n_chunks=plan.n_chunks,
        chunks_run=len(todo),
        chunks_resumed=len(done),
        seconds=time.perf_counter() - t0,
        column_path=fast,
    )


__all__ = ["IN_FLIGHT_PER_WORKER", "Progress", "StudyRun", "run_study"]
