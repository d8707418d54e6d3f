"""Every page in a real browser: opened by URL and from the header, and the configurator
at work (options, sliders, saving and sharing a build)."""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from urllib.parse import urljoin, urlsplit

import pytest

if not os.environ.get("CI"):  # in CI a missing Playwright fails (it is a dev dependency)
    pytest.importorskip("playwright.sync_api", reason="the Python package playwright is missing")

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import BrowserLog
from .helpers import (
    focus_slider,
    is_checked,
    number,
    plot_digest,
    sel,
    shot,
    visible_errors,
    wait_plot,
)

#: name (of the screenshot and the nav link), path.
PAGES: tuple[tuple[str, str], ...] = (
    ("home", "/"),
    ("configurator", "/configurator"),
    ("compare", "/compare"),
    ("charging", "/charging"),
    ("offroad", "/offroad"),
    ("claims", "/claims"),
    ("studies", "/studies"),
)
NAV = tuple(name for name, _ in PAGES if name != "home")

#: Per page: the test ids it must show, and those of its charts (drawn with data).
PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "configurator": (
        (
            "vehicle-select",
            "option-roof-rack",
            "passengers",
            "payload",
            "trailer-select",
            "temp-slider",
            "speed-slider",
            "wltp-range",
            "epa-range",
            "real-world-range",
            "custom-range",
            "consumption",
            "price",
            "grant",
            "live-stamp",
            "save-name",
            "save-button",
            "saved-list",
        ),
        ("chart-breakdown", "chart-speed", "chart-soc", "chart-ranges"),
    ),
    "compare": (("rivals-select", "compare-table"), ("compare-chart",)),
    "charging": (
        ("charger-select", "charge-10-80", "miles-per-minute"),
        ("charging-chart-soc", "charging-chart-time"),
    ),
    "offroad": (
        ("mode-select", "geometry-diagram", "scorecard", "playback"),
        ("geometry-diagram",),
    ),
    # Probabilities and distributions appear once a check has run (claims-run).
    "claims": (("claims-ledger", "claims-run"), ()),
    "studies": (("study-launch", "study-yaml", "study-run"), ()),
}

#: What each page's title says (any case).
TITLES = {
    "home": re.compile("evtwin", re.I),
    "configurator": re.compile("configurator", re.I),
    "compare": re.compile("compar", re.I),
    "charging": re.compile("charg", re.I),
    "offroad": re.compile("off", re.I),
    "claims": re.compile("claim", re.I),
    "studies": re.compile("stud", re.I),
}

HAS_DIGIT = re.compile(r"\d")


def no_errors(page: Page) -> None:
    errors = visible_errors(page)
    assert not errors, f"{page.url} shows errors: {errors}"


def open_page(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.get_by_test_id("page-title")).to_be_visible()
    expect(page.get_by_test_id("page-title")).to_have_text(re.compile(r"\S"))


def settle(page: Page) -> None:
    """Give the page's first figures a moment (the socket stays open, so this waits for
    the assets and first requests only)."""
    with contextlib.suppress(PlaywrightTimeoutError):  # one still fetching is shown as it is
        page.wait_for_load_state("networkidle", timeout=5_000)


# -- every page ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[n for n, _ in PAGES])
def test_page_by_url(page: Page, name: str, path: str) -> None:
    """The page opens with its title and the header's links, shows its agreed elements,
    draws its charts with data, and shows no error."""
    ids, charts = PARTS.get(name, ((), ()))
    try:
        open_page(page, path)
        expect(page.get_by_test_id("page-title")).to_have_text(TITLES[name])
        for link in NAV:
            expect(page.get_by_test_id(f"nav-{link}")).to_be_visible()
        missing = [t for t in ids if page.locator(sel(t)).count() == 0]
        if missing:  # the elements are rendered with the page: no need to wait long
            page.wait_for_timeout(1_000)
            missing = [t for t in ids if page.locator(sel(t)).count() == 0]
        assert not missing, f"{path} lacks {missing}"
        for chart in charts:
            wait_plot(page, chart)
        no_errors(page)
    finally:  # the page as it was, also when it failed
        with contextlib.suppress(PlaywrightError):
            settle(page)
            shot(page, name)


def test_nav_links_reach_every_page(page: Page) -> None:
    """Each header link swaps in its page (the frame changes without a reload)."""
    open_page(page, "/")
    for name in NAV:
        page.get_by_test_id(f"nav-{name}").click()
        expect(page).to_have_url(re.compile(rf"/{name}(\?.*)?$"))
        expect(page.get_by_test_id("page-title")).to_have_text(TITLES[name])
        no_errors(page)


# -- the configurator ---------------------------------------------------------------------


def figure(page: Page, testid: str) -> str:
    """A figure's text, once it holds a number."""
    loc = page.get_by_test_id(testid)
    expect(loc).to_have_text(HAS_DIGIT)
    return loc.inner_text().strip()


def set_option(page: Page, option: str, ticked: bool) -> bool:
    """Tick or untick an option's checkbox; whether it changed."""
    box = page.get_by_test_id(f"option-{option}")
    expect(box).to_be_visible()
    if is_checked(box) == ticked:
        return False
    box.click()
    expect(box).to_have_attribute("aria-checked", "true" if ticked else "false")
    return True


