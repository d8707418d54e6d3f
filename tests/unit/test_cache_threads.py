"""The caches that simulations share, under threads.

The web app runs simulations concurrently in a thread pool. A hand-written LRU on an
``OrderedDict`` (a get, then ``move_to_end``; an insert, then ``popitem``) raises
``KeyError`` when another thread evicts the key in between, and hashing a spec model
runs Python code in the middle of a dictionary operation. The caches now hold a lock
(``sim.prepare.LruCache``) or are ``functools.lru_cache``; these tests hammer them from 8
threads with caches small enough that nearly every call evicts, and check that nothing
raises and every answer is the one a single thread gets.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from evtwin.configurator._files import package_text
from evtwin.sim import drive, prepare
from evtwin.sim import performance as perf_module
from evtwin.sim.conditions import STANDARD
from evtwin.sim.prepare import IdentityCache, LruCache, RunOptions
from evtwin.specs import load_vehicle

# The modules (the package re-exports functions of the same names).
grant = importlib.import_module("evtwin.configurator.grant")
running_cost = importlib.import_module("evtwin.configurator.running_cost")

THREADS = 8


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    """Threads take turns every microsecond, not every 5 ms, so that a lookup and an
    eviction interleave within the test's few thousand calls."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _hammer(work: Callable[[int, int], None], rounds: int) -> None:
    """``work(thread, round)`` from THREADS threads at once; re-raises the first error."""
    start = threading.Barrier(THREADS)

    def run(thread: int) -> None:
        start.wait()
        for r in range(rounds):
            work(thread, r)

    with ThreadPoolExecutor(THREADS) as pool:
        for f in [pool.submit(run, t) for t in range(THREADS)]:
            f.result()


class _SlowKey:
    """A key whose hash and equality run Python code, as a frozen spec model's do."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __hash__(self) -> int:
        return sum(hash((self.n, i)) for i in range(20)) & 0xFFFF

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SlowKey) and sum(range(20)) >= 0 and other.n == self.n


def test_lru_cache_survives_eight_threads_evicting() -> None:
    cache: LruCache[_SlowKey, tuple[int, int]] = LruCache(4)
    sizes: list[int] = []

    def work(thread: int, r: int) -> None:
        n = (thread * 7 + r * 3) % 13
        key = _SlowKey(n)
        hit = cache.get(key)
        if hit is None:
            cache.put(key, (n, n * n))
        else:
            assert hit == (n, n * n)
        sizes.append(len(cache))

    _hammer(work, rounds=1500)
    assert max(sizes) <= 4
    assert len(cache) <= 4


def test_lru_cache_keeps_the_most_recently_used() -> None:
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # now "b" is the oldest
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)
    cache.clear()
    assert len(cache) == 0


def test_identity_cache_answers_for_the_very_objects_only() -> None:
    """An equal object that is another object misses; the entry keeps its objects alive,
    so an id it was stored under is never another object's while it lives."""
    cache: IdentityCache[str] = IdentityCache(2)
    a, b = [1.0], [1.0]
    assert cache.put_for((a, None), "k", "value") == "value"
    assert cache.get_for((a, None), "k") == "value"
    assert cache.get_for((b, None), "k") is None  # equal, not the same
    assert cache.get_for((a, None), "other key") is None
    ident = id(a)
    del a  # the entry still holds it: its id cannot be reused by a new object
    assert all(id(c) != ident for c in ([2.0], [3.0], {}))
    assert cache.put_for((b,), None, "x") == "x"
    assert cache.put_for((b,), 1, "y") == "y"  # a third entry evicts the first
    assert len(cache) == 2


class _Counted(LruCache[Any, Any]):
    """An LruCache that counts its insertions (to show that the test evicts)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.puts = 0

    def put(self, key: Any, value: Any) -> Any:
        self.puts += 1  # not exact under threads; a lower bound is all the test needs
        return super().put(key, value)


class _CountedIdentity(IdentityCache[Any]):
    """An IdentityCache that counts its insertions."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.puts = 0

    def put(self, key: Any, value: Any) -> Any:
        self.puts += 1
        return super().put(key, value)


