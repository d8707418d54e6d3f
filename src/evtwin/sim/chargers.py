"""Chargers a car can be plugged into: DC stations and AC supplies."""

from __future__ import annotations

import math
from dataclasses import dataclass


def _positive(name: str, value: object) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")


@dataclass(frozen=True)
class DcCharger:
    """A DC charger: its power, current and output voltage range.

    Parameters
    ----------
    power_kw
        Highest output power [kW].
    max_current_a
        Highest output current [A].
    max_voltage_v, min_voltage_v
        Output voltage range [V]. A "400 V" charger that stops at 500 V cannot charge
        an 800 V pack unless the car has a booster.
    name
        Shown in results.
    """

    power_kw: float = 350.0
    max_current_a: float = 500.0
    max_voltage_v: float = 920.0
    min_voltage_v: float = 150.0
    name: str = "350 kW HPC (920 V, 500 A)"

    def __post_init__(self) -> None:
        _positive("power_kw", self.power_kw)
        _positive("max_current_a", self.max_current_a)
        _positive("max_voltage_v", self.max_voltage_v)
        v_min = self.min_voltage_v
        if not (isinstance(v_min, int | float) and 0.0 <= v_min < self.max_voltage_v):
            raise ValueError(
                f"min_voltage_v must be a number from 0 to max_voltage_v "
                f"({self.max_voltage_v:g}), got {v_min!r}"
            )


@dataclass(frozen=True)
class AcCharger:
    """An AC supply feeding the car's on-board charger.

    Parameters
    ----------
    power_kw
        Power the wall supply can give [kW]; ``None`` for as much as the on-board
        charger takes (``charging.ac_max_kw``).
    name
        Shown in results.
    """

    power_kw: float | None = None
    name: str = "on-board AC charger"

    def __post_init__(self) -> None:
        if self.power_kw is not None:
            _positive("power_kw", self.power_kw)


Charger = DcCharger | AcCharger

#: A high-power charger of today's networks: 350 kW, 920 V, 500 A.
HPC_350 = DcCharger()
#: A 150 kW charger of the first generation, whose output stops at 500 V.
DC_150_400V = DcCharger(150.0, 375.0, 500.0, 150.0, "150 kW DC, 400 V only (500 V, 375 A)")
#: A charger that limits no car: what a maker's "up to" time and published curves assume.
UNLIMITED_DC = DcCharger(10_000.0, 10_000.0, 1_500.0, 0.0, "unlimited DC")
#: The car's own on-board charger on a supply that does not limit it.
ON_BOARD_AC = AcCharger()

__all__ = [
    "DC_150_400V",
    "HPC_350",
    "ON_BOARD_AC",
    "UNLIMITED_DC",
    "AcCharger",
    "Charger",
    "DcCharger",
]
