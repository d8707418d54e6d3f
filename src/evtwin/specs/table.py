"""Tabulated data in a vehicle file (curves and maps), each with its source."""

from __future__ import annotations

import itertools
import math

from pydantic import model_validator

from .base import SpecModel
from .figure import ESTIMATE


class _Sourced(SpecModel):
    source: str
    basis: str | None = None

    @model_validator(mode="after")
    def _basis(self) -> _Sourced:
        if self.source == ESTIMATE and not (self.basis and self.basis.strip()):
            raise ValueError("an estimate must state its basis")
        return self


def _check_axis(name: str, axis: tuple[float, ...], *, min_len: int = 2) -> None:
    if len(axis) < min_len:
        raise ValueError(f"{name} needs at least {min_len} points, got {len(axis)}")
    if not all(math.isfinite(x) for x in axis):
        raise ValueError(f"{name} must hold finite numbers")
    if any(b <= a for a, b in itertools.pairwise(axis)):
        raise ValueError(f"{name} must be strictly increasing")


class Curve(_Sourced):
    """A one-dimensional table ``y(x)``, linearly interpolated, held at its end values."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    @model_validator(mode="after")
    def _shape(self) -> Curve:
        _check_axis("x", self.x)
        if len(self.y) != len(self.x):
            raise ValueError(f"y has {len(self.y)} points but x has {len(self.x)}")
        if not all(math.isfinite(v) for v in self.y):
            raise ValueError("y must hold finite numbers")
        return self


class OcvCurve(_Sourced):
    """Pack open-circuit voltage against state of charge (fraction of gross capacity)."""

    soc: tuple[float, ...]
    voltage_v: tuple[float, ...]

    @model_validator(mode="after")
    def _shape(self) -> OcvCurve:
        _check_axis("soc", self.soc)
        if self.soc[0] > 0.0 or self.soc[-1] < 1.0:
            raise ValueError("soc must span 0 to 1")
        if self.soc[0] < 0.0 or self.soc[-1] > 1.0:
            raise ValueError("soc must lie within 0 and 1")
        if len(self.voltage_v) != len(self.soc):
            raise ValueError(
                f"voltage_v has {len(self.voltage_v)} points but soc has {len(self.soc)}"
            )
        if any(not (v > 0 and math.isfinite(v)) for v in self.voltage_v):
            raise ValueError("voltage_v must be positive")
        if any(b < a for a, b in zip(self.voltage_v, self.voltage_v[1:], strict=False)):
            raise ValueError("voltage_v must not fall as soc rises")
        return self


class Map2D(_Sourced):
    """A two-dimensional table ``z[i][j]`` over axes ``x[i]`` and ``y[j]``."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    z: tuple[tuple[float, ...], ...]

    @model_validator(mode="after")
    def _shape(self) -> Map2D:
        _check_axis("x", self.x)
        _check_axis("y", self.y)
        if len(self.z) != len(self.x) or any(len(row) != len(self.y) for row in self.z):
            raise ValueError(
                f"z must have {len(self.x)} rows (one per x) of {len(self.y)} values (one per y)"
            )
        if not all(math.isfinite(v) for row in self.z for v in row):
            raise ValueError("z must hold finite numbers")
        return self
