"""The configurator: catalogues, builds, prices, the UK grant, running costs, config files.

Hand values come from the data files' own numbers (restated here), so a change to
the data that is not matched by a change here fails loudly.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import yaml

from evtwin.configurator import (
    OCCUPANT_KG,
    ConfigError,
    OptionError,
    PriceUnavailableError,
    Trailer,
    apply,
    assess,
    assess_build,
    build_from_args,
    catalogue_for,
    catalogue_names,
    configure,
    load_catalogue,
    load_config,
    load_grant_rule,
    load_tariffs,
    parse_config,
    price,
    prices,
    resolve,
    running_cost,
    trailer_presets,
)
from evtwin.configurator.grant import parse_grant_rule
from evtwin.configurator.options import parse_catalogue
from evtwin.configurator.running_cost import parse_tariffs
from evtwin.sim._layout import P_AERO, P_ROLL0, P_ROLL1
from evtwin.sim.conditions import STANDARD
from evtwin.sim.prepare import RHO_REF_KPH, RunOptions, vehicle_row
from evtwin.specs import VehicleSpec, load_vehicle, parse_vehicle, vehicle_names
from evtwin.study.corners import with_figures
from evtwin.units import KPH, MILE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def defender() -> VehicleSpec:
    return load_vehicle("defender-sport")


# --- catalogues -------------------------------------------------------------------


@pytest.mark.parametrize("name", catalogue_names())
def test_shipped_catalogue_fits_its_vehicle(name: str) -> None:
    """Each catalogue names a shipped vehicle, and its standard choices are that file."""
    cat = load_catalogue(name)
    assert name in vehicle_names()
    spec = load_vehicle(name)
    assert apply(spec, [], cat) is spec
    std = cat.standard_fitment
    assert std is not None
    assert std.size == spec.tyres.size


def test_which_vehicles_have_catalogues() -> None:
    """The Defender Sport has the full catalogue, the I-PACE wheel sizes, others none."""
    assert {"defender-sport", "jaguar-i-pace"} <= set(catalogue_names())
    assert catalogue_for("bmw-ix3") is None
    full = load_catalogue("defender-sport")
    assert {o.category for o in full.options} >= {"wheels", "tyres", "looks", "exterior"}
    assert load_catalogue("jaguar-i-pace").ids == ("wheels-18", "wheels-20")


_GOOD = """\
vehicle: test-car
seats: 5
groups:
  - {id: wheels, name: Wheels, choose: one, default: wheels-18}
options:
  - id: wheels-18
    name: Standard wheels
    category: wheels
    group: wheels
    price_gbp: {value: 0, source: estimate, basis: standard}
  - id: wheels-20
    name: Big wheels
    category: wheels
    group: wheels
    price_gbp: {value: 900, source: estimate, basis: guess}
fitments:
  - options: [wheels-18]
    size: "245/60 R18"
    corner_mass_kg: {value: 24, source: estimate, basis: guess}
  - options: [wheels-20]
    size: "245/50 R20"
    corner_mass_kg: {value: 25, source: estimate, basis: guess}
    tyre:
      type: road
      rolling_resistance_coefficient: {value: 0.009, source: estimate, basis: guess}
      wheel_inertia_kgm2: {value: 1.4, source: estimate, basis: guess}
