"""Charging: each physics term against a hand calculation, then whole sessions."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from statistics import median

import numpy as np
import pytest

from evtwin.physics import charging as pc
from evtwin.physics.battery import GAS_CONSTANT
from evtwin.sim import charge_model as cm
from evtwin.sim.charging import (
    DC_150_400V,
    DEFAULT_ACCEPTANCE_C_RATE,
    HPC_350,
    LIMITS,
    UNLIMITED_DC,
    AcCharger,
    ChargeParameters,
    DcCharger,
    ac_session,
    charge_parameters,
    charge_session,
)
from evtwin.specs import SpecError, VehicleSpec, load_vehicle, parse_vehicle, vehicle_names
from evtwin.units import KWH, ZERO_CELSIUS

# --- physics terms ---------------------------------------------------------------------


def test_terminal_voltage_is_ocv_plus_ir() -> None:
    assert float(pc.terminal_voltage(400.0, 100.0, 0.1)) == pytest.approx(410.0)


def test_current_for_charge_power_hand_value() -> None:
    # 0.1 I^2 + 400 I = 40 kW: I = (-400 + sqrt(400^2 + 4 * 0.1 * 40e3)) / 0.2 = 97.6177 A.
    i = float(pc.current_for_charge_power(40e3, 400.0, 0.1))
    assert i == pytest.approx((-400.0 + math.sqrt(160_000.0 + 16_000.0)) / 0.2)
    assert i == pytest.approx(97.6177, rel=1e-5)
    assert 400.0 * i + 0.1 * i * i == pytest.approx(40e3)
    assert float(pc.current_for_charge_power(-5.0, 400.0, 0.1)) == 0.0
    assert float(pc.current_for_charge_power(40e3, 400.0, 0.0)) == pytest.approx(100.0)


def test_current_limit_voltage_is_the_cv_current() -> None:
    assert float(pc.current_limit_voltage(400.0, 0.1, 410.0)) == pytest.approx(100.0)
    assert float(pc.current_limit_voltage(400.0, 0.1, 390.0)) == 0.0


def test_current_limit_supply_hand_value() -> None:
    # No other load: the supply's current itself.
    assert float(pc.current_limit_supply(200.0, 400.0, 0.1, 0.0)) == pytest.approx(200.0)
    # 4 kW of other loads: 0.1 I^2 + 380 I - 76000 = 0 gives I = 190.4545 A.
    i = float(pc.current_limit_supply(200.0, 400.0, 0.1, 4000.0))
    assert i == pytest.approx((-380.0 + math.sqrt(380.0**2 + 4 * 0.1 * 76_000.0)) / 0.2)
    assert i == pytest.approx(190.4545, rel=1e-5)
    inlet_current = (400.0 * i + 0.1 * i * i + 4000.0) / (400.0 + 0.1 * i)
    assert inlet_current == pytest.approx(200.0)


def test_anode_lithiation_follows_chen_2020() -> None:
    x = pc.anode_lithiation(np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(x, [0.0279, 0.0279 + 0.5 * (0.9014 - 0.0279), 0.9014])


def test_current_limit_plating_hand_value() -> None:
    # k = 2 per hour, Q = 200 A h: 400 A per unit of free anode, 1 - 0.46465 free at 50 %.
    i = float(pc.current_limit_plating(0.5, 2.0 / 3600.0, 200.0 * 3600.0))
    assert i == pytest.approx(400.0 * (1.0 - 0.46465))
    # It falls linearly with the state of charge, to k Q (1 - 0.9014) at 100 %.
    assert float(pc.current_limit_plating(1.0, 2.0 / 3600.0, 720e3)) == pytest.approx(39.44)


def test_acceptance_temperature_factor_hand_values() -> None:
    full, derate, top = 298.15, 323.15, 333.15
    assert float(pc.acceptance_temperature_factor(full, full, derate, top)) == pytest.approx(1.0)
    assert float(pc.acceptance_temperature_factor(310.0, full, derate, top)) == pytest.approx(1.0)
    cold = math.exp(-30_000.0 / GAS_CONSTANT * (1 / 273.15 - 1 / 298.15))
    got = float(pc.acceptance_temperature_factor(273.15, full, derate, top))
    assert got == pytest.approx(cold)
    assert got == pytest.approx(0.3304, rel=1e-3)
    assert float(pc.acceptance_temperature_factor(328.15, full, derate, top)) == pytest.approx(0.5)
    assert float(pc.acceptance_temperature_factor(335.0, full, derate, top)) == 0.0


def test_joule_heat() -> None:
    assert float(pc.joule_heat(100.0, 0.05)) == pytest.approx(500.0)


def test_cooling_heat_is_proportional_in_its_band() -> None:
    q = pc.cooling_heat(np.array([300.0, 310.5, 320.0]), 308.0, 5.0, 4000.0)
    np.testing.assert_allclose(q, [0.0, 2000.0, 4000.0])


def test_lumped_temperature_step_hand_values() -> None:
    # No conductance: T0 + q t / C.
    assert float(pc.lumped_temperature_step(300.0, 100.0, 1000.0, 0.0, 5e5)) == pytest.approx(300.2)
    # With conductance: T0 + q / G (1 - exp(-G t / C)) = 300 + 100 (1 - e^-0.1).
    got = float(pc.lumped_temperature_step(300.0, 1000.0, 1000.0, 10.0, 1e5))
    assert got == pytest.approx(300.0 + 100.0 * -math.expm1(-0.1))
    assert got == pytest.approx(309.5163, rel=1e-6)


# --- sessions on a hand-made battery -------------------------------------------------------


def _flat(spec: VehicleSpec, **changes: object) -> ChargeParameters:
    """The car's parameters with every limit but the ones a test wants taken away."""
    p = charge_parameters(spec)
    base: dict[str, object] = {
        "ocv_table": np.full(p.soc_table.size, 360.0),
        "resistance_table": np.full(p.resistance_table.shape, 0.05),
        "voltage_max": 1000.0,
        "current_max": math.inf,
        "acceptance": 1.0,  # per second: never binding
        "auxiliary": 0.0,
        "cooling_max": 0.0,
        "heating_power": 0.0,
        "heat_capacity": 2e5,
    }
    base.update(changes)
    return replace(p, **base)  # type: ignore[arg-type]


