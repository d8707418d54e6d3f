"""Browser tests: the web app in a real browser (Playwright driving Debian's Chromium).

What the fixtures give:

* ``server`` (session): ``evtwin serve`` started as a subprocess on a free loopback
  port (``server_process``), inheriting ``EVTWIN_DATA_DIR`` and ``EVTWIN_CACHE_DIR``
  (tests/conftest.py points both at temporary folders for the session; temporary ones
  are made if unset); ready once ``GET /api/vehicles`` answers (60 s at most, else the
  tests fail with the server's output); stopped at the end of the session. Its value is
  the base URL.
* ``browser`` (package): headless Chromium from ``/usr/bin/chromium`` (``CHROMIUM``
  overrides it), launched while the server starts. Playwright never downloads a browser
  here. The sync API is used, so browser tests are plain (sync) functions: the sync API
  refuses to run inside a running asyncio loop (pyproject sets ``asyncio_mode = "auto"``,
  so an ``async def`` test would be run in one). The browser is package-scoped: while
  the sync API is alive the thread counts its loop as running, which breaks the async
  tests of tests/web; it stops when this package's tests are done.
* ``page``: a new browser context per test (viewport 1400x1000), with a log of console
  errors, failed requests and page errors. The test fails (at teardown) if any request
  leaves the machine (a host other than 127.0.0.1, localhost or ::1: every asset is
  served locally, so the app works with no internet) or if any page error (an uncaught
  exception in the page) occurs; the log's other entries are listed in that message.
* ``shot(page, name)`` (from .helpers): a full-page screenshot saved as
  ``test-artifacts/screenshots/<name>.png`` at the repository's root.

Without Chromium the whole package is skipped, loudly; in CI (``CI`` set) it fails
instead, since CI's test command installs Chromium (``make browser``).

    .venv/bin/pytest -p no:cacheprovider -q tests/browser
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from .helpers import shot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, WebError

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: Hosts a page may load from.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: URL schemes that do not touch the network.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "javascript"})
SERVER_START_TIMEOUT_S = 60.0
VIEWPORT = {"width": 1400, "height": 1000}


def _missing(reason: str) -> None:
    """Skip without a browser, loudly; fail in CI, where one must be installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser tests must run; `make browser`)")
    pytest.skip(f"browser tests skipped: {reason} (`make browser` installs Chromium)")


@pytest.fixture(scope="session", autouse=True)
def _chromium() -> None:
    """Every test here needs Chromium and Playwright's Python package."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the Python package playwright is not installed (pip install -e '.[dev]')")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@dataclass
class ServerProcess:
    proc: subprocess.Popen[bytes]
    base: str
    log: Path


@pytest.fixture(scope="session")
def server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """``evtwin serve`` started in a subprocess (not yet answering); stopped at the end."""
    root = tmp_path_factory.mktemp("evtwin-serve")
    env = dict(os.environ)  # tests/conftest.py has set both folders for the session
    env.setdefault("EVTWIN_DATA_DIR", str(root / "data"))
    env.setdefault("EVTWIN_CACHE_DIR", tempfile.mkdtemp(prefix="evtwin-test-cache-"))
    port = _free_port()
    log = root / "server.log"
    code = "from evtwin.cli import main; main()"
    cmd = [sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield ServerProcess(proc, f"http://127.0.0.1:{port}", log)
    finally:
        _stop(proc)


@pytest.fixture(scope="package")
def browser(_chromium: None, server_process: ServerProcess) -> Iterator[Browser]:
    """Headless Chromium, launched while the server starts (it asks for the process).

    Package-scoped, not session-scoped: the sync API's event loop stays marked as the
    thread's running loop while Playwright is alive, so it must stop before the async
    tests of other packages (tests/web) run, or pytest-asyncio cannot start theirs.
    """
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def server(server_process: ServerProcess) -> str:
    """The base URL (``http://127.0.0.1:<port>``) once ``GET /api/vehicles`` answers."""
    proc, base, log = server_process.proc, server_process.base, server_process.log
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not _answers(f"{base}/api/vehicles"):
        if proc.poll() is not None or time.monotonic() > deadline:
            why = (
                f"exited with status {proc.returncode}"
                if proc.poll() is not None
                else f"did not answer GET /api/vehicles within {SERVER_START_TIMEOUT_S:.0f} s"
            )
            _stop(proc)
            pytest.fail(
                f"evtwin serve {why}; its output:\n{log.read_text(errors='replace')}",
                pytrace=False,
            )
        time.sleep(0.2)
    return base


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class BrowserLog:
    """What went wrong in a test's browser context."""

    foreign: list[str] = field(default_factory=list)  # requests leaving the machine
    page_errors: list[str] = field(default_factory=list)  # uncaught exceptions in a page
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)  # network failures, HTTP >= 400

    def on_request(self, request: Request) -> None:
        if not _is_local(request.url):
            self.foreign.append(f"{request.method} {request.url}")

    def on_failed(self, request: Request) -> None:
        self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def on_console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.console_errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    def on_weberror(self, error: WebError) -> None:
        self.page_errors.append(str(error.error))

    def on_websocket(self, url: str) -> None:
        if not _is_local(url):
            self.foreign.append(f"WebSocket {url}")

    def problems(self) -> list[str]:
        """What fails the test."""
        out = [f"request to another host: {x}" for x in self.foreign]
        out += [f"page error: {x}" for x in self.page_errors]
        return out

    def report(self) -> str:
        lines = self.problems()
        lines += [f"console error: {x}" for x in self.console_errors]
        lines += [f"failed request: {x}" for x in self.failed_requests]
        return "\n".join(lines)


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(browser: Browser, server: str, browser_log: BrowserLog) -> Iterator[Page]:
    """A page in a new context, its base URL the server's. Fails the test at teardown
    on a request to another host or a page error (see :class:`BrowserLog`)."""
    log = browser_log
    context = browser.new_context(viewport=VIEWPORT, base_url=server)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    context.on("request", log.on_request)
    context.on("requestfailed", log.on_failed)
    context.on(
        "response",
        lambda r: (
            log.failed_requests.append(f"{r.request.method} {r.url}: HTTP {r.status}")
            if r.status >= 400
            else None
        ),
    )
    context.on("console", log.on_console)
    context.on("weberror", log.on_weberror)
    context.on("page", lambda pg: pg.on("websocket", lambda ws: log.on_websocket(ws.url)))
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()
    if log.problems():
        pytest.fail("in the browser:\n" + log.report(), pytrace=False)
    if log.console_errors or log.failed_requests:
        # Not failures by themselves (an aborted navigation is one); shown with -rP.
        print("in the browser:\n" + log.report())


__all__ = ["BrowserLog", "shot"]