@pytest.fixture
def tiny_caches(monkeypatch: pytest.MonkeyPatch) -> list[_Counted | _CountedIdentity]:
    """Every simulation cache down to two entries, so that three vehicles evict."""
    caches: list[_Counted | _CountedIdentity] = []
    for module, name in (
        (drive, "_PREPARED"),
        (prepare, "_SPLIT_CACHE"),
        (prepare, "_DRIVETRAINS"),
        (prepare, "_PACKED"),
        (prepare, "_BATTERY_TABLES"),
        (prepare, "_TEMPLATES"),
        (perf_module, "_TABLE_CACHE"),
        (perf_module, "_TABLES_BY_ID"),
    ):
        kind = _CountedIdentity if isinstance(getattr(module, name), IdentityCache) else _Counted
        cache = kind(2)
        monkeypatch.setattr(module, name, cache)
        caches.append(cache)
    return caches


VEHICLES = ("tesla-model-y", "defender-sport", "skoda-enyaq-85x")
MASSES = (2000.0, 2400.0, 2800.0)
KINDS: tuple[perf_module.TableKind, ...] = ("peak", "continuous", "unlimited")


def test_simulation_caches_survive_eight_threads_evicting(
    tiny_caches: list[_Counted | _CountedIdentity],
) -> None:
    specs = [load_vehicle(v) for v in VEHICLES]
    expected: dict[tuple[int, int], Any] = {}
    for i, spec in enumerate(specs):
        for j, mass in enumerate(MASSES):
            batch = drive.prepared(spec, STANDARD, RunOptions(mass_kg=mass))
            expected[i, j] = (batch.params, perf_module._tables(spec, KINDS[j]).cap)

    def work(thread: int, r: int) -> None:
        i = (thread + r) % len(specs)
        j = (thread * 2 + r) % len(MASSES)
        batch = drive.prepared(specs[i], STANDARD, RunOptions(mass_kg=MASSES[j]))
        params, cap = expected[i, j]
        np.testing.assert_array_equal(batch.params, params)
        np.testing.assert_array_equal(perf_module._tables(specs[i], KINDS[j]).cap, cap)

    before = [c.puts for c in tiny_caches]
    _hammer(work, rounds=6)
    for cache, puts in zip(tiny_caches, before, strict=True):
        assert len(cache) <= 2
        assert cache.puts - puts > 2  # it evicted while the threads ran


def test_grant_and_tariff_files_are_parsed_once() -> None:
    """Shipped data, parsed once and shared (the models are frozen)."""
    assert grant.load_grant_rule("uk") is grant.load_grant_rule("uk")
    assert running_cost.load_tariffs("uk") is running_cost.load_tariffs("uk")


def test_an_edited_grant_or_tariff_file_is_read_afresh() -> None:
    """The caches are keyed on the file's text, so an edit is seen."""
    text = package_text("evtwin.data.grants", "uk.yaml")
    assert text is not None
    rule = grant.parse_grant_rule(text)
    edited = grant.parse_grant_rule(text.replace(rule.as_of, "2099-01-01", 1))
    assert edited.as_of == "2099-01-01"
    assert grant.parse_grant_rule(text).as_of == rule.as_of

    text = package_text("evtwin.data.tariffs", "uk.yaml")
    assert text is not None
    tariffs = running_cost.parse_tariffs(text)
    edited_t = running_cost.parse_tariffs(text.replace(tariffs.as_of, "2099-01-01", 1))
    assert edited_t.as_of == "2099-01-01"
    assert running_cost.parse_tariffs(text).as_of == tariffs.as_of


def test_grant_and_tariff_caches_survive_eight_threads() -> None:
    texts = []
    for year in range(2090, 2110):  # more texts than the caches hold: they evict
        for package, parse in (
            ("evtwin.data.grants", grant.parse_grant_rule),
            ("evtwin.data.tariffs", running_cost.parse_tariffs),
        ):
            text = package_text(package, "uk.yaml")
            assert text is not None
            as_of = parse(text).as_of
            texts.append((parse, text.replace(as_of, f"{year}-01-01", 1), f"{year}-01-01"))

    def work(thread: int, r: int) -> None:
        parse, text, as_of = texts[(thread * 5 + r) % len(texts)]
        assert parse(text).as_of == as_of

    _hammer(work, rounds=20)
