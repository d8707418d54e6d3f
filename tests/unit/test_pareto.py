"""Pareto fronts against brute force; option groups and design outputs in studies."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from evtwin.cli import app
from evtwin.study.definition import StudyError, parse_study
from evtwin.study.evaluate import evaluate_chunk
from evtwin.study.pareto import non_dominated

runner = CliRunner()


def _brute(values: np.ndarray, senses: tuple[str, ...]) -> np.ndarray:
    c = values * np.array([-1.0 if s == "max" else 1.0 for s in senses])
    n = len(c)
    out = np.zeros(n, dtype=bool)
    for i in range(n):
        if not np.all(np.isfinite(c[i])):
            continue
        dominated = False
        for j in range(n):
            if (
                j != i
                and np.all(np.isfinite(c[j]))
                and np.all(c[j] <= c[i])
                and np.any(c[j] < c[i])
            ):
                dominated = True
                break
        out[i] = not dominated
    return out


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(*(st.sampled_from([0.0, 1.0, 2.0, 3.0, np.nan]) for _ in range(3))),
        min_size=1,
        max_size=40,
    ),
    senses=st.tuples(*(st.sampled_from(["max", "min"]) for _ in range(3))),
)
def test_front_equals_brute_force(rows: list[tuple[float, ...]], senses: tuple[str, ...]) -> None:
    v = np.array(rows, dtype=float)
    assert np.array_equal(non_dominated(v, senses), _brute(v, senses))  # type: ignore[arg-type]


def test_front_of_a_known_trade() -> None:
    # Range up, price up: every point is on the front but the one beaten by (300, 40k).
    v = np.array([[300.0, 40e3], [350.0, 45e3], [280.0, 42e3], [400.0, 52e3]])
    assert non_dominated(v, ("max", "min")).tolist() == [True, True, False, True]
    with pytest.raises(ValueError, match="senses"):
        non_dominated(v, ("max", "up"))  # type: ignore[arg-type]


STUDY = """
name: trade
vehicle: defender-sport
chunk_size: 8
variables:
  battery.usable_energy_kwh: {distribution: grid, values: [70, 90]}
options:
  tyres: [tyres-road, tyres-all-terrain]
outputs: [wltp_range_km, breakover_deg, charge_10_80_min, price_gbp]
objectives: {wltp_range_km: max, price_gbp: min}
"""


def test_option_groups_vary_slowest_and_price_follows_the_options() -> None:
    plan = parse_study(STUDY, "trade.yaml")
    assert plan.n_samples == 4
    cols = evaluate_chunk(plan, 0)
    assert list(cols["option__tyres"]) == ["tyres-road"] * 2 + ["tyres-all-terrain"] * 2
    assert list(cols["battery__usable_energy_kwh"]) == [70.0, 90.0, 70.0, 90.0]
    price = cols["price_gbp"].astype(float)
    # The all-terrain tyres cost 400 GBP in the catalogue and take range.
    assert price[2] - price[0] == pytest.approx(400.0)
    rng = cols["wltp_range_km"].astype(float)
    assert rng[2] < rng[0]
    assert rng[1] > rng[0]
    assert np.all(np.isfinite(cols["charge_10_80_min"].astype(float)))


def test_bad_options_and_objectives_are_named_before_anything_runs() -> None:
    bad = STUDY.replace("tyres-all-terrain]", "tyres-made-up]").replace(
        "price_gbp: min", "top_speed: min"
    )
    with pytest.raises(StudyError) as exc:
        parse_study(bad, "bad.yaml")
    text = str(exc.value)
    assert "options.tyres" in text
    assert "tyres-made-up" in text
    assert "objectives.top_speed" in text


def test_pareto_command(tmp_path: Path) -> None:
    f = tmp_path / "trade.yaml"
    f.write_text(STUDY)
    r = runner.invoke(
        app, ["pareto", str(f), "--workers", "1", "--json", "--csv", str(tmp_path / "f.csv")]
    )
    assert r.exit_code == 0, r.output
    front = json.loads(r.stdout)
    assert front["n_samples"] == 4
    assert {d["option__tyres"] for d in front["front"]} == {"tyres-road"}
    assert (tmp_path / "f.csv").read_text().startswith("sample_id,option__tyres")
    bad = runner.invoke(app, ["pareto", str(f), "--objective", "wltp_range_km:up"])
    assert bad.exit_code == 2
    assert "--objective" in bad.output


OFFROAD = """
name: lockers
vehicle: defender-sport
variables:
  body.ground_clearance_mm: {distribution: grid, values: [200]}
options:
  tyres: [tyres-all-terrain]
