"""Rivals' 0-100 km/h from their specs alone, against the published figures.

Target (issue 3): the simulated 0-100 km/h within 7 % of the published figure, for
every rival that has one (``ratings.accel_0_100_kph_s``; the Mercedes GLC 400 has none:
Mercedes had not published it, and neither shared spec table lists the car). The
Defender Sport is reported, never asserted: its inputs are estimates and it has no
published figure. Nothing in ``sim/performance.py`` or the vehicle files was set from
these figures. Conventions: 0-100 km/h from a standing start with no rollout, at kerb
mass plus a 75 kg driver, 90 % charge, 20 C, dry asphalt.

What the comparison shows (run with ``-s`` for the table, the limits and the band of
each result over the uncertain inputs' ranges):

- Two rivals land within 7 % (I-PACE, Compass). Every rival but the Recon is simulated
  quicker than published, by 4-22 %.
- The model's own arithmetic is checked by hand in ``tests/unit/test_performance.py``
  (constant force, grip-limited launches with and without load transfer, power-limited
  runs, grades, top speed), so the misses are not integration or bookkeeping errors.
- The misses are explained in ``KNOWN_MISSES``: a mislabelled figure (the Recon's
  "0-100" is Jeep's 0-60 mph claim, which the model meets), and trims whose published
  time is set by the maker's software power or torque limit, which differs between
  trims that share the hardware ratings the files hold (Enyaq 80x and 85x, Model Y
  Long Range), or by unpublished axle splits and ratios (iX3). The spec has no field
  for a trim's software limit.
- Open question, not resolved here: the model may be optimistic for every car by a few
  per cent, because it holds each axle at peak grip (ideal launch and traction control),
  takes the motors' envelope as a sharp constant-torque/constant-power corner at their
  peak ratings, and has no thermal or drivability derating. Across the 903 vehicle-years
  of the shared open-ev-data table with a 0-100 km/h figure, published times are a median
  1.14 times (quartiles 1.04-1.23) a crude ideal estimate from rated power and mass
  alone, with performance makes below 1 and mainstream makes at 1.15-1.30: published
  figures of mainstream EVs imply markedly less than their rated power at the wheels.
  That estimate is not this model and was not used to set anything.
- Version note: pack-voltage sag on the motors' field-weakening power was added after
  the first comparison (it was in the issue's brief); it moved the iX1 from 5.03 to
  5.20 s, the I-PACE from 4.51 to 4.62 s, the Compass from 7.89 to 7.93 s and the Recon
  from 3.92 to 4.16 s, and left the others unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from evtwin.sim.performance import PerformanceResult, performance_batch
from evtwin.specs import VehicleSpec, load_vehicle, vehicle_names
from evtwin.study.corners import band

pytestmark = pytest.mark.validation

TOLERANCE = 0.07
#: A published top speed is the maker's governor or the car's limit; the model's physical
#: top speed must not fall below it by more than the rolling radius's uncertainty.
TOP_SPEED_TOLERANCE = 0.03

#: Misses with the reason found (simulated 0-100 km/h at the time of writing in brackets).
KNOWN_MISSES: dict[str, str] = {
    "bmw-ix1-xdrive30": (
        "-7.1 % (5.20 s against 5.6 s, evkx; 5.7 s in other sources): battery-"
        "limited for 56 % of the run; the pack resistance (70 mOhm, an estimate of 45-110) "
        "sets both the pack's power limit and its voltage sag, and the band over the "
        "file's ranges (about 4.8-8 s) contains the published time: the data, not settled"
    ),
    "bmw-ix3": (
        "-14 % (4.21 s against 4.9 s): torque-limited for 61 % of the run, and the axle "
        "split of BMW's 645 N m system torque (245/400 N m) and both ratios (10.0) are "
        "estimates; the band over their ranges (about 3.5-6.1 s) contains the published "
        "time: the inputs, not the model, until BMW publishes them"
    ),
    "jeep-recon": (
        "+15 % (4.16 s against 3.6 s): data. Autocar NZ's 'around 3.6 s' 0-100 km/h is "
        "Jeep's 0-60 mph claim restated; the model's 0-60 mph with the 1-ft rollout US "
        "makers use is 3.62 s, within 1 % of that claim. A 0-100 km/h equal to the 0-60 "
        "mph time is not physical for this car (the last 1 m/s alone takes 0.2 s)"
    ),
    "skoda-enyaq-80x": (
        "-18 % (5.63 s against 6.9 s): the published time needs about 150 kW at the "
        "wheels, the model delivers the 195 kW system rating the file holds. Skoda's "
        "times follow each trim's power limit, not the hardware: open-ev-data quotes the "
        "RS (MEB front and rear units like the 80x, 225 kW) at 6.2 s, and ev-database "
        "gives 6.7 s for both the rear-driven 85 and the 85x. Outside the band of the "
        "file's ranges: the spec has no input for a trim's software limit"
    ),
    "skoda-enyaq-85x": (
        "-22 % (5.23 s against 6.7 s): as the 80x. ev-database gives the rear-driven "
        "Enyaq 85 (same 210 kW rear unit, no front motor) the same 6.7 s, and the RS, "
        "listed with the same 679 N m system torque, 5.4 s (VW ID.4 GTX also 5.4 s): the "
        "published time is set by the trim's power limit, not by the hardware ratings in "
        "the file"
    ),
    "tesla-model-y": (
        "-20 % (4.00 s against 5.0 s): the file's ratings (EPA label 158 kW front, 203 kW "
        "rear) are those of drive units the Long Range shares with the Performance, which "
        "open-ev-data lists at 3.5 s (2024-25) against 4.8 s for the Long Range; the "
        "model (0-60 mph with rollout 3.48 s) sits near the Performance. The gap between "
        "trims is a software torque and power limit that the spec cannot express"
    ),
}


def _specs() -> list[VehicleSpec]:
    return [load_vehicle(n) for n in vehicle_names()]


def _published(spec: VehicleSpec) -> float | None:
    r = spec.ratings
    return r.accel_0_100_kph_s.value if r and r.accel_0_100_kph_s else None


def _t100(specs: list[VehicleSpec]) -> np.ndarray:
    return np.array([r.acceleration.accel_0_100_kph_s for r in performance_batch(specs)])


@pytest.fixture(scope="module")
def results() -> dict[str, PerformanceResult]:
    specs = _specs()
    return {s.id: r for s, r in zip(specs, performance_batch(specs), strict=True)}


def _cases() -> list[object]:
    cases = []
    for s in _specs():
        if s.id == "defender-sport" or _published(s) is None:
            continue
        marks = []
        if s.id in KNOWN_MISSES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[s.id]))
        cases.append(pytest.param(s.id, id=s.id, marks=marks))
    return cases


def test_table_is_printed(results: dict[str, PerformanceResult]) -> None:
    """Every vehicle with its limits, band over its uncertain inputs, 0-60 and top speed."""
    lines = [
        "",
        f"{'vehicle':26s} {'pub':>5s} {'sim':>5s} {'error':>7s}  {'band (s)':>11s}  "
        f"{'limit':9s} shares (launch/traction/torque/power/battery)",
    ]
    errors = []
    for s in _specs():
        r = results[s.id]
        a = r.acceleration
        pub = _published(s)
        b = band(s, _t100)
        err = (a.accel_0_100_kph_s / pub - 1.0) if pub else math.nan
        if pub and s.id != "defender-sport":
            errors.append(err)
        shares = dict(a.limit_shares_0_100)
        share_txt = "/".join(
            f"{shares.get(k, 0.0):.2f}"
            for k in ("launch", "traction", "torque", "power", "battery")
        )
        tag = (
            "report only"
            if s.id == "defender-sport"
            else (
                "no published figure"
                if pub is None
                else ("KNOWN MISS" if s.id in KNOWN_MISSES else "validated")
            )
        )
        lines.append(
            f"{s.id:26s} {pub or math.nan:5.2f} {a.accel_0_100_kph_s:5.2f} {100 * err:+6.1f}%  "
            f"{b.low:5.2f}-{b.high:5.2f}  {a.limit_0_100:9s} {share_txt}  {tag}"
        )
    lines.append(
        f"median error {100 * float(np.median(errors)):+.1f} %, "
        f"within {100 * TOLERANCE:.0f} %: {sum(abs(e) <= TOLERANCE for e in errors)} "
        f"of {len(errors)}"
    )
    lines.append("")
    lines.append(
        f"{'vehicle':26s} {'0-60 pub':>8s} {'sim 1ft':>7s} {'sim 0ft':>7s}   "
        f"{'top pub':>7s} {'sim top':>7s} {'limit':8s} {'gearing':>7s} {'power':>6s} "
        f"{'sustained':>9s}"
    )
    for s in _specs():
        r = results[s.id]
        a, t = r.acceleration, r.top_speed
        rt = s.ratings
        p60 = rt.accel_0_60_mph_s.value if rt and rt.accel_0_60_mph_s else math.nan
        ptop = rt.top_speed_kph.value if rt and rt.top_speed_kph else math.nan
        lines.append(
            f"{s.id:26s} {p60:8.2f} {a.accel_0_60_mph_s:7.2f} "
            f"{a.accel_0_60_mph_no_rollout_s:7.2f}   {ptop:7.0f} {t.top_speed_kph:7.1f} "
            f"{t.limit:8s} {t.gearing_limit_kph:7.1f} {t.road_load_limit_kph:6.0f} "
            f"{t.sustained_top_speed_kph:9.1f}"
        )
    lines.append(
        "Published top speeds are makers' governors (every one is at or below the model's "
        "physical limit); the I-PACE's 200 km/h is its gearing (13,000 rpm at 9.04:1)."
    )
    print("\n".join(lines))
    assert len(errors) >= 6


@pytest.mark.parametrize("vehicle", _cases())
def test_0_100_within_tolerance(vehicle: str, results: dict[str, PerformanceResult]) -> None:
    spec = load_vehicle(vehicle)
    pub = _published(spec)
    assert pub is not None
    sim = results[vehicle].acceleration.accel_0_100_kph_s
    assert abs(sim / pub - 1.0) <= TOLERANCE, f"{vehicle}: {sim:.2f} s against {pub:.2f} s"


@pytest.mark.parametrize(
    "vehicle",
    [
        n
        for n in vehicle_names()
        if (r := load_vehicle(n).ratings) is not None and r.top_speed_kph is not None
    ],
)
def test_physical_top_speed_is_not_below_the_published_one(
    vehicle: str, results: dict[str, PerformanceResult]
) -> None:
    pub = load_vehicle(vehicle).ratings.top_speed_kph.value  # type: ignore[union-attr]
    assert results[vehicle].top_speed.top_speed_kph >= pub * (1.0 - TOP_SPEED_TOLERANCE)


def test_defender_sport_is_reported_not_validated(results: dict[str, PerformanceResult]) -> None:
    r = results["defender-sport"]
    assert _published(load_vehicle("defender-sport")) is None
    assert math.isfinite(r.acceleration.accel_0_100_kph_s)
    assert r.grade_on("dry_asphalt").start_grade_pct > 0.0
