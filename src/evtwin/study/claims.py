"""The claims check: how likely each published claim is, on each test, given the unknowns.

A rumoured car's file holds ranges, not values. The check draws every uncertain
figure of the file at once (Latin hypercube draws; each figure triangular between
its ``low`` and ``high`` with its ``value`` as the mode: the file's estimate is the
likeliest value and its ends are the stated limits), drives each drawn car
through WLTP, the EPA label procedure and a UK winter motorway (70 mph at 4 C until
empty), and counts, for every numeric claim in the file:

- a **range claim** (``range_mi``, ``range_km``) holds on a test when the car's range
  on that test lies inside the claimed interval: the probability is the share of
  draws where it does, with its sampling error; the share at or above the claim's
  low end is given too (a claim of "300-320 miles" is often read as "over 300");
- a **claim on an input** (price, battery size, dimensions, charging power) is a
  claim on a figure the file itself estimates: its probability is the share of draws
  of that figure inside the claim. It measures how the file's estimate weighs the
  claims it was read from, and is labelled so; it is not new evidence.

Draws that make an inconsistent car (a length that the wheelbase and overhangs do
not add up to) are left out, which conditions the draws on a consistent car; their
count is reported. Each test's range is summarised by its 90 % interval (5th to 95th
percentile) and the unknowns that drive it (:mod:`.sensitivity`).

The draws run as a study (:mod:`.runner`) into a results store, so the check is
resumable, runs on any executor, and a second check of the same file and settings
reads the store instead of driving the cars again.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..specs import VehicleSpec, iter_figures, load_vehicle
from ..specs.ratings import Claim
from ..units import MILE
from .corners import LINKED
from .definition import Study, StudyPlan, Variable, column_name, resolve
from .runner import ExecutorFactory, Progress, run_study
from .sensitivity import Sensitivity, sensitivities
from .store import code_hash, columns

#: Draws of the unknowns: enough for a probability to about +-1 % and the 5th and
#: 95th percentiles to within a few miles. Latin hypercube rather than Sobol' draws:
#: the given-data sensitivity estimator needs inputs that look independent, and the
#: two-dimensional projections of a Sobol' sequence in forty dimensions are regular
#: enough at a few hundred points to give unrelated figures spurious indices.
#: Below about 1,000 draws the drivers are noisy (indices of 0.05 from noise).
DEFAULT_SAMPLES = 2048
DEFAULT_SEED = 20261202
#: How long a claims check waits for another run of the same check writing its cached
#: store [s] (one takes 20-60 s here; a run that died has released the lock already).
CLAIMS_LOCK_WAIT_S = 900.0
#: Unknowns shown as the drivers of each test's range.
TOP_DRIVERS = 3


@dataclass(frozen=True)
class Test:
    """A test a range claim is checked on."""

    name: str
    label: str
    output: str  # the study output
    to_metres: float  # the output's unit in metres


TESTS = (
    Test("wltp", "WLTP", "wltp_range_km", 1000.0),
    Test("epa", "EPA label", "epa_range_mi", MILE),
    Test("winter_motorway", "UK winter motorway (70 mph, 4 C)", "winter_motorway_range_mi", MILE),
)

#: The figure a claim on an input is about.
INPUT_FIGURES = {
    "price_gbp": "price.base_gbp",
    "usable_energy_kwh": "battery.usable_energy_kwh",
    "gross_energy_kwh": "battery.gross_energy_kwh",
    "length_mm": "body.length_mm",
    "width_mm": "body.width_mm",
    "height_mm": "body.height_mm",
    "dc_peak_kw": "charging.dc_peak_kw",
}
_RANGE_UNITS = {"range_mi": MILE, "range_km": 1000.0}


@dataclass(frozen=True)
class Distribution:
    """One test's range over the draws, and what drives it."""

    test: str
    label: str
    unit: str
    mean: float
    p5: float
    p50: float
    p95: float
    drivers: tuple[Sensitivity, ...]  # the TOP_DRIVERS largest
    first_order_sum: float  # sum over every unknown: near 1 when effects add


@dataclass(frozen=True)
class Probability:
    """How often a claim holds on one test (or, for an input, over the draws)."""

    test: str  # a Test's name, or "input"
    probability: float
    standard_error: float  # binomial, sqrt(p (1 - p) / n): conservative for LHS draws
    at_least_low: float | None  # share at or above the claim's low end (None: no low end)


