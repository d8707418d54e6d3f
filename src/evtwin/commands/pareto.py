"""``evtwin pareto``: run (or resume) a study and print its Pareto front."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..cli_support import JsonOpt, err, input_errors, out, print_json
from .study_run import LocalClusterOpt, SchedulerOpt, WorkersOpt, executor_for, run_with_progress


@input_errors
def pareto(
    study: Annotated[Path, typer.Argument(help="The study file (YAML); see docs/studies.md.")],
    objective: Annotated[
        list[str] | None,
        typer.Option(
            "--objective",
            help="An output to trade off, as OUTPUT:max or OUTPUT:min (repeat; default: "
            "the study's objectives).",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="The results store (a folder); default: beside the study."),
    ] = None,
    tolerance: Annotated[
        float | None,
        typer.Option(
            "--tolerance",
            min=0.0,
            max=0.5,
            help="Relative differences that count as ties, for every objective (default: "
            "the study's: 0.001, or an objective's own).",
        ),
    ] = None,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write the front to this CSV file.")
    ] = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    local_cluster: LocalClusterOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Run a study (resuming its store) and print the designs no other design beats on
    every objective: the trade between, say, range, off-road angles, charging time and
    price over battery size, ride height, tyres, drag and mass."""
    from ..study.definition import load_study
    from ..study.pareto import Sense, pareto_front

    objectives: dict[str, Sense] | None = None
    if objective:
        objectives = {}
        for o in objective:
            name, _, sense = o.rpartition(":")
            if sense not in ("max", "min") or not name:
                raise ValueError(f"--objective {o!r}: write OUTPUT:max or OUTPUT:min")
            objectives[name] = "max" if sense == "max" else "min"
    factory, n = executor_for(workers, scheduler, local_cluster)
    plan = load_study(study)
    target = out_dir or study.with_suffix("").with_name(study.stem + "-results")
    run_with_progress(plan, target, factory, n, quiet=json_)
    front = pareto_front(plan, target, objectives, tolerance)
    if csv_file is not None:
        with csv_file.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(front.columns)
            w.writerows(front.rows)
    if json_:
        print_json(front.to_dict())
        return
    senses = ", ".join(f"{o} ({s})" for o, s in front.objectives)
    t = Table(
        title=f"{front.study}: Pareto front of {len(front.rows)} of {front.n_valid:,} designs "
        f"over {senses}; ties within {', '.join(f'{t:.1%}' for t in front.tolerance)}"
    )
    for c in front.columns:
        t.add_column(c.replace("__", "."), justify="left" if c.startswith("option__") else "right")
    for r in front.rows:
        t.add_row(*(f"{x:.4g}" if isinstance(x, float) else str(x) for x in r))
    out.print(t)
    if front.n_valid < front.n_samples:
        err.print(f"{front.n_samples - front.n_valid:,} designs were invalid and left out")
    err.print(f"store: {target}")


__all__ = ["pareto"]
