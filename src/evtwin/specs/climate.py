"""Climate control: how the car heats and cools its cabin.

Only ``heat_pump`` is normally published. The cabin's thermal figures are rarely
published; when a file leaves them out, ``evtwin.sim.cabin`` estimates them from
the body's size (the basis is stated there), so a file need only say whether the
car has a heat pump and cite where that comes from.
"""

from __future__ import annotations

from pydantic import model_validator

from .base import SpecModel
from .figure import ESTIMATE, NonNegativeFigure, PositiveFigure


class Flag(SpecModel):
    """A yes/no fact with its source, like a :class:`~evtwin.specs.figure.Figure`."""

    value: bool
    source: str
    basis: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _basis(self) -> Flag:
        if not self.source.strip():
            raise ValueError("source must not be empty")
        if self.source == ESTIMATE and not (self.basis and self.basis.strip()):
            raise ValueError("an estimate must state its basis")
        return self


class Climate(SpecModel):
    """The cabin's heating and cooling hardware and, optionally, its thermal figures.

    Parameters
    ----------
    heat_pump
        Whether the cabin is heated by a heat pump (with a resistive heater behind it
        for the coldest weather) or by a resistive (PTC) heater only.
    heater_max_kw
        Most heat the system can put into the cabin [kW, thermal].
    cooling_max_kw
        Most heat the air conditioner can take out [kW, thermal].
    cabin_conductance_w_per_k
        ``UA`` of body and glazing [W/K].
    cabin_heat_capacity_kj_per_k
        Heat capacity of cabin air, seats and trim that warms with it [kJ/K].
    glazing_area_m2
        Window and glass-roof area the sun shines through [m^2].
    blower_w
        Fan and controls while the system runs [W, electrical].
    """

    heat_pump: Flag
    heater_max_kw: PositiveFigure | None = None
    cooling_max_kw: PositiveFigure | None = None
    cabin_conductance_w_per_k: PositiveFigure | None = None
    cabin_heat_capacity_kj_per_k: PositiveFigure | None = None
    glazing_area_m2: PositiveFigure | None = None
    blower_w: NonNegativeFigure | None = None
