"""Monotonic where geometry says so: a higher body never loses angle, a longer overhang
never gains approach angle, bigger tyres never lose angle, a longer wheelbase never
gains breakover angle; and the angle is the steepest plane that misses every point."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evtwin.physics import geometry as geo

SETTINGS = settings(max_examples=200, deadline=None)
#: Angles come from closed forms in double precision; two that should tie may differ by
#: rounding far below this [rad].
EPS = 1e-9

radii = st.floats(0.25, 0.55)
distances = st.floats(0.05, 1.6)
heights = st.floats(0.0, 1.0)
offsets = st.floats(0.0, 0.3)


def _outside(r: float, d: float, h: float) -> bool:
    # A real body point clears the tyre by a little.
    return math.hypot(d, r - h) > r * 1.001


@SETTINGS
@given(r=radii, d=distances, h=heights, dz=offsets)
def test_raising_the_body_never_lowers_an_angle(r: float, d: float, h: float, dz: float) -> None:
    # A point low down just ahead of the tread would pass through the tyre as the body
    # rises; a real body has its wheel arch there, so only points clear at both heights.
    if not (_outside(r, d, h) and _outside(r, d, h + dz)):
        return
    a0 = float(geo.tangent_angle(r, d, h))
    a1 = float(geo.tangent_angle(r, d, float(geo.raised(h, dz))))
    assert a1 >= a0 - EPS


@SETTINGS
@given(r=radii, d=distances, extra=st.floats(0.0, 0.5), h=st.floats(0.01, 1.0))
def test_a_longer_overhang_never_raises_the_approach_angle(
    r: float, d: float, extra: float, h: float
) -> None:
    if not _outside(r, d, h):
        return
    near, _ = geo.approach_angle(r, [d], [h])
    far, _ = geo.approach_angle(r, [d + extra], [h])
    assert far <= near + EPS


@SETTINGS
@given(r=radii, grow=st.floats(0.0, 0.1), d=distances, h=heights)
def test_bigger_tyres_never_lower_the_angle_of_a_fixed_body(
    r: float, grow: float, d: float, h: float
) -> None:
    # Wheels that touch the ground at the same point nest, so a plane that clears the
    # bigger one clears the smaller: the bigger tyre needs a plane at least as steep.
    if not _outside(r + grow, d, h):
        return
    small = float(geo.tangent_angle(r, d, h))
    big = float(geo.tangent_angle(r + grow, d, h))
    assert big >= small - EPS


@SETTINGS
@given(r=radii, grow=st.floats(0.0, 0.1), d=distances, h=heights)
def test_bigger_tyres_that_lift_the_body_raise_the_angle(
    r: float, grow: float, d: float, h: float
) -> None:
    # Fitting taller tyres lifts the whole body by the change in radius, too.
    if not (_outside(r, d, h) and _outside(r + grow, d, h + grow)):
        return
    small = float(geo.tangent_angle(r, d, h))
    big = float(geo.tangent_angle(r + grow, d, h + grow))
    assert big >= small - EPS


@SETTINGS
@given(
    r=radii,
    wheelbase=st.floats(2.2, 3.4),
    extra=st.floats(0.0, 0.6),
    h=st.floats(0.1, 0.45),
)
def test_a_longer_wheelbase_never_raises_a_flat_bellys_breakover(
    r: float, wheelbase: float, extra: float, h: float
) -> None:
    short, _ = geo.breakover_angle(wheelbase, r, r, [wheelbase / 2], [h])
    long, _ = geo.breakover_angle(wheelbase + extra, r, r, [(wheelbase + extra) / 2], [h])
    assert long <= short + EPS


@SETTINGS
@given(
    r=radii,
    points=st.lists(st.tuples(distances, heights), min_size=1, max_size=5),
)
def test_the_approach_plane_clears_every_point_and_touches_one(
    r: float, points: list[tuple[float, float]]
) -> None:
    if not all(_outside(r, d, h) for d, h in points):
        return
    d = np.array([p[0] for p in points])
    h = np.array([p[1] for p in points])
    a, i = geo.approach_angle(r, d, h)
    if a >= math.pi / 2 - EPS:
        return
    # The tangent plane through the critical point: z = z0 + (x - x0) tan(a), with its
    # foot on the tyre; every point must lie on or above it.
    plane = h[i] + (d - d[i]) * math.tan(a)
    assert np.all(h >= plane - 1e-9)
    distance_to_centre = abs(d[i] * math.sin(a) + (r - h[i]) * math.cos(a))
    assert distance_to_centre == pytest.approx(r, rel=1e-9, abs=1e-12)
