"""Cabin heat balance, climate-control power, cold tyres, and their place in a run."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from evtwin.cycles import Cycle, load_cycle
from evtwin.cycles.procedure import FTP_SOAK, ftp75
from evtwin.physics import hvac
from evtwin.reference.epa import wh_per_mi_from_result
from evtwin.sim.cabin import (
    FRESH_AIR,
    CabinParameters,
    ClimateControl,
    auxiliary_profile,
    cabin_parameters,
    cabin_run,
)
from evtwin.sim.conditions import Ambient
from evtwin.sim.drive import simulate
from evtwin.sim.prepare import RunOptions
from evtwin.specs import VehicleSpec
from evtwin.units import MILE

K0 = 273.15


def test_heat_flows_by_hand() -> None:
    assert hvac.envelope_loss(50.0, 295.0, 266.0) == pytest.approx(1450.0)
    assert hvac.ventilation_loss(0.035, 295.0, 266.0) == pytest.approx(0.035 * 1005 * 29)
    assert hvac.solar_gain(850.0, 3.0, 0.5) == pytest.approx(1275.0)
    assert hvac.occupant_gain(2) == pytest.approx(140.0)


def test_heat_pump_and_air_conditioner_cop_by_hand() -> None:
    # -6.7 C outside, evaporator 10 K colder, condenser at 45 C.
    lift = 318.15 - (266.45 - 10.0)
    assert hvac.heat_pump_cop(266.45) == pytest.approx(0.4 * 318.15 / lift)
    # 35 C outside, condenser 15 K warmer, evaporator at 5 C.
    assert hvac.cooling_cop(308.15) == pytest.approx(0.35 * 278.15 / 45.0)
    # Never below 1 (a resistive heater would do better), never above the cap.
    assert hvac.heat_pump_cop(200.0) == 1.0
    assert hvac.heat_pump_cop(330.0) == 4.0
    assert np.all(np.diff(hvac.heat_pump_cop(np.linspace(240.0, 300.0, 20))) >= 0)


def test_tyres_roll_harder_in_the_cold() -> None:
    assert hvac.tyre_rolling_factor(25.0) == 1.0
    assert hvac.tyre_rolling_factor(-6.7) == pytest.approx(1.0 / (1.0 - 0.008 * 31.7))


PARAMS = CabinParameters(
    conductance=50.0,
    heat_capacity=70e3,
    glazing_area=3.5,
    heater_max=6000.0,
    cooling_max=5000.0,
    blower=150.0,
    heat_pump=False,
)


def test_cabin_warms_up_as_the_first_order_solution_says() -> None:
    amb = Ambient(temperature_c=-6.7)
    ctl = ClimateControl(setpoint_c=22.0, occupants=1)
    run = cabin_run(PARAMS, amb, ctl, np.full(3000, 1.0))
    k = PARAMS.conductance + FRESH_AIR * hvac.CP_AIR
    q = PARAMS.heater_max + hvac.OCCUPANT_SENSIBLE_W
    # T(t) = Ta + q/k (1 - exp(-k t / C)) until the set point.
    t_star = -PARAMS.heat_capacity / k * math.log(1.0 - k * (22.0 + 6.7) / q)
    reached = int(np.argmax(run.cabin_temperature >= 22.0 + K0 - 1e-6))
    assert reached == pytest.approx(t_star, abs=2.0)
    assert np.all(run.electrical[: int(t_star) - 1] == pytest.approx(6000.0 + 150.0))
    # Then it holds the set point, supplying exactly the losses less body heat.
    steady = k * (22.0 + 6.7) - hvac.OCCUPANT_SENSIBLE_W + 150.0
    assert run.electrical[-1] == pytest.approx(steady, rel=1e-6)


def test_heat_pump_divides_the_heat_by_its_cop() -> None:
    amb = Ambient(temperature_c=-6.7)
    ctl = ClimateControl()
    dt = np.full(4000, 1.0)
    res = cabin_run(PARAMS, amb, ctl, dt)
    hp = cabin_run(replace(PARAMS, heat_pump=True), amb, ctl, dt)
    cop = float(hvac.heat_pump_cop(amb.temperature_c + K0))
    assert hp.electrical[-1] - 150.0 == pytest.approx((res.electrical[-1] - 150.0) / cop)
    # Below the heat pump's working range it falls back to the resistive heater.
    arctic = Ambient(temperature_c=-30.0)
    assert cabin_run(replace(PARAMS, heat_pump=True), arctic, ctl, dt).electrical[-1] == (
        pytest.approx(cabin_run(PARAMS, arctic, ctl, dt).electrical[-1])
    )


def test_sun_and_heat_make_the_air_conditioner_work() -> None:
    amb = Ambient(temperature_c=35.0, solar_w_per_m2=850.0)
    run = cabin_run(PARAMS, amb, ClimateControl(presoak_s=600.0), np.full(2000, 1.0))
    assert run.cabin_temperature[0] > 35.0 + K0  # the parked car soaked in the sun
    assert np.all(run.thermal <= 0.0)
    assert run.thermal[0] == -PARAMS.cooling_max
    assert run.electrical[-1] > 150.0


def test_climate_off_draws_nothing() -> None:
    run = cabin_run(
        PARAMS, Ambient(temperature_c=-10.0), ClimateControl(enabled=False), np.ones(50)
    )
    assert np.all(run.electrical == 0.0)


def test_parked_steps_draw_nothing_and_cool_exactly() -> None:
    sched = ftp75()
    assert sched.cycle.distance / MILE == pytest.approx(11.04, abs=0.01)
    assert int((~sched.key_on).sum()) == 1
    assert sched.cycle.dt[~sched.key_on][0] == FTP_SOAK
    run = cabin_run(
        PARAMS, Ambient(temperature_c=-6.7), ClimateControl(), sched.cycle.dt, sched.key_on
    )
    i = int(np.flatnonzero(~sched.key_on)[0])
    assert run.electrical[i] == 0.0
    tau = PARAMS.heat_capacity / PARAMS.conductance
    expect = (run.cabin_temperature[i] - 266.45) * math.exp(-FTP_SOAK / tau) + 266.45
    assert run.cabin_temperature[i + 1] == pytest.approx(expect)


def test_cabin_is_estimated_from_the_body(awd_car: VehicleSpec) -> None:
    p = cabin_parameters(awd_car)
    assert 25.0 < p.conductance < 80.0
    assert 40e3 < p.heat_capacity < 120e3
    assert p.heat_pump is False  # the fixture says nothing: resistive


def test_the_drive_loop_draws_the_climate_profile(awd_car: VehicleSpec) -> None:
    amb = Ambient(temperature_c=-10.0)
    ctl = ClimateControl()
    cyc = load_cycle("udds")
    res = simulate(awd_car, cyc, ambient=amb, options=RunOptions(climate=ctl))
    prof = auxiliary_profile(awd_car, amb, ctl, cyc.dt)
    assert res.energy.auxiliary[0] == pytest.approx(float(np.sum(prof * cyc.dt)), rel=1e-12)
    assert res.energy.closure[0] <= 1e-6
    plain = simulate(awd_car, cyc, ambient=amb)
    assert res.energy.battery_chemical[0] > plain.energy.battery_chemical[0]
    # The battery pays for the heater, give or take its own losses (more current out,
    # but braking energy now feeds the heater directly instead of a round trip).
    extra = res.energy.battery_chemical[0] - plain.energy.battery_chemical[0]
    assert extra == pytest.approx(res.energy.auxiliary[0] - plain.energy.auxiliary[0], rel=0.05)


def test_a_soak_in_the_schedule_draws_nothing(awd_car: VehicleSpec) -> None:
    sched = ftp75()
    res = simulate(
        awd_car,
        sched.cycle,
        ambient=Ambient(temperature_c=-6.7),
        options=RunOptions(climate=ClimateControl()),
        key_on=sched.key_on,
    )
    on_time = float(np.sum(sched.cycle.dt[sched.key_on]))
    assert res.energy.auxiliary[0] < (6000 + 150 + awd_car.auxiliary.base_load_w.value) * on_time


def test_cold_ftp_results_are_kwh_per_100_km() -> None:
    assert wh_per_mi_from_result(26.7, "ftp_20f") == pytest.approx(26.7 * 16.09344)
    assert wh_per_mi_from_result(26.7, "udds") == pytest.approx(267.0)
    assert wh_per_mi_from_result(120.0, "ftp_20f") == pytest.approx(33705 / 120.0)


def test_bad_climate_values_name_the_field() -> None:
    with pytest.raises(ValueError, match="setpoint_c"):
        ClimateControl(setpoint_c=40.0)
    with pytest.raises(ValueError, match="solar_w_per_m2"):
        Ambient(solar_w_per_m2=-1.0)


def test_steady_cycle_rejects_bad_speed() -> None:
    from evtwin.sim.real_world import steady

    with pytest.raises(ValueError, match="speed"):
        steady(float("nan"))
    c = steady(30.0)
    assert isinstance(c, Cycle)
    assert c.distance == pytest.approx(30.0 * 600.0)
