"""A study: which vehicle, which figures vary and how, and which results to record.

A study file (YAML) or the same fields in Python::

    name: defender-range-uncertainty
    vehicle: defender-sport          # a shipped id, or a vehicle file (relative to this file)
    seed: 20261122
    sampler: lhs                     # lhs | sobol | random
    samples: 4096                    # draws of the sampled variables (per grid point)
    chunk_size: 1024                 # samples per unit of work and per stored part
    variables:
      mass.kerb_kg: {distribution: triangular}          # low/mode/high from the figure
      body.drag_coefficient: {distribution: uniform, low: 0.30, high: 0.36}
      battery.usable_energy_kwh: {distribution: grid, values: [70, 78, 90]}
      tyres.rolling_resistance_coefficient: {distribution: grid, points: 3}
    correlation:                     # optional, between sampled variables (Gaussian copula)
      - {variables: [mass.kerb_kg, body.drag_coefficient], rho: 0.4}
    outputs: [wltp_range_km, wltp_kwh_per_100km, epa_range_mi]
    check_corners: true              # all variables at their low (high) ends together valid

A variable is addressed by the dotted path of a spec figure (``evtwin show`` lists
them). ``uniform`` and ``triangular`` default to the figure's ``low``/``value``/``high``;
``grid`` takes ``values`` or ``points`` evenly spaced over the same range. Grid
variables form a full factorial; the sampled variables are drawn ``samples`` times
and every grid point sees the same draws (common random numbers, so differences
between grid points are not sampling noise). Every problem is found by
:func:`resolve` before anything runs, as a :class:`StudyError` naming the field
and, for a file, its line.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, ValidationError, model_validator

from ..configurator._files import Locator, problems, read_yaml
from ..configurator.errors import ConfigError
from ..specs import Figure, VehicleSpec, iter_figures, load_vehicle
from ..specs.base import SpecModel
from .corners import LINKED, with_figures
from .outputs import CONDITIONS, OUTPUTS

Distribution = Literal["grid", "uniform", "triangular"]
Sampler = Literal["lhs", "sobol", "random"]

#: Largest number of samples a study may ask for (the store keeps one row each).
MAX_SAMPLES = 100_000_000


class StudyError(ValueError):
    """A study that cannot run: the message names each field at fault (and its line)."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid study {file}:\n{lines}")


class Variable(SpecModel):
    """How one figure varies. Bounds left out are the figure's own ``low``/``high``."""

    distribution: Distribution
    low: float | None = Field(default=None, strict=True)
    high: float | None = Field(default=None, strict=True)
    mode: float | None = Field(default=None, strict=True)
    values: tuple[float, ...] | None = None
    points: int | None = Field(default=None, ge=2, strict=True)

    @model_validator(mode="after")
    def _check(self) -> Variable:
        grid = self.distribution == "grid"
        if not grid and (self.values is not None or self.points is not None):
            raise ValueError("values and points belong to a grid")
        if grid and self.values is not None:
            if self.points is not None or self.low is not None or self.high is not None:
                raise ValueError("a grid gives values, or points with optional low/high")
            if len(self.values) < 1 or len(set(self.values)) != len(self.values):
                raise ValueError("grid values must be distinct and at least one")
        if self.mode is not None and self.distribution != "triangular":
            raise ValueError("mode belongs to a triangular distribution")
        for name in ("low", "high", "mode"):
            x = getattr(self, name)
            if x is not None and not math.isfinite(x):
                raise ValueError(f"{name} must be finite")
        return self


class Correlation(SpecModel):
    """A rank-like correlation between two sampled variables (Gaussian copula)."""

    variables: tuple[str, str]
    rho: float = Field(gt=-1.0, lt=1.0, strict=True)


class Link(SpecModel):
    """A design rule: ``target`` moves ``per_unit`` for each unit ``source`` moves from its
    nominal value (kilograms per kWh of battery, pounds per kWh, drag per mm of ride
    height). evtwin has no such rules of its own: the study states them, with a basis."""

    source: str
    target: str
    per_unit: float = Field(strict=True)
    basis: str = Field(min_length=1)


