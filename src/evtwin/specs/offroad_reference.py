"""Reference off-road vehicles the EV schema cannot hold (mechanical four-wheel drive).

The Land Rover Defender 90 and 110 are the yardsticks for the Defender Sport's
off-road capability: their published approach, breakover and departure angles check
the geometry model, and their mass, wheelbase, track and tyres describe the
mechanical-4WD reference architecture. A file in ``src/evtwin/data/offroad/`` holds
one body (both suspensions); the air suspension's heights and the coil car's single
height are ride-height modes of one profile.
"""

from __future__ import annotations

from importlib import resources
from typing import Literal

import yaml
from pydantic import field_validator, model_validator

from .base import SpecModel
from .errors import DataFileError
from .figure import ESTIMATE, Figure, FractionFigure, PositiveFigure
from .geometry import Geometry
from .sources import Source
from .tyre import ROLLING_RADIUS_SHARE, tyre_diameter_m
from .walk import iter_sourced
from .yaml_document import read_model

_PACKAGE = "evtwin.data.offroad"


class PublishedGeometry(SpecModel):
    """A maker's published off-road figures at one ride height: the validation targets.

    Parameters
    ----------
    mode
        The ride-height mode (one of the geometry's modes).
    approach_deg, breakover_deg, departure_deg
        Published angles [deg]; absent where not published.
    ground_clearance_mm
        Published ground clearance at that height [mm].
    wading_depth_mm
        Published wading depth with this suspension [mm].
    """

    mode: str
    approach_deg: Figure | None = None
    breakover_deg: Figure | None = None
    departure_deg: Figure | None = None
    ground_clearance_mm: PositiveFigure | None = None
    wading_depth_mm: PositiveFigure | None = None


class OffroadReference(SpecModel):
    """A mechanical-4WD reference vehicle: dimensions, mass, geometry and published angles.

    Lengths in millimetres, as spec sheets give them; ``length_mm`` excludes a
    tailgate-mounted spare wheel. ``drivetrain`` describes the driveline in words (the
    off-road vehicle model reads its parts from its own configuration).
    """

    schema_version: Literal[1] = 1
    id: str
    name: str
    make: str
    model: str
    variant: str | None = None
    model_year: int
    notes: str | None = None
    sources: dict[str, Source]
    drivetrain: str
    length_mm: PositiveFigure
    wheelbase_mm: PositiveFigure
    front_overhang_mm: PositiveFigure
    rear_overhang_mm: PositiveFigure
    width_mm: PositiveFigure
    height_mm: PositiveFigure
    track_front_mm: PositiveFigure
    track_rear_mm: PositiveFigure
    kerb_kg: PositiveFigure
    front_weight_fraction: FractionFigure
    cg_height_mm: PositiveFigure
    tyre_size: str
    geometry: Geometry
    published: tuple[PublishedGeometry, ...] = ()

    @field_validator("tyre_size")
    @classmethod
    def _size(cls, v: str) -> str:
        tyre_diameter_m(v)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> OffroadReference:
        total = self.front_overhang_mm.value + self.wheelbase_mm.value + self.rear_overhang_mm.value
        if abs(total - self.length_mm.value) > 0.02 * self.length_mm.value:
            raise ValueError(
                f"overhangs + wheelbase = {total:g} mm does not match length_mm "
                f"{self.length_mm.value:g} within 2 %"
            )
        modes = self.geometry.mode_names
        for p in self.published:
            if p.mode not in modes:
                raise ValueError(f"published mode {p.mode!r} is not one of {', '.join(modes)}")
        for path, key in iter_sourced(self):
            if path.startswith("sources.") or key == ESTIMATE:
                continue
            if key not in self.sources:
                raise ValueError(f"{path}.source {key!r} is not a key of sources nor 'estimate'")
        return self

    @property
    def tyre_radius_m(self) -> float:
        """Nominal rolling radius of the tyre size [m] (the EV schema's convention)."""
        return ROLLING_RADIUS_SHARE * tyre_diameter_m(self.tyre_size) / 2.0


def reference_names() -> list[str]:
    """Ids of the shipped reference vehicles, sorted.

    The folder also holds other off-road data (``architectures.yaml``); a reference is
    a file that names itself with an ``id`` and gives a ``wheelbase_mm``.
    """
    out = []
    for f in resources.files(_PACKAGE).iterdir():
        if not f.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "id" in data and "wheelbase_mm" in data:
            out.append(f.name.removesuffix(".yaml"))
    return sorted(out)


def load_reference(name: str) -> OffroadReference:
    """A shipped reference vehicle by id (``"defender-110"``).

    Raises
    ------
    FileNotFoundError
        If there is no such reference.
    SpecError
        If its file is malformed.
    """
    res = resources.files(_PACKAGE).joinpath(f"{name}.yaml")
    if not res.is_file():
        raise FileNotFoundError(
            f"no reference vehicle {name!r}; references: {', '.join(reference_names())}"
        )
    file = f"offroad/{name}.yaml"
    ref = read_model(res.read_text(encoding="utf-8"), file, OffroadReference, DataFileError)
    if ref.id != name:
        raise DataFileError(file, [f"id: {ref.id!r} does not match the file name"])
    return ref


__all__ = ["OffroadReference", "PublishedGeometry", "load_reference", "reference_names"]
