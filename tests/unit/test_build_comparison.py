"""A configured build's figures are those of a fresh simulation of its modified spec."""

from __future__ import annotations

import pytest
import yaml

from evtwin.configurator import OCCUPANT_KG, configure, price
from evtwin.sim.charging import charge_session
from evtwin.sim.label import epa_label, usable_energy, wltp
from evtwin.sim.performance import performance
from evtwin.sim.real_world import real_world_matrix, towing_range
from evtwin.specs.loader import parse_vehicle
from evtwin.study.build_comparison import compare_build
from evtwin.study.figures import ROWS

OPTIONS = ["roof-rack", "tyres-all-terrain", "spare-wheel-tailgate", "tow-bar"]


@pytest.fixture(scope="module")
def comparison():
    build = configure(
        "defender-sport", OPTIONS, passengers=1, payload_kg=50.0, trailer="caravan-1500"
    )
    return compare_build(build)


def test_build_figures_equal_a_fresh_run_of_the_written_out_spec(comparison) -> None:
    build = comparison.build
    # The configured spec written to a vehicle file and read back: nothing of the
    # build but its spec and load reaches this simulation.
    text = yaml.safe_dump(build.spec.model_dump(mode="json", exclude_none=True))
    spec = parse_vehicle(text, "configured.yaml")
    load = OCCUPANT_KG + 50.0  # one passenger and the payload, beyond the driver
    got = comparison.configured.flat()
    w = wltp(spec)
    assert got["wltp_range_km"] == pytest.approx(float(w.range_km[0]), rel=1e-12)
    assert got["epa_range_mi"] == pytest.approx(
        float(epa_label(spec, adjustment="as_labelled").range_mi[0]), rel=1e-12
    )
    rw = real_world_matrix(spec, payload_kg=load)
    assert got["real_world_headline_km"] == pytest.approx(rw.headline_km, rel=1e-12)
    assert got["uk_winter_motorway_70mph_mi"] == pytest.approx(
        rw.get("uk_winter_motorway_70mph").range_mi, rel=1e-12
    )
    trailer = build.trailer.to_sim()
    perf = performance(spec, payload_kg=75.0 + load, trailer=trailer)
    assert got["accel_0_100_kph_s"] == pytest.approx(perf.acceleration.accel_0_100_kph_s)
    assert got["towing_0_60_mph_s"] == pytest.approx(perf.towing.acceleration.accel_0_60_mph_s)
    per_100km = usable_energy(spec) / 3.6e6 / float(w.range_km[0]) * 100.0
    ch = charge_session(spec, consumption_kwh_per_100km=per_100km)
    assert got["charge_10_80_min"] == pytest.approx(ch.time_10_80 / 60.0)
    assert got["charge_added_15min_km"] == pytest.approx(ch.range_added(900.0) / 1e3)
    assert got["towing_range_60mph_km"] == pytest.approx(
        towing_range(spec, trailer, payload_kg=load)[1].range_km
    )


def test_options_cost_range_and_money_in_the_expected_direction(comparison) -> None:
    rows = {r["key"]: r for r in comparison.rows()}
    # Drag, all-terrain tyres and mass all cost energy; none can make the car go further.
    for key in ("wltp_range_km", "epa_range_mi", "real_world_headline_km"):
        assert rows[key]["change"] < 0, key
    # The battery and its charging do not change: the 10-80 % time is the same.
    assert rows["charge_10_80_min"]["change"] == pytest.approx(0.0, abs=1e-9)
    assert comparison.configured_money.price.total > comparison.base_money.price.total
    assert comparison.configured_money.running.per_mi > comparison.base_money.running.per_mi
    assert {r.key for r in ROWS} >= set(rows)


def test_looks_only_options_change_no_figure_but_the_price() -> None:
    looks = compare_build(configure("defender-sport", ["contrast-roof", "decals-side-stripe"]))
    for row in looks.rows():
        assert row["change"] == pytest.approx(0.0, abs=1e-12), row["key"]
    base = price(configure("defender-sport"), "gbp").total
    cat = looks.build.catalogue
    extra = sum(cat.option(o).price_gbp.value for o in ("contrast-roof", "decals-side-stripe"))
    assert extra > 0
    assert looks.configured_money.price.total == pytest.approx(base + extra)
