"""Saved builds: the store (exact round trip, ids, names, order, damage) and share URLs."""

from __future__ import annotations

import multiprocessing
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from evtwin.configurator import (
    BuildFields,
    BuildNotFoundError,
    BuildQueryError,
    BuildStore,
    BuildStoreError,
    CorruptBuildError,
    build_from_query,
    share_query,
    trailer_presets,
)
from evtwin.configurator import saved_builds as sb
from evtwin.specs import vehicle_names

BUILD = BuildFields(
    vehicle="defender-sport",
    options=["roof-rack", "tow-bar"],
    passengers=2,
    payload_kg=0.1 + 0.2,  # 0.30000000000000004: must come back to the last bit
    trailer="caravan-1500",
    temperature_c=-5.0,
    speed_kph=110.0,
)


@pytest.fixture
def store(tmp_path: Path) -> BuildStore:
    return BuildStore(tmp_path / "data" / "builds.sqlite")


def _build(n: int) -> BuildFields:
    """The n-th of many distinct builds."""
    return BuildFields(passengers=n % 5, payload_kg=n * 1.5 + 0.1)


def _sql(store: BuildStore, sql: str, *args: Any) -> None:
    with sqlite3.connect(store.path) as conn:
        conn.execute(sql, args)
    conn.close()


# --- the store -----------------------------------------------------------------------


def test_nothing_is_created_until_the_first_save(store: BuildStore) -> None:
    assert store.list() == []
    with pytest.raises(BuildNotFoundError):
        store.get("0123456789ab")
    with pytest.raises(BuildNotFoundError):
        store.delete("0123456789ab")
    assert not store.path.parent.exists()
    store.save(BUILD)
    assert store.path.is_file()
    assert sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_build_comes_back_exactly(store: BuildStore) -> None:
    saved = store.save(BUILD, "Weekend away")
    back = BuildStore(store.path).get(saved.id)
    assert back == saved
    assert back.build == BUILD
    assert repr(back.build.payload_kg) == repr(0.1 + 0.2)
    assert back.build.options == ["roof-rack", "tow-bar"]
    assert back.name == "Weekend away"
    assert back.created == back.updated
    assert back.created.endswith("+00:00")
    d = back.to_dict()
    assert list(d)[:4] == ["id", "name", "created", "updated"]
    assert BuildFields.model_validate({k: v for k, v in d.items() if k in BUILD_KEYS}) == BUILD


BUILD_KEYS = set(BuildFields.model_fields)


def test_the_same_build_keeps_its_id(store: BuildStore) -> None:
    first = store.save(BUILD)
    again = store.save(BUILD.model_dump())  # a mapping is a build too
    assert again.id == first.id == sb.build_id(BUILD)
    assert len(first.id) == sb.ID_LENGTH
    assert again.created == first.created
    assert again.updated >= first.updated
    assert len(store.list()) == 1
    # A request (a subclass with the same fields) is the same build.
    from evtwin.api.models import EvaluateRequest

    assert sb.build_id(EvaluateRequest(**BUILD.model_dump())) == first.id
    # The sign of a zero changes no figure, so not the id either.
    assert sb.build_id(BuildFields(payload_kg=-0.0)) == sb.build_id(BuildFields())
    # Everything else does, the options' order included (it is kept).
    other = BUILD.model_copy(update={"options": ["tow-bar", "roof-rack"]})
    assert sb.build_id(other) != first.id
    assert sb.build_id(BUILD.model_copy(update={"temperature_c": None})) != first.id


def test_a_new_name_renames_and_no_name_keeps_it(store: BuildStore) -> None:
    bid = store.save(BUILD, "a").id
    assert store.save(BUILD, "  Long\n weekend\t").name == "Long weekend"
    assert store.save(BUILD).name == "Long weekend"
    assert store.save(BUILD, "   ").name == "Long weekend"
    assert store.get(bid).name == "Long weekend"
    assert store.save(BUILD, "x" * sb.NAME_MAX).name == "x" * sb.NAME_MAX
    for bad in ("x" * (sb.NAME_MAX + 1), "bell\x07"):
        with pytest.raises(ValueError, match="name"):
            store.save(BUILD, bad)
    assert store.get(bid).name == "x" * sb.NAME_MAX


