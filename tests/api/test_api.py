"""The JSON API against the library and the command line it mirrors.

Each happy path is held to the same numbers as the library call it wraps or as the
command's ``--json`` output (through ``jsonable``, since the API sends NaN as null).
Each kind of bad input must come back 4xx with the field named, never 500.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from evtwin.api.encoding import SafeJSONResponse, jsonable
from evtwin.api.evaluate import cache_clear
from evtwin.cli import app as cli_app
from evtwin.configurator import build_from_args, trailer_presets
from evtwin.report.card import headline_card
from evtwin.sim.geometry import geometry
from evtwin.sim.real_world import custom_conditions
from evtwin.specs import load_vehicle, vehicle_names
from evtwin.study.build_comparison import compare_build, money
from evtwin.study.claims import check_claims
from evtwin.study.figures import figures
from evtwin.units import KPH


def cli_json(*args: str) -> Any:
    """The command's ``--json`` output, as the API would send it."""
    r = CliRunner().invoke(cli_app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return jsonable(json.loads(r.stdout))


def ok(r: Any) -> Any:
    assert r.status_code == 200, r.text
    return r.json()


def errors_at(r: Any, status: int = 422) -> list[list[Any]]:
    """The locations a 4xx names, after checking the body's shape."""
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert detail
    assert all(isinstance(d["msg"], str) and d["msg"] for d in detail)
    return [d["loc"] for d in detail]


# ---------------------------------------------------------------- reads


def test_vehicles_as_cli(client: TestClient) -> None:
    data = ok(client.get("/api/vehicles"))
    assert [v["id"] for v in data] == vehicle_names()
    assert data == cli_json("vehicles")


def test_show_as_cli(client: TestClient) -> None:
    data = ok(client.get("/api/vehicles/jaguar-i-pace"))
    assert data == cli_json("show", "jaguar-i-pace")
    assert data["battery"]["usable_energy_kwh"]["value"] == pytest.approx(
        load_vehicle("jaguar-i-pace").battery.usable_energy_kwh.value
    )


def test_options_as_cli(client: TestClient) -> None:
    data = ok(client.get("/api/vehicles/defender-sport/options"))
    assert data == cli_json("options", "defender-sport")
    assert "roof-rack" in {o["id"] for o in data["options"]}
    assert set(data["trailer_presets"]) == set(trailer_presets())
    # A vehicle without a catalogue: no options, the presets still.
    assert ok(client.get("/api/vehicles/tesla-model-y/options"))["options"] == []


def test_cycles(client: TestClient) -> None:
    data = ok(client.get("/api/cycles"))
    by_name = {c["name"]: c for c in data["cycles"]}
    # The WLTC class 3b: 1,800 s and 23.27 km (GTR 15, Annex 1).
    assert by_name["wltc_class3b"]["duration_s"] == pytest.approx(1800.0)
    assert by_name["wltc_class3b"]["distance_km"] == pytest.approx(23.27, abs=0.01)
    assert data["aliases"]["wltp"] == "wltc_class3b"


# ---------------------------------------------------------------- evaluations


def test_range_as_cli(client: TestClient) -> None:
    assert ok(client.post("/api/range", json={})) == cli_json("range")
    on_cycle = ok(client.post("/api/range", json={"vehicle": "bmw-ix3", "cycle": "us06"}))
    assert on_cycle == cli_json("range", "bmw-ix3", "--cycle", "us06")


def test_range_of_a_configured_car_is_shorter(client: TestClient) -> None:
    base = ok(client.post("/api/range", json={"cycle": "hwfet"}))
    with_rack = {"cycle": "hwfet", "options": ["roof-rack", "roof-box"]}
    boxed = ok(client.post("/api/range", json=with_rack))
    assert boxed["range_km"] < base["range_km"]
    assert boxed["breakdown_wh_per_km"]["aero"] > base["breakdown_wh_per_km"]["aero"]


def test_conditions_as_cli(client: TestClient) -> None:
    body = {"temperature_c": -5, "speed_mph": 70, "payload_kg": 150}
    data = ok(client.post("/api/conditions", json=body))
    assert data == cli_json(
        "conditions", "--temp-c", "-5", "--speed-mph", "70", "--payload-kg", "150"
    )
    assert data["custom"]["temperature_c"] == -5.0


def test_perf_as_cli(client: TestClient) -> None:
    body = {"soc_pct": 50, "temperature_c": -10, "trailer_kg": 1500}
    data = ok(client.post("/api/perf", json=body))
    assert data == cli_json("perf", "--soc", "50", "--temp-c", "-10", "--trailer-kg", "1500")
    assert data["towing_range"]["towing_range_km"] < data["towing_range"]["solo_range_km"]


def test_charge_as_cli(client: TestClient) -> None:
    body = {"charger_kw": 150, "soc_from_pct": 10, "soc_to_pct": 80, "temperature_c": 0}
    data = ok(client.post("/api/charge", json=body))
    assert data == cli_json("charge", "--charger-kw", "150", "--temp-c", "0")


def test_configure_as_library(client: TestClient) -> None:
    body = {"options": ["roof-rack", "tow-bar"], "passengers": 2, "payload_kg": 60}
    data = ok(client.post("/api/configure", json={**body, "trailer": "caravan-1500"}))
    build = build_from_args(
        "defender-sport", body["options"], passengers=2, payload_kg=60, trailer="caravan-1500"
    )
    assert data == jsonable(compare_build(build).to_dict())
    assert data["configured"]["towing_range"] is not None


def test_evaluate_as_library(client: TestClient) -> None:
    cache_clear()
    body = {
        "options": ["tyres-all-terrain", "tow-bar"],
        "passengers": 1,
        "payload_kg": 40,
        "trailer": "box-trailer-750",
        "temperature_c": 4,
        "speed_kph": 112,
    }
    data = ok(client.post("/api/evaluate", json=body))
    build = build_from_args(
        "defender-sport",
        body["options"],
        passengers=1,
        payload_kg=40,
        trailer="box-trailer-750",
    )
    load = 75.0 + 40.0  # a passenger at 75 kg and the payload, beyond the driver
    assert build.trailer is not None
    fig = figures(build.spec, load_kg=load, trailer=build.trailer.to_sim())
    expect = fig.to_dict()
    assert data["figures"] == jsonable(expect["figures"])
    assert data["real_world"] == jsonable(expect["real_world"])
    assert data["money"] == jsonable(money(build, fig).to_dict())
    assert data["geometry"] == jsonable(geometry(build.spec).to_dict())
    custom = custom_conditions(build.spec, temperature_c=4.0, speed=112 * KPH, payload_kg=load)
    assert data["custom"] == jsonable(custom.to_dict())
    assert data["build"]["options_chosen"] == body["options"]
    # The figures the issue names for the configurator are all there and finite.
    for key in ("wltp_range_km", "epa_range_mi", "accel_0_60_mph_s", "charge_10_80_min"):
        assert math.isfinite(data["figures"][key])
    # A repeated request is answered from the memo, with the same answer.
    assert ok(client.post("/api/evaluate", json=body)) == data


def test_evaluate_follows_the_build(client: TestClient) -> None:
    light = ok(client.post("/api/evaluate", json={}))
    heavy = ok(client.post("/api/evaluate", json={"passengers": 4, "payload_kg": 200}))
    assert heavy["figures"]["real_world_headline_km"] < light["figures"]["real_world_headline_km"]
    assert heavy["figures"]["accel_0_60_mph_s"] > light["figures"]["accel_0_60_mph_s"]
    # Test-cycle ranges use the procedures' test masses: people do not change them.
    assert heavy["figures"]["wltp_range_km"] == light["figures"]["wltp_range_km"]
    assert light["custom"] is None


def test_offroad_as_cli(client: TestClient) -> None:
    body = {"scenario": "rock_step", "mode": "auto", "architecture": "defender-sport-rear-elocker"}
    data = ok(client.post("/api/offroad", json={**body, "traces": True}))
    assert data == cli_json(
        "offroad",
        "--scenario",
        "rock_step",
        "--mode",
        "auto",
        "--architecture",
        "defender-sport-rear-elocker",
        "--traces",
    )
    result = data["results"]["defender-sport-rear-elocker"]["rock_step"]
    assert "traces" in result


def test_claims_as_library(client: TestClient) -> None:
    data = ok(client.get("/api/claims/defender-sport", params={"samples": 64}))
    assert data == jsonable(check_claims("defender-sport", samples=64).to_dict())
    assert data["samples"] == 64


def test_report_as_library(client: TestClient) -> None:
    params = {"claims": "false", "offroad": "false"}
    data = ok(client.get("/api/report/skoda-enyaq-80x", params=params))
    expect = headline_card("skoda-enyaq-80x", offroad=False, claims=False).to_dict()
    assert data == jsonable(expect)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "url", ["/api/vehicles/nope", "/api/vehicles/nope/options", "/api/claims/nope"]
)
def test_unknown_vehicle_in_path_is_404(client: TestClient, url: str) -> None:
    assert errors_at(client.get(url), 404) == [["path", "vehicle"]]


