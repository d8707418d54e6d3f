"""A maker's "range added in N minutes" as the charging model's calibration (``dc_added``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evtwin.sim.charging import (
    DEFAULT_ACCEPTANCE_C_RATE,
    UNLIMITED_DC,
    charge_parameters,
    charge_session,
)
from evtwin.specs import SpecError, VehicleSpec, load_vehicle, parse_vehicle
from evtwin.units import KWH, MILE

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "rwd-car.yaml"
ANCHOR = "  ac_efficiency: {value: 0.9, source: fastsim}\n"
#: The fixture's usable energy [kWh] and the ratings added to it below.
USABLE_KWH = 54.0
WLTP_KM = 491.0
EPA_MI = 272.0
RATINGS = (
    f"ratings:\n  wltp_range_km: {{value: {WLTP_KM:g}, source: fastsim}}\n"
    f"  epa_range_mi: {{value: {EPA_MI:g}, source: fastsim}}\n"
)
ADDED_KM = (
    "  dc_added:\n"
    "    time_min: 15\n"
    "    range_basis: wltp\n"
    "    range_km: {value: 200, source: fastsim}\n"
    "    soc_from_pct: {value: 10, source: estimate, basis: test}\n"
)


def _text(charging: str, ratings: str = RATINGS) -> str:
    text = FIXTURE.read_text()
    assert ANCHOR in text
    assert "ratings:" not in text
    return text.replace(ANCHOR, ANCHOR + charging) + ratings


def _car(charging: str, ratings: str = RATINGS) -> VehicleSpec:
    return parse_vehicle(_text(charging, ratings), "rwd-car.yaml")


def test_range_is_a_share_of_the_rated_range() -> None:
    """200 km of a 491 km WLTP rating is 40.73 % of the window: 10 % to 50.73 %."""
    added = _car(ADDED_KM).charging.dc_added
    assert added is not None
    claim = added.as_charge_time(_car(ADDED_KM).ratings)
    assert claim.soc_from_pct == 10.0
    assert claim.soc_to_pct == pytest.approx(10.0 + 100.0 * 200.0 / 491.0)
    assert claim.soc_to_pct == pytest.approx(50.733, abs=1e-3)
    assert claim.time_min.value == 15.0
    assert claim.time_min.source == "fastsim"
    assert added.range_added_m == 200e3


def test_solved_acceptance_adds_the_claimed_energy_in_its_time() -> None:
    """The energy the maker names (range x usable / rated range) goes in in 15 min."""
    spec = _car(ADDED_KM)
    p = charge_parameters(spec)
    assert p.acceptance_c_rate != pytest.approx(DEFAULT_ACCEPTANCE_C_RATE, abs=0.01)
    assert "200 km (WLTP) in 15 min from 10 %" in p.basis["acceptance_c_rate"]
    consumption = USABLE_KWH / WLTP_KM * 100.0  # kWh/100 km on the battery side
    r = charge_session(
        spec, UNLIMITED_DC, 0.10, 1.0, temperature_c=25.0, consumption_kwh_per_100km=consumption
    )
    claimed = 200.0 * USABLE_KWH / WLTP_KM  # 21.996 kWh
    assert claimed == pytest.approx(21.996, abs=1e-3)
    assert r.energy_added(15 * 60.0) / KWH == pytest.approx(claimed, rel=2e-3)
    added = r.range_added(15 * 60.0)
    assert added is not None
    assert added / 1e3 == pytest.approx(200.0, rel=2e-3)
    # The model does taper: the next 15 minutes add less.
    assert r.energy_added(30 * 60.0) - r.energy_added(15 * 60.0) < r.energy_added(15 * 60.0)


def test_a_larger_claim_needs_a_larger_acceptance() -> None:
    small = charge_parameters(_car(ADDED_KM)).acceptance_c_rate
    large = charge_parameters(_car(ADDED_KM.replace("value: 200", "value: 230")))
    assert large.acceptance_c_rate > small


def test_miles_on_the_epa_rating() -> None:
    """120 mi of a 272 mi EPA rating is the same share as 120 x 1.609 km of 272 x 1.609."""
    miles = ADDED_KM.replace("range_basis: wltp", "range_basis: epa").replace(
        "range_km: {value: 200", "range_mi: {value: 120"
    )
    spec = _car(miles)
    added = spec.charging.dc_added
    assert added is not None
    assert added.range_added_m == pytest.approx(120.0 * MILE)
    assert added.share_of_window(spec.ratings) == pytest.approx(120.0 / 272.0)
    p = charge_parameters(spec)
    assert "120 mi (EPA)" in p.basis["acceptance_c_rate"]
    r = charge_session(spec, UNLIMITED_DC, 0.10, 1.0)
    assert r.energy_added(15 * 60.0) / KWH == pytest.approx(120.0 / 272.0 * USABLE_KWH, rel=2e-3)


def test_a_maker_time_is_preferred_to_a_range_added() -> None:
    timed = (
        "  dc_time: {soc_from_pct: 10, soc_to_pct: 80, time_min: {value: 30, source: fastsim}}\n"
    )
    both = charge_parameters(_car(timed + ADDED_KM))
    assert both.basis["acceptance_c_rate"].startswith("set to match the maker's 10-80 %")
    assert any("dc_added not used" in n for n in both.notes)
    assert both.acceptance_c_rate == pytest.approx(charge_parameters(_car(timed)).acceptance_c_rate)


def test_tesla_model_y_uses_teslas_15_minute_figure() -> None:
    """241 km of 533 km WLTP with 78 kWh usable: 35.27 kWh in 15 min from 10 %."""
    spec = load_vehicle("tesla-model-y")
    added = spec.charging.dc_added
    assert added is not None
    assert spec.charging.dc_time is None
    assert added.range_basis == "wltp"
    assert added.range_figure.source in spec.sources
    p = charge_parameters(spec)
    assert "241 km (WLTP) in 15 min" in p.basis["acceptance_c_rate"]
    r = charge_session(spec, UNLIMITED_DC, 0.10, 1.0, temperature_c=25.0)
    assert r.energy_added(15 * 60.0) / KWH == pytest.approx(241.0 * 78.0 / 533.0, rel=2e-3)


@pytest.mark.parametrize(
    ("charging", "ratings", "expected"),
    [
        # The rating the range is counted on is missing.
        (ADDED_KM, "", "charging.dc_added.range_basis 'wltp' needs ratings.wltp_range_km"),
        (
            ADDED_KM.replace("range_basis: wltp", "range_basis: epa"),
            "ratings:\n  wltp_range_km: {value: 491, source: fastsim}\n",
            "charging.dc_added.range_basis 'epa' needs ratings.epa_range_mi",
        ),
        # More range than the rest of the window holds.
        (
            ADDED_KM.replace("value: 200", "value: 460"),
            RATINGS,
            "charging.dc_added.range_km 460 from 10 % would end at 103.7 %",
        ),
        # Both units, or neither.
        (
            ADDED_KM + "    range_mi: {value: 120, source: fastsim}\n",
            RATINGS,
            "charging.dc_added",
        ),
        (
            ADDED_KM.replace("    range_km: {value: 200, source: fastsim}\n", ""),
            RATINGS,
            "give exactly one of range_km and range_mi",
        ),
        (ADDED_KM.replace("time_min: 15", "time_min: -15"), RATINGS, "charging.dc_added"),
        (ADDED_KM.replace("range_basis: wltp", "range_basis: nedc"), RATINGS, "range_basis"),
        (
            ADDED_KM.replace("source: estimate, basis: test", "source: estimate"),
            RATINGS,
            "charging.dc_added.soc_from_pct",
        ),
        (ADDED_KM.replace("{value: 10,", "{value: 120,"), RATINGS, "soc_from_pct"),
        (ADDED_KM.replace("range_km: {value: 200", "range_km: {value: -200"), RATINGS, "range_km"),
        (ADDED_KM + "    from_soc: 10\n", RATINGS, "charging.dc_added.from_soc"),
    ],
)
def test_bad_dc_added_names_the_field(charging: str, ratings: str, expected: str) -> None:
    with pytest.raises(SpecError) as err:
        parse_vehicle(_text(charging, ratings), "bad.yaml")
    msg = str(err.value)
    assert expected in msg, msg
    assert "bad.yaml" in msg
