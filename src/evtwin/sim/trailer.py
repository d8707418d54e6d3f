"""A towed trailer: what it adds to the road load and to the axle loads of the car."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..physics.road_load import force_aero, force_grade, force_rolling

#: Height of the tow-ball centre above the road [m]. UN ECE Regulation 55 (and EU
#: Directive 94/20/EC before it) requires 350-420 mm with the car laden; 0.40 m is
#: near the top of that window, where an unladen car sits.
HITCH_HEIGHT = 0.40
#: Nose (tongue) load as a share of the trailer's mass [-]. UK and German towing
#: guidance recommends 7 % (within the car's and coupling's limits, typically 4-10 %).
TONGUE_LOAD_FRACTION = 0.07


@dataclass(frozen=True)
class Trailer:
    """A trailer (or caravan) on a ball hitch.

    Parameters
    ----------
    mass_kg
        Laden mass of the trailer [kg], 50-5000.
    frontal_area_m2
        Frontal area [m^2], 0.1-12.
    drag_coefficient
        The drag the trailer *adds* to the car's, as a coefficient referred to
        ``frontal_area_m2`` [-], 0-2. A trailer in the car's wake adds less than it
        would alone: a caravan taller than the car adds a Cd of about 0.4-0.6 on its own
        area, a low open trailer much less.
    rolling_resistance_coefficient
        Of the trailer's tyres [-], 0.003-0.05 (trailer tyres 0.008-0.012 on asphalt).
    tongue_load_fraction
        Share of the trailer's weight carried by the car's hitch [-], 0-0.25.
    hitch_height_m
        Height of the tow ball [m], 0.2-1.0.
    """

    mass_kg: float
    frontal_area_m2: float
    drag_coefficient: float
    rolling_resistance_coefficient: float
    tongue_load_fraction: float = TONGUE_LOAD_FRACTION
    hitch_height_m: float = HITCH_HEIGHT

    def __post_init__(self) -> None:
        checks = {
            "mass_kg": (self.mass_kg, 50.0, 5000.0),
            "frontal_area_m2": (self.frontal_area_m2, 0.1, 12.0),
            "drag_coefficient": (self.drag_coefficient, 0.0, 2.0),
            "rolling_resistance_coefficient": (self.rolling_resistance_coefficient, 0.003, 0.05),
            "tongue_load_fraction": (self.tongue_load_fraction, 0.0, 0.25),
            "hitch_height_m": (self.hitch_height_m, 0.2, 1.0),
        }
        for name, (value, lo, hi) in checks.items():
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not (ok and math.isfinite(value) and lo <= value <= hi):
                raise ValueError(
                    f"trailer {name} must be a number from {lo:g} to {hi:g}, got {value!r}"
                )

    @property
    def mass_on_wheels_kg(self) -> float:
        """Share of the trailer's mass its own axle carries [kg]."""
        return self.mass_kg * (1.0 - self.tongue_load_fraction)

    def road_load(
        self, speed: ArrayLike, air_density: float, grade: ArrayLike = 0.0
    ) -> NDArray[np.float64]:
        """The trailer's own resistance at a steady speed [N]: rolling on its axle, air drag
        and the slope on its whole mass. The nose load's extra rolling resistance on the
        car's tyres is the car's (see ``towing_extra_road_load``).
        """
        v = np.asarray(speed, dtype=float)
        return np.asarray(
            force_rolling(self.mass_on_wheels_kg, self.rolling_resistance_coefficient, grade)
            + force_aero(air_density, self.drag_coefficient, self.frontal_area_m2, v)
            + force_grade(self.mass_kg, grade)
        )


def towing_extra_road_load(
    trailer: Trailer, speed: ArrayLike, air_density: float, car_crr: float
) -> NDArray[np.float64]:
    """Road load a trailer adds to the car on a level road at a steady speed [N].

    The trailer's own rolling and air drag, plus the rolling resistance of its nose
    load on the car's tyres.
    """
    nose = force_rolling(trailer.mass_kg * trailer.tongue_load_fraction, car_crr)
    return np.asarray(trailer.road_load(speed, air_density) + nose)
