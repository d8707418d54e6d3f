"""A trailer as a configuration gives it, checked, and handed to the performance code.

A trailer is given by the user (a configuration file's ``trailer:`` mapping) or by
name from the shipped presets (``src/evtwin/data/trailers/presets.yaml``, whose
figures carry sources and ranges like a vehicle file's). Either way the result is
a :class:`Trailer` of plain numbers at their nominal values, with the two things the
configurator needs besides physics (a name, and whether it has brakes, which picks
the tow bar's limit); :meth:`Trailer.to_sim` gives the
:class:`evtwin.sim.trailer.Trailer` that the performance and towing-range code run.

``drag_coefficient`` is the drag the trailer *adds* to the towing car's, referred
to the trailer's own frontal area: a trailer partly shielded by the car adds less
than it would alone, and that is what a combination's road load needs. The trailer
rolls on its own tyres (``rolling_resistance_coefficient`` on its whole mass; the
share carried by the tow ball is neglected).
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field, field_validator

from ..sim import trailer as sim_trailer
from ..specs.base import SpecModel
from ..specs.figure import ESTIMATE, Figure
from ..specs.sources import Source
from ._files import package_text, read_yaml, validate
from .errors import ConfigError

_PACKAGE = "evtwin.data.trailers"
_PRESETS = "presets.yaml"

#: The heaviest trailer a car may tow (a B+E licence in the UK and EU) [kg].
MAX_TRAILER_MASS_KG = 3500.0


class Trailer(SpecModel):
    """A towed trailer at its nominal figures.

    Parameters
    ----------
    name
        What it is.
    mass_kg
        Gross mass as towed (trailer and load) [kg], 0-3500.
    frontal_area_m2
        Projected frontal area [m^2].
    drag_coefficient
        Drag added to the car's, referred to ``frontal_area_m2`` [-].
    rolling_resistance_coefficient
        Crr of the trailer's tyres [-].
    braked
        True for a trailer with its own (overrun) brakes: the tow bar's braked limit
        applies, otherwise its unbraked one.
    tongue_load_fraction, hitch_height_m
        Optional; the performance code's defaults (7 % nose load, 0.40 m ball height)
        when omitted.
    """

    name: str = "trailer"
    mass_kg: float
    frontal_area_m2: float
    drag_coefficient: float
    rolling_resistance_coefficient: float
    braked: bool = True
    tongue_load_fraction: float | None = None
    hitch_height_m: float | None = None

    @field_validator("mass_kg")
    @classmethod
    def _mass(cls, v: float) -> float:
        return _within(v, 50.0, MAX_TRAILER_MASS_KG, "kg")

    @field_validator("frontal_area_m2")
    @classmethod
    def _area(cls, v: float) -> float:
        # 2.55 m wide x 4 m tall is the largest a road trailer may be.
        return _within(v, 0.1, 10.2, "m2")

    @field_validator("drag_coefficient")
    @classmethod
    def _cd(cls, v: float) -> float:
        return _within(v, 0.0, 1.5, "")

    @field_validator("rolling_resistance_coefficient")
    @classmethod
    def _crr(cls, v: float) -> float:
        return _within(v, 0.003, 0.05, "")

    @field_validator("tongue_load_fraction")
    @classmethod
    def _tongue(cls, v: float | None) -> float | None:
        return None if v is None else _within(v, 0.0, 0.25, "")

    @field_validator("hitch_height_m")
    @classmethod
    def _hitch(cls, v: float | None) -> float | None:
        return None if v is None else _within(v, 0.2, 1.0, "m")

    def to_sim(self) -> sim_trailer.Trailer:
        """The trailer as the performance and towing-range code take it."""
        extra = {
            k: v
            for k, v in (
                ("tongue_load_fraction", self.tongue_load_fraction),
                ("hitch_height_m", self.hitch_height_m),
            )
            if v is not None
        }
        return sim_trailer.Trailer(
            mass_kg=self.mass_kg,
            frontal_area_m2=self.frontal_area_m2,
            drag_coefficient=self.drag_coefficient,
            rolling_resistance_coefficient=self.rolling_resistance_coefficient,
            **extra,
        )

    @property
    def drag_area_m2(self) -> float:
        """Drag area the trailer adds [m^2]."""
        return self.drag_coefficient * self.frontal_area_m2

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, unit-suffixed."""
        return {**self.model_dump(), "drag_area_m2": self.drag_area_m2}


def _within(v: float, lo: float, hi: float, unit: str) -> float:
    if not (math.isfinite(v) and lo <= v <= hi):
        raise ValueError(f"must be from {lo:g} to {hi:g}{' ' + unit if unit else ''}, got {v:g}")
    return v


class TrailerPreset(SpecModel):
    """A shipped trailer, each figure with its source and range."""

    id: str
    name: str
    braked: bool
    mass_kg: Figure
    frontal_area_m2: Figure
    drag_coefficient: Figure
    rolling_resistance_coefficient: Figure
    note: str | None = None

    def trailer(self) -> Trailer:
        """The preset at its nominal figures."""
        return Trailer(
            name=self.name,
            mass_kg=self.mass_kg.value,
            frontal_area_m2=self.frontal_area_m2.value,
            drag_coefficient=self.drag_coefficient.value,
            rolling_resistance_coefficient=self.rolling_resistance_coefficient.value,
            braked=self.braked,
        )


class TrailerPresets(SpecModel):
    """The presets file."""

    schema_version: int = 1
    sources: dict[str, Source] = Field(default_factory=dict)
    presets: tuple[TrailerPreset, ...]


def trailer_presets() -> dict[str, TrailerPreset]:
    """The shipped trailer presets by id."""
    text = package_text(_PACKAGE, _PRESETS)
    assert text is not None, "the trailer presets ship with evtwin"
    file = f"trailers/{_PRESETS}"
    data, locate = read_yaml(text, file, "trailer presets")
    presets = validate(TrailerPresets, data, file, "trailer presets", locate)
    bad = [
        f"presets[{p.id}].{n}: source {f.source!r} is not a key of sources"
        for p in presets.presets
        for n in (
            "mass_kg",
            "frontal_area_m2",
            "drag_coefficient",
            "rolling_resistance_coefficient",
        )
        if (f := getattr(p, n)).source != ESTIMATE and f.source not in presets.sources
    ]
    if bad:
        raise ConfigError(file, bad, "trailer presets")
    out = {p.id: p for p in presets.presets}
    for p in out.values():
        p.trailer()  # every preset must make a valid trailer
    return out


def trailer_preset(name: str) -> Trailer:
    """A shipped trailer by id (``KeyError`` listing the presets if there is none)."""
    presets = trailer_presets()
    if name not in presets:
        raise KeyError(f"no trailer preset {name!r}; presets: {', '.join(sorted(presets))}")
    return presets[name].trailer()


__all__ = ["MAX_TRAILER_MASS_KG", "Trailer", "TrailerPreset", "trailer_preset", "trailer_presets"]
