"""Monotonic where physics says so: more power is never slower, more mass never quicker,
a trailer never helps; and a batch equals a loop of single runs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evtwin.physics.traction import SURFACES
from evtwin.sim.chassis import chassis
from evtwin.sim.performance import Trailer, performance, performance_batch
from evtwin.specs import VehicleSpec, parse_vehicle
from evtwin.study.corners import with_figures

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AWD = parse_vehicle((FIXTURES / "awd-car.yaml").read_text(), "awd-car.yaml")
RWD = parse_vehicle((FIXTURES / "rwd-car.yaml").read_text(), "rwd-car.yaml")
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Times are integrated on a 0.01 s step and crossings interpolated: two runs that should
#: tie may differ by rounding far below this.
EPS = 1e-6

surfaces = st.sampled_from(list(SURFACES))
socs = st.floats(0.15, 1.0)
temperatures = st.floats(-20.0, 40.0)


def _t100(spec: VehicleSpec, **kw: object) -> float:
    return performance(spec, **kw).acceleration.accel_0_100_kph_s  # type: ignore[arg-type]


def _slower_or_equal(a: float, b: float) -> bool:
    """a >= b, with 'never reaches 100 km/h' (NaN) slowest of all."""
    if math.isnan(b):
        return math.isnan(a)
    return math.isnan(a) or a >= b - EPS


@SETTINGS
@given(
    base=st.sampled_from([AWD, RWD]),
    k=st.floats(1.0, 2.0),
    surface=surfaces,
    soc=socs,
    temperature=temperatures,
)
def test_more_battery_power_is_never_slower(
    base: VehicleSpec, k: float, surface: str, soc: float, temperature: float
) -> None:
    rating = base.battery.max_discharge_power_kw.value
    more = with_figures(base, {"battery.max_discharge_power_kw": rating * k})
    kw = {"surface": surface, "soc": soc, "temperature_c": temperature}
    assert _slower_or_equal(_t100(base, **kw), _t100(more, **kw))


@SETTINGS
@given(
    base=st.sampled_from([AWD, RWD]),
    k=st.floats(1.0, 1.5),
    surface=surfaces,
    soc=socs,
    temperature=temperatures,
)
def test_more_powertrain_power_is_never_slower(
    base: VehicleSpec, k: float, surface: str, soc: float, temperature: float
) -> None:
    """A k-times stronger powertrain: motors' peak power, the battery's rating and its
    conductance (k times the parallel cells) all scaled by k.

    Scaling the motors alone is not enough: where the pack's equivalent circuit (not its
    rating) caps the power, as in the cold or at half charge, a bigger motor's larger
    no-load and switching losses take a little of a power that does not grow, and the
    model rightly makes that car slightly slower.
    """
    bat = base.battery
    changes = {
        "battery.max_discharge_power_kw": bat.max_discharge_power_kw.value * k,
        "battery.resistance_mohm": bat.resistance_mohm.value / k,
    }
    for name, axle in base.axles:
        changes[f"{name}_axle.motor.peak_power_kw"] = axle.motor.peak_power_kw.value * k
    more = with_figures(base, changes)
    kw = {"surface": surface, "soc": soc, "temperature_c": temperature}
    assert _slower_or_equal(_t100(base, **kw), _t100(more, **kw))


@SETTINGS
@given(
    base=st.sampled_from([AWD, RWD]),
    extra=st.floats(0.0, 600.0),
    surface=surfaces,
    soc=socs,
)
def test_more_mass_is_never_quicker(
    base: VehicleSpec, extra: float, surface: str, soc: float
) -> None:
    """Never quicker, but for a physical allowance. Where the driven wheels are at their
    grip, grip grows with mass while air drag and the undriven wheels' inertia do not, so
    a heavier car can gain, at most by ``(D / (m a) + J_u / (m r^2)) dm / (m + dm)`` with
    D the drag at 100 km/h and a the grip-limited acceleration there."""
    kw = {"surface": surface, "soc": soc}
    light = _t100(base, **kw)
    heavier = _t100(base, payload_kg=75.0 + extra, **kw)
    c = chassis(base)
    m1 = base.mass.kerb_kg.value + 75.0
    undriven = 0.0
    if base.front_axle is None:
        undriven = c.inertia_front
    elif base.rear_axle is None:
        undriven = c.inertia_rear
    drag = 0.5 * 1.21 * base.body.drag_area_m2 * (100 / 3.6) ** 2
    crr = base.tyres.rolling_resistance_coefficient.value
    a_grip = 9.80665 * (SURFACES[surface].value - crr) - drag / m1
    if a_grip <= 0.0:
        return
    gain = (drag / (m1 * a_grip) + undriven / (m1 * c.radius**2)) * extra / (m1 + extra)
    assert _slower_or_equal(heavier, light * (1.0 - gain))


trailers = st.builds(
    Trailer,
    mass_kg=st.floats(100.0, 3500.0),
    frontal_area_m2=st.floats(0.5, 8.0),
    drag_coefficient=st.floats(0.0, 1.0),
    rolling_resistance_coefficient=st.floats(0.005, 0.02),
    tongue_load_fraction=st.floats(0.03, 0.10),
    hitch_height_m=st.floats(0.35, 0.5),
)


@SETTINGS
@given(base=st.sampled_from([AWD, RWD]), trailer=trailers, surface=surfaces)
def test_a_trailer_never_helps(base: VehicleSpec, trailer: Trailer, surface: str) -> None:
    r = performance(base, trailer=trailer, surface=surface)
    assert r.towing is not None
    alone, towed = r.acceleration, r.towing.acceleration
    assert _slower_or_equal(towed.accel_0_100_kph_s, alone.accel_0_100_kph_s)
    assert _slower_or_equal(towed.accel_0_60_mph_s, alone.accel_0_60_mph_s)
    g_alone = r.grade_on(surface)
    assert r.towing.grade.start_grade_pct <= g_alone.start_grade_pct + EPS
    hold = r.towing.grade.hold_grade_pct
    assert math.isnan(hold) or hold <= g_alone.hold_grade_pct + EPS
    assert all(x > 0 for x in r.towing.extra_road_load_n)


@pytest.mark.parametrize("surface", ["dry_asphalt", "snow"])
def test_batch_equals_a_loop_of_singles(surface: str) -> None:
    specs = [AWD, RWD, with_figures(AWD, {"mass.kerb_kg": 2400.0})]
    batch = performance_batch(specs, surface=surface)
    for spec, b in zip(specs, batch, strict=True):
        assert performance(spec, surface=surface).to_dict() == b.to_dict()
