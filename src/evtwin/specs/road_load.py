"""Measured road load (coast-down coefficients), when a vehicle has them."""

from __future__ import annotations

import math

from pydantic import model_validator

from .base import SpecModel
from .figure import PositiveFigure


class _CoastDown(SpecModel):
    source: str
    test_mass_kg: PositiveFigure | None = None
    note: str | None = None

    def _finite(self, *values: float) -> None:
        if not all(math.isfinite(v) for v in values):
            raise ValueError("coast-down coefficients must be finite numbers")


class CoastDownKph(_CoastDown):
    """Road load ``F = f0 + f1 v + f2 v^2`` with v in km/h, as EU type approval gives it."""

    f0_n: float
    f1_n_per_kph: float
    f2_n_per_kph2: float

    @model_validator(mode="after")
    def _check(self) -> CoastDownKph:
        self._finite(self.f0_n, self.f1_n_per_kph, self.f2_n_per_kph2)
        if self.f0_n <= 0 or self.f2_n_per_kph2 <= 0:
            raise ValueError("f0_n and f2_n_per_kph2 must be positive")
        return self


class CoastDownMph(_CoastDown):
    """Road load ``F = A + B v + C v^2`` in lbf with v in mph, as the EPA Test Car List gives it."""

    target_a_lbf: float
    target_b_lbf_per_mph: float
    target_c_lbf_per_mph2: float

    @model_validator(mode="after")
    def _check(self) -> CoastDownMph:
        self._finite(self.target_a_lbf, self.target_b_lbf_per_mph, self.target_c_lbf_per_mph2)
        if self.target_a_lbf <= 0 or self.target_c_lbf_per_mph2 <= 0:
            raise ValueError("target_a_lbf and target_c_lbf_per_mph2 must be positive")
        return self


CoastDown = CoastDownKph | CoastDownMph
