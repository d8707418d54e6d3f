"""Terrain Response calibrations: one table per driving mode, and the Auto classifier's.

A mode is the car's software, not its hardware: the same motors, brakes and lockers
behave differently because a table says so. Each table sets the pedal map, the slip
the traction control aims for, how early and how hard the brakes transfer torque
across an axle, when the lockers close, the torque split, the ride height, and the
speeds of hill-descent and crawl control. Every number is an estimate (makers do not
publish their calibrations), so each is a :class:`~evtwin.specs.figure.Figure` with
its basis and range.

Files live in ``evtwin/data/terrain_response/<id>.yaml``; :func:`load_mode` reads one
and :class:`SpecError` names the file, the field and its line when it is wrong.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import ValidationError, model_validator

from .base import SpecModel
from .errors import DataFileError
from .figure import ESTIMATE, Figure, PositiveFigure, bounded
from .yaml_document import read_document, validation_problems

_PACKAGE = "evtwin.data.terrain_response"

ModeId = Literal["comfort", "grass_gravel_snow", "mud_ruts", "sand", "rock_crawl", "wade", "auto"]
#: The modes a driver can select, Auto last; Auto runs one of the others.
MODE_IDS: tuple[str, ...] = (
    "comfort",
    "grass_gravel_snow",
    "mud_ruts",
    "sand",
    "rock_crawl",
    "wade",
    "auto",
)
#: The modes Auto may choose.
FIXED_MODE_IDS: tuple[str, ...] = MODE_IDS[:-1]

LockerPolicy = Literal["open", "on_slip", "locked"]

#: A slip ratio the traction control may aim for [-].
SlipFigure = Annotated[Figure, bounded(gt=0.0, le=1.0)]
#: A share [0, 1].
ShareFigure = Annotated[Figure, bounded(ge=0.0, le=1.0)]
#: A pedal-map exponent: 1 linear, above 1 progressive (gentle at small pedal).
ExponentFigure = Annotated[Figure, bounded(ge=0.3, le=4.0)]
#: A ride-height change from the normal height [mm] (air suspension range).
RideFigure = Annotated[Figure, bounded(ge=-80.0, le=120.0)]


class ModeCalibration(SpecModel):
    """The calibration table of one Terrain Response mode (all figures estimates).

    Parameters
    ----------
    id, name
        Slug (``sand``) and display name (``Sand``).
    note
        What the mode is for and how its numbers were chosen.
    pedal_exponent
        Driver torque demand = pedal ** exponent x the axles' torque [-].
    slip_target
        Longitudinal slip the per-axle slip control holds the faster axle to [-].
    slip_gain_per_s
        How fast slip control cuts (or restores) torque, as a share of the axle's peak
        torque per second per unit of slip error [1/s].
    brake_onset_mps
        Difference of the two wheels' rim speeds across an axle at which brake-based
        torque transfer starts [m/s].
    brake_gain_nm_per_mps
        Brake torque on the faster wheel per m/s of difference beyond the onset [N m s/m].
    brake_ramp_nm_per_s
        Fastest rise of that brake torque [N m/s].
    locker_policy
        ``open`` (lockers stay open), ``on_slip`` (close when the difference across the
        axle exceeds ``locker_onset_mps``) or ``locked`` (closed whenever driving).
    locker_onset_mps
        Wheel-speed difference that closes an ``on_slip`` locker [m/s].
    front_torque_share
        Share of the torque demand sent to the front motor (or front axle) [-].
    virtual_centre_lock
        True: torque that one axle's slip control takes away is given to the other
        axle (both motors held to one speed target), as a locked centre would.
    ride_height_mm
        Air-suspension height relative to normal [mm].
    descent_speed_kph
        Hill-descent control set speed [km/h]; absent: hill-descent control off.
    crawl_speed_kph
        Low-speed crawl control set speed [km/h]; absent: the driver's pedal drives.
    """

    schema_version: Literal[1] = 1
    id: ModeId
    name: str
    note: str
    pedal_exponent: ExponentFigure
    slip_target: SlipFigure
    slip_gain_per_s: PositiveFigure
    brake_onset_mps: PositiveFigure
    brake_gain_nm_per_mps: PositiveFigure
    brake_ramp_nm_per_s: PositiveFigure
    locker_policy: LockerPolicy
    locker_onset_mps: PositiveFigure
    front_torque_share: ShareFigure
    virtual_centre_lock: bool
    ride_height_mm: RideFigure
    descent_speed_kph: PositiveFigure | None = None
    crawl_speed_kph: PositiveFigure | None = None

    @model_validator(mode="after")
    def _estimates(self) -> ModeCalibration:
        for name in type(self).model_fields:
            v = getattr(self, name)
            if isinstance(v, Figure) and v.source != ESTIMATE:
                raise ValueError(
                    f"{name}.source must be 'estimate': a mode calibration is the car's "
                    "software, which makers do not publish"
                )
        return self


class AutoRules(SpecModel):
    """The thresholds by which Auto picks a mode from what the car can estimate.

    The inputs are the car's own estimates during a short probe drive: the peak
    friction used (drive force over normal load), the motion resistance (drive force
    at a steady crawl on the level, over the load), the tyre sinkage (ride-height
    sensors against the wheel centres), the water depth (wading sensors) and the height
    of an obstacle at the front wheels over the wheel radius. The first rule that holds
    wins, in this order.

    Parameters
    ----------
    water_depth_m
        Water at least this deep: Wade [m].
    obstacle_ratio
        An obstacle at least this high over the wheel radius: Rock Crawl [-].
    sand_sinkage_m, sand_friction
        Sinkage at least this deep with friction at least this: Sand [m], [-].
    soft_sinkage_m, soft_resistance
        Sinkage at least this deep, or motion resistance at least this: Mud-Ruts [m], [-].
    loose_resistance, low_friction
        Motion resistance at least this (a loose surface), or friction below this:
        Grass-Gravel-Snow [-]. Otherwise Comfort.
    """

    water_depth_m: PositiveFigure
    obstacle_ratio: PositiveFigure
    sand_sinkage_m: PositiveFigure
    sand_friction: PositiveFigure
    soft_sinkage_m: PositiveFigure
    soft_resistance: PositiveFigure
    loose_resistance: PositiveFigure
    low_friction: PositiveFigure


class AutoCalibration(SpecModel):
    """The Auto mode's file: its classifier thresholds."""

    schema_version: Literal[1] = 1
    id: Literal["auto"]
    name: str
    note: str
    rules: AutoRules