CURRENT_LIMITED = DcCharger(1000.0, 100.0, 1000.0, 0.0, "100 A")


def test_constant_current_phase_time_hand_value(rwd_car: VehicleSpec) -> None:
    """54 kWh usable, 10-80 %: 37.8 kWh at 360 V x 100 A = 36 kW is 1.05 h = 3780 s."""
    p = _flat(rwd_car)
    r = charge_session(rwd_car, CURRENT_LIMITED, 0.1, 0.8, 30.0, params=p)
    assert r.duration == pytest.approx(3780.0, rel=1e-9)
    assert set(r.limit) == {"charger current"}
    np.testing.assert_allclose(r.current, 100.0)
    assert r.energy_battery == pytest.approx(37.8 * KWH)
    # 0.05 ohm x (100 A)^2 = 500 W of heat for 3780 s.
    assert r.loss_battery == pytest.approx(500.0 * 3780.0)
    assert r.energy_grid == pytest.approx(36_500.0 * 3780.0)


def test_constant_voltage_taper_time_hand_value(rwd_car: VehicleSpec) -> None:
    """OCV = 300 + 100 s, held at 420 V through 0.1 ohm: I = (120 - 100 s) / 0.1.

    Energy-based SOC: C dt = C R ds / ((300 + 100 s)(120 - 100 s)), whose integral is
    C R / (100 x 420) ln((300 + 100 s) / (120 - 100 s)).
    """
    base = charge_parameters(rwd_car)
    soc = base.soc_table
    p = _flat(
        rwd_car,
        ocv_table=300.0 + 100.0 * soc,
        resistance_table=np.full(base.resistance_table.shape, 0.1),
        voltage_max=420.0,
        power_peak=1e12,  # the car's peak would bind at 1000 A
        heat_capacity=1e15,  # and 100 kW of heat would soon stop the charge
    )
    r = charge_session(rwd_car, UNLIMITED_DC, 0.2, 0.9, 30.0, params=p)
    s1, s2 = p.soc_gross(0.2), p.soc_gross(0.9)

    def f(s: float) -> float:
        return math.log((300.0 + 100.0 * s) / (120.0 - 100.0 * s))

    expected = p.capacity * 0.1 / (100.0 * 420.0) * (f(s2) - f(s1))
    assert r.duration == pytest.approx(expected, rel=2e-5)
    assert set(r.limit) == {"cell voltage (CV)"}
    np.testing.assert_allclose(r.voltage, 420.0)
    # The current falls as the open-circuit voltage rises towards the limit.
    assert np.all(np.diff(r.current[:-1]) < 0.0)


