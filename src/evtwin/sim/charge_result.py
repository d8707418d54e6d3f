"""The result of a charging session: traces on a grid of state of charge, and totals."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..units import KWH, MILE, ZERO_CELSIUS
from .charge_model import REFERENCES

Array = NDArray[np.float64]


def held(a: Array) -> Array:
    """Per-step values on the boundary grid: each held from its step's start; last repeated."""
    return np.concatenate([a, a[-1:]]) if a.size else np.zeros(1)


def _freeze(*arrays: NDArray[Any]) -> None:
    for a in arrays:
        a.setflags(write=False)


@dataclass(frozen=True, eq=False)
class ChargeResult:
    """One charging session, on a grid of steps in state of charge.

    Arrays share one grid of ``n + 1`` points from the start to the end of the
    session. ``time``, ``soc``, ``temperature`` and the cumulative energies are
    values at the points; ``power_*``, ``current``, ``voltage`` and ``limit`` are
    held from a point to the next (the last point repeats the final step), so that
    ``sum(power_inlet[:-1] * diff(time))`` is the grid energy.

    Parameters
    ----------
    vehicle, charger
        Names.
    kind
        ``"dc"`` or ``"ac"``.
    soc_from, soc_to
        The requested window in displayed state of charge (fractions of the usable window).
    temperature_ambient, temperature_start
        Air and starting cell temperature [K].
    preconditioned
        Whether the car heated the pack to its target before a DC session.
    time
        [s] from the start.
    soc, soc_displayed
        Fraction of gross capacity; fraction of the usable window.
    power_inlet
        Power at the inlet (DC) or at the wall (AC) [W].
    power_cells
        Power into the cells' chemistry, ``V_oc I`` [W].
    current, voltage
        Pack current [A] and terminal voltage [V].
    temperature
        Cell temperature [K].
    limit
        Which limit set the current of each step (one of ``charge_model.LIMITS``).
    energy_grid_cumulative, energy_battery_cumulative
        Energy from the inlet or wall, and into the cells' chemistry, since the start
        [J]; their last values are the properties ``energy_grid`` and ``energy_battery``.
    loss_battery, loss_auxiliary, loss_thermal, loss_conversion
        Resistive heat in the pack; the car's low-voltage loads; the pack's cooling
        and heating; the on-board charger or booster [J]. With ``energy_battery``
        they add up to ``energy_grid``.
    reached
        True if the session reached ``soc_to``; else ``notes`` says why not.
    consumption
        The caller's consumption [J/m] for range added, if given.
    acceptance_c_rate, acceptance_basis
        The taper's free parameter [1/h] and where it came from.
    notes, references
        What a reader should know; the models used.
    """

    vehicle: str
    charger: str
    kind: Literal["dc", "ac"]
    soc_from: float
    soc_to: float
    temperature_ambient: float
    temperature_start: float
    preconditioned: bool
    time: Array
    soc: Array
    soc_displayed: Array
    power_inlet: Array
    power_cells: Array
    current: Array
    voltage: Array
    temperature: Array
    limit: tuple[str, ...]
    energy_grid_cumulative: Array
    energy_battery_cumulative: Array
    loss_battery: float
    loss_auxiliary: float
    loss_thermal: float
    loss_conversion: float
    reached: bool
    consumption: float | None
    acceptance_c_rate: float
    acceptance_basis: str
    notes: tuple[str, ...] = ()
    references: tuple[str, ...] = REFERENCES

    def __post_init__(self) -> None:
        _freeze(
            self.time,
            self.soc,
            self.soc_displayed,
            self.power_inlet,
            self.power_cells,
            self.current,
            self.voltage,
            self.temperature,
            self.energy_grid_cumulative,
            self.energy_battery_cumulative,
        )

    @property
    def duration(self) -> float | None:
        """Time of the whole session [s]; ``None`` if it never reached ``soc_to``."""
        return float(self.time[-1]) if self.reached else None

    @property
    def energy_grid(self) -> float:
        """Energy from the inlet (DC) or wall (AC) [J]."""
        return float(self.energy_grid_cumulative[-1])

    @property
    def energy_battery(self) -> float:
        """Energy into the cells' chemistry [J]."""
        return float(self.energy_battery_cumulative[-1])

    @property
    def losses(self) -> float:
        """All losses between the inlet and the cells' chemistry [J]."""
        return self.loss_battery + self.loss_auxiliary + self.loss_thermal + self.loss_conversion

    def _time_at(self, soc_displayed: float) -> float | None:
        s = self.soc_displayed
        tol = 1e-9
        if soc_displayed < s[0] - tol or soc_displayed > s[-1] + tol:
            return None
        return float(np.interp(soc_displayed, s, self.time))

    def time_between(self, soc_from: float, soc_to: float) -> float | None:
        """Time [s] from one displayed state of charge to another, both fractions.

        ``None`` unless the session covers both.
        """
        a, b = self._time_at(soc_from), self._time_at(soc_to)
        return None if a is None or b is None else b - a

    def energy_between(self, soc_from: float, soc_to: float) -> tuple[float, float] | None:
        """(grid, battery) energy [J] between two displayed states of charge, if covered."""
        ta, tb = self._time_at(soc_from), self._time_at(soc_to)
        if ta is None or tb is None:
            return None
        g = np.interp([ta, tb], self.time, self.energy_grid_cumulative)
        e = np.interp([ta, tb], self.time, self.energy_battery_cumulative)
        return float(g[1] - g[0]), float(e[1] - e[0])

    @property
    def time_10_80(self) -> float | None:
        """Time [s] from 10 % to 80 % displayed, if the session covers them."""
        return self.time_between(0.1, 0.8)

    def energy_added(self, seconds: float) -> float:
        """Energy into the cells [J] in the first ``seconds`` (or the whole session if shorter)."""
        return float(np.interp(seconds, self.time, self.energy_battery_cumulative))

    def range_added(self, seconds: float) -> float | None:
        """Distance [m] the energy added in the first ``seconds`` drives at the consumption."""
        if self.consumption is None:
            return None
        return self.energy_added(seconds) / self.consumption

    def power_at(self, soc_displayed: float) -> float | None:
        """Inlet power [W] at a displayed state of charge, if the session passes it."""
        if self._time_at(soc_displayed) is None:
            return None
        return float(np.interp(soc_displayed, self.soc_displayed, self.power_inlet))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary and traces, names ending in their units."""

        def r(x: float | None, nd: int = 3) -> float | None:
            return None if x is None else round(x, nd)

        def minutes(x: float | None) -> float | None:
            return None if x is None else round(x / 60.0, 2)

        added = []
        for m in (10, 15, 20):
            e = self.energy_added(60.0 * m)
            dist = self.range_added(60.0 * m)
            added.append(
                {
                    "minutes": m,
                    "energy_kwh": round(e / KWH, 3),
                    "range_km": r(None if dist is None else dist / 1e3, 1),
                    "range_mi": r(None if dist is None else dist / MILE, 1),
                }
            )
        window = self.energy_between(0.1, 0.8)
        lo = math.ceil(self.soc_displayed[0] * 100 - 1e-9)
        hi = math.floor(self.soc_displayed[-1] * 100 + 1e-9)
        pct = list(range(lo, hi + 1))
        steps = np.diff(self.time)
        span = float(self.time[-1])
        mean_power = self.energy_grid / span if span > 0 else 0.0
        return {
            "vehicle": self.vehicle,
            "charger": self.charger,
            "kind": self.kind,
            "soc_from_pct": round(100 * self.soc_from, 2),
            "soc_to_pct": round(100 * self.soc_to, 2),
            "temperature_ambient_c": round(self.temperature_ambient - ZERO_CELSIUS, 2),
            "temperature_start_c": round(self.temperature_start - ZERO_CELSIUS, 2),
            "preconditioned": self.preconditioned,
            "reached": self.reached,
            "duration_min": minutes(self.duration),
            "time_10_80_min": minutes(self.time_10_80),
            "energy_grid_10_80_kwh": r(None if window is None else window[0] / KWH),
            "energy_battery_10_80_kwh": r(None if window is None else window[1] / KWH),
            "energy_grid_kwh": round(self.energy_grid / KWH, 3),
            "energy_battery_kwh": round(self.energy_battery / KWH, 3),
            "losses_kwh": {
                "battery_kwh": round(self.loss_battery / KWH, 3),
                "auxiliary_kwh": round(self.loss_auxiliary / KWH, 3),
                "thermal_kwh": round(self.loss_thermal / KWH, 3),
                "conversion_kwh": round(self.loss_conversion / KWH, 3),
                "total_kwh": round(self.losses / KWH, 3),
            },
            "peak_power_inlet_kw": round(float(self.power_inlet.max()) / 1e3, 2),
            "mean_power_inlet_kw": round(mean_power / 1e3, 2),
            "max_temperature_c": round(float(self.temperature.max()) - ZERO_CELSIUS, 2),
            "consumption_kwh_per_100km": r(
                None if self.consumption is None else self.consumption * 1e5 / KWH, 2
            ),
            "added": added,
            "acceptance_c_rate_per_h": round(self.acceptance_c_rate, 4),
            "acceptance_basis": self.acceptance_basis,
            "curve": {
                "soc_displayed_pct": pct,
                "power_inlet_kw": [round((self.power_at(p / 100) or 0.0) / 1e3, 2) for p in pct],
            },
            "trace": {
                "time_s": [round(float(x), 2) for x in self.time],
                "soc_displayed_pct": [round(100 * float(x), 3) for x in self.soc_displayed],
                "power_inlet_kw": [round(float(x) / 1e3, 3) for x in self.power_inlet],
                "power_cells_kw": [round(float(x) / 1e3, 3) for x in self.power_cells],
                "current_a": [round(float(x), 2) for x in self.current],
                "voltage_v": [round(float(x), 2) for x in self.voltage],
                "temperature_c": [round(float(x) - ZERO_CELSIUS, 3) for x in self.temperature],
                "limit": list(self.limit),
            },
            "steps": int(steps.size),
            "notes": list(self.notes),
            "references": list(self.references),
        }


__all__ = ["ChargeResult", "held"]
