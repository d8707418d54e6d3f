"""Off-road geometry: the body's lower outline in side view, ride heights, articulation
and wading depth.

Heights are above level ground at the *reference* ride height (``reference_mode``),
at kerb mass; distances are horizontal, from an axle's centre line. The outline is a
few named points rather than a free list so that each is a figure with a path
(``geometry.front_overhang.tip_height_mm``) that the corner bands can move.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import model_validator

from .base import SpecModel
from .figure import Figure, PositiveFigure, bounded

#: A length that may be zero but not negative.
_Length = Annotated[Figure, bounded(ge=0)]


class ProfilePoint(SpecModel):
    """A point of the body's lower outline.

    Parameters
    ----------
    distance_mm
        Horizontal distance from the axle named by the block that holds it: ahead of
        the front axle (front overhang), behind the rear axle (rear overhang), behind
        the front axle (underbody) [mm].
    height_mm
        Height above level ground at the reference ride height [mm].
    """

    distance_mm: PositiveFigure
    height_mm: _Length


class Overhang(SpecModel):
    """The lower outline of one overhang.

    Parameters
    ----------
    tip_height_mm
        Height of the lower edge at the overhang's end (the bumper's bottom corner) [mm].
    length_mm
        Distance of that edge from the axle's centre line [mm]; the body's
        ``front_overhang_mm`` / ``rear_overhang_mm`` when absent.
    lowest
        Optional lower point between the tip and the wheel (a valance, skid plate,
        tow eye or hitch), which may be the critical point.
    """

    tip_height_mm: _Length
    length_mm: PositiveFigure | None = None
    lowest: ProfilePoint | None = None


class Underbody(SpecModel):
    """The lowest points of the body between the axles.

    Parameters
    ----------
    middle_height_mm
        Lowest point at mid-wheelbase (a battery pack's underside, a fuel tank, a
        transfer box) [mm]; the body's ``ground_clearance_mm`` when absent, which puts
        the car's minimum clearance at mid-wheelbase (the conservative reading).
    front, rear
        Optional further points, distances behind the front axle [mm] (the ends of a
        pack, subframes).
    """

    middle_height_mm: _Length | None = None
    front: ProfilePoint | None = None
    rear: ProfilePoint | None = None


class RideHeightMode(SpecModel):
    """A ride height the suspension can hold.

    Parameters
    ----------
    name
        As the maker calls it (``access``, ``normal``, ``off-road``, ``extended``).
    offset_mm
        Body height relative to the reference mode [mm], positive up.
    """

    name: str
    offset_mm: Figure


class Geometry(SpecModel):
    """The side-view geometry that sets approach, breakover and departure angles.

    Parameters
    ----------
    front_overhang, rear_overhang, underbody
        The lower outline.
    reference_mode
        The ride height at which the outline's heights are given.
    modes
        Other ride heights, each an offset from the reference (air suspension); empty
        for a car with one height.
    tyre_radius_mm
        Static loaded tyre radius [mm]; the tyres' rolling radius when absent.
    wheel_articulation_mm
        Height one wheel can rise with the other three on the ground [mm].
    wheel_travel_front_mm, wheel_travel_rear_mm
        Bump-to-droop travel of one wheel [mm]; the articulation is estimated from them
        when it is not given (``physics.geometry.articulation_from_travel``).
    wading_depth_mm
        Maximum wading depth as the maker quotes it [mm], at ``wading_mode``.
    wading_mode
        The ride height the wading depth is quoted at (the reference when absent).
    """

    front_overhang: Overhang
    rear_overhang: Overhang
    underbody: Underbody = Underbody()
    reference_mode: str = "normal"
    modes: tuple[RideHeightMode, ...] = ()
    tyre_radius_mm: PositiveFigure | None = None
    wheel_articulation_mm: PositiveFigure | None = None
    wheel_travel_front_mm: PositiveFigure | None = None
    wheel_travel_rear_mm: PositiveFigure | None = None
    wading_depth_mm: PositiveFigure | None = None
    wading_mode: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Geometry:
        names = [m.name for m in self.modes]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"ride-height mode names must be unique; repeated: {', '.join(dup)}")
        ref = [m for m in self.modes if m.name == self.reference_mode]
        if self.modes and not ref:
            raise ValueError(
                f"reference_mode {self.reference_mode!r} is not one of the modes "
                f"({', '.join(names)})"
            )
        if ref and ref[0].offset_mm.value != 0.0:
            raise ValueError(
                f"the reference mode {self.reference_mode!r} must have offset_mm 0, "
                f"got {ref[0].offset_mm.value:g}"
            )
        if self.wading_mode is not None and self.wading_mode not in self.mode_names:
            raise ValueError(f"wading_mode {self.wading_mode!r} is not one of the modes")
        if (self.wheel_travel_front_mm is None) != (self.wheel_travel_rear_mm is None):
            raise ValueError("give both wheel_travel_front_mm and wheel_travel_rear_mm, or neither")
        u = self.underbody
        if (
            u.front is not None
            and u.rear is not None
            and u.front.distance_mm.value >= u.rear.distance_mm.value
        ):
            raise ValueError("underbody.front must lie ahead of underbody.rear")
        return self

    @property
    def mode_names(self) -> tuple[str, ...]:
        """The ride heights this car can hold, the reference among them."""
        names = tuple(m.name for m in self.modes)
        return names if names else (self.reference_mode,)

    def offset_mm(self, mode: str | None) -> float:
        """Nominal body offset of a mode from the reference [mm] (0 for ``None``)."""
        if mode is None or mode == self.reference_mode:
            return 0.0
        for m in self.modes:
            if m.name == mode:
                return m.offset_mm.value
        raise KeyError(f"no ride-height mode {mode!r}; modes: {', '.join(self.mode_names)}")


__all__ = ["Geometry", "Overhang", "ProfilePoint", "RideHeightMode", "Underbody"]
