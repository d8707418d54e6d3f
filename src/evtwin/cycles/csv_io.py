"""Read a user's speed trace from a CSV file.

The file is comma-separated UTF-8 (a byte-order mark is fine) with a header naming
each column with its unit::

    time_s,speed_kph,grade_pct
    0,0,0
    1,3.5,0.5
    2,7.2,0.5

Columns
-------
``time_s``
    Sample times [s], strictly increasing, any spacing (not necessarily 1 Hz).
``speed_mps`` | ``speed_kph`` | ``speed_mph``
    Speed, in exactly one of these units; >= 0 and at most 100 m/s (360 km/h), above
    which the unit is surely wrong.
``grade`` | ``grade_pct`` | ``elevation_m`` (optional, at most one)
    Road grade as rise over run [-] (0.05 is a 5 % climb), as percent [%], or the
    road's elevation [m], from which the grade is derived against the distance
    travelled (trapezoidal integral of speed; :func:`grade_from_elevation`). Without
    any of them the road is flat. Grades steeper than 100 % are refused.

Other columns are ignored. Header names are matched without regard to case or the
blanks around them. Blank lines may end the file, not interrupt it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..units import KPH, MPH
from ._files import ELEVATION_RANGE, MAX_SPEED, PathLike, parse_number, read_bytes
from .cycle import Cycle, CycleError

#: Name of the time column [s].
TIME_COLUMN = "time_s"
#: Speed columns and their unit [m/s].
SPEED_COLUMNS: dict[str, float] = {"speed_mps": 1.0, "speed_kph": KPH, "speed_mph": MPH}
#: Grade columns: rise over run [-], percent [%], elevation [m].
GRADE_COLUMNS = ("grade", "grade_pct", "elevation_m")
#: Shortest run [m] over which an elevation change becomes a grade (see
#: :func:`grade_from_elevation`).
ELEVATION_MIN_RUN = 1.0
#: Largest magnitude of a time [s]: ample for Unix timestamps (about 1.7e9 s), and it
#: keeps differences of times far from float overflow.
MAX_ABS_TIME = 1e10

_Row = tuple[int, list[str]]  # (line number, cells)


def grade_from_elevation(
    distance: NDArray[np.float64],
    elevation: NDArray[np.float64],
    min_run: float = ELEVATION_MIN_RUN,
) -> NDArray[np.float64]:
    """Road grade at each sample from elevation against distance travelled [-].

    The grade at sample ``i`` is the central difference
    ``(z[i+1] - z[i-1]) / max(s[i+1] - s[i-1], min_run)`` and, at the two ends, the
    one-sided difference to the neighbour. A central difference is exact for a road
    of constant grade and, unlike a one-sided one, does not shift the grade by half a
    sample. The floor ``min_run`` keeps the grade finite while the vehicle stands still
    (no distance, maybe a drifting elevation); it under-reads the grade over the first
    and last metre of each stop, where the climbing energy is negligible.

    Parameters
    ----------
    distance : ndarray
        Distance travelled at each sample [m], non-decreasing.
    elevation : ndarray
        Road elevation at each sample [m].
    min_run : float
        Shortest run over which an elevation change is divided [m].

    Returns
    -------
    ndarray
        Rise over run at each sample [-].
    """
    s = np.asarray(distance, dtype=float)
    z = np.asarray(elevation, dtype=float)
    rise = np.empty_like(z)
    run = np.empty_like(s)
    rise[1:-1] = z[2:] - z[:-2]
    run[1:-1] = s[2:] - s[:-2]
    rise[0], run[0] = z[1] - z[0], s[1] - s[0]
    rise[-1], run[-1] = z[-1] - z[-2], s[-1] - s[-2]
    return np.asarray(rise / np.maximum(run, min_run))


def read_cycle_csv(path: PathLike, *, name: str | None = None) -> Cycle:
    """Read a speed trace from a CSV file (format in the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.
    name : str, optional
        Name of the cycle; by default the file name without its suffix.

    Returns
    -------
    Cycle
        Times as in the file [s], speed [m/s], grade [-]; ``source`` is the path.

    Raises
    ------
    CycleError
        If the file cannot be read or is not a valid trace; the message names the
        file and, where there is one, the column and the line (counted from 1, the
        header being line 1).
    """
    where = str(path)
    text = _decode(read_bytes(path), where)
    header_line, names, data = _split(text, where)
    cols = _columns(names, header_line, where)
    _check_rows(data, len(names), where)

    lines = np.array([line for line, _ in data])
    t = _parse(data, cols["time"], TIME_COLUMN, where)
    speed_name = names[cols["speed"]]
    v_in = _parse(data, cols["speed"], speed_name, where)
    _check_time(t, lines, where)
    _check(v_in < 0, lines, v_in, where, speed_name, "speed {:g} is negative")
    v = v_in * SPEED_COLUMNS[speed_name]
    _check(
        v > MAX_SPEED,
        lines,
        v_in,
        where,
        speed_name,
        f"speed {{:g}} is faster than {MAX_SPEED:g} m/s ({MAX_SPEED / KPH:g} km/h); "
        "is the unit right?",
    )

    if "grade" not in cols:
        g = np.zeros_like(t)
        grade_note = "flat (no grade column)"
    else:
        grade_name = names[cols["grade"]]
        raw = _parse(data, cols["grade"], grade_name, where)
        g = _grade(raw, grade_name, t, v, lines, where)
        grade_note = f"grade from {grade_name}"
    note = f"CSV: {len(data)} samples, speed from {speed_name}, {grade_note}"
    return Cycle(name or Path(path).stem, t, v, g, source=where, note=note)


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")  # -sig: drop the BOM that spreadsheets write
    except UnicodeDecodeError as exc:
        raise CycleError(
            f"{where}: not UTF-8 text (byte {exc.start} is {data[exc.start]:#04x}); "
            "save the file as UTF-8 CSV"
        ) from None


def _blank(cells: list[str]) -> bool:
    return all(not c.strip() for c in cells)


def _split(text: str, where: str) -> tuple[int, list[str], list[_Row]]:
    """Header line number, normalised column names, and the data rows."""
    if not text.strip():
        raise CycleError(f"{where}: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[_Row] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise CycleError(f"{where}: line {reader.line_num}: not valid CSV ({exc})") from None
    while rows and _blank(rows[-1][1]):
        rows.pop()  # blank lines (or rows of empty cells) that end the file
    if not rows:
        raise CycleError(f"{where}: the file is empty")
    header_line, header = rows[0]
    if _blank(header):
        raise CycleError(f"{where}: line {header_line} is blank; the first line must be the header")
    if all(_is_number(c) for c in header):
        raise CycleError(
            f"{where}: no header: line {header_line} holds numbers; the first line must name "
            f"the columns, e.g. {TIME_COLUMN},speed_kph"
        )
    return header_line, [c.strip().lower() for c in header], rows[1:]


def _check_rows(data: list[_Row], n_columns: int, where: str) -> None:
    """Every data row whole, and enough of them."""
    for line, cells in data:
        if _blank(cells):
            raise CycleError(f"{where}: line {line} is blank; blank lines may only end the file")
        if len(cells) != n_columns:
            raise CycleError(
                f"{where}: line {line} has {len(cells)} fields but the header has {n_columns}"
            )
    if len(data) < 2:
        raise CycleError(f"{where}: a trace needs at least 2 data rows; the file has {len(data)}")


def _is_number(cell: str) -> bool:
    try:
        parse_number(cell)
    except ValueError:
        return False
    return True


def _columns(names: list[str], header_line: int, where: str) -> dict[str, int]:
    """Index of the time, speed and (if any) grade column."""
    listed = ", ".join(repr(n) for n in names)
    hint = ""
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        hint = "; the separator must be a comma"
    out: dict[str, int] = {}
    for role, wanted, required in (
        ("time", (TIME_COLUMN,), True),
        ("speed", tuple(SPEED_COLUMNS), True),
        ("grade", GRADE_COLUMNS, False),
    ):
        found = [i for i, n in enumerate(names) if n in wanted]
        if len(found) > 1:
            which = " and ".join(f"{names[i]!r} (column {i + 1})" for i in found)
            raise CycleError(
                f"{where}: line {header_line}: ambiguous {role}: {which} both give it; keep one"
            )
        if found:
            out[role] = found[0]
        elif required:
            options = " or ".join(repr(w) for w in wanted)
            raise CycleError(
                f"{where}: line {header_line}: no {role} column: expected {options} "
                f"(the header has {listed}){hint}"
            )
    return out


def _parse(data: list[_Row], index: int, column: str, where: str) -> NDArray[np.float64]:
    """One column as numbers; the first bad cell raises, naming its line."""
    out = np.empty(len(data))
    for k, (line, cells) in enumerate(data):
        try:
            out[k] = parse_number(cells[index])
        except ValueError as exc:
            raise CycleError(f"{where}: line {line}, column {column!r}: {exc}") from None
    return out


def _check(
    bad: NDArray[np.bool_],
    lines: NDArray[np.int_],
    values: NDArray[np.float64],
    where: str,
    column: str,
    what: str,
) -> None:
    """Raise for the first flagged sample, naming its line and column; ``what`` is a
    :meth:`str.format` template for its value."""
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise CycleError(f"{where}: line {lines[i]}, column {column!r}: " + what.format(values[i]))


def _check_time(t: NDArray[np.float64], lines: NDArray[np.int_], where: str) -> None:
    _check(
        np.abs(t) > MAX_ABS_TIME,
        lines,
        t,
        where,
        TIME_COLUMN,
        f"time {{:g}} s is out of range (|time| <= {MAX_ABS_TIME:g} s)",
    )
    steps = np.diff(t)
    if np.any(steps <= 0):
        i = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise CycleError(
            f"{where}: line {lines[i]}, column {TIME_COLUMN!r}: {t[i]:g} s is not after "
            f"{t[i - 1]:g} s on line {lines[i - 1]}; time must increase"
        )


def _grade(
    raw: NDArray[np.float64],
    column: str,
    t: NDArray[np.float64],
    v: NDArray[np.float64],
    lines: NDArray[np.int_],
    where: str,
) -> NDArray[np.float64]:
    """Rise over run [-] from the grade column, whichever of its units it is in."""
    if column == "grade":
        _check(
            np.abs(raw) > 1.0,
            lines,
            raw,
            where,
            column,
            "grade {:g} is steeper than 100 % (grade is rise over run, 0.05 for 5 %; "
            "name the column grade_pct for percent)",
        )
        return raw
    if column == "grade_pct":
        _check(np.abs(raw) > 100.0, lines, raw, where, column, "grade {:g} % is steeper than 100 %")
        return raw / 100.0
    lo, hi = ELEVATION_RANGE
    _check(
        (raw < lo) | (raw > hi),
        lines,
        raw,
        where,
        column,
        f"elevation {{:g}} m is outside {lo:g}..{hi:g} m; is the unit right?",
    )
    # Distance at each sample by the trapezoidal rule, as Cycle.distance integrates it.
    s = np.concatenate(([0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * np.diff(t))))
    g = grade_from_elevation(s, raw)
    _check(
        np.abs(g) > 1.0,
        lines,
        g,
        where,
        column,
        "the elevation gives a grade of {:g} here, steeper than 100 %; is the elevation right?",
    )
    return g
