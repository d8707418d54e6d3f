"""A figure: one number from a vehicle file, with where it came from and how sure we are.

Every number in a vehicle file is a :class:`Figure`. It carries its nominal
``value``, the ``source`` it came from (a key of the file's ``sources`` table,
or ``estimate``), the ``basis`` of an estimate, and, where the number is
uncertain, a ``low``/``high`` range around the nominal value.

Physical bounds (a mass is positive, an efficiency is at most 1) are attached
to the field that holds the figure with :func:`bounded`, so the same
:class:`Figure` type serves every quantity and an error names the field.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictFloat, model_validator

#: The source key that marks an estimate; such a figure must state its ``basis``.
ESTIMATE = "estimate"

Corner = Literal["low", "nominal", "high"]


class Figure(BaseModel):
    """A number with its source and, where uncertain, its range.

    Parameters
    ----------
    value
        The nominal value, in the unit named by the field that holds it.
    source
        A key of the vehicle file's ``sources`` table, or ``"estimate"``.
    low, high
        The plausible range. Both or neither; ``low <= value <= high``.
    basis
        How an estimate was made (required when ``source`` is ``"estimate"``).
    note
        Anything else a reader should know.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: StrictFloat
    source: str
    low: StrictFloat | None = None
    high: StrictFloat | None = None
    basis: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Figure:
        for name in ("value", "low", "high"):
            x = getattr(self, name)
            if x is not None and not math.isfinite(x):
                raise ValueError(f"{name} must be a finite number, got {x}")
        if (self.low is None) != (self.high is None):
            raise ValueError("give both low and high, or neither")
        if (
            self.low is not None
            and self.high is not None
            and not (self.low <= self.value <= self.high)
        ):
            raise ValueError(
                f"need low <= value <= high, got low={self.low}, value={self.value}, "
                f"high={self.high}"
            )
        if not self.source.strip():
            raise ValueError("source must not be empty")
        if self.source == ESTIMATE and not (self.basis and self.basis.strip()):
            raise ValueError("an estimate must state its basis")
        return self

    @property
    def uncertain(self) -> bool:
        """True when the figure has a range wider than a point."""
        return self.low is not None and self.high is not None and self.high > self.low

    def at(self, corner: Corner) -> float:
        """The value at a corner of the range (the nominal value when there is no range)."""
        if corner == "low" and self.low is not None:
            return self.low
        if corner == "high" and self.high is not None:
            return self.high
        return self.value

    def with_value(self, value: float) -> Figure:
        """A copy with a new nominal value, its range widened if needed to contain it."""
        low = None if self.low is None else min(self.low, value)
        high = None if self.high is None else max(self.high, value)
        return self.model_copy(update={"value": value, "low": low, "high": high})


def bounded(
    *,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
) -> AfterValidator:
    """A validator that holds ``value``, ``low`` and ``high`` of a figure within bounds."""

    def check(fig: Figure) -> Figure:
        for name in ("value", "low", "high"):
            x = getattr(fig, name)
            if x is None:
                continue
            if gt is not None and not x > gt:
                raise ValueError(f"{name} must be > {gt:g}, got {x:g}")
            if ge is not None and not x >= ge:
                raise ValueError(f"{name} must be >= {ge:g}, got {x:g}")
            if lt is not None and not x < lt:
                raise ValueError(f"{name} must be < {lt:g}, got {x:g}")
            if le is not None and not x <= le:
                raise ValueError(f"{name} must be <= {le:g}, got {x:g}")
        return fig

    return AfterValidator(check)


#: A strictly positive quantity (a mass, a length, a power).
PositiveFigure = Annotated[Figure, bounded(gt=0)]
#: A quantity that may be zero but not negative (a drag torque, an auxiliary load).
NonNegativeFigure = Annotated[Figure, bounded(ge=0)]
#: A fraction in [0, 1] (a state of charge).
FractionFigure = Annotated[Figure, bounded(ge=0, le=1)]
#: An efficiency in (0, 1].
EfficiencyFigure = Annotated[Figure, bounded(gt=0, le=1)]