def test_vehicle_files_are_not_opened(client: TestClient) -> None:
    # The CLI reads a vehicle file at a path; the API must not open server files.
    path = "src/evtwin/data/vehicles/bmw-ix3.yaml"
    assert errors_at(client.post("/api/range", json={"vehicle": path})) == [["body", "vehicle"]]


@pytest.mark.parametrize(
    ("url", "body", "loc"),
    [
        ("/api/range", {"vehicle": "nope"}, ["body", "vehicle"]),
        ("/api/range", {"cycle": "wltc_class9"}, ["body", "cycle"]),
        ("/api/range", {"cycle": "/etc/passwd.csv"}, ["body", "cycle"]),
        ("/api/range", {"options": ["warp-drive"]}, ["body", "options"]),
        ("/api/configure", {"payload_kg": -1}, ["body", "payload_kg"]),
        ("/api/configure", {"payload_kg": "heavy"}, ["body", "payload_kg"]),
        ("/api/configure", {"passengers": 1.5}, ["body", "passengers"]),
        ("/api/configure", {"colour": "red"}, ["body", "colour"]),
        ("/api/configure", {"options": "roof-rack"}, ["body", "options"]),
        ("/api/configure", {"options": ["warp-drive"]}, ["body", "options"]),
        ("/api/configure", {"trailer": "caravan-1500"}, ["body", "trailer"]),
        ("/api/configure", {"trailer": "boat"}, ["body", "trailer"]),
        ("/api/evaluate", {"passengers": 6}, ["body", "passengers"]),
        ("/api/evaluate", {"payload_kg": 1900}, ["body", "payload_kg"]),
        ("/api/evaluate", {"options": ["roof-box"]}, ["body", "options"]),
        ("/api/evaluate", {"speed_kph": 500}, ["body", "speed_kph"]),
        ("/api/conditions", {"temperature_c": -80}, ["body", "temperature_c"]),
        ("/api/perf", {"surface": "lava"}, ["body", "surface"]),
        ("/api/charge", {"soc_from_pct": 80, "soc_to_pct": 10}, ["body", "soc_to_pct"]),
        ("/api/charge", {"charger_kw": 0}, ["body", "charger_kw"]),
        ("/api/offroad", {"architecture": "tank"}, ["body", "architecture"]),
        ("/api/offroad", {"mode": "warp"}, ["body", "mode"]),
        ("/api/offroad", {"scenario": "moon"}, ["body", "scenario"]),
        ("/api/offroad", {"vehicle": "tesla-model-y"}, ["body", "vehicle"]),
    ],
)
def test_bad_input_names_the_field(
    client: TestClient, url: str, body: dict[str, Any], loc: list[str]
) -> None:
    assert loc in errors_at(client.post(url, json=body))


