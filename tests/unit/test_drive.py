"""The drive-cycle simulation: energy balance, trace miss, regeneration limits, segments."""

from __future__ import annotations

import numpy as np
import pytest

from evtwin.control.torque_split import split_map_direct
from evtwin.cycles import WLTC_PHASES, Cycle, load_cycle
from evtwin.physics.battery import current_from_power
from evtwin.sim.conditions import Ambient
from evtwin.sim.drive import simulate
from evtwin.sim.prepare import RunOptions, battery_tables, drive_unit
from evtwin.sim.result import CLOSURE_TOLERANCE
from evtwin.specs import VehicleSpec
from evtwin.study.corners import with_figures
from evtwin.units import GRAVITY, KPH


@pytest.mark.parametrize(
    "cycle", ["udds", "hwfet", "wltc_class3b", "us06", "artemis_urban", "nedc"]
)
def test_energy_balance_closes_on_every_cycle(awd_car: VehicleSpec, cycle: str) -> None:
    r = simulate(awd_car, cycle)
    assert r.energy.closure[0] <= CLOSURE_TOLERANCE
    assert r.trace_miss.followed[0]
    assert r.distance[0] == pytest.approx(load_cycle(cycle).distance, rel=1e-9)
    # Rest to rest: no net kinetic energy.
    assert abs(r.energy.inertia[0]) < 1e-6 * r.energy.battery_chemical[0]


def test_constant_speed_matches_the_physics_by_hand(awd_car: VehicleSpec) -> None:
    v = 100 * KPH
    n = 200
    cyc = Cycle("steady", np.arange(n + 1.0), np.full(n + 1, v), 0.0)
    amb = Ambient(temperature_c=20.0)
    r = simulate(awd_car, cyc, ambient=amb, options=RunOptions(soc_start=0.6))
    m = awd_car.mass.kerb_kg.value
    # Rise of 10 % per 100 km/h at 100 km/h; the tyre's Crr is at ISO 28580's 25 C and
    # rolls 1 / (1 + 0.008 (20 - 25)) times harder at 20 C.
    crr = 0.008 * (1 + 0.1) / (1 - 0.008 * 5)
    f_roll = m * GRAVITY * crr
    f_aero = 0.5 * amb.air_density * 0.29 * 2.6 * v * v
    t = n * 1.0
    assert r.energy.rolling[0] == pytest.approx(f_roll * v * t, rel=1e-12)
    assert r.energy.aero[0] == pytest.approx(f_aero * v * t, rel=1e-12)
    # Drivetrain losses: the least-loss split by brute force, within the map's accuracy.
    w = v / awd_car.tyres.radius_m
    front = drive_unit(awd_car.front_axle)  # type: ignore[arg-type]
    rear = drive_unit(awd_car.rear_axle)  # type: ignore[arg-type]
    loss = split_map_direct(front, rear, (f_roll + f_aero) * awd_car.tyres.radius_m, w)
    got = (r.energy.drivetrain[0] + r.energy.motor[0] + r.energy.inverter[0]) / t
    assert got == pytest.approx(loss, rel=0.01)
    # Battery: P_term = wheel power + losses + aux; loss R I^2 at the run's SOC.
    p_term = (f_roll + f_aero) * v + got + 300.0
    tables, r_mid = battery_tables(awd_car.battery, amb.battery_temperature)
    ocv = np.interp(0.6, np.linspace(0, 1, tables.shape[1]), tables[0])
    res = r_mid * np.interp(0.6, np.linspace(0, 1, tables.shape[1]), tables[1])
    i = float(current_from_power(p_term, ocv, res))
    assert r.energy.battery[0] / t == pytest.approx(res * i * i, rel=0.01)
    assert r.battery_terminal[0] / t == pytest.approx(p_term, rel=1e-3)


def test_underpowered_car_falls_behind_and_says_by_how_much(rwd_car: VehicleSpec) -> None:
    weak = with_figures(
        rwd_car, {"rear_axle.motor.peak_power_kw": 40.0, "rear_axle.motor.peak_torque_nm": 150.0}
    )
    r = simulate(weak, "us06")
    assert r.trace_miss.time_missed[0] > 30.0
    assert r.trace_miss.distance_shortfall[0] > 100.0
    assert r.trace_miss.max_speed_deficit[0] > 2.0
    assert r.energy.closure[0] <= CLOSURE_TOLERANCE
    assert r.traces is not None
    assert np.all(r.traces.speed[0] <= load_cycle("us06").speed + 1e-9)
    assert r.traces.limited[0].sum() > 0