"""


def test_good_test_catalogue_parses() -> None:
    cat = parse_catalogue(_GOOD, "good.yaml")
    assert cat.fitment_groups == ("wheels",)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("basis: standard}", "basis: standard}\n    colour: red"),
            "colour (line 11): unknown key",
        ),
        (
            ("value: 0, source", "value: 50, source"),
            "price_gbp (line 10): wheels-18 is the standard",
        ),
        (("source: estimate, basis: guess}\nfitments", "source: pub}\nfitments"), "source 'pub'"),
        (("default: wheels-18", "default: wheels-19"), "groups[wheels].default (line 4)"),
        (
            (
                "    group: wheels\n    price_gbp: {value: 900",
                "    group: wheels\n    requires: [wheels-2]\n    price_gbp: {value: 900",
            ),
            "did you mean wheels-20",
        ),
        (("    tyre:\n", "    tyreX:\n"), "fitments[1].tyreX (line 23): unknown key"),
        (('size: "245/50 R20"', 'size: "big"'), "fitments[1].size (line 21)"),
        (("  - options: [wheels-20]\n", "  - options: [wheels-18]\n"), "given twice"),
    ],
)
def test_bad_catalogue_names_field_and_line(edit: tuple[str, str], expected: str) -> None:
    text = _GOOD.replace(*edit)
    assert text != _GOOD
    with pytest.raises(ConfigError) as info:
        parse_catalogue(text, "bad.yaml")
    assert "bad.yaml" in str(info.value)
    assert expected in str(info.value)


def test_looks_option_may_not_have_physics() -> None:
    text = _GOOD.replace(
        "fitments:",
        "  - id: stripe\n    name: Stripe\n    category: looks\n"
        "    effects: {kerb_mass_add_kg: {value: 1, source: estimate, basis: b}}\nfitments:",
    )
    with pytest.raises(ConfigError, match=r"options\[stripe\] \(line 16\): a 'looks' option"):
        parse_catalogue(text, "bad.yaml")


def test_spare_wheel_needs_fitments() -> None:
    text = _GOOD.split("fitments:")[0].replace(
        "  - id: wheels-20",
        "  - id: spare\n    name: Spare\n    category: exterior\n"
        "    effects: {spare_wheel: true}\n  - id: wheels-20",
    )
    with pytest.raises(ConfigError, match=r"spare_wheel .*fitments"):
        parse_catalogue(text, "bad.yaml")


# --- choosing options ---------------------------------------------------------------


def test_resolve_fills_defaults_and_packs() -> None:
    cat = load_catalogue("defender-sport")
    sel = resolve(cat, ["pack-off-road-look,roof-rack", " roof-rack "])
    assert sel.chosen == ("roof-rack", "pack-off-road-look")
    assert dict(sel.included) == {
        "wheels-19": "pack-off-road-look",
        "tyres-all-terrain": "pack-off-road-look",
        "bumpers-black": "pack-off-road-look",
    }
    assert sel.defaults == ("trim-standard",)
    assert sel.fitment is not None
    assert sel.fitment.size == "255/60 R19"


@pytest.mark.parametrize(
    ("options", "message", "involved"),
    [
        (["roof-box"], "roof-box needs roof-rack", {"roof-box", "roof-rack"}),
        (
            ["wheels-19", "wheels-22"],
            "wheels-19 and wheels-22 are in the same group",
            {"wheels-19", "wheels-22"},
        ),
        (
            ["wheels-22", "tyres-all-terrain"],
            "wheels-22 with tyres-all-terrain is not offered",
            {"wheels-22", "tyres-all-terrain"},
        ),
        (["roof-rak"], "did you mean roof-rack", {"roof-rak"}),
        (
            ["pack-off-road-look", "wheels-20"],
            "wheels-19 (included in pack-off-road-look) and wheels-20",
            {"wheels-19", "wheels-20"},
        ),
        (
            ["decals-side-stripe", "decals-bonnet-and-side"],
            "choose at most one",
            {"decals-side-stripe", "decals-bonnet-and-side"},
        ),
    ],
)
def test_invalid_combinations_name_the_options(
    defender: VehicleSpec, options: list[str], message: str, involved: set[str]
) -> None:
    with pytest.raises(OptionError) as info:
        apply(defender, options)
    assert message in str(info.value)
    assert set(info.value.options) == involved


def test_options_for_a_vehicle_without_catalogue() -> None:
    ix3 = load_vehicle("bmw-ix3")
    assert apply(ix3, []) is ix3
    with pytest.raises(OptionError, match="no options catalogue for bmw-ix3: cannot fit roof-rack"):
        apply(ix3, ["roof-rack"])


def test_catalogue_that_disagrees_with_the_vehicle_file(defender: VehicleSpec) -> None:
    other = defender.model_copy(
        update={"tyres": defender.tyres.model_copy(update={"size": "255/50 R20"})}
    )
    with pytest.raises(OptionError, match="standard fitment is 255/55 R20 but the vehicle file"):
        apply(other, ["roof-rack"])


def test_build_over_gross_mass_is_refused(defender: VehicleSpec) -> None:
    """Options eat payload: a load that fits the standard car may not fit the loaded one."""
    assert configure(defender, [], passengers=4, payload_kg=225).laden_mass_kg == pytest.approx(
        2900
    )
    with pytest.raises(
        OptionError, match=r"payload_kg: the load of 600 kg .* kerb mass of 2330 kg"
    ):
        configure(defender, ["roof-rack"], passengers=4, payload_kg=225)


def test_seats_and_jump_seat(defender: VehicleSpec) -> None:
    with pytest.raises(
        OptionError, match=r"need 6 seats; this defender-sport has 5 \(jump-seat adds"
    ):
        configure(defender, [], passengers=5)
    b = configure(defender, ["jump-seat"], passengers=5)
    assert b.seats == 6
    assert b.occupant_mass_kg == 6 * OCCUPANT_KG


def test_trailer_needs_a_rated_tow_bar(defender: VehicleSpec) -> None:
    with pytest.raises(OptionError, match="trailer: towing needs tow-bar"):
        configure(defender, [], trailer="caravan-1500")
    ok = configure(defender, ["tow-bar"], trailer="caravan-1500")
    assert ok.trailer is not None
    assert ok.trailer.mass_kg == 1500
    heavy = Trailer(
        mass_kg=900,
        frontal_area_m2=1.5,
        drag_coefficient=0.4,
        rolling_resistance_coefficient=0.01,
        braked=False,
    )
    with pytest.raises(OptionError, match=r"900 kg exceeds the unbraked towing limit of 750 kg"):
        configure(defender, ["tow-bar"], trailer=heavy)
    with pytest.raises(OptionError, match="no trailer preset 'boat'"):
        configure(defender, ["tow-bar"], trailer="boat")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mass_kg", 0.0, "mass_kg"),
        ("mass_kg", 4000.0, "from 50 to 3500 kg"),
        ("frontal_area_m2", -1.0, "frontal_area_m2"),
        ("drag_coefficient", math.nan, "drag_coefficient"),
        ("rolling_resistance_coefficient", 0.2, "from 0.003 to 0.05"),
        ("tongue_load_fraction", 0.3, "from 0 to 0.25"),
    ],
)
def test_trailer_validation(field: str, value: float, message: str) -> None:
    good = {
        "mass_kg": 750.0,
        "frontal_area_m2": 1.5,
        "drag_coefficient": 0.4,
        "rolling_resistance_coefficient": 0.012,
    }
    t = Trailer(**good)
    assert t.drag_area_m2 == pytest.approx(0.6)
    sim = t.to_sim()  # what the performance and towing-range code take
    assert (sim.mass_kg, sim.frontal_area_m2, sim.drag_coefficient) == (750.0, 1.5, 0.4)
    assert sim.rolling_resistance_coefficient == 0.012
    with pytest.raises(ValueError, match=message):
        Trailer(**{**good, field: value})


def test_trailer_presets_are_sourced_and_valid() -> None:
    presets = trailer_presets()
    assert set(presets) == {"box-trailer-750", "caravan-1500"}
    for p in presets.values():
        for f in (
            p.mass_kg,
            p.frontal_area_m2,
            p.drag_coefficient,
            p.rolling_resistance_coefficient,
        ):
            assert f.source == "estimate"
            assert f.basis
            assert f.uncertain


def test_build_to_dict_is_json_with_units(defender: VehicleSpec) -> None:
    b = configure(
        defender, ["roof-rack", "tow-bar"], passengers=2, payload_kg=40, trailer="box-trailer-750"
    )
    d = json.loads(json.dumps(b.to_dict()))
    assert d["kerb_kg"] == 2300 + 30 + 25
    assert d["laden_mass_kg"] == 2355 + 3 * 75 + 40
    assert d["towing_braked_kg"] == 1800
    assert d["trailer"]["mass_kg"] == 750
    assert {c["field"] for c in d["changes"]} == {"mass.kerb_kg", "body.drag_coefficient"}
    assert d["overall_height_mm"] == d["height_mm"] + 90
    assert b.run_options() == RunOptions(mass_kg=b.laden_mass_kg)


# --- coast-down vehicles ------------------------------------------------------------

_COAST_CAT = """\
vehicle: awd-car
seats: 5
groups:
  - {id: tyres, name: Tyres, choose: one, default: tyres-std}
