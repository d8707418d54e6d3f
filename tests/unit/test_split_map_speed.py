"""The compiled split-map kernel gives the numpy solver's map exactly.

The kernel (``control._split_kernel``) repeats the numpy solver's candidates,
tie-breaking and refinement node by node; any drift between the two (or a stale
numba cache of the loss functions it calls) shows here as a difference.
"""

from __future__ import annotations

import numpy as np
import pytest

from evtwin.control.torque_split import SplitMap, _solve_numpy, build_split_map
from evtwin.physics.drive_unit import DriveUnit, LossTable, wheel_torque_limits
from evtwin.physics.motor import DEFAULT_LOSS_FRACTIONS, loss_coefficients
from evtwin.sim.prepare import drive_unit
from evtwin.specs import load_vehicle, vehicle_names
from evtwin.units import RPM


def _numpy_map(front: DriveUnit, rear: DriveUnit, m: SplitMap, n_share: int) -> SplitMap:
    w, t = m.speed_axis, m.torque_axis
    W, T = np.meshgrid(w, t, indexing="ij")
    lims = [wheel_torque_limits(w, u) for u in (front, rear)]
    s = np.linspace(0.0, 1.0, n_share)
    losses, tf = _solve_numpy(front, rear, W, T, s, lims)
    return SplitMap(m.speed_max, m.torque_cap, losses, tf, m.torque_max, m.torque_min)


def _assert_same(front: DriveUnit, rear: DriveUnit, speed_max: float, **grid: int) -> None:
    m = build_split_map(front, rear, speed_max, **grid)
    ref = _numpy_map(front, rear, m, grid.get("n_share", 41))
    np.testing.assert_array_equal(m.losses, ref.losses)
    np.testing.assert_array_equal(m.torque_front, ref.torque_front)


def _dual_units() -> list[tuple[DriveUnit, DriveUnit]]:
    out = []
    for name in vehicle_names():
        spec = load_vehicle(name)
        if spec.front_axle is not None and spec.rear_axle is not None:
            out.append((drive_unit(spec.front_axle), drive_unit(spec.rear_axle)))
    return out


def _wheel_speed_max(*units: DriveUnit) -> float:
    return min(u.max_speed / u.ratio for u in units)


def _random_unit(rng: np.random.Generator) -> DriveUnit:
    kind = str(rng.choice(list(DEFAULT_LOSS_FRACTIONS)))
    torque = rng.uniform(150.0, 500.0)
    power = rng.uniform(60e3, 300e3)
    w_max = max(rng.uniform(12000.0, 20000.0) * RPM, 1.3 * power / torque)
    f = DEFAULT_LOSS_FRACTIONS[kind]
    f = f._replace(
        copper_at_peak_torque=f.copper_at_peak_torque * rng.uniform(0.3, 3.0),
        inverter_standby=f.inverter_standby * rng.uniform(0.3, 3.0),
    )
    c = loss_coefficients(power, torque, w_max, f)
    return DriveUnit(
        rng.uniform(7.0, 13.0),
        rng.uniform(0.9, 0.99),
        rng.uniform(0.0, 6.0),
        bool(rng.integers(2)),
        torque,
        power,
        w_max,
        c,
    )


def test_shipped_dual_motor_cars() -> None:
    pairs = _dual_units()
    assert pairs
    assert any(f.disconnect or r.disconnect for f, r in pairs)
    for front, rear in pairs:
        _assert_same(front, rear, _wheel_speed_max(front, rear))


@pytest.mark.parametrize("seed", range(12))
def test_random_drive_units(seed: int) -> None:
    rng = np.random.default_rng(seed)
    front = _random_unit(rng)
    # Identical axles make mirror-image shares tie up to rounding.
    rear = front if seed % 4 == 0 else _random_unit(rng)
    # Beyond the top speed of an axle no share is feasible: the fallback split.
    _assert_same(front, rear, 1.1 * _wheel_speed_max(front, rear))


def test_other_grid_sizes() -> None:
    rng = np.random.default_rng(99)
    front, rear = _random_unit(rng), _random_unit(rng)
    _assert_same(front, rear, 100.0, n_speed=7, n_torque=11, n_share=5)
    _assert_same(front, rear, 100.0, n_speed=30, n_torque=61, n_share=80)


def test_measured_table_takes_the_numpy_path() -> None:
    rng = np.random.default_rng(5)
    front, rear = _random_unit(rng), _random_unit(rng)
    speed = np.linspace(0.0, front.max_speed, 8)
    torque = np.linspace(0.0, front.peak_torque, 6)
    table = LossTable(speed, torque, 200.0 + 0.01 * speed[:, None] * torque[None, :])
    front = front._replace(table=table)
    _assert_same(front, rear, _wheel_speed_max(front, rear))
