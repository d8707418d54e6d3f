"""The body: dimensions and aerodynamics."""

from __future__ import annotations

from pydantic import model_validator

from .base import SpecModel
from .figure import Figure, PositiveFigure


class Body(SpecModel):
    """Exterior dimensions and aerodynamic drag.

    Lengths are in millimetres as spec sheets give them. ``frontal_area_m2`` is the
    projected frontal area and ``drag_coefficient`` the Cd referred to it; the
    product CdA is what the road load needs. ``cg_height_mm`` (optional) is the height
    of the centre of gravity above the road at kerb mass; when absent, procedures that
    need it estimate it from the height (``evtwin.sim.chassis``).
    """

    length_mm: PositiveFigure
    width_mm: PositiveFigure
    height_mm: PositiveFigure
    wheelbase_mm: PositiveFigure
    front_overhang_mm: PositiveFigure | None = None
    rear_overhang_mm: PositiveFigure | None = None
    ground_clearance_mm: PositiveFigure | None = None
    track_front_mm: PositiveFigure | None = None
    track_rear_mm: PositiveFigure | None = None
    cg_height_mm: PositiveFigure | None = None
    frontal_area_m2: PositiveFigure
    drag_coefficient: PositiveFigure

    @model_validator(mode="after")
    def _consistent(self) -> Body:
        if self.wheelbase_mm.value >= self.length_mm.value:
            raise ValueError(
                f"wheelbase_mm ({self.wheelbase_mm.value:g}) must be shorter than "
                f"length_mm ({self.length_mm.value:g})"
            )
        if self.front_overhang_mm is not None and self.rear_overhang_mm is not None:
            total = (
                self.front_overhang_mm.value + self.wheelbase_mm.value + self.rear_overhang_mm.value
            )
            if abs(total - self.length_mm.value) > 0.02 * self.length_mm.value:
                raise ValueError(
                    "front_overhang_mm + wheelbase_mm + rear_overhang_mm "
                    f"= {total:g} mm does not match length_mm = {self.length_mm.value:g} "
                    "within 2 %"
                )
        if self.cg_height_mm is not None and self.cg_height_mm.value >= self.height_mm.value / 2:
            raise ValueError(
                f"cg_height_mm ({self.cg_height_mm.value:g}) must be below half of "
                f"height_mm ({self.height_mm.value:g})"
            )
        box = self.width_mm.value * self.height_mm.value * 1e-6
        if self.frontal_area_m2.value > box:
            raise ValueError(
                f"frontal_area_m2 ({self.frontal_area_m2.value:g}) exceeds width x height "
                f"({box:.3f} m2)"
            )
        if self.drag_coefficient.value > 1.5:
            raise ValueError(
                f"drag_coefficient {self.drag_coefficient.value:g} is not a road vehicle's"
            )
        return self

    @property
    def drag_area_m2(self) -> float:
        """Nominal CdA [m^2]."""
        return self.drag_coefficient.value * self.frontal_area_m2.value


__all__ = ["Body", "Figure"]
