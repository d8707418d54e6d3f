"""The standard drive cycles shipped with evtwin."""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources

import numpy as np

from .cycle import Cycle, CycleError

_PACKAGE = "evtwin.data.cycles"

#: Shipped cycle files and what they are.
SHIPPED: dict[str, str] = {
    "wltc_class3b": "WLTC class 3b (UN GTR 15), all four phases",
    "wltc_class3a": "WLTC class 3a (UN GTR 15), all four phases",
    "udds": "EPA Urban Dynamometer Driving Schedule (city)",
    "hwfet": "EPA Highway Fuel Economy Test",
    "us06": "EPA US06 supplemental FTP (aggressive)",
    "nedc": "New European Driving Cycle (UN ECE R101)",
    "artemis_urban": "Common Artemis Driving Cycle, urban",
    "artemis_rural": "Common Artemis Driving Cycle, rural road",
    "artemis_motorway_130": "Common Artemis Driving Cycle, motorway (130 km/h version)",
    "artemis_motorway_150": "Common Artemis Driving Cycle, motorway (150 km/h version)",
}

#: WLTC class 3 phase boundaries [s] (UN GTR 15, Annex 1, table A1/12).
WLTC_PHASES: dict[str, tuple[float, float]] = {
    "low": (0.0, 589.0),
    "medium": (589.0, 1022.0),
    "high": (1022.0, 1477.0),
    "extra_high": (1477.0, 1800.0),
}

#: Short names accepted wherever a cycle name is.
ALIASES: dict[str, str] = {
    "wltc": "wltc_class3b",
    "wltp": "wltc_class3b",
    "city": "udds",
    "highway": "hwfet",
    "hwy": "hwfet",
}


def cycle_names() -> list[str]:
    """Names of every built-in cycle, WLTC phases included."""
    phases = [f"wltc_class3b_{p}" for p in WLTC_PHASES]
    return [*SHIPPED, *phases]


@functools.cache
def _read_shipped(name: str) -> Cycle:
    text = resources.files(_PACKAGE).joinpath(f"{name}.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    if rows[0] != ["time_s", "speed_mps", "grade"]:
        raise CycleError(f"shipped cycle {name}: unexpected header {rows[0]}")
    data = np.array(rows[1:], dtype=float)
    return Cycle(name, data[:, 0], data[:, 1], data[:, 2], source=f"evtwin/data/cycles/{name}.csv")


def load_cycle(name: str) -> Cycle:
    """A built-in drive cycle by name (see :func:`cycle_names`; aliases such as ``wltc``).

    Raises
    ------
    KeyError
        If there is no such cycle; the message lists the known names.
    """
    key = ALIASES.get(name, name)
    if key in SHIPPED:
        return _read_shipped(key)
    for phase, (t0, t1) in WLTC_PHASES.items():
        if key == f"wltc_class3b_{phase}":
            return _read_shipped("wltc_class3b").segment(t0, t1, key)
    known = ", ".join(cycle_names())
    raise KeyError(f"no built-in cycle {name!r}; known: {known} (aliases: {', '.join(ALIASES)})")
