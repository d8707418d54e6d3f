"""What the commands that run studies share: the executor flags and the progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ..cli_support import err

if TYPE_CHECKING:
    from pathlib import Path

    from ..study.definition import StudyPlan
    from ..study.runner import ExecutorFactory, StudyRun
    from ..study.runner import Progress as ProgressCallback

WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="Worker processes (default: every core; 1 runs here). With --scheduler, "
        "the cluster's workers: two chunks per worker are kept in flight.",
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on a Dask cluster at this address (tcp://...)."),
]
LocalClusterOpt = Annotated[
    bool, typer.Option("--local-cluster", help="Start a Dask LocalCluster for the run.")
]


def executor_for(
    workers: int | None, scheduler: str | None, local_cluster: bool
) -> tuple[ExecutorFactory, int]:
    """The executor the flags ask for, and its number of workers."""
    from ..study.executors import dask_executor, default_workers, process_pool, serial

    if scheduler and local_cluster:
        raise ValueError("give --scheduler or --local-cluster, not both")
    if workers is not None and workers < 1:
        raise ValueError(f"--workers must be 1 or more, got {workers}")
    if scheduler is not None and not scheduler.strip():
        raise ValueError("--scheduler needs an address such as tcp://host:8786")
    n = workers or default_workers()
    if scheduler:
        return (lambda: dask_executor(scheduler)), n
    if local_cluster:
        return (lambda: dask_executor(workers=n)), n
    if n == 1:
        return serial, n
    return (lambda: process_pool(n)), n


class _Rate(ProgressColumn):
    """Samples per second over the run so far."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} samples/s")


@contextmanager
def study_progress(
    description: str, total: int, *, disable: bool = False
) -> Iterator[tuple[ProgressCallback, list[int]]]:
    """A Rich bar with rate and ETA on stderr; yields the runner's callback and a
    one-item list holding the samples stored so far (for an interruption message)."""
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        disable=disable,
        transient=True,
    )
    stored_so_far = [0]
    with bar:
        task = bar.add_task(description, total=total)

        def progress(rows: int, stored: int, _total: int) -> None:
            # The first call counts what the store already held: not this run's rate.
            if rows == 0:
                bar.reset(task, completed=stored)
            else:
                bar.update(task, completed=stored)
            stored_so_far[0] = stored

        yield progress, stored_so_far


def run_with_progress(
    plan: StudyPlan,
    target: Path,
    factory: ExecutorFactory,
    workers: int,
    *,
    fresh: bool = False,
    quiet: bool = False,
) -> StudyRun:
    """Run (or resume) a study into ``target`` under a progress bar; on Ctrl-C, say what
    is stored and how to resume, and exit with status 130."""
    from ..study.runner import run_study

    with study_progress(plan.study.name, plan.n_samples, disable=quiet) as (progress, stored):
        try:
            return run_study(
                plan, target, executor=factory, workers=workers, fresh=fresh, progress=progress
            )
        except KeyboardInterrupt:
            err.print(
                f"interrupted: {stored[0]:,} of {plan.n_samples:,} samples are stored "
                f"in {target}; run the same command to resume"
            )
            raise typer.Exit(130) from None


__all__ = [
    "LocalClusterOpt",
    "SchedulerOpt",
    "WorkersOpt",
    "executor_for",
    "run_with_progress",
    "study_progress",
]
