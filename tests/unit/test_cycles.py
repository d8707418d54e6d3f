"""Shipped drive cycles: distances, phases, aliases and the Cycle's own checks."""

from __future__ import annotations

import numpy as np
import pytest

from evtwin.cycles import WLTC_PHASES, Cycle, CycleError, cycle_names, load_cycle

# Distances and durations as tabulated in the shipped SOURCES.md (trapezoidal, km / s).
EXPECTED = {
    "wltc_class3b": (23.266, 1800),
    "udds": (11.990, 1369),
    "hwfet": (16.507, 765),
    "us06": (12.888, 600),
    "nedc": (11.022, 1179),
    "artemis_urban": (4.870, 993),
    "artemis_motorway_130": (28.736, 1067),
}


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items())
def test_distance_and_duration(name: str, expected: tuple[float, float]) -> None:
    c = load_cycle(name)
    assert c.distance / 1000 == pytest.approx(expected[0], abs=1e-3)
    assert c.duration == expected[1]


def test_wltc_phases_partition_the_cycle() -> None:
    # GTR 15 phase distances: 3.095 / 4.756 / 7.162 / 8.254 km.
    dists = [load_cycle(f"wltc_class3b_{p}").distance / 1000 for p in WLTC_PHASES]
    np.testing.assert_allclose(dists, [3.095, 4.756, 7.162, 8.254], atol=1e-3)
    assert sum(dists) == pytest.approx(load_cycle("wltc").distance / 1000, abs=1e-9)


def test_every_listed_name_loads_and_aliases_work() -> None:
    for name in cycle_names():
        assert load_cycle(name).n_steps > 100
    assert load_cycle("city") is load_cycle("udds")
    with pytest.raises(KeyError, match="known"):
        load_cycle("ftp-9000")


def test_cycle_arrays_are_frozen_copies() -> None:
    speed = np.array([0.0, 1.0, 0.0])
    c = Cycle("x", [0.0, 1.0, 2.0], speed, 0.0)
    speed[1] = 99.0
    assert c.speed[1] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        c.speed[1] = 2.0


@pytest.mark.parametrize(
    ("time", "speed", "grade", "message"),
    [
        ([0, 1], [0, -1], 0.0, "negative"),
        ([0, 1, 1], [0, 1, 0], 0.0, "increase"),
        ([0, 1], [0, np.nan], 0.0, "finite"),
        ([0, 1], [0, 1], 2.0, "steeper"),
        ([0], [0], 0.0, "two samples"),
    ],
)
def test_bad_traces_are_rejected(
    time: list[float], speed: list[float], grade: float, message: str
) -> None:
    with pytest.raises(CycleError, match=message):
        Cycle("bad", time, speed, grade)
