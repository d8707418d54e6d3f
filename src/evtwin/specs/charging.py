"""Charging: a maker's published DC charging time, and the optional inputs of the model.

Both parts are optional. A vehicle file that gives neither is charged with the
defaults that ``evtwin.sim.charge_model`` derives from the battery's chemistry and
voltage class (each default states its basis there). A maker's published DC time
(``dc_time``) describes the maker's battery-management calibration; the model may
use it to set the one free parameter of its generic taper
(``dc_model.acceptance_c_rate``) when that is not given. A maker that publishes no
such time may publish the range a DC charge adds in a given time (``dc_added``,
e.g. Tesla's "up to 241 km in 15 minutes"); that is the same kind of statement once
the range is turned into displayed state of charge with the car's own rating.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import StrictFloat, model_validator

from ..units import MILE
from .base import SpecModel
from .figure import EfficiencyFigure, Figure, NonNegativeFigure, PositiveFigure, bounded
from .ratings import Ratings

#: A cell temperature [C] within the range any lithium-ion pack is charged at.
TemperatureFigure = Annotated[Figure, bounded(ge=-40.0, le=80.0)]


class DcChargeTime(SpecModel):
    """A maker's published DC charging time between two displayed states of charge.

    Parameters
    ----------
    soc_from_pct, soc_to_pct
        The displayed state of charge [%] at the start and end (e.g. 10 and 80).
    time_min
        The published time [min], with its source.
    charger_kw
        Power of the charger the maker names for the time [kW], if it names one
        (e.g. "on a 100 kW charger"); absent means an unlimited high-power charger.
    """

    soc_from_pct: StrictFloat
    soc_to_pct: StrictFloat
    time_min: PositiveFigure
    charger_kw: StrictFloat | None = None

    @model_validator(mode="after")
    def _window(self) -> DcChargeTime:
        if not 0.0 <= self.soc_from_pct < self.soc_to_pct <= 100.0:
            raise ValueError(
                f"need 0 <= soc_from_pct < soc_to_pct <= 100, got {self.soc_from_pct:g} "
                f"and {self.soc_to_pct:g}"
            )
        if self.charger_kw is not None and not self.charger_kw > 0.0:
            raise ValueError(f"charger_kw must be > 0, got {self.charger_kw:g}")
        return self


#: A displayed state of charge in per cent.
PercentFigure = Annotated[Figure, bounded(ge=0.0, le=100.0)]


class DcRangeAdded(SpecModel):
    """A maker's published range added by a DC charge in a given time.

    Such a figure ("recover up to 241 km in 15 minutes") counts range the way the
    car's own range display does: rated range per unit of displayed state of charge.
    The range added is therefore a share of the car's rated range on the same test,
    ``range / rated_range`` of the usable window, and its energy is that share of the
    usable energy (the range times the rated consumption ``usable / rated_range``, a
    battery-side figure; the rating's own wall consumption would add the AC
    charging losses, which a DC charge does not have).

    Parameters
    ----------
    time_min
        The time the maker names [min] (e.g. 15).
    range_km, range_mi
        The range added, exactly one of the two, with its source.
    range_basis
        The rating the range is counted on: ``wltp`` (the file's
        ``ratings.wltp_range_km``) or ``epa`` (``ratings.epa_range_mi``).
    soc_from_pct
        The displayed state of charge [%] the maker starts from: the stated one, or
        an estimate with its basis where the maker does not say.
    charger_kw
        Power of the charger the maker names [kW], if it names one; absent means an
        unlimited high-power charger (the car's peak then limits).
    """

    time_min: StrictFloat
    range_km: PositiveFigure | None = None
    range_mi: PositiveFigure | None = None
    range_basis: Literal["wltp", "epa"]
    soc_from_pct: PercentFigure
    charger_kw: StrictFloat | None = None

    @model_validator(mode="after")
    def _check(self) -> DcRangeAdded:
        if (self.range_km is None) == (self.range_mi is None):
            raise ValueError("give exactly one of range_km and range_mi")
        if not (math.isfinite(self.time_min) and self.time_min > 0.0):
            raise ValueError(f"time_min must be a finite number > 0, got {self.time_min:g}")
        if not self.soc_from_pct.value < 100.0:
            raise ValueError(f"soc_from_pct must be below 100, got {self.soc_from_pct.value:g}")
        if self.charger_kw is not None and not self.charger_kw > 0.0:
            raise ValueError(f"charger_kw must be > 0, got {self.charger_kw:g}")
        return self

    @property
    def range_figure(self) -> Figure:
        """The range added as given in the file (km or miles)."""
        fig = self.range_km if self.range_km is not None else self.range_mi
        assert fig is not None  # the validator requires one
        return fig

    @property
    def range_added_m(self) -> float:
        """The range added [m]."""
        if self.range_km is not None:
            return self.range_km.value * 1e3
        return self.range_figure.value * MILE

    def rated_range_m(self, ratings: Ratings | None) -> float:
        """The car's rated range [m] on ``range_basis``, from the file's ratings.

        Raises
        ------
        ValueError
            If the file does not give that rating (the message names both fields).
        """
        if self.range_basis == "wltp":
            fig = None if ratings is None else ratings.wltp_range_km
            if fig is None:
                raise ValueError("charging.dc_added.range_basis 'wltp' needs ratings.wltp_range_km")
            return fig.value * 1e3
        fig = None if ratings is None else ratings.epa_range_mi
        if fig is None:
            raise ValueError("charging.dc_added.range_basis 'epa' needs ratings.epa_range_mi")
        return fig.value * MILE

    def share_of_window(self, ratings: Ratings | None) -> float:
        """The range added as a share of the usable window [-]."""
        return self.range_added_m / self.rated_range_m(ratings)

    def as_charge_time(self, ratings: Ratings | None) -> DcChargeTime:
        """The same statement as a :class:`DcChargeTime`: from the start, the range's
        share of the window further, in ``time_min`` (sourced as the range is).

        Raises
        ------
        ValueError
            If the rating is missing, or the range would take the charge past 100 %.
        """
        start = self.soc_from_pct.value
        end = start + 100.0 * self.share_of_window(ratings)
        unit = "range_km" if self.range_km is not None else "range_mi"
        if end > 100.0:
            raise ValueError(
                f"charging.dc_added.{unit} {self.range_figure.value:g} from "
                f"{start:g} % would end at {end:.1f} % of the {self.range_basis} range"
            )
        return DcChargeTime(
            soc_from_pct=start,
            soc_to_pct=end,
            time_min=Figure(value=self.time_min, source=self.range_figure.source),
            charger_kw=self.charger_kw,
        )


class DcChargeModel(SpecModel):
    """Optional inputs of the charging model; an absent one takes its default.

    Parameters
    ----------
    acceptance_c_rate
        Charge acceptance [1/h]: the charging C-rate the battery management allows per
        unit of free anode capacity, ``I_max = k Q (1 - x_anode)``. The one free
        parameter of the taper; by default set from ``charging.dc_time`` when the
        file gives one, else from ``charging.dc_added``, else the median of the
        makers' published times (see ``evtwin.sim.charge_model``).
    max_cell_voltage_v
        Charge cut-off voltage of one cell [V]; the constant-voltage phase holds the
        pack at this voltage times the series count.
    max_current_a
        Largest charging current the pack, its contactors and inlet accept [A].
    full_rate_temperature_c
        Cell temperature [C] from which the battery management allows its full rate.
    heat_capacity_kj_per_k
        Lumped heat capacity of the pack [kJ/K].
    cooling_power_kw
        Heat the cooling system can take from the pack [kW].
    heating_power_kw
        Heat the battery heater gives while charging a cold pack [kW].
    preconditioning_target_c
        Cell temperature [C] the car heats the pack to on the way to a fast charger.
    booster_kw
        Power of an on-board DC-DC converter that lets an 800 V pack charge from a
        400 V charger [kW]; absent means the car has none (or none is published).
    booster_efficiency
        Efficiency of that converter [-].
    """

    acceptance_c_rate: PositiveFigure | None = None
    max_cell_voltage_v: PositiveFigure | None = None
    max_current_a: PositiveFigure | None = None
    full_rate_temperature_c: TemperatureFigure | None = None
    heat_capacity_kj_per_k: PositiveFigure | None = None
    cooling_power_kw: NonNegativeFigure | None = None
    heating_power_kw: NonNegativeFigure | None = None
    preconditioning_target_c: TemperatureFigure | None = None
    booster_kw: PositiveFigure | None = None
    booster_efficiency: EfficiencyFigure | None = None

    @model_validator(mode="after")
    def _cell_voltage(self) -> DcChargeModel:
        v = self.max_cell_voltage_v
        if v is not None and not 3.0 <= v.value <= 5.0:
            raise ValueError(
                f"max_cell_voltage_v {v.value:g} V is not a lithium-ion cell's (3-5 V)"
            )
        return self
