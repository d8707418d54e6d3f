"""Rivals' WLTP and EPA ranges from their public specs, against the published figures.

Issue 2's target: within 7 % of the published figure. A rival is a validation case
when the figure is official and the inputs that set its road load are published
(kerb mass, and a coast-down or a drag coefficient): otherwise the comparison tests
our estimates rather than the model, and it is printed but not asserted. EPA labels
are compared as labelled (``adjustment="as_labelled"``): a maker that certifies by
five-cycle testing (Tesla) applies its own factor, not the two-cycle 0.7.
"""

from __future__ import annotations

import pytest

from evtwin.sim.label import epa_label, wltp
from evtwin.specs import ESTIMATE, VehicleSpec, load_vehicle, vehicle_names
from evtwin.study.corners import band

pytestmark = pytest.mark.validation

TOLERANCE = 0.07

#: Known misses, with the reason found (docs/validation.md).
KNOWN_MISSES: dict[tuple[str, str], str] = {
    ("tesla-model-y", "wltp"): (
        "+7.4 %: the inputs are the US car's (EPA coast-down, US curb mass); the EU WLTP "
        "rating of 533 km implies 8 % more DC energy on the WLTC than the same car shows "
        "on the EPA cycles, which the model matches"
    ),
    ("skoda-enyaq-80x", "wltp"): (
        "+9.9 %: the rating lies inside the spread of the unpublished inputs (tyre rolling "
        "resistance, estimated at EU label class A, is the largest lever: class C alone gives "
        "522 km); with the Model Y this is the second validation case over-predicted on WLTP, "
        "a possible optimistic bias on that test not yet explained"
    ),
}


def _rivals() -> list[VehicleSpec]:
    return [load_vehicle(n) for n in vehicle_names() if n != "defender-sport"]


def _sourced(spec: VehicleSpec) -> bool:
    mass_ok = spec.mass.kerb_kg.source != ESTIMATE
    drag_ok = spec.coastdown is not None or spec.body.drag_coefficient.source != ESTIMATE
    return mass_ok and drag_ok


def _cases(test: str) -> list[object]:
    cases = []
    for s in _rivals():
        r = s.ratings
        rated = (r.wltp_range_km if test == "wltp" else r.epa_range_mi) if r else None
        if rated is None or rated.source == ESTIMATE or not _sourced(s):
            continue
        marks = []
        if (s.id, test) in KNOWN_MISSES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[(s.id, test)]))
        cases.append(pytest.param(s.id, id=s.id, marks=marks))
    return cases


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, float]]:
    specs = _rivals()
    w = wltp(specs)
    e = epa_label(specs, adjustment="as_labelled")
    return {
        s.id: {"wltp_km": float(w.range_km[i]), "epa_mi": float(e.range_mi[i])}
        for i, s in enumerate(specs)
    }


def test_table_is_printed(results: dict[str, dict[str, float]]) -> None:
    """Every rival, validation case or not (run with -s to see it)."""
    lines = [
        "",
        f"{'rival':26s} {'WLTP km':>8s} {'rated':>6s} {'diff':>7s}  "
        f"{'EPA mi':>7s} {'rated':>6s} {'diff':>7s}  validation case",
    ]
    for s in _rivals():
        r = s.ratings
        rw = r.wltp_range_km.value if r and r.wltp_range_km else None
        re_ = r.epa_range_mi.value if r and r.epa_range_mi else None
        got = results[s.id]
        dw = f"{100 * (got['wltp_km'] / rw - 1):+.1f}%" if rw else ""
        de = f"{100 * (got['epa_mi'] / re_ - 1):+.1f}%" if re_ else ""
        lines.append(
            f"{s.id:26s} {got['wltp_km']:8.0f} {rw or '':>6} {dw:>7s}  {got['epa_mi']:7.0f} "
            f"{re_ or '':>6} {de:>7s}  {'yes' if _sourced(s) else 'no: mass or drag estimated'}"
        )
    print("\n".join(lines))
    assert results


@pytest.mark.parametrize("name", _cases("wltp"))
def test_wltp_range_within_7_percent(results: dict[str, dict[str, float]], name: str) -> None:
    spec = load_vehicle(name)
    assert spec.ratings is not None
    assert spec.ratings.wltp_range_km is not None
    rated = spec.ratings.wltp_range_km.value
    assert results[name]["wltp_km"] == pytest.approx(rated, rel=TOLERANCE)


@pytest.mark.parametrize("name", [p.values[0] for p in _cases("wltp")])  # type: ignore[attr-defined]
def test_wltp_rating_inside_the_input_band(name: str) -> None:
    """Weaker but unconditional: the published figure lies between the low and high
    corners of the prediction over the spec's stated uncertainty."""
    spec = load_vehicle(name)
    assert spec.ratings is not None
    assert spec.ratings.wltp_range_km is not None
    b = band(spec, lambda specs: wltp(specs).range_km)
    assert b.low <= spec.ratings.wltp_range_km.value <= b.high


@pytest.mark.parametrize("name", _cases("epa"))
def test_epa_label_range_within_7_percent(results: dict[str, dict[str, float]], name: str) -> None:
    spec = load_vehicle(name)
    assert spec.ratings is not None
    assert spec.ratings.epa_range_mi is not None
    rated = spec.ratings.epa_range_mi.value
    assert results[name]["epa_mi"] == pytest.approx(rated, rel=TOLERANCE)
