"""Bands over a spec's uncertainty: one-at-a-time screening, then the low and high corners.

A rumoured car is a set of ranges. The cheapest honest band on a result is:

1. move each uncertain figure alone to its ``low`` and its ``high`` end (the
   others at nominal) and see which way the result moves (screening);
2. build the *low corner*, every figure at the end that lowers the result, and
   the *high corner*, every figure at the end that raises it, and evaluate both.

The corners bound the result for any combination of the figures' ends when the
result is monotonic in each figure (true of range in mass, drag, battery size...);
they are not a probability interval, which is what the Monte Carlo study gives.
Figures tied to others move with them (a battery's gross energy scales with its
usable energy), and a combination the spec's validators reject is skipped with
its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydantic import ValidationError

from ..specs import Figure, VehicleSpec, iter_figures

#: Figures that move with a key figure: ``ratio`` keeps their proportion (a pack's
#: gross energy scales with its usable energy), ``offset`` keeps their difference
#: (the gross mass keeps its payload when the kerb mass moves).
LINKED: dict[str, tuple[tuple[str, str], ...]] = {
    "battery.usable_energy_kwh": (("battery.gross_energy_kwh", "ratio"),),
    "mass.kerb_kg": (("mass.gross_kg", "offset"),),
}

Metric = Callable[[Sequence[VehicleSpec]], NDArray[np.float64]]


@dataclass(frozen=True)
class Sensitivity:
    """How a result moves when one figure goes to each end of its range."""

    path: str
    low_value: float
    high_value: float
    result_at_low: float
    result_at_high: float

    @property
    def swing(self) -> float:
        """|result at high - result at low|."""
        return abs(self.result_at_high - self.result_at_low)


@dataclass(frozen=True)
class Band:
    """A result at the low corner, the nominal spec and the high corner.

    ``sensitivities`` are sorted by swing, largest first; ``skipped`` lists figures
    that could not be moved and why.
    """

    low: float
    nominal: float
    high: float
    sensitivities: tuple[Sensitivity, ...]
    skipped: tuple[tuple[str, str], ...]


def _set(data: dict[str, object], path: str, value: float) -> None:
    node: dict[str, object] = data
    parts = path.split(".")
    for p in parts[:-1]:
        nxt = node[p]
        assert isinstance(nxt, dict)
        node = nxt
    fig = node[parts[-1]]
    assert isinstance(fig, dict)
    fig["value"] = value
    if fig.get("low") is not None:
        fig["low"] = min(float(fig["low"]), value)
        fig["high"] = max(float(fig["high"]), value)


def with_figures(spec: VehicleSpec, values: dict[str, float]) -> VehicleSpec:
    """A validated copy of ``spec`` with figures (by dotted path) at new values.

    Linked figures (see :data:`LINKED`) move by the same ratio as their key figure.
    """
    data = spec.model_dump()
    figures = dict(iter_figures(spec))
    for path, value in values.items():
        _set(data, path, value)
        old = figures[path].value
        for linked, mode in LINKED.get(path, ()):
            if linked not in figures or linked in values:
                continue
            if mode == "ratio" and old != 0.0:
                _set(data, linked, figures[linked].value * value / old)
            elif mode == "offset":
                _set(data, linked, figures[linked].value + value - old)
    return VehicleSpec.model_validate(data)


def uncertain_figures(spec: VehicleSpec) -> list[tuple[str, Figure]]:
    """Figures with a range, linked followers excluded (they move with their key)."""
    followers = {f for fs in LINKED.values() for f, _ in fs}
    return [(p, f) for p, f in iter_figures(spec) if f.uncertain and p not in followers]


def band(spec: VehicleSpec, metric: Metric) -> Band:
    """Screen every uncertain figure, then evaluate the low and high corners.

    Parameters
    ----------
    spec
        The vehicle.
    metric
        Maps a sequence of specs to one number each (e.g. WLTP range); called
        twice, on batches.
    """
    candidates = uncertain_figures(spec)
    moved: list[tuple[str, Figure, VehicleSpec, VehicleSpec]] = []
    skipped: list[tuple[str, str]] = []
    for path, fig in candidates:
        try:
            lo = with_figures(spec, {path: fig.at("low")})
            hi = with_figures(spec, {path: fig.at("high")})
        except ValidationError as exc:
            skipped.append((path, exc.errors()[0]["msg"].removeprefix("Value error, ")))
            continue
        moved.append((path, fig, lo, hi))
    batch = [spec] + [s for _, _, lo, hi in moved for s in (lo, hi)]
    values = metric(batch)
    nominal = float(values[0])
    sens = []
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    for i, (path, fig, _, _) in enumerate(moved):
        r_lo, r_hi = float(values[1 + 2 * i]), float(values[2 + 2 * i])
        sens.append(Sensitivity(path, fig.at("low"), fig.at("high"), r_lo, r_hi))
        if r_lo == r_hi:
            continue
        lows[path] = fig.at("low") if r_lo < r_hi else fig.at("high")
        highs[path] = fig.at("high") if r_lo < r_hi else fig.at("low")
    sens.sort(key=lambda s: s.swing, reverse=True)
    order = [s.path for s in sens]
    corners = [_corner(spec, lows, order, skipped), _corner(spec, highs, order, skipped)]
    c = metric(corners)
    return Band(
        low=float(c[0]),
        nominal=nominal,
        high=float(c[1]),
        sensitivities=tuple(sens),
        skipped=tuple(skipped),
    )


def _corner(
    spec: VehicleSpec, values: dict[str, float], order: list[str], skipped: list[tuple[str, str]]
) -> VehicleSpec:
    """All figures at their corner ends, adding them largest swing first and leaving
    out any whose end the spec's validators reject in combination with the others."""
    chosen: dict[str, float] = {}
    for path in order:
        if path not in values:
            continue
        trial = {**chosen, path: values[path]}
        try:
            with_figures(spec, trial)
        except ValidationError as exc:
            why = exc.errors()[0]["msg"].removeprefix("Value error, ")
            skipped.append((path, f"left at nominal in a corner: {why}"))
            continue
        chosen = trial
    return with_figures(spec, chosen)