options:
  - {id: tyres-std, name: Standard, category: tyres, group: tyres}
  - {id: tyres-hard, name: Harder, category: tyres, group: tyres}
  - id: box
    name: Roof box
    category: exterior
    effects:
      frontal_area_add_m2: {value: 0.3, source: estimate, basis: test}
      drag_area_add_m2: {value: 0.2, source: estimate, basis: test}
      height_add_mm: {value: 400, source: estimate, basis: test}
  - id: ballast
    name: Ballast
    category: interior
    effects:
      kerb_mass_add_kg: {value: 100, source: estimate, basis: test}
fitments:
  - options: [tyres-std]
    size: "255/45 R20"
    corner_mass_kg: {value: 25, source: estimate, basis: test}
  - options: [tyres-hard]
    size: "255/45 R20"
    corner_mass_kg: {value: 25, source: estimate, basis: test}
    tyre:
      type: road
      rolling_resistance_coefficient: {value: 0.0100, source: estimate, basis: test}
      rolling_resistance_rise_per_100kph: {value: 0.1, source: estimate, basis: test}
      wheel_inertia_kgm2: {value: 1.3, source: estimate, basis: test}
"""


def _with_coastdown(test_mass: bool) -> VehicleSpec:
    data = yaml.safe_load((FIXTURES / "awd-car.yaml").read_text())
    data["coastdown"] = {
        "f0_n": 150.0,
        "f1_n_per_kph": 0.5,
        "f2_n_per_kph2": 0.035,
        "source": "test",
    }
    if test_mass:
        data["coastdown"]["test_mass_kg"] = {"value": 2300.0, "source": "test"}
    return parse_vehicle(yaml.safe_dump(data), "awd-car.yaml")


def _row_delta(a: VehicleSpec, b: VehicleSpec, coastdown: bool) -> np.ndarray:
    # At the coast-down's test mass: the simulation scales only the constant term of a
    # coast-down with the run's mass, so the speed term matches the tyres' there.
    opts = RunOptions(mass_kg=2300.0, use_coastdown=coastdown)
    ra, _, _ = vehicle_row(a, STANDARD, opts)
    rb, _, _ = vehicle_row(b, STANDARD, opts)
    return rb[[P_ROLL0, P_ROLL1, P_AERO]] - ra[[P_ROLL0, P_ROLL1, P_AERO]]


@pytest.mark.parametrize("option", ["box", "tyres-hard"])
def test_coastdown_takes_the_same_change_as_body_and_tyres(option: str) -> None:
    """The kernel's road-load terms move by the same amount whether the simulation reads
    the coast-down or the body and tyres (same tyre size, so the powertrain's no-load
    drag removed from the coast-down is unchanged)."""
    cat = parse_catalogue(_COAST_CAT, "coast.yaml")
    base = _with_coastdown(test_mass=True)
    built = apply(base, [option], cat)
    via_coast = _row_delta(base, built, coastdown=True)
    via_body = _row_delta(base, built, coastdown=False)
    assert np.abs(via_coast).max() > 0
    np.testing.assert_allclose(via_coast, via_body, rtol=1e-9, atol=1e-12)


def test_coastdown_drag_term_by_hand() -> None:
    cat = parse_catalogue(_COAST_CAT, "coast.yaml")
    base = _with_coastdown(test_mass=True)
    built = apply(base, ["box"], cat)
    assert built.coastdown is not None
    assert base.coastdown is not None
    df2 = built.coastdown.f2_n_per_kph2 - base.coastdown.f2_n_per_kph2  # type: ignore[union-attr]
    assert df2 == pytest.approx(0.5 * RHO_REF_KPH * 0.2 * KPH**2, rel=1e-12)
    assert built.coastdown.f0_n == base.coastdown.f0_n  # type: ignore[union-attr]


def test_coastdown_without_test_mass_gets_the_mass() -> None:
    """With no test mass the simulation does not scale f0 with mass, so the option's
    rolling force (m g Crr at the coast-down's 20 C) goes into f0."""
    cat = parse_catalogue(_COAST_CAT, "coast.yaml")
    base = _with_coastdown(test_mass=False)
    built = apply(base, ["ballast"], cat)
    df0 = built.coastdown.f0_n - base.coastdown.f0_n  # type: ignore[union-attr]
    crr = base.tyres.rolling_resistance_coefficient.value
    k20 = 1.0 / (1.0 + 0.008 * (20.0 - 25.0))  # ISO 28580 temperature factor
    assert df0 == pytest.approx(100.0 * 9.80665 * crr * k20, rel=1e-9)
    with_mass = apply(_with_coastdown(test_mass=True), ["ballast"], cat)
    assert with_mass.coastdown.f0_n == 150.0  # type: ignore[union-attr]


# --- prices -------------------------------------------------------------------------


def test_price_is_base_plus_options(defender: VehicleSpec) -> None:
    p = price(configure(defender, ["roof-rack", "roof-box", "contrast-roof"]))
    assert p.base.value == 43500
    assert p.total == 43500 + 1800 + 700 + 1000
    assert p.total_low == 37000 + 1200 + 450 + 700
    assert p.total_high == 50000 + 2800 + 1100 + 1500
    assert p.options_total == 3500
    d = p.to_dict()
    assert d["total_gbp"] == 47000
    assert d["currency"] == "gbp"


def test_pack_contents_and_standard_choices_cost_nothing(defender: VehicleSpec) -> None:
    p = price(configure(defender, ["pack-off-road-look"]))
    lines = {ln.option: ln for ln in p.lines}
    assert lines["wheels-19"].amount is None
    assert lines["wheels-19"].included_in == "pack-off-road-look"
    assert lines["trim-standard"].standard
    assert p.total == 43500 + 1000


def test_prices_only_where_data_exist() -> None:
    ipace = configure("jaguar-i-pace", ["wheels-20"])
    assert set(prices(ipace)) == {"gbp"}
    assert price(ipace).total == 63495 + 1200
    with pytest.raises(PriceUnavailableError, match=r"no USD price for option\(s\) wheels-20"):
        price(ipace, "usd")
    with pytest.raises(PriceUnavailableError, match="no base price in EUR"):
        price(ipace, "eur")
    assert set(prices(configure("bmw-ix3"))) == {"eur"}


# --- the UK Electric Car Grant --------------------------------------------------------


def test_uk_grant_data_as_published() -> None:
    rule = load_grant_rule("uk")
    assert rule.cap("starting").value == 37000  # type: ignore[union-attr]
    assert rule.cap("variant").value == 42000  # type: ignore[union-attr]
    assert {b.id: b.amount("gbp").value for b in rule.bands} == {"band-1": 3750, "band-2": 1500}
    assert rule.cap_inclusive
    for fig in (rule.starting_price_cap_gbp, rule.variant_price_cap_gbp):
        assert fig is not None
        assert fig.source in rule.sources
        assert rule.sources[fig.source].url
        assert rule.sources[fig.source].date
    assert "not confirmed" in rule.not_confirmed.lower() or rule.not_confirmed


@pytest.mark.parametrize(
    ("starting", "configured", "eligible"),
    [
        (36_999.0, 36_999.0, True),
        (37_000.0, 37_000.0, True),  # at the cap: 'at or under'
        (37_000.01, 37_000.01, False),
        (37_000.0, 42_000.0, True),  # a variant at the variant cap
        (37_000.0, 42_000.01, False),
        (30_000.0, 45_000.0, False),
    ],
)
def test_grant_at_and_around_the_caps(starting: float, configured: float, eligible: bool) -> None:
    rule = load_grant_rule("uk")
    a = assess(rule, starting_price=starting, configured_price=configured)
    assert a.eligible is eligible
    assert a.amount is None  # band unknown
    assert a.amounts_by_band == (
        {"band-1": 3750.0, "band-2": 1500.0} if eligible else {"band-1": 0.0, "band-2": 0.0}
    )
    assert bool(a.reasons) is not eligible
    banded = assess(rule, starting_price=starting, configured_price=configured, band="band-2")
    assert banded.amount == (1500.0 if eligible else 0.0)
    assert banded.to_dict()["net_price_gbp"] == configured - banded.amount


def test_grant_cap_exclusive_reading() -> None:
    text = resources.files("evtwin.data.grants").joinpath("uk.yaml").read_text()
    rule = parse_grant_rule(text.replace("cap_inclusive: true", "cap_inclusive: false"), "x.yaml")
    assert not assess(rule, starting_price=37_000.0).eligible
    assert assess(rule, starting_price=36_999.99).eligible


def test_grant_range_and_band_checks() -> None:
    rule = load_grant_rule("uk")
    short = 99.9 * MILE / 1000.0
    assert not assess(rule, starting_price=30_000, wltp_range_km=short).eligible
    assert assess(rule, starting_price=30_000, wltp_range_km=100.1 * MILE / 1000.0).eligible
    assert any("WLTP range" in c for c in assess(rule, starting_price=30_000).not_checked)
    with pytest.raises(KeyError, match="no band 'band-3'"):
        assess(rule, starting_price=30_000, band="band-3")


def test_bad_grant_file_names_the_field() -> None:
    text = resources.files("evtwin.data.grants").joinpath("uk.yaml").read_text()
    with pytest.raises(
        ConfigError, match=r"bands\[band-1\]\.amount_gbp \(line \d+\): value must be > 0"
    ):
        parse_grant_rule(text.replace("value: 3750", "value: -3750"), "bad.yaml")


def test_defender_grant_at_its_price_ends(defender: VehicleSpec) -> None:
    """At its nominal price (GBP 43,500) the Defender Sport misses the grant; at the low end
    of the price claims (uk-preview's GBP 37,000) it would qualify, up to GBP 3,750."""
    plain = configure(defender)
    assert not assess_build(plain).eligible
    low = assess_build(plain, corner="low")
    assert low.eligible
    assert low.starting_price == 37000
    assert max(low.amounts_by_band.values()) == 3750
    # Options count towards the variant cap (configured_price_includes: all_options).
    loaded = configure(defender, ["wheels-22", "roof-rack", "roof-box", "contrast-roof"])
    assert price(loaded).total_low == 37000 + 1000 + 1200 + 450 + 700
    assert assess_build(loaded, corner="low").eligible
    heavy = configure(defender, ["trim-high-spec", "roof-rack", "wheels-22"])
    assert price(heavy).total_low == 37000 + 3000 + 1200 + 1000
    over = assess_build(heavy, corner="low")
    assert not over.eligible
    assert "variant cap of 42,000" in over.reasons[0]


# --- running cost ---------------------------------------------------------------------


def test_running_cost_by_hand() -> None:
    """20 kWh/100 km, 80 % at 7p and 20 % at 80p: 21.6p/kWh, GBP 4.32 per 100 km."""
    rc = running_cost(20.0, load_tariffs("uk"))
    assert rc.price * 3.6e6 == pytest.approx(0.8 * 0.07 + 0.2 * 0.80)
    assert rc.per_km * 100 == pytest.approx(4.32)
    assert rc.per_mi == pytest.approx(0.0432 * MILE / 1000.0)
    assert rc.cost_low < rc.cost < rc.cost_high
    d = rc.to_dict()
    assert d["cost_gbp_per_100km"] == pytest.approx(4.32)
    home = running_cost(20.0, home_share=1.0, home_rate="home-standard")
    assert home.per_km == pytest.approx(0.2 * 0.2635)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"home_share": 1.5}, "home_share must be between 0 and 1"),
        ({"home_rate": "public-rapid"}, "is a public rate, not a home one"),
        ({"public_rate": "petrol"}, "no rate 'petrol'"),
    ],
)
def test_running_cost_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        running_cost(20.0, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="consumption_kwh_per_100km must be > 0"):
        running_cost(0.0)