architectures: [defender-sport-brake, defender-sport-twin-elocker]
outputs: [offroad_rock_step]
"""


def test_offroad_outputs_run_each_architecture_on_the_studied_car() -> None:
    from evtwin.configurator import configure
    from evtwin.sim.offroad import build_model, run_scenario
    from evtwin.specs import load_vehicle
    from evtwin.study.corners import with_figures

    plan = parse_study(OFFROAD, "lockers.yaml")
    cols = evaluate_chunk(plan, 0)
    assert list(cols["architecture"]) == ["defender-sport-brake", "defender-sport-twin-elocker"]
    car = with_figures(
        configure(load_vehicle("defender-sport"), ["tyres-all-terrain"]).spec,
        {"body.ground_clearance_mm": 200.0},
    )
    for arch, score in zip(cols["architecture"], cols["offroad_rock_step"], strict=True):
        direct = run_scenario(build_model(arch, "rock_crawl", spec=car), "rock_step")
        assert score == pytest.approx(direct.score)
    with pytest.raises(StudyError, match="bmw-ix3"):
        parse_study(OFFROAD.replace("defender-sport-brake", "bmw-ix3"), "x.yaml")


CONDITIONS_STUDY = """
name: conditions
vehicle: defender-sport
variables:
  conditions.temperature_c: {distribution: grid, values: [-10, 23]}
  conditions.speed_kph: {distribution: grid, values: [100]}
outputs: [steady_range_km]
"""


def test_conditions_set_the_steady_run_as_the_conditions_command_does() -> None:
    from evtwin.sim.real_world import custom_conditions
    from evtwin.specs import load_vehicle
    from evtwin.units import KPH

    plan = parse_study(CONDITIONS_STUDY, "c.yaml")
    cols = evaluate_chunk(plan, 0)
    car = load_vehicle("defender-sport")
    for t, km in zip(cols["conditions__temperature_c"], cols["steady_range_km"], strict=True):
        run = custom_conditions(car, temperature_c=float(t), speed=100.0 * KPH)
        assert km == pytest.approx(run.range_km, rel=0.002)
    assert cols["steady_range_km"][0] < cols["steady_range_km"][1]  # the cold costs range
    for bad, why in (
        ("values: [-10, 23]", "values: [-60, 23]"),
        ("steady_range_km]", "wltp_range_km]"),
        ("conditions.speed_kph", "conditions.altitude"),
    ):
        with pytest.raises(StudyError, match="conditions"):
            parse_study(CONDITIONS_STUDY.replace(bad, why), "c.yaml")


def test_the_studies_guide_lists_every_output_and_condition() -> None:
    from evtwin.study.outputs import CONDITIONS, OUTPUTS

    text = (Path(__file__).resolve().parents[2] / "docs" / "studies.md").read_text()
    for name in OUTPUTS:
        assert f"`{name}`" in text, name
    for c in CONDITIONS.values():
        assert f"`{c.name}`" in text, c.name


def test_performance_outputs_are_the_perf_command_figures() -> None:
    from evtwin.sim.performance import performance
    from evtwin.specs import load_vehicle

    plan = parse_study(
        "vehicle: defender-sport\nvariables:\n"
        "  mass.kerb_kg: {distribution: grid, values: [2300]}\n"
        "outputs: [accel_0_100_kph_s, accel_0_60_mph_s, top_speed_kph]\n",
        "p.yaml",
    )
    cols = evaluate_chunk(plan, 0)
    p = performance(load_vehicle("defender-sport"))
    assert cols["accel_0_100_kph_s"][0] == pytest.approx(p.acceleration.accel_0_100_kph_s)
    assert cols["accel_0_60_mph_s"][0] == pytest.approx(p.acceleration.accel_0_60_mph_s)
    assert cols["top_speed_kph"][0] == pytest.approx(p.top_speed.top_speed_kph)


def _brute_tolerant(values: np.ndarray, senses: tuple[str, ...], tol: float) -> np.ndarray:
    c = values * np.array([-1.0 if s == "max" else 1.0 for s in senses])
    out = np.zeros(len(c), dtype=bool)
    for i in range(len(c)):
        eps = tol * np.abs(c[i])
        out[i] = not any(
            j != i and np.all(c[j] <= c[i] + eps) and np.any(c[j] < c[i] - eps)
            for j in range(len(c))
        )
    return out


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(*(st.floats(1.0, 2.0) for _ in range(3))), min_size=1, max_size=30),
    tol=st.sampled_from([0.0, 0.01, 0.1]),
)
def test_a_tolerant_front_equals_brute_force(rows: list[tuple[float, ...]], tol: float) -> None:
    v = np.array(rows)
    senses = ("max", "min", "max")
    assert np.array_equal(non_dominated(v, senses, tol), _brute_tolerant(v, senses, tol))


def test_the_example_design_study_resolves_and_its_links_move_mass_and_price() -> None:
    from evtwin.study.definition import load_study

    root = Path(__file__).resolve().parents[2]
    plan = load_study(root / "examples" / "studies" / "defender-design-trade.yaml")
    assert plan.n_samples == 72
    links = {(s, t): k for s, t, k, _, _ in plan.links}
    assert links[("battery.usable_energy_kwh", "mass.kerb_kg")] == 6.5
    bad = (root / "examples" / "studies" / "defender-design-trade.yaml").read_text()
    with pytest.raises(StudyError, match=r"links\.0"):
        parse_study(bad.replace("target: mass.kerb_kg", "target: body.drag_coefficient"), "x")
