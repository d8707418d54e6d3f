"""A drive cycle: a speed trace against time, with the road grade along it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray


class CycleError(ValueError):
    """A speed trace cannot be used; the message names the file, the column and the row."""


def _frozen(a: ArrayLike) -> NDArray[np.float64]:
    out = np.array(a, dtype=float)  # a private copy, so the caller's array stays theirs
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Cycle:
    """A speed trace sampled at increasing times (not necessarily 1 Hz).

    Parameters
    ----------
    name
        Identifier (``"udds"``, or the file name of a user trace).
    time
        Sample times [s], strictly increasing.
    speed
        Target speed at each sample [m/s], >= 0.
    grade
        Road grade at each sample, rise over run [-]; a step between two samples
        uses their mean (:attr:`grade_step`).
    source
        Where the trace comes from.
    """

    name: str
    time: NDArray[np.float64]
    speed: NDArray[np.float64]
    grade: NDArray[np.float64]
    source: str = ""
    note: str = ""
    _distance: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        t = _frozen(self.time)
        v = _frozen(self.speed)
        g = _frozen(self.grade) if np.ndim(self.grade) else _frozen(np.full(t.shape, self.grade))
        where = f"cycle {self.name!r}"
        if t.ndim != 1 or t.size < 2:
            raise CycleError(f"{where}: needs at least two samples in a 1-D time array")
        if v.shape != t.shape or g.shape != t.shape:
            raise CycleError(
                f"{where}: time, speed and grade must have the same length "
                f"({t.size}, {v.size}, {g.size})"
            )
        for label, arr in (("time", t), ("speed", v), ("grade", g)):
            bad = np.flatnonzero(~np.isfinite(arr))
            if bad.size:
                raise CycleError(f"{where}: {label} is not a finite number at sample {bad[0]}")
        steps = np.diff(t)
        if np.any(steps <= 0):
            i = int(np.flatnonzero(steps <= 0)[0]) + 1
            raise CycleError(f"{where}: time must increase; sample {i} is at {t[i]:g} s")
        if np.any(v < 0):
            i = int(np.flatnonzero(v < 0)[0])
            raise CycleError(f"{where}: speed is negative ({v[i]:g} m/s) at sample {i}")
        if np.any(np.abs(g) > 1.0):
            i = int(np.flatnonzero(np.abs(g) > 1.0)[0])
            raise CycleError(
                f"{where}: grade {g[i]:g} at sample {i} is steeper than 100 % (45 degrees)"
            )
        object.__setattr__(self, "time", t)
        object.__setattr__(self, "speed", v)
        object.__setattr__(self, "grade", g)
        object.__setattr__(self, "_distance", float(np.sum(0.5 * (v[1:] + v[:-1]) * steps)))

    @property
    def n_steps(self) -> int:
        """Number of simulation steps (samples minus one)."""
        return int(self.time.size - 1)

    @cached_property
    def dt(self) -> NDArray[np.float64]:
        """Step lengths [s]."""
        return _frozen(np.diff(self.time))

    @cached_property
    def inv_dt(self) -> NDArray[np.float64]:
        """Reciprocal step lengths [1/s]."""
        return _frozen(1.0 / self.dt)

    @cached_property
    def grade_step(self) -> NDArray[np.float64]:
        """Grade over each step [-], the mean of its two end samples."""
        return _frozen(0.5 * (self.grade[1:] + self.grade[:-1]))

    @cached_property
    def cos_grade(self) -> NDArray[np.float64]:
        """Cosine of the road's angle over each step [-]."""
        g = self.grade_step
        return _frozen(1.0 / np.sqrt(1.0 + g * g))

    @cached_property
    def sin_grade(self) -> NDArray[np.float64]:
        """Sine of the road's angle over each step [-]."""
        return _frozen(self.grade_step * self.cos_grade)

    @property
    def duration(self) -> float:
        """[s]."""
        return float(self.time[-1] - self.time[0])

    @property
    def distance(self) -> float:
        """Distance of the trace [m] (trapezoidal integral of speed)."""
        return self._distance

    @property
    def max_speed(self) -> float:
        """[m/s]."""
        return float(self.speed.max())

    def segment(self, start: float, stop: float, name: str | None = None) -> Cycle:
        """The part of the trace between two times [s] (both samples included)."""
        mask = (self.time >= start) & (self.time <= stop)
        return Cycle(
            name or f"{self.name}[{start:g}:{stop:g}]",
            self.time[mask] - self.time[mask][0],
            self.speed[mask],
            self.grade[mask],
            self.source,
        )