@dataclass(frozen=True)
class ClaimResult:
    """A claim and its probabilities."""

    id: str
    quantity: str
    low: float | None
    high: float | None
    source: str
    text: str
    kind: str  # "range" or "input"
    figure: str | None  # for an input claim, the figure it is about
    probabilities: tuple[Probability, ...]


@dataclass(frozen=True)
class ClaimsCheck:
    """The whole check (frozen; ``to_dict`` for JSON)."""

    vehicle: str
    samples: int
    valid: int
    seed: int
    sampler: str
    unknowns: tuple[str, ...]
    invalid_reasons: tuple[tuple[str, int], ...]  # (reason, draws), most common first
    distributions: tuple[Distribution, ...]
    claims: tuple[ClaimResult, ...]
    store: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def unknowns(spec: VehicleSpec) -> tuple[str, ...]:
    """The figures the file gives a range for (those that move with another left out)."""
    followers = {f for fs in LINKED.values() for f, _ in fs}
    return tuple(
        p
        for p, f in iter_figures(spec)
        if f.low is not None and f.high is not None and f.low < f.high and p not in followers
    )


def claims_study(
    spec: VehicleSpec, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED
) -> StudyPlan:
    """The study behind the check: every unknown triangular, drawn together (LHS)."""
    names = unknowns(spec)
    if not names:
        raise ValueError(f"{spec.id}: no figure has a low/high range; nothing is uncertain")
    study = Study(
        vehicle=spec.id,
        name=f"claims-{spec.id}",
        seed=seed,
        sampler="lhs",
        samples=samples,
        chunk_size=256,
        variables={p: Variable(distribution="triangular") for p in names},
        outputs=tuple(t.output for t in TESTS),
        check_corners=False,
    )
    return resolve(study, file=f"claims check of {spec.id}", spec=spec)


