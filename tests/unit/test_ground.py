"""The per-wheel ground model the vehicle kernel calls, and the tables it is built from."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evtwin.physics import ground as g
from evtwin.physics.ground import (
    FIRM_SURFACES,
    ROW_LEN,
    SOFT_SOILS,
    SURFACES,
    ground_force,
    ground_row,
)
from evtwin.physics.traction import SURFACES as TRACTION_SURFACES
from evtwin.specs.errors import SpecError
from evtwin.specs.terrain import parse_soil_table, parse_surface_table, soil_table, surface_table

TYRE = {"tyre_width_m": 0.255, "tyre_radius_m": 0.38}


def _columns() -> dict[str, int]:
    return {k: v for k, v in vars(g).items() if k.startswith("G_") and isinstance(v, int)}


def test_row_columns_are_distinct_and_fill_the_row() -> None:
    cols = _columns()
    assert sorted(cols.values()) == list(range(ROW_LEN))


def test_surfaces_are_the_issue_list() -> None:
    assert SURFACES == (
        "dry_asphalt",
        "wet_asphalt",
        "gravel",
        "grass",
        "snow",
        "ice",
        "mud",
        "sand",
        "loam",
        "clay",
        "deep_snow",
    )
    assert set(FIRM_SURFACES) == set(surface_table().surfaces)
    assert set(SOFT_SOILS) == set(soil_table().soils)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("tyre_type", ["road", "all_terrain"])
def test_every_row_is_finite(surface: str, tyre_type: str) -> None:
    row = ground_row(surface, tyre_type=tyre_type, **TYRE)
    assert row.shape == (ROW_LEN,)
    assert row.dtype == np.float64
    assert np.all(np.isfinite(row))
    assert row[g.G_RELAX] > 0.0
    assert row[g.G_CRR] > 0.0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"surface": "tarmac"}, "surface"),
        ({"tyre_type": "mud_terrain"}, "tyre_type"),
        ({"tyre_width_m": 0.0}, "tyre_width_m"),
        ({"tyre_radius_m": math.nan}, "tyre_radius_m"),
        ({"inflation_kpa": -10.0}, "inflation_kpa"),
        ({"nominal_load_n": 0.0}, "nominal_load_n"),
        ({"load_sensitivity": 2.0}, "load_sensitivity"),
    ],
)
def test_ground_row_names_the_bad_argument(kwargs: dict[str, object], name: str) -> None:
    args: dict[str, object] = {"surface": "sand", **TYRE, **kwargs}
    surface = args.pop("surface")
    with pytest.raises(ValueError, match=name):
        ground_row(surface, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize("surface", list(TRACTION_SURFACES))
def test_peak_friction_agrees_with_traction(surface: str) -> None:
    # The performance code's friction table and the Magic Formula's D are one set.
    fig = surface_table().surfaces[surface].peak_mu
    ref = TRACTION_SURFACES[surface]
    assert (fig.value, fig.low, fig.high) == (ref.value, ref.low, ref.high)
    row = ground_row(surface, **TYRE)
    assert row[g.G_D] == ref.value


@pytest.mark.parametrize("surface", FIRM_SURFACES)
def test_firm_surface_peak_and_slide(surface: str) -> None:
    s = surface_table().surfaces[surface]
    row = ground_row(surface, **TYRE)
    fz = 5000.0
    peak = ground_force(s.slip_at_peak.value, fz, 10.0, row)[0]
    assert peak == pytest.approx(s.peak_mu.value * fz, rel=1e-9)
    slide = ground_force(-1.0, fz, 10.0, row)[0]
    assert slide == pytest.approx(-s.sliding_ratio.value * s.peak_mu.value * fz, rel=1e-9)
    _, r, z = ground_force(0.05, fz, 10.0, row)
    assert r == pytest.approx(s.rolling_resistance_coefficient.value * fz)
    assert z == 0.0


@pytest.mark.parametrize("surface", SURFACES)
def test_no_load_no_force(surface: str) -> None:
    row = ground_row(surface, **TYRE)
    assert ground_force(0.3, 0.0, 5.0, row) == (0.0, 0.0, 0.0)
    assert ground_force(0.3, -100.0, 5.0, row) == (0.0, 0.0, 0.0)


def test_load_sensitivity_in_the_row() -> None:
    row = ground_row("dry_asphalt", load_sensitivity=-0.1, nominal_load_n=4000.0, **TYRE)
    kp = surface_table().surfaces["dry_asphalt"].slip_at_peak.value
    assert ground_force(kp, 8000.0, 10.0, row)[0] == pytest.approx(0.9 * 0.9 * 8000.0)


@pytest.mark.parametrize("surface", ["gravel", "grass", "snow", "mud"])
def test_all_terrain_tyres_grip_more_on_loose_surfaces(surface: str) -> None:
    road = ground_row(surface, tyre_type="road", **TYRE)
    at = ground_row(surface, tyre_type="all_terrain", **TYRE)
    assert ground_force(0.2, 5000.0, 5.0, at)[0] > ground_force(0.2, 5000.0, 5.0, road)[0]


def test_all_terrain_tyres_pull_more_on_sand() -> None:
    road = ground_row("sand", tyre_type="road", inflation_kpa=80.0, **TYRE)
    at = ground_row("sand", tyre_type="all_terrain", inflation_kpa=80.0, **TYRE)
    assert ground_force(0.2, 5000.0, 2.0, at)[0] > ground_force(0.2, 5000.0, 2.0, road)[0]


@pytest.mark.parametrize("soil", ["sand", "loam", "clay"])
def test_airing_down_helps_on_soft_soil(soil: str) -> None:
    # 240 kPa (road pressure) against 60 kPa, 5 kN on a 255/55 R20-sized tyre.
    fz, kappa = 5000.0, 0.2
    road = ground_force(kappa, fz, 2.0, ground_row(soil, **TYRE))
    aired = ground_force(kappa, fz, 2.0, ground_row(soil, inflation_kpa=60.0, **TYRE))
    assert aired[2] < road[2]  # sinkage
    assert aired[1] < road[1]  # motion resistance
    assert aired[0] - aired[1] > road[0] - road[1]  # drawbar pull


def test_soft_soil_resistance_includes_the_tyre_rolling_resistance() -> None:
    row = ground_row("loam", **TYRE)
    f, r, z = ground_force(0.0, 5000.0, 2.0, row)
    assert f == 0.0
    assert r > row[g.G_CRR] * 5000.0 > 0.0
    assert z > 0.0


def test_soft_soil_crawl_and_reverse_are_mirror_images() -> None:
    row = ground_row("sand", inflation_kpa=100.0, **TYRE)
    for vx in (0.0, 0.01, 3.0):
        fwd = ground_force(0.3, 5000.0, vx, row)
        rev = ground_force(-0.3, 5000.0, -vx, row)
        assert rev[0] == pytest.approx(-fwd[0])
        assert rev[1:] == pytest.approx(fwd[1:])


def test_surface_table_errors_name_field_and_line() -> None:
    text = """