def test_tariff_file_sources() -> None:
    t = load_tariffs("uk")
    for key, r in t.rates.items():
        fig = r.per_kwh("gbp")
        assert fig.source in t.sources, key
    bad = resources.files("evtwin.data.tariffs").joinpath("uk.yaml").read_text()
    with pytest.raises(ConfigError, match=r"rates\.home-standard\.at \(line \d+\)"):
        parse_tariffs(bad.replace("at: home", "at: garage", 1), "bad.yaml")


# --- configuration files --------------------------------------------------------------

_YAML = """\
vehicle: defender-sport
options:
  - pack-off-road-look
  - roof-rack
  - tow-bar
passengers: 2
payload_kg: 60
trailer: box-trailer-750
"""

_TOML = """\
vehicle = "defender-sport"
options = ["pack-off-road-look", "roof-rack", "tow-bar"]
passengers = 2
payload_kg = 60

[trailer]
name = "Small unbraked box trailer, loaded to 750 kg"
mass_kg = 750
frontal_area_m2 = 1.5
drag_coefficient = 0.35
rolling_resistance_coefficient = 0.012
braked = false
"""


def test_yaml_toml_and_arguments_agree(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(_YAML)
    (tmp_path / "a.toml").write_text(_TOML)
    a, b = load_config(tmp_path / "a.yaml"), load_config(tmp_path / "a.toml")
    c = build_from_args(
        "defender-sport",
        ["pack-off-road-look,roof-rack", "tow-bar"],
        passengers=2,
        payload_kg=60,
        trailer="box-trailer-750",
    )
    assert a.spec == b.spec == c.spec
    assert a.to_dict() == b.to_dict() == c.to_dict()


def test_config_vehicle_file_relative_to_config(tmp_path: Path) -> None:
    (tmp_path / "car.yaml").write_text((FIXTURES / "awd-car.yaml").read_text())
    (tmp_path / "c.yaml").write_text("vehicle: car.yaml\npassengers: 1\n")
    b = load_config(tmp_path / "c.yaml")
    assert b.spec.id == "awd-car"
    assert b.catalogue is None
    assert b.passengers == 1


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        (_YAML.replace("payload_kg: 60", "payload: 60"), "yaml", "payload (line 7): unknown key"),
        (
            _YAML.replace("passengers: 2", "passengers: -1"),
            "yaml",
            "passengers (line 6): Input should be greater than or equal to 0",
        ),
        (_YAML.replace("passengers: 2", "passengers: two"), "yaml", "passengers (line 6)"),
        (
            _YAML.replace("  - roof-rack\n", "  - roof-rak\n"),
            "yaml",
            "options[roof-rak] (line 4): no option 'roof-rak'",
        ),
        (
            _YAML.replace("  - roof-rack\n", "  - roof-box\n"),
            "yaml",
            "options[roof-box] (line 4): roof-box needs roof-rack",
        ),
        (_YAML.replace("  - tow-bar\n", ""), "yaml", "trailer (line 7): towing needs tow-bar"),
        (
            _YAML.replace("passengers: 2", "passengers: 5"),
            "yaml",
            "passengers (line 6): 5 passengers and the driver need 6 seats",
        ),
        (
            _YAML.replace("vehicle: defender-sport", "vehicle: defender"),
            "yaml",
            "vehicle (line 1): no vehicle called 'defender'",
        ),
        (_YAML + "trailer: boat\n", "yaml", "key 'trailer' is given twice"),
        (
            _TOML.replace("mass_kg = 750", "mass_kg = 7500"),
            "toml",
            "trailer.mass_kg (line 8): must be from 50 to 3500 kg",
        ),
        (_TOML.replace(', "tow-bar"', ""), "toml", "trailer (line 6): towing needs tow-bar"),
        (_TOML.replace("passengers = 2", "passengers = 2.5"), "toml", "passengers (line 3)"),
        (_TOML.replace("[trailer]", "[trailer"), "toml", "not valid TOML"),
        ("- just\n- a list\n", "yaml", "(top): the file must hold a mapping"),
    ],
)
def test_bad_configuration_names_field_and_line(text: str, fmt: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, f"my.{fmt}", fmt)  # type: ignore[arg-type]
    assert str(info.value).startswith(f"invalid configuration file my.{fmt}:")
    assert expected in str(info.value)