def test_bad_json_and_nan_are_4xx(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    r = client.post("/api/evaluate", content=b'{"temperature_c": NaN}', headers=headers)
    assert errors_at(r) == [["body", "temperature_c"]]
    r = client.post("/api/evaluate", content=b'{"passengers": ', headers=headers)
    assert errors_at(r)[0][0] == "body"
    r = client.post("/api/evaluate", content=b"[1, 2]", headers=headers)
    assert errors_at(r)[0][0] == "body"


def test_wrong_method_and_route(client: TestClient) -> None:
    assert client.get("/api/evaluate").status_code == 405
    assert client.get("/api/nowhere").status_code == 404


def test_claims_samples_are_bounded(client: TestClient) -> None:
    r = client.get("/api/claims/defender-sport", params={"samples": 3})
    assert errors_at(r) == [["query", "samples"]]


# ---------------------------------------------------------------- JSON and schema


def test_non_finite_numbers_are_null() -> None:
    data = {"a": math.nan, "b": [np.float64(math.inf), np.int64(3)], "c": np.array([1.5, np.nan])}
    assert jsonable(data) == {"a": None, "b": [None, 3], "c": [1.5, None]}
    assert json.loads(SafeJSONResponse(data).body) == {"a": None, "b": [None, 3], "c": [1.5, None]}


def test_both_encodings_write_the_same_json() -> None:
    """orjson (the fast path) and ``jsonable`` with ``json`` (the fallback) agree, and
    what orjson refuses (a strided array, a complex number) still goes out."""
    strided = np.arange(12.0).reshape(3, 4)[:, ::2]
    data = {
        "f32": np.float32(1.5),
        "bool": np.bool_(True),
        "ints": np.arange(3, dtype=np.int32),
        "nested": ({"x": np.float64(-math.inf)}, [np.nan]),
        7: "a non-string key",
    }
    slow = json.dumps(jsonable(data), allow_nan=False)
    assert json.loads(SafeJSONResponse(data).body) == json.loads(slow)
    assert json.loads(SafeJSONResponse({"s": strided}).body) == {"s": strided.tolist()}


def test_openapi_lists_every_route(client: TestClient) -> None:
    schema = ok(client.get("/api/openapi.json"))
    paths = schema["paths"]
    expected = {
        ("get", "/api/vehicles"),
        ("get", "/api/vehicles/{vehicle}"),
        ("get", "/api/vehicles/{vehicle}/options"),
        ("get", "/api/cycles"),
        ("post", "/api/range"),
        ("post", "/api/configure"),
        ("post", "/api/evaluate"),
        ("post", "/api/conditions"),
        ("post", "/api/perf"),
        ("post", "/api/charge"),
        ("post", "/api/offroad"),
        ("get", "/api/claims/{vehicle}"),
        ("get", "/api/report/{vehicle}"),
        ("post", "/api/builds"),
        ("get", "/api/builds"),
        ("get", "/api/builds/{build_id}"),
        ("delete", "/api/builds/{build_id}"),
    }
    assert {(m, p) for p, ops in paths.items() for m in ops} == expected
    evaluate = schema["components"]["schemas"]["EvaluateRequest"]
    assert evaluate["additionalProperties"] is False
    assert "defender-sport" in evaluate["properties"]["vehicle"]["enum"]
