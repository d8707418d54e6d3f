"""The fast performance solver against the full bisections that define its answers.

``sim._perf_kernel`` finds each acceleration, steepest grade and top speed by replaying
the reference bisections with a few evaluations instead of one per step (see its "fast
solver" section), so it should land on the reference's floating-point numbers. These
tests hold ``performance(...)`` to ``performance(..., reference=True)`` for every shipped
vehicle, alone and with each shipped trailer, at two loads; for configured builds as the
configurator evaluates them; in a spread of conditions; and the kernel's acceleration
search on random inputs.

The tolerance is the promise: times within 1e-6 s, every other figure within 1e-6
relative, every limit label the same. (When this was written, every figure matched to
the bit.)
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from numba import njit

from evtwin.configurator import build_from_args, trailer_preset
from evtwin.physics.traction import SURFACES
from evtwin.sim import _perf_kernel as pk
from evtwin.sim import performance as perf_module
from evtwin.sim.conditions import Ambient
from evtwin.sim.performance import PerformanceResult, performance
from evtwin.sim.trailer import Trailer
from evtwin.specs import load_vehicle, vehicle_names

TIME_TOL_S = 1e-6
REL_TOL = 1e-6
SHARE_TOL = 1e-6

TRAILERS = ("box-trailer-750", "caravan-1500")


def _assert_close(fast: Any, ref: Any, path: str = "") -> None:
    """Walk two results field by field: times [s] to TIME_TOL_S, limit shares to SHARE_TOL,
    other numbers to REL_TOL, everything else equal."""
    if dataclasses.is_dataclass(fast) and not isinstance(fast, type):
        assert type(fast) is type(ref), path
        for f in dataclasses.fields(fast):
            _assert_close(getattr(fast, f.name), getattr(ref, f.name), f"{path}.{f.name}")
    elif isinstance(fast, float) and not isinstance(fast, bool):
        assert isinstance(ref, float), path
        if math.isnan(ref) or math.isinf(ref):
            assert fast == ref or (math.isnan(fast) and math.isnan(ref)), (path, fast, ref)
        elif path.endswith("_s"):
            assert fast == pytest.approx(ref, rel=0.0, abs=TIME_TOL_S), path
        elif "limit_shares" in path:
            assert fast == pytest.approx(ref, rel=0.0, abs=SHARE_TOL), path
        else:
            assert fast == pytest.approx(ref, rel=REL_TOL, abs=1e-12), path
    elif isinstance(fast, np.ndarray):
        assert fast.shape == ref.shape, path
        np.testing.assert_allclose(fast, ref, rtol=REL_TOL, atol=1e-9, err_msg=path)
    elif isinstance(fast, tuple):
        assert len(fast) == len(ref), (path, fast, ref)
        for i, (a, b) in enumerate(zip(fast, ref, strict=True)):
            _assert_close(a, b, f"{path}[{i}]")
    else:
        assert fast == ref, (path, fast, ref)


def _both(spec: Any, **kwargs: Any) -> tuple[PerformanceResult, PerformanceResult]:
    return performance(spec, **kwargs), performance(spec, reference=True, **kwargs)


@pytest.mark.parametrize("payload_kg", [75.0, 400.0])
@pytest.mark.parametrize("name", vehicle_names())
def test_shipped_vehicles_match_the_reference(name: str, payload_kg: float) -> None:
    spec = load_vehicle(name)
    fast, ref = _both(spec, payload_kg=payload_kg)
    _assert_close(fast, ref)
    for preset in TRAILERS:
        trailer = trailer_preset(preset).to_sim()
        fast, ref = _both(spec, payload_kg=payload_kg, trailer=trailer)
        assert fast.towing is not None
        _assert_close(fast, ref)


@pytest.mark.parametrize(
    ("vehicle", "options", "passengers", "payload_kg", "trailer"),
    [
        ("defender-sport", ["roof-rack"], 1, 0.0, None),
        ("defender-sport", ["roof-rack", "roof-box"], 3, 150.0, None),
        ("defender-sport", ["tyres-all-terrain"], 0, 20.0, None),
        ("defender-sport", ["wheels-22"], 2, 60.0, None),
        ("defender-sport", ["tow-bar"], 1, 35.5, "box-trailer-750"),
        ("defender-sport", ["roof-rack", "tyres-all-terrain", "tow-bar"], 2, 80.0, "caravan-1500"),
    ],
)
def test_configured_builds_match_the_reference(
    vehicle: str, options: list[str], passengers: int, payload_kg: float, trailer: str | None
) -> None:
    """As the configurator evaluates a build (study.figures): its spec, the load beyond the
    kerb mass, its trailer."""
    build = build_from_args(
        vehicle,
        options,
        passengers=passengers,
        payload_kg=payload_kg,
        trailer=trailer_preset(trailer) if trailer else None,
    )
    tow = build.trailer.to_sim() if build.trailer else None
    fast, ref = _both(build.spec, payload_kg=build.load_kg, trailer=tow)
    _assert_close(fast, ref)


CONDITIONS: list[dict[str, Any]] = [
    {"soc": 0.12, "temperature_c": -25.0},  # a weak, cold pack: battery-limited
    {"soc": 1.0, "temperature_c": 45.0},
    {"surface": "snow", "hold_speed_kph": 20.0},
    {"surface": "ice", "payload_kg": 900.0},
    {"top_speed_limit_kph": 110.0, "record": True},  # governor, and the speed trace
    {"hold_speed_kph": 130.0, "surface": "wet_asphalt"},
]


@pytest.mark.parametrize("conditions", CONDITIONS)
def test_conditions_match_the_reference(conditions: dict[str, Any]) -> None:
    heavy = Trailer(
        mass_kg=2500.0,
        frontal_area_m2=7.5,
        drag_coefficient=0.6,
        rolling_resistance_coefficient=0.012,
        tongue_load_fraction=0.1,
        hitch_height_m=0.45,
    )
    for name in vehicle_names():
        fast, ref = _both(load_vehicle(name), trailer=heavy, **conditions)
        _assert_close(fast, ref)


@njit(cache=False)
def _searches(  # type: ignore[no-untyped-def]
    q, cap, power, axle, w_top, speeds, ramps, p_avail, grades, kvs, offsets
):
    """(a, p_dc, label) of the reference search and of the fast one started at the
    reference's answer plus an offset (NaN: no guess)."""
    out = np.zeros((speeds.size, 6))
    for i in range(speeds.size):
        a, p, lab = pk.max_acceleration(
            q, cap, power, axle, w_top, speeds[i], ramps[i], p_avail[i], grades[i], kvs[i]
        )
        a2, p2, lab2 = pk.fast_acceleration(
            q,
            cap,
            power,
            axle,
            w_top,
            speeds[i],
            ramps[i],
            p_avail[i],
            grades[i],
            kvs[i],
            a + offsets[i],
        )
        out[i, 0] = a
        out[i, 1] = a2
        out[i, 2] = p
        out[i, 3] = p2
        out[i, 4] = lab
        out[i, 5] = lab2
    return out


