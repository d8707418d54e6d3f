"""Test procedures built from the shipped traces: drives with key-off soaks between them.

A :class:`Schedule` is a speed trace plus, per step, whether the car is switched on.
The EPA FTP-75 (40 CFR 86.115, 1066.801) is the UDDS (bag 1, 0-505 s, and bag 2,
505-1369 s), a 10-minute soak with the car off, then the first 505 s again (bag 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .cycle import Cycle, CycleError
from .library import load_cycle

#: End of the UDDS's first hill, FTP bag 1 [s].
FTP_BAG1_END = 505.0
#: Hot soak between bag 2 and bag 3 of the FTP [s] (40 CFR 86.135: 10 +/- 1 min).
FTP_SOAK = 600.0


@dataclass(frozen=True, eq=False)
class Schedule:
    """A trace with the car's ignition state per step (False: parked, switched off)."""

    cycle: Cycle
    key_on: NDArray[np.bool_]  # (n_steps,)

    def __post_init__(self) -> None:
        if self.key_on.shape != (self.cycle.n_steps,):
            raise CycleError(
                f"schedule {self.cycle.name!r}: key_on has {self.key_on.size} steps, "
                f"the trace {self.cycle.n_steps}"
            )
        off = ~self.key_on
        moving = (self.cycle.speed[1:] > 0) | (self.cycle.speed[:-1] > 0)
        if np.any(off & moving):
            raise CycleError(f"schedule {self.cycle.name!r}: the car moves while switched off")
        self.key_on.setflags(write=False)


def ftp75() -> Schedule:
    """The FTP-75: UDDS, a 10-minute key-off soak, then the UDDS's first 505 s again."""
    udds = load_cycle("udds")
    bag3 = udds.segment(0.0, FTP_BAG1_END)
    t_soak_end = udds.time[-1] + FTP_SOAK
    time = np.concatenate([udds.time, [t_soak_end], t_soak_end + bag3.time[1:]])
    speed = np.concatenate([udds.speed, [0.0], bag3.speed[1:]])
    cycle = Cycle(
        "ftp75",
        time,
        speed,
        np.zeros_like(time),
        source=udds.source,
        note="UDDS + 600 s key-off soak + UDDS 0-505 s (40 CFR 86.115)",
    )
    key_on = np.ones(cycle.n_steps, dtype=bool)
    key_on[udds.n_steps] = False  # the single 600 s step of the soak
    return Schedule(cycle, key_on)


def always_on(cycle: Cycle) -> Schedule:
    """A trace driven without a stop of the ignition."""
    return Schedule(cycle, np.ones(cycle.n_steps, dtype=bool))


__all__ = ["FTP_BAG1_END", "FTP_SOAK", "Schedule", "always_on", "ftp75"]
