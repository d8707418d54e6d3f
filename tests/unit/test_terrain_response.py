"""Terrain Response tables: they load, bad ones are named by field and line, Auto's rules,
and the compiled controllers' step functions by hand."""

from __future__ import annotations

from importlib import resources

import pytest

from evtwin.control.brake_torque_vectoring import thermal_derate, transfer_brake_step
from evtwin.control.crawl_control import pedal_to_demand, speed_hold_step
from evtwin.control.slip_control import slip_error, slip_limit_step
from evtwin.control.terrain_response import SurfaceEstimate, auto_select, mode_settings
from evtwin.control.virtual_centre_lock import reassign
from evtwin.specs import SpecError
from evtwin.specs.terrain_response import (
    FIXED_MODE_IDS,
    ModeCalibration,
    load_auto,
    load_mode,
    parse_mode,
)
from evtwin.units import KPH


def _text(mode_id: str) -> str:
    return resources.files("evtwin.data.terrain_response").joinpath(f"{mode_id}.yaml").read_text()


@pytest.mark.parametrize("mode_id", FIXED_MODE_IDS)
def test_every_mode_table_loads_and_is_an_estimate(mode_id: str) -> None:
    mode = load_mode(mode_id)
    assert isinstance(mode, ModeCalibration)
    assert mode.id == mode_id
    assert mode.slip_target.source == "estimate"
    assert mode.slip_target.basis


def test_modes_differ_where_they_should() -> None:
    comfort = mode_settings("comfort")
    rock = mode_settings("rock_crawl")
    sand = mode_settings("sand")
    assert comfort.locker_policy == 0.0
    assert rock.locker_policy == 2.0
    assert rock.brake_onset < comfort.brake_onset
    assert sand.slip_target > comfort.slip_target
    assert rock.crawl_speed == pytest.approx(3.0 * KPH)
    assert comfort.descent_speed == 0.0
    assert comfort.crawl_speed == 0.0


def test_auto_file_loads() -> None:
    rules = load_auto().rules
    assert 0.0 < rules.soft_sinkage_m.value < rules.sand_sinkage_m.value


def test_a_bad_value_is_named_with_its_line() -> None:
    text = _text("sand").replace(
        "slip_target:\n  value: 0.5\n  low: 0.35\n  high: 0.7",
        "slip_target:\n  value: 1.5\n  low: 1.2\n  high: 1.8",
    )
    with pytest.raises(SpecError) as exc:
        parse_mode(text, "sand.yaml")
    msg = str(exc.value)
    line = text.splitlines().index("slip_target:") + 1
    assert "invalid data file sand.yaml" in msg
    assert f"slip_target (line {line})" in msg
    assert "must be <= 1" in msg


def test_an_unknown_key_and_a_missing_one_are_named() -> None:
    text = _text("comfort").replace("locker_policy: open", "locker_polcy: open")
    with pytest.raises(SpecError) as exc:
        parse_mode(text, "comfort.yaml")
    msg = str(exc.value)
    assert "locker_polcy" in msg
    assert "unknown key" in msg
    assert "locker_policy (line" not in msg
    assert "required but missing" in msg


def test_a_calibration_cannot_cite_a_publication() -> None:
    text = _text("wade").replace("source: estimate", "source: autoexpress", 1)
    with pytest.raises(SpecError, match="must be 'estimate'"):
        parse_mode(text, "wade.yaml")


def test_a_bad_policy_and_bad_yaml() -> None:
    with pytest.raises(SpecError, match="locker_policy"):
        parse_mode(_text("mud_ruts").replace("locker_policy: locked", "locker_policy: welded"))
    with pytest.raises(SpecError, match="not valid YAML"):
        parse_mode("id: [unclosed")
    with pytest.raises(ValueError, match="auto has no calibration"):
        load_mode("auto")
    with pytest.raises(ValueError, match="is not one of"):
        load_mode("snow")


