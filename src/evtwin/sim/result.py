"""Frozen results of a drive-cycle run: energy breakdown, trace miss, segments, traces.

Every array has the batch (vehicle) dimension first and time last.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numba import njit
from numpy.typing import NDArray

Array = NDArray[np.float64]

#: Relative tolerance within which the energy breakdown must close on every run.
CLOSURE_TOLERANCE = 1e-6


def _freeze(*arrays: Array) -> None:
    for a in arrays:
        a.setflags(write=False)


class EnergyBalanceError(RuntimeError):
    """The energy breakdown of a run did not close: a bug in the kernel, never a user error."""


#: Terms of the energy breakdown: the ten sinks, then the battery's chemical energy,
#: then three flows given for insight.
SINKS = (
    "aero",
    "rolling",
    "grade",
    "inertia",
    "friction_brakes",
    "drivetrain",
    "motor",
    "inverter",
    "battery",
    "auxiliary",
)
TERMS = (*SINKS, "battery_chemical", "traction", "regen_recovered", "regen_stored")


@njit(cache=True)
def _closure(values, n_sinks, floor):  # type: ignore[no-untyped-def]
    """|sum of sinks - chemical| over the larger of sum |sinks|, |chemical| and a floor.

    A few lines compiled rather than a chain of NumPy calls, because every run checks
    it and most runs are of one vehicle.
    """
    n = values.shape[1]
    out = np.empty(n)
    for i in range(n):
        total = 0.0
        scale = 0.0
        for k in range(n_sinks):
            total += values[k, i]
            scale += abs(values[k, i])
        chem = values[n_sinks, i]
        scale = max(scale, abs(chem), floor[i], 1e-300)
        out[i] = abs(total - chem) / scale
    return out


def _row(index: int, doc: str) -> property:
    def get(self: EnergyBreakdown) -> Array:
        return self.values[index]  # type: ignore[no-any-return]

    return property(get, doc=doc)


@dataclass(frozen=True, eq=False)
class EnergyBreakdown:
    """Where the battery's energy went over a run [J], one value per vehicle.

    The ten *sink* terms add up to ``battery_chemical``, the energy drawn from the
    cells' chemistry as the fall in state of charge measures it:

    - ``aero``, ``rolling``, ``grade``: work against air, tyres and gravity;
    - ``inertia``: the change in kinetic energy (zero on a cycle from rest to rest);
    - ``friction_brakes``: heat in the friction brakes;
    - ``drivetrain``: reduction gears and differentials;
    - ``motor``, ``inverter``: the electric machines and their power electronics;
    - ``battery``: resistive heat inside the pack;
    - ``auxiliary``: the low-voltage and other non-traction loads.

    ``grade`` and ``inertia`` may be negative (energy returned by a descent or a
    slowing car). Three flows are given for insight but are not sinks:
    ``traction`` (positive work of the motors at the wheels), ``regen_recovered``
    (work the motors took back from the wheels while braking) and ``regen_stored``
    (chemical energy put back into the cells while regenerating).

    Parameters
    ----------
    values
        Shape ``(len(TERMS), n)``: one row per term in the order of :data:`TERMS`.
    resolution
        The smallest energy the state of charge can resolve [J], one per vehicle: the
        capacity times the rounding of every step's update. A run whose energies are
        all below it divided by the tolerance (a car parked with nothing switched on)
        closes trivially.
    """

    values: Array
    resolution: Array

    def __post_init__(self) -> None:
        if self.values.ndim != 2 or self.values.shape[0] != len(TERMS):
            raise ValueError(f"values must have shape ({len(TERMS)}, n), got {self.values.shape}")
        if self.resolution.shape != self.values.shape[1:]:
            raise ValueError("resolution must have one value per vehicle")
        self.values.setflags(write=False)

    aero = _row(0, "Work against air drag [J].")
    rolling = _row(1, "Work against tyre rolling resistance [J].")
    grade = _row(2, "Work against gravity, negative downhill [J].")
    inertia = _row(3, "Change in kinetic energy, rotating parts included [J].")
    friction_brakes = _row(4, "Heat in the friction brakes [J].")
    drivetrain = _row(5, "Loss in reduction gears and differentials [J].")
    motor = _row(6, "Loss in the motors [J].")
    inverter = _row(7, "Loss in the inverters [J].")
    battery = _row(8, "Resistive loss inside the battery [J].")
    auxiliary = _row(9, "Auxiliary loads [J].")
    battery_chemical = _row(10, "Chemical energy drawn: fall in SOC times capacity [J].")
    traction = _row(11, "Positive work of the motors at the wheels [J].")
    regen_recovered = _row(12, "Work the motors took back from the wheels while braking [J].")
    regen_stored = _row(13, "Chemical energy stored while regenerating [J].")

    @property
    def sinks_total(self) -> Array:
        """Sum of the sink terms [J]."""
        return np.asarray(self.values[: len(SINKS)].sum(axis=0))

    @property
    def closure(self) -> Array:
        """Relative mismatch between the sinks and the chemical energy, per vehicle [-]."""
        return np.asarray(_closure(self.values, len(SINKS), self.resolution / CLOSURE_TOLERANCE))

    def item(self, i: int = 0) -> dict[str, float]:
        """One vehicle's breakdown as a dict of floats [J], sinks first."""
        return {name: float(self.values[j, i]) for j, name in enumerate(TERMS)}


