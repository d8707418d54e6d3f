"""The spare core: two pieces of work, one on a helper thread when it is free."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from evtwin.sim import spare_core


def _thread() -> str:
    return threading.current_thread().name


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spare_core, "cores", lambda: 2)
    monkeypatch.setattr(spare_core, "_ENABLED", None)
    monkeypatch.delenv(spare_core.ENV_VAR, raising=False)


def test_the_second_piece_runs_on_the_helper(two_cores: None) -> None:
    """Each piece waits until the other has begun, so they run at once, on two threads."""
    began = [threading.Event(), threading.Event()]

    def piece(me: int) -> str:
        began[me].set()
        assert began[1 - me].wait(30.0)
        return _thread()

    here, there = spare_core.both(lambda: piece(0), lambda: piece(1))
    assert here != there
    assert threading.current_thread().name in (here, there)
    assert any(t.startswith("evtwin-spare-core") for t in (here, there))


def test_share_gives_every_result_in_order(two_cores: None) -> None:
    tasks = [lambda i=i: (time.sleep(0.001 * (i % 3)), i * i)[1] for i in range(20)]
    assert spare_core.share(tasks) == [i * i for i in range(20)]


def test_share_begins_no_task_after_a_failure(two_cores: None) -> None:
    ran: list[int] = []

    def task(i: int) -> int:
        if i == 0:
            raise RuntimeError("first task failed")
        ran.append(i)
        time.sleep(0.01)
        return i

    with pytest.raises(RuntimeError, match="first task failed"):
        spare_core.share([lambda i=i: task(i) for i in range(50)])
    # The helper may have begun a task or two before the failure; not the rest.
    assert len(ran) <= 3


def test_both_run_here_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spare_core, "cores", lambda: 1)
    me = threading.current_thread().name
    assert spare_core.both(_thread, _thread) == (me, me)


@pytest.mark.parametrize("how", ["env", "enable"])
def test_turned_off_both_run_here(
    how: str, two_cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "env":
        monkeypatch.setenv(spare_core.ENV_VAR, "0")
    else:
        spare_core.enable(False)
    me = threading.current_thread().name
    assert not spare_core.available()
    assert spare_core.both(_thread, _thread) == (me, me)


@pytest.mark.parametrize("value", ["yes", "2", "off"])
def test_a_bad_environment_value_is_named(
    value: str, two_cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(spare_core.ENV_VAR, value)
    with pytest.raises(ValueError, match=f"EVTWIN_SPARE_CORE must be 0 or 1, got '{value}'"):
        spare_core.both(_thread, _thread)


def test_a_busy_helper_is_not_waited_for(two_cores: None) -> None:
    """Another caller holds the helper: this one does both pieces itself, in order."""
    order: list[str] = []
    with spare_core._BUSY:
        out = spare_core.both(lambda: order.append("here") or 1, lambda: order.append("there") or 2)
    assert out == (1, 2)
    assert order == ["here", "there"]


def test_a_failure_here_waits_for_the_helper_then_is_raised(two_cores: None) -> None:
    started = threading.Event()
    done = threading.Event()

    def slow() -> None:
        started.set()
        time.sleep(0.2)
        done.set()

    def fail() -> None:
        assert started.wait(30.0)  # the helper is at work on its piece
        raise ValueError("here failed")

    with pytest.raises(ValueError, match="here failed"):
        spare_core.both(fail, slow)
    assert done.is_set()  # the helper's piece had finished
    assert spare_core._BUSY.acquire(blocking=False)  # and the helper is free again
    spare_core._BUSY.release()


def test_a_failure_here_cancels_a_piece_not_started(two_cores: None) -> None:
    release = threading.Event()
    blocker = spare_core._pool().submit(release.wait, 30.0)
    ran: list[str] = []

    def fail() -> None:
        raise ValueError("here failed")

    try:
        with pytest.raises(ValueError, match="here failed"):
            spare_core.both(fail, lambda: ran.append("there"))
    finally:
        release.set()
        blocker.result()
    assert ran == []


def test_a_failure_on_the_helper_is_raised_here(two_cores: None) -> None:
    def fail() -> None:
        raise KeyError("there failed")

    with pytest.raises(KeyError, match="there failed"):
        spare_core.both(lambda: None, fail)


def _child(q: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    spare_core.cores = lambda: 2  # type: ignore[assignment]
    spare_core.enable(True)
    q.put(spare_core.both(lambda: 1, _thread))


def test_a_forked_child_gets_a_helper_of_its_own(two_cores: None) -> None:
    """The parent's helper thread does not exist in a forked child: the child would wait
    forever on a task nobody takes if it reused the parent's pool."""
    spare_core.both(_thread, _thread)  # the parent's helper exists
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    try:
        out = q.get(timeout=60)
    finally:
        p.join(timeout=60)
    assert out[0] == 1
    assert out[1].startswith("evtwin-spare-core")
    assert p.exitcode == 0


