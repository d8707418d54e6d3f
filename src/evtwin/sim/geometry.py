"""Off-road geometry of a vehicle at a ride height: the angles, their critical points,
clearance, wading depth, ramp travel index and the side view.

Works on an EV spec with a ``geometry`` block (``VehicleSpec``) or a mechanical-4WD
reference (``OffroadReference``) alike: both reduce to the same inputs, nominal values
of their figures. The band over a spec's uncertain figures is
``evtwin.study.geometry.geometry_band``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..physics import geometry as geo
from ..specs import VehicleSpec
from ..specs.geometry import Geometry, Overhang, ProfilePoint
from ..specs.offroad_reference import OffroadReference

MM = 1e-3


@dataclass(frozen=True)
class _Inputs:
    """Nominal inputs in metres at the reference ride height."""

    name: str
    geometry: Geometry
    wheelbase: float
    radius: float
    front_length: float | None
    rear_length: float | None
    ground_clearance: float | None


def _inputs(vehicle: VehicleSpec | OffroadReference) -> _Inputs:
    g = vehicle.geometry
    if g is None:
        raise ValueError(f"{vehicle.id} has no geometry block")
    if isinstance(vehicle, VehicleSpec):
        body = vehicle.body
        radius = vehicle.tyres.radius_m
        front = None if body.front_overhang_mm is None else body.front_overhang_mm.value * MM
        rear = None if body.rear_overhang_mm is None else body.rear_overhang_mm.value * MM
        gc = None if body.ground_clearance_mm is None else body.ground_clearance_mm.value * MM
        wheelbase = body.wheelbase_mm.value * MM
    else:
        radius = vehicle.tyre_radius_m
        front = vehicle.front_overhang_mm.value * MM
        rear = vehicle.rear_overhang_mm.value * MM
        at_ref = [
            p.ground_clearance_mm.value
            for p in vehicle.published
            if p.mode == g.reference_mode and p.ground_clearance_mm is not None
        ]
        gc = at_ref[0] * MM if at_ref else None
        wheelbase = vehicle.wheelbase_mm.value * MM
    if g.tyre_radius_mm is not None:
        radius = g.tyre_radius_mm.value * MM
    return _Inputs(vehicle.id, g, wheelbase, radius, front, rear, gc)


def _overhang_points(
    o: Overhang, length: float | None, where: str
) -> tuple[list[float], list[float], list[str]]:
    tip = o.length_mm.value * MM if o.length_mm is not None else length
    if tip is None:
        raise ValueError(f"{where}: give length_mm or the body's overhang")
    d, h, names = [tip], [o.tip_height_mm.value * MM], [f"{where}.tip"]
    if o.lowest is not None:
        d.append(o.lowest.distance_mm.value * MM)
        h.append(o.lowest.height_mm.value * MM)
        names.append(f"{where}.lowest")
    return d, h, names


def _underbody_points(i: _Inputs) -> tuple[list[float], list[float], list[str]]:
    u = i.geometry.underbody
    if u.middle_height_mm is not None:
        middle = u.middle_height_mm.value * MM
    elif i.ground_clearance is not None:
        middle = i.ground_clearance
    else:
        raise ValueError(
            f"{i.name}: geometry.underbody.middle_height_mm is needed when no ground "
            "clearance is given"
        )
    pts: list[tuple[float, float, str]] = [(i.wheelbase / 2.0, middle, "underbody.middle")]
    extra: tuple[tuple[ProfilePoint | None, str], ...] = (
        (u.front, "underbody.front"),
        (u.rear, "underbody.rear"),
    )
    for p, name in extra:
        if p is None:
            continue
        x = p.distance_mm.value * MM
        if not 0.0 < x < i.wheelbase:
            raise ValueError(f"{i.name}: geometry.{name} must lie between the axles")
        pts.append((x, p.height_mm.value * MM, name))
    pts.sort()
    return [p[0] for p in pts], [p[1] for p in pts], [p[2] for p in pts]


def _readonly(d: dict[str, NDArray[np.float64]]) -> dict[str, NDArray[np.float64]]:
    for a in d.values():
        a.setflags(write=False)
    return d


@dataclass(frozen=True)
class GeometryResult:
    """Off-road geometry at one ride height (angles in degrees, lengths in metres).

    ``*_point`` names the critical point of each angle (``front_overhang.tip``,
    ``underbody.middle``...), ``*_point_m`` its ``(x, z)`` in the side view's frame
    (``x`` forwards from the front axle, ``z`` up from the ground). ``profile`` holds
    the side view's arrays (see ``physics.geometry.side_profile``).
    """

    vehicle: str
    mode: str
    offset_m: float
    wheelbase_m: float
    tyre_radius_m: float
    approach_deg: float
    breakover_deg: float
    departure_deg: float
    approach_point: str
    breakover_point: str
    departure_point: str
    approach_point_m: tuple[float, float]
    breakover_point_m: tuple[float, float]
    departure_point_m: tuple[float, float]
    ground_clearance_m: float
    wading_depth_m: float | None
    articulation_m: float | None
    rti: float | None
    profile: dict[str, NDArray[np.float64]] = field(repr=False)

    def to_dict(self, with_profile: bool = False) -> dict[str, Any]:
        """JSON-ready, unit-suffixed keys; the side view's arrays when asked for."""

        def mm(x: float | None) -> float | None:
            return None if x is None else round(x * 1000.0, 1)

        out: dict[str, Any] = {
            "vehicle": self.vehicle,
            "mode": self.mode,
            "offset_mm": mm(self.offset_m),
            "wheelbase_mm": mm(self.wheelbase_m),
            "tyre_radius_mm": mm(self.tyre_radius_m),
            "approach_deg": round(self.approach_deg, 2),
            "breakover_deg": round(self.breakover_deg, 2),
            "departure_deg": round(self.departure_deg, 2),
            "approach_point": self.approach_point,
            "breakover_point": self.breakover_point,
            "departure_point": self.departure_point,
            "approach_point_mm": [mm(v) for v in self.approach_point_m],
            "breakover_point_mm": [mm(v) for v in self.breakover_point_m],
            "departure_point_mm": [mm(v) for v in self.departure_point_m],
            "ground_clearance_mm": mm(self.ground_clearance_m),
            "wading_depth_mm": mm(self.wading_depth_m),
            "articulation_mm": mm(self.articulation_m),
            "rti": None if self.rti is None else round(self.rti, 1),
        }
        if with_profile:
            out["profile_m"] = {k: [round(float(v), 4) for v in a] for k, a in self.profile.items()}
        return out


