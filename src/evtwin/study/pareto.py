"""Pareto fronts: the designs of a study that no other design beats on every objective.

A design is *dominated* when another is at least as good on every objective and
better on one; the front is what is left. With a sense per objective (``max`` for a
range or an angle, ``min`` for a price or a charging time) the front maps the trade
a concept engineer has to make, rather than a weighting that hides it.

The search sorts the designs by their first objective and keeps a running front: a
design joins it unless a member dominates it, and evicts the members it dominates.
That is ``O(n f)`` for ``n`` designs and a front of ``f``, fine for the hundreds of
thousands of rows a study holds (fronts are small).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .definition import Objective, StudyPlan
from .store import columns

Sense = Literal["max", "min"]


def non_dominated(
    values: NDArray[np.float64],
    senses: tuple[Sense, ...],
    tolerance: float | Sequence[float] = 0.0,
) -> NDArray[np.bool_]:
    """Mask of the rows of ``values`` (n, k) on the Pareto front.

    Rows with a NaN are never on it; exact duplicates of a front row are all kept.
    With a relative ``tolerance`` (one, or one per objective), differences smaller than
    ``tolerance`` times a design's value count as ties: a design is on the front unless
    another is no worse on every objective by more than that and better on one by more
    than that. A design a hair behind another then stays (a near tie), and one a hair
    ahead on a noisy score no longer saves a design that loses 5 % of range.
    """
    tol = np.broadcast_to(np.asarray(tolerance, dtype=float), (len(senses),))
    if not np.all(np.isfinite(tol) & (tol >= 0.0) & (tol < 1.0)):
        raise ValueError(
            f"tolerance must be from 0 to 1 (one, or one per objective), got {tolerance!r}"
        )
    mask = _exact_front(values, senses)
    if not np.any(tol > 0.0):
        return mask
    # A design that some design tolerance-dominates is also tolerance-dominated by a
    # member of the exact front (which dominates that design outright, and so is no
    # worse and at least as much better): each design is checked against the exact
    # front alone. Designs off the exact front may be on this one (a near tie).
    cost = _cost(values, senses)
    front = cost[mask]  # (f, k)
    rows = np.flatnonzero(np.all(np.isfinite(cost), axis=1))
    out = np.zeros_like(mask)
    for start in range(0, rows.size, 4096):
        idx = rows[start : start + 4096]
        b = cost[idx][None, :, :]  # the candidates
        eps = tol * np.abs(b)  # each candidate's own tolerance
        a = front[:, None, :]  # the dominating members
        no_worse = np.all(a <= b + eps, axis=2)
        better = np.any(a < b - eps, axis=2)
        out[idx] = ~np.any(no_worse & better, axis=0)
    return out


def _cost(values: NDArray[np.float64], senses: tuple[Sense, ...]) -> NDArray[np.float64]:
    """Every objective as a cost to minimise."""
    return np.asarray(values * np.array([-1.0 if s == "max" else 1.0 for s in senses]))


def _exact_front(values: NDArray[np.float64], senses: tuple[Sense, ...]) -> NDArray[np.bool_]:
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[1] != len(senses):
        raise ValueError(f"values must be (n, {len(senses)}), got {values.shape}")
    if any(s not in ("max", "min") for s in senses):
        raise ValueError(f"senses must be max or min, got {senses}")
    cost = _cost(values, senses)
    finite = np.all(np.isfinite(cost), axis=1)
    rows = np.flatnonzero(finite)
    order = rows[np.lexsort(cost[rows].T[::-1])]
    front: list[int] = []
    pts = np.empty((0, cost.shape[1]))
    for i in order:
        c = cost[i]
        if pts.shape[0]:
            le = np.all(pts <= c, axis=1)
            lt = np.any(pts < c, axis=1)
            if np.any(le & lt):
                continue  # a member dominates it
            # Members it dominates leave (none can, in the sorted order, except ties).
            keep = ~(np.all(c <= pts, axis=1) & np.any(c < pts, axis=1))
            if not np.all(keep):
                front = [f for f, k in zip(front, keep, strict=True) if k]
                pts = pts[keep]
        front.append(int(i))
        pts = np.vstack([pts, c])
    mask = np.zeros(values.shape[0], dtype=bool)
    mask[front] = True
    return mask


@dataclass(frozen=True)
class ParetoFront:
    """The front of a study's stored results.

    ``rows`` holds, for each design on the front (sorted by the first objective, best
    first), its sample id, option choices, variables and every output.
    """

    study: str
    vehicle: str
    objectives: tuple[tuple[str, Sense], ...]
    tolerance: tuple[float, ...]  # per objective
    n_samples: int
    n_valid: int
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "study": self.study,
            "vehicle": self.vehicle,
            "objectives": dict(self.objectives),
            "tolerance": dict(zip((o for o, _ in self.objectives), self.tolerance, strict=True)),
            "n_samples": self.n_samples,
            "n_valid": self.n_valid,
            "front": [dict(zip(self.columns, r, strict=True)) for r in self.rows],
        }


def pareto_front(
    plan: StudyPlan,
    store: str | Path,
    objectives: Mapping[str, Sense | Objective] | None = None,
    tolerance: float | None = None,
) -> ParetoFront:
    """The Pareto front of a study's store over ``objectives`` and with the relative
    ``tolerance`` of :func:`non_dominated` (by default the study's)."""
    default = plan.study.tolerance if tolerance is None else tolerance
    given = objectives if objectives is not None else plan.study.objectives
    obj: dict[str, Sense] = {}
    tols: list[float] = []
    for name, o in given.items():
        if isinstance(o, str):
            obj[name] = "max" if o == "max" else "min"
            tols.append(default)
        else:
            obj[name] = o.sense
            tols.append(o.tolerance if tolerance is None else tolerance)
    if len(obj) < 2:
        raise ValueError("a Pareto front needs two or more objectives (output: max or min)")
    unknown = [o for o in obj if o not in plan.study.outputs]
    if unknown:
        raise ValueError(
            f"objectives {', '.join(unknown)} are not outputs of the study "
            f"({', '.join(plan.study.outputs)})"
        )
    cols = columns(store)
    ok = np.array([e is None for e in cols["error"]], dtype=bool)
    values = np.column_stack([cols[o].astype(float) for o in obj])
    values[~ok] = np.nan
    mask = non_dominated(values, tuple(obj.values()), tols)
    idx = np.flatnonzero(mask)
    first, sense = next(iter(obj.items()))
    key = cols[first][idx].astype(float)
    idx = idx[np.argsort(-key if sense == "max" else key, kind="stable")]
    names = (
        ["sample_id"]
        + [g.column for g in plan.option_groups]
        + [v.column for v in plan.variables]
        + list(plan.study.outputs)
    )
    rows = tuple(tuple(_plain(cols[c][i]) for c in names) for i in idx)
    return ParetoFront(
        study=plan.study.name,
        vehicle=plan.spec.id,
        objectives=tuple(obj.items()),
        tolerance=tuple(tols),
        n_samples=int(ok.size),
        n_valid=int(np.sum(ok & np.all(np.isfinite(values), axis=1))),
        columns=tuple(names),
        rows=rows,
    )


def _plain(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    return x


__all__ = ["ParetoFront", "Sense", "non_dominated", "pareto_front"]
