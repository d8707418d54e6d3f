"""Fit the generic car of the EPA dynamometer replay, once, on model years 2019-2022.

    .venv/bin/python tools/fit_dyno.py ../shared/data/epa

Fits the constants of ``evtwin.sim.dyno.DynoAssumptions`` marked "fitted" by robust
least squares on log(predicted / measured) AC Wh/mi over every distinct UDDS and
highway test (carry-over tests counted once), prints them, and checks how well they
carry over to a model year they were not fitted on (fit 2019-2021, score 2022).
The printed values are what ``GENERIC`` in ``evtwin/sim/dyno.py`` holds.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from evtwin.reference.epa import read_dyno, unique_tests
from evtwin.sim import dyno

NAMES = (
    "quadratic_factor",
    "linear_factor",
    "no_load_factor",
    "loss_exponent",
    "aux_w",
    "charger_efficiency",
)
X0 = np.array([1.0, 1.0, 1.0, 0.9, 250.0, 0.85])
# Bounds keep every constant physical: loss factors within 0.1-5 of the literature
# defaults, a motor no worse than self-similar when scaled up, at least the 150 W a
# car's low-voltage network draws with everything but the controllers off, and a
# charge at 78-95 % wall-to-battery efficiency.
LOWER = np.array([0.1, 0.1, 0.1, 0.5, 150.0, 0.78])
UPPER = np.array([5.0, 5.0, 5.0, 1.0, 800.0, 0.95])
SCALE = np.array([0.3, 0.3, 0.3, 0.2, 200.0, 0.05])


def front_share(labels_csv: Path) -> float:
    """Median front share of motor power of dual-motor labels ("98 and 195 kW ...")."""
    shares = []
    for line in labels_csv.read_text().splitlines()[1:]:
        m = re.search(r"\b(\d{2,3})\s*(?:kW)?\s*(?:\(front\))?,?\s*and\s*(\d{2,3})\s*kW", line)
        if m:
            a, b = float(m[1]), float(m[2])
            shares.append(min(a, b) / (a + b))
    return float(np.median(shares))


def fit(records: list, base: dyno.DynoAssumptions) -> dyno.DynoAssumptions:  # type: ignore[type-arg]
    tests = dyno.tests_from_records(records)
    measured = np.array([r.ac_wh_per_mi for r in records])

    def residual(x: np.ndarray) -> np.ndarray:
        a = replace(base, **dict(zip(NAMES, x, strict=True)))
        return np.log(dyno.predict(tests, a) / measured)

    # soft_l1 with a 2 % scale: least squares for the bulk, L1 beyond, so that a few
    # tests the data itself makes doubtful do not pull the fit.
    sol = least_squares(
        residual,
        X0,
        bounds=(LOWER, UPPER),
        x_scale=SCALE,
        loss="soft_l1",
        f_scale=0.02,
        diff_step=1e-3,
    )
    return replace(base, **dict(zip(NAMES, sol.x, strict=True)))


def score(records: list, a: dyno.DynoAssumptions) -> str:  # type: ignore[type-arg]
    tests = dyno.tests_from_records(records)
    measured = np.array([r.ac_wh_per_mi for r in records])
    err = dyno.predict(tests, a) / measured - 1.0
    out = []
    for cyc in ("udds", "hwfet"):
        e = err[np.array(tests.cycle) == cyc]
        out.append(
            f"{cyc}: median |e| {np.median(np.abs(e)):.3f}, within 10 % "
            f"{np.mean(np.abs(e) <= 0.1):.3f}, bias {np.median(e):+.3f} (n={e.size})"
        )
    return "; ".join(out)


def main(data_dir: str) -> None:
    path = Path(data_dir)
    share = front_share(path / "bev_labels_2019_2022.csv")
    print(f"front_share (median of dual-motor labels) = {share:.3f}")
    base = replace(dyno.GENERIC, front_share=round(share, 2))
    records = unique_tests(read_dyno(path))
    fitted = fit(records, base)
    for n in NAMES:
        print(f"{n} = {getattr(fitted, n):.4g}")
    print("all years:", score(read_dyno(path), fitted))
    train = [r for r in records if r.model_year < 2022]
    test_numbers = {r.test_number for r in train}
    held = [
        r for r in read_dyno(path) if r.model_year == 2022 and r.test_number not in test_numbers
    ]
    cv = fit(train, base)
    print("fit 2019-2021:", ", ".join(f"{n}={getattr(cv, n):.4g}" for n in NAMES))
    print("  scored on new 2022 tests:", score(held, cv))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/epa")
