"""EPA dynamometer replay against the charge-depleting tests of 2019-2022.

Data: US EPA Test Car List and fueleconomy.gov (public domain), as prepared in
``shared/data/epa`` (see its SOURCES.md). The replay sees only ETW, target A/B/C,
drive and rated power; its generic car was fitted once on these data
(``tools/fit_dyno.py``). The quirks of the source are handled by the stated rules in
``evtwin.reference.epa`` (units, label-adjusted results), never by dropping tests
the model gets wrong.

Issue 2's targets, per cycle: median |error| <= 4 % and >= 85 % of tests within
+/-10 %. Where the generic model does not reach a target the test is a strict
xfail that says why (docs/validation.md): the misses are a make-level spread in
efficiency that the five inputs do not carry. The regression floors below hold the
model at least as good as it is now.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from evtwin.reference.epa import KNOWN_ODDITIES, DynoRecord, read_dyno
from evtwin.sim import dyno
from tests.conftest import shared_data

pytestmark = pytest.mark.validation

TARGET_MEDIAN = 0.04
TARGET_WITHIN_10 = 0.85
# The model as fitted, rounded outwards: it must not get worse than this.
FLOOR = {"udds": (0.056, 0.74), "hwfet": (0.047, 0.85)}


@pytest.fixture(scope="module")
def errors() -> dict[str, tuple[np.ndarray, list[DynoRecord]]]:
    records = read_dyno(shared_data("epa"))
    pred = dyno.predict(dyno.tests_from_records(records))
    meas = np.array([r.ac_wh_per_mi for r in records])
    err = pred / meas - 1.0
    out = {}
    for cyc in ("udds", "hwfet"):
        idx = [i for i, r in enumerate(records) if r.cycle == cyc]
        out[cyc] = (err[idx], [records[i] for i in idx])
    return out


def test_distribution_is_printed(errors: dict[str, tuple[np.ndarray, list[DynoRecord]]]) -> None:
    """Prints the error distribution and the worst misses (run with -s to see it)."""
    lines = ["", "EPA dyno replay, AC Wh/mi, model years 2019-2022 (all listed tests):"]
    for cyc, (e, recs) in errors.items():
        a = np.abs(e)
        lines.append(
            f"  {cyc:5s} n={e.size}  median |e| {np.median(a):.3f}  p90 |e| "
            f"{np.quantile(a, 0.9):.3f}  bias (median e) {np.median(e):+.3f}  "
            f"within 10 % {np.mean(a <= 0.1):.3f}  within 5 % {np.mean(a <= 0.05):.3f}"
        )
        hist, edges = np.histogram(e, bins=[-1, -0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2, 3])
        lines.append(
            "        error histogram: "
            + ", ".join(
                f"[{lo:+.2f},{hi:+.2f}): {n}"
                for lo, hi, n in zip(edges, edges[1:], hist, strict=False)
            )
        )
        by_make = Counter(r.make for r, x in zip(recs, a, strict=True) if x > 0.1)
        lines.append(f"        beyond 10 % by make: {dict(by_make.most_common())}")
        order = np.argsort(-a)[:8]
        for i in order:
            r = recs[i]
            lines.append(
                f"        {e[i]:+.3f}  {r.label}  measured {r.ac_wh_per_mi:.0f} Wh/mi"
                + (f"  [{r.rule}]" if r.rule else "")
            )
    lines.append("  Known oddities of the source, kept as given:")
    lines += [f"    - {k}: {v}" for k, v in KNOWN_ODDITIES.items()]
    print("\n".join(lines))
    assert all(np.all(np.isfinite(e)) for e, _ in errors.values())


@pytest.mark.parametrize("cycle", ["udds", "hwfet"])
def test_no_worse_than_as_fitted(
    errors: dict[str, tuple[np.ndarray, list[DynoRecord]]], cycle: str
) -> None:
    e, _ = errors[cycle]
    median_max, within_min = FLOOR[cycle]
    assert np.median(np.abs(e)) <= median_max
    assert np.mean(np.abs(e) <= 0.1) >= within_min
    assert abs(np.median(e)) <= 0.02  # no overall bias


def test_hwfet_within_10_percent_target(
    errors: dict[str, tuple[np.ndarray, list[DynoRecord]]],
) -> None:
    e, _ = errors["hwfet"]
    assert np.mean(np.abs(e) <= 0.1) >= TARGET_WITHIN_10


@pytest.mark.xfail(
    strict=True,
    reason="UDDS: a generic car from ETW, A/B/C, drive and power reaches a median of 5.4 %; "
    "the residual is a make-level efficiency spread (Audi, Porsche, Jaguar 12-25 % above; "
    "Tesla, Lucid 5-10 % below) that the inputs do not carry (docs/validation.md)",
)
def test_udds_median_target(errors: dict[str, tuple[np.ndarray, list[DynoRecord]]]) -> None:
    e, _ = errors["udds"]
    assert np.median(np.abs(e)) <= TARGET_MEDIAN


@pytest.mark.xfail(
    strict=True,
    reason="UDDS: 77 % within 10 %; Audi e-tron, Porsche Taycan and Jaguar I-PACE tests sit "
    "15-28 % above any generic car that also fits Tesla (docs/validation.md)",
)
def test_udds_within_10_percent_target(
    errors: dict[str, tuple[np.ndarray, list[DynoRecord]]],
) -> None:
    e, _ = errors["udds"]
    assert np.mean(np.abs(e) <= 0.1) >= TARGET_WITHIN_10


@pytest.mark.xfail(
    strict=True,
    reason="HWFET median 4.5 % against a 4 % target, for the same make-level spread "
    "(docs/validation.md)",
)
def test_hwfet_median_target(errors: dict[str, tuple[np.ndarray, list[DynoRecord]]]) -> None:
    e, _ = errors["hwfet"]
    assert np.median(np.abs(e)) <= TARGET_MEDIAN
