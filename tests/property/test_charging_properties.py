"""Properties of charging sessions that must hold for any car, charger and weather."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evtwin.sim import charge_model as cm
from evtwin.sim.charging import AcCharger, DcCharger, charge_parameters, charge_session
from evtwin.specs import VehicleSpec, load_vehicle, vehicle_names

SPECS = {name: load_vehicle(name) for name in vehicle_names()}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

vehicles = st.sampled_from(sorted(SPECS)).map(SPECS.__getitem__)


@st.composite
def windows(draw: st.DrawFn) -> tuple[float, float]:
    a = draw(st.floats(0.0, 0.9))
    b = draw(st.floats(a + 0.05, 1.0))
    return a, b


@SETTINGS
@given(
    spec=vehicles,
    window=windows(),
    temperature=st.floats(-20.0, 35.0),
    preconditioned=st.booleans(),
    p1=st.floats(20.0, 400.0),
    more=st.floats(0.0, 300.0),
)
def test_more_charger_power_is_never_slower(
    spec: VehicleSpec,
    window: tuple[float, float],
    temperature: float,
    preconditioned: bool,
    p1: float,
    more: float,
) -> None:
    a, b = window
    runs = [
        charge_session(
            spec, DcCharger(p, 1000.0, 1000.0, 0.0), a, b, temperature, None, preconditioned
        )
        for p in (p1, p1 + more)
    ]
    slow, fast = (r.duration for r in runs)
    assert slow is not None
    assert fast is not None
    assert fast <= slow * (1.0 + 1e-9)


@SETTINGS
@given(
    spec=vehicles,
    window=windows(),
    temperature=st.floats(-30.0, 45.0),
    battery=st.one_of(st.none(), st.floats(-30.0, 55.0)),
    preconditioned=st.booleans(),
    ac=st.booleans(),
    power=st.floats(3.0, 400.0),
    current=st.floats(50.0, 1000.0),
)
def test_energy_balance_closes(
    spec: VehicleSpec,
    window: tuple[float, float],
    temperature: float,
    battery: float | None,
    preconditioned: bool,
    ac: bool,
    power: float,
    current: float,
) -> None:
    """Grid energy = energy into the cells + every loss, and the cells' energy is the rise
    in state of charge, on any charger (an 800 V car on a 500 V one charges nothing)."""
    a, b = window
    charger: DcCharger | AcCharger = (
        AcCharger(power_kw=min(power, 22.0)) if ac else DcCharger(power, current, 500.0 + power)
    )
    r = charge_session(spec, charger, a, b, temperature, battery, preconditioned)
    assert r.energy_grid == pytest.approx(r.energy_battery + r.losses, rel=1e-9, abs=1e-6)
    capacity = spec.battery.gross_energy_kwh.value * 3.6e6
    assert r.energy_battery == pytest.approx((r.soc[-1] - r.soc[0]) * capacity, rel=1e-9)
    assert min(r.loss_battery, r.loss_auxiliary, r.loss_thermal, r.loss_conversion) >= 0.0
    assert np.all(np.diff(r.time) >= 0.0)
    if r.reached:
        assert r.soc_displayed[-1] == pytest.approx(b)


@SETTINGS
@given(
    spec=vehicles,
    window=windows(),
    cold=st.floats(-25.0, 20.0),
    warmer=st.floats(0.0, 5.0),
)
def test_a_colder_pack_never_charges_faster(
    spec: VehicleSpec, window: tuple[float, float], cold: float, warmer: float
) -> None:
    a, b = window
    slow, fast = (
        charge_session(spec, soc_from=a, soc_to=b, temperature_c=t, preconditioned=False).duration
        for t in (cold, cold + warmer)
    )
    assert slow is not None
    assert fast is not None
    assert fast <= slow * (1.0 + 1e-9)


@settings(max_examples=20, deadline=None)
@given(
    spec=vehicles,
    window=windows(),
    acceptance=st.lists(st.floats(0.3, 12.0), min_size=2, max_size=6),
    temperature=st.floats(-15.0, 35.0),
)
def test_a_batch_equals_a_loop_of_singles(
    spec: VehicleSpec, window: tuple[float, float], acceptance: list[float], temperature: float
) -> None:
    p = charge_parameters(spec)
    path = cm.charge_path(p, DcCharger())
    a, b = (p.soc_gross(x) for x in window)
    t = temperature + 273.15
    acc = np.array(acceptance) / 3600.0
    batch = cm.integrate(p, acc, path, a, b, t, t)
    for i, k in enumerate(acc):
        one = cm.integrate(p, np.array([k]), path, a, b, t, t)
        np.testing.assert_array_equal(batch.time[i], one.time[0])
        np.testing.assert_array_equal(batch.current[i], one.current[0])
        np.testing.assert_array_equal(batch.temperature[i], one.temperature[0])
