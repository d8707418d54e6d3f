"""The analytic off-road baselines against hand calculations."""

from __future__ import annotations

import math

import pytest

from evtwin.sim import offroad_baselines as baselines


def test_axle_friction_split_by_hand() -> None:
    # Open, frictionless: the high wheel takes what the low wheel takes.
    assert baselines.axle_friction_split(0.2, 0.6, "open") == pytest.approx(0.2)
    # Open with a torque-bias ratio of 1.5: 0.2 (1 + 1.5) / 2.
    assert baselines.axle_friction_split(0.2, 0.6, "open", 1.5) == pytest.approx(0.25)
    # ... but never more than the high wheel's own grip: 0.2 (1 + 1.2) / 2.
    assert baselines.axle_friction_split(0.2, 0.24, "open", 1.5) == pytest.approx(0.22)
    assert baselines.axle_friction_split(0.2, 0.6, "locked") == pytest.approx(0.4)
    assert baselines.axle_friction_split(0.2, 0.6, "brake_control") == pytest.approx(0.4)
    assert baselines.axle_friction_split(0.0, 0.6, "open") == 0.0


def test_axle_friction_split_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="mu_low <= mu_high"):
        baselines.axle_friction_split(0.6, 0.2, "open")
    with pytest.raises(ValueError, match="bias_ratio"):
        baselines.axle_friction_split(0.2, 0.6, "open", 0.9)
    with pytest.raises(ValueError, match="coupling"):
        baselines.axle_friction_split(0.2, 0.6, "welded")  # type: ignore[arg-type]


def test_split_friction_grade_by_hand() -> None:
    # tan = mu_axle - f: 0.4 - 0.02 and 0.2 - 0.02.
    assert baselines.split_friction_grade(0.2, 0.6, 0.02, "locked") == pytest.approx(0.38)
    assert baselines.split_friction_grade(0.2, 0.6, 0.02, "open") == pytest.approx(0.18)
    assert baselines.split_friction_grade(0.01, 0.6, 0.02, "open") == 0.0


def test_split_friction_open_centre_by_hand() -> None:
    # mu_axle 0.3 (locked axles), phi_f 0.5, h/L 0.2, f 0.02, equal split:
    # front-limited (0.3 x 0.5 / 0.5 - 0.02) / (1 + 0.3 x 0.2 / 0.5) = 0.28 / 1.12 = 0.25;
    # rear-limited (0.6 x 0.5 - 0.02) / (1 - 0.6 x 0.2) = 0.28 / 0.88 = 0.318.
    got = baselines.split_friction_grade_open_centre(0.1, 0.5, 0.02, "locked", 0.5, 0.2)
    assert got == pytest.approx(0.25)
    # Independent axles do better than one engine through an open centre.
    assert baselines.split_friction_grade(0.1, 0.5, 0.02, "locked") > got


def test_hill_climb_grade_by_hand() -> None:
    assert baselines.hill_climb_grade(0.3, 0.02, "all", 0.5, 0.2) == pytest.approx(0.28)
    # Rear: (0.3 x 0.5 - 0.02) / (1 - 0.3 x 0.2) = 0.13 / 0.94.
    assert baselines.hill_climb_grade(0.3, 0.02, "rear", 0.5, 0.2) == pytest.approx(0.13 / 0.94)
    # Front: (0.15 - 0.02) / 1.06.
    assert baselines.hill_climb_grade(0.3, 0.02, "front", 0.5, 0.2) == pytest.approx(0.13 / 1.06)
    with pytest.raises(ValueError, match="driven"):
        baselines.hill_climb_grade(0.3, 0.02, "middle", 0.5, 0.2)  # type: ignore[arg-type]


def test_hill_climb_rear_drive_benefits_from_load_transfer() -> None:
    low = baselines.hill_climb_grade(0.3, 0.0, "rear", 0.5, 0.1)
    high = baselines.hill_climb_grade(0.3, 0.0, "rear", 0.5, 0.3)
    assert high > low
    assert baselines.hill_climb_grade(0.3, 0.0, "front", 0.5, 0.3) < baselines.hill_climb_grade(
        0.3, 0.0, "front", 0.5, 0.1
    )


def test_step_contact_angle_by_hand() -> None:
    assert baselines.step_contact_angle(0.2, 0.4) == pytest.approx(math.radians(60.0))
    assert baselines.step_contact_angle(0.4, 0.4) == pytest.approx(math.pi / 2)
    with pytest.raises(ValueError, match="step height"):
        baselines.step_contact_angle(0.5, 0.4)


def _rear_push_margin(h: float, mu: float, r: float, wheelbase: float, pf: float) -> float:
    """mu N_r - F_r for the equilibrium at step height h, solved here as a 3x3 system."""
    import numpy as np

    phi = baselines.step_contact_angle(h, r)
    s, c = math.sin(phi), math.cos(phi)
    # unknowns N_e, N_r, F_r (per unit weight), F_e = mu N_e
    a = np.array(
        [
            [-s + mu * c, 0.0, 1.0],  # horizontal
            [c + mu * s, 1.0, 0.0],  # vertical
            [(wheelbase + r * s) * (c + mu * s) + h * (s - mu * c), 0.0, 0.0],  # moments
        ]
    )
    # Moments: (L + r s) Fy_e - h Fx_e = l_r with Fx_e = -N_e (s - mu c).
    rhs = np.array([0.0, 1.0, pf * wheelbase])
    n_e, n_r, f_r = np.linalg.solve(a, rhs)
    _ = n_e
    return float(mu * n_r - f_r)


def test_rock_step_height_is_where_the_rear_push_runs_out() -> None:
    mu, r, wheelbase, pf = 0.5, 0.38, 2.87, 0.5
    h = baselines.rock_step_height(mu, r, wheelbase, pf)
    assert 0.0 < h < r
    assert _rear_push_margin(h * 0.999, mu, r, wheelbase, pf) > 0.0
    assert _rear_push_margin(min(h * 1.001, r), mu, r, wheelbase, pf) < 0.0


def test_rock_step_height_limits() -> None:
    # No friction, no climbing; all the weight on the rear wheels: the front climbs anything.
    assert baselines.rock_step_height(0.0, 0.38, 2.87, 0.5) == pytest.approx(0.0, abs=1e-5)
    assert baselines.rock_step_height(0.5, 0.38, 2.87, 0.0) == pytest.approx(0.38)
    # More grip, a higher step; a tan(phi) below mu climbs on the front wheels alone.
    high = baselines.rock_step_height(0.6, 0.38, 2.87, 0.5)
    assert high > baselines.rock_step_height(0.4, 0.38, 2.87, 0.5)
    h_alone = 0.38 * (1.0 - math.cos(math.atan(0.4)))
    assert baselines.rock_step_height(0.4, 0.38, 2.87, 0.5) >= h_alone
