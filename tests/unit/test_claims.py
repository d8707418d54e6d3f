"""The claims check: probabilities recounted from the store, analytic input claims, the
batched winter motorway against the step-by-step drive until empty, and the command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from evtwin.cli import app
from evtwin.sim.real_world import (
    UK_WINTER,
    UK_WINTER_SPEED,
    drive_until_empty,
    steady,
    steady_ranges,
)
from evtwin.specs import load_vehicle
from evtwin.study.claims import TESTS, check_claims, claims_study, unknowns
from evtwin.study.store import columns

runner = CliRunner()


@pytest.fixture(scope="module")
def check(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    store = tmp_path_factory.mktemp("claims") / "store"
    return check_claims("defender-sport", samples=256, store=store), store


def test_every_figure_with_a_range_is_an_unknown_and_followers_are_not() -> None:
    spec = load_vehicle("defender-sport")
    names = unknowns(spec)
    assert "battery.usable_energy_kwh" in names
    assert "body.drag_coefficient" in names
    assert "battery.gross_energy_kwh" not in names  # moves with the usable energy
    assert claims_study(spec, 256).n_samples == 256


def test_probabilities_are_recounted_from_the_stored_draws(check: tuple) -> None:  # type: ignore[type-arg]
    result, store = check
    cols = columns(store)
    ok = np.array([e is None for e in cols["error"]])
    assert result.valid == ok.sum()
    assert 0.5 * result.samples < result.valid <= result.samples
    # Every draw that broke a rule of the spec says which.
    assert all(isinstance(e, str) and e for e in cols["error"][~ok])
    ranges = {t.name: cols[t.output][ok] * t.to_metres for t in TESTS}
    claim = next(c for c in result.claims if c.id == "range-mi-uk-preview")
    mile = 1609.344
    for p in claim.probabilities:
        x = ranges[p.test] / mile
        assert p.probability == pytest.approx(np.mean((x >= 250) & (x <= 300)))
        assert p.at_least_low is not None
        assert p.at_least_low >= p.probability
    for d in result.distributions:
        assert d.p5 < d.p50 < d.p95
        assert len(d.drivers) == 3


def test_the_range_tests_are_ordered_as_physics_orders_them(check: tuple) -> None:  # type: ignore[type-arg]
    result, _ = check
    by = {d.test: d for d in result.distributions}
    wltp_mi = by["wltp"].p50 * 1000.0 / 1609.344
    # WLTP is the kindest test, the EPA label (0.7 of two cycles) less, and a winter
    # motorway at 70 mph the hardest.
    assert wltp_mi > by["epa"].p50 > by["winter_motorway"].p50
    # The battery's size is the largest unknown in every range.
    assert all(d.drivers[0].variable == "battery.usable_energy_kwh" for d in result.distributions)


def test_an_input_claim_matches_the_triangular_distribution(check: tuple) -> None:  # type: ignore[type-arg]
    result, _ = check
    # Usable energy triangular(66, 78, 90): P(70 <= x <= 90) = 1 - 4^2 / (24 * 12).
    claim = next(c for c in result.claims if c.quantity == "usable_energy_kwh")
    p = claim.probabilities[0]
    assert claim.kind == "input"
    assert claim.figure == "battery.usable_energy_kwh"
    assert p.probability == pytest.approx(1.0 - 16.0 / 288.0, abs=3 * max(p.standard_error, 0.01))


def test_a_second_check_reads_the_store(check: tuple) -> None:  # type: ignore[type-arg]
    result, store = check
    again = check_claims("defender-sport", samples=256, store=store)
    assert again == result


@pytest.mark.parametrize("vehicle", ["defender-sport", "tesla-model-y"])
def test_batched_winter_motorway_matches_the_drive_until_empty(vehicle: str) -> None:
    spec = load_vehicle(vehicle)
    batched = steady_ranges([spec], UK_WINTER_SPEED, UK_WINTER)[0]
    stepped = drive_until_empty(spec, steady(UK_WINTER_SPEED, "motorway_70mph"), UK_WINTER)
    assert batched / 1000.0 == pytest.approx(stepped.range_km, rel=0.002)


def test_claims_command_json_and_bad_flags(tmp_path: Path) -> None:
    store = tmp_path / "s"
    r = runner.invoke(
        app, ["claims", "--samples", "64", "--workers", "1", "--store", str(store), "--json"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["vehicle"] == "defender-sport"
    assert data["samples"] == 64
    assert {d["test"] for d in data["distributions"]} == {"wltp", "epa", "winter_motorway"}
    bad = runner.invoke(app, ["claims", "--samples", "10"])
    assert bad.exit_code == 2
    assert "--samples" in bad.output
    bad = runner.invoke(app, ["claims", "--workers", "0", "--store", str(store)])
    assert bad.exit_code == 2
    assert "--workers" in bad.output
    bad = runner.invoke(app, ["claims", "no-such-car"])
    assert bad.exit_code == 2
    assert "no-such-car" in bad.output
