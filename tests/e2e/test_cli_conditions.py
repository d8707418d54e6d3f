"""`evtwin conditions` and the climate tests of `evtwin dyno`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from evtwin.cli import app

runner = CliRunner()

ROW = "5250,41.4,0.1592,0.01635,4-Wheel Drive,398"
HEADER = "etw_lb,target_a_lbf,target_b_lbf_mph,target_c_lbf_mph2,drive,rated_hp,cycle"


def test_conditions_json_has_the_matrix_and_the_custom_case() -> None:
    result = runner.invoke(
        app, ["conditions", "tesla-model-y", "--temp-c", "-5", "--speed-mph", "70", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    cases = {r["case"] for r in data["runs"]}
    assert {"city/cold", "motorway/cold", "city/mild", "motorway/mild"} <= cases
    assert "uk_winter_motorway_70mph" in cases
    assert data["combined_cold_km"] < data["combined_mild_km"]
    assert data["custom"]["temperature_c"] == -5.0
    assert data["custom"]["range_km"] > 0


def test_conditions_rejects_bad_flags_by_name() -> None:
    for flag, value in (("--temp-c", "99"), ("--speed-mph", "0"), ("--payload-kg", "-3")):
        result = runner.invoke(app, ["conditions", flag, value])
        assert result.exit_code == 2
        assert flag in result.output


def test_dyno_accepts_the_cold_test(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(f"{HEADER}\n{ROW},udds\n{ROW},ftp_20f\n{ROW},Charge Depleting 20 Degree F FTP\n")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["dyno", "--csv", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text().splitlines()))
    udds, cold, cold2 = (float(r["ac_wh_per_mi"]) for r in rows)
    assert cold == cold2
    assert 1.5 * udds < cold < 3.0 * udds


def test_dyno_sc03_needs_its_trace_and_keeps_the_old_output(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(f"{HEADER}\n{ROW},sc03\n")
    out = tmp_path / "out.csv"
    out.write_text("precious\n")
    result = runner.invoke(app, ["dyno", "--csv", str(src), "--out", str(out)])
    assert result.exit_code == 2
    assert "--sc03-cycle" in result.output
    assert out.read_text() == "precious\n"
    # With a trace given (here a made-up 600 s trace, not the real SC03) it runs.
    trace = tmp_path / "trace.csv"
    lines = ["time_s,speed_mph"] + [f"{t},{min(t, 600 - t, 60) * 0.9:.2f}" for t in range(0, 601)]
    trace.write_text("\n".join(lines) + "\n")
    result = runner.invoke(
        app, ["dyno", "--csv", str(src), "--out", str(out), "--sc03-cycle", str(trace)]
    )
    assert result.exit_code == 0, result.output
    hot = float(next(csv.DictReader(out.read_text().splitlines()))["ac_wh_per_mi"])
    assert 200 < hot < 1000


def test_configure_json_sets_the_build_beside_the_base_car() -> None:
    result = runner.invoke(
        app,
        ["configure", "-o", "roof-rack", "-o", "tyres-all-terrain", "--passengers", "1", "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = {r["key"]: r for r in data["figures"]}
    assert rows["wltp_range_km"]["build"] < rows["wltp_range_km"]["base"]
    assert "roof-rack" in data["build"]["options"]
    assert data["build_money"]["price"]["total_gbp"] > data["base_money"]["price"]["total_gbp"]
    assert data["build_money"]["grant"]["eligible"] in (True, False)


def test_configure_names_the_bad_option_and_flag() -> None:
    result = runner.invoke(app, ["configure", "-o", "roof-box"])
    assert result.exit_code == 2
    assert "roof-box" in result.output
    assert "roof-rack" in result.output  # what it needs
    result = runner.invoke(app, ["configure", "--config", "x.toml", "-o", "roof-rack"])
    assert result.exit_code == 2
    assert "--config" in result.output


def test_configure_from_a_file_matches_the_flags(tmp_path: Path) -> None:
    cfg = tmp_path / "build.toml"
    cfg.write_text('vehicle = "defender-sport"\noptions = ["roof-rack"]\npassengers = 1\n')
    from_file = runner.invoke(app, ["configure", "--config", str(cfg), "--json"])
    from_flags = runner.invoke(app, ["configure", "-o", "roof-rack", "--passengers", "1", "--json"])
    assert from_file.exit_code == 0, from_file.output
    assert json.loads(from_file.stdout)["figures"] == json.loads(from_flags.stdout)["figures"]
