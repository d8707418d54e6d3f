"""Read a user's speed trace from a file, whichever supported kind it is."""

from __future__ import annotations

from pathlib import Path

from ._files import PathLike
from .csv_io import read_cycle_csv
from .cycle import Cycle, CycleError
from .gpx import read_cycle_gpx

#: Readers by file suffix (lower case).
READERS = {".csv": read_cycle_csv, ".gpx": read_cycle_gpx}


def read_cycle(path: PathLike, *, name: str | None = None) -> Cycle:
    """Read a speed trace from a ``.csv`` or ``.gpx`` file, chosen by the suffix.

    Parameters
    ----------
    path : str or os.PathLike
        The file; the suffix is matched without regard to case.
    name : str, optional
        Name of the cycle; by default the file name without its suffix.

    Returns
    -------
    Cycle
        As :func:`~evtwin.cycles.csv_io.read_cycle_csv` or
        :func:`~evtwin.cycles.gpx.read_cycle_gpx` (1 s steps) reads it.

    Raises
    ------
    CycleError
        If the suffix is neither, or the reader rejects the file.
    """
    suffix = Path(path).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        kind = f"suffix {suffix!r}" if suffix else "no suffix"
        raise CycleError(f"{path}: cannot read a cycle from a file with {kind}; use .csv or .gpx")
    return reader(path, name=name)
