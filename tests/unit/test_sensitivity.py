"""The given-data first-order index against cases with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from evtwin.study.sensitivity import first_order, sensitivities


def test_additive_model_matches_the_analytic_indices() -> None:
    # y = 2 x1 + x2 with x uniform on [0, 1]: Var = 4/12 + 1/12, S1 = 0.8, S2 = 0.2.
    rng = np.random.default_rng(7)
    x = rng.random((20_000, 3))
    y = 2.0 * x[:, 0] + x[:, 1]
    assert first_order(x[:, 0], y) == pytest.approx(0.8, abs=0.02)
    assert first_order(x[:, 1], y) == pytest.approx(0.2, abs=0.02)
    assert first_order(x[:, 2], y) < 0.01  # no effect: the noise floor is removed


def test_a_non_monotonic_effect_is_caught_where_rank_correlation_misses_it() -> None:
    rng = np.random.default_rng(8)
    x = rng.random((8_000, 2))
    y = (x[:, 0] - 0.5) ** 2 + 0.001 * x[:, 1]
    s = {v.variable: v for v in sensitivities({"a": x[:, 0], "b": x[:, 1]}, y)}
    assert s["a"].first_order > 0.95
    assert abs(s["a"].rank_correlation) < 0.05
    assert sensitivities({"a": x[:, 0], "b": x[:, 1]}, y)[0].variable == "a"


def test_a_constant_result_has_no_drivers_and_tiny_samples_are_refused() -> None:
    x = np.linspace(0.0, 1.0, 100)
    assert first_order(x, np.ones(100)) == 0.0
    assert sensitivities({"x": x}, np.ones(100))[0].rank_correlation == 0.0
    with pytest.raises(ValueError, match="at least 8"):
        first_order(x[:5], x[:5])