def test_joule_heating_of_the_lumped_pack_hand_value(rwd_car: VehicleSpec) -> None:
    """500 W into 200 kJ/K exchanging 20 W/K with the air at the start temperature:
    T = T0 + 500 / 20 (1 - exp(-20 t / 2e5)), 7.87 K after the 3780 s of the session."""
    p = _flat(rwd_car)
    r = charge_session(rwd_car, CURRENT_LIMITED, 0.1, 0.8, 30.0, params=p)
    g = cm.AMBIENT_CONDUCTANCE
    rise = 500.0 / g * -math.expm1(-g * 3780.0 / 2e5)
    assert rise == pytest.approx(7.87, abs=0.01)
    assert r.temperature[-1] - r.temperature[0] == pytest.approx(rise, rel=1e-9)
    t = r.time
    np.testing.assert_allclose(
        r.temperature - r.temperature[0], 500.0 / g * -np.expm1(-g * t / 2e5), rtol=1e-9
    )


# --- the compiled loop is the physics ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "temperature_c", "preconditioned", "charger"),
    [
        ("jaguar-i-pace", -5.0, False, HPC_350),
        ("tesla-model-y", 20.0, True, HPC_350),
        ("skoda-enyaq-85x", 10.0, False, DC_150_400V),
        ("jaguar-i-pace", 0.0, False, AcCharger()),
    ],
)
def test_kernel_current_equals_the_physics_functions(
    name: str, temperature_c: float, preconditioned: bool, charger: DcCharger | AcCharger
) -> None:
    """Each step's current, recomputed from the physics functions at the step's state."""
    spec = load_vehicle(name)
    p = charge_parameters(spec)
    r = charge_session(spec, charger, 0.05, 0.98, temperature_c, preconditioned=preconditioned)
    assert r.reached
    path = cm.charge_path(p, charger)
    dc = path.kind == "dc"
    n = r.time.size - 1
    mid = 0.5 * (r.soc[1:] + r.soc[:-1])
    for k in range(n):
        t = r.temperature[k]
        ocv = float(np.interp(mid[k], p.soc_table, p.ocv_table))
        rows = [np.interp(mid[k], p.soc_table, row) for row in p.resistance_table]
        res = float(np.interp(t, p.temperature_table, rows))
        factor = pc.acceptance_temperature_factor(
            t, p.temperature_full, p.temperature_derate, p.temperature_max
        )
        shared = min(
            float(pc.current_limit_plating(mid[k], p.acceptance * factor, p.charge_capacity)),
            float(pc.current_limit_voltage(ocv, res, p.voltage_max)),
            p.current_max,
        )
        q_cool = float(
            pc.cooling_heat(t, cm.COOLING_ON_C + ZERO_CELSIUS, cm.COOLING_BAND_K, p.cooling_max)
        )
        extra = (p.auxiliary if dc else 0.0) + q_cool / cm.COOLING_COP

        def source(
            extra: float, shared: float = shared, ocv: float = ocv, res: float = res
        ) -> float:
            limits = [
                shared,
                float(pc.current_for_charge_power(path.power * path.efficiency - extra, ocv, res)),
            ]
            if math.isfinite(path.current):
                limits.append(float(pc.current_limit_supply(path.current, ocv, res, extra)))
            if math.isfinite(path.voltage_max):
                limits.append(float(pc.current_limit_voltage(ocv, res, path.voltage_max)))
            return min(limits)

        current = source(extra)
        if current == shared and r.limit[k] != "cell voltage (CV)" and t < p.temperature_full:
            current = source(extra + p.heating_power)  # the heater runs in the cold
        assert r.current[k] == pytest.approx(current, rel=1e-9), k