def test_auto_rules_by_hand() -> None:
    r = load_auto().rules
    firm = SurfaceEstimate(friction=0.8, sinkage=0.0, resistance=0.013)
    assert auto_select(firm, r) == "comfort"
    assert auto_select(SurfaceEstimate(0.2, 0.0, 0.013), r) == "grass_gravel_snow"
    assert auto_select(SurfaceEstimate(0.8, 0.0, 0.02), r) == "grass_gravel_snow"
    assert auto_select(SurfaceEstimate(0.4, 0.0, 0.08), r) == "mud_ruts"
    assert auto_select(SurfaceEstimate(0.4, 0.1, 0.3), r) == "sand"
    assert auto_select(SurfaceEstimate(0.2, 0.1, 0.3), r) == "mud_ruts"
    assert auto_select(SurfaceEstimate(0.8, 0.0, 0.013, water_depth=0.4), r) == "wade"
    assert auto_select(SurfaceEstimate(0.8, 0.0, 0.013, obstacle_ratio=0.6), r) == "rock_crawl"


def test_slip_control_by_hand() -> None:
    # 1.1 m/s rim at 1 m/s: slip 0.1, target 0.05 -> error 0.05.
    assert slip_error(1.1, 1.0, 0.05) == pytest.approx(0.05)
    # At a standstill the speed floor (0.5 m/s) sets the scale: 0.05 / 0.5 - 0.1 = 0.
    assert slip_error(0.05, 0.0, 0.1) == pytest.approx(0.0)
    # Cut: 4 /s x 3000 N m x 0.05 x 0.01 s = 6 N m.
    assert slip_limit_step(3000.0, 0.05, 4.0, 3000.0, 0.01) == pytest.approx(2994.0)
    assert slip_limit_step(10.0, 1.0, 4.0, 3000.0, 1.0) == 0.0
    assert slip_limit_step(2999.0, -1.0, 4.0, 3000.0, 1.0) == 3000.0


def test_brake_transfer_by_hand() -> None:
    # Below the onset: nothing.
    cmd, integ = transfer_brake_step(0.0, 0.2, 0.3, 500.0, 5000.0, 1.0, 0.001)
    assert cmd == 0.0
    assert integ == 0.0
    # 0.2 m/s beyond: proportional 100 N m at once; integral 500 x 0.2 / 0.3 x 0.001.
    cmd, integ = transfer_brake_step(0.0, 0.5, 0.3, 500.0, 5000.0, 1.0, 0.001)
    assert integ == pytest.approx(500.0 * 0.2 / 0.3 * 0.001)
    assert cmd == pytest.approx(100.0 + integ)
    # A hot disc gets none.
    assert transfer_brake_step(0.0, 0.5, 0.3, 500.0, 5000.0, 0.0, 0.001)[0] == 0.0
    assert thermal_derate(300.0, 450.0, 650.0) == 1.0
    assert thermal_derate(550.0, 450.0, 650.0) == pytest.approx(0.5)


def test_virtual_centre_lock_moves_denied_torque() -> None:
    assert reassign(1000.0, 1000.0, 400.0, 3000.0, False) == (400.0, 1000.0)
    assert reassign(1000.0, 1000.0, 400.0, 3000.0, True) == (400.0, 1600.0)
    assert reassign(1000.0, 1000.0, 400.0, 1200.0, True) == (400.0, 1200.0)


def test_speed_hold_and_pedal_map() -> None:
    out, integ = speed_hold_step(0.5, 1.0, 0.0, 2.0, 1.0, -1.0, 1.0, 0.1)
    assert integ == pytest.approx(0.05)
    assert out == pytest.approx(1.0)  # 2 x 0.5 + 0.05, clamped
    assert pedal_to_demand(0.5, 2.0) == pytest.approx(0.25)
    assert pedal_to_demand(-0.5, 2.0) == pytest.approx(-0.25)
