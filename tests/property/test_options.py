"""Each option changes exactly the spec fields physics says, and moves the results the right way.

For every option of the Defender Sport's catalogue the expected set of changed
fields is written down here by hand (from what the option physically is, not read
back from the catalogue), and a new option without an entry fails the test. The
spec dumps are compared field by field; metadata (sources, notes, an estimate's
basis) may change with a figure and is not counted as a change of the car.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from evtwin.configurator import (
    OCCUPANT_KG,
    OptionError,
    apply,
    configure,
    load_catalogue,
    price,
    resolve,
)
from evtwin.sim.drive import simulate
from evtwin.sim.label import wltp
from evtwin.specs import VehicleSpec, load_vehicle, parse_vehicle
from evtwin.study.corners import with_figures

DEFENDER = load_vehicle("defender-sport")
CATALOGUE = load_catalogue("defender-sport")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KERB = "mass.kerb_kg"
AREA = "body.frontal_area_m2"
CD = "body.drag_coefficient"
TYRES = {
    "tyres.size",
    "tyres.type",
    "tyres.rolling_resistance_coefficient",
    "tyres.rolling_resistance_rise_per_100kph",
    "tyres.rolling_radius_m",
    "tyres.wheel_inertia_kgm2",
}
#: A roof load adds mass and drag area (its height is reported, not written into the
#: body's height, from which the centre of gravity is estimated).
ROOF = {KERB, CD}

#: What each option changes when it is the only choice on the standard car (a roof
#: box on the roof rack), from the physics of the part and the catalogue's figures:
#: a 19-inch road tyre keeps the standard tyre's radius and speed rise; an
#: all-terrain tyre of the standard 20-inch size keeps its size.
EXACT: dict[str, set[str]] = {
    "trim-standard": set(),
    "trim-high-spec": {KERB},
    "wheels-19": {
        "tyres.size",
        "tyres.rolling_resistance_coefficient",
        "tyres.wheel_inertia_kgm2",
        KERB,
    },
    "wheels-20": set(),
    "wheels-22": {
        "tyres.size",
        "tyres.rolling_resistance_coefficient",
        "tyres.rolling_radius_m",
        "tyres.wheel_inertia_kgm2",
        KERB,
    },
    "tyres-road": set(),
    "tyres-all-terrain": (TYRES - {"tyres.size"}) | {KERB},
    "bumpers-body-colour": set(),
    "bumpers-black": set(),
    "contrast-roof": set(),
    "decals-bonnet-and-side": set(),
    "decals-side-stripe": set(),
    "roof-rack": ROOF,
    "roof-box": ROOF,
    "wheel-arch-extensions": {"body.width_mm", AREA, KERB},
    "spare-wheel-tailgate": {KERB, CD},
    "jump-seat": {KERB},
    "tow-bar": {KERB},
    "pack-off-road-look": TYRES | {KERB},
}
#: What an option may change on top of any other choice: a spare wheel makes the
#: wheel options move the mass by five wheels, not four (still the mass); wider arches
#: on a car with a roof load refer the load's drag area to a larger frontal area, so
#: the drag coefficient moves while Cd A grows by the arches' area at the body's Cd.
ALLOWED: dict[str, set[str]] = {
    **EXACT,
    "wheel-arch-extensions": EXACT["wheel-arch-extensions"] | {CD},
    "wheels-19": TYRES | {KERB},
    "wheels-20": TYRES | {KERB},
    "wheels-22": TYRES | {KERB},
    "tyres-road": TYRES | {KERB},
    "tyres-all-terrain": TYRES | {KERB},
    "trim-standard": {KERB},
}
#: The choice an option needs to be on the car at all.
NEEDS = {"roof-box": ["roof-rack"]}
LOOKS = {o.id for o in CATALOGUE.options if o.looks_only}
STANDARD = {g.default for g in CATALOGUE.groups if g.default}


def changed_fields(a: VehicleSpec, b: VehicleSpec) -> set[str]:
    """Spec fields (figures by their path) whose value, low or high, size or type differ."""
    out = set()
    fa, fb = _leaves(a.model_dump(mode="json")), _leaves(b.model_dump(mode="json"))
    for path in set(fa) | set(fb):
        parts = path.split(".")
        if parts[0] in ("sources", "notes") or parts[-1] in ("note", "basis", "source"):
            continue
        if fa.get(path) != fb.get(path):
            out.add(".".join(parts[:-1]) if parts[-1] in ("value", "low", "high") else path)
    return out


def _leaves(d: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(d, dict):
        return {k: v for key, val in d.items() for k, v in _leaves(val, f"{prefix}{key}.").items()}
    if isinstance(d, list):
        return {k: v for i, val in enumerate(d) for k, v in _leaves(val, f"{prefix}{i}.").items()}
    return {prefix.rstrip("."): d}


def test_every_option_has_an_expectation() -> None:
    assert set(EXACT) == set(CATALOGUE.ids)


@pytest.mark.parametrize("option", CATALOGUE.ids)
def test_option_alone_changes_exactly_its_fields(option: str) -> None:
    base = apply(DEFENDER, NEEDS.get(option, []))
    built = apply(DEFENDER, [*NEEDS.get(option, []), option])
    assert changed_fields(base, built) == EXACT[option]
    if not EXACT[option]:
        assert built == base
    # The spec's own figures stay consistent: every changed figure is inside its range.
    for path in EXACT[option] - TYRES:
        node: Any = built
        for p in path.split("."):
            node = getattr(node, p)
        assert node.at("low") <= node.value <= node.at("high")


@st.composite
def selections(draw: st.DrawFn) -> list[str]:
    """A valid-looking choice: at most one of each group (else its standard), any of the
    free options."""
    out = []
    for g in CATALOGUE.groups:
        pick = draw(st.sampled_from([*CATALOGUE.members(g.id), None]))
        if pick is not None:
            out.append(pick)
    free = [o.id for o in CATALOGUE.options if o.group is None]
    out.extend(draw(st.lists(st.sampled_from(free), unique=True)))
    return out


@SETTINGS
@given(chosen=selections(), option=st.sampled_from(CATALOGUE.ids))
def test_option_on_any_build_changes_only_its_fields(chosen: list[str], option: str) -> None:
    """Adding an option to any valid build changes a subset of its fields, and the
    kerb mass whenever it is a physical option."""
    group = CATALOGUE.option(option).group
    rest = [
        c
        for c in chosen
        if c != option
        and (group is None or CATALOGUE.option(c).group != group)
        and not (c == "pack-off-road-look" and group in ("wheels", "tyres", "bumpers"))
    ]
    with_it = [*rest, option, *NEEDS.get(option, [])]
    try:
        resolve(CATALOGUE, rest)
        resolve(CATALOGUE, with_it)
    except OptionError:
        assume(False)
    without = [c for c in with_it if c != option]
    changed = changed_fields(apply(DEFENDER, without), apply(DEFENDER, with_it))
    assert changed <= ALLOWED[option]
    new = set(resolve(CATALOGUE, with_it).all) - set(resolve(CATALOGUE, without).all)
    if any(EXACT[o] for o in new if CATALOGUE.option(o).category != "pack"):
        assert KERB in changed  # every physical option of this car weighs something


def _wltp_consumption(specs: list[VehicleSpec]) -> np.ndarray:
    return np.asarray(wltp(specs).consumption_ac)


def test_physical_options_move_wltp_consumption_the_right_way() -> None:
    """More mass, drag area or rolling resistance means more energy per km; the
    lighter, lower-resistance 19-inch road fitment means less; looks change nothing."""
    raises = [
        "trim-high-spec",
        "wheels-22",
        "tyres-all-terrain",
        "roof-rack",
        "wheel-arch-extensions",
        "spare-wheel-tailgate",
        "jump-seat",
        "tow-bar",
        "pack-off-road-look",
    ]
    specs = [DEFENDER] + [apply(DEFENDER, [o]) for o in raises]
    specs += [apply(DEFENDER, ["wheels-19"])]
    specs += [apply(DEFENDER, ["roof-rack"]), apply(DEFENDER, ["roof-rack", "roof-box"])]
    c = _wltp_consumption(specs)
    base = c[0]
    for name, value in zip(raises, c[1 : 1 + len(raises)], strict=True):
        assert value > base, name
    assert c[1 + len(raises)] < base  # 19-inch road tyres
    assert c[-1] > c[-2] > base  # the box on the rack costs more than the rack
    for o in LOOKS | STANDARD:
        assert apply(DEFENDER, [o]) == DEFENDER


def test_drag_area_adds_up_by_hand() -> None:
    """CdA grows by the options' drag areas; arches add area at the body's own Cd."""
    b = DEFENDER.body
    rb = apply(DEFENDER, ["roof-rack", "roof-box", "spare-wheel-tailgate"]).body
    assert rb.drag_area_m2 == pytest.approx(b.drag_area_m2 + 0.07 + 0.18 + 0.02, rel=1e-12)
    assert rb.frontal_area_m2 == b.frontal_area_m2
    assert rb.height_mm == b.height_mm
    roof = configure(DEFENDER, ["roof-rack", "roof-box"])
    assert roof.overall_height_mm == 1760 + 90 + 400
    arches = apply(DEFENDER, ["wheel-arch-extensions"]).body
    assert arches.drag_coefficient == b.drag_coefficient
    assert arches.drag_area_m2 == pytest.approx(0.33 * (2.80 + 0.035), rel=1e-12)
    spare = apply(DEFENDER, ["spare-wheel-tailgate"])
    assert spare.mass.kerb_kg.value == 2300 + 9 + 25.5  # carrier + a 20-inch wheel and tyre
    spare19 = apply(DEFENDER, ["spare-wheel-tailgate", "wheels-19"])
    assert spare19.mass.kerb_kg.value == 2300 + 9 + 24.0 + 4 * (24.0 - 25.5)


def test_looks_only_options_change_the_price_only() -> None:
    plain = configure(DEFENDER)
    for o in sorted(LOOKS - STANDARD):
        styled = configure(DEFENDER, [o])
        assert styled.spec == plain.spec
        assert styled.spec.content_hash == plain.spec.content_hash
        assert styled.laden_mass_kg == plain.laden_mass_kg
        opt = CATALOGUE.option(o).price("gbp")
        assert opt is not None
        assert price(styled).total == price(plain).total + opt.value


def test_jump_seat_passenger_raises_mass_only() -> None:
    """The sixth occupant needs the jump seat; they add 75 kg to the laden mass, change
    nothing in the car's spec, and cost energy on the road."""
    five = configure(DEFENDER, ["jump-seat"], passengers=4)
    six = configure(DEFENDER, ["jump-seat"], passengers=5)
    assert six.spec == five.spec
    assert six.laden_mass_kg - five.laden_mass_kg == OCCUPANT_KG
    r = simulate(
        [five.spec, six.spec], "wltc_class3b", options=[five.run_options(), six.run_options()]
    )
    per_km = r.battery_terminal / r.distance
    assert per_km[1] > per_km[0]
    seat = apply(DEFENDER, ["jump-seat"])
    assert changed_fields(DEFENDER, seat) == {KERB}
    assert seat.mass.kerb_kg.value - DEFENDER.mass.kerb_kg.value == 15.0