def test_the_list_is_newest_first(store: BuildStore) -> None:
    ids = [store.save(_build(n), f"b{n}").id for n in range(4)]
    assert [s.id for s in store.list()] == ids[::-1]
    store.save(_build(0))  # saved again: on top
    assert [s.id for s in store.list()] == [ids[0], ids[3], ids[2], ids[1]]
    assert [s.id for s in store.list(limit=2)] == [ids[0], ids[3]]
    with pytest.raises(ValueError, match="limit"):
        store.list(limit=0)


def test_delete(store: BuildStore) -> None:
    keep, gone = store.save(_build(1)), store.save(_build(2))
    store.delete(gone.id)
    assert [s.id for s in store.list()] == [keep.id]
    with pytest.raises(BuildNotFoundError, match=gone.id):
        store.get(gone.id)
    with pytest.raises(BuildNotFoundError, match=gone.id):
        store.delete(gone.id)


def test_a_missing_id_is_named(store: BuildStore) -> None:
    store.save(BUILD)
    with pytest.raises(KeyError) as info:
        store.get("feedfacecafe")
    assert str(info.value) == "no saved build with id 'feedfacecafe'"
    assert isinstance(info.value, BuildNotFoundError)
    assert info.value.build_id == "feedfacecafe"


def _other_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"my shopping list\n" * 40, "not an SQLite database"),
        (b"SQLite format 3\x00" + bytes(range(256)) * 8, "not an SQLite database"),
        (None, "not an evtwin build store"),
    ],
    ids=["text", "bad-header", "another-database"],
)
def test_a_file_that_is_not_a_store_is_refused_and_left_alone(
    tmp_path: Path, content: bytes | None, why: str
) -> None:
    path = tmp_path / "builds.sqlite"
    if content is None:
        _other_database(path)
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    store = BuildStore(path)
    calls = [
        lambda: store.save(BUILD),
        store.list,
        lambda: store.get("0123456789ab"),
        lambda: store.delete("0123456789ab"),
    ]
    for call in calls:
        with pytest.raises(BuildStoreError, match=why) as info:
            call()
        assert str(path) in str(info.value)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["builds.sqlite"]


def test_a_folder_at_the_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BuildStoreError, match="not a file"):
        BuildStore(tmp_path).save(BUILD)


def test_a_store_from_a_newer_evtwin_is_refused(store: BuildStore) -> None:
    store.save(BUILD)
    _sql(store, "PRAGMA user_version = 99")
    with pytest.raises(BuildStoreError, match="newer evtwin"):
        store.list()


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("build", '{"vehicle": "defender-sport"', "Invalid JSON"),
        ("build", '{"passengers": 99}', "passengers"),
        ("build", None, "does not match its id"),  # valid, but not the build of this id
        ("name", "bell\x07", "control characters"),
        ("created", "yesterday", "isoformat"),
    ],
)
def test_a_changed_row_is_named_when_read(
    store: BuildStore, column: str, value: str | None, why: str
) -> None:
    saved = store.save(BUILD)
    if value is None:
        value = sb.canonical_json(BUILD.model_copy(update={"passengers": 3}))
    _sql(store, f"UPDATE builds SET {column} = ? WHERE id = ?", value, saved.id)
    for call in (lambda: store.get(saved.id), store.list, lambda: store.save(BUILD)):
        with pytest.raises(CorruptBuildError, match=why) as info:
            call()
        assert info.value.build_id == saved.id
        assert saved.id in str(info.value)
        assert str(store.path) in str(info.value)


