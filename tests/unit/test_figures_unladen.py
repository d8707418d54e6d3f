"""The figures that depend on the spec alone are simulated once per spec and shared."""

from __future__ import annotations

import pytest

from evtwin.sim.label import epa_label, wltp
from evtwin.specs import load_vehicle
from evtwin.study import figures as fg


def test_loads_share_the_spec_figures_which_equal_fresh_runs() -> None:
    spec = load_vehicle("jeep-compass-ev")
    light = fg.figures(spec)
    heavy = fg.figures(spec, load_kg=250.0)
    assert heavy.charging is light.charging
    assert (
        heavy.wltp_range_km
        == light.wltp_range_km
        == pytest.approx(float(wltp(spec).range_km[0]), rel=1e-12)
    )
    assert heavy.epa_range_mi == pytest.approx(
        float(epa_label(spec, adjustment="as_labelled").range_mi[0]), rel=1e-12
    )
    # What the load changes is simulated afresh.
    assert heavy.real_world.headline_km < light.real_world.headline_km
    assert heavy.performance.acceleration.accel_0_100_kph_s > (
        light.performance.acceleration.accel_0_100_kph_s
    )


def test_charging_summary_is_the_sessions_own_and_a_copy() -> None:
    spec = load_vehicle("skoda-enyaq-85x")
    fig = fg.figures(spec, load_kg=80.0)
    first = fig.to_dict()["charging"]
    assert first == fg._charging_summary(fig.charging)
    first["added"][0]["range_km"] = -1.0  # a caller's edit stays the caller's
    assert fig.to_dict()["charging"] == fg._charging_summary(fig.charging)
