"""``evtwin sweep`` runs a study into a results store; ``evtwin sweep-query`` reads one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..cli_support import JsonOpt, input_errors, out, print_json
from .study_run import LocalClusterOpt, SchedulerOpt, WorkersOpt, executor_for, run_with_progress


@input_errors
def sweep(
    study: Annotated[Path, typer.Argument(help="The study file (YAML); see docs/studies.md.")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="The results store (a folder); default: beside the study."),
    ] = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    local_cluster: LocalClusterOpt = False,
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

    factory, n = executor_for(workers, scheduler, local_cluster)
    plan = load_study(study)
    target = out_dir or study.with_suffix("").with_name(study.stem + "-results")
    run = run_with_progress(plan, target, factory, n, fresh=not resume, quiet=json_)
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
