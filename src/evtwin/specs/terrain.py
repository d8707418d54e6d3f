"""The shipped surface and soil tables: tyre friction on firm surfaces, Bekker-Wong soil values.

``src/evtwin/data/terrain/surfaces.yaml`` holds, per firm surface, what the Magic
Formula needs (peak friction for road and all-terrain tyres, sliding-to-peak ratio,
slip at the peak, curvature, relaxation length) and the rolling resistance, plus the
tyre-construction values the soft-soil model needs per tyre type.
``soils.yaml`` holds Bekker's pressure-sinkage values and the shear strength of each
soft soil. Every number is a :class:`~evtwin.specs.figure.Figure`: a source (a key of
the file's ``sources``) or an estimate with its basis, and a range where uncertain.

The tables are read once and cached; physics code receives plain numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from .base import SpecModel
from .errors import DataFileError, SpecError
from .figure import ESTIMATE, Figure, NonNegativeFigure, PositiveFigure, bounded
from .sources import Source
from .yaml_document import read_model

_PACKAGE = "evtwin.data.terrain"
SURFACES_FILE = "surfaces.yaml"
SOILS_FILE = "soils.yaml"

TyreType = Literal["road", "all_terrain"]

#: A friction coefficient [-]: positive, at most 1.5 (no rubber on a road does better).
FrictionFigure = Annotated[Figure, bounded(gt=0, le=1.5)]
#: A ratio strictly between 0 and 1.
OpenFractionFigure = Annotated[Figure, bounded(gt=0, lt=1)]


class TyreTerrainValues(SpecModel):
    """What a tyre construction brings to soft soil.

    Parameters
    ----------
    carcass_pressure_kpa
        Wong's carcass stiffness pressure ``p_c`` [kPa]: the ground pressure is
        inflation plus this.
    soil_shear_factor
        Share of the soil's shear strength the tread mobilises [-], in (0, 1].
    rolling_resistance_pressure_exponent
        SAE J2452 exponent of rolling resistance in inflation pressure [-], in [-1, 0].
    """

    carcass_pressure_kpa: NonNegativeFigure
    soil_shear_factor: Annotated[Figure, bounded(gt=0, le=1)]
    rolling_resistance_pressure_exponent: Annotated[Figure, bounded(ge=-1, le=0)]


class Surface(SpecModel):
    """A firm surface for the Magic Formula.

    Parameters
    ----------
    peak_mu, peak_mu_all_terrain
        Peak friction coefficient of road and of all-terrain tyres [-].
    sliding_ratio
        Sliding over peak friction [-], in (0, 1).
    slip_at_peak
        Slip ratio at the peak [-], in (0, 1).
    curvature
        Magic Formula ``E`` [-], below 1.
    relaxation_length_m
        Longitudinal relaxation length [m].
    rolling_resistance_coefficient
        Of a car tyre on this surface [-].
    """

    peak_mu: FrictionFigure
    peak_mu_all_terrain: FrictionFigure
    sliding_ratio: OpenFractionFigure
    slip_at_peak: OpenFractionFigure
    curvature: Annotated[Figure, bounded(ge=-5, lt=1)]
    relaxation_length_m: PositiveFigure
    rolling_resistance_coefficient: Annotated[Figure, bounded(gt=0, lt=0.5)]
    note: str | None = None


class SurfaceTable(SpecModel):
    """The surfaces file."""

    schema_version: Literal[1] = 1
    sources: dict[str, Source] = Field(default_factory=dict)
    tyres: dict[TyreType, TyreTerrainValues]
    surfaces: dict[str, Surface]


class Soil(SpecModel):
    """A soft soil for the Bekker-Wong model.

    Parameters
    ----------
    name
        What it is, as its source calls it.
    exponent_n
        Bekker's sinkage exponent ``n`` [-].
    k_c_kn_per_m_np1, k_phi_kn_per_m_np2
        Bekker's cohesive [kN/m^(n+1)] and frictional [kN/m^(n+2)] moduli.
    cohesion_kpa
        ``c`` [kPa].
    friction_angle_deg
        Angle of internal shearing resistance ``phi`` [deg], below 60.
    shear_modulus_m
        Janosi-Hanamoto shear deformation modulus ``K`` [m].
    relaxation_length_m
        Longitudinal relaxation length of a tyre on this soil [m].
    """

    name: str
    exponent_n: Annotated[Figure, bounded(gt=0, le=2)]
    k_c_kn_per_m_np1: NonNegativeFigure
    k_phi_kn_per_m_np2: NonNegativeFigure
    cohesion_kpa: NonNegativeFigure
    friction_angle_deg: Annotated[Figure, bounded(ge=0, lt=60)]
    shear_modulus_m: PositiveFigure
    relaxation_length_m: PositiveFigure
    note: str | None = None


class SoilTable(SpecModel):
    """The soils file."""

    schema_version: Literal[1] = 1
    sources: dict[str, Source] = Field(default_factory=dict)
    soils: dict[str, Soil]


def table_figures(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Figure]]:
    """Every figure in a model, descending into sub-models and mappings of them."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, Figure):
            yield path, value
        elif isinstance(value, BaseModel):
            yield from table_figures(value, path + ".")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel) and not isinstance(item, Source):
                    yield from table_figures(item, f"{path}.{key}.")


def _parse(text: str, file: str, model: type[SurfaceTable] | type[SoilTable]) -> BaseModel:
    table: SurfaceTable | SoilTable = read_model(text, file, model, DataFileError)
    bad = [
        f"{path}: source {fig.source!r} is not a key of sources"
        for path, fig in table_figures(table, "")
        if fig.source != ESTIMATE and fig.source not in table.sources
    ]
    if bad:
        raise SpecError(file, bad)
    return table


def parse_surface_table(text: str, file: str = "<string>") -> SurfaceTable:
    """Validate the YAML text of a surfaces file (``SpecError`` naming field and line)."""
    table = _parse(text, file, SurfaceTable)
    assert isinstance(table, SurfaceTable)
    missing = sorted({"road", "all_terrain"} - set(table.tyres))
    if missing:
        raise SpecError(file, [f"tyres: {', '.join(missing)} required but missing"])
    return table


def parse_soil_table(text: str, file: str = "<string>") -> SoilTable:
    """Validate the YAML text of a soils file (``SpecError`` naming field and line)."""
    table = _parse(text, file, SoilTable)
    assert isinstance(table, SoilTable)
    return table


def _package_text(name: str) -> str:
    return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")


@cache
def surface_table() -> SurfaceTable:
    """The shipped surfaces table, read once."""
    return parse_surface_table(_package_text(SURFACES_FILE), f"terrain/{SURFACES_FILE}")


@cache
def soil_table() -> SoilTable:
    """The shipped soils table, read once."""
    return parse_soil_table(_package_text(SOILS_FILE), f"terrain/{SOILS_FILE}")
