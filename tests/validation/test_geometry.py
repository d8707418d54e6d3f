"""The Defender 90 and 110's approach, breakover and departure angles from their
dimensions, against Land Rover's published figures.

Target (issue 4): the published angles within 1 degree, for coil and air suspension
heights. Inputs are the reference files (``src/evtwin/data/offroad/``); the published
angles there are targets, never inputs, and nothing in the files or in
``physics/geometry.py`` was set from them. Run with ``-s`` for the table and the
Defender Sport's band.

What the comparison shows:

- The lengths, wheelbases, tyre size, ground clearances and ride heights are published;
  the heights of the body's lower outline (bumper edges, undertray, the floor at
  mid-wheelbase) and the split of the overhang between front and rear are not, so the
  files estimate them from the car's proportions, with ranges. Every absolute angle
  misses by more than 1 degree (``KNOWN_MISSES``). Every published angle but one lies
  inside the band over the estimates' ranges (``test_published_angle_inside_the_band``):
  the misses are the missing outline, which a published side-view drawing would fix.
- What the model adds to the data is checked where the data allow: how the breakover
  angle changes with the air suspension's height and with the wheelbase (90 against
  110, the same body) is within 1 degree (``test_published_change_within_tolerance``).
  The approach and departure angles' changes with height are not reproduced by any
  single critical point at the ends of the overhangs: the published 7.9-degree rise in
  approach angle for 73 mm of lift needs the critical point about 0.6 m ahead of the
  axle (a lower front edge well behind the bumper face), and the published 2.3-degree
  rise in departure angle is smaller than a rigid lift of any point up to 1.0 m behind
  the axle gives (about 3.4 degrees or more), so the off-road height may not lift the rear by
  the full 73 mm, or the figures were measured in different states.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from evtwin.sim.geometry import GeometryResult, geometry
from evtwin.specs import load_vehicle
from evtwin.specs.offroad_reference import OffroadReference, load_reference, reference_names
from evtwin.study.geometry import ANGLES, geometry_band

pytestmark = pytest.mark.validation

#: The issue's target [deg].
TOLERANCE_DEG = 1.0

_OUTLINE = (
    "the front outline's heights are estimates (not published): the bumper's lower edge "
    "1,000 mm ahead of the axle at 450 mm and an undertray edge 800 mm out at 380 mm"
)
_BELLY = (
    "the floor's height at mid-wheelbase is not published; the file puts it at the "
    "published minimum ground clearance (the conservative reading), but a flat floor "
    "would have to be 55-75 mm above it to give the published angle (the lowest point "
    "of an independently sprung car is near a wheel, where it does not limit breakover)"
)
_REAR = (
    "the rear bumper's lower edge (480 mm, 736 mm behind the axle) is an estimate; the "
    "published angle would need it about 15-60 mm lower, and the spare wheel, also "
    "unmeasured, may be the critical point"
)

#: Misses with the reason found, keyed ``vehicle/mode/angle`` (model at the time of
#: writing in brackets).
KNOWN_MISSES: dict[str, str] = {
    "defender-110/air-normal/approach": f"26.4 against 30.1: {_OUTLINE}",
    "defender-110/air-off-road/approach": f"30.4 against 38.0: {_OUTLINE}",
    "defender-90/air-off-road/approach": f"30.5 against 38.0: {_OUTLINE}",
    "defender-90/coil/approach": f"26.9 against 31.0: {_OUTLINE}",
    "defender-110/air-normal/breakover": f"16.7 against 22.0: {_BELLY}",
    "defender-110/air-off-road/breakover": f"22.4 against 28.0: {_BELLY}",
    "defender-90/air-off-road/breakover": f"26.2 against 31.0: {_BELLY}",
    "defender-110/air-normal/departure": f"38.8 against 37.7: {_REAR}",
    "defender-110/air-off-road/departure": f"43.8 against 40.0: {_REAR}",
    "defender-90/air-off-road/departure": f"43.9 against 40.0: {_REAR}",
    "defender-90/coil/departure": f"39.5 against 37.9: {_REAR}",
}

#: Published angles outside the band over the files' estimate ranges.
OUTSIDE_BAND: dict[str, str] = {
    "defender-110/air-off-road/approach": (
        "band 26.3-35.8: no front point in the estimated ranges lies close enough to the "
        "wheel to gain 7.9 degrees from 73 mm of lift"
    ),
    "defender-90/air-off-road/approach": "band 26.4-35.9: as the 110",
}


@dataclass(frozen=True)
class Case:
    vehicle: str
    mode: str
    angle: str
    published: float
    source: str

    @property
    def key(self) -> str:
        return f"{self.vehicle}/{self.mode}/{self.angle}"


def _refs() -> dict[str, OffroadReference]:
    return {n: load_reference(n) for n in reference_names()}


def _published() -> list[Case]:
    out = []
    for name, ref in _refs().items():
        for p in ref.published:
            for angle in ANGLES:
                fig = getattr(p, f"{angle}_deg")
                if fig is not None:
                    out.append(Case(name, p.mode, angle, fig.value, fig.source))
    return out


def _model(case: Case) -> float:
    return float(getattr(geometry(load_reference(case.vehicle), case.mode), f"{case.angle}_deg"))


def _params(misses: dict[str, str]) -> list[object]:
    out = []
    for c in _published():
        marks = [pytest.mark.xfail(strict=True, reason=misses[c.key])] if c.key in misses else []
        out.append(pytest.param(c, id=c.key, marks=marks))
    return out


def test_every_published_angle_is_a_case() -> None:
    cases = _published()
    # 110 air normal and off-road (3 each), 90 off-road (3), 90 coil (2 published).
    assert len(cases) == 11
    keys = {c.key for c in cases}
    # No stale entries: every listed miss is still a published case.
    assert set(KNOWN_MISSES) <= keys
    assert set(OUTSIDE_BAND) <= keys


@pytest.mark.parametrize("case", _params(KNOWN_MISSES))
def test_published_angle_within_tolerance(case: Case) -> None:
    assert abs(_model(case) - case.published) <= TOLERANCE_DEG


@pytest.mark.parametrize("case", _params(OUTSIDE_BAND))
def test_published_angle_inside_the_band(case: Case) -> None:
    b = getattr(geometry_band(load_reference(case.vehicle), case.mode), case.angle)
    assert b.low <= case.published <= b.high


#: Changes between two published states, which test what the model adds to the data
#: (a rigid body lifted by a mode; the same body on a shorter wheelbase):
#: (name, (vehicle, mode, angle) after, (vehicle, mode, angle) before).
CHANGES: tuple[tuple[str, tuple[str, str, str], tuple[str, str, str]], ...] = (
    (
        "110 breakover, normal to off-road height",
        ("defender-110", "air-off-road", "breakover"),
        ("defender-110", "air-normal", "breakover"),
    ),
    (
        "breakover at off-road height, 110 to 90",
        ("defender-90", "air-off-road", "breakover"),
        ("defender-110", "air-off-road", "breakover"),
    ),
    (
        "110 approach, normal to off-road height",
        ("defender-110", "air-off-road", "approach"),
        ("defender-110", "air-normal", "approach"),
    ),
    (
        "110 departure, normal to off-road height",
        ("defender-110", "air-off-road", "departure"),
        ("defender-110", "air-normal", "departure"),
    ),
    (
        "90 approach, coil to off-road height",
        ("defender-90", "air-off-road", "approach"),
        ("defender-90", "coil", "approach"),
    ),
    (
        "90 departure, coil to off-road height",
        ("defender-90", "air-off-road", "departure"),
        ("defender-90", "coil", "departure"),
    ),
)

CHANGE_MISSES: dict[str, str] = {
    "110 approach, normal to off-road height": (
        "+4.0 against +7.9: the estimated critical point (the bumper edge 1.0 m ahead) is "
        "too far from the wheel; +7.9 for 73 mm needs a point about 0.6 m ahead"
    ),
    "90 approach, coil to off-road height": "+3.5 against +7.0: as the 110",
    "110 departure, normal to off-road height": (
        "+5.0 against +2.3: any point up to 1.0 m behind the axle (the spare wheel's reach) "
        "gains about 3.4 degrees or more from a rigid 73 mm lift; the published pair is not "
        "a rigid lift of one point"
    ),
    "90 departure, coil to off-road height": "+4.4 against +2.1: as the 110",
}


def _value(vehicle: str, mode: str, angle: str) -> tuple[float, float]:
    """(model, published) for one state."""
    for c in _published():
        if (c.vehicle, c.mode, c.angle) == (vehicle, mode, angle):
            return _model(c), c.published
    raise KeyError((vehicle, mode, angle))


@pytest.mark.parametrize(
    ("name", "after", "before"),
    [
        pytest.param(
            n,
            a,
            b,
            id=n,
            marks=[pytest.mark.xfail(strict=True, reason=CHANGE_MISSES[n])]
            if n in CHANGE_MISSES
            else [],
        )
        for n, a, b in CHANGES
    ],
)
def test_published_change_within_tolerance(
    name: str, after: tuple[str, str, str], before: tuple[str, str, str]
) -> None:
    m1, p1 = _value(*after)
    m0, p0 = _value(*before)
    assert abs((m1 - m0) - (p1 - p0)) <= TOLERANCE_DEG


def _row(g: GeometryResult, angle: str) -> float:
    return float(getattr(g, f"{angle}_deg"))


def test_table_is_printed() -> None:
    """Predicted against published, the band over the estimates, and the EV bands."""
    lines = [
        "",
        f"{'vehicle/mode':26s} {'angle':9s} {'pub':>5s} {'model':>6s} {'error':>6s} "
        f"{'band':>11s}  {'critical point':22s} status",
    ]
    n = 0
    for c in _published():
        ref = load_reference(c.vehicle)
        g = geometry(ref, c.mode)
        b = getattr(geometry_band(ref, c.mode), c.angle)
        m = _row(g, c.angle)
        status = "KNOWN MISS" if c.key in KNOWN_MISSES else "validated"
        lines.append(
            f"{c.vehicle + '/' + c.mode:26s} {c.angle:9s} {c.published:5.1f} {m:6.1f} "
            f"{m - c.published:+6.1f} {b.low:5.1f}-{b.high:5.1f}  "
            f"{getattr(g, f'{c.angle}_point'):22s} {status}"
        )
        n += 1
    lines.append("")
    lines.append("changes between published states (model against published):")
    for name, after, before in CHANGES:
        m1, p1 = _value(*after)
        m0, p0 = _value(*before)
        tag = "KNOWN MISS" if name in CHANGE_MISSES else "validated"
        lines.append(f"  {name:42s} {m1 - m0:+5.1f} against {p1 - p0:+5.1f}  {tag}")
    lines.append("")
    lines.append("EV bands (low / nominal / high, deg) over each file's figure ranges:")
    for name in ("defender-sport", "bmw-ix3"):
        spec = load_vehicle(name)
        g = geometry(spec)
        b = geometry_band(spec)
        parts = [
            f"{a} {getattr(b, a).low:.1f}/{getattr(b, a).nominal:.1f}/{getattr(b, a).high:.1f}"
            for a in ANGLES
        ]
        rti = "" if g.rti is None else f", RTI {g.rti:.0f}"
        lines.append(f"  {name:16s} " + ", ".join(parts) + rti)
    print("\n".join(lines))
    assert n == 11
