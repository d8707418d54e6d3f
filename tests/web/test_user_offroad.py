"""The off-road page in the in-process NiceGUI ``User``: geometry per mode, the
scorecard filling in, and the playback of a scenario."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest
from nicegui import ui
from nicegui.testing.user import User

from evtwin.physics import geometry as geo
from evtwin.sim.geometry import geometry
from evtwin.sim.offroad import run_suite
from evtwin.specs import load_vehicle
from evtwin.web import page_offroad


async def eventually(check: Callable[[], bool], timeout_s: float = 60.0) -> None:
    """Wait (yielding to the event loop) until ``check()`` holds."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        await asyncio.sleep(0.1)


def texts(user: User, marker: str) -> list[str]:
    """The text of every label inside the element marked ``marker`` (none yet: [])."""
    try:
        (root,) = user.find(marker=marker).elements
    except AssertionError:
        return []
    return [el.text for el in root.descendants() if isinstance(el, ui.label)]


@pytest.fixture(autouse=True)
async def stop_suites() -> AsyncIterator[None]:
    """Leave no scorecard running into the next test (it would compete for the GIL)."""
    yield
    for key in page_offroad.SUITES.started():
        job = page_offroad.SUITES.get(key)
        if job is not None:
            job.cancel()
            await job.wait(timeout_s=30)


async def test_mode_moves_geometry_and_fills_scorecard(user: User) -> None:
    await user.open("/offroad")
    await user.should_see(marker="geometry-diagram")
    spec = load_vehicle("defender-sport")
    nominal = geometry(spec)
    await eventually(lambda: f"{nominal.approach_deg:.1f}°" in texts(user, "geometry-table"))
    assert f"{nominal.breakover_deg:.1f}°" in texts(user, "geometry-table")

    (select,) = user.find(marker="mode-select").elements
    select.value = "rock_crawl"
    # Rock Crawl raises the air suspension 75 mm: the tip of the front overhang rises.
    r = spec.tyres.radius_m
    assert spec.body.front_overhang_mm is not None
    raised = geo.tangent_angle(r, spec.body.front_overhang_mm.value / 1000, (420.0 + 75.0) / 1000)
    expected = f"{float(raised) * 180 / 3.141592653589793:.1f}°"
    await eventually(lambda: expected in texts(user, "geometry-table"))
    await user.should_see("75 mm")
    await user.should_see("Rock Crawl")

    job = page_offroad.SUITES.get("rock_crawl")
    assert job is not None
    snap = await job.wait(timeout_s=90)
    assert snap.status == "done", snap
    n = len(page_offroad.suite_cells())
    await eventually(lambda: f"{n} of {n} runs, complete" in texts(user, "scorecard"), 10)
    (plot,) = user.find(marker="scorecard-chart").elements
    heat = plot.figure.data[0]
    mine = run_suite(("defender-sport-brake",), ("sand_flat",), "rock_crawl")
    cell = mine.results["defender-sport-brake"]["sand_flat"]
    row = list(page_offroad.architecture_names()).index("defender-sport-brake")
    col = list(page_offroad.SCENARIOS).index("sand_flat")
    assert heat.text[row][col].startswith(f"{cell.score:.2f} {cell.score_unit}")
    assert heat.z[row][col] == (1.0 if cell.passed else 0.0)


async def test_playback_runs_and_steps(user: User) -> None:
    await user.open("/offroad?mode=comfort")
    for key in page_offroad.SUITES.started():  # the scorecard is not under test here
        job = page_offroad.SUITES.get(key)
        if job is not None:
            job.cancel()
    (scenario,) = user.find(marker="playback-scenario").elements
    scenario.value = "sand_flat"
    (arch,) = user.find(marker="playback-architecture").elements
    arch.value = "bmw-ix3"
    user.find(marker="playback-run").click()
    await eventually(lambda: "sand" in " ".join(texts(user, "playback")).lower(), 60)
    (plot,) = user.find(marker="playback-chart").elements
    names = {t.name for t in plot.figure.data}
    assert {"speed", "slip FL", "load RR", "drive front"} <= names
    result = page_offroad.run_cell("comfort", "bmw-ix3", "sand_flat")

    (slider,) = user.find(marker="playback-slider").elements
    slider.value = 2.0
    (values,) = user.find(marker="playback-values").elements
    v = page_offroad.charts.trace_values(result, 2.0)
    assert f"t {v['time_s']:.2f} s" in values.text
    assert f"speed {v['speed_kph']:.2f} km/h" in values.text
    assert plot.figure.layout.shapes[0].x0 == 2.0

    user.find(marker="playback-play").click()
    await asyncio.sleep(0.5)
    user.find(marker="playback-play").click()
    assert slider.value > 2.0


async def test_bad_query_names_the_field(user: User) -> None:
    await user.open("/offroad?vehicle=no-such-car&mode=comfort")
    await user.should_see("vehicle: 'no-such-car' has no geometry")
    await user.should_see(marker="mode-select")