def ready_configurator(page: Page, path: str = "/configurator") -> None:
    open_page(page, path)
    figure(page, "wltp-range")
    for chart in ("chart-ranges", "chart-breakdown", "chart-speed", "chart-soc"):
        wait_plot(page, chart)


def test_option_changes_range_and_charts(page: Page) -> None:
    ready_configurator(page)
    wltp = figure(page, "wltp-range")
    ranges = plot_digest(page, "chart-ranges")
    breakdown = plot_digest(page, "chart-breakdown")
    stamp = int(figure(page, "live-stamp"))

    assert set_option(page, "roof-rack", True), "the roof rack is already ticked"
    expect(page.get_by_test_id("wltp-range")).not_to_have_text(wltp)
    assert int(figure(page, "live-stamp")) > stamp, "live-stamp did not count the update"
    new_wltp = figure(page, "wltp-range")
    assert number(new_wltp) < number(wltp), f"a roof rack raised WLTP range: {wltp} -> {new_wltp}"
    wait_plot(page, "chart-ranges", other_than=ranges)
    wait_plot(page, "chart-breakdown", other_than=breakdown)
    no_errors(page)
    shot(page, "configurator-roof-rack")


def test_temperature_slider_changes_custom_range_and_traces(page: Page) -> None:
    ready_configurator(page)
    custom = figure(page, "custom-range")
    soc = plot_digest(page, "chart-soc")
    slider = page.get_by_test_id("temp-slider")
    before = slider.get_attribute("aria-valuenow")

    focus_slider(slider)
    page.keyboard.press("PageDown")  # ten steps colder (at the bottom: warmer)
    if slider.get_attribute("aria-valuenow") == before:
        page.keyboard.press("PageUp")
    expect(slider).not_to_have_attribute("aria-valuenow", before or "")
    expect(page.get_by_test_id("custom-range")).not_to_have_text(custom)
    wait_plot(page, "chart-soc", other_than=soc)
    no_errors(page)
    shot(page, "configurator-temperature")


def test_save_share_and_reopen_a_build(page: Page) -> None:
    ready_configurator(page)
    for option in ("roof-rack", "tyres-all-terrain"):  # each changes WLTP range
        wltp = figure(page, "wltp-range")
        if set_option(page, option, True):
            expect(page.get_by_test_id("wltp-range")).not_to_have_text(wltp)
    wltp = figure(page, "wltp-range")

    name = f"browser test {uuid.uuid4().hex[:8]}"
    box = page.get_by_test_id("save-name")
    is_input = box.evaluate("(e) => ['INPUT', 'TEXTAREA'].includes(e.tagName)")
    (box if is_input else box.locator("input, textarea").first).fill(name)
    page.get_by_test_id("save-button").click()
    expect(page.get_by_test_id("saved-list")).to_contain_text(name)
    link = page.get_by_test_id("share-link")
    expect(link).to_have_attribute("href", re.compile(r"\S"))
    share = urljoin(page.url, link.get_attribute("href") or "")
    shot(page, "configurator-saved")

    # The saved build's own page, /b/<id>: from the share link or the saved list.
    saved = [share] if "/b/" in urlsplit(share).path else []
    saved += [
        urljoin(page.url, h)
        for h in page.locator(f"{sel('saved-list')} a[href*='/b/']").evaluate_all(
            "(els) => els.map((a) => a.getAttribute('href'))"
        )
    ]
    assert saved, f"no /b/<id> link in share-link ({share}) or saved-list"

    for url in dict.fromkeys([share, saved[0]]):
        other = page.context.new_page()
        open_page(other, url)
        for option in ("roof-rack", "tyres-all-terrain"):
            box = other.get_by_test_id(f"option-{option}")
            expect(box).to_have_attribute("aria-checked", "true")
        expect(other.get_by_test_id("wltp-range")).to_have_text(wltp)
        no_errors(other)
        shot(other, "build-" + ("shared" if url == share else "saved"))
        other.close()


# -- the harness itself -------------------------------------------------------------------


def test_harness_catches_other_hosts_and_page_errors(page: Page, browser_log: BrowserLog) -> None:
    """The ``page`` fixture sees a request to another host and an uncaught exception
    (both cleared here, so this test passes)."""
    page.goto("/api/vehicles")
    page.evaluate("() => fetch('http://evtwin-test.invalid/x').catch(() => null)")
    page.evaluate("() => { setTimeout(() => { throw new Error('evtwin-test boom'); }, 0); }")
    page.wait_for_timeout(200)
    assert any("evtwin-test.invalid" in x for x in browser_log.foreign), browser_log.report()
    assert any("evtwin-test boom" in x for x in browser_log.page_errors), browser_log.report()
    browser_log.foreign.clear()
    browser_log.page_errors.clear()


def test_claims_check_runs_from_the_page(page: Page) -> None:
    """A small check (256 draws, in the server's process) run from the button shows the
    probabilities and the range distributions."""
    page.goto("/claims?draws=256")
    page.get_by_test_id("claims-run").click()
    expect(page.get_by_test_id("claims-probabilities")).to_be_visible(timeout=180_000)
    expect(page.get_by_test_id("claims-distributions")).to_be_visible()
    expect(page.get_by_test_id("claims-probabilities")).to_contain_text("%")
    no_errors(page)
    page.get_by_test_id("claims-probabilities").scroll_into_view_if_needed()
    shot(page, "claims-check")
