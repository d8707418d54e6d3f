"""Ambient conditions of a run: air, wind and the battery's temperature."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from ..physics.air import air_density, pressure_isa
from ..units import ZERO_CELSIUS


@dataclass(frozen=True)
class Ambient:
    """Where and in what weather a vehicle runs.

    Parameters
    ----------
    temperature_c
        Air temperature [C], -40 to 60.
    altitude_m
        Altitude [m], -500 to 5000; gives the pressure by the ISA formula unless
        ``pressure_pa`` is set.
    pressure_pa
        Static pressure [Pa], overriding the altitude.
    relative_humidity
        0 to 1.
    wind_mps
        Head wind [m/s] (negative for a tail wind), constant over the run.
    battery_temperature_c
        Cell temperature [C]; the air temperature if not given (a car parked outside
        and not preconditioned).
    solar_w_per_m2
        Sunshine on the car [W/m^2] (0 at night; 850 in EPA's SC03 test).
    """

    temperature_c: float = 20.0
    altitude_m: float = 0.0
    pressure_pa: float | None = None
    relative_humidity: float = 0.0
    wind_mps: float = 0.0
    battery_temperature_c: float | None = None
    solar_w_per_m2: float = 0.0

    def __post_init__(self) -> None:
        checks = {
            "temperature_c": (self.temperature_c, -40.0, 60.0),
            "altitude_m": (self.altitude_m, -500.0, 5000.0),
            "relative_humidity": (self.relative_humidity, 0.0, 1.0),
            "wind_mps": (self.wind_mps, -40.0, 40.0),
            "solar_w_per_m2": (self.solar_w_per_m2, 0.0, 1400.0),
        }
        if self.pressure_pa is not None:
            checks["pressure_pa"] = (self.pressure_pa, 50_000.0, 110_000.0)
        if self.battery_temperature_c is not None:
            checks["battery_temperature_c"] = (self.battery_temperature_c, -40.0, 70.0)
        for name, (value, lo, hi) in checks.items():
            if not (isinstance(value, int | float) and math.isfinite(value) and lo <= value <= hi):
                raise ValueError(f"{name} must be a number from {lo:g} to {hi:g}, got {value!r}")

    # Worked out once per object (it is frozen): preparing a run asks for them often.
    @cached_property
    def pressure(self) -> float:
        """Static pressure [Pa]."""
        if self.pressure_pa is not None:
            return self.pressure_pa
        return float(pressure_isa(self.altitude_m))

    @cached_property
    def air_density(self) -> float:
        """[kg/m^3]."""
        return float(
            air_density(self.temperature_c + ZERO_CELSIUS, self.pressure, self.relative_humidity)
        )

    @property
    def battery_temperature(self) -> float:
        """Cell temperature [K]."""
        t = self.temperature_c if self.battery_temperature_c is None else self.battery_temperature_c
        return t + ZERO_CELSIUS


#: Reference conditions of WLTP road load (UN GTR 15, Annex 4: 20 C, 100 kPa) with the
#: type-1 test's 23 C soak for the battery.
WLTP_CONDITIONS = Ambient(temperature_c=20.0, pressure_pa=100_000.0, battery_temperature_c=23.0)
#: Reference conditions of EPA road load (SAE J2263 / 40 CFR 1066.301: 20 C, 98.21 kPa)
#: with the FTP's 20-30 C test cell (25 C) for the battery.
EPA_CONDITIONS = Ambient(temperature_c=20.0, pressure_pa=98_210.0, battery_temperature_c=25.0)
#: Still, dry air at 20 C at sea level.
STANDARD = Ambient()
