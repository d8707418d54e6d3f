"""`evtwin offroad`: the scorecard, one scenario as JSON, and bad flags named."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evtwin.cli import app

runner = CliRunner()


def test_one_scenario_as_json_for_every_architecture() -> None:
    result = runner.invoke(app, ["offroad", "--scenario", "low_friction_hill", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scenarios"] == ["low_friction_hill"]
    assert len(data["architectures"]) == 5
    for arch in data["architectures"]:
        r = data["results"][arch]["low_friction_hill"]
        assert r["score_unit"] == "%"
        assert 0.0 < r["score"] < 60.0
        assert isinstance(r["passed"], bool)
        assert r["energy_kwh_per_km"] > 0.0
    # The road SUV has no off-road modes and runs in Comfort.
    assert data["results"]["bmw-ix3"]["low_friction_hill"]["mode"] == "comfort"


def test_traces_with_one_architecture() -> None:
    result = runner.invoke(
        app,
        [
            "offroad",
            "--architecture",
            "defender-sport-rear-elocker",
            "--scenario",
            "wading",
            "--mode",
            "wade",
            "--traces",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)["results"]["defender-sport-rear-elocker"]["wading"]
    tr = r["traces"]
    n = len(tr["time_s"])
    assert n > 100
    assert len(tr["wheel_speed_radps"]) == 4
    assert len(tr["wheel_speed_radps"][0]) == n
    assert len(tr["drive_torque_nm"]) == 2
    assert r["mode"] == "wade"
    assert r["passed"]


def test_the_scorecard_table_for_a_vehicle() -> None:
    result = runner.invoke(app, ["offroad", "bmw-ix3", "--scenario", "steep_descent"])
    assert result.exit_code == 0, result.output
    assert "BMW iX3" in result.stdout
    assert "Steep descent" in result.stdout
    assert "Defender" not in result.stdout


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--scenario", "moon"], "--scenario"),
        (["--mode", "snow"], "--mode"),
        (["--architecture", "tank"], "--architecture"),
        (["jeep-recon"], "VEHICLE"),
    ],
)
def test_bad_input_names_the_flag(args: list[str], flag: str) -> None:
    result = runner.invoke(app, ["offroad", *args])
    assert result.exit_code == 2
    assert flag in result.output
