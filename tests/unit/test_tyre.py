"""Magic Formula longitudinal force and the transient (relaxation length) slip."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evtwin.physics.tyre import (
    KAPPA_LIMIT,
    fit_shape,
    longitudinal_force,
    magic_formula,
    peak_friction,
    rolling_resistance_pressure_factor,
    slip_step,
    stiffness_for_peak,
)


def test_magic_formula_hand_value() -> None:
    # B k = 1: 1 - 0.97 (1 - atan 1) = 0.791836; atan of that = 0.669743;
    # sin(1.9 x 0.669743) = 0.955842.
    assert magic_formula(0.1, 10.0, 1.9, 1.0, 0.97) == pytest.approx(0.955842, abs=1e-6)


def test_magic_formula_is_odd_and_zero_at_zero() -> None:
    for k in (0.01, 0.1, 0.5, 2.0):
        assert magic_formula(-k, 12.0, 1.5, 4000.0, 0.3) == -magic_formula(
            k, 12.0, 1.5, 4000.0, 0.3
        )
    assert magic_formula(0.0, 12.0, 1.5, 4000.0, 0.3) == 0.0


def test_slip_stiffness_is_bcd() -> None:
    b, c, d, e = 12.0, 1.5, 4000.0, 0.3
    k = 1e-7
    assert magic_formula(k, b, c, d, e) / k == pytest.approx(b * c * d, rel=1e-6)


def test_peak_friction_load_sensitivity() -> None:
    assert peak_friction(0.9, 4000.0, -0.1, 4000.0) == pytest.approx(0.9)
    # Twice the nominal load: dfz = 1, so 10 % less.
    assert peak_friction(0.9, 8000.0, -0.1, 4000.0) == pytest.approx(0.81)
    # Far outside any fit the factor is held at 0.1 rather than going negative.
    assert peak_friction(0.9, 1e6, -0.1, 4000.0) == pytest.approx(0.09)
    assert peak_friction(0.9, 123.0, 0.0, 4000.0) == 0.9


def test_longitudinal_force_no_load_no_force() -> None:
    assert longitudinal_force(0.2, 0.0, 12.0, 1.5, 0.9, 0.3) == 0.0
    assert longitudinal_force(0.2, -50.0, 12.0, 1.5, 0.9, 0.3) == 0.0


def test_stiffness_for_peak_puts_the_peak_there() -> None:
    kappa = np.linspace(0.0, 1.0, 200001)
    for kp, c, e in ((0.17, 1.5, 0.3), (0.03, 1.4, -0.5), (0.3, 1.9, 0.9)):
        b = stiffness_for_peak(kp, c, e)
        f = np.array([magic_formula(k, b, c, 1.0, e) for k in kappa])
        assert kappa[int(np.argmax(f))] == pytest.approx(kp, abs=2e-5)
        assert f.max() == pytest.approx(1.0, abs=1e-9)


def test_fit_shape_matches_peak_and_slide() -> None:
    b, c = fit_shape(0.17, 0.83, 0.3)
    assert magic_formula(0.17, b, c, 1.0, 0.3) == pytest.approx(1.0, abs=1e-9)
    assert magic_formula(1.0, b, c, 1.0, 0.3) == pytest.approx(0.83, abs=1e-9)
    assert 1.0 < c < 2.0


@pytest.mark.parametrize(
    ("args", "name"),
    [((0.0, 0.8, 0.3), "kappa_peak"), ((0.2, 1.0, 0.3), "sliding_ratio"), ((0.2, 0.8, 1.0), "e")],
)
def test_fit_shape_rejects_bad_arguments(args: tuple[float, float, float], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        fit_shape(*args)


def test_slip_step_converges_to_sae_slip() -> None:
    # 10 m/s, tread at 11 m/s: slip 0.1, reached after a few relaxation lengths.
    k = 0.0
    for _ in range(2000):  # 2 s, 20 m, 100 relaxation lengths
        k = slip_step(k, 11.0, 10.0, 0.2, 1e-3)
    assert k == pytest.approx(0.1, rel=1e-9)


def test_slip_step_relaxes_over_one_relaxation_length() -> None:
    # After rolling one relaxation length the lag is 1/e of the step (to within the
    # backward-Euler error at dt v / sigma = 0.05).
    sigma, v, dt = 0.2, 10.0, 1e-3
    k = 0.0
    for _ in range(round(sigma / (v * dt))):
        k = slip_step(k, 11.0, v, sigma, dt)
    assert k / 0.1 == pytest.approx(1.0 - math.exp(-1.0), rel=0.02)


def test_slip_step_holds_at_standstill() -> None:
    # A braked wheel on a parked car: no slip velocity, no speed; the deflection stays.
    assert slip_step(0.05, 0.0, 0.0, 0.2, 1e-3) == pytest.approx(0.05, rel=1e-14)
    assert slip_step(-0.3, 0.0, 0.0, 0.2, 10.0) == pytest.approx(-0.3, rel=1e-14)


def test_slip_step_bounded_when_spinning_at_standstill() -> None:
    k = 0.0
    for _ in range(2000):  # the deflection would reach slip 50 by the end
        k = slip_step(k, 5.0, 0.0, 0.2, 1e-3)
    assert k == KAPPA_LIMIT
    k = slip_step(0.0, -5.0, 0.0, 0.2, 10.0, 1.5)
    assert k == -1.5


def test_slip_step_locked_wheel_and_reverse() -> None:
    k = 0.0
    for _ in range(5000):
        k = slip_step(k, 0.0, 10.0, 0.2, 1e-3)
    assert k == pytest.approx(-1.0, rel=1e-9)
    # Driving backwards: wheel at -6 m/s, car at -5 m/s, force backwards.
    k = 0.0
    for _ in range(5000):
        k = slip_step(k, -6.0, -5.0, 0.2, 1e-3)
    assert k == pytest.approx(-0.2, rel=1e-9)


def test_slip_step_stable_with_long_steps() -> None:
    # Implicit: a step far longer than sigma / v lands near the steady slip without
    # overshooting it, where an explicit step would diverge.
    k = slip_step(0.0, 0.31, 0.3, 0.2, 100.0)
    assert 0.0 < k <= (0.31 - 0.3) / 0.3
    assert k == pytest.approx((0.31 - 0.3) / 0.3, rel=1e-2)


def test_rolling_resistance_pressure_factor() -> None:
    assert rolling_resistance_pressure_factor(120e3, 240e3, -0.4) == pytest.approx(
        1.319508, rel=1e-6
    )
    assert rolling_resistance_pressure_factor(240e3, 240e3, -0.4) == 1.0
