"""Drive cycles: the standard ones shipped with evtwin, and users' own traces."""

from .csv_io import read_cycle_csv
from .cycle import Cycle, CycleError
from .gpx import read_cycle_gpx
from .io import read_cycle
from .library import ALIASES, WLTC_PHASES, cycle_names, load_cycle

__all__ = [
    "ALIASES",
    "WLTC_PHASES",
    "Cycle",
    "CycleError",
    "cycle_names",
    "load_cycle",
    "read_cycle",
    "read_cycle_csv",
    "read_cycle_gpx",
]
