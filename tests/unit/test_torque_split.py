"""The least-loss axle split map against brute force, and its limits."""

from __future__ import annotations

import numpy as np
import pytest

from evtwin.control.torque_split import build_split_map, split_map_direct
from evtwin.physics.drive_unit import DriveUnit, axle_power, wheel_torque_limits
from evtwin.physics.motor import DEFAULT_LOSS_FRACTIONS, loss_coefficients
from evtwin.units import RPM


def _unit(kind: str, power: float, torque: float, ratio: float, disconnect: bool) -> DriveUnit:
    w_max = 16000 * RPM
    c = loss_coefficients(power, torque, w_max, DEFAULT_LOSS_FRACTIONS[kind])
    return DriveUnit(ratio, 0.97, 2.0, disconnect, torque, power, w_max, c)


FRONT = _unit("induction", 90e3, 180.0, 10.0, True)
REAR = _unit("pmsm", 160e3, 330.0, 10.5, False)


def _interp(m, w: float, t: float) -> float:  # type: ignore[no-untyped-def]
    from scipy.interpolate import RegularGridInterpolator

    total = m.losses.sum(axis=0)
    f = RegularGridInterpolator((m.speed_axis, m.torque_axis), total)
    return float(f([[w, t]])[0])


def test_map_nodes_match_brute_force() -> None:
    m = build_split_map(FRONT, REAR, 150.0)
    rng = np.random.default_rng(1)
    for _ in range(40):
        i = rng.integers(1, m.losses.shape[1])
        j = rng.integers(0, m.losses.shape[2])
        w, t = m.speed_axis[i], m.torque_axis[j]
        if not (m.torque_min[i] <= t <= m.torque_max[i]):
            continue
        best = split_map_direct(FRONT, REAR, t, w)
        # The map tries 41 shares and refines the best; the brute force tries 2001.
        assert m.losses[:, i, j].sum() == pytest.approx(best, rel=2e-3, abs=1.0)


def test_map_interpolates_close_to_the_optimum_between_nodes() -> None:
    m = build_split_map(FRONT, REAR, 150.0)
    rng = np.random.default_rng(2)
    errs = []
    for _ in range(200):
        w = rng.uniform(5.0, 140.0)
        t = rng.uniform(0.05, 0.6) * m.torque_max[-1] * rng.choice([-1.0, 1.0])
        best = split_map_direct(FRONT, REAR, t, w)
        errs.append(abs(_interp(m, w, t) - best) / best)
    assert np.median(errs) < 0.01
    assert np.max(errs) < 0.06


def test_light_load_runs_on_one_axle_and_disconnects_the_other() -> None:
    m = build_split_map(FRONT, REAR, 150.0)
    i = 20
    j = m.losses.shape[2] // 2 + 3  # a small positive torque
    # The front axle is idle (its drag only) and, being disconnected, loses nothing.
    assert m.torque_front[i, j] == pytest.approx(-FRONT.drag_torque)


def test_heavy_load_uses_both_axles_and_limits_add_up() -> None:
    m = build_split_map(FRONT, REAR, 150.0)
    i = 5
    assert m.torque_max[i] == pytest.approx(
        wheel_torque_limits(m.speed_axis[i], FRONT)[0]
        + wheel_torque_limits(m.speed_axis[i], REAR)[0]
    )
    j = int(np.searchsorted(m.torque_axis, 0.9 * m.torque_max[i]))
    assert m.torque_front[i, j] > 0.1 * m.torque_axis[j]


def test_single_axle_map_is_the_axle() -> None:
    m = build_split_map(None, REAR, 150.0)
    i, j = 30, 90
    p = axle_power(m.torque_axis[j], m.speed_axis[i], REAR)
    assert m.losses[:, i, j].sum() == pytest.approx(p.loss_gear + p.loss_motor + p.loss_inverter)
    assert np.all(m.torque_front == 0.0)
    with pytest.raises(ValueError, match="at least one"):
        build_split_map(None, None, 100.0)
