"""Terrain Response: the mode tables as settings the controllers run on, and Auto.

A mode is data (``evtwin/data/terrain_response``): :func:`settings` turns a table into
the plain SI numbers the compiled controllers read. :func:`auto_select` is the Auto
mode's classifier: the first of its rules that holds picks the mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..specs.terrain_response import AutoRules, ModeCalibration, load_auto, load_mode
from ..units import KPH

LOCKER_POLICY_CODE = {"open": 0.0, "on_slip": 1.0, "locked": 2.0}


@dataclass(frozen=True)
class ModeSettings:
    """A mode's calibration in SI units (see :class:`ModeCalibration` for meanings)."""

    id: str
    name: str
    pedal_exponent: float
    slip_target: float
    slip_gain: float  #: [1/s]
    brake_onset: float  #: [m/s]
    brake_gain: float  #: [N m s/m]
    brake_ramp: float  #: [N m/s]
    locker_policy: float  #: 0 open, 1 on slip, 2 locked
    locker_onset: float  #: [m/s]
    front_torque_share: float
    virtual_centre_lock: bool
    ride_height: float  #: [m]
    descent_speed: float  #: [m/s], 0: off
    crawl_speed: float  #: [m/s], 0: off


def settings(mode: ModeCalibration) -> ModeSettings:
    """The SI settings of a mode table."""
    return ModeSettings(
        id=mode.id,
        name=mode.name,
        pedal_exponent=mode.pedal_exponent.value,
        slip_target=mode.slip_target.value,
        slip_gain=mode.slip_gain_per_s.value,
        brake_onset=mode.brake_onset_mps.value,
        brake_gain=mode.brake_gain_nm_per_mps.value,
        brake_ramp=mode.brake_ramp_nm_per_s.value,
        locker_policy=LOCKER_POLICY_CODE[mode.locker_policy],
        locker_onset=mode.locker_onset_mps.value,
        front_torque_share=mode.front_torque_share.value,
        virtual_centre_lock=mode.virtual_centre_lock,
        ride_height=mode.ride_height_mm.value / 1000.0,
        descent_speed=mode.descent_speed_kph.value * KPH if mode.descent_speed_kph else 0.0,
        crawl_speed=mode.crawl_speed_kph.value * KPH if mode.crawl_speed_kph else 0.0,
    )


def mode_settings(mode_id: str) -> ModeSettings:
    """The shipped settings of a fixed mode by id."""
    return settings(load_mode(mode_id))


@dataclass(frozen=True)
class SurfaceEstimate:
    """What the car estimates about the ground during a probe drive.

    Parameters
    ----------
    friction
        Highest drive force over normal load its wheels reached [-].
    sinkage
        Mean tyre sinkage [m].
    resistance
        Motion resistance over normal load at a steady crawl on the level [-].
    water_depth
        Water depth at the wading sensors [m].
    obstacle_ratio
        Height of an obstacle at the front wheels over the wheel radius [-].
    """

    friction: float
    sinkage: float
    resistance: float
    water_depth: float = 0.0
    obstacle_ratio: float = 0.0


def auto_select(estimate: SurfaceEstimate, rules: AutoRules | None = None) -> str:
    """The mode Auto picks: the first rule that holds, in the order of :class:`AutoRules`.

    Water: Wade. A high obstacle: Rock Crawl. Deep sinkage with the friction of a
    soil that shears on its friction angle: Sand. Some sinkage or a high motion
    resistance: Mud-Ruts. A loose surface or low friction: Grass-Gravel-Snow.
    Otherwise Comfort.
    """
    r = rules if rules is not None else load_auto().rules
    if estimate.water_depth >= r.water_depth_m.value:
        return "wade"
    if estimate.obstacle_ratio >= r.obstacle_ratio.value:
        return "rock_crawl"
    if estimate.sinkage >= r.sand_sinkage_m.value and estimate.friction >= r.sand_friction.value:
        return "sand"
    if estimate.sinkage >= r.soft_sinkage_m.value or estimate.resistance >= r.soft_resistance.value:
        return "mud_ruts"
    if estimate.resistance >= r.loose_resistance.value or estimate.friction < r.low_friction.value:
        return "grass_gravel_snow"
    return "comfort"


__all__ = [
    "LOCKER_POLICY_CODE",
    "ModeSettings",
    "SurfaceEstimate",
    "auto_select",
    "mode_settings",
    "settings",
]
