"""Auxiliary load, charging hardware and price."""

from __future__ import annotations

from .base import SpecModel
from .charging import DcChargeModel, DcChargeTime, DcRangeAdded
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
    ``dc_time`` is the maker's published DC charging time, where there is one;
    ``dc_added`` the maker's published range added by a DC charge in a given time
    (used where there is no ``dc_time``); and ``dc_model`` holds optional inputs of
    the charging model (``specs/charging.py``).
    """

    ac_max_kw: PositiveFigure
    ac_efficiency: EfficiencyFigure
    dc_peak_kw: PositiveFigure | None = None
    dc_time: DcChargeTime | None = None
    dc_added: DcRangeAdded | None = None
    dc_model: DcChargeModel | None = None


class Price(SpecModel):
    """List prices of the base car, in the markets where it is sold."""

    base_gbp: PositiveFigure | None = None
    base_eur: PositiveFigure | None = None
    base_usd: PositiveFigure | None = None
