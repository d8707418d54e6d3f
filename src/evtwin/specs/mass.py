"""Masses."""

from __future__ import annotations

from pydantic import model_validator

from .base import SpecModel
from .figure import FractionFigure, PositiveFigure


class Mass(SpecModel):
    """Vehicle masses.

    ``kerb_kg`` is the unladen mass ready to drive *without* a driver (the US
    curb weight and the German DIN convention). European spec sheets often quote
    the EU "mass in running order", which includes a 75 kg driver: subtract it and
    say so in the figure's basis.

    ``front_weight_fraction`` (optional) is the share of the kerb mass on the front
    axle on level ground; when absent, procedures that need it estimate it from the
    drive layout (``evtwin.sim.chassis``).
    """

    kerb_kg: PositiveFigure
    gross_kg: PositiveFigure | None = None
    front_weight_fraction: FractionFigure | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Mass:
        if self.gross_kg is not None and self.gross_kg.value <= self.kerb_kg.value:
            raise ValueError(
                f"gross_kg ({self.gross_kg.value:g}) must exceed kerb_kg ({self.kerb_kg.value:g})"
            )
        f = self.front_weight_fraction
        if f is not None and not all(
            0.25 <= x <= 0.75 for x in (f.low, f.value, f.high) if x is not None
        ):
            raise ValueError(
                f"front_weight_fraction must lie between 0.25 and 0.75, got {f.value:g} "
                f"(low {f.low}, high {f.high})"
            )
        if self.kerb_kg.value > 10000:
            raise ValueError(f"kerb_kg {self.kerb_kg.value:g} is not a passenger vehicle's")
        return self
