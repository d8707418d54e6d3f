"""DC charging sessions against published charging curves (Open EV Data).

**Data.** ``shared/data/charging/dc_charging_curves.csv``: power at the inlet [kW]
against displayed state of charge [%], a few points per curve, "warm battery,
unlimited charger" (SOURCES.md). Includes data from Open EV Data
(https://github.com/KilowattApp/open-ev-data).

**Rules, fixed before any comparison.**

1. Each rival is matched by hand to the curve of the same brand, model, variant and
   battery (table below, with the reason for each choice); the test checks the
   curve's metadata against the vehicle file.
2. SOURCES.md warns that many curves are templates. A curve is a validation case only
   if its shape (points as (SOC, power / max_dc_kw), rounded to 0.001) is shared by no
   curve of another model. Templates are compared and printed, not asserted.
3. The car is charged from 0 to 100 % at 25 C with a preconditioned pack on a charger
   that limits nothing, as the curves are described.
4. The curve's 10-80 % time integrates ``dt = usable_kwh dSOC / P`` over the linearly
   interpolated points, with the curve's own ``usable_kwh``.
5. Target: simulated 10-80 % time within 10 % of the curve's. The mean absolute
   error of the inlet power at the curve's points is reported in kW and in % of the
   curve's mean power.

Nothing here sets a parameter. The charge acceptance (the taper's one free
parameter) comes from the maker's published DC time where the vehicle file gives
one (I-PACE, Enyaq 85x, iX1); for the Model Y, whose maker publishes no such time,
from Tesla's published range added in 15 minutes (``charging.dc_added``: 241 km of
WLTP range from an assumed 10 %, i.e. 10-55.2 % of the window with the file's own
533 km rating); else the default: the median of what the makers' times imply (2.8
per hour; the Enyaq 80x is out-of-sample for it).

**History of the default (recorded, not hidden).** The first default let the car's
peak power last until the anode was half full (graphite's stage-2/stage-1
transition). With it the Model Y missed by -11.8 % (I-PACE -8.8 %, Enyaq 80x -7.6 %).
Checking that default against the makers' own published times, which needs no
curve, showed it too fast for four of the five (iX1 -13 %, iX3 -34 %, Recon -30 %,
Enyaq 85x -21 %; I-PACE +2 %): the peak C-rate is a maker's choice, the acceptance
is not. The median of the five fitted acceptances replaced it. With it the Model Y
missed by +53 % (27.4 / 17.9 min), so the Model Y missed with either default. Since
Tesla's own 15-minute figure is in its file, it misses by +59 % (below).

**Results** (``pytest tests/validation/test_dc_charging.py -s``):

=============== ========== ====== ============== ======================== ==========
vehicle         curve      points MAE kW (%)     10-80 min sim / curve     error
=============== ========== ====== ============== ======================== ==========
jaguar-i-pace   f77ac610   5      8.0 (13.0 %)   38.6 / 42.3               -8.8 %
skoda-enyaq-80x aa69b5e8   7      9.7 (12.2 %)   30.6 / 33.0               -7.2 %
tesla-model-y   aade3809   4      39.8 (26.5 %)  28.5 / 17.9               +59.1 % (known miss)
skoda-enyaq-85x a3f439e7   4      18.0 (15.2 %)  28.0 / 21.5               +30.0 % (template)
bmw-ix1         365ecacc   4      16.6 (17.9 %)  29.0 / 23.8               +21.9 % (template)
=============== ========== ====== ============== ======================== ==========

**Why the misses.**

- Tesla Model Y: the curve disagrees with Tesla's own figure, which now sets the
  acceptance (2.69 per hour, a little below the 2.8 default; it was 2.80 and +53.0 %
  before). Tesla's website (Norway, November 2021, reported by Teknisk Ukeblad) gave
  up to 241 km in 15 minutes (270 km in September 2021). With the file's 533 km WLTP
  rating that is 45.2 % of the window: 10-55.2 % in 15 min, which the model
  reproduces by construction. The curve's four points, linearly interpolated, cover
  the same 10-55.2 % in 8.9 min, and add 64 % of the window (340 km) in 15 minutes
  from 10 %: 41 % more than the maker claims, and more than its earlier 270 km.
  (Printed below as a diagnostic, never used.) With no start stated, the assumed 10 %
  matters: from 20 % and with the earlier 270 km and the Norwegian car's 507 km
  rating, the most generous reading, the miss is still +12.5 %. The likely causes are
  in the data: four points joined by straight lines overstate the power between 35 %
  and 75 % where a Tesla curve sags, and the curve is of a 2020 car (72.5 kWh) while
  Tesla lowered its figure for later cells. TU measured 214 km in 15 min on a Model Y,
  slower still than the claim. A Tesla 10-80 % time or a denser curve would settle it.
- Enyaq 85x and iX1 (templates, not asserted): the shapes are shared by 118 and 174
  curves of many makes, and they contradict the makers' own times (Skoda 28 min, BMW
  29 min for 10-80 %, which the model reproduces by construction): the template
  curves imply 21.5 and 23.8 min.
- BMW iX3: the only iX3 curve is the 2021 G08 iX3 (74 kWh, 400 V, a 1 C placeholder
  of 74 kW); the vehicle file is the 2026 Neue Klasse (108.7 kWh, 800 V, 400 kW).
  Skipped rather than mismatched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from evtwin.physics.charging import anode_lithiation
from evtwin.sim.charging import UNLIMITED_DC, ChargeResult, charge_parameters, charge_session
from evtwin.specs import VehicleSpec, load_vehicle
from evtwin.study.corners import with_figures
from tests.conftest import shared_data

pytestmark = pytest.mark.validation

TOLERANCE = 0.10


@dataclass(frozen=True)
class Case:
    """A rival, the curve it is matched to, and why."""

    vehicle: str
    curve: str  # vehicle_id in the CSV
    model: str  # the curve's model, as the CSV spells it
    reason: str
    figures: tuple[tuple[str, float], ...] = ()


CASES = (
    Case(
        "jaguar-i-pace",
        "f77ac610-ac67-48c7-af8a-f78e0bf31c70",
        "i-Pace",
        "i-Pace EV400 2020, 84.0 kWh, 105 kW; shape shared only by the i-Pace's own records "
        "(the 2018 EV400 record of 84.7 kW is a 1 C placeholder)",
    ),
    Case(
        "tesla-model-y",
        "aade3809-159e-415d-a9ce-e5633a173fb8",
        "Model Y",
        "Model Y Long Range 2020, 72.5 kWh, 246 kW; shape shared only with the Model Y "
        "Performance (the 2022 Long Range Dual Motor record is a Tesla template shared with "
        "a Model 3 and the 2025 Model Y)",
    ),
    Case(
        "skoda-enyaq-80x",
        "aa69b5e8-fc4e-40f8-8060-2c96248f62ef",
        "Enyaq iV",
        "Enyaq iV 82 kWh 125 kW-DC 2020, 77 kWh, 7 points, unique shape: the launch "
        "software, so the file's launch peak of 125 kW (its low end, autowereld_2020)",
        (("charging.dc_peak_kw", 125.0),),
    ),
    Case(
        "skoda-enyaq-85x",
        "a3f439e7-557a-4895-a3d2-81124f291417",
        "Enyaq iV 80x",
        "Enyaq iV 80x 2021, 77 kWh, 175 kW: same pack and peak, but no 85x curve exists",
    ),
    Case(
        "bmw-ix1-xdrive30",
        "365ecacc-014b-4aa5-b93c-012182778916",
        "iX1 eDrive20",
        "iX1 eDrive20 2023, 64.7 kWh, 128 kW: same pack; no xDrive30 curve exists",
    ),
)

#: Validation cases that miss, with the reason found (module docstring).
KNOWN_MISSES = {
    "tesla-model-y": (
        "+59 %: the acceptance is set from Tesla's own 241 km (WLTP) in 15 min from 10 % "
        "(10-55.2 %, 2.69/h); the curve covers that window in 8.9 min instead of 15 (340 km in "
        "15 min), faster than the maker claims, so no acceptance can match both (module "
        "docstring: likely the 4-point curve and the 2020 cells)"
    ),
}

SKIPPED = {
    "bmw-ix3": (
        "only the 2021 G08 iX3 curve exists (74 kWh, 400 V, a 74 kW placeholder); the file is "
        "the 2026 Neue Klasse (108.7 kWh, 800 V, 400 kW)"
    ),
}


@pytest.fixture(scope="module")
def curves() -> pd.DataFrame:
    return pd.read_csv(shared_data("charging", "dc_charging_curves.csv"))


def _curve(curves: pd.DataFrame, case: Case) -> pd.DataFrame:
    rows = curves[curves.vehicle_id == case.curve].sort_values("point")
    assert len(rows) > 0, f"curve {case.curve} not in the data"
    return rows


def _shape(rows: pd.DataFrame) -> tuple[tuple[float, float], ...]:
    top = float(rows.max_dc_kw.iloc[0])
    return tuple(
        (round(float(s), 3), round(float(p) / top, 3))
        for s, p in zip(rows.soc_pct, rows.power_kw, strict=True)
    )


def _specific(curves: pd.DataFrame, rows: pd.DataFrame) -> tuple[bool, int]:
    """Whether no curve of another model shares the shape, and how many share it."""
    target = _shape(rows)
    models = set()
    n = 0
    for _, other in curves.groupby("vehicle_id"):
        if _shape(other.sort_values("point")) == target:
            n += 1
            models.add(str(other.model.iloc[0]).lower())
    return len(models) == 1, n


def _curve_time(rows: pd.DataFrame, soc_from: float, soc_to: float) -> float:
    """[s] to charge between two displayed states [%] on the linearly interpolated curve."""
    s = np.linspace(soc_from, soc_to, 20_001)
    p = np.interp(s, rows.soc_pct.to_numpy(float), rows.power_kw.to_numpy(float)) * 1e3
    energy = float(rows.usable_kwh.iloc[0]) * 3.6e6
    return float(np.trapezoid(energy / p, s / 100.0))


def _curve_share_in(rows: pd.DataFrame, soc_from: float, seconds: float) -> float:
    """Share of the window [-] the interpolated curve adds in ``seconds`` from ``soc_from`` [%]."""
    s = np.linspace(0.0, 100.0, 20_001)
    p = np.interp(s, rows.soc_pct.to_numpy(float), rows.power_kw.to_numpy(float)) * 1e3
    energy = float(rows.usable_kwh.iloc[0]) * 3.6e6
    dt = energy * np.diff(s) / 100.0 / (0.5 * (p[1:] + p[:-1]))
    t = np.concatenate([[0.0], np.cumsum(dt)])
    t0 = float(np.interp(soc_from, s, t))
    return (float(np.interp(t0 + seconds, t, s)) - soc_from) / 100.0


def _spec(case: Case) -> VehicleSpec:
    spec = load_vehicle(case.vehicle)
    return with_figures(spec, dict(case.figures)) if case.figures else spec


@dataclass(frozen=True)
class Comparison:
    points: int
    mae_kw: float
    mae_pct: float
    time_sim: float
    time_curve: float
    specific: bool
    shared_by: int
    needed_acceptance: tuple[float, ...]

    @property
    def error(self) -> float:
        return self.time_sim / self.time_curve - 1.0


def _needed_acceptance(spec: VehicleSpec, rows: pd.DataFrame) -> tuple[float, ...]:
    """Acceptance [1/h] each curve point needs at least (diagnostic only: never used).

    The plating limit must allow the point's current (power over OCV) at its state of
    charge; where the car's peak power sets the point, the true acceptance may be higher.
    """
    p = charge_parameters(spec)
    out = []
    for s_pct, kw in zip(rows.soc_pct, rows.power_kw, strict=True):
        soc = p.soc_gross(float(s_pct) / 100.0)
        ocv = float(np.interp(soc, p.soc_table, p.ocv_table))
        free = 1.0 - float(anode_lithiation(soc))
        out.append(float(kw) * 1e3 / ocv / (p.charge_capacity * free) * 3600.0)
    return tuple(out)


@pytest.fixture(scope="module")
def results(curves: pd.DataFrame) -> dict[str, tuple[Comparison, ChargeResult]]:
    out = {}
    for case in CASES:
        rows = _curve(curves, case)
        spec = _spec(case)
        r = charge_session(spec, UNLIMITED_DC, 0.0, 1.0, temperature_c=25.0, preconditioned=True)
        sim = np.array([r.power_at(float(s) / 100.0) for s in rows.soc_pct]) / 1e3
        err = np.abs(sim - rows.power_kw.to_numpy(float))
        specific, n = _specific(curves, rows)
        t_sim = r.time_10_80
        assert t_sim is not None
        out[case.vehicle] = (
            Comparison(
                points=len(rows),
                mae_kw=float(err.mean()),
                mae_pct=100.0 * float(err.mean()) / float(rows.power_kw.mean()),
                time_sim=t_sim,
                time_curve=_curve_time(rows, 10.0, 80.0),
                specific=specific,
                shared_by=n,
                needed_acceptance=_needed_acceptance(spec, rows),
            ),
            r,
        )
    return out


def test_table_is_printed(
    curves: pd.DataFrame, results: dict[str, tuple[Comparison, ChargeResult]]
) -> None:
    """Every matched rival, validation case or not (run with -s to see it)."""
    lines = [
        "",
        f"{'vehicle':18s} {'curve':9s} {'pts':>3s} {'MAE kW':>7s} {'MAE %':>6s} "
        f"{'sim min':>8s} {'curve min':>9s} {'error':>7s}  case",
    ]
    for case in CASES:
        c, r = results[case.vehicle]
        status = (
            "yes"
            if c.specific
            else f"no: template shared by {c.shared_by} curves of several models"
        )
        if case.vehicle in KNOWN_MISSES:
            status += " (known miss)"
        lines.append(
            f"{case.vehicle:18s} {case.curve[:8]:9s} {c.points:3d} {c.mae_kw:7.1f} "
            f"{c.mae_pct:6.1f} {c.time_sim / 60:8.1f} {c.time_curve / 60:9.1f} "
            f"{100 * c.error:+6.1f}%  {status}"
        )
        rows = _curve(curves, case)
        pts = ", ".join(
            f"{s:g}%: {p:.0f}/{(r.power_at(s / 100) or 0) / 1e3:.0f}"
            for s, p in zip(rows.soc_pct, rows.power_kw, strict=True)
        )
        lines.append(f"    curve/sim kW at {pts}")
        need = ", ".join(f"{k:.1f}" for k in c.needed_acceptance)
        lines.append(
            f"    acceptance used {r.acceptance_c_rate:.2f}/h ({r.acceptance_basis}); the "
            f"curve's points need at least {need}/h (diagnostic only)"
        )
        spec = _spec(case)
        added = spec.charging.dc_added
        if added is not None and spec.charging.dc_time is None:
            claim = added.as_charge_time(spec.ratings)
            a, b = claim.soc_from_pct, claim.soc_to_pct
            t_curve = _curve_time(rows, a, b)
            t_sim = r.time_between(a / 100.0, b / 100.0) or math.nan
            share = _curve_share_in(rows, a, 60.0 * added.time_min)
            km = share * added.rated_range_m(spec.ratings) / 1e3
            unit = "km" if added.range_km is not None else "mi"
            lines.append(
                f"    maker: {added.range_figure.value:g} {unit} ({added.range_basis}) in "
                f"{added.time_min:g} min from {a:g} % = {a:g}-{b:.1f} %: curve {t_curve / 60:.1f} "
                f"min, sim {t_sim / 60:.1f} min; the curve adds {100 * share:.1f} % "
                f"({km:.0f} km) in {added.time_min:g} min (diagnostic only)"
            )
        lines.append(f"    match: {case.reason}")
    for name, why in SKIPPED.items():
        lines.append(f"{name:18s} skipped: {why}")
    print("\n".join(lines))
    assert len(results) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.vehicle for c in CASES])
def test_curve_matches_the_vehicle(curves: pd.DataFrame, case: Case) -> None:
    """The hand-made match holds: same model family, and a battery of the same size."""
    rows = _curve(curves, case)
    spec = load_vehicle(case.vehicle)
    assert str(rows.brand.iloc[0]).lower() == spec.make.lower()
    assert str(rows.model.iloc[0]) == case.model
    usable = spec.battery.usable_energy_kwh
    lo = usable.low if usable.low is not None else usable.value
    hi = usable.high if usable.high is not None else usable.value
    # Within 8 % of the file's range (the Model Y's 72.5 kWh is 3 % under its low end).
    assert 0.92 * lo <= float(rows.usable_kwh.iloc[0]) <= 1.08 * hi
    assert rows.soc_pct.iloc[0] == 0
    assert rows.soc_pct.iloc[-1] == 100


#: The rivals whose curve is specific to their model (rule 2; checked below).
VALIDATION_CASES = ("jaguar-i-pace", "tesla-model-y", "skoda-enyaq-80x")


def _cases() -> list[object]:
    out = []
    for case in CASES:
        if case.vehicle not in VALIDATION_CASES:
            continue
        marks = []
        if case.vehicle in KNOWN_MISSES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[case.vehicle]))
        out.append(pytest.param(case, id=case.vehicle, marks=marks))
    return out


@pytest.mark.parametrize("case", _cases())
def test_10_80_time_within_10_percent(
    results: dict[str, tuple[Comparison, ChargeResult]], case: Case
) -> None:
    c, _ = results[case.vehicle]
    assert abs(c.error) <= TOLERANCE, f"{100 * c.error:+.1f} %"


def test_validation_cases_are_the_expected_ones(
    results: dict[str, tuple[Comparison, ChargeResult]],
) -> None:
    """The template rule picks the cases the docstring lists; a data change shows here."""
    specific = {v for v, (c, _) in results.items() if c.specific}
    assert specific == set(VALIDATION_CASES)
    assert all(math.isfinite(c.mae_kw) for c, _ in results.values())
