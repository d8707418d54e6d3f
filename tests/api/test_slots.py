"""Simulating routes run at most SLOTS at once; the rest wait their turn, none is lost."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from evtwin.api.slots import SLOTS, simulates


def test_no_more_than_slots_run_at_once() -> None:
    lock = threading.Lock()
    running = 0
    peak = 0

    @simulates
    def work(i: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.01)
        with lock:
            running -= 1
        return i

    with ThreadPoolExecutor(max_workers=4 * SLOTS + 4) as pool:
        done = list(pool.map(work, range(8 * SLOTS + 8)))
    assert done == list(range(8 * SLOTS + 8))
    assert peak == SLOTS


def test_the_route_keeps_its_signature_and_errors() -> None:
    @simulates
    def route(vehicle: str, *, n: int = 1) -> str:
        """Docs."""
        raise ValueError(vehicle * n)

    assert route.__name__ == "route"
    assert route.__doc__ == "Docs."
    for _ in range(SLOTS + 1):
        with pytest.raises(ValueError, match=r"^xx$"):
            route("x", n=2)
    # The slot is given back after an error: SLOTS more calls still get in at once.
    test_no_more_than_slots_run_at_once()


def test_a_started_server_freezes_what_it_started_with() -> None:
    """The objects a server starts with are kept out of the garbage collector's full
    passes (each took 100-170 ms over them on the development machine)."""
    import gc

    from fastapi.testclient import TestClient

    from evtwin.api import create_app

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with TestClient(create_app()) as client:
        assert gc.get_freeze_count() > 10_000
        assert client.get("/api/vehicles").status_code == 200
