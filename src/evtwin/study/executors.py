"""Where a study's chunks run: any :class:`concurrent.futures.Executor`.

- :func:`serial`: in this process, one chunk at a time (tests, debugging, one core);
- :func:`process_pool`: a local :class:`~concurrent.futures.ProcessPoolExecutor`
  over every core (the default), started with ``spawn`` so it behaves the same on
  Linux, macOS and Windows and never forks a process holding numba's threads;
- :func:`dask_executor`: a Dask cluster, either at a scheduler's address
  (``tcp://host:8786``, e.g. one started by dask-jobqueue on an HPC system or by
  dask-kubernetes) or a :class:`distributed.LocalCluster` started for the run.

Each is a context manager yielding the executor and whether its workers are other
processes (who then run the compiled loop on one thread each, their spare core off
(:mod:`evtwin.sim.spare_core`): the pool already fills the cores).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from ..sim import spare_core

P = ParamSpec("P")
T = TypeVar("T")


class SerialExecutor(Executor):
    """Runs each call at once, in the caller's process."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        fut: Future[T] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            fut.set_exception(exc)
        return fut


def default_workers() -> int:
    """Every core this process may use."""
    return spare_core.cores()


@contextmanager
def serial() -> Iterator[tuple[Executor, bool]]:
    yield SerialExecutor(), False


@contextmanager
def process_pool(workers: int | None = None) -> Iterator[tuple[Executor, bool]]:
    n = workers or default_workers()
    # A worker per core already: a worker's spare-core helper would only take turns.
    pool = ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=spare_core.enable,
        initargs=(False,),
    )
    try:
        yield pool, True
    finally:
        # Cancel what has not started (Ctrl-C): finished chunks are already stored.
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def dask_executor(
    scheduler: str | None = None, *, workers: int | None = None
) -> Iterator[tuple[Executor, bool]]:
    """A Dask cluster's executor: at ``scheduler``, or a local cluster of ``workers``."""
    from distributed import Client, LocalCluster

    cluster: Any = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers or default_workers(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            env={spare_core.ENV_VAR: "0"},  # a worker per core, as in process_pool
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        yield client.get_executor(pure=False), True
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


__all__ = ["SerialExecutor", "dask_executor", "default_workers", "process_pool", "serial"]
