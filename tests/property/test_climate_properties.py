"""Weather and climate control move consumption the way physics says."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from evtwin.sim.cabin import ClimateControl
from evtwin.sim.conditions import Ambient
from evtwin.sim.drive import simulate
from evtwin.sim.prepare import RunOptions
from evtwin.sim.real_world import steady
from evtwin.specs import VehicleSpec
from evtwin.study.corners import with_figures

CYCLE = steady(25.0, duration=1800.0)


def _use(spec: VehicleSpec, t: float, climate: ClimateControl | None) -> float:
    res = simulate(
        spec,
        CYCLE,
        ambient=Ambient(temperature_c=t),
        options=RunOptions(climate=climate),
        traces=False,
    )
    return float(res.energy.battery_chemical[0])


@settings(max_examples=15, deadline=None)
@given(t=st.floats(-20.0, 15.0), dt=st.floats(1.0, 15.0))
def test_colder_weather_never_costs_less_when_heating(
    awd_car: VehicleSpec, t: float, dt: float
) -> None:
    ctl = ClimateControl()
    assert _use(awd_car, t, ctl) >= _use(awd_car, t + dt, ctl)


@settings(max_examples=10, deadline=None)
@given(t=st.floats(-20.0, 10.0))
def test_a_heat_pump_never_costs_more_than_a_resistive_heater(
    awd_car: VehicleSpec, t: float
) -> None:
    from evtwin.specs.climate import Climate, Flag

    hp = awd_car.model_copy(
        update={"climate": Climate(heat_pump=Flag(value=True, source="estimate", basis="test"))}
    )
    ctl = ClimateControl()
    assert _use(hp, t, ctl) <= _use(awd_car, t, ctl) + 1e-6


@settings(max_examples=10, deadline=None)
@given(t=st.floats(-20.0, 40.0))
def test_climate_control_never_saves_energy(awd_car: VehicleSpec, t: float) -> None:
    assert _use(awd_car, t, ClimateControl()) >= _use(awd_car, t, None) - 1e-6


@settings(max_examples=10, deadline=None)
@given(extra=st.floats(10.0, 600.0))
def test_more_payload_never_costs_less(awd_car: VehicleSpec, extra: float) -> None:
    cyc = "udds"
    base = simulate(awd_car, cyc, options=RunOptions(payload_kg=0.0), traces=False)
    more = simulate(awd_car, cyc, options=RunOptions(payload_kg=extra), traces=False)
    assert more.energy.battery_chemical[0] > base.energy.battery_chemical[0]
    assert np.isfinite(more.energy.closure[0])


def test_spec_figures_still_validate(awd_car: VehicleSpec) -> None:
    # Sanity: the fixture round-trips through the validated copier used above.
    assert with_figures(awd_car, {}).content_hash == awd_car.content_hash