schema_version: 1
sources: {}
tyres: {}
surfaces:
  tarmac:
    peak_mu: {value: 0.9, source: nowhere}
    colour: black
"""
    with pytest.raises(SpecError) as err:
        parse_surface_table(text, "bad.yaml")
    msg = str(err.value)
    assert "bad.yaml" in msg
    assert "surfaces.tarmac.colour (line 8): unknown key" in msg


def test_unknown_source_key_is_an_error() -> None:
    text = """
schema_version: 1
sources: {}
soils:
  peat:
    name: Peat
    exponent_n: {value: 1.0, source: somebody}
    k_c_kn_per_m_np1: {value: 1.0, source: estimate, basis: guess, low: 0.5, high: 2.0}
    k_phi_kn_per_m_np2: {value: 100.0, source: estimate, basis: guess, low: 50.0, high: 200.0}
    cohesion_kpa: {value: 1.0, source: estimate, basis: guess, low: 0.5, high: 2.0}
    friction_angle_deg: {value: 10.0, source: estimate, basis: guess, low: 5.0, high: 20.0}
    shear_modulus_m: {value: 0.02, source: estimate, basis: guess, low: 0.01, high: 0.04}
    relaxation_length_m: {value: 0.3, source: estimate, basis: guess, low: 0.1, high: 0.5}
"""
    with pytest.raises(SpecError, match=r"soils\.peat\.exponent_n: source 'somebody'"):
        parse_soil_table(text, "soils.yaml")


def test_every_estimate_in_the_tables_has_a_range() -> None:
    from evtwin.specs.terrain import table_figures

    for table in (surface_table(), soil_table()):
        for path, fig in table_figures(table, ""):
            if fig.source == "estimate":
                assert fig.uncertain, path
