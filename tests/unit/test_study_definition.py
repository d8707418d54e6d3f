"""Study files and their sampling: errors before anything runs, reproducible draws."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from evtwin.specs import load_vehicle
from evtwin.study.definition import Study, StudyError, Variable, parse_study, resolve
from evtwin.study.evaluate import column_path, evaluate_chunk
from evtwin.study.sampling import sample_values

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

BASE = """\
vehicle: defender-sport
seed: 7
sampler: {sampler}
samples: {samples}
chunk_size: {chunk}
variables:
  mass.kerb_kg: {{distribution: triangular}}
  body.drag_coefficient: {{distribution: uniform, low: 0.30, high: 0.36}}
  battery.usable_energy_kwh: {{distribution: grid, values: [70, 78, 90]}}
outputs: [wltp_range_km, epa_range_mi]
"""


def _plan(sampler: str = "lhs", samples: int = 64, chunk: int = 16) -> object:
    return parse_study(BASE.format(sampler=sampler, samples=samples, chunk=chunk))


def _errors(text: str) -> str:
    with pytest.raises(StudyError) as info:
        parse_study(text, "s.yaml")
    return str(info.value)


def test_a_study_file_resolves_against_its_vehicle() -> None:
    plan = parse_study(BASE.format(sampler="lhs", samples=64, chunk=16))
    assert plan.n_grid == 3
    assert plan.n_samples == 192
    assert plan.n_chunks == 12
    kerb = plan.sampled_vars[0]
    fig = load_vehicle("defender-sport").mass.kerb_kg
    # Bounds left out are the figure's own.
    assert (kerb.low, kerb.mode, kerb.high) == (fig.low, fig.value, fig.high)
    assert plan.sampled_vars[1].low == 0.30


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("mass.kerb_kg: {distribution: triangular}", "mass.kerbkg: {distribution: uniform}"),
            "variables.mass.kerbkg (line 7): defender-sport has no figure 'mass.kerbkg'; "
            "did you mean mass.kerb_kg?",
        ),
        (
            ("low: 0.30, high: 0.36", "low: 0.40, high: 0.36"),
            "variables.body.drag_coefficient (line 8): need low < high",
        ),
        (
            ("outputs: [wltp_range_km, epa_range_mi]", "outputs: [wltp_range_km, top_speed]"),
            "outputs (line 10): unknown output 'top_speed'",
        ),
        (("sampler: lhs", "sampler: halton"), "sampler (line 3): Input should be"),
        (("seed: 7", "seed: 7\nsurprise: 1"), "surprise (line 3): unknown key"),
        (
            ("values: [70, 78, 90]", "values: [-5, 78, 90]"),
            "battery.usable_energy_kwh=-5 is invalid: value must be > 0",
        ),
    ],
)
def test_errors_name_the_field_and_its_line(edit: tuple[str, str], expected: str) -> None:
    text = BASE.format(sampler="lhs", samples=8, chunk=4)
    assert edit[0] in text
    assert expected in _errors(text.replace(*edit))


def test_a_figure_without_a_range_needs_bounds() -> None:
    spec = load_vehicle(FIXTURES / "rwd-car.yaml")
    assert spec.body.frontal_area_m2.low is None
    study = Study(
        vehicle="rwd-car",
        samples=4,
        variables={"body.frontal_area_m2": Variable(distribution="uniform")},
        outputs=("wltp_range_km",),
    )
    with pytest.raises(StudyError, match="frontal_area_m2: the figure has no low/high range"):
        resolve(study, spec=spec)
    bounded = study.model_copy(
        update={
            "variables": {
                "body.frontal_area_m2": Variable(distribution="uniform", low=2.0, high=2.4)
            }
        }
    )
    assert resolve(bounded, spec=spec).sampled_vars[0].high == 2.4


def test_a_contradictory_correlation_is_refused() -> None:
    text = BASE.format(sampler="lhs", samples=8, chunk=4).replace(
        "battery.usable_energy_kwh: {distribution: grid, values: [70, 78, 90]}",
        "battery.usable_energy_kwh: {distribution: uniform}\n"
        "  auxiliary.base_load_w: {distribution: uniform}",
    ) + (
        "correlation:\n"
        "  - {variables: [mass.kerb_kg, body.drag_coefficient], rho: 0.95}\n"
        "  - {variables: [mass.kerb_kg, battery.usable_energy_kwh], rho: 0.95}\n"
        "  - {variables: [body.drag_coefficient, battery.usable_energy_kwh], rho: -0.95}\n"
    )
    assert "correlation (line 12): the correlation matrix is not positive definite" in _errors(text)


def test_correlation_with_a_grid_variable_is_refused() -> None:
    text = BASE.format(sampler="lhs", samples=8, chunk=4) + (
        "correlation:\n  - {variables: [mass.kerb_kg, battery.usable_energy_kwh], rho: 0.5}\n"
    )
    assert "battery.usable_energy_kwh is not a sampled (non-grid) variable" in _errors(text)


@pytest.mark.parametrize("sampler", ["lhs", "sobol", "random"])
def test_samples_depend_on_seed_and_index_only(sampler: str) -> None:
    plan = _plan(sampler)
    whole = sample_values(plan, 0, plan.n_samples)
    # Any split into ranges, in any order, gives the same values.
    pieces = [sample_values(plan, a, b) for a, b in ((100, 192), (0, 37), (37, 100))]
    np.testing.assert_array_equal(np.concatenate([pieces[1], pieces[2], pieces[0]]), whole)
    other = parse_study(
        BASE.format(sampler=sampler, samples=64, chunk=16).replace("seed: 7", "seed: 8")
    )
    assert not np.array_equal(sample_values(other, 0, 192), whole)


def test_every_grid_point_sees_the_same_draws() -> None:
    plan = _plan()
    v = sample_values(plan, 0, plan.n_samples)
    assert sorted(set(v[:, 0])) == [70.0, 78.0, 90.0]
    np.testing.assert_array_equal(v[:64, 1:], v[64:128, 1:])


def test_lhs_blocks_are_latin_hypercubes_within_the_range() -> None:
    plan = _plan("lhs", samples=64, chunk=16)
    v = sample_values(plan, 0, 16)[:, 2]  # drag coefficient, one block of 16 draws
    lo, hi = 0.30, 0.36
    strata = np.floor((v - lo) / (hi - lo) * 16).astype(int)
    assert sorted(strata) == list(range(16))


def test_the_copula_gives_the_asked_rank_correlation() -> None:
    text = BASE.format(sampler="sobol", samples=4096, chunk=1024) + (
        "correlation:\n  - {variables: [mass.kerb_kg, body.drag_coefficient], rho: 0.6}\n"
    )
    plan = parse_study(text)
    v = sample_values(plan, 0, 4096)
    rho_s = spearmanr(v[:, 1], v[:, 2]).statistic
    # Spearman's rho of a Gaussian copula: (6/pi) asin(rho/2) = 0.582 for rho = 0.6.
    assert rho_s == pytest.approx(6 / np.pi * np.arcsin(0.3), abs=0.02)
    assert v[:, 2].min() >= 0.30
    assert v[:, 2].max() <= 0.36


def test_the_column_path_equals_the_reference_path() -> None:
    text = BASE.format(sampler="random", samples=12, chunk=12).replace(
        "outputs: [wltp_range_km, epa_range_mi]",
        "  auxiliary.base_load_w: {distribution: uniform}\n"
        "outputs: [wltp_range_km, wltp_city_range_km, wltp_kwh_per_100km, epa_range_mi,"
        " epa_kwh_per_100mi]",
    )
    plan = parse_study(text)
    assert column_path(plan)
    fast = evaluate_chunk(plan, 1)
    slow = evaluate_chunk(plan, 1, reference=True)
    for name in plan.study.outputs:
        np.testing.assert_allclose(fast[name], slow[name], rtol=1e-12)
    # Same draws at 70 and at 90 kWh (chunks 0 and 2): range grows with the usable
    # energy, a little less than in proportion (the bigger pack's mass is not varied,
    # so the ratio is the energy ratio within the spread of consumption at SOC).
    low, high = evaluate_chunk(plan, 0), evaluate_chunk(plan, 2)
    np.testing.assert_array_equal(low["mass__kerb_kg"], high["mass__kerb_kg"])
    ratio = high["wltp_range_km"] / low["wltp_range_km"]
    np.testing.assert_allclose(ratio, 90.0 / 70.0, rtol=0.01)


def test_variables_that_interact_take_the_reference_path() -> None:
    # m g Crr: mass and rolling resistance move the same kernel column together.
    text = BASE.format(sampler="random", samples=4, chunk=4).replace(
        "body.drag_coefficient: {distribution: uniform, low: 0.30, high: 0.36}",
        "tyres.rolling_resistance_coefficient: {distribution: uniform}",
    )
    plan = parse_study(text)
    assert not column_path(plan)
    cols = evaluate_chunk(plan, 0)
    assert np.all(np.isfinite(cols["wltp_range_km"]))


def test_the_public_surface_resolves() -> None:
    import evtwin.study as study

    assert study.__all__ == sorted(study.__all__)
    for name in study.__all__:
        assert getattr(study, name) is not None
    with pytest.raises(AttributeError):
        _ = study.no_such_thing


def test_a_coast_down_car_runs_mass_and_tyres_on_the_column_path() -> None:
    # With a measured coast-down the tyres' Crr does not reach the kernel, so it
    # cannot interact with mass: both take the column path, and it stays exact.
    text = """\
vehicle: tesla-model-y
seed: 2
sampler: random
samples: 8
chunk_size: 8
variables:
  mass.kerb_kg: {distribution: uniform}
  tyres.rolling_resistance_coefficient: {distribution: uniform}
  battery.usable_energy_kwh: {distribution: uniform}
outputs: [wltp_range_km, wltp_kwh_per_100km, epa_range_mi]
"""
    plan = parse_study(text)
    assert plan.spec.coastdown is not None
    assert column_path(plan)
    fast, slow = evaluate_chunk(plan, 0), evaluate_chunk(plan, 0, reference=True)
    for name in plan.study.outputs:
        np.testing.assert_allclose(fast[name], slow[name], rtol=1e-12)
