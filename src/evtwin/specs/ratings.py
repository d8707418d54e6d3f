"""What has been published about a vehicle's results: official ratings and press claims."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import model_validator

from .base import SpecModel
from .figure import Figure, PositiveFigure, bounded

#: The factor a label applies to unadjusted dyno results: 0.7 by the two-cycle rule;
#: a maker certifying by five-cycle testing gets its own (label / unadjusted on
#: fueleconomy.gov), always between 0.5 and 1.
LabelFactorFigure = Annotated[Figure, bounded(gt=0.5, lt=1.0)]


class Ratings(SpecModel):
    """Official (or maker-published) results, the references the twin is checked against.

    Consumption figures are AC (from the wall), as the regulations define them.
    ``epa_label_factor`` is the adjustment the published EPA label applied (see
    ``LabelFactorFigure``); give it where a maker did not use the two-cycle 0.7.
    """

    wltp_range_km: PositiveFigure | None = None
    wltp_city_range_km: PositiveFigure | None = None
    wltp_consumption_kwh_per_100km: PositiveFigure | None = None
    epa_range_mi: PositiveFigure | None = None
    epa_city_kwh_per_100mi: PositiveFigure | None = None
    epa_highway_kwh_per_100mi: PositiveFigure | None = None
    epa_combined_kwh_per_100mi: PositiveFigure | None = None
    epa_label_factor: LabelFactorFigure | None = None
    top_speed_kph: PositiveFigure | None = None
    accel_0_100_kph_s: PositiveFigure | None = None
    accel_0_60_mph_s: PositiveFigure | None = None


ClaimQuantity = Literal[
    "range_mi",
    "range_km",
    "price_gbp",
    "usable_energy_kwh",
    "gross_energy_kwh",
    "length_mm",
    "width_mm",
    "height_mm",
    "dc_peak_kw",
]
ClaimTest = Literal["unspecified", "wltp", "epa", "real_world"]


class Claim(SpecModel):
    """A published statement about a figure, kept to be checked rather than assumed.

    Parameters
    ----------
    id
        Short slug, unique within the file.
    quantity
        What the claim is about, with its unit.
    low, high
        The claimed interval (either may be open).
    test
        The test the claim refers to, where it says (``unspecified`` when it does not).
    source
        Key of the file's ``sources`` table.
    text
        The claim in the source's words, or a close paraphrase.
    """

    id: str
    quantity: ClaimQuantity
    low: float | None = None
    high: float | None = None
    test: ClaimTest = "unspecified"
    source: str
    text: str

    @model_validator(mode="after")
    def _interval(self) -> Claim:
        if self.low is None and self.high is None:
            raise ValueError("a claim needs low, high, or both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low:g}) exceeds high ({self.high:g})")
        return self
