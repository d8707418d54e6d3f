"""Load test of the JSON API: many simulated users at once, over loopback, for a while.

The API runs as its own process (``uvicorn evtwin.api.app:create_app --factory``, one
worker) on a free port of 127.0.0.1; this process plays ``--users`` configurator users
(asyncio, one HTTP client), each looping over a realistic mix of requests with a
think time of 0-200 ms, for ``--duration`` seconds. Beside them a probe asks for
``GET /api/vehicles`` once a second, on a connection of its own: its latency is what a
newcomer would wait while the users keep the server busy. Any non-2xx answer or failed
request is an error, and any error makes the exit status 1. The last line is::

    load_users=50 duration_s=60 requests=N errors=E p99_ms=X probe_p99_ms=Y

    .venv/bin/python benchmarks/api_load.py                  # 50 users, 60 s
    .venv/bin/python benchmarks/api_load.py --users 5 --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import numpy as np

from api_latency import OPTION_SETS  # the same builds (run from benchmarks/)

#: The shipped vehicles (GET /api/vehicles is asked at start; this is the fallback).
VEHICLES = ("defender-sport", "jaguar-i-pace", "tesla-model-y", "bmw-ix3", "skoda-enyaq-80x")


CYCLES = (None, "wltc", "udds", "hwfet", "us06", "artemis_motorway_130")

#: Seconds a request may take before it counts as an error.
TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Call:
    """One request: ``label`` groups it in the table (the route, not its id)."""

    label: str
    method: str
    url: str
    body: dict[str, Any] | None = None


def _evaluate(rng: random.Random, vehicles: list[str]) -> Call:
    """A configurator build: mostly the Defender Sport with options, sliders moved.
    Payload in 5 kg steps, temperature in whole degrees and speed in 5 km/h steps, as
    sliders give: some builds recur (the memo answers), most are new."""
    defender = rng.random() < 0.8
    vehicle = "defender-sport" if defender else rng.choice(vehicles)
    options = list(rng.choice(OPTION_SETS)) if defender else []
    # Loads every car may carry: the lightest margin to gross mass among the shipped
    # vehicles is about 400 kg (a Model Y), the Defender's is larger.
    body: dict[str, Any] = {
        "vehicle": vehicle,
        "options": options,
        "passengers": rng.randint(0, 3 if defender else 2),
        "payload_kg": 5.0 * rng.randint(0, 40 if defender else 20),
    }
    if "tow-bar" in options and rng.random() < 0.5:
        body["trailer"] = rng.choice(("box-trailer-750", "caravan-1500"))
    if rng.random() < 0.7:
        body["temperature_c"] = float(rng.randint(-10, 35))
        body["speed_kph"] = 5.0 * rng.randint(10, 26)
    return Call("POST /api/evaluate", "POST", "/api/evaluate", body)


def _range(rng: random.Random, vehicles: list[str]) -> Call:
    body: dict[str, Any] = {"vehicle": rng.choice(vehicles)}
    if (cycle := rng.choice(CYCLES)) is not None:
        body["cycle"] = cycle
    if body["vehicle"] == "defender-sport" and rng.random() < 0.5:
        body["options"] = list(rng.choice(OPTION_SETS))
    return Call("POST /api/range", "POST", "/api/range", body)


def _charge(rng: random.Random, vehicles: list[str]) -> Call:
    body: dict[str, Any] = {
        "vehicle": rng.choice(vehicles),
        "charger_kw": rng.choice((50.0, 150.0, 350.0)),
        "soc_from_pct": float(rng.randint(5, 30)),
        "soc_to_pct": float(rng.randint(60, 100)),
        "temperature_c": float(rng.randint(-10, 35)),
        "cold_battery": rng.random() < 0.2,
    }
    return Call("POST /api/charge", "POST", "/api/charge", body)


def _conditions(rng: random.Random, vehicles: list[str]) -> Call:
    body: dict[str, Any] = {
        "vehicle": rng.choice(vehicles),
        "payload_kg": 10.0 * rng.randint(0, 30),
    }
    if rng.random() < 0.7:
        body["temperature_c"] = float(rng.randint(-10, 35))
        body["speed_mph"] = 5.0 * rng.randint(6, 16)  # 30-80 mph: 50-130 km/h
    return Call("POST /api/conditions", "POST", "/api/conditions", body)


def _vehicles(rng: random.Random, vehicles: list[str]) -> Call:
    return Call("GET /api/vehicles", "GET", "/api/vehicles")


def _options(rng: random.Random, vehicles: list[str]) -> Call:
    v = rng.choice(vehicles)
    return Call("GET /api/vehicles/{id}/options", "GET", f"/api/vehicles/{v}/options")


#: The mix, by weight: the configurator's live evaluation above all, then the pages
#: that open a vehicle (list, options) and the range, charging and weather views.
MIX: tuple[tuple[Callable[[random.Random, list[str]], Call], float], ...] = (
    (_evaluate, 0.40),
    (_vehicles, 0.10),
    (_options, 0.10),
    (_range, 0.15),
    (_charge, 0.10),
    (_conditions, 0.15),
)


@dataclass
class Results:
    """Milliseconds per request by label, and the errors (label, what went wrong)."""

    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[tuple[str, str]] = field(default_factory=list)


async def _send(client: httpx2.AsyncClient, call: Call, res: Results) -> None:
    t = time.perf_counter()
    try:
        r = await client.request(call.method, call.url, json=call.body)
        ok, why = r.is_success, f"{r.status_code} {r.text[:200]}"
    except httpx2.HTTPError as exc:
        ok, why = False, f"{type(exc).__name__}: {exc}"
    res.ms[call.label].append((time.perf_counter() - t) * 1e3)
    if not ok:
        res.errors.append((call.label, f"{why} <- {call.body}"))


async def _user(
    client: httpx2.AsyncClient, rng: random.Random, vehicles: list[str], end: float, res: Results
) -> None:
    makers, weights = zip(*MIX, strict=True)
    # Users arrive over the first second rather than all in the same instant.
    await asyncio.sleep(rng.uniform(0.0, 1.0))
    while time.perf_counter() < end:
        make = rng.choices(makers, weights)[0]
        await _send(client, make(rng, vehicles), res)
        await asyncio.sleep(rng.uniform(0.0, 0.2))


async def _probe(base: str, end: float, res: Results, page: bool) -> None:
    """GET /api/vehicles once a second on a client of its own (not queued behind the
    users' connection pool), so it measures the server's responsiveness; with ``page``,
    the web app's configurator page too."""
    async with httpx2.AsyncClient(base_url=base, timeout=TIMEOUT_S) as client:
        calls = [Call("probe GET /api/vehicles", "GET", "/api/vehicles")]
        if page:
            calls.append(Call("probe GET /configurator (page)", "GET", "/configurator"))
        tick = time.perf_counter()
        while tick < end:
            for call in calls:
                await _send(client, call, res)
            tick += 1.0
            await asyncio.sleep(max(0.0, tick - time.perf_counter()))


async def run_load(
    base: str, users: int, duration: float, seed: int, page: bool = False
) -> tuple[Results, float]:
    """The users and the probe for ``duration`` seconds; the results and the wall time."""
    res = Results()
    limits = httpx2.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx2.AsyncClient(base_url=base, timeout=TIMEOUT_S, limits=limits) as client:
        listed = (await client.get("/api/vehicles")).json()
        vehicles = [str(v["id"]) for v in listed] or list(VEHICLES)
        start = time.perf_counter()
        end = start + duration
        await asyncio.gather(
            _probe(base, end, res, page),
            *(
                _user(client, random.Random(seed * 1000 + i), vehicles, end, res)
                for i in range(users)
            ),
        )
        return res, time.perf_counter() - start


# ---------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(workers: int = 1, app: bool = False, ready_timeout_s: float = 120.0) -> Iterator[str]:
    """The API under uvicorn (or, with ``app``, the whole web app: ``evtwin serve``) in a
    process of its own on a loopback port; its base URL."""
    port = _free_port()
    web = [str(Path(sys.executable).with_name("evtwin")), "serve", "--host", "127.0.0.1", "--port"]
    cmd = (
        [*web, str(port)]
        if app
        else [
            sys.executable,
            "-m",
            "uvicorn",
            "evtwin.api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--workers",
            str(workers),
        ]
    )
    if app and workers != 1:
        raise SystemExit("--app runs one process (NiceGUI keeps its pages in it)")
    # A session of its own, so that it (and anything it starts) is ended as a group.
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_timeout_s
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the API exited with status {proc.returncode} at start")
            try:
                if httpx2.get(f"{base}/api/vehicles", timeout=5.0).is_success:
                    break
            except httpx2.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the API was not ready in {ready_timeout_s:.0f} s")
            time.sleep(0.2)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # uvicorn's graceful shutdown
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def warm_up(base: str, seed: int) -> float:
    """One request of each kind, untimed: the first of each compiles and fills the
    library's per-vehicle caches, which a running server has long done."""
    rng = random.Random(seed - 1)
    t = time.perf_counter()
    with httpx2.Client(base_url=base, timeout=TIMEOUT_S) as client:
        for make, _ in MIX:
            for _ in range(2):
                call = make(rng, list(VEHICLES))
                r = client.request(call.method, call.url, json=call.body)
                if not r.is_success:
                    raise SystemExit(f"warm-up {call.label}: {r.status_code} {r.text[:300]}")
    return time.perf_counter() - t


# ---------------------------------------------------------------- the report


def _pct(ms: list[float]) -> tuple[float, float, float, float]:
    a = np.asarray(ms)
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return float(p50), float(p95), float(p99), float(a.max())


def report(res: Results, users: int, duration: float, wall: float) -> int:
    """Print the table and the last line; the number of errors."""
    errs: dict[str, int] = defaultdict(int)
    for label, _ in res.errors:
        errs[label] += 1
    print(f"{'endpoint':<34} {'n':>6} {'err':>4} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  ms")
    labels = sorted(res.ms, key=lambda s: (s.startswith("probe"), s))
    for label in labels:
        p50, p95, p99, mx = _pct(res.ms[label])
        n = len(res.ms[label])
        print(f"{label:<34} {n:>6} {errs[label]:>4} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {mx:>8.1f}")
    user_ms = [m for label in labels if not label.startswith("probe") for m in res.ms[label]]
    probe_ms = res.ms.get("probe GET /api/vehicles", [float("nan")])
    p50, p95, p99, mx = _pct(user_ms)
    print(
        f"{'all user requests':<34} {len(user_ms):>6} {len(res.errors):>4} "
        f"{p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {mx:>8.1f}"
    )
    print(f"throughput {len(user_ms) / wall:.1f} requests/s over {wall:.1f} s")
    _, _, probe_p99, probe_max = _pct(probe_ms)
    print(f"probe (GET /api/vehicles once a second): p99 {probe_p99:.1f} ms, max {probe_max:.1f}")
    for label, why in res.errors[:10]:
        print(f"error: {label}: {why}", file=sys.stderr)
    print(
        f"load_users={users} duration_s={duration:g} requests={len(user_ms)} "
        f"errors={len(res.errors)} p99_ms={p99:.1f} probe_p99_ms={probe_p99:.1f}"
    )
    return len(res.errors)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50, help="simulated users at once")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument(
        "--app", action="store_true", help="load `evtwin serve` (pages and API); probe a page"
    )
    args = ap.parse_args()
    if args.users < 1 or not 0.0 < args.duration <= 3600.0 or not 1 <= args.workers <= 16:
        ap.error("--users must be at least 1, --duration in (0, 3600] s, --workers 1 to 16")
    with served(args.workers, args.app) as base:
        warm = sum(warm_up(base, args.seed + i) for i in range(args.workers))
        print(f"API at {base} (uvicorn, {args.workers} worker(s)); warm-up {warm:.1f} s")
        res, wall = asyncio.run(run_load(base, args.users, args.duration, args.seed, args.app))
    # CPU seconds of each side (the server's counted once it has exited): the users'
    # client should be a small part, or the latencies are partly its own.
    me, server = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    print(
        f"CPU: server {server.ru_utime + server.ru_stime:.1f} s, "
        f"client {me.ru_utime + me.ru_stime:.1f} s (both including warm-up), "
        f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    errors = report(res, args.users, args.duration, wall)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
