"""The saved-build routes: save, list, reopen, share and forget, and their errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from evtwin.api.routes_saved import get_store
from evtwin.configurator import BuildFields, BuildStore, build_from_query

BODY: dict[str, Any] = {
    "vehicle": "defender-sport",
    "options": ["roof-rack", "tow-bar"],
    "passengers": 2,
    "payload_kg": 0.1 + 0.2,
    "trailer": "caravan-1500",
    "temperature_c": -5.0,
    "speed_kph": 110.0,
}
FIELDS = list(BODY)


@pytest.fixture
def store(client: TestClient, tmp_path: Path) -> Iterator[BuildStore]:
    """The routes' store, in a folder of the test's own."""
    app = client.app
    assert isinstance(app, FastAPI)
    store = BuildStore(tmp_path / "builds.sqlite")
    app.dependency_overrides[get_store] = lambda: store
    yield store
    del app.dependency_overrides[get_store]


def _detail(r: Any, status: int) -> list[dict[str, Any]]:
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert all(set(d) == {"loc", "msg", "type"} for d in detail)
    return list(detail)


def test_save_reopen_and_share(client: TestClient, store: BuildStore) -> None:
    r = client.post("/api/builds", json={**BODY, "name": " Weekend  away "})
    assert r.status_code == 201, r.text
    saved = r.json()
    assert saved["name"] == "Weekend away"
    assert {k: saved[k] for k in FIELDS} == BODY
    assert repr(saved["payload_kg"]) == repr(0.1 + 0.2)
    assert r.headers["location"].endswith(f"/api/builds/{saved['id']}")
    assert store.get(saved["id"]).build == BuildFields(**BODY)

    got = client.get(f"/api/builds/{saved['id']}")
    assert got.status_code == 200
    assert got.json() == saved

    url = urlsplit(saved["share_url"])
    assert url.path == "/configurator"
    assert build_from_query(url.query) == BuildFields(**BODY)

    # The same build again: the same id, the first time kept, the new name taken.
    again = client.post("/api/builds", json={**BODY, "name": "Renamed"}).json()
    assert again["name"] == "Renamed"
    assert (again["id"], again["created"]) == (saved["id"], saved["created"])
    assert client.post("/api/builds", json=BODY).json()["name"] == "Renamed"


def test_a_saved_build_is_an_evaluate_request(client: TestClient, store: BuildStore) -> None:
    saved = client.post("/api/builds", json={"passengers": 1, "speed_kph": 90}).json()
    fields = {k: saved[k] for k in FIELDS}
    r = client.post("/api/evaluate", json=fields)
    assert r.status_code == 200, r.text
    assert r.json()["build"]["passengers"] == 1
    assert r.json()["custom"] is not None


def test_list_newest_first_and_limit(client: TestClient, store: BuildStore) -> None:
    assert client.get("/api/builds").json() == []
    ids = [client.post("/api/builds", json={"passengers": n}).json()["id"] for n in range(3)]
    listed = client.get("/api/builds").json()
    assert [b["id"] for b in listed] == ids[::-1]
    assert all(b["share_url"].startswith("/configurator?vehicle=") for b in listed)
    assert [b["id"] for b in client.get("/api/builds?limit=1").json()] == [ids[2]]
    for bad in ("0", "1001", "many"):
        detail = _detail(client.get(f"/api/builds?limit={bad}"), 422)
        assert detail[0]["loc"] == ["query", "limit"]


def test_delete(client: TestClient, store: BuildStore) -> None:
    bid = client.post("/api/builds", json=BODY).json()["id"]
    r = client.delete(f"/api/builds/{bid}")
    assert r.status_code == 204
    assert r.content == b""
    for r in (client.get(f"/api/builds/{bid}"), client.delete(f"/api/builds/{bid}")):
        (d,) = _detail(r, 404)
        assert d["loc"] == ["path", "build_id"]
        assert bid in d["msg"]


def test_an_unknown_id_is_404_naming_it(client: TestClient, store: BuildStore) -> None:
    (d,) = _detail(client.get("/api/builds/no-such-build"), 404)
    assert d == {
        "loc": ["path", "build_id"],
        "msg": "no saved build with id 'no-such-build'",
        "type": "not_found",
    }


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"passengers": 6}, ["body", "passengers"]),  # more than the seats
        ({"payload_kg": 1900}, ["body", "payload_kg"]),  # beyond the gross mass
        ({"options": ["roof-box"]}, ["body", "options"]),  # needs a roof rack
        ({"trailer": "sledge"}, ["body", "trailer"]),
        ({"speed_kph": 500}, ["body", "speed_kph"]),
        ({"name": "x" * 81}, ["body", "name"]),
        ({"name": "bell\x07"}, ["body", "name"]),
        ({"colour": "red"}, ["body", "colour"]),
    ],
)
def test_a_bad_build_is_422_on_its_field_and_not_saved(
    client: TestClient, store: BuildStore, body: dict[str, Any], loc: list[str]
) -> None:
    detail = _detail(client.post("/api/builds", json=body), 422)
    assert loc in [d["loc"] for d in detail]
    assert store.list() == []


def test_an_unusable_store_is_503_and_left_alone(client: TestClient, store: BuildStore) -> None:
    store.path.write_bytes(b"not a database\n" * 50)
    before = store.path.read_bytes()
    for r in (
        client.post("/api/builds", json=BODY),
        client.get("/api/builds"),
        client.get("/api/builds/0123456789ab"),
        client.delete("/api/builds/0123456789ab"),
    ):
        (d,) = _detail(r, 503)
        assert d["type"] == "store_error"
        assert str(store.path) not in d["msg"]  # the server's files are its own business
    assert store.path.read_bytes() == before


def test_the_default_store_is_in_the_data_folder(client: TestClient) -> None:
    # tests/conftest.py points $EVTWIN_DATA_DIR at a folder of the session's own.
    folder = Path(os.environ["EVTWIN_DATA_DIR"])
    assert not str(folder).startswith(str(Path.home() / ".local"))
    bid = client.post("/api/builds", json={"passengers": 3}).json()["id"]
    assert BuildStore(folder / "builds.sqlite").get(bid).build.passengers == 3


def test_the_schema_lists_the_routes(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert set(schema["paths"]["/api/builds"]) == {"get", "post"}
    assert set(schema["paths"]["/api/builds/{build_id}"]) == {"get", "delete"}
    body = schema["components"]["schemas"]["SaveBuildRequest"]
    assert body["additionalProperties"] is False
    assert set(body["properties"]) == {*FIELDS, "name"}
    assert "defender-sport" in body["properties"]["vehicle"]["enum"]