@pytest.mark.parametrize("name", vehicle_names())
def test_acceleration_search_matches_the_bisection(name: str) -> None:
    """Random speeds, launch ramps, battery limits (none, tight, none at all), grades,
    voltage factors, and guesses from exact to nowhere near, on every table kind, with
    and without trailers, on every surface."""
    rng = np.random.default_rng(sum(map(ord, name)))
    spec = load_vehicle(name)
    presets = [None, *(trailer_preset(t).to_sim() for t in TRAILERS)]
    n = 60
    for kind in ("peak", "continuous", "unlimited"):
        veh = perf_module._vehicle(
            spec,
            float(rng.uniform(0.05, 1.0)),
            Ambient(temperature_c=float(rng.uniform(-30.0, 40.0))),
            float(rng.uniform(75.0, 700.0)),
        )
        cases = perf_module._Cases()
        for trailer in presets:
            for mu in SURFACES.values():
                cases.add(veh, kind, mu.value, trailer, math.inf)
        params, cap, power, axle, w_top, _ = cases.arrays()
        v_max = float(w_top[0]) * veh.chassis.radius
        for q in params:
            speeds = rng.uniform(0.0, 1.05 * v_max, n)
            speeds[:5] = 0.0
            ramps = rng.choice([0.0, 0.05, 0.5, 1.0, 1.0, 1.0], n)
            p_avail = rng.choice([-1e3, 0.0, 2e4, 1e5, 3e5, 1e9], n)
            grades = rng.choice([0.0, 0.0, 0.1, 0.3, 1.0, 3.0], n) * rng.uniform(0.5, 1.5, n)
            kvs = rng.choice([1.0, 1.0, 0.9, 0.6], n)
            offsets = rng.choice(
                [math.nan, 0.0, 1e-9, -1e-9, 1e-4, -1e-4, 1e-2, 1.0, -1.0, 30.0, -50.0], n
            )
            out = _searches(
                q, cap, power, axle, w_top, speeds, ramps, p_avail, grades, kvs, offsets
            )
            np.testing.assert_allclose(out[:, 1], out[:, 0], rtol=REL_TOL, atol=1e-9)
            np.testing.assert_allclose(out[:, 3], out[:, 2], rtol=REL_TOL, atol=1e-6)
            np.testing.assert_array_equal(out[:, 5], out[:, 4])