# --- what is worked out once -------------------------------------------------------


def test_a_configured_spec_is_shared_and_equals_one_built_afresh(defender: VehicleSpec) -> None:
    """The same options on the same spec give the same (frozen) spec object; another
    catalogue object, or the spec changed, is configured afresh, to equal content."""
    options = ("roof-rack", "tyres-all-terrain")
    first = apply(defender, options)
    assert apply(defender, options) is first
    cat = catalogue_for("defender-sport")
    assert cat is not None
    other_cat = cat.model_copy(deep=True)
    again = apply(defender, options, other_cat)
    assert again is not first
    assert again.content_hash == first.content_hash
    same = defender.model_copy()  # equal content: equal hash, the same configured spec
    assert apply(same, options) is first
    heavier = with_figures(defender, {"mass.kerb_kg": defender.mass.kerb_kg.value + 50.0})
    built = apply(heavier, options)
    assert built.mass.kerb_kg.value == pytest.approx(first.mass.kerb_kg.value + 50.0)
    assert apply(defender, ("roof-rack",)).content_hash != first.content_hash


def test_changes_are_those_of_the_two_specs(defender: VehicleSpec) -> None:
    """Build.changes() (memoised on the specs' hashes) lists the fields that differ."""
    build = configure(defender, ["roof-rack"], payload_kg=10.0)
    changed = {c.path: (c.before, c.after) for c in build.changes()}
    assert changed["mass.kerb_kg"][1] > changed["mass.kerb_kg"][0]
    assert configure(defender, ["roof-rack"], payload_kg=20.0).changes() == build.changes()
    assert configure(defender, []).changes() == ()
