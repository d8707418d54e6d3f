"""A vehicle's parameter row: the part that does not depend on the mass is kept per
spec, weather and options, and must not carry the mass of the call that made it."""

from __future__ import annotations

import numpy as np
import pytest

from evtwin.sim import prepare
from evtwin.sim._layout import P_MASS, P_ROLL0, P_ROLL1
from evtwin.sim.conditions import Ambient
from evtwin.sim.prepare import RunOptions, vehicle_row
from evtwin.specs import load_vehicle, vehicle_names

COLD = Ambient(-10.0, battery_temperature_c=10.0)


@pytest.mark.parametrize("vehicle", vehicle_names())
@pytest.mark.parametrize("use_coastdown", [True, False])
def test_a_row_is_the_same_whatever_load_made_the_template(
    vehicle: str, use_coastdown: bool
) -> None:
    spec = load_vehicle(vehicle)
    heavy = RunOptions(payload_kg=400.0, use_coastdown=use_coastdown)
    light = RunOptions(payload_kg=10.0, use_coastdown=use_coastdown)
    prepare._TEMPLATES.clear()
    first = vehicle_row(spec, COLD, light)[0]
    prepare._TEMPLATES.clear()
    vehicle_row(spec, COLD, heavy)  # the template now made by another load
    again = vehicle_row(spec, COLD, light)[0]
    np.testing.assert_array_equal(first, again)
    assert first[P_MASS] == spec.mass.kerb_kg.value + 10.0


def test_rolling_resistance_on_tyres_scales_with_mass() -> None:
    spec = load_vehicle("defender-sport")
    a = vehicle_row(spec, COLD, RunOptions(mass_kg=2000.0, use_coastdown=False))[0]
    b = vehicle_row(spec, COLD, RunOptions(mass_kg=3000.0, use_coastdown=False))[0]
    assert b[P_ROLL0] / a[P_ROLL0] == pytest.approx(1.5, rel=1e-12)
    assert b[P_ROLL1] / a[P_ROLL1] == pytest.approx(1.5, rel=1e-12)


def test_the_template_is_not_changed_by_its_rows() -> None:
    spec = load_vehicle("defender-sport")
    row = vehicle_row(spec, COLD, RunOptions(payload_kg=50.0))[0]
    row[:] = -1.0  # a caller writing into its row
    again = vehicle_row(spec, COLD, RunOptions(payload_kg=50.0))[0]
    assert again[P_MASS] == spec.mass.kerb_kg.value + 50.0


def test_an_impossible_mass_is_named() -> None:
    spec = load_vehicle("defender-sport")
    with pytest.raises(ValueError, match="mass must be positive"):
        vehicle_row(spec, COLD, RunOptions(mass_kg=-5.0))
