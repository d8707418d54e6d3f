"""Tyres and wheels."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import field_validator, model_validator

from .base import SpecModel
from .figure import Figure, NonNegativeFigure, PositiveFigure, bounded

#: A rolling resistance coefficient: positive, and below any tyre on a hard road.
CrrFigure = Annotated[Figure, bounded(gt=0.0, lt=0.05)]

TyreType = Literal["road", "all_terrain", "mud_terrain", "winter"]

_SIZE = re.compile(
    r"^\s*(?:P|LT)?(?P<width>\d{3})\s*/\s*(?P<aspect>\d{2})\s*Z?\s*R\s*F?\s*"
    r"(?P<rim>\d{2}(?:\.\d)?)\b",
    re.IGNORECASE,
)

#: Dynamic rolling radius of a loaded radial tyre as a share of its unloaded radius.
#: ETRTO and tyre makers' data put it at 0.96-0.98; 0.97 is the middle (estimate).
ROLLING_RADIUS_SHARE = 0.97


def tyre_diameter_m(size: str) -> float:
    """Unloaded outer diameter [m] of a metric tyre size such as ``"255/50 R20"``.

    diameter = rim [in] x 25.4 mm + 2 x width [mm] x aspect [%] / 100.
    """
    m = _SIZE.match(size)
    if m is None:
        raise ValueError(f"tyre size {size!r} is not of the form '255/50 R20' (width/aspect R rim)")
    width = float(m["width"])
    aspect = float(m["aspect"])
    rim = float(m["rim"])
    return (rim * 25.4 + 2.0 * width * aspect / 100.0) / 1000.0


class Tyres(SpecModel):
    """The tyres and wheels fitted (the same on both axles).

    Parameters
    ----------
    size
        Metric size, e.g. ``"255/50 R20"``.
    type
        ``road``, ``all_terrain``, ``mud_terrain`` or ``winter``.
    rolling_resistance_coefficient
        Crr at low speed [-] (EU tyre label class A is below 0.0065, class C 0.0077-0.0090).
    rolling_resistance_rise_per_100kph
        Fractional rise of Crr per 100 km/h, the linear speed term (ISO 28580 tests
        and SAE J2452 show about 5-15 % from 0 to 100 km/h for passenger tyres).
    rolling_radius_m
        Dynamic rolling radius; by default ``0.97`` times half the size's diameter.
    wheel_inertia_kgm2
        Polar moment of inertia of one wheel with its tyre and brake disc.
    """

    size: str
    type: TyreType = "road"
    rolling_resistance_coefficient: CrrFigure
    rolling_resistance_rise_per_100kph: NonNegativeFigure | None = None
    rolling_radius_m: PositiveFigure | None = None
    wheel_inertia_kgm2: PositiveFigure

    @field_validator("size")
    @classmethod
    def _size(cls, v: str) -> str:
        tyre_diameter_m(v)
        return v

    @model_validator(mode="after")
    def _radius(self) -> Tyres:
        r0 = tyre_diameter_m(self.size) / 2.0
        if self.rolling_radius_m is not None and not (
            0.85 * r0 <= self.rolling_radius_m.value <= 1.0 * r0
        ):
            raise ValueError(
                f"rolling_radius_m {self.rolling_radius_m.value:g} is not between 0.85 and 1.0 "
                f"times the unloaded radius of a {self.size} tyre ({r0:.3f} m)"
            )
        return self

    @property
    def radius_m(self) -> float:
        """Nominal dynamic rolling radius [m]."""
        if self.rolling_radius_m is not None:
            return self.rolling_radius_m.value
        return ROLLING_RADIUS_SHARE * tyre_diameter_m(self.size) / 2.0
