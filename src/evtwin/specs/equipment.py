"""Auxiliary load, charging hardware and price."""

from __future__ import annotations

from .base import SpecModel
from .figure import EfficiencyFigure, NonNegativeFigure, PositiveFigure


class Auxiliary(SpecModel):
    """Electrical loads besides traction with climate control off.

    ``base_load_w`` is the low-voltage network (controllers, lights, pumps, fans) as
    drawn from the traction battery through the DC-DC converter.
    """

    base_load_w: NonNegativeFigure


class Charging(SpecModel):
    """Charging hardware.

    ``ac_efficiency`` is the share of wall (AC) energy that reaches the battery
    terminals on a Level 2 / 7-11 kW charge, counting the on-board charger and the
    loads that run while charging; battery resistance losses are modelled apart.
    """

    ac_max_kw: PositiveFigure
    ac_efficiency: EfficiencyFigure
    dc_peak_kw: PositiveFigure | None = None


class Price(SpecModel):
    """List prices of the base car, in the markets where it is sold."""

    base_gbp: PositiveFigure | None = None
    base_eur: PositiveFigure | None = None
    base_usd: PositiveFigure | None = None
