"""``evtwin sweep`` runs a study into a results store; ``evtwin sweep-query`` reads one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
from rich.table import Table
from rich.text import Text

from ..cli_support import JsonOpt, err, input_errors, out, print_json


class _Rate(ProgressColumn):
    """Samples per second over the run so far."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} samples/s")


@input_errors
def sweep(
    study: Annotated[Path, typer.Argument(help="The study file (YAML); see docs/studies.md.")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="The results store (a folder); default: beside the study."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Worker processes (default: every core; 1 runs here). With --scheduler, "
            "the cluster's workers: two chunks per worker are kept in flight.",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on a Dask cluster at this address (tcp://...)."),
    ] = None,
    local_cluster: Annotated[
        bool, typer.Option("--local-cluster", help="Start a Dask LocalCluster for the run.")
    ] = False,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--fresh",
            help="Resume what the store holds (default), or discard it and start again.",
        ),
    ] = True,
    json_: JsonOpt = False,
) -> None:
    """Run a study (the variables of a vehicle, sampled or on a grid) into a results store.

    Finished chunks are stored as they complete; run the same command again after an
    interruption to resume. Query the store with `evtwin sweep-query`.
    """
    from ..study.definition import load_study
    from ..study.executors import dask_executor, default_workers, process_pool, serial
    from ..study.runner import ExecutorFactory, run_study

    if scheduler and local_cluster:
        raise ValueError("give --scheduler or --local-cluster, not both")
    if workers is not None and workers < 1:
        raise ValueError(f"--workers must be 1 or more, got {workers}")
    plan = load_study(study)
    target = out_dir or study.with_suffix("").with_name(study.stem + "-results")
    n = workers or default_workers()
    factory: ExecutorFactory
    if scheduler:
        factory = lambda: dask_executor(scheduler)  # noqa: E731
    elif local_cluster:
        factory = lambda: dask_executor(workers=n)  # noqa: E731
    elif n == 1:
        factory = serial
    else:
        factory = lambda: process_pool(n)  # noqa: E731
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
        disable=json_,
    )
    stored_so_far = [0]
    with bar:
        task = bar.add_task(plan.study.name, total=plan.n_samples)

        def progress(rows: int, stored: int, total: int) -> None:
            # The first call counts what the store already held: not this run's rate.
            if rows == 0:
                bar.reset(task, completed=stored)
            else:
                bar.update(task, completed=stored)
            stored_so_far[0] = stored

        try:
            run = run_study(
                plan, target, executor=factory, workers=n, fresh=not resume, progress=progress
            )
        except KeyboardInterrupt:
            bar.stop()
            err.print(
                f"interrupted: {stored_so_far[0]:,} of {plan.n_samples:,} samples are stored "
                f"in {target}; run the same command to resume"
            )
            raise typer.Exit(130) from None
    summary = {
        "store": str(run.store),
        "study": plan.study.name,
        "vehicle": plan.spec.id,
        "n_samples": run.n_samples,
        "n_chunks": run.n_chunks,
        "chunks_run": run.chunks_run,
        "chunks_resumed": run.chunks_resumed,
        "seconds": run.seconds,
        "column_path": run.column_path,
    }
    if json_:
        print_json(summary)
        return
    out.print(
        f"{plan.study.name}: {run.n_samples:,} samples of {plan.spec.id} in {run.store} "
        f"({run.chunks_run} chunks run, {run.chunks_resumed} resumed, {run.seconds:.1f} s)"
    )


@input_errors
def sweep_query(
    store: Annotated[Path, typer.Argument(help="A results store written by `evtwin sweep`.")],
    sql: Annotated[
        str | None,
        typer.Argument(help="DuckDB SQL over the table `samples` (default: a summary)."),
    ] = None,
    export_to: Annotated[
        Path | None,
        typer.Option(
            "--export", help="Write the rows (or the query's) to a .csv or .parquet file."
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Query a study's results with SQL (table `samples`: sample_id, one column per
    variable with dots as __, one per output, error), or export them."""
    from ..study.store import export, query, read_store

    if export_to is not None:
        n = export(store, export_to, sql)
        if json_:
            print_json({"export": str(export_to), "rows": n})
        else:
            out.print(f"wrote {n:,} rows to {export_to}")
        return
    if sql is None:
        outputs = read_store(store).manifest["study"]["outputs"]
        parts = ", ".join(
            f"avg({o}) AS {o}_mean, quantile_cont({o}, 0.05) AS {o}_p05, "
            f"quantile_cont({o}, 0.95) AS {o}_p95"
            for o in outputs
        )
        sql = f"SELECT count(*) AS samples, {parts} FROM samples"
    cols, rows = query(store, sql)
    if json_:
        print_json([dict(zip(cols, r, strict=True)) for r in rows])
        return
    t = Table()
    for c in cols:
        t.add_column(c, justify="right")
    for r in rows:
        t.add_row(*(f"{x:.6g}" if isinstance(x, float) else str(x) for x in r))
    out.print(t)