def test_battery_power_limit_holds(rwd_car: VehicleSpec) -> None:
    capped = with_figures(
        rwd_car, {"battery.max_discharge_power_kw": 30.0, "battery.max_charge_power_kw": 5.0}
    )
    r = simulate(capped, "us06")
    assert r.power_terminal_max[0] <= 30e3 * 1.01
    assert r.power_terminal_min[0] >= -5e3 * 1.01
    full = simulate(rwd_car, "us06")
    assert r.energy.regen_recovered[0] < 0.5 * full.energy.regen_recovered[0]
    assert r.energy.friction_brakes[0] > full.energy.friction_brakes[0]


def test_no_regeneration_into_a_full_battery(rwd_car: VehicleSpec) -> None:
    top = rwd_car.battery.soc_window[1]
    n = 120
    t = np.arange(n + 1.0)
    # Down a 6 % hill from a full battery: the car brakes all the way.
    r = simulate(
        rwd_car, Cycle("descent", t, np.full(n + 1, 15.0), -0.06), options=RunOptions(soc_start=top)
    )
    assert r.traces is not None
    assert np.all(r.traces.power_terminal[0, 1:] >= -1e-6)  # nothing goes in
    assert r.energy.regen_stored[0] == 0.0
    assert r.energy.friction_brakes[0] > 0.5 * -r.energy.grade[0]
    # Half full, the same descent charges the battery.
    half = simulate(
        rwd_car, Cycle("descent", t, np.full(n + 1, 15.0), -0.06), options=RunOptions(soc_start=0.5)
    )
    assert half.energy.regen_stored[0] > 0.0


def test_empty_battery_cannot_drive(rwd_car: VehicleSpec) -> None:
    bottom = rwd_car.battery.soc_window[0]
    r = simulate(rwd_car, "udds", options=RunOptions(soc_start=bottom))
    assert r.distance[0] < 0.01 * r.distance_target[0]
    assert r.energy.closure[0] <= CLOSURE_TOLERANCE


def test_segments_add_up_and_traces_match_totals(awd_car: VehicleSpec) -> None:
    r = simulate(awd_car, "wltc_class3b", segments=WLTC_PHASES)
    assert r.segments is not None
    assert r.traces is not None
    assert r.segments.distance.sum() == pytest.approx(r.distance[0], rel=1e-12)
    assert r.segments.terminal.sum() == pytest.approx(r.battery_terminal[0], rel=1e-12)
    assert r.segments.chemical.sum() == pytest.approx(r.energy.battery_chemical[0], rel=1e-9)
    dt = np.diff(r.traces.time)
    assert np.sum(r.traces.power_terminal[0, 1:] * dt) == pytest.approx(
        r.battery_terminal[0], rel=1e-12
    )
    assert np.sum(r.traces.power_friction[0, 1:] * dt) == pytest.approx(
        r.energy.friction_brakes[0], rel=1e-9
    )
    soc_drop = r.traces.soc[0, 0] - r.traces.soc[0, -1]
    assert soc_drop == pytest.approx(r.soc_start[0] - r.soc_end[0])


def test_grade_costs_energy_up_and_returns_some_down(rwd_car: VehicleSpec) -> None:
    n = 300
    t = np.arange(n + 1.0)
    v = np.full(n + 1, 15.0)
    half = RunOptions(soc_start=0.5)
    up = simulate(rwd_car, Cycle("up", t, v, 0.05), options=half)
    flat = simulate(rwd_car, Cycle("flat", t, v, 0.0), options=half)
    down = simulate(rwd_car, Cycle("down", t, v, -0.05), options=half)
    climb = rwd_car.mass.kerb_kg.value * GRAVITY * 0.05 / np.sqrt(1.0025) * 15.0 * n
    assert up.energy.grade[0] == pytest.approx(climb, rel=1e-9)
    assert up.energy.battery_chemical[0] > flat.energy.battery_chemical[0] + climb
    assert down.energy.battery_chemical[0] < 0.0  # regenerating downhill


def test_results_are_frozen(rwd_car: VehicleSpec) -> None:
    r = simulate(rwd_car, "udds")
    with pytest.raises(ValueError, match="read-only"):
        r.distance[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        r.energy.aero[0] = 1.0
    with pytest.raises(AttributeError):
        r.cycle = "other"  # type: ignore[misc]


def test_parallel_and_serial_kernels_are_distinct_compilations(rwd_car: VehicleSpec) -> None:
    # numba's disk cache keys on the function's qualified name: the two wrappers must
    # not share one, or the parallel kernel silently loads the serial code.
    from evtwin.sim import _kernel

    assert _kernel.drive_parallel.py_func.__qualname__ != _kernel.drive_serial.py_func.__qualname__
    assert _kernel.drive_parallel.targetoptions.get("parallel")
    one = simulate([rwd_car] * 3, "udds", parallel=False, traces=False)
    par = simulate([rwd_car] * 3, "udds", parallel=True, traces=False)
    np.testing.assert_array_equal(one.energy.values, par.energy.values)