def parse_mode(text: str, file: str = "<string>") -> ModeCalibration | AutoCalibration:
    """Validate the YAML text of one mode file (Auto's has ``rules``, the others a table).

    Raises
    ------
    SpecError
        Naming the file, each bad field and its line.
    """
    try:
        root, data = read_document(text)
    except yaml.YAMLError as exc:
        raise DataFileError(file, [f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise DataFileError(file, ["(top): the file must hold a mapping of fields"])
    model: type[ModeCalibration] | type[AutoCalibration] = (
        AutoCalibration if data.get("id") == "auto" else ModeCalibration
    )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DataFileError(file, validation_problems(exc, root)) from None


def _read(mode_id: str) -> ModeCalibration | AutoCalibration:
    if mode_id not in MODE_IDS:
        raise ValueError(f"mode {mode_id!r} is not one of {', '.join(MODE_IDS)}")
    res = resources.files(_PACKAGE).joinpath(f"{mode_id}.yaml")
    parsed = parse_mode(res.read_text(encoding="utf-8"), f"{mode_id}.yaml")
    if parsed.id != mode_id:
        raise DataFileError(f"{mode_id}.yaml", [f"id: {parsed.id!r} does not match the file name"])
    return parsed


def load_mode(mode_id: str) -> ModeCalibration:
    """The calibration table of a fixed mode (not ``auto``: see :func:`load_auto`)."""
    parsed = _read(mode_id)
    if not isinstance(parsed, ModeCalibration):
        raise ValueError("auto has no calibration table of its own; it picks a mode")
    return parsed


def load_auto() -> AutoCalibration:
    """The Auto mode's classifier thresholds."""
    parsed = _read("auto")
    assert isinstance(parsed, AutoCalibration)
    return parsed


def load_mode_file(path: str | Path) -> ModeCalibration | AutoCalibration:
    """A mode file from any path."""
    p = Path(path)
    return parse_mode(p.read_text(encoding="utf-8"), str(p))


__all__ = [
    "FIXED_MODE_IDS",
    "MODE_IDS",
    "AutoCalibration",
    "AutoRules",
    "DataFileError",
    "LockerPolicy",
    "ModeCalibration",
    "load_auto",
    "load_mode",
    "load_mode_file",
    "parse_mode",
]
