"""The chassis quantities that set axle loads: centre of gravity, weight split, hitch, inertia.

A vehicle file may give the height of the centre of gravity (``body.cg_height_mm``) and
the static front weight share (``mass.front_weight_fraction``). Few makers publish
either, so when they are absent they are estimated here from the body and the drive
layout, and the result says so (``Chassis.estimated``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..specs.vehicle import VehicleSpec
from .prepare import ROTOR_INERTIA_PER_TORQUE

#: Height of the centre of gravity as a share of the overall height, for a battery-
#: electric car with its pack under the floor [-]. Estimate: the pack (a quarter to a
#: third of the mass) sits 0.25-0.40 m above the road, which brings the centre of
#: gravity of an EV crossover to about 0.45-0.55 m, against 0.55-0.70 m for combustion
#: SUVs of the same height (Gillespie 1992 ch. 2 gives 0.5-0.6 m for cars of the time);
#: owners' reports put the 1.44 m tall Model S at 17.5-18 in (0.45 m, 0.31 of its
#: height; not a maker's figure). Range 0.28-0.34.
CG_HEIGHT_SHARE = 0.31
#: Static front weight share by driven axles when a file gives none [-]. Estimate:
#: floor packs centre the mass between the axles; the drive unit (about 80-120 kg)
#: and most power electronics sit over the driven axle. Dual-motor EVs are quoted at
#: 48-52 % front, rear-driven ones at 45-48 % (Autocar: 48/52 claimed for the rear-
#: driven Model S), front-driven ones at 55-60 %.
FRONT_WEIGHT_FRACTION: dict[str, float] = {"awd": 0.50, "rwd": 0.47, "fwd": 0.57}
#: Distance of the tow-ball centre behind the rear bumper [m]. Estimate: detachable
#: swan-neck towbars place the ball 80-120 mm behind the bumper's rearmost point.
HITCH_BEHIND_BUMPER = 0.10
#: Share of the overhangs behind the rear axle when the file gives no rear overhang [-]
#: (estimate: EVs carry the longer overhang at the front, where the crash structure
#: and front drive unit sit).
REAR_OVERHANG_SHARE = 0.45


@dataclass(frozen=True)
class Chassis:
    """Pitch-plane geometry and rotating inertia of a vehicle, SI units.

    Parameters
    ----------
    wheelbase
        [m].
    cg_height
        Centre of gravity above the road [m].
    front_fraction
        Static share of the weight on the front axle [-].
    hitch_overhang
        Distance of the tow ball behind the rear axle [m].
    radius
        Dynamic rolling radius [m].
    inertia_front, inertia_rear
        Rotating inertia of each axle referred to its wheels [kg m^2]: two wheels,
        plus the motor's rotor times the ratio squared where the axle is driven.
    estimated
        Names of the quantities estimated here because the file does not give them.
    """

    wheelbase: float
    cg_height: float
    front_fraction: float
    hitch_overhang: float
    radius: float
    inertia_front: float
    inertia_rear: float
    estimated: tuple[str, ...]


def _rotor_inertia(spec: VehicleSpec, which: str) -> float:
    axle = spec.front_axle if which == "front" else spec.rear_axle
    if axle is None:
        return 0.0
    m = axle.motor
    j = (
        m.rotor_inertia_kgm2.value
        if m.rotor_inertia_kgm2 is not None
        else ROTOR_INERTIA_PER_TORQUE * m.peak_torque_nm.value
    )
    return float(j * axle.ratio.value**2)


def chassis(spec: VehicleSpec) -> Chassis:
    """The chassis quantities of a vehicle, estimating those its file does not give."""
    body = spec.body
    estimated: list[str] = []
    if body.cg_height_mm is not None:
        cg = body.cg_height_mm.value / 1000.0
    else:
        cg = CG_HEIGHT_SHARE * body.height_mm.value / 1000.0
        estimated.append("cg_height")
    if spec.mass.front_weight_fraction is not None:
        front = spec.mass.front_weight_fraction.value
    else:
        front = FRONT_WEIGHT_FRACTION[spec.drive]
        estimated.append("front_fraction")
    wheelbase = body.wheelbase_mm.value / 1000.0
    if body.rear_overhang_mm is not None:
        rear_overhang = body.rear_overhang_mm.value / 1000.0
    else:
        rear_overhang = REAR_OVERHANG_SHARE * (body.length_mm.value - body.wheelbase_mm.value)
        rear_overhang /= 1000.0
        estimated.append("rear_overhang")
    wheel = spec.tyres.wheel_inertia_kgm2.value
    return Chassis(
        wheelbase=wheelbase,
        cg_height=cg,
        front_fraction=front,
        hitch_overhang=rear_overhang + HITCH_BEHIND_BUMPER,
        radius=spec.tyres.radius_m,
        inertia_front=2.0 * wheel + _rotor_inertia(spec, "front"),
        inertia_rear=2.0 * wheel + _rotor_inertia(spec, "rear"),
        estimated=tuple(estimated),
    )
