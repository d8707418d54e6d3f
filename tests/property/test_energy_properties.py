"""Properties that must hold for any vehicle and any trace."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evtwin.cycles import Cycle
from evtwin.sim.drive import simulate
from evtwin.sim.label import wltp
from evtwin.sim.prepare import RunOptions
from evtwin.sim.result import CLOSURE_TOLERANCE
from evtwin.specs import SpecError, VehicleSpec, parse_vehicle
from evtwin.study.corners import with_figures

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AWD = parse_vehicle((FIXTURES / "awd-car.yaml").read_text(), "awd-car.yaml")
RWD = parse_vehicle((FIXTURES / "rwd-car.yaml").read_text(), "rwd-car.yaml")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def traces(draw: st.DrawFn) -> Cycle:
    """Speed traces with random accelerations, stops, hills and uneven time steps."""
    n = draw(st.integers(20, 300))
    dt = np.array(draw(st.lists(st.floats(0.2, 3.0), min_size=n, max_size=n)))
    accel = np.array(draw(st.lists(st.floats(-3.5, 3.5), min_size=n, max_size=n)))
    v = np.zeros(n + 1)
    for k in range(n):
        v[k + 1] = min(max(v[k] + accel[k] * dt[k], 0.0), 45.0)
    grade = np.array(draw(st.lists(st.floats(-0.15, 0.15), min_size=n + 1, max_size=n + 1)))
    return Cycle("random", np.concatenate([[0.0], np.cumsum(dt)]), v, grade)


@st.composite
def vehicles(draw: st.DrawFn) -> VehicleSpec:
    base = draw(st.sampled_from([AWD, RWD]))
    return with_figures(
        base,
        {
            "mass.kerb_kg": draw(st.floats(900.0, 3500.0)),
            "body.drag_coefficient": draw(st.floats(0.18, 0.45)),
            "tyres.rolling_resistance_coefficient": draw(st.floats(0.005, 0.014)),
            "auxiliary.base_load_w": draw(st.floats(0.0, 3000.0)),
        },
    )


@SETTINGS
@given(vehicle=vehicles(), cycle=traces(), soc=st.floats(0.0, 1.0))
def test_energy_balance_closes(vehicle: VehicleSpec, cycle: Cycle, soc: float) -> None:
    r = simulate(vehicle, cycle, options=RunOptions(soc_start=soc))
    assert r.energy.closure[0] <= CLOSURE_TOLERANCE
    assert np.all(np.isfinite(r.energy.values))
    assert r.trace_miss.distance_shortfall[0] >= 0.0
    assert r.energy.friction_brakes[0] >= 0.0


@SETTINGS
@given(
    m=st.floats(1200.0, 3000.0),
    dm=st.floats(1.0, 800.0),
    cd=st.floats(0.2, 0.4),
    dcd=st.floats(0.001, 0.1),
)
def test_more_mass_or_drag_never_gives_more_range(
    m: float, dm: float, cd: float, dcd: float
) -> None:
    specs = [
        with_figures(AWD, {"mass.kerb_kg": m, "body.drag_coefficient": cd}),
        with_figures(AWD, {"mass.kerb_kg": m + dm, "body.drag_coefficient": cd}),
        with_figures(AWD, {"mass.kerb_kg": m, "body.drag_coefficient": cd + dcd}),
    ]
    r = wltp(specs).range
    assert r[1] < r[0]
    assert r[2] < r[0]


@SETTINGS
@given(st.lists(vehicles(), min_size=1, max_size=20), traces())
def test_batch_equals_a_loop_of_singles(specs: list[VehicleSpec], cycle: Cycle) -> None:
    opts = RunOptions(soc_start=0.6)
    batch = simulate(specs, cycle, options=opts, traces=False)
    for i, s in enumerate(specs):
        one = simulate(s, cycle, options=opts, traces=False)
        np.testing.assert_allclose(
            batch.energy.values[:, i], one.energy.values[:, 0], rtol=1e-12, atol=1e-9
        )
        assert batch.distance[i] == pytest.approx(one.distance[0], rel=1e-12)


_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append((*prefix, k))
            out.extend(_paths(v, (*prefix, k)))
    return out


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_bad_input_raises_a_clear_error_never_a_nan(data: st.DataObject) -> None:
    doc = yaml.safe_load((FIXTURES / "awd-car.yaml").read_text())
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(doc)))
        node = doc
        for p in path[:-1]:
            node = node[p]
        if data.draw(st.booleans()):
            del node[path[-1]]
        else:
            node[path[-1]] = data.draw(_NUMBERS)
    text = yaml.safe_dump(doc)
    try:
        spec = parse_vehicle(text, "mutated.yaml")
    except SpecError:
        with pytest.raises(SpecError, match=r"mutated\.yaml"):
            parse_vehicle(text, "mutated.yaml")
        return
    r = wltp(spec)
    assert np.isfinite(r.range[0])
    assert r.range[0] > 0
