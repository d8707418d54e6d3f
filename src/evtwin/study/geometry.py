"""Bands on a vehicle's off-road angles over its uncertain figures.

Each angle rises with every height and falls with every overhang length, so the
one-at-a-time screening and the low/high corners of ``study.corners`` bound it over
any combination of the figures' ends (see that module). The angles are cheap, so
each is banded on its own: the low corner of the approach angle need not be the low
corner of the breakover angle. An EV spec goes through ``study.corners.band``; a
reference vehicle (``OffroadReference``), which that module does not know, through
the same two steps here. Ride-height offsets are a list of modes, which the screening
does not walk: a band is at a mode's nominal offset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydantic import ValidationError

from ..sim.geometry import geometry
from ..specs import VehicleSpec, iter_figures
from ..specs.offroad_reference import OffroadReference
from .corners import Band, Metric, Sensitivity, band

ANGLES = ("approach", "breakover", "departure")


@dataclass(frozen=True)
class GeometryBand:
    """Low, nominal and high of each angle [deg] at one ride height."""

    vehicle: str
    mode: str
    approach: Band
    breakover: Band
    departure: Band

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, unit-suffixed keys; ``drivers`` are the three largest swings."""
        out: dict[str, object] = {"vehicle": self.vehicle, "mode": self.mode}
        for name in ANGLES:
            b: Band = getattr(self, name)
            out[f"{name}_deg"] = {
                "low": round(b.low, 2),
                "nominal": round(b.nominal, 2),
                "high": round(b.high, 2),
                "drivers": [s.path for s in b.sensitivities if s.swing > 0.0][:3],
            }
        return out


def _angle(name: str, mode: str | None) -> Callable[[VehicleSpec | OffroadReference], float]:
    def f(v: VehicleSpec | OffroadReference) -> float:
        return float(getattr(geometry(v, mode), f"{name}_deg"))

    return f


def geometry_band(vehicle: VehicleSpec | OffroadReference, mode: str | None = None) -> GeometryBand:
    """Approach, breakover and departure angles at their low and high corners.

    Parameters
    ----------
    vehicle
        An EV spec with a ``geometry`` block, or a reference vehicle.
    mode
        A ride-height mode; the reference mode when ``None``.
    """
    nominal = geometry(vehicle, mode)
    bands: dict[str, Band] = {}
    for name in ANGLES:
        f = _angle(name, mode)
        if isinstance(vehicle, VehicleSpec):

            def metric(
                specs: Sequence[VehicleSpec], f: Callable[..., float] = f
            ) -> NDArray[np.float64]:
                return np.array([f(s) for s in specs])

            m: Metric = metric
            bands[name] = band(vehicle, m)
        else:
            bands[name] = _reference_band(vehicle, f)
    return GeometryBand(
        vehicle=vehicle.id,
        mode=nominal.mode,
        approach=bands["approach"],
        breakover=bands["breakover"],
        departure=bands["departure"],
    )


def _moved(ref: OffroadReference, values: dict[str, float]) -> OffroadReference:
    """A validated copy of ``ref`` with figures (by dotted path) at new values."""
    data = ref.model_dump()
    for path, value in values.items():
        node = data
        *parents, leaf = path.split(".")
        for p in parents:
            node = node[p]
        fig = node[leaf]
        fig["value"] = value
        if fig.get("low") is not None:
            fig["low"] = min(fig["low"], value)
            fig["high"] = max(fig["high"], value)
    return OffroadReference.model_validate(data)


def _reference_band(
    ref: OffroadReference, f: Callable[[VehicleSpec | OffroadReference], float]
) -> Band:
    """Screen each uncertain figure of a reference, then evaluate both corners."""
    nominal = f(ref)
    sens: list[Sensitivity] = []
    skipped: list[tuple[str, str]] = []
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    for path, fig in iter_figures(ref):
        if not fig.uncertain:
            continue
        try:
            r_lo = f(_moved(ref, {path: fig.at("low")}))
            r_hi = f(_moved(ref, {path: fig.at("high")}))
        except (ValidationError, ValueError) as exc:
            skipped.append((path, str(exc).splitlines()[0]))
            continue
        sens.append(Sensitivity(path, fig.at("low"), fig.at("high"), r_lo, r_hi))
        if r_lo != r_hi:
            lows[path] = fig.at("low") if r_lo < r_hi else fig.at("high")
            highs[path] = fig.at("high") if r_lo < r_hi else fig.at("low")
    sens.sort(key=lambda s: s.swing, reverse=True)
    return Band(
        low=f(_moved(ref, lows)),
        nominal=nominal,
        high=f(_moved(ref, highs)),
        sensitivities=tuple(sens),
        skipped=tuple(skipped),
    )


__all__ = ["ANGLES", "GeometryBand", "geometry_band"]
