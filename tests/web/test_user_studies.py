"""The studies page in the in-process NiceGUI ``User``: a small study run to completion
and explored (Pareto front, distribution); a bad study names its field and line."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import numpy as np
from nicegui import ui
from nicegui.testing.user import User

from evtwin.study.definition import parse_study
from evtwin.study.pareto import pareto_front
from evtwin.web import page_studies


async def eventually(check: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        await asyncio.sleep(0.1)


def one(user: User, marker: str) -> ui.element:
    (el,) = user.find(marker=marker).elements
    return el


def text_of(user: User, marker: str) -> str:
    try:
        el = one(user, marker)
    except AssertionError:
        return ""
    return str(getattr(el, "text", ""))


async def test_small_study_runs_and_explores(user: User) -> None:
    await user.open("/studies")
    await eventually(lambda: text_of(user, "study-info").startswith("Valid:"), 30)
    samples = one(user, "study-samples")
    assert isinstance(samples, ui.number)
    samples.value = 32
    before = set(page_studies.RUNS.started())
    user.find(marker="study-run").click()
    await eventually(lambda: set(page_studies.RUNS.started()) - before != set(), 30)
    (key,) = set(page_studies.RUNS.started()) - before
    job = page_studies.RUNS.get(key)
    assert job is not None
    snap = await job.wait(timeout_s=90)
    assert snap.status == "done", snap
    assert (snap.done, snap.total) == (32, 32)
    await eventually(lambda: "on the front" in text_of(user, "pareto-summary"), 30)
    assert "32 / 32 rows" in text_of(user, "study-progress-text")

    # The chart's front is the library's (evtwin pareto) over the same two objectives.
    x, y = one(user, "pareto-x"), one(user, "pareto-y")
    assert (x.value, y.value) == ("wltp_range_km", "breakover_deg")  # type: ignore[attr-defined]
    plan = parse_study(page_studies.EXAMPLE_YAML.replace("samples: 64", "samples: 32"))
    lib = pareto_front(plan, key, {"wltp_range_km": "max", "breakover_deg": "max"})
    chart = one(user, "pareto-chart")
    assert isinstance(chart, ui.plotly)
    front = next(t for t in chart.figure.data if t.name == "Pareto front")
    i = lib.columns.index("wltp_range_km")
    assert sorted(np.round(front.x, 9)) == sorted(round(r[i], 9) for r in lib.rows)

    dist = one(user, "distribution-output")
    dist.value = "price_gbp"  # type: ignore[attr-defined]
    hist = one(user, "distribution-chart")
    assert isinstance(hist, ui.plotly)
    await eventually(lambda: "price_gbp" in text_of(user, "distribution-summary"), 10)
    assert hist.figure.data[0].type == "histogram"
    assert len(hist.figure.data[0].x) == 32


async def test_bad_study_names_the_field_and_line(user: User) -> None:
    await user.open("/studies")
    await eventually(lambda: text_of(user, "study-info").startswith("Valid:"), 30)
    yaml_box = one(user, "study-yaml")
    yaml_box.value = page_studies.EXAMPLE_YAML.replace(  # type: ignore[attr-defined]
        "outputs: [wltp_range_km,", "outputs: [wltp_rnge_km,"
    )
    user.find(marker="study-validate").click()
    await eventually(lambda: "wltp_rnge_km" in text_of(user, "error"), 30)
    error = text_of(user, "error")
    line = page_studies.EXAMPLE_YAML.splitlines().index(
        next(s for s in page_studies.EXAMPLE_YAML.splitlines() if s.startswith("outputs:"))
    )
    assert f"outputs (line {line + 1}): unknown output 'wltp_rnge_km'" in error

    yaml_box.value = page_studies.EXAMPLE_YAML.replace(  # type: ignore[attr-defined]
        "vehicle: defender-sport", "vehicle: /etc/passwd"
    )
    user.find(marker="study-validate").click()
    await eventually(lambda: "not a shipped vehicle" in text_of(user, "error"), 30)
    line = page_studies.EXAMPLE_YAML.splitlines().index("vehicle: defender-sport") + 1
    assert f"vehicle (line {line}): '/etc/passwd'" in text_of(user, "error")
