"""Slider latency of the configurator, in a real browser: from the key press that moves
a slider to the updated figures painted on screen.

Starts ``evtwin serve`` itself (a subprocess on a free loopback port, its data and
cache in a temporary folder), opens ``/configurator`` in headless Chromium (Debian's
``/usr/bin/chromium`` driven by Playwright; no browser is downloaded), waits for the
first figures, then moves ``temp-slider`` and ``speed-slider`` alternately one step at a
time with the keyboard (ArrowRight/ArrowLeft on the focused slider): ``--warmup``
changes unmeasured, then ``--n`` measured. Each slider walks one way and turns only at
its end, so no (temperature, speed) pair repeats and the server's memos never answer
a measured change from an earlier one.

Each change is measured in the page with ``performance.now()``: from the keydown
event's time stamp to the moment the ``live-stamp`` label's text has changed (a
MutationObserver installed before the press) and the next animation frame has been
painted (a task queued from ``requestAnimationFrame`` runs after that frame). The next
change waits for the update (and ``--gap-ms`` more). Where the page shows its server-side
time (``compute-ms``, "computed in N ms"), the server's share of each latency is printed
too. The last line is ``slider_p95_ms=<x>``; the script exits 0 whatever it measured.

    .venv/bin/python benchmarks/slider_latency.py              # about a minute
    .venv/bin/python benchmarks/slider_latency.py --n 200 --gap-ms 50
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

TARGET_MS = 150.0
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SLIDERS = ("temp-slider", "speed-slider")

#: Installs ``window.__slider.arm(timeoutMs)``: call it, press the key, then await
#: ``window.__sliderResult`` ({t0, t1, t2, before, after} in ms, or {timeout: true}).
INSTALL_JS = """() => {
  const SEL = '[data-testid="live-stamp"]';
  const text = () => { const el = document.querySelector(SEL); return el ? el.textContent : null; };
  window.__slider = {
    arm(timeoutMs) {
      const rec = {t0: null, tHandler: null, t1: null, t2: null, before: text(), after: null};
      window.__sliderResult = new Promise((resolve) => {
        const timer = setTimeout(() => { obs.disconnect(); resolve({...rec, timeout: true}); },
                                 timeoutMs);
        document.addEventListener('keydown', (e) => {
          rec.tHandler = performance.now();
          rec.t0 = e.timeStamp > 0 ? e.timeStamp : rec.tHandler;
        }, {capture: true, once: true});
        const obs = new MutationObserver(() => {
          const now = text();
          if (rec.t0 === null || now === rec.before) return;
          obs.disconnect();
          rec.t1 = performance.now();
          rec.after = now;
          requestAnimationFrame(() => setTimeout(() => {
            clearTimeout(timer);
            rec.t2 = performance.now();
            resolve(rec);
          }, 0));
        });
        obs.observe(document.body, {subtree: true, childList: true, characterData: true});
      });
    },
  };
}"""


@dataclass
class Slider:
    """A Quasar slider's limits and the way this benchmark walks it."""

    testid: str
    lo: float
    hi: float
    step: float
    value: float
    direction: int = 1

    def next_key(self) -> str:
        """The key for one step, turning at an end; updates the expected value."""
        if not self.lo <= self.value + self.direction * self.step <= self.hi:
            self.direction = -self.direction
        self.value += self.direction * self.step
        return "ArrowRight" if self.direction > 0 else "ArrowLeft"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_server(folder: Path, timeout_s: float) -> tuple[subprocess.Popen[bytes], str, Path]:
    """``evtwin serve`` on a free loopback port; (process, base URL, its log)."""
    env = dict(os.environ)
    env["EVTWIN_DATA_DIR"] = str(folder / "data")
    env["EVTWIN_CACHE_DIR"] = str(folder / "cache")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = folder / "server.log"
    code = "from evtwin.cli import main; main()"
    cmd = [sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout_s
    while not answers(f"{base}/api/vehicles"):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(
                f"evtwin serve did not start; its output:\n{log.read_text(errors='replace')}"
            )
        time.sleep(0.2)
    return proc, base, log


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def sel(testid: str) -> str:
    return f'[data-testid="{testid}"]'


def read_slider(page: Any, testid: str) -> Slider:
    attrs = page.eval_on_selector(
        sel(testid),
        """(e) => [e.getAttribute('aria-valuemin'), e.getAttribute('aria-valuemax'),
                   e.getAttribute('data-step'), e.getAttribute('aria-valuenow')]""",
    )
    lo, hi, step, now = (float(a) if a not in (None, "") else float("nan") for a in attrs)
    if step != step:  # no data-step: one unit
        step = 1.0
    s = Slider(testid, lo, hi, step, now)
    # Walk towards the farther end, so the walk turns as late as possible.
    s.direction = 1 if hi - now >= now - lo else -1
    return s


def focus(page: Any, testid: str) -> None:
    """Focus a Quasar slider's track (it holds the tabindex and the key handlers)."""
    page.eval_on_selector(
        sel(testid), "(e) => (e.querySelector('[tabindex]') || e).focus({preventScroll: true})"
    )


def compute_ms(page: Any) -> float | None:
    """The server's time for the last update, if the page shows it (``compute-ms``)."""
    el = page.query_selector(sel("compute-ms"))
    if el is None:
        return None
    m = re.search(r"(\d+(?:\.\d+)?)\s*ms", el.inner_text())
    return float(m.group(1)) if m else None


def pct(x: np.ndarray, q: float) -> float:
    return float(np.percentile(x, q)) if x.size else float("nan")


def row(label: str, ms: np.ndarray) -> str:
    if not ms.size:
        return f"{label:<14}{'-':>8}"
    return f"{label:<14}" + "".join(
        f"{v:8.1f}" for v in (pct(ms, 50), pct(ms, 95), pct(ms, 99), float(ms.max()))
    )


def finish(p95: float, why: str | None = None) -> None:
    if why:
        print(why)
    met = p95 == p95 and p95 <= TARGET_MS
    print(f"target {TARGET_MS:.0f} ms: {'met' if met else 'NOT met'}")
    print(f"slider_p95_ms={p95:.1f}" if p95 == p95 else "slider_p95_ms=nan")


def run(args: argparse.Namespace) -> None:
    from playwright.sync_api import sync_playwright

    chromium = Path(args.chromium)
    if not chromium.exists():
        finish(float("nan"), f"{chromium} not found: `make browser` installs Chromium")
        return

    with tempfile.TemporaryDirectory(prefix="evtwin-slider-") as tmp:
        t = time.perf_counter()
        try:
            proc, base, _log = start_server(Path(tmp), args.server_timeout)
        except RuntimeError as exc:
            finish(float("nan"), str(exc))
            return
        print(f"server: evtwin serve at {base} (up in {time.perf_counter() - t:.1f} s)")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    measure(browser, base, args)
                finally:
                    browser.close()
        finally:
            stop(proc)


def measure(browser: Any, base: str, args: argparse.Namespace) -> None:
    print(
        f"browser: headless Chromium {browser.version}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    t = time.perf_counter()
    page.goto(f"{base}/configurator")
    page.wait_for_selector(sel("page-title"), timeout=args.timeout_s * 1e3)
    missing = [x for x in (*SLIDERS, "live-stamp") if page.query_selector(sel(x)) is None]
    if missing:
        finish(float("nan"), f"/configurator lacks {missing}: the configurator is not built yet")
        return
    page.wait_for_function(
        f"() => /^[1-9]\\d*$/.test(document.querySelector('{sel('live-stamp')}').textContent)",
        timeout=args.timeout_s * 1e3,
    )
    print(f"page: /configurator, first figures in {time.perf_counter() - t:.1f} s")
    page.evaluate(INSTALL_JS)
    sliders = {s: read_slider(page, s) for s in SLIDERS}
    for s in sliders.values():
        print(f"  {s.testid}: {s.lo:g} to {s.hi:g} step {s.step:g}, at {s.value:g}")

    seen: set[tuple[float, float]] = set()
    lat: dict[str, list[float]] = {s: [] for s in SLIDERS}
    to_stamp: list[float] = []  # key to the label's change, before the frame is painted
    server: list[float] = []
    share: list[float] = []
    timeouts = extra = repeats = 0
    total = args.warmup + args.n
    for i in range(total):
        testid = SLIDERS[i % 2]
        slider = sliders[testid]
        focus(page, testid)
        key = slider.next_key()
        pair = (sliders["temp-slider"].value, sliders["speed-slider"].value)
        repeats += pair in seen
        seen.add(pair)
        page.evaluate("(ms) => window.__slider.arm(ms)", args.timeout_s * 1e3)
        page.keyboard.press(key)
        rec = page.evaluate("window.__sliderResult")
        if rec.get("timeout"):
            timeouts += 1
            print(f"  change {i + 1} ({testid} {key}): no update within {args.timeout_s:g} s")
            continue
        ms = rec["t2"] - rec["t0"]
        # Let late updates land (and count them) before the next change.
        page.wait_for_timeout(args.gap_ms)
        after = page.inner_text(sel("live-stamp"))
        extra += after != rec["after"]
        if i < args.warmup:
            continue
        lat[testid].append(ms)
        to_stamp.append(rec["t1"] - rec["t0"])
        c = compute_ms(page)
        if c is not None:
            server.append(c)
            share.append(c / ms)

    all_ms = np.array(lat["temp-slider"] + lat["speed-slider"])
    print(
        f"\nwarm-up {args.warmup} changes, measured {all_ms.size} "
        f"({len(lat['temp-slider'])} temperature, {len(lat['speed-slider'])} speed); "
        f"{timeouts} without an update, {extra} with a further update, "
        f"{repeats} repeated slider pairs"
    )
    print(f"{'key to paint':<14}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  (ms)")
    print(row("both sliders", all_ms))
    print(row("temperature", np.array(lat["temp-slider"])))
    print(row("speed", np.array(lat["speed-slider"])))
    print(row("key to label", np.array(to_stamp)))
    if server:
        srv = np.array(server)
        print(row("server compute", srv))
        print(
            f"server share of the latency: median {100 * float(np.median(share)):.0f} %, "
            f"p95 compute {pct(srv, 95):.1f} ms of p95 latency {pct(all_ms, 95):.1f} ms"
        )
    else:
        print("server compute: the page does not show it (no compute-ms)")
    finish(pct(all_ms, 95), None if all_ms.size else "no change was measured")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=60, help="measured changes (default 60)")
    ap.add_argument("--warmup", type=int, default=10, help="unmeasured first changes")
    ap.add_argument("--gap-ms", type=float, default=100.0, help="pause after each update")
    ap.add_argument("--timeout-s", type=float, default=30.0, help="longest wait for an update")
    ap.add_argument("--server-timeout", type=float, default=60.0, help="for evtwin serve")
    ap.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    args = ap.parse_args()
    try:
        run(args)
    except Exception as exc:  # a benchmark: say what went wrong, exit 0
        finish(float("nan"), f"the benchmark stopped: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