# --- whole sessions of real cars -------------------------------------------------------------


def test_maker_time_is_reproduced_by_its_calibration() -> None:
    for name in ("bmw-ix1-xdrive30", "skoda-enyaq-85x", "jaguar-i-pace"):
        spec = load_vehicle(name)
        claim = spec.charging.dc_time
        assert claim is not None
        charger = (
            UNLIMITED_DC if claim.charger_kw is None else DcCharger(claim.charger_kw, 1e4, 1500.0)
        )
        r = charge_session(
            spec, charger, claim.soc_from_pct / 100, claim.soc_to_pct / 100, temperature_c=25.0
        )
        assert r.duration is not None
        assert r.duration / 60.0 == pytest.approx(claim.time_min.value, rel=2e-3), name
        assert "maker's" in r.acceptance_basis


def test_default_acceptance_is_the_median_of_the_makers_times() -> None:
    """The default's stated basis, recomputed: so the constant cannot drift from it."""
    fitted = []
    for name in vehicle_names():
        spec = load_vehicle(name)
        if spec.charging.dc_time is not None:
            fitted.append(charge_parameters(spec).acceptance_c_rate)
    assert len(fitted) >= 5
    assert median(fitted) == pytest.approx(DEFAULT_ACCEPTANCE_C_RATE, abs=0.05)


def test_800v_car_on_a_400v_charger_needs_a_booster() -> None:
    spec = load_vehicle("defender-sport")
    r = charge_session(spec, DC_150_400V)
    assert not r.reached
    assert r.duration is None
    assert r.time_10_80 is None
    assert "booster" in r.notes[-1]
    assert "500 V" in r.notes[-1]
    assert r.energy_grid == 0.0
    boosted = replace(charge_parameters(spec), booster_power=50e3)
    rb = charge_session(spec, DC_150_400V, params=boosted)
    assert rb.reached
    assert "booster" in rb.limit
    assert rb.power_inlet.max() <= 50e3 / cm.BOOSTER_EFFICIENCY * (1 + 1e-9)
    assert rb.loss_conversion > 0.0
    # On an 800 V charger it needs none.
    assert charge_session(spec, HPC_350).reached


def test_400v_car_on_an_800v_charger_is_held_by_its_current() -> None:
    spec = load_vehicle("tesla-model-y")
    r = charge_session(spec, HPC_350)
    assert r.reached
    assert "charger current" in r.limit
    # 500 A at the terminal voltage: below the car's 250 kW peak.
    assert r.power_inlet.max() <= 500.0 * r.voltage.max() * (1 + 1e-9)
    assert r.power_inlet.max() < 250e3
    free = charge_session(spec, UNLIMITED_DC)
    assert free.duration is not None
    assert r.duration is not None
    assert free.duration < r.duration


def test_cold_pack_charges_slower_and_preconditioning_helps() -> None:
    spec = load_vehicle("skoda-enyaq-85x")
    warm = charge_session(spec, temperature_c=25.0)
    cold = charge_session(spec, temperature_c=-10.0, preconditioned=False)
    pre = charge_session(spec, temperature_c=-10.0, preconditioned=True)
    assert warm.duration is not None
    assert cold.duration is not None
    assert pre.duration is not None
    assert cold.duration > 1.2 * warm.duration
    assert pre.duration < cold.duration
    assert cold.loss_thermal > warm.loss_thermal  # the heater ran
    assert cold.temperature[0] == pytest.approx(263.15)
    assert pre.temperature[0] == pytest.approx(cm.PRECONDITIONING_TARGET_C + ZERO_CELSIUS)


