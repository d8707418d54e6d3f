"""Regulatory procedures: test masses, ETW classes, and how ranges are assembled."""

from __future__ import annotations

import numpy as np
import pytest

from evtwin.sim import label
from evtwin.specs import VehicleSpec
from evtwin.units import KWH, MILE, POUND


def test_wltp_test_mass_by_hand(awd_car: VehicleSpec) -> None:
    # MRO = 2200 + 75; max load = 2750 - 2275 - 25 = 450; TM = 2275 + 25 + 0.15 * 450
    assert label.wltp_test_mass(awd_car) == pytest.approx(2275 + 25 + 67.5)


def test_wltp_test_mass_without_gross_uses_default_load(rwd_car: VehicleSpec) -> None:
    expected = 1752 + 75 + 25 + 0.15 * label.DEFAULT_MAX_LOAD
    assert label.wltp_test_mass(rwd_car) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("lvw", "etw"),
    [
        (3010.0, 3000.0),
        (3070.0, 3125.0),
        (3990.0, 4000.0),
        (4130.0, 4250.0),
        (5380.0, 5500.0),
        (5800.0, 6000.0),
        (6700.0, 6500.0),
    ],
)
def test_etw_classes(lvw: float, etw: float) -> None:
    assert label.etw_class_lb(lvw) == etw


def test_wltp_range_is_usable_energy_over_consumption(awd_car: VehicleSpec) -> None:
    w = label.wltp(awd_car)
    d = w.drive
    chem_per_m = d.energy.battery_chemical[0] / d.distance[0]
    assert w.range[0] == pytest.approx(77 * KWH / chem_per_m)
    assert w.range_city[0] > w.range[0]  # city phases are gentler than the extra-high one
    # AC consumption is the recharge of the usable energy over the range.
    assert w.consumption_ac[0] * w.range[0] > 77 * KWH / 0.9
    assert 10 < w.consumption_ac_kwh_per_100km[0] < 30


def test_epa_label_assembles_city_and_highway(awd_car: VehicleSpec) -> None:
    e = label.epa_label(awd_car)
    assert e.test_mass[0] == pytest.approx(label.etw_class_lb(2200 / POUND + 300) * POUND)
    assert e.range[0] == pytest.approx(0.55 * e.range_city[0] + 0.45 * e.range_highway[0])
    assert e.consumption_city[0] == pytest.approx(e.unadjusted_ac_city[0] / 0.7)
    unadj_city = 77 * KWH / (e.udds.energy.battery_chemical[0] / e.udds.distance[0])
    assert e.range_city[0] == pytest.approx(0.7 * unadj_city)
    assert e.mpge[0] == pytest.approx(33705.0 / (e.consumption[0] * MILE / 3600.0))


def test_batch_equals_singles(awd_car: VehicleSpec, rwd_car: VehicleSpec) -> None:
    both = label.wltp([awd_car, rwd_car])
    one = label.wltp(rwd_car)
    np.testing.assert_allclose(both.range[1], one.range[0], rtol=1e-12)
