"""The claims page in the in-process NiceGUI ``User``: the ledger with its sources, and a
small claims check (256 draws, serial) run in the background to its probabilities."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from nicegui import ui
from nicegui.testing.user import User

from evtwin.specs import load_vehicle
from evtwin.study.claims import TESTS, check_claims
from evtwin.web import page_claims


async def eventually(check: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        await asyncio.sleep(0.1)


def texts(user: User, marker: str) -> list[str]:
    """The text of every label (and link) inside the element marked ``marker``."""
    try:
        (root,) = user.find(marker=marker).elements
    except AssertionError:
        return []
    return [el.text for el in root.descendants() if isinstance(el, ui.label | ui.link)]


def visible(user: User, marker: str) -> bool:
    try:
        user.find(marker=marker)
    except AssertionError:
        return False
    return True


async def test_ledger_shows_each_claim_with_its_source(user: User) -> None:
    await user.open("/claims")
    spec = load_vehicle("defender-sport")
    ledger = texts(user, "claims-ledger")
    for c in spec.claims:
        assert c.text in ledger
    autoexpress = spec.sources["autoexpress"]
    assert autoexpress.url in ledger
    links = [
        el
        for el in user.find(marker="claims-ledger").elements.pop().descendants()
        if isinstance(el, ui.link) and el.text == autoexpress.url
    ]
    assert links
    assert all(link.props["href"] == autoexpress.url for link in links)
    assert "range 300-320 mi" in ledger


async def test_small_check_runs_and_shows_probabilities(user: User) -> None:
    await user.open("/claims")
    (draws,) = user.find(marker="claims-draws").elements
    draws.value = 256
    plan = page_claims.plan_for("defender-sport", 256)
    _, held, needed = page_claims.store_state(plan)
    if held < needed:  # a fresh cache: run it from the page
        await eventually(
            lambda: "No stored check for 256 draws" in " ".join(texts(user, "claims-card")), 30
        )
        assert visible(user, "claims-run")
        user.find(marker="claims-run").click()
        job = page_claims.CHECKS.get(str(page_claims.default_store(plan)))
        assert job is not None
        snap = await job.wait(timeout_s=90)
        assert snap.status == "done", snap
        assert snap.done == 256
    await eventually(lambda: bool(texts(user, "claims-probabilities")), 30)
    await user.should_see(marker="claims-distributions")

    # The same check read back from its store (the CLI's and the API's function).
    check = check_claims("defender-sport", samples=256)
    shown = texts(user, "claims-probabilities")
    first = next(c for c in check.claims if c.kind == "range")
    p = {x.test: x for x in first.probabilities}[TESTS[0].name]
    assert page_claims._pct(p.probability, p.standard_error) in shown
    assert f"{check.valid:,} consistent draws of 256" in " ".join(
        el.text for el in user.find(kind=ui.label).elements
    )
    (plot,) = (
        el
        for el in user.find(marker="claims-distributions").elements.pop().descendants()
        if isinstance(el, ui.plotly)
    )
    assert [t.type for t in plot.figure.data] == ["histogram"] * len(TESTS)
    assert len(plot.figure.data[0].x) == check.valid


async def test_bad_query_names_the_field(user: User) -> None:
    await user.open("/claims?draws=lots")
    await user.should_see("draws: 'lots' is not one of")
    await user.should_see(marker="claims-ledger")