def test_a_piece_the_helper_has_not_started_is_taken_back(two_cores: None) -> None:
    """The helper's thread is held up (its core busy with other work, here a task given
    to its pool directly): the caller, done with its own piece, does the other too."""
    release = threading.Event()
    blocker = spare_core._pool().submit(release.wait, 30.0)
    try:
        here, there = spare_core.both(_thread, _thread)
        me = threading.current_thread().name
        assert (here, there) == (me, me)
    finally:
        release.set()
        blocker.result()


def test_no_helper_while_every_core_is_occupied(two_cores: None) -> None:
    """A web server's two simulation slots both busy: no third thread."""
    with spare_core.occupying():
        assert spare_core.available()  # one slot busy: the other core is free
        with spare_core.occupying():
            assert not spare_core.available()
            me = threading.current_thread().name
            assert spare_core.both(_thread, _thread) == (me, me)
        assert spare_core.available()
    assert spare_core._OCCUPIED == 0


def test_a_simulation_slot_occupies_a_core() -> None:
    from evtwin.api.slots import simulates

    @simulates
    def inside() -> int:
        return spare_core._OCCUPIED

    assert inside() == 1
    assert spare_core._OCCUPIED == 0


def test_beside_gives_the_helper_its_tasks_while_here_runs(two_cores: None) -> None:
    """Each waits for the other to begin, so the two overlap; ``here`` runs in the
    caller's thread."""
    here_began = threading.Event()
    there_began = threading.Event()

    def there() -> str:
        there_began.set()
        assert here_began.wait(30.0)
        return _thread()

    def here() -> str:
        here_began.set()
        assert there_began.wait(30.0)
        return _thread()

    out, (helper,) = spare_core.beside(here, [there])
    assert out == threading.current_thread().name
    assert helper.startswith("evtwin-spare-core")


def test_beside_takes_back_what_the_helper_has_not_begun(two_cores: None) -> None:
    """The helper held up: once ``here`` is done, the caller does every task, in order."""
    release = threading.Event()
    blocker = spare_core._pool().submit(release.wait, 30.0)
    order: list[str] = []
    try:
        out, results = spare_core.beside(
            lambda: order.append("here") or 0,
            [lambda i=i: order.append(f"task {i}") or i for i in (1, 2, 3)],
        )
    finally:
        release.set()
        blocker.result()
    assert (out, results) == (0, [1, 2, 3])
    assert order == ["here", "task 1", "task 2", "task 3"]


def test_share_within_beside_queues_behind_its_tasks(two_cores: None) -> None:
    """A :func:`share` inside ``here`` gives the helper its tasks after beside's own (the
    helper is not free to anybody else meanwhile) and every result comes back."""
    seen: list[tuple[str, str]] = []
    lock = threading.Lock()

    def task(name: str) -> str:
        with lock:
            seen.append((name, _thread()))
        time.sleep(0.002)
        return name

    def here() -> list[str]:
        assert not spare_core._BUSY.acquire(blocking=False)  # held for this caller
        return spare_core.share([lambda n=n: task(f"s{n}") for n in range(6)])

    out, results = spare_core.beside(here, [lambda: task("b0"), lambda: task("b1")])
    assert out == [f"s{n}" for n in range(6)]
    assert results == ["b0", "b1"]
    assert spare_core._BUSY.acquire(blocking=False)  # free again
    spare_core._BUSY.release()
    assert spare_core._OWNER.depth == 0


def test_beside_without_the_helper_runs_here_then_the_tasks(two_cores: None) -> None:
    order: list[str] = []
    with spare_core._BUSY:  # another caller has it
        out, results = spare_core.beside(
            lambda: order.append("here") or "h", [lambda: order.append("t") or "t"]
        )
    assert (out, results, order) == ("h", ["t"], ["here", "t"])


def test_a_failure_in_here_begins_no_further_task_and_frees_the_helper(two_cores: None) -> None:
    ran: list[int] = []
    started = threading.Event()

    def task(i: int) -> int:
        started.set()
        time.sleep(0.2)
        ran.append(i)
        return i

    def here() -> None:
        assert started.wait(30.0)
        raise ValueError("here failed")

    with pytest.raises(ValueError, match="here failed"):
        spare_core.beside(here, [lambda i=i: task(i) for i in range(5)])
    assert ran == [0]  # the helper finished the task it was on, and began no other
    assert spare_core._BUSY.acquire(blocking=False)
    spare_core._BUSY.release()


def test_a_failure_of_a_helper_task_is_raised_after_here(two_cores: None) -> None:
    def fail() -> None:
        raise KeyError("there failed")

    with pytest.raises(KeyError, match="there failed"):
        spare_core.beside(lambda: None, [fail])
    assert spare_core._BUSY.acquire(blocking=False)
    spare_core._BUSY.release()