@dataclass(frozen=True, eq=False)
class TraceMiss:
    """How far the vehicles fell short of the speed trace.

    ``max_speed_deficit`` is the largest shortfall [m/s]; ``time_missed`` the time
    spent more than 2 mph below the trace (EPA's tolerance) [s];
    ``distance_shortfall`` the distance not covered [m].
    """

    max_speed_deficit: Array
    time_missed: Array
    distance_shortfall: Array

    def __post_init__(self) -> None:
        _freeze(self.max_speed_deficit, self.time_missed, self.distance_shortfall)

    @property
    def followed(self) -> NDArray[np.bool_]:
        """True where the vehicle kept within the tolerance throughout."""
        return np.asarray(self.time_missed == 0.0)


@dataclass(frozen=True, eq=False)
class SegmentTotals:
    """Totals over named parts of the trace (WLTC phases, say), shape (n, n_segments)."""

    names: tuple[str, ...]
    chemical: Array  #: chemical energy drawn [J]
    terminal: Array  #: energy at the battery terminals [J]
    distance: Array  #: [m]
    time: Array  #: [s]

    def __post_init__(self) -> None:
        _freeze(self.chemical, self.terminal, self.distance, self.time)

    def index(self, name: str) -> int:
        """Column of a named segment."""
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(f"no segment {name!r}; segments: {', '.join(self.names)}") from None


@dataclass(frozen=True, eq=False)
class Traces:
    """Time traces, shape (n, n_samples); sample 0 is the start, powers are step means."""

    time: Array  #: [s], shape (n_samples,)
    speed: Array  #: achieved speed [m/s]
    soc: Array  #: state of charge [-]
    power_terminal: Array  #: battery terminal power [W], positive discharging
    power_wheel: Array  #: motors' net power at the wheels [W]
    power_friction: Array  #: friction brake power [W]
    torque_front: Array  #: net front-axle wheel torque [N m]
    torque_rear: Array  #: net rear-axle wheel torque [N m]
    limited: Array  #: 1 where the car could not follow the trace

    def __post_init__(self) -> None:
        _freeze(*(getattr(self, f.name) for f in fields(self)))


@dataclass(frozen=True, eq=False)
class DriveResult:
    """The outcome of driving a batch of vehicles over one trace.

    Attributes
    ----------
    names
        Vehicle ids, in batch order.
    cycle
        Name of the trace.
    energy
        The energy breakdown (closes to :data:`CLOSURE_TOLERANCE` on every run).
    battery_terminal
        Net energy out of the battery terminals [J].
    distance, distance_target
        Distance driven and distance of the trace [m].
    soc_start, soc_end, soc_low
        State of charge at the start, the end, and its lowest [-].
    power_terminal_max, power_terminal_min
        Peak discharge and charge power at the terminals [W].
    trace_miss
        How far behind the trace the vehicles fell.
    segments
        Totals over named parts of the trace, if asked for.
    traces
        Time traces, if asked for.
    references
        The models that made the result.
    """

    names: tuple[str, ...]
    cycle: str
    energy: EnergyBreakdown
    battery_terminal: Array
    distance: Array
    distance_target: Array
    soc_start: Array
    soc_end: Array
    soc_low: Array
    power_terminal_max: Array
    power_terminal_min: Array
    traction_front: Array
    trace_miss: TraceMiss
    segments: SegmentTotals | None
    traces: Traces | None
    references: tuple[str, ...]

    def __post_init__(self) -> None:
        closure = self.energy.closure
        # One comparison in Python: a NaN anywhere makes the maximum NaN, which fails it.
        if not float(np.max(closure)) <= CLOSURE_TOLERANCE:
            worst = int(np.nanargmax(np.where(np.isfinite(closure), closure, np.inf)))
            raise EnergyBalanceError(
                f"energy breakdown of {self.names[worst]!r} on {self.cycle} does not close: "
                f"relative mismatch {closure[worst]:.3g} > {CLOSURE_TOLERANCE:g}"
            )

    def __len__(self) -> int:
        return len(self.names)

    @property
    def consumption_chemical(self) -> Array:
        """Chemical energy per distance driven [J/m]."""
        return np.asarray(self.energy.battery_chemical / self.distance)

    @property
    def consumption_terminal(self) -> Array:
        """Energy at the battery terminals per distance driven [J/m] (the DC consumption)."""
        return np.asarray(self.battery_terminal / self.distance)
