"""Drivetrain architectures compared off road: what drives each axle, and what locks.

The vehicle file gives the car (mass, body, tyres, motors); an architecture adds the
off-road hardware the vehicle schema has no field for: differentials and lockers, a
centre differential and low range for a mechanical four-wheel drive, the brakes'
thermal mass, the tyre type used off road, the wading depth, and whether Terrain
Response modes exist. A mechanical reference that is not an evtwin vehicle (the
Defender 110) carries its own chassis block.

Files: ``evtwin/data/offroad/architectures.yaml``, read by :func:`load_architectures`.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Literal

from pydantic import model_validator

from .base import SpecModel
from .errors import DataFileError
from .figure import ESTIMATE, Figure, PositiveFigure, bounded
from .sources import Source
from .walk import iter_sourced
from .yaml_document import read_model

_PACKAGE = "evtwin.data.offroad"
_FILE = "architectures.yaml"

Drive = Literal["twin_motor", "single_axle_motor", "mechanical"]
Differential = Literal["open", "e_locker", "locker"]
Centre = Literal["none", "open_lockable"]
OffroadTyre = Literal["road", "all_terrain"]

#: A torque-bias ratio of an open differential: 1 frictionless [-].
BiasFigure = Annotated[Figure, bounded(ge=1.0, le=2.0)]
#: A time constant [s].
LagFigure = Annotated[Figure, bounded(gt=0.0, le=2.0)]


class Brakes(SpecModel):
    """Friction brakes, per wheel.

    Parameters
    ----------
    max_torque_nm
        Brake torque at full line pressure, one wheel [N m].
    lag_s
        Time constant of brake torque following its command (hydraulic build-up) [s].
    disc_mass_kg
        Mass of the disc that stores the heat (lumped) [kg].
    cooling_w_per_k
        Heat loss to the air per kelvin above ambient at crawling speed [W/K].
    fade_start_c, fade_end_c
        Disc temperatures between which the pad friction falls from full to
        ``fade_floor`` of full [C].
    fade_floor
        Share of brake torque left at ``fade_end_c`` and above [-].
    """

    max_torque_nm: PositiveFigure
    lag_s: LagFigure
    disc_mass_kg: PositiveFigure
    cooling_w_per_k: PositiveFigure
    fade_start_c: PositiveFigure
    fade_end_c: PositiveFigure
    fade_floor: Annotated[Figure, bounded(gt=0.0, le=1.0)]

    @model_validator(mode="after")
    def _order(self) -> Brakes:
        if self.fade_end_c.value <= self.fade_start_c.value:
            raise ValueError("fade_end_c must exceed fade_start_c")
        return self


class MechanicalDrive(SpecModel):
    """One power source through a gearbox, transfer case and centre differential.

    Parameters
    ----------
    peak_power_kw
        Engine power [kW].
    engine_torque_nm
        Engine peak torque [N m].
    engine_inertia_kgm2
        Inertia turning rigidly with the wheels at crawl: the torque converter's
        turbine and the gearbox input (the engine itself is fluid-coupled through the
        unlocked converter) [kg m^2].
    wheel_torque_high_nm, wheel_torque_low_nm
        Largest total torque at the wheels in first gear, high and low range [N m]
        (engine peak torque x first gear x transfer ratio x final drive x efficiency).
    low_range_ratio
        Transfer-case low-range reduction [-].
    torque_lag_s
        Time constant of engine torque following the pedal at crawling speed [s].
    centre_locker_torque_nm
        Torque the centre differential's locking clutch can carry between the axles
        [N m at the wheels].
    front_torque_share
        Open centre differential's torque split to the front [-].
    """

    peak_power_kw: PositiveFigure
    engine_torque_nm: PositiveFigure
    engine_inertia_kgm2: PositiveFigure
    wheel_torque_high_nm: PositiveFigure
    wheel_torque_low_nm: PositiveFigure
    low_range_ratio: PositiveFigure
    torque_lag_s: LagFigure
    centre_locker_torque_nm: PositiveFigure
    front_torque_share: Annotated[Figure, bounded(gt=0.0, lt=1.0)]


class ReferenceChassis(SpecModel):
    """The chassis of a reference vehicle that has no evtwin vehicle file."""

    kerb_kg: PositiveFigure
    wheelbase_mm: PositiveFigure
    track_mm: PositiveFigure
    cg_height_mm: PositiveFigure
    front_weight_fraction: Annotated[Figure, bounded(gt=0.25, lt=0.75)]
    tyre_size: str
    tyre_width_mm: PositiveFigure
    rolling_radius_m: PositiveFigure
    wheel_inertia_kgm2: PositiveFigure


class Architecture(SpecModel):
    """One drivetrain architecture in the off-road comparison.

    Parameters
    ----------
    id, name
        Slug and display name.
    vehicle
        The evtwin vehicle id it is built on; absent for a reference with ``chassis``.
    reference
        Id of the geometry helper's reference (``defender-110``) whose published mass,
        wheelbase, track, centre of gravity and tyres replace ``chassis`` when evtwin
        provides it.
    chassis
        The chassis when there is no vehicle file.
    drive
        ``twin_motor`` (one motor per axle, no mechanical link between the axles),
        ``mechanical`` (one engine through a centre differential).
    front_differential, rear_differential
        ``open``, ``e_locker`` (a clutch with ``locker_torque_nm``) or ``locker``
        (a dog clutch: locks fully).
    locker_torque_nm
        Torque an e-locker's clutch carries between the two wheels of its axle [N m].
    differential_bias_ratio
        Torque-bias ratio of the open differentials (friction) [-].
    mechanical
        The engine drive, for ``mechanical``.
    brakes
        The friction brakes.
    tyre_type
        The tyre model used off road (the ground model's road or all-terrain tyre).
    tyre_width_mm
        Section width of the tyre [mm]; from the vehicle's tyre size when absent.
    terrain_response
        True if the car has off-road modes (Terrain Response); False: Comfort only.
    wading_depth_mm
        Maker's wading depth at normal ride height [mm].
    air_suspension
        True if the ride height can change with the mode.
    """

    id: str
    name: str
    vehicle: str | None = None
    reference: str | None = None
    chassis: ReferenceChassis | None = None
    drive: Drive
    front_differential: Differential
    rear_differential: Differential
    locker_torque_nm: PositiveFigure | None = None
    differential_bias_ratio: BiasFigure
    mechanical: MechanicalDrive | None = None
    brakes: Brakes
    tyre_type: OffroadTyre
    tyre_width_mm: PositiveFigure | None = None
    terrain_response: bool
    wading_depth_mm: PositiveFigure
    air_suspension: bool
    note: str | None = None
    #: A known weakness of this architecture's model, printed beside its results.
    limitation: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Architecture:
        if (self.vehicle is None) == (self.chassis is None):
            raise ValueError("give either vehicle or chassis, not both or neither")
        if (self.drive == "mechanical") != (self.mechanical is not None):
            raise ValueError("a mechanical drive needs the mechanical block, and only it")
        if "e_locker" in (self.front_differential, self.rear_differential) and (
            self.locker_torque_nm is None
        ):
            raise ValueError("an e_locker needs locker_torque_nm")
        return self


class ArchitectureFile(SpecModel):
    """The architectures file: its sources and the architectures in order."""

    schema_version: Literal[1] = 1
    sources: dict[str, Source]
    architectures: tuple[Architecture, ...]

    @model_validator(mode="after")
    def _sources(self) -> ArchitectureFile:
        for path, key in iter_sourced(self):
            if path.startswith("sources."):
                continue
            if key != ESTIMATE and key not in self.sources:
                raise ValueError(f"{path}.source {key!r} is not a key of sources nor 'estimate'")
        ids = [a.id for a in self.architectures]
        if len(set(ids)) != len(ids):
            raise ValueError("architecture ids must be unique")
        return self


def parse_architectures(text: str, file: str = "<string>") -> ArchitectureFile:
    """Validate the YAML text of an architectures file (:class:`SpecError` if wrong)."""
    return read_model(text, file, ArchitectureFile, DataFileError)


def load_architectures() -> ArchitectureFile:
    """The shipped architectures."""
    res = resources.files(_PACKAGE).joinpath(_FILE)
    return parse_architectures(res.read_text(encoding="utf-8"), _FILE)


__all__ = [
    "Architecture",
    "ArchitectureFile",
    "Brakes",
    "MechanicalDrive",
    "ReferenceChassis",
    "load_architectures",
    "parse_architectures",
]