def cache_dir() -> Path:
    """Where checks keep their stores: ``$EVTWIN_CACHE_DIR``, else the user's cache."""
    env = os.environ.get("EVTWIN_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "evtwin"


def default_store(plan: StudyPlan) -> Path:
    """A store named for the vehicle file's content, the settings and evtwin's code: a
    changed file, setting or model gets a new store, never a stale one."""
    name = f"{plan.spec.id}-{plan.vehicle_hash[:10]}-{plan.study_hash[:10]}-{code_hash()[:10]}"
    return cache_dir() / "claims" / name


def check_claims(
    vehicle: str | VehicleSpec = "defender-sport",
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    store: str | Path | None = None,
    executor: ExecutorFactory | None = None,
    workers: int | None = None,
    fresh: bool = False,
    progress: Progress | None = None,
) -> ClaimsCheck:
    """Run (or resume, or read) the claims check of a vehicle.

    Parameters
    ----------
    vehicle
        A shipped vehicle's id, a vehicle file, or a spec.
    samples
        Draws of the unknowns.
    seed
        Seed of the draws.
    store
        The results store's folder; by default one in the user's cache named for the
        vehicle file's content and the settings, reused by later checks.
    executor, workers, fresh, progress
        As :func:`evtwin.study.run_study`.
    """
    spec = vehicle if isinstance(vehicle, VehicleSpec) else load_vehicle(vehicle)
    plan = claims_study(spec, samples, seed)
    out = Path(store) if store is not None else default_store(plan)
    # The default store is shared by whoever asks for the same check (two browser tabs,
    # two server workers, the CLI): a second asker waits for the first, then reads.
    wait_s = CLAIMS_LOCK_WAIT_S if store is None else 0.0
    run_study(
        plan,
        out,
        executor=executor,
        workers=workers,
        fresh=fresh,
        progress=progress,
        wait_s=wait_s,
    )
    return summarise(plan, columns(out), out)


def summarise(plan: StudyPlan, cols: dict[str, NDArray[Any]], store: Path) -> ClaimsCheck:
    """The check's figures from the study's stored columns."""
    spec = plan.spec
    errors = cols["error"]
    ok = np.array([e is None for e in errors], dtype=bool)
    for t in TESTS:
        ok &= np.isfinite(cols[t.output].astype(float))
    n_ok = int(ok.sum())
    if n_ok < 16:
        raise ValueError(
            f"{spec.id}: only {n_ok} of {errors.size} draws made a valid car; "
            "the file's ranges contradict each other"
        )
    reasons: dict[str, int] = {}
    for e in errors[~ok]:
        key = str(e) if e is not None else "a procedure failed"
        reasons[key] = reasons.get(key, 0) + 1
    inputs = {v.path: cols[v.column][ok].astype(float) for v in plan.variables}
    dists = tuple(_distribution(t, cols[t.output][ok].astype(float), inputs) for t in TESTS)
    results = []
    for c in spec.claims:
        if c.quantity in _RANGE_UNITS:
            probs = tuple(
                _probability(t.name, cols[t.output][ok] * t.to_metres / _RANGE_UNITS[c.quantity], c)
                for t in TESTS
            )
            results.append(_result(c, "range", None, probs))
        elif c.quantity in INPUT_FIGURES:
            path = INPUT_FIGURES[c.quantity]
            x = _input_values(plan, cols, ok, path)
            if x is None:
                continue
            results.append(_result(c, "input", path, (_probability("input", x, c),)))
    return ClaimsCheck(
        vehicle=spec.id,
        samples=int(errors.size),
        valid=n_ok,
        seed=plan.study.seed,
        sampler=plan.study.sampler,
        unknowns=tuple(v.path for v in plan.variables),
        invalid_reasons=tuple(sorted(reasons.items(), key=lambda kv: -kv[1])),
        distributions=dists,
        claims=tuple(results),
        store=str(store),
    )


def _distribution(
    test: Test, y: NDArray[np.float64], inputs: dict[str, NDArray[np.float64]]
) -> Distribution:
    sens = sensitivities(inputs, y)
    p5, p50, p95 = np.percentile(y, [5.0, 50.0, 95.0])
    return Distribution(
        test=test.name,
        label=test.label,
        unit="km" if test.to_metres == 1000.0 else "mi",
        mean=float(y.mean()),
        p5=float(p5),
        p50=float(p50),
        p95=float(p95),
        drivers=sens[:TOP_DRIVERS],
        first_order_sum=float(sum(s.first_order for s in sens)),
    )


def _probability(test: str, x: NDArray[Any], claim: Claim) -> Probability:
    x = x.astype(float)
    inside = np.ones(x.size, dtype=bool)
    if claim.low is not None:
        inside &= x >= claim.low
    if claim.high is not None:
        inside &= x <= claim.high
    p = float(inside.mean())
    above = None if claim.low is None else float(np.mean(x >= claim.low))
    return Probability(test, p, float(np.sqrt(p * (1.0 - p) / x.size)), above)


def _result(
    claim: Claim, kind: str, figure: str | None, probs: tuple[Probability, ...]
) -> ClaimResult:
    return ClaimResult(
        id=claim.id,
        quantity=claim.quantity,
        low=claim.low,
        high=claim.high,
        source=claim.source,
        text=claim.text,
        kind=kind,
        figure=figure,
        probabilities=probs,
    )


def _input_values(
    plan: StudyPlan, cols: dict[str, NDArray[Any]], ok: NDArray[np.bool_], path: str
) -> NDArray[np.float64] | None:
    """The draws of a figure, one that moves with a drawn figure, or its fixed value."""
    n = int(ok.sum())
    drawn = {v.path for v in plan.variables}
    if path in drawn:
        return np.asarray(cols[column_name(path)][ok], dtype=float)
    figures = dict(iter_figures(plan.spec))
    fig = figures.get(path)
    if fig is None:
        return None
    for key, followers in LINKED.items():
        for follower, mode in followers:
            if follower == path and key in drawn:
                lead = np.asarray(cols[column_name(key)][ok], dtype=float)
                base = figures[key].value
                if mode == "ratio":
                    return lead * (fig.value / base)
                return lead + (fig.value - base)
    return np.full(n, float(fig.value))


__all__ = [
    "CLAIMS_LOCK_WAIT_S",
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "INPUT_FIGURES",
    "TESTS",
    "ClaimResult",
    "ClaimsCheck",
    "Distribution",
    "Probability",
    "Test",
    "cache_dir",
    "check_claims",
    "claims_study",
    "default_store",
    "summarise",
    "unknowns",
]
