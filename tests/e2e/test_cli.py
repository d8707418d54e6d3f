"""The command line: each command, its JSON, and its errors on bad input."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evtwin.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
runner = CliRunner()


def _json(*args: str) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_vehicles_lists_the_default_and_rivals() -> None:
    rows = _json("vehicles")
    assert isinstance(rows, list)
    ids = {r["id"] for r in rows}
    assert {"defender-sport", "jaguar-i-pace", "tesla-model-y", "bmw-ix3"} <= ids
    table = runner.invoke(app, ["vehicles"])
    assert "defender-sport" in table.stdout


def test_show_gives_sources_and_ranges() -> None:
    data = _json("show", "defender-sport")
    assert isinstance(data, dict)
    assert data["status"] == "rumoured"
    assert data["body"]["length_mm"]["low"] < data["body"]["length_mm"]["high"]
    out = runner.invoke(app, ["show", "defender-sport"]).stdout
    assert "autocar-2026" in out
    assert "estimate" in out


def test_range_default_is_wltp_and_epa() -> None:
    data = _json("range")
    assert isinstance(data, dict)
    assert 200 < data["wltp"]["range_km"] < 800
    assert 100 < data["epa"]["range_mi"] < 500
    assert data["epa"]["label_factor"] == 0.7
    shares = data["breakdown_wh_per_km"]
    assert shares["aero"] > 0
    assert shares["motor_and_inverter"] > 0


def test_range_on_a_cycle_and_on_a_user_trace(tmp_path: Path) -> None:
    data = _json("range", "tesla-model-y", "--cycle", "us06")
    assert isinstance(data, dict)
    assert data["cycle"] == "us06"
    trace = tmp_path / "trip.csv"
    trace.write_text("time_s,speed_kph,grade_pct\n0,0,0\n10,50,2\n60,50,2\n70,0,0\n")
    data = _json("range", "jaguar-i-pace", "--cycle", str(trace))
    assert isinstance(data, dict)
    assert data["distance_km"] == pytest.approx(((10 + 10) * 25 + 50 * 50) / 3600, rel=1e-6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["range", "no-such-car"], "no vehicle called"),
        (["range", "--cycle", "ftp-9000"], "neither a built-in cycle"),
        (["show", str(FIXTURES / "missing.yaml")], "no vehicle file"),
        (["dyno", "--csv", "nothing.csv", "--out", "out.csv"], "no such file"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_malformed_vehicle_file_names_field_and_line(tmp_path: Path) -> None:
    text = (
        (FIXTURES / "awd-car.yaml")
        .read_text()
        .replace("kerb_kg: {value: 2200,", "kerb_kg: {value: -1,")
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    result = runner.invoke(app, ["range", str(bad)])
    assert result.exit_code == 2
    assert "mass.kerb_kg" in result.stderr
    assert "line" in result.stderr


def test_bad_flag_is_a_usage_error() -> None:
    result = runner.invoke(app, ["range", "--cylce", "udds"])
    assert result.exit_code == 2


def test_dyno_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "etw_lb,target_a_lbf,target_b_lbf_mph,target_c_lbf_mph2,drive,rated_hp,cycle,id\n"
        "4750,34.26,0.3191,0.0142,4-Wheel Drive,390,udds,a\n"
        "4750,34.26,0.3191,0.0142,4-Wheel Drive,390,hwfet,b\n"
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["dyno", "--csv", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open() as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == ["a", "b"]
    assert all(150 < float(r["ac_wh_per_mi"]) < 300 for r in rows)


def test_report_json_and_the_installed_command(tmp_path: Path) -> None:
    """`make run` runs `evtwin report`; the console script must work as installed."""
    exe = Path(sys.executable).with_name("evtwin")
    env = {**os.environ, "COLUMNS": "160"}
    page = tmp_path / "report.html"
    done = subprocess.run(
        [str(exe), "report", "--json", "--html", str(page)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    card = json.loads(done.stdout)
    # The HTML report: self-contained (plotly.js inline, nothing fetched), the card's
    # numbers and a figure for each section.
    text = page.read_text()
    assert "Plotly" in text
    assert re.search(r"<script[^>]*\bsrc=", text) is None  # plotly.js is inline
    assert re.search(r"<link\b", text) is None
    assert card["subject"]["name"] in text
    assert f"{card['wltp_range_km']['nominal']:.0f} km" in text
    for div in ("range-distributions", "energy-breakdown", "rivals-wltp", "real-world"):
        assert f'id="{div}"' in text, div
    for div in ("charging-curve", "offroad-scorecard"):
        assert f'id="{div}"' in text, div
    b = card["wltp_range_km"]
    assert b["low"] <= b["nominal"] <= b["high"]
    assert card["subject"]["id"] == "defender-sport"
    assert {r["id"] for r in card["rivals"]} >= {"jaguar-i-pace", "tesla-model-y"}
    assert card["claims"], "the Defender Sport's range claims are set against the bands"
    # Issue 5: the claims check, each range claim's probability on each test.
    cc = card["claims_check"]
    assert {d["test"] for d in cc["distributions"]} == {"wltp", "epa", "winter_motorway"}
    ranged = [c for c in cc["claims"] if c["kind"] == "range"]
    assert {c["id"] for c in ranged} == {c["id"] for c in card["claims"]}
    assert all(len(c["probabilities"]) == 3 for c in ranged)
    # Issue 3's sections: the real-world matrix, performance, charging, a priced build.
    own = card["figures"]["defender-sport"]
    assert set(card["figures"]) == {"defender-sport", *(r["id"] for r in card["rivals"])}
    rw = card["real_world"]
    assert rw["combined_cold_km"] < rw["combined_mild_km"]
    assert own["real_world_headline_km"] == pytest.approx(rw["headline_km"], abs=0.05)
    assert 2.0 < own["accel_0_100_kph_s"] < 12.0
    assert card["performance"]["acceleration"]["accel_0_100_kph_s"] == pytest.approx(
        own["accel_0_100_kph_s"], abs=0.01
    )
    assert 10.0 < card["charging"]["time_10_80_min"] < 60.0
    price = card["money"]["price"]
    assert price["total_low_gbp"] <= price["total_gbp"] <= price["total_high_gbp"]
    assert card["money"]["grant"]["eligible"] in (True, False)
    assert card["money"]["running_cost"]["cost_gbp_per_mi"] > 0
    # Issue 4's sections: the geometry band and the off-road scorecard.
    band = card["geometry"]["subject"]
    for angle in ("approach_deg", "breakover_deg", "departure_deg"):
        assert band[angle]["low"] <= band[angle]["nominal"] <= band[angle]["high"]
    refs = {r["vehicle"] for r in card["geometry"]["references"]}
    assert refs == {"defender-110", "bmw-ix3"}
    scorecard = card["offroad"]
    assert "defender-110" in scorecard["architectures"]
    for arch in scorecard["architectures"]:
        assert set(scorecard["results"][arch]) == set(scorecard["scenarios"])


def test_report_html_to_a_missing_folder_is_refused_before_simulating(tmp_path: Path) -> None:
    keep = tmp_path / "keep.html"
    keep.write_text("earlier report")
    bad = runner.invoke(app, ["report", "--html", str(tmp_path / "no" / "r.html")])
    assert bad.exit_code == 2
    assert "--html" in bad.output
    bad = runner.invoke(app, ["report", "--html", str(tmp_path)])
    assert bad.exit_code == 2
    assert keep.read_text() == "earlier report"
