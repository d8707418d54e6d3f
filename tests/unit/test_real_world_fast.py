"""The fast drive until empty (lap replay) against the step-by-step reference.

The replay records one lap's terminal power with the kernel and repeats the laps with
the kernel's own battery step, handing stretches where a battery limit binds back to the
kernel; it should give the reference's run to rounding. The tolerance is 1e-9 relative
on every figure of every run (the largest differences measured are 8e-13 on a range and
2e-12 on a climate power, from summing step by step rather than pairwise), far inside
the 0.2 % a figure shown to 0.1 km would need.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from evtwin.configurator import trailer_preset
from evtwin.cycles import Cycle
from evtwin.sim import real_world as rw
from evtwin.sim.cabin import auxiliary_profile
from evtwin.sim.drive import prepared, simulate
from evtwin.sim.label import usable_energy
from evtwin.sim.prepare import DRIVER_MASS_KG, RunOptions, concat_batches
from evtwin.specs import VehicleSpec, load_vehicle, vehicle_names
from evtwin.units import KPH, MPH

#: Relative tolerance of every figure of the fast run against the reference.
RTOL = 1e-9

FIELDS = ("range_km", "battery_kwh_per_100km", "wall_kwh_per_100km", "climate_kw")


def _same(fast: rw.RangeRun, ref: rw.RangeRun) -> None:
    assert fast.case == ref.case
    for name in FIELDS:
        a, b = getattr(fast, name), getattr(ref, name)
        assert a == pytest.approx(b, rel=RTOL, abs=1e-12), f"{ref.case} {name}: {a} vs {b}"
    assert fast.extras == pytest.approx(ref.extras, rel=RTOL)


@pytest.fixture
def count(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Calls of the replay's hand-overs to the kernel and of its fall-backs to the
    reference, counted from here on."""
    calls = {"stretch": 0, "reference": 0}

    def counted(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return f(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(rw, "_kernel_stretch", counted("stretch", rw._kernel_stretch))
    monkeypatch.setattr(rw, "_reference", counted("reference", rw._reference))
    return calls


@pytest.mark.parametrize("vehicle", vehicle_names())
def test_matrix_equals_the_reference(vehicle: str, count: dict[str, int]) -> None:
    spec = load_vehicle(vehicle)
    fast = rw.real_world_matrix(spec, payload_kg=230.0)
    assert count["reference"] == 0  # every case replayed
    ref = rw.real_world_matrix(spec, payload_kg=230.0, reference=True)
    for a, b in zip(fast.runs, ref.runs, strict=True):
        _same(a, b)
    assert fast.headline_km == pytest.approx(ref.headline_km, rel=RTOL)


def test_matrix_unladen_equals_the_reference() -> None:
    spec = load_vehicle("defender-sport")
    fast = rw.real_world_matrix(spec)
    ref = rw.real_world_matrix(spec, reference=True)
    for a, b in zip(fast.runs, ref.runs, strict=True):
        _same(a, b)


def test_limits_hand_over_to_the_kernel(count: dict[str, int]) -> None:
    """The iX1 meets a limit in the cold at both ends of the window: regeneration cut
    by the cell voltage while nearly full in town, and the pack's voltage floor near
    empty on the motorway. The kernel drives those stretches."""
    spec = load_vehicle("bmw-ix1-xdrive30")
    fast = rw.real_world_matrix(spec)
    assert count["stretch"] >= 2
    assert count["reference"] == 0
    ref = rw.real_world_matrix(spec, reference=True)
    for a, b in zip(fast.runs, ref.runs, strict=True):
        _same(a, b)


@pytest.mark.parametrize("vehicle", ["defender-sport", "jeep-recon", "skoda-enyaq-85x"])
@pytest.mark.parametrize("preset", ["box-trailer-750", "caravan-1500"])
def test_towing_equals_the_reference(vehicle: str, preset: str) -> None:
    spec = load_vehicle(vehicle)
    trailer = trailer_preset(preset).to_sim()
    fast = rw.towing_range(spec, trailer, payload_kg=150.0)
    ref = rw.towing_range(spec, trailer, payload_kg=150.0, reference=True)
    for a, b in zip(fast, ref, strict=True):
        _same(a, b)


@pytest.mark.parametrize(
    ("vehicle", "temperature_c", "speed_kph", "preconditioned"),
    [
        ("defender-sport", -20.0, 130.0, False),
        ("tesla-model-y", 40.0, 50.0, True),
        ("bmw-ix1-xdrive30", -25.0, 125.0, True),
        ("jaguar-i-pace", 12.0, 90.0, False),
    ],
)
def test_custom_conditions_equal_the_reference(
    vehicle: str, temperature_c: float, speed_kph: float, preconditioned: bool
) -> None:
    spec = load_vehicle(vehicle)
    kw = {
        "temperature_c": temperature_c,
        "speed": speed_kph * KPH,
        "payload_kg": 80.0,
        "preconditioned": preconditioned,
    }
    _same(
        rw.custom_conditions(spec, **kw),  # type: ignore[arg-type]
        rw.custom_conditions(spec, **kw, reference=True),  # type: ignore[arg-type]
    )


def test_a_lap_that_does_not_end_as_it_starts_is_driven_by_the_reference(
    count: dict[str, int],
) -> None:
    """Its repetition is not the same steps over again, so it is not replayed."""
    t = np.arange(121.0)
    v = np.minimum(t, 20.0) * 1.0  # from rest to 20 m/s, and on at 20 m/s
    lap = Cycle("ramp", t, v, np.zeros_like(t))
    spec = load_vehicle("skoda-enyaq-80x")
    fast = rw.drive_until_empty(spec, lap, rw.MILD, reference=False)
    assert count["reference"] == 1
    _same(fast, rw.drive_until_empty(spec, lap, rw.MILD))


def test_energy_to_empty_is_the_usable_window() -> None:
    """Consumption counts the drive from full to empty: its energy is the usable
    window's (to within one step), whatever the weather."""
    spec = load_vehicle("defender-sport")
    usable = usable_energy(spec) / 3.6e6
    for run in rw.real_world_matrix(spec).runs:
        drawn = run.battery_kwh_per_100km * run.range_km / 100.0
        assert drawn == pytest.approx(usable, rel=1e-3), run.case


def test_settled_cabin_load_is_the_integrated_one() -> None:
    """The cabin's load taken as settled after the first hour is the load integrated
    over the whole run."""
    spec = load_vehicle("jeep-compass-ev")
    lap = rw._short_lap(rw.steady(MPH * 70.0))
    case = rw._case(spec, lap, rw.UK_WINTER, 0.0, None, "uk")
    n = 20_000
    prof, tail = rw._aux_profile(case, n)
    assert np.isfinite(tail)
    assert prof.size < n
    whole = auxiliary_profile(spec, rw.UK_WINTER.ambient, case.climate, np.ones(n))
    ours = np.concatenate([prof, np.full(n - prof.size, tail)])
    np.testing.assert_allclose(ours, whole, rtol=1e-12)


def test_joined_batches_drive_as_apart() -> None:
    """Batches prepared in different weather, joined, give each car's run as alone."""
    specs: list[VehicleSpec] = [load_vehicle("defender-sport"), load_vehicle("bmw-ix3")]
    opts = RunOptions(payload_kg=DRIVER_MASS_KG)
    parts = [
        prepared(specs[0], rw.COLD.ambient, opts),
        prepared(specs[1], rw.MILD.ambient, opts),
        prepared(specs[0], rw.MILD.ambient, opts),
    ]
    joined = concat_batches(parts)
    assert joined.maps.shape[0] == 2  # the two Defender rows share one split map
    cyc = rw.steady(100.0 * KPH, duration=120.0)
    together = simulate(joined, cyc, traces=False)
    for i, part in enumerate(parts):
        alone = simulate(part, cyc, traces=False)
        assert together.energy.battery_chemical[i] == alone.energy.battery_chemical[0]
        assert together.distance[i] == alone.distance[0]


@pytest.mark.parametrize("vehicle", ["defender-sport", "skoda-enyaq-85x"])
def test_runs_driven_in_one_batch_equal_each_driven_alone(vehicle: str) -> None:
    """figures_with drives the matrix, towing and extra runs in one lap-replay batch;
    each result is, to the bit, the one its own function gives."""
    from evtwin.study.figures import figures_with

    spec = load_vehicle(vehicle)
    trailer = trailer_preset("box-trailer-750").to_sim()
    steady_run = rw.custom_run(spec, temperature_c=-3.0, speed=97.0 * KPH, payload_kg=40.0)
    fig, extra = figures_with(spec, [steady_run], load_kg=40.0, trailer=trailer)
    alone = rw.custom_conditions(spec, temperature_c=-3.0, speed=97.0 * KPH, payload_kg=40.0)
    assert len(extra) == 1
    assert extra[0] == alone
    assert fig.real_world == rw.real_world_matrix(spec, payload_kg=40.0)
    assert fig.towing == rw.towing_range(spec, trailer, payload_kg=40.0)


def test_runs_split_over_two_cores_equal_the_runs_on_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a second core the replay's runs are handed out in two pieces, to this thread
    and the spare core; every figure is the same to the bit as on one core."""
    from evtwin.sim import spare_core

    spec = load_vehicle("defender-sport")
    trailer = trailer_preset("box-trailer-750").to_sim()
    runs = rw.matrix_runs(spec, payload_kg=75.0) + rw.towing_runs(spec, trailer, payload_kg=75.0)
    runs.append(rw.custom_run(spec, temperature_c=2.0, speed=120.0 * KPH, payload_kg=75.0))
    pieces: list[int] = []
    share = spare_core.share

    def counted(tasks: Sequence[Callable[[], Any]]) -> list[Any]:
        pieces.append(len(tasks))
        return share(tasks)

    monkeypatch.setattr(spare_core, "share", counted)
    monkeypatch.setattr(spare_core, "cores", lambda: 2)
    monkeypatch.setattr(spare_core, "_ENABLED", True)
    split = rw.drive_until_empty_many(runs)
    assert pieces
    assert pieces[0] == 2  # the first round: the eight runs in two pieces
    n = len(pieces)
    spare_core.enable(False)
    one = rw.drive_until_empty_many(runs)
    assert len(pieces) == n  # turned off: not handed out
    assert split == one


def _packed(spec: VehicleSpec, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The ``_Replays`` the real-world matrix of ``spec`` packs its runs into."""
    packed: list[Any] = []
    init = rw._Replays.__init__

    def kept(self: Any, plans: Sequence[Any]) -> None:
        init(self, plans)
        packed.append(self)

    monkeypatch.setattr(rw._Replays, "__init__", kept)
    rw.real_world_matrix(spec)
    return packed[0]


def test_a_replayed_run_is_the_same_whatever_runs_beside_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The replay steps two runs at a time, a lane each, and a lane whose run ends takes
    the next. Each run's result is the one it has alone, to the bit, in any order and
    beside any other run; the iX1's runs stop at limits (status 1) while the run beside
    goes on, and a run with no steps to take is left as it came."""
    r = _packed(load_vehicle("bmw-ix1-xdrive30"), monkeypatch)
    n = len(r.plans)
    soc0 = np.array([p.run.soc for p in r.plans])
    k_end = np.array([p.n_max for p in r.plans], dtype=np.int64)

    def replay(order: list[int], k_stop: np.ndarray = k_end) -> list[tuple[float, ...]]:
        rows = np.array(order, dtype=np.int64)
        out = r._compiled(rows, np.zeros(len(order), dtype=np.int64), soc0[rows], k_stop[rows])
        runs = [tuple(float(x[q]) for x in out) for q in range(len(order))]
        return [runs[order.index(i)] for i in sorted(order)]

    alone = [replay([i])[0] for i in range(n)]
    assert {a[0] for a in alone} == {0.0, 1.0}  # some runs empty, some stopped at a limit
    assert replay(list(range(n))) == alone
    assert replay(list(range(n))[::-1]) == alone
    assert replay([3, 0]) == [alone[0], alone[3]]
    none = k_end.copy()
    none[1] = 0  # run 1 has no step to take
    got = replay(list(range(n)), none)
    assert got[1] == (2.0, 0.0, 0.0, soc0[1], 0.0, 0.0)
    assert got[:1] + got[2:] == alone[:1] + alone[2:]


def test_replay_pieces_keep_the_longest_run_and_what_ends_beside_it() -> None:
    """One piece: the longest run, and in the other lane the next longest that end
    within it; the rest a second piece for the spare core, if worth a hand-over."""
    steps = np.array([40_000.0, 78_000.0, 9_000.0, 50_000.0])
    assert [p.tolist() for p in rw._pieces(steps)] == [[1, 3, 2], [0]]
    # Everything ends within the longest run: one piece.
    assert rw._pieces(np.array([13_000.0, 78_000.0, 300.0, 45_000.0, 900.0])) is None
    assert rw._pieces(np.array([78_000.0, 76_000.0, 4_000.0])) is None  # too little left over
    assert rw._pieces(np.array([78_000.0])) is None
