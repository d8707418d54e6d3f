"""The EPA's five dynamometer tests as evtwin runs them: trace, test cell, climate control.

- ``udds``, ``hwfet``: 20-30 C cell (25 C), climate control off (40 CFR 1066.801).
- ``ftp_20f``: the FTP-75 in a -6.7 C (20 F) cell after an overnight soak there; the
  heater and defroster on, automatic at 72 F (22.2 C) (40 CFR 86.244, 600.115 and
  SAE J1634's cold-test guidance); battery and cabin start at the cell's temperature.
- ``sc03``: the SC03 trace in a 35 C (95 F), 40 % humidity cell under 850 W/m^2 of
  solar lamps, after a 10-minute soak under them, air conditioning on at 72 F
  (40 CFR 86.160, 86.161). The SC03 trace itself is not shipped with evtwin (its
  public source was not reachable when this was written): pass a file.

On a dynamometer the road load is the target force whatever the cell's air: only
the car's own parts (tyres on the rolls, battery, cabin) feel its temperature.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..cycles import load_cycle, read_cycle
from ..cycles.procedure import Schedule, always_on, ftp75
from .cabin import ClimateControl
from .conditions import Ambient

#: EPA reference pressure of road load (SAE J2263) [Pa].
_EPA_PRESSURE = 98_210.0
#: 72 F, the set point of the EPA's climate tests [C].
SETPOINT_72F = (72.0 - 32.0) / 1.8


@dataclass(frozen=True)
class DynoProcedure:
    """One EPA test: its name, cell, climate control and how to get its schedule."""

    name: str
    ambient: Ambient
    climate: ClimateControl | None
    description: str


PROCEDURES: dict[str, DynoProcedure] = {
    "udds": DynoProcedure(
        "udds",
        Ambient(temperature_c=20.0, pressure_pa=_EPA_PRESSURE, battery_temperature_c=25.0),
        None,
        "UDDS (city), 25 C cell, climate control off",
    ),
    "hwfet": DynoProcedure(
        "hwfet",
        Ambient(temperature_c=20.0, pressure_pa=_EPA_PRESSURE, battery_temperature_c=25.0),
        None,
        "HWFET (highway), 25 C cell, climate control off",
    ),
    "ftp_20f": DynoProcedure(
        "ftp_20f",
        Ambient(temperature_c=-6.7, pressure_pa=_EPA_PRESSURE),
        ClimateControl(setpoint_c=SETPOINT_72F, occupants=1),
        "FTP-75 at -6.7 C (20 F) after a cold soak, heater on at 72 F",
    ),
    "sc03": DynoProcedure(
        "sc03",
        Ambient(
            temperature_c=35.0,
            pressure_pa=_EPA_PRESSURE,
            relative_humidity=0.4,
            solar_w_per_m2=850.0,
        ),
        ClimateControl(setpoint_c=SETPOINT_72F, occupants=1, presoak_s=600.0),
        "SC03 at 35 C, 40 % RH, 850 W/m2 solar load, air conditioning on at 72 F",
    ),
}


class MissingTraceError(ValueError):
    """A procedure whose trace evtwin does not ship and was not given."""


def schedule_for(name: str, sc03_cycle: str | Path | None = None) -> Schedule:
    """The speed trace and ignition state of a procedure."""
    if name in ("udds", "hwfet"):
        return always_on(load_cycle(name))
    if name == "ftp_20f":
        return ftp75()
    if name == "sc03":
        if sc03_cycle is None:
            raise MissingTraceError(
                "the SC03 speed trace is not shipped with evtwin; pass it as a file "
                "(columns time_s and speed_mph, 1 Hz, 596 s) with --sc03-cycle"
            )
        return always_on(read_cycle(sc03_cycle))
    raise KeyError(f"no EPA procedure {name!r}; known: {', '.join(PROCEDURES)}")


__all__ = [
    "PROCEDURES",
    "SETPOINT_72F",
    "DynoProcedure",
    "MissingTraceError",
    "schedule_for",
]