def test_the_fast_path_is_the_default() -> None:
    """The public entry points use the fast kernels; ``reference=True`` the bisections."""
    spec = load_vehicle(vehicle_names()[0])
    calls: list[str] = []

    def spy(name: str) -> Any:
        real = getattr(pk, name)

        def wrapped(*args: Any) -> Any:
            calls.append(name)
            return real(*args)

        return wrapped

    names = [
        "launch_run",
        "steepest_grade",
        "top_speed",
        "launch_run_reference",
        "steepest_grade_reference",
        "top_speed_reference",
    ]
    with pytest.MonkeyPatch.context() as mp:
        for n in names:
            mp.setattr(pk, n, spy(n))
        performance(spec)
        assert set(calls) == {"launch_run", "steepest_grade", "top_speed"}
        calls.clear()
        performance(spec, reference=True)
        assert set(calls) == {
            "launch_run_reference",
            "steepest_grade_reference",
            "top_speed_reference",
        }


@pytest.mark.parametrize("record", [False, True])
def test_launches_split_over_two_cores_equal_the_launches_on_one(
    record: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a second core, half the launch runs go to the spare core; every figure (and
    the recorded trace) is the same to the bit as on one core."""
    from evtwin.sim import spare_core
    from evtwin.sim.performance import performance_batch

    specs = [load_vehicle(v) for v in ("defender-sport", "jeep-recon", "skoda-enyaq-85x")]
    trailer = trailer_preset("caravan-1500").to_sim()
    from evtwin.sim import _perf_kernel

    rows: list[int] = []
    launch_run = _perf_kernel.launch_run

    def counted(params: Any, *args: Any) -> Any:
        rows.append(len(params))
        return launch_run(params, *args)

    monkeypatch.setattr(_perf_kernel, "launch_run", counted)
    monkeypatch.setattr(spare_core, "cores", lambda: 2)
    monkeypatch.setattr(spare_core, "_ENABLED", True)
    split = performance_batch(specs, trailer=trailer, record=record)
    assert sorted(rows) == [3, 3]  # three cars alone, three towing: two calls
    spare_core.enable(False)
    one = performance_batch(specs, trailer=trailer, record=record)
    assert sorted(rows) == [3, 3, 6]
    for a, b in zip(split, one, strict=True):
        if record:
            assert a.acceleration.trace_speed_kph is not None
            np.testing.assert_array_equal(
                a.acceleration.trace_speed_kph, b.acceleration.trace_speed_kph
            )
            assert a.towing is not None
            assert b.towing is not None
            np.testing.assert_array_equal(
                a.towing.acceleration.trace_speed_kph, b.towing.acceleration.trace_speed_kph
            )
        assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("spare", [True, False])
@pytest.mark.parametrize("towing", [False, True])
def test_work_meanwhile_leaves_every_figure_as_it_is_alone(
    spare: bool, towing: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The launch runs on the spare core while this thread does other work: the figures
    are performance's own to the bit, and the other work ran here."""
    import threading

    from evtwin.sim import spare_core
    from evtwin.sim.performance import performance

    spec = load_vehicle("defender-sport")
    trailer = trailer_preset("caravan-1500").to_sim() if towing else None
    monkeypatch.setattr(spare_core, "cores", lambda: 2)
    ran: list[str] = []
    spare_core.enable(spare)
    try:
        perf = performance(
            spec,
            payload_kg=123.4,
            trailer=trailer,
            meanwhile=lambda: ran.append(threading.current_thread().name),
        )
    finally:
        spare_core.enable(None)
    assert ran == [threading.current_thread().name]
    alone = performance(spec, payload_kg=123.4, trailer=trailer)
    assert perf.to_dict() == alone.to_dict()
