"""What every evtwin command shares: consoles, argument types, JSON and input errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import numpy as np
import typer
from rich.console import Console

from .cycles import CycleError
from .specs import SpecError

DEFAULT_VEHICLE = "defender-sport"

# Tables need room: a terminal's own width, or 140 columns when piped.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])

VehicleArg = Annotated[
    str,
    typer.Argument(
        help="A shipped vehicle id (see `evtwin vehicles`) or a path to a vehicle YAML file."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


class InputError(Exception):
    """Bad input named for the user (wraps the error types of the layers below)."""


def input_errors(func: F) -> F:
    """Turn the known input errors into a message on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (SpecError, CycleError, InputError, FileNotFoundError, ValueError) as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=_json_default) + "\n")


def _json_default(x: object) -> object:
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.floating | np.integer):
        return x.item()
    raise TypeError(f"cannot serialise {type(x).__name__}")


__all__ = [
    "DEFAULT_VEHICLE",
    "InputError",
    "JsonOpt",
    "VehicleArg",
    "err",
    "input_errors",
    "out",
    "print_json",
]