class Objective(SpecModel):
    """An objective with its own tie tolerance (relative), for a noisy score."""

    sense: Literal["max", "min"]
    tolerance: float = Field(ge=0.0, lt=1.0, strict=True)


class Study(SpecModel):
    """The fields of a study (see the module docstring)."""

    vehicle: str
    name: str = "study"
    seed: int = Field(default=0, ge=0, strict=True)
    sampler: Sampler = "lhs"
    samples: int = Field(default=1, ge=1, le=MAX_SAMPLES, strict=True)
    chunk_size: int = Field(default=1024, ge=1, le=1_000_000, strict=True)
    variables: dict[str, Variable] = Field(default_factory=dict)
    #: Choices of the vehicle's options, each a grid dimension: ``{name: [alternative,
    #: ...]}`` where an alternative is an option id, several joined by ``+``, or
    #: ``standard`` (the catalogue's standard choices only).
    options: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    #: Off-road drivetrain architectures (``evtwin offroad``: brakes only, a rear or two
    #: e-lockers...), a grid dimension the off-road outputs run each design on; by
    #: default the first architecture built on the study's vehicle.
    architectures: tuple[str, ...] = ()
    #: What ``evtwin pareto`` trades off: ``{output: max | min}``.
    objectives: dict[str, Literal["max", "min"] | Objective] = Field(default_factory=dict)
    #: Relative differences below which two designs tie on an objective (the Pareto
    #: front's resolution; see ``evtwin.study.pareto.non_dominated``).
    tolerance: float = Field(default=0.001, ge=0.0, lt=1.0, strict=True)
    correlation: tuple[Correlation, ...] = ()
    links: tuple[Link, ...] = ()
    outputs: tuple[str, ...] = Field(min_length=1)
    #: Check before running that every variable at each end of its range (the others
    #: at nominal), and all at their low ends together and at their high ends
    #: together, make a valid vehicle. Turn it off for variables the spec constrains
    #: jointly (a length and the wheelbase and overhangs it must equal):
    #: samples that break a constraint are then recorded with their reason in the
    #: ``error`` column and left out of every summary, which conditions the draws
    #: on a consistent car.
    check_corners: bool = True

    @property
    def content_hash(self) -> str:
        """SHA-256 of the study's canonical JSON (the vehicle is hashed apart), leaving out
        what only reads the results (objectives, tolerance): changing those keeps the store."""
        text = json.dumps(
            self.model_dump(mode="json", exclude={"objectives", "tolerance"}), sort_keys=True
        )
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ResolvedVariable:
    """A variable with its bounds filled in from the figure."""

    path: str
    distribution: Distribution
    low: float
    high: float
    mode: float
    grid: tuple[float, ...]  # the grid's values; empty for a sampled variable

    @property
    def column(self) -> str:
        """Its column in the store (dots are awkward in SQL)."""
        return column_name(self.path)


@dataclass(frozen=True)
class OptionGroup:
    """One choice among options: its alternatives, each a tuple of option ids."""

    name: str
    alternatives: tuple[str, ...]  # as written: "tyres-all-terrain+wheels-19", "standard"
    #: ``options``: configurator options; ``architecture``: off-road architecture ids.
    kind: Literal["options", "architecture"] = "options"

    @property
    def column(self) -> str:
        return "architecture" if self.kind == "architecture" else f"option__{self.name}"

    def ids(self, k: int) -> tuple[str, ...]:
        """The option ids of alternative ``k``."""
        a = self.alternatives[k]
        if self.kind != "options" or a == STANDARD:
            return ()
        return tuple(x.strip() for x in a.split("+"))


#: The alternative of an option group that adds nothing to the standard build.
STANDARD = "standard"