def test_ac_session_hand_bounds(rwd_car: VehicleSpec) -> None:
    """11 kW at 0.9 puts 9.9 kW on the terminals: 54 kWh takes at least 54 / 9.9 h."""
    r = ac_session(rwd_car)
    assert r.kind == "ac"
    assert r.reached
    assert r.duration is not None
    floor = 54.0 / 9.9 * 3600.0
    assert floor < r.duration < 1.03 * floor
    assert r.energy_battery == pytest.approx(54.0 * KWH)
    # The wall pays the charger's loss on top of what the terminals take.
    terminal = r.energy_battery + r.loss_battery + r.loss_thermal
    assert r.energy_grid == pytest.approx(terminal / 0.9, rel=1e-9)
    t = r.time_10_80
    assert t is not None
    assert 0.65 * r.duration < t < 0.75 * r.duration
    e = r.energy_between(0.1, 0.8)
    assert e is not None
    assert e[1] == pytest.approx(0.7 * 54.0 * KWH)
    slower = ac_session(rwd_car, AcCharger(power_kw=7.4))
    assert slower.duration is not None
    assert slower.duration > r.duration


def test_energy_balance_closes_and_to_dict_is_json() -> None:
    spec = load_vehicle("jaguar-i-pace")
    r = charge_session(spec, consumption_kwh_per_100km=22.0)
    assert r.energy_grid == pytest.approx(r.energy_battery + r.losses, rel=1e-12)
    d = r.to_dict()
    json.dumps(d)
    assert d["time_10_80_min"] == pytest.approx(r.time_10_80 / 60.0, abs=0.01)  # type: ignore[operator]
    assert d["energy_grid_kwh"] == pytest.approx(r.energy_grid / KWH, abs=1e-3)
    ten = d["added"][0]
    assert ten["minutes"] == 10
    # Range added is the energy added over the consumption: 22 kWh per 100 km.
    assert ten["range_km"] == pytest.approx(ten["energy_kwh"] / 0.22, abs=0.1)
    assert ten["range_mi"] == pytest.approx(ten["range_km"] / 1.609344, abs=0.1)
    for key in ("duration_min", "energy_battery_kwh", "peak_power_inlet_kw", "soc_from_pct"):
        assert key in d
    assert set(d["trace"]) == {
        "time_s",
        "soc_displayed_pct",
        "power_inlet_kw",
        "power_cells_kw",
        "current_a",
        "voltage_v",
        "temperature_c",
        "limit",
    }
    assert set(d["trace"]["limit"]) <= set(LIMITS)
    assert d["curve"]["soc_displayed_pct"][0] == 10
    assert d["curve"]["soc_displayed_pct"][-1] == 80
    assert charge_session(spec).to_dict()["added"][0]["range_km"] is None


def test_energy_added_is_capped_by_the_session() -> None:
    spec = load_vehicle("defender-sport")
    r = charge_session(spec, soc_from=0.7, soc_to=0.8)
    assert r.duration is not None
    assert r.duration < 600.0
    assert r.energy_added(1200.0) == pytest.approx(r.energy_battery)


