"""What the cycle-file readers share: reading a file, parsing one number, sanity limits."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

from .cycle import CycleError

#: A path to a cycle file.
PathLike = str | os.PathLike[str]

#: Fastest speed a trace may hold [m/s] (360 km/h). No road vehicle's drive cycle comes
#: near it, so a faster sample is a unit mix-up (km/h read as m/s) or a GPS jump.
MAX_SPEED = 100.0

#: Elevations a road can have [m]: below the Dead Sea shore (-430 m) to above the
#: highest pass (about 5 800 m), with room to spare; beyond it the unit is wrong.
ELEVATION_RANGE = (-1000.0, 10000.0)

# A plain decimal number, ASCII digits only: float() alone would also take "1_000",
# "nan", "inf" and non-ASCII digits, none of which belongs in a cycle file.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = frozenset(
    f"{sign}{word}" for sign in ("", "+", "-") for word in ("nan", "inf", "infinity")
)


def read_bytes(path: PathLike) -> bytes:
    """The contents of a file, or a :class:`CycleError` that says why it cannot be read."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CycleError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CycleError(f"{path}: is a directory, not a file") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CycleError(f"{path}: cannot read the file ({reason})") from None


def parse_number(text: str) -> float:
    """A finite number from a cell of text (surrounding blanks allowed).

    Raises
    ------
    ValueError
        If the text is empty, not a plain decimal number, or not finite; the message
        says which, for the caller to prefix with the place.
    """
    s = text.strip()
    if not s:
        raise ValueError("the cell is empty")
    if _NUMBER.fullmatch(s):
        x = float(s)
        if not math.isfinite(x):
            raise ValueError(f"{s!r} is too large to be a number")
        return x
    if s.lower() in _NON_FINITE:
        raise ValueError(f"{s!r} is not a finite number")
    shown = s if len(s) <= 40 else s[:37] + "..."
    raise ValueError(f"{shown!r} is not a number")
