"""Energy from the wall to restore what a drive took from the cells."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evtwin.physics.battery import resistance_arrhenius
from evtwin.sim.recharge import (
    RECHARGE_TEMPERATURE,
    recharge_ac_energy,
    recharge_ac_energy_for,
    stored_share,
)
from evtwin.specs import load_vehicle, vehicle_names


@pytest.mark.parametrize("vehicle", vehicle_names())
def test_a_specs_recharge_is_the_general_one_with_its_ratings(vehicle: str) -> None:
    """The per-spec recharge (its constants worked out once) gives, to the bit, the
    general function called with the spec's charger, voltage and resistance."""
    spec = load_vehicle(vehicle)
    bat = spec.battery
    r = float(resistance_arrhenius(bat.resistance_mohm.value * 1e-3, RECHARGE_TEMPERATURE))
    args = (
        spec.charging.ac_max_kw.value * 1e3,
        spec.charging.ac_efficiency.value,
        bat.nominal_voltage_v.value,
        r,
    )
    chemical = np.array([0.0, 1.0, 3.6e6, 2.7e8])
    for _ in range(2):  # worked out, then remembered
        got = recharge_ac_energy_for(spec, chemical)
        np.testing.assert_array_equal(got, recharge_ac_energy(chemical, *args))
    assert float(recharge_ac_energy_for(spec, 5.0e7)) == float(recharge_ac_energy(5.0e7, *args))


def test_stored_share_is_one_less_the_resistive_loss() -> None:
    """11 kW into a 400 V pack of 0.1 ohm: the current I solves 400 I + 0.1 I^2 = 11 kW
    (the terminal voltage is the cells' plus the drop across the resistance), some
    27.3 A, and 0.68 % of the energy is heat."""
    share = stored_share(11e3, 1.0, 400.0, 0.1)
    current = (-400.0 + math.sqrt(400.0**2 + 4.0 * 0.1 * 11e3)) / (2.0 * 0.1)
    assert current == pytest.approx(27.31, abs=0.01)
    assert 1.0 - share == pytest.approx(0.1 * current**2 / 11e3, rel=1e-9)
    # The efficiency of the charger scales the power the pack receives.
    assert stored_share(11e3 / 0.9, 0.9, 400.0, 0.1) == pytest.approx(share, rel=1e-12)