def test_a_failed_save_loses_nothing(store: BuildStore, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = store.save(BUILD, "kept")
    with pytest.raises(ValidationError):
        store.save({"passengers": 99})
    with pytest.raises(ValidationError):
        store.save({"vehicle": "defender-sport", "colour": "red"})

    def broken(self: BuildStore, row: tuple[Any, ...]) -> sb.SavedBuild:
        raise RuntimeError("disk trouble")

    # Inside the transaction, after the row is written: the save is rolled back whole.
    monkeypatch.setattr(BuildStore, "_saved", broken)
    with pytest.raises(RuntimeError):
        store.save(_build(7), "lost")
    with pytest.raises(RuntimeError):
        store.save(BUILD, "renamed")
    monkeypatch.undo()
    assert store.list() == [kept]


def test_an_id_clash_is_refused(store: BuildStore, monkeypatch: pytest.MonkeyPatch) -> None:
    first = store.save(_build(1))
    monkeypatch.setattr(sb, "_hash", lambda text: first.id)
    with pytest.raises(BuildStoreError, match="clash"):
        store.save(_build(2))
    monkeypatch.undo()
    assert store.list() == [first]


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EVTWIN_DATA_DIR", str(tmp_path))
    assert sb.default_store_path() == tmp_path / "builds.sqlite"
    assert BuildStore().path == tmp_path / "builds.sqlite"
    monkeypatch.delenv("EVTWIN_DATA_DIR")
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
        assert sb.default_store_path() == tmp_path / "xdg" / "evtwin" / "builds.sqlite"
        monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
        assert sb.user_data_dir() == Path.home() / ".local" / "share" / "evtwin"


# --- many writers at once ----------------------------------------------------------------

THREADS, PROCESSES, SAVES = 8, 4, 25


def _save_many(path: str, worker: int, barrier: Any) -> None:
    """Save SAVES distinct builds of one worker, starting with the others (spawned
    processes import this module, so it must stay importable and cheap)."""
    store = BuildStore(path)
    barrier.wait()
    for i in range(SAVES):
        store.save(_build(worker * SAVES + i), f"w{worker} #{i}")


def test_concurrent_saves_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "shared" / "builds.sqlite")
    ctx = multiprocessing.get_context("spawn")
    # The processes and this one's threads start together (a process takes seconds to start).
    start = ctx.Barrier(PROCESSES + 1)
    procs = [
        ctx.Process(target=_save_many, args=(path, THREADS + w, start)) for w in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    start.wait(timeout=120)
    gate = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run(worker: int) -> None:
        try:
            _save_many(path, worker, gate)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in procs:
        p.join(timeout=120)
    assert errors == []
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    total = (THREADS + PROCESSES) * SAVES
    saved = BuildStore(path).list(limit=10_000)
    assert len(saved) == total
    assert {s.id for s in saved} == {sb.build_id(_build(n)) for n in range(total)}
    assert {s.name for s in saved} == {f"w{n // SAVES} #{n % SAVES}" for n in range(total)}


# Every statement of a first save to a new file, as its index: one index is the moment
# between reading the store's id and counting its tables, the race CI once hit.
@pytest.mark.parametrize("at", range(20))
def test_a_new_store_created_by_another_writer_at_any_statement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    """A second writer's first save run to completion (or to its busy wait) just before
    the first writer's ``at``-th SQL statement: both saves land, no error."""
    path = tmp_path / "builds.sqlite"
    connect = sqlite3.connect
    errors: list[BaseException] = []
    other = threading.Thread(target=lambda: _save_catching(path, 1, errors))
    seen = 0

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        if threading.current_thread() is threading.main_thread():

            def before(_sql: str) -> None:
                nonlocal seen
                if seen == at:
                    other.start()
                    other.join(timeout=0.2)  # blocked by this writer's lock: go on
                seen += 1

            conn.set_trace_callback(before)
        return conn

    monkeypatch.setattr(sb.sqlite3, "connect", traced)
    _save_catching(path, 0, errors)
    monkeypatch.setattr(sb.sqlite3, "connect", connect)
    if not other.is_alive() and other.ident is None:  # fewer statements than ``at``
        other.start()
    other.join(timeout=60)
    assert errors == []
    assert {s.id for s in BuildStore(path).list()} == {sb.build_id(_build(n)) for n in (0, 1)}


def test_opening_a_store_while_another_connection_commits_waits(tmp_path: Path) -> None:
    """A store not yet in WAL mode (a new one, in its first moments) opened while another
    connection commits a write: SQLite refuses the switch to WAL at once (each would
    wait on the other), so the opener asks again and saves (CI hit this once)."""
    path = tmp_path / "builds.sqlite"
    BuildStore(path).save(_build(0), "first")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        other.execute("PRAGMA journal_mode = DELETE")  # as before the first switch
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE builds SET name = 'renamed'")
        committer = threading.Timer(0.2, lambda: other.execute("COMMIT"))
        committer.start()
        BuildStore(path).save(_build(1), "second")
        committer.join()
    finally:
        other.close()
    saved = {s.id: s.name for s in BuildStore(path).list()}
    assert saved == {sb.build_id(_build(0)): "renamed", sb.build_id(_build(1)): "second"}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _save_catching(path: Path, n: int, errors: list[BaseException]) -> None:
    try:
        BuildStore(path).save(_build(n), f"#{n}")
    except BaseException as exc:  # pragma: no cover - reported by the test
        errors.append(exc)


# --- share URLs --------------------------------------------------------------------------


def test_a_share_query_carries_every_field() -> None:
    query = share_query(BUILD)
    assert query == (
        "vehicle=defender-sport&o=roof-rack&o=tow-bar&passengers=2"
        "&payload_kg=0.30000000000000004&trailer=caravan-1500&temp_c=-5&speed_kph=110"
    )
    assert build_from_query(query) == BUILD
    assert build_from_query(f"/configurator?{query}#figures") == BUILD
    assert share_query(BuildFields()) == "vehicle=defender-sport&passengers=0&payload_kg=0"


def test_a_query_in_other_shapes() -> None:
    q = {"vehicle": "defender-sport", "o": ["roof-rack", "tow-bar"], "passengers": "2"}
    assert build_from_query(q).options == ["roof-rack", "tow-bar"]
    pairs = [("o", "tow-bar"), ("o", "roof-rack")]
    assert build_from_query(pairs).options == ["tow-bar", "roof-rack"]

    class MultiDict:  # as starlette's QueryParams, whose mapping keeps the last value only
        def multi_items(self) -> list[tuple[str, str]]:
            return pairs

    multi: Any = MultiDict()
    assert build_from_query(multi).options == ["tow-bar", "roof-rack"]
    # Left out: the default; blank: None where None is allowed.
    assert build_from_query("") == BuildFields()
    assert build_from_query("trailer=&temp_c=&speed_kph=") == BuildFields()
    assert build_from_query("o=a%2Cb&o=caf%C3%A9+bar").options == ["a,b", "café bar"]
    assert build_from_query("tab=figures&passengers=1", ignore_unknown=True).passengers == 1


@pytest.mark.parametrize(
    ("query", "param", "why"),
    [
        ("vehicle=model-t", "vehicle", "is not one of"),
        ("passengers=2.0", "passengers", "whole number"),
        ("passengers=9", "passengers", "less than or equal to 8"),
        ("payload_kg=1_000", "payload_kg", "not a number"),
        ("payload_kg=-1", "payload_kg", "greater than or equal to 0"),
        ("temp_c=nan", "temp_c", "not a number"),
        ("temp_c=1e999", "temp_c", "finite"),
        ("speed_kph=5", "speed_kph", "greater than or equal to 16"),
        ("trailer=sledge", "trailer", "is not one of"),
        ("o=roof-rack&o=", "o", "item 2"),
        ("o=" + "x" * 65, "o", "at most 64"),
        ("vehicle=defender-sport&vehicle=bmw-ix3", "vehicle", "given 2 times"),
        ("colour=red", "colour", "unknown parameter"),
        ("vehicle=%FF", "vehicle", "UTF-8"),
        ("passengers=", "passengers", "whole number"),
    ],
)
def test_a_bad_query_names_its_parameter(query: str, param: str, why: str) -> None:
    with pytest.raises(BuildQueryError, match=why) as info:
        build_from_query(query)
    assert info.value.param == param
    assert str(info.value).startswith(f"{param}: ")


def _maybe(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | s


builds = st.builds(
    BuildFields,
    vehicle=st.sampled_from(vehicle_names()),
    options=st.lists(st.text(min_size=1, max_size=64), max_size=32),
    passengers=st.integers(0, 8),
    payload_kg=st.floats(0.0, 2000.0),
    trailer=_maybe(st.sampled_from(list(trailer_presets()))),
    temperature_c=_maybe(st.floats(-20.0, 40.0)),
    speed_kph=_maybe(st.floats(16.0, 161.0)),
)


@given(builds)
@settings(max_examples=300, deadline=None)
def test_a_share_query_round_trips_exactly(build: BuildFields) -> None:
    back = build_from_query(share_query(build))
    # repr: 0.1 + 0.2 and -0.0 must come back to the bit, not merely compare equal.
    assert repr(back.model_dump()) == repr(build.model_dump())
    assert sb.build_id(back) == sb.build_id(build)