def geometry(vehicle: VehicleSpec | OffroadReference, mode: str | None = None) -> GeometryResult:
    """Approach, breakover and departure angles and the side view at a ride height.

    Parameters
    ----------
    vehicle
        An EV spec with a ``geometry`` block, or a reference vehicle.
    mode
        A ride-height mode of the geometry block; its reference mode when ``None``.

    Raises
    ------
    ValueError
        If the vehicle has no geometry block, a point lies inside a tyre or outside
        the wheelbase, or the underbody's height cannot be found.
    KeyError
        If ``mode`` is not one of the vehicle's modes.
    """
    i = _inputs(vehicle)
    g = i.geometry
    name = g.reference_mode if mode is None else mode
    offset = g.offset_mm(name) * MM
    r, wb = i.radius, i.wheelbase

    fd, fh, fnames = _overhang_points(g.front_overhang, i.front_length, "front_overhang")
    rd, rh, rnames = _overhang_points(g.rear_overhang, i.rear_length, "rear_overhang")
    ux, uh, unames = _underbody_points(i)
    fz = geo.raised(fh, offset)
    rz = geo.raised(rh, offset)
    uz = geo.raised(uh, offset)

    a, ia = geo.approach_angle(r, fd, fz)
    d, id_ = geo.departure_angle(r, rd, rz)
    b, ib = geo.breakover_angle(wb, r, r, ux, uz)

    # Without a published clearance the underbody's lowest point stands in for it.
    clearance = (min(uh) if i.ground_clearance is None else i.ground_clearance) + offset
    wading = None
    if g.wading_depth_mm is not None:
        quoted_at = g.offset_mm(g.wading_mode) * MM
        wading = geo.wading_depth(g.wading_depth_mm.value * MM, offset - quoted_at)
    articulation = None
    if g.wheel_articulation_mm is not None:
        articulation = g.wheel_articulation_mm.value * MM
    elif g.wheel_travel_front_mm is not None and g.wheel_travel_rear_mm is not None:
        articulation = float(
            geo.articulation_from_travel(
                g.wheel_travel_front_mm.value * MM, g.wheel_travel_rear_mm.value * MM
            )
        )
    rti = None if articulation is None else float(geo.ramp_travel_index(articulation, wb))

    profile = geo.side_profile(wb, r, r, (fd, fz), (ux, uz), (rd, rz))
    return GeometryResult(
        vehicle=i.name,
        mode=name,
        offset_m=offset,
        wheelbase_m=wb,
        tyre_radius_m=r,
        approach_deg=math.degrees(a),
        breakover_deg=math.degrees(b),
        departure_deg=math.degrees(d),
        approach_point=fnames[ia],
        breakover_point=unames[ib],
        departure_point=rnames[id_],
        approach_point_m=(fd[ia], float(fz[ia])),
        breakover_point_m=(-ux[ib], float(uz[ib])),
        departure_point_m=(-wb - rd[id_], float(rz[id_])),
        ground_clearance_m=clearance,
        wading_depth_m=wading,
        articulation_m=articulation,
        rti=rti,
        profile=_readonly(profile),
    )


__all__ = ["GeometryResult", "geometry"]