@dataclass(frozen=True)
class StudyPlan:
    """A validated study joined to its vehicle: everything a worker needs, picklable.

    Sample ``i`` is grid point ``i // samples`` with draw ``i % samples``.
    """

    study: Study
    spec: VehicleSpec
    file: str
    grid_vars: tuple[ResolvedVariable, ...]
    sampled_vars: tuple[ResolvedVariable, ...]
    correlation: NDArray[np.float64]  # (n_sampled, n_sampled)
    option_groups: tuple[OptionGroup, ...] = ()
    #: (source, target, per unit, source nominal, target nominal) of each link.
    links: tuple[tuple[str, str, float, float, float], ...] = ()

    @property
    def n_options(self) -> int:
        """Combinations of the option groups (1 without any)."""
        return int(np.prod([len(g.alternatives) for g in self.option_groups], dtype=np.int64))

    @property
    def n_figure_grid(self) -> int:
        """Points of the grid of figure variables (1 without any)."""
        return int(np.prod([len(v.grid) for v in self.grid_vars], dtype=np.int64))

    @property
    def n_grid(self) -> int:
        """Points of the full-factorial grid: option combinations times figure grid points
        (the options vary slowest)."""
        return self.n_options * self.n_figure_grid

    @property
    def draws(self) -> int:
        """Draws of the sampled variables per grid point."""
        return self.study.samples if self.sampled_vars else 1

    @property
    def n_samples(self) -> int:
        """Samples (rows) in the study."""
        return self.n_grid * self.draws

    @property
    def n_chunks(self) -> int:
        """Units of work; chunk ``c`` holds samples ``[c * chunk_size, (c + 1) * chunk_size)``."""
        return -(-self.n_samples // self.study.chunk_size)

    def chunk_range(self, chunk: int) -> tuple[int, int]:
        """First and one-past-last sample index of a chunk."""
        start = chunk * self.study.chunk_size
        return start, min(start + self.study.chunk_size, self.n_samples)

    @property
    def variables(self) -> tuple[ResolvedVariable, ...]:
        """Grid variables first, then sampled ones (the store's column order)."""
        return self.grid_vars + self.sampled_vars

    @property
    def study_hash(self) -> str:
        return self.study.content_hash

    @property
    def vehicle_hash(self) -> str:
        return self.spec.content_hash


def column_name(path: str) -> str:
    """Store column of a figure path: ``mass.kerb_kg`` -> ``mass__kerb_kg``."""
    return path.replace(".", "__")


def parse_study(text: str, file: str = "<string>", base_dir: Path | None = None) -> StudyPlan:
    """Read a study from YAML text and resolve it against its vehicle.

    Raises
    ------
    StudyError
        Naming each field at fault and its line.
    """
    try:
        data, locate = read_yaml(text, file, "study file")
    except ConfigError as exc:
        raise StudyError(file, exc.problems) from None
    if not isinstance(data, dict):
        raise StudyError(file, ["(top): the file must hold a mapping of fields"])
    try:
        study = Study.model_validate(data)
    except ValidationError as exc:
        raise StudyError(file, problems(exc, data, locate)) from None
    return resolve(study, file=file, base_dir=base_dir, locate=locate)


def load_study(path: str | Path) -> StudyPlan:
    """Read a study file and resolve it (vehicle paths start at the file's folder)."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no study file at {p}")
    return parse_study(p.read_text(encoding="utf-8"), str(p), base_dir=p.parent)


def _vehicle(study: Study, base_dir: Path | None) -> VehicleSpec:
    name = study.vehicle
    if base_dir is not None and name.endswith((".yaml", ".yml")):
        candidate = base_dir / name
        if candidate.is_file():
            return load_vehicle(candidate)
    return load_vehicle(name)


def resolve(
    study: Study,
    *,
    file: str = "<study>",
    base_dir: Path | None = None,
    locate: Locator | None = None,
    spec: VehicleSpec | None = None,
) -> StudyPlan:
    """Check a study against its vehicle and fill in the figures' ranges.

    ``spec`` overrides the study's ``vehicle`` (for a spec built in Python).
    """

    def at(*loc: str | int) -> str:
        line = locate(loc) if locate is not None else None
        label = ".".join(str(p) for p in loc)
        return f"{label} (line {line})" if line else label

    errs: list[str] = []
    if spec is None:
        try:
            spec = _vehicle(study, base_dir)
        except (FileNotFoundError, ValueError) as exc:
            raise StudyError(file, [f"{at('vehicle')}: {exc}"]) from None
    figures = dict(iter_figures(spec))
    followers = {f: key for key, fs in LINKED.items() for f, _ in fs}
    resolved: dict[str, ResolvedVariable] = {}
    for path, var in study.variables.items():
        where = at("variables", path)
        if path.startswith("conditions."):
            try:
                resolved[path] = _resolve_condition(path, var)
            except ValueError as exc:
                errs.append(f"{where}: {exc}")
            continue
        fig = figures.get(path)
        if fig is None:
            near = difflib.get_close_matches(path, figures, n=1)
            hint = f"; did you mean {near[0]}?" if near else ""
            errs.append(f"{where}: {spec.id} has no figure {path!r}{hint}")
            continue
        if path in followers:
            errs.append(f"{where}: moves with {followers[path]}; vary that figure instead")
            continue
        try:
            resolved[path] = _resolve_variable(path, var, fig)
        except ValueError as exc:
            errs.append(f"{where}: {exc}")
    for path in set(study.outputs) - set(OUTPUTS):
        known = ", ".join(OUTPUTS)
        errs.append(f"{at('outputs')}: unknown output {path!r}; known: {known}")
    if any(p.startswith("conditions.") for p in study.variables) and (
        "steady_range_km" not in study.outputs
    ):
        errs.append(f"{at('outputs')}: conditions.* set the steady_range_km run; ask for it")
    if not study.variables and not study.options:
        errs.append(f"{at('variables')}: a study needs variables, options, or both")
    groups = _option_groups(study, spec, at, errs)
    arch = _architecture_group(study, spec, at, errs)
    if arch is not None:
        groups = (*groups, arch)
    for name in study.objectives:
        if name not in study.outputs:
            errs.append(f"{at('objectives', name)}: an objective must be one of the outputs")
    links = _links(study, figures, resolved, at, errs)
    sampled = tuple(v for v in resolved.values() if not v.grid)
    grid = tuple(v for v in resolved.values() if v.grid)
    corr = _correlation(study, sampled, at, errs)
    if not errs:
        errs.extend(_check_corners(spec, tuple(resolved.values()), at, study.check_corners, links))
    if not errs:
        n_opt = int(np.prod([len(g.alternatives) for g in groups], dtype=np.int64))
        n = (
            n_opt
            * int(np.prod([len(v.grid) for v in grid], dtype=np.int64))
            * (study.samples if sampled else 1)
        )
        if n > MAX_SAMPLES:
            errs.append(f"{at('samples')}: the study has {n:,} samples, over {MAX_SAMPLES:,}")
        if not sampled and "samples" in study.model_fields_set and study.samples != 1:
            errs.append(f"{at('samples')}: every variable is a grid; leave samples out")
    if errs:
        raise StudyError(file, errs)
    return StudyPlan(study, spec, file, grid, sampled, corr, groups, links)


def _links(
    study: Study,
    figures: dict[str, Figure],
    resolved: dict[str, ResolvedVariable],
    at: Any,
    errs: list[str],
) -> tuple[tuple[str, str, float, float, float], ...]:
    out = []
    targets: set[str] = set()
    for i, link in enumerate(study.links):
        where = at("links", i)
        if link.source not in resolved or link.source.startswith("conditions."):
            errs.append(f"{where}: source {link.source!r} is not a figure variable of the study")
            continue
        if link.target not in figures:
            errs.append(f"{where}: target {link.target!r} is not a figure of {study.vehicle}")
            continue
        if link.target in resolved or link.target in targets:
            errs.append(f"{where}: {link.target} is already varied; one rule moves a figure")
            continue
        if not math.isfinite(link.per_unit):
            errs.append(f"{where}: per_unit must be finite")
            continue
        targets.add(link.target)
        src = figures[link.source].value
        out.append((link.source, link.target, link.per_unit, src, figures[link.target].value))
    return tuple(out)


def _architecture_group(
    study: Study, spec: VehicleSpec, at: Any, errs: list[str]
) -> OptionGroup | None:
    """The off-road architectures: each must be built on the study's vehicle."""
    from ..specs.offroad_architecture import load_architectures

    wants = any(OUTPUTS[o].procedure == "offroad" for o in study.outputs if o in OUTPUTS)
    archs = {a.id: a for a in load_architectures().architectures}
    own = [a.id for a in archs.values() if a.vehicle == spec.id]
    if not study.architectures:
        if wants and not own:
            errs.append(
                f"{at('outputs')}: off-road outputs need an architecture built on {spec.id}; "
                f"none is (architectures: {', '.join(archs)})"
            )
        return None
    if not wants:
        errs.append(f"{at('architectures')}: only off-road outputs use architectures")
        return None
    ok = True
    for i, a in enumerate(study.architectures):
        if a not in archs:
            errs.append(f"{at('architectures', i)}: {a!r} is not one of {', '.join(archs)}")
            ok = False
        elif archs[a].vehicle != spec.id:
            errs.append(f"{at('architectures', i)}: {a!r} is not built on {spec.id}")
            ok = False
    if len(set(study.architectures)) != len(study.architectures):
        errs.append(f"{at('architectures')}: give each architecture once")
        ok = False
    return OptionGroup("architecture", study.architectures, "architecture") if ok else None


def default_architecture(spec: VehicleSpec) -> str:
    """The first off-road architecture built on the vehicle."""
    from ..specs.offroad_architecture import load_architectures

    for a in load_architectures().architectures:
        if a.vehicle == spec.id:
            return a.id
    raise ValueError(f"no off-road architecture is built on {spec.id}")


def _option_groups(
    study: Study, spec: VehicleSpec, at: Any, errs: list[str]
) -> tuple[OptionGroup, ...]:
    """The option groups, each alternative and each combination checked by building it."""
    if not study.options:
        return ()
    from itertools import product

    from ..configurator import configure
    from ..configurator.errors import OptionError

    groups = []
    for name, alts in study.options.items():
        where = at("options", name)
        if not alts or len(set(alts)) != len(alts):
            errs.append(f"{where}: give distinct alternatives, at least one")
            continue
        if not name.replace("-", "_").isidentifier():
            errs.append(f"{where}: name a group with letters, digits, - and _")
            continue
        g = OptionGroup(name, tuple(alts))
        bad = False
        for k, alt in enumerate(alts):
            try:
                configure(spec, g.ids(k))
            except (OptionError, ValueError) as exc:
                errs.append(f"{where}: {alt!r}: {exc}")
                bad = True
        if not bad:
            groups.append(g)
    if errs or not groups:
        return tuple(groups)
    combos = list(product(*(range(len(g.alternatives)) for g in groups)))
    if len(combos) > 10_000:
        errs.append(f"{at('options')}: {len(combos):,} combinations; at most 10,000")
        return tuple(groups)
    for combo in combos:
        ids = [i for g, k in zip(groups, combo, strict=True) for i in g.ids(k)]
        if len(groups) == 1:
            break  # each alternative was built above
        try:
            configure(spec, ids)
        except (OptionError, ValueError) as exc:
            picked = ", ".join(g.alternatives[k] for g, k in zip(groups, combo, strict=True))
            errs.append(f"{at('options')}: the combination {picked} cannot be built: {exc}")
    return tuple(groups)


def _resolve_condition(path: str, var: Variable) -> ResolvedVariable:
    """A condition: its range must be given, within what the models cover."""
    cond = CONDITIONS.get(path)
    if cond is None:
        known = ", ".join(CONDITIONS)
        raise ValueError(f"unknown condition {path!r}; known: {known}")
    lows = var.values if var.values is not None else (var.low,)
    highs = var.values if var.values is not None else (var.high,)
    if var.values is None and (var.low is None or var.high is None):
        raise ValueError(f"a condition has no range of its own: give low and high ({cond.unit})")
    for x in (*lows, *highs):
        assert x is not None
        if not cond.low <= x <= cond.high:
            raise ValueError(f"{x:g} {cond.unit} is outside {cond.low:g}..{cond.high:g}")
    fig = Figure(
        value=cond.default if var.mode is None else var.mode,
        low=var.low,
        high=var.high,
        source="estimate",
        basis="a study condition",
    )
    if var.values is None and not fig.low <= fig.value <= fig.high:  # type: ignore[operator]
        fig = fig.model_copy(update={"value": 0.5 * (var.low + var.high)})  # type: ignore[operator]
    return _resolve_variable(path, var, fig)


def _resolve_variable(path: str, var: Variable, fig: Figure) -> ResolvedVariable:
    if var.values is not None:
        vals = tuple(float(v) for v in var.values)
        return ResolvedVariable(path, "grid", min(vals), max(vals), fig.value, vals)
    low = var.low if var.low is not None else fig.low
    high = var.high if var.high is not None else fig.high
    if low is None or high is None:
        raise ValueError(
            f"the figure has no low/high range: give low and high for a {var.distribution}"
        )
    if not low < high:
        raise ValueError(f"need low < high, got low={low:g}, high={high:g}")
    mode = var.mode if var.mode is not None else fig.value
    if var.distribution == "triangular" and not low <= mode <= high:
        raise ValueError(f"mode {mode:g} is outside low={low:g}, high={high:g}")
    grid: tuple[float, ...] = ()
    if var.distribution == "grid":
        grid = tuple(float(x) for x in np.linspace(low, high, var.points or 3))
    return ResolvedVariable(path, var.distribution, float(low), float(high), float(mode), grid)


def _correlation(
    study: Study, sampled: tuple[ResolvedVariable, ...], at: Any, errs: list[str]
) -> NDArray[np.float64]:
    names = [v.path for v in sampled]
    c = np.eye(len(names))
    seen: set[frozenset[str]] = set()
    for i, pair in enumerate(study.correlation):
        where = at("correlation", i)
        a, b = pair.variables
        bad = [p for p in (a, b) if p not in names]
        if bad:
            errs.append(f"{where}: {', '.join(bad)} is not a sampled (non-grid) variable")
            continue
        if a == b or frozenset((a, b)) in seen:
            errs.append(f"{where}: pairs must be of two variables, each pair once")
            continue
        seen.add(frozenset((a, b)))
        j, k = names.index(a), names.index(b)
        c[j, k] = c[k, j] = pair.rho
    if len(names) and not errs:
        try:
            np.linalg.cholesky(c)
        except np.linalg.LinAlgError:
            errs.append(
                f"{at('correlation')}: the correlation matrix is not positive definite "
                "(the pairs contradict each other)"
            )
    return c


def _check_corners(
    spec: VehicleSpec,
    variables: tuple[ResolvedVariable, ...],
    at: Any,
    joint: bool = True,
    links: tuple[tuple[str, str, float, float, float], ...] = (),
) -> list[str]:
    """Each variable at each end of its range, and all at their low and high ends,
    must make a valid vehicle: found here rather than a million samples later.
    ``joint=False`` checks nothing (the study records each invalid sample instead)."""
    errs: list[str] = []
    if not joint:
        return errs
    # Conditions are not figures of the car.
    variables = tuple(v for v in variables if not v.path.startswith("conditions."))

    def linked(values: dict[str, float]) -> dict[str, float]:
        out = dict(values)
        for source, target, per_unit, source0, target0 in links:
            out[target] = target0 + per_unit * (out.get(source, source0) - source0)
        return out

    for v in variables:
        for end in (v.low, v.high):
            try:
                with_figures(spec, linked({v.path: end}))
            except ValidationError as exc:
                why = exc.errors()[0]["msg"].removeprefix("Value error, ")
                errs.append(f"{at('variables', v.path)}: {v.path}={end:g} is invalid: {why}")
    if errs:
        return errs
    for name in ("low", "high"):
        values = {v.path: getattr(v, name) for v in variables}
        try:
            with_figures(spec, linked(values))
        except ValidationError as exc:
            why = exc.errors()[0]["msg"].removeprefix("Value error, ")
            errs.append(f"{at('variables')}: every variable at its {name} end is invalid: {why}")
    return errs


__all__ = [
    "MAX_SAMPLES",
    "STANDARD",
    "Correlation",
    "Link",
    "Objective",
    "OptionGroup",
    "ResolvedVariable",
    "Study",
    "StudyError",
    "StudyPlan",
    "Variable",
    "column_name",
    "default_architecture",
    "load_study",
    "parse_study",
    "resolve",
]