def test_build_range_equals_fresh_simulation_of_its_dumped_spec() -> None:
    """A build's WLTP range is that of its spec written out and read back as a vehicle
    file, and that of the same changes made by hand with study.corners.with_figures."""
    build = configure(
        DEFENDER,
        ["roof-rack", "roof-box", "tow-bar", "spare-wheel-tailgate", "pack-off-road-look"],
        passengers=2,
    )
    text = yaml.safe_dump(build.spec.model_dump(mode="json"), sort_keys=False)
    reread = parse_vehicle(text, "configured.yaml")
    assert reread == build.spec
    ranges = wltp([build.spec, reread]).range
    assert ranges[0] == ranges[1]

    rack_box = apply(DEFENDER, ["roof-rack", "roof-box"])
    by_hand = with_figures(
        DEFENDER,
        {
            "mass.kerb_kg": 2300 + 30 + 18,
            "mass.gross_kg": 2900,  # options eat payload: the permissible mass stays
            "body.drag_coefficient": 0.33 + (0.07 + 0.18) / 2.80,
        },
    )
    r = wltp([rack_box, by_hand]).range
    assert r[0] == pytest.approx(r[1], rel=1e-12)
    assert r[0] < wltp(DEFENDER).range[0]


def test_coastdown_vehicle_options_take_effect() -> None:
    """The I-PACE runs on its EPA coast-down: its 20-inch option must still cost range,
    through the coast-down terms as well as the tyre fields."""
    ipace = load_vehicle("jaguar-i-pace")
    big = apply(ipace, ["wheels-20"])
    assert changed_fields(ipace, big) == {
        "tyres.size",
        "tyres.rolling_resistance_coefficient",
        "tyres.rolling_radius_m",
        "tyres.wheel_inertia_kgm2",
        KERB,
        "coastdown.target_a_lbf",
        "coastdown.target_b_lbf_per_mph",
    }
    c = _wltp_consumption([ipace, big])
    assert c[1] > c[0]