def test_result_is_frozen() -> None:
    r = charge_session(load_vehicle("jaguar-i-pace"))
    with pytest.raises(ValueError, match="read-only"):
        r.time[0] = 1.0
    with pytest.raises(AttributeError):
        r.vehicle = "x"  # type: ignore[misc]


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"soc_from": 0.8, "soc_to": 0.1}, "soc_from"),
        ({"soc_to": 1.2}, "soc_to"),
        ({"temperature_c": -60.0}, "temperature_c"),
        ({"battery_temperature_c": float("nan")}, "battery_temperature_c"),
        ({"consumption_kwh_per_100km": 0.0}, "consumption_kwh_per_100km"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        charge_session(load_vehicle("jaguar-i-pace"), **kwargs)  # type: ignore[arg-type]


def test_bad_chargers_name_the_field() -> None:
    with pytest.raises(ValueError, match="power_kw"):
        DcCharger(power_kw=-1.0)
    with pytest.raises(ValueError, match="min_voltage_v"):
        DcCharger(max_voltage_v=500.0, min_voltage_v=600.0)
    with pytest.raises(ValueError, match="power_kw"):
        AcCharger(power_kw=0.0)
    with pytest.raises(TypeError, match="charger"):
        charge_session(load_vehicle("jaguar-i-pace"), "fast")  # type: ignore[arg-type]


def test_bad_charging_fields_in_a_vehicle_file(rwd_car: VehicleSpec) -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "fixtures" / "rwd-car.yaml").read_text()
    good = text.replace(
        "  ac_efficiency: {value: 0.9, source: fastsim}\n",
        "  ac_efficiency: {value: 0.9, source: fastsim}\n"
        "  dc_time: {soc_from_pct: 10, soc_to_pct: 80, time_min: {value: 25, source: fastsim}}\n"
        "  dc_model: {max_cell_voltage_v: {value: 4.15, source: estimate, basis: test}}\n",
    )
    assert good != text
    spec = parse_vehicle(good, "ok.yaml")
    assert spec.charging.dc_time is not None
    assert charge_parameters(spec).voltage_max == pytest.approx(
        charge_parameters(rwd_car).voltage_max * 4.15 / 3.65
    )
    for bad, field in (
        ("soc_from_pct: 10, soc_to_pct: 80", "soc_from_pct: 90, soc_to_pct: 80"),
        ("value: 4.15", "value: 6.0"),
        ("time_min: {value: 25", "time_min: {value: -25"),
    ):
        with pytest.raises(SpecError) as err:
            parse_vehicle(good.replace(bad, field), "bad.yaml")
        assert "charging.dc_" in str(err.value)


def _rwd_with_charging(extra: str) -> VehicleSpec:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "fixtures" / "rwd-car.yaml").read_text()
    anchor = "  ac_efficiency: {value: 0.9, source: fastsim}\n"
    assert anchor in text
    return parse_vehicle(text.replace(anchor, anchor + extra), "rwd-car.yaml")


def test_acceptance_sources_in_order_of_preference() -> None:
    claim = (
        "  dc_time: {soc_from_pct: 10, soc_to_pct: 80, time_min: {value: 30, source: fastsim}}\n"
    )
    fixed = "  dc_model: {acceptance_c_rate: {value: 1.5, source: estimate, basis: test}}\n"
    both = charge_parameters(_rwd_with_charging(claim + fixed))
    assert both.acceptance_c_rate == pytest.approx(1.5)
    assert both.basis["acceptance_c_rate"].startswith("file")
    timed = _rwd_with_charging(claim)
    r = charge_session(timed, UNLIMITED_DC)
    assert r.duration == pytest.approx(30 * 60.0, rel=2e-3)
    none = charge_parameters(_rwd_with_charging(""))
    assert none.acceptance_c_rate == pytest.approx(DEFAULT_ACCEPTANCE_C_RATE)


def test_a_maker_time_faster_than_the_peak_allows_is_flagged() -> None:
    # 10-80 % of 54 kWh is 37.8 kWh: at most 170 kW makes that 13.3 min at best.
    fast = "  dc_time: {soc_from_pct: 10, soc_to_pct: 80, time_min: {value: 5, source: fastsim}}\n"
    p = charge_parameters(_rwd_with_charging(fast))
    assert "unreachable" in p.basis["acceptance_c_rate"]
    assert "shorter than" in p.notes[0]
    r = charge_session(_rwd_with_charging(fast), UNLIMITED_DC)
    assert r.notes == p.notes
    assert r.duration is not None
    assert r.duration > 13.0 * 60.0
