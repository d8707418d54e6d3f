"""A build: a vehicle, the options chosen for it, who and what it carries, and what it tows.

:func:`apply` turns a vehicle spec and a list of option ids into the spec of the
car as ordered, through the fields the simulation already reads, and nothing else:

- mass: ``mass.kerb_kg`` grows by each option's added mass, by the difference of
  four wheels-with-tyres between the chosen and the standard fitment, and by one
  wheel-with-tyre of the chosen size for a carried spare;
- aerodynamics: ``body.frontal_area_m2`` grows by the options' added area;
  ``body.drag_coefficient`` is referred to the new area so that the drag area
  ``Cd A`` grows by each option's added drag area (an option that adds area but no
  drag area of its own keeps ``Cd``, so ``Cd A`` grows by ``Cd`` times its area);
  ``body.width_mm`` grows by what the options add (a roof load's added height is
  reported as the build's overall height, not written into ``body.height_mm``, from
  which procedures estimate the centre of gravity);
- tyres: the chosen fitment's tyres replace the spec's (size, type, rolling
  resistance, rolling radius, wheel inertia);
- measured road load: when the spec has a coast-down (which the simulation uses in
  place of body and tyres), the same changes are added to its coefficients:
  ``0.5 rho_ref dCdA`` to the speed-squared term at the coefficients' reference air
  (SAE J2263 for lbf/mph, GTR 15 for N/(km/h)), and ``m g dCrr`` (with the speed
  rise) to the constant and linear terms at the coast-down's test mass, the tyres'
  Crr (ISO 28580, 25 C) carried to the coast-down's 20 C. The simulation scales the
  constant term with the run's mass, so an option's added mass needs no change
  there; a coast-down without a test mass gets the added mass's rolling force too.

``mass.gross_kg`` (the permissible maximum) stays: options eat into the payload, as
WLTP counts optional equipment into the test mass at the expense of the load.
Option masses are taken at the car's centre of gravity: ``body.cg_height_mm`` and
``mass.front_weight_fraction`` are left as they are (a 50 kg roof load or tow bar moves
them by a few millimetres or a fraction of a per cent).

Each changed figure keeps its source and gains a ``note`` saying which options
changed it; its ``low``/``high`` range moves with the options' own ranges. The
result is validated as a whole (``VehicleSpec.model_validate``), so a build that
breaks a vehicle check (kerb above gross) raises :class:`OptionError`.

People and luggage are not part of the car: :class:`Build` carries them and gives
the laden mass and the :class:`~evtwin.sim.prepare.RunOptions` to drive it with.
A trailer is checked against the tow bar's rating and handed on as is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..physics.hvac import TYRE_REFERENCE_C, tyre_rolling_factor
from ..sim.prepare import (
    DRIVER_MASS_KG,
    RHO_REF_KPH,
    RHO_REF_MPH,
    ROAD_LOAD_REFERENCE_C,
    IdentityCache,
    LruCache,
    RunOptions,
)
from ..specs import Figure, VehicleSpec, load_vehicle
from ..specs.figure import ESTIMATE
from ..specs.road_load import CoastDownKph, CoastDownMph
from ..specs.tyre import Tyres
from ..specs.walk import iter_sourced
from ..units import GRAVITY, KPH, LBF, MPH
from .errors import OptionError
from .options import Catalogue, Fitment, Option, Towing, catalogue_for, unknown_option_message
from .trailer import Trailer, trailer_preset

#: Mass of each person aboard [kg]: the driver mass of EU type approval (Regulation
#: (EU) 1230/2012, Art. 2(4)) and the 75 kg per seating position it counts for
#: passengers (68 kg plus 7 kg of luggage) when it sets the permissible laden mass.
OCCUPANT_KG = DRIVER_MASS_KG
#: Wheels on the car (a fitment's wheel-with-tyre mass counts four times).
N_WHEELS = 4


@dataclass(frozen=True)
class Selection:
    """The options in effect once a choice is resolved against a catalogue.

    Attributes
    ----------
    chosen
        What the buyer named, in catalogue order.
    included
        ``(option, pack)`` pairs: options a chosen pack brings.
    defaults
        Standard choices filled in for groups the buyer left alone.
    fitment
        The wheel-and-tyre fitment of the build (None if the catalogue has none).
    """

    chosen: tuple[str, ...]
    included: tuple[tuple[str, str], ...]
    defaults: tuple[str, ...]
    fitment: Fitment | None
    order: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        """Every option in effect, in catalogue order."""
        have = set(self.chosen) | {o for o, _ in self.included} | set(self.defaults)
        return tuple(i for i in self.order if i in have)

    def included_by(self, option_id: str) -> str | None:
        """The pack that brings ``option_id``, if one does."""
        return next((p for o, p in self.included if o == option_id), None)


def _split_ids(option_ids: Iterable[str]) -> list[str]:
    """Ids as given, comma-separated lists split, blanks and repeats dropped."""
    out: list[str] = []
    for item in option_ids:
        for part in str(item).split(","):
            p = part.strip()
            if p and p not in out:
                out.append(p)
    return out


def resolve(catalogue: Catalogue, option_ids: Iterable[str]) -> Selection:
    """Check a choice of options against the catalogue's rules and fill in the defaults.

    Raises
    ------
    OptionError
        Naming every unknown option, two options of one group, a missing required
        option, an excluded pair and a wheel/tyre pair that is not offered.
    """
    cat = catalogue
    ids = _split_ids(option_ids)
    problems: list[str] = []
    involved: list[str] = []
    known = set(cat.ids)
    for i in ids:
        if i not in known:
            problems.append(unknown_option_message(cat, i))
            involved.append(i)
    if problems:
        raise OptionError(cat.vehicle, problems, involved)
    chosen = [i for i in cat.ids if i in ids]
    included: list[tuple[str, str]] = []
    for pack in chosen:
        for inc in cat.option(pack).includes:
            if all(inc != o for o, _ in included):
                included.append((inc, pack))
    in_effect = set(chosen) | {o for o, _ in included}

    def who(i: str) -> str:
        pack = next((p for o, p in included if o == i), None)
        return f"{i} (included in {pack})" if pack and i not in chosen else i

    defaults: list[str] = []
    for g in cat.groups:
        members = [i for i in cat.members(g.id) if i in in_effect]
        if len(members) > 1:
            problems.append(
                f"{' and '.join(who(m) for m in members)} are in the same group, {g.id!r} "
                f"({g.name}): choose {'one' if g.choose == 'one' else 'at most one'}"
            )
            involved.extend(members)
        elif not members and g.default is not None:
            defaults.append(g.default)
    effect = in_effect | set(defaults)
    for i in cat.ids:
        if i not in effect:
            continue
        o = cat.option(i)
        for need in o.requires:
            if need not in effect:
                problems.append(f"{who(i)} needs {need}")
                involved.extend([i, need])
        for bad in o.excludes:
            if bad in effect:
                problems.append(f"{who(i)} cannot be combined with {who(bad)}")
                involved.extend([i, bad])
    fitment = None
    if cat.fitments and not problems:
        fitment = cat.fitment_for(effect)
        if fitment is None:
            picked = [i for g in cat.fitment_groups for i in cat.members(g) if i in effect]
            problems.append(
                f"{' with '.join(who(p) for p in picked)} is not offered{_offer(cat, picked)}"
            )
            involved.extend(picked)
    if problems:
        raise OptionError(cat.vehicle, problems, list(dict.fromkeys(involved)))
    return Selection(
        chosen=tuple(chosen),
        included=tuple(included),
        defaults=tuple(defaults),
        fitment=fitment,
        order=cat.ids,
    )


def _offer(cat: Catalogue, picked: Sequence[str]) -> str:
    """'; tyres-all-terrain comes with wheels-19, wheels-20' for a pair not offered."""
    hints = []
    for p in picked:
        mates = sorted({m for f in cat.fitments if p in f.options for m in f.options if m != p})
        if mates:
            hints.append(f"{p} comes with {', '.join(mates)}")
    return "; " + "; ".join(hints) if hints else ""


@dataclass(frozen=True)
class _Delta:
    """A change with its range (low <= value <= high)."""

    value: float = 0.0
    low: float = 0.0
    high: float = 0.0
    uncertain: bool = False

    @staticmethod
    def of(fig: Figure, scale: float = 1.0) -> _Delta:
        lo, hi = fig.at("low") * scale, fig.at("high") * scale
        return _Delta(fig.value * scale, min(lo, hi), max(lo, hi), fig.uncertain)

    def __add__(self, other: _Delta) -> _Delta:
        return _Delta(
            self.value + other.value,
            self.low + other.low,
            self.high + other.high,
            self.uncertain or other.uncertain,
        )


def _difference(a: Figure, b: Figure, scale: float) -> _Delta:
    """``scale (a - b)`` with a range spanning the corner differences."""
    ends = [scale * (a.at(c) - b.at(c)) for c in ("low", "nominal", "high")]
    return _Delta(ends[1], min(ends), max(ends), a.uncertain or b.uncertain)


def _shifted(fig: Figure, d: _Delta, why: str) -> Figure:
    """``fig`` moved by ``d``: its range moves by the change's range, and it says why."""
    has_range = fig.low is not None or d.uncertain
    low = fig.at("low") + d.low if has_range else None
    high = fig.at("high") + d.high if has_range else None
    return fig.model_copy(
        update={"value": fig.value + d.value, "low": low, "high": high, "note": _note(fig, why)}
    )


def _note(fig: Figure, why: str) -> str:
    return f"{fig.note} | configured: {why}" if fig.note else f"configured: {why}"


def _check_fits(spec: VehicleSpec, cat: Catalogue) -> None:
    problems = []
    if cat.vehicle != spec.id:
        problems.append(f"the options catalogue is for {cat.vehicle!r}, not {spec.id!r}")
    std = cat.standard_fitment
    if std is not None and std.size.replace(" ", "") != spec.tyres.size.replace(" ", ""):
        problems.append(
            f"the catalogue's standard fitment is {std.size} but the vehicle file's tyres are "
            f"{spec.tyres.size}: the two files disagree"
        )
    if problems:
        raise OptionError(spec.id, problems)


def apply(
    spec: VehicleSpec,
    options: Iterable[str] | Selection = (),
    catalogue: Catalogue | None = None,
) -> VehicleSpec:
    """The spec of ``spec`` built with ``options``: validated, changed only where physics says.

    Parameters
    ----------
    spec
        The vehicle as its file describes it (the standard choices of its catalogue).
    options
        Option ids (or a resolved :class:`Selection`); standard choices are filled in.
    catalogue
        The vehicle's catalogue; by default the shipped one for ``spec.id``.

    Raises
    ------
    OptionError
        For options the catalogue does not allow together, options given for a vehicle
        without a catalogue, or a build that fails the vehicle's own checks.
    """
    cat = catalogue if catalogue is not None else catalogue_for(spec.id)
    if cat is None:
        ids = list(options.all) if isinstance(options, Selection) else _split_ids(options)
        if ids:
            raise OptionError(
                spec.id,
                [f"evtwin has no options catalogue for {spec.id}: cannot fit {', '.join(ids)}"],
                ids,
            )
        return spec
    sel = options if isinstance(options, Selection) else resolve(cat, options)
    key = (spec.content_hash, sel.all)
    hit = _APPLIED.get_for((cat, sel.fitment), key)
    if hit is not None:
        return hit
    return _APPLIED.put_for((cat, sel.fitment), key, _apply(spec, cat, sel))


#: Configured specs by (the spec's content hash, catalogue, options, fitment): the
#: configurator asks for the same options again with other people, luggage or
#: conditions, and applying options validates a whole spec (some 1.5 ms). Specs are
#: frozen, so one configured spec serves every such build.
_APPLIED: IdentityCache[VehicleSpec] = IdentityCache(128)


def _apply(spec: VehicleSpec, cat: Catalogue, sel: Selection) -> VehicleSpec:
    _check_fits(spec, cat)
    fit, std = sel.fitment, cat.standard_fitment
    changes = _Changes()
    drag_terms: list[tuple[Option, Figure | None, Figure | None]] = []
    for o in (cat.option(i) for i in sel.all):
        e = o.effects
        if e.kerb_mass_add_kg is not None:
            changes.add("kerb", _Delta.of(e.kerb_mass_add_kg), "kg", o.id)
        if e.spare_wheel:
            if fit is None:
                msg = f"{o.id} carries a spare wheel but the catalogue has no fitments"
                raise OptionError(spec.id, [msg], [o.id])
            changes.add("kerb", _Delta.of(fit.corner_mass_kg), "kg", o.id, f"spare {fit.size}")
        if e.frontal_area_add_m2 is not None:
            changes.add("area", _Delta.of(e.frontal_area_add_m2), "m2", o.id)
        if e.width_add_mm is not None:
            changes.add("width", _Delta.of(e.width_add_mm), "mm", o.id)
        if e.drag_area_add_m2 is not None or e.frontal_area_add_m2 is not None:
            drag_terms.append((o, e.frontal_area_add_m2, e.drag_area_add_m2))
    tyres = spec.tyres
    if fit is not None and std is not None and fit is not std:
        picked = "+".join(i for i in fit.options if i not in std.options)
        wheels = _difference(fit.corner_mass_kg, std.corner_mass_kg, N_WHEELS)
        changes.add("kerb", wheels, "kg", picked, f"{N_WHEELS} wheels with {fit.size} tyres")
        new_tyres = fit.tyres()
        assert new_tyres is not None
        tyres = new_tyres
        changes.options.append(picked)

    b = spec.body
    body_update: dict[str, Figure] = {}
    if "area" in changes.why:
        body_update["frontal_area_m2"] = changes.shifted(b.frontal_area_m2, "area")
    if "width" in changes.why:
        body_update["width_mm"] = changes.shifted(b.width_mm, "width")
    if any(drag is not None for _, _, drag in drag_terms):
        area = changes.total.get("area", _Delta())
        body_update["drag_coefficient"] = _drag_coefficient(
            b.drag_coefficient, b.frontal_area_m2, area, drag_terms
        )
    update: dict[str, Any] = {}
    if body_update:
        update["body"] = b.model_copy(update=body_update)
    if "kerb" in changes.why:
        kerb = changes.shifted(spec.mass.kerb_kg, "kerb")
        update["mass"] = spec.mass.model_copy(update={"kerb_kg": kerb})
    if tyres is not spec.tyres:
        update["tyres"] = tyres
        update["sources"] = _merged_sources(spec, cat, tyres)
    if not update:
        return spec
    physical = ", ".join(dict.fromkeys(changes.options))
    drag_change = update.get("body", b).drag_area_m2 - b.drag_area_m2
    mass_change = changes.total.get("kerb", _Delta()).value
    cd = spec.coastdown
    if cd is not None and (
        drag_change or tyres is not spec.tyres or (mass_change and cd.test_mass_kg is None)
    ):
        update["coastdown"] = _coastdown(
            spec,
            drag_area_change=drag_change,
            tyres=tyres,
            mass_change=mass_change,
            why=physical,
        )
    line = f"Configured by evtwin with options: {physical}."
    update["notes"] = f"{spec.notes.rstrip()}\n{line}" if spec.notes else line
    candidate = spec.model_copy(update=update)
    try:
        return VehicleSpec.model_validate(candidate.model_dump())
    except ValidationError as exc:
        msgs = [
            f"with {physical}: {'.'.join(str(p) for p in e['loc']) or 'vehicle'}: "
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        ]
        raise OptionError(spec.id, msgs, list(dict.fromkeys(changes.options))) from None


class _Changes:
    """Changes to a few spec fields, summed, with the options that made each."""

    def __init__(self) -> None:
        self.total: dict[str, _Delta] = {}
        self.why: dict[str, list[str]] = {}
        self.options: list[str] = []

    def add(self, field: str, d: _Delta, unit: str, option: str, detail: str = "") -> None:
        self.total[field] = self.total.get(field, _Delta()) + d
        extra = f" ({detail})" if detail else ""
        self.why.setdefault(field, []).append(f"{d.value:+g} {unit} from {option}{extra}")
        self.options.append(option)

    def shifted(self, fig: Figure, field: str) -> Figure:
        return _shifted(fig, self.total[field], "; ".join(self.why[field]))


def _drag_coefficient(
    cd: Figure,
    area: Figure,
    area_add: _Delta,
    terms: Sequence[tuple[Option, Figure | None, Figure | None]],
) -> Figure:
    """Cd referred to the new frontal area so that Cd A grows by the options' drag areas."""
    a0 = area.value
    a1 = a0 + area_add.value
    parts: list[str] = []
    add = _Delta()
    for o, da_area, da_drag in terms:
        if da_drag is not None:
            d = _Delta.of(da_drag)
            parts.append(f"{d.value:+g} m2 of drag area from {o.id}")
        else:
            assert da_area is not None
            # Area with no drag area of its own: at the body's own Cd (each corner).
            x = _Delta.of(da_area)
            d = _Delta(
                cd.value * x.value,
                cd.at("low") * x.low,
                cd.at("high") * x.high,
                cd.uncertain or x.uncertain,
            )
            parts.append(f"{d.value:+.4g} m2 of drag area from {o.id} (its area at the body's Cd)")
        add += d
    value = (cd.value * a0 + add.value) / a1
    has_range = cd.low is not None or add.uncertain
    low = (cd.at("low") * a0 + add.low) / a1 if has_range else None
    high = (cd.at("high") * a0 + add.high) / a1 if has_range else None
    why = "; ".join(parts) + f"; referred to {a1:.4g} m2"
    return cd.model_copy(update={"value": value, "low": low, "high": high, "note": _note(cd, why)})


def _merged_sources(spec: VehicleSpec, cat: Catalogue, tyres: Tyres) -> dict[str, Any]:
    """The spec's sources plus the catalogue's sources the new tyres cite."""
    out = dict(spec.sources)
    for path, key in iter_sourced(tyres):
        if key == ESTIMATE:
            continue
        src = cat.sources[key]
        if key in out and out[key] != src:
            raise OptionError(
                spec.id,
                [
                    f"source {key!r} (tyres.{path}) means different things in the vehicle "
                    "file and the options catalogue"
                ],
            )
        out[key] = src
    return out


def _coastdown(
    spec: VehicleSpec,
    *,
    drag_area_change: float,
    tyres: Tyres,
    mass_change: float,
    why: str,
) -> CoastDownKph | CoastDownMph:
    """The coast-down coefficients with the options' drag, rolling and mass changes added."""
    cd = spec.coastdown
    assert cd is not None
    old = spec.tyres
    crr0 = old.rolling_resistance_coefficient.value
    crr1 = tyres.rolling_resistance_coefficient.value
    rise0 = (
        old.rolling_resistance_rise_per_100kph.value
        if old.rolling_resistance_rise_per_100kph
        else 0.0
    )
    rise1 = (
        tyres.rolling_resistance_rise_per_100kph.value
        if tyres.rolling_resistance_rise_per_100kph
        else 0.0
    )
    # A tyre's Crr is stated at ISO 28580's 25 C, a coast-down holds at 20 C.
    k = float(tyre_rolling_factor(ROAD_LOAD_REFERENCE_C) / tyre_rolling_factor(TYRE_REFERENCE_C))
    if cd.test_mass_kg is not None:
        m_ref, extra = cd.test_mass_kg.value, 0.0
    else:
        # No test mass: the simulation takes the constant term as it is, so the
        # added mass's rolling force goes in here (at the configured kerb mass).
        m_ref, extra = spec.mass.kerb_kg.value + mass_change, mass_change
    da = GRAVITY * k * (m_ref * (crr1 - crr0) + extra * crr1)
    db = (
        GRAVITY * k * (m_ref * (crr1 * rise1 - crr0 * rise0) + extra * crr1 * rise1) / (100.0 * KPH)
    )
    note = _note_text(
        cd.note, f"{why} (drag area {drag_area_change:+.4g} m2, Crr {crr0:g} -> {crr1:g})"
    )
    if isinstance(cd, CoastDownMph):
        dc = 0.5 * RHO_REF_MPH * drag_area_change
        return cd.model_copy(
            update={
                "target_a_lbf": cd.target_a_lbf + da / LBF,
                "target_b_lbf_per_mph": cd.target_b_lbf_per_mph + db * MPH / LBF,
                "target_c_lbf_per_mph2": cd.target_c_lbf_per_mph2 + dc * MPH**2 / LBF,
                "note": note,
            }
        )
    dc = 0.5 * RHO_REF_KPH * drag_area_change
    return cd.model_copy(
        update={
            "f0_n": cd.f0_n + da,
            "f1_n_per_kph": cd.f1_n_per_kph + db * KPH,
            "f2_n_per_kph2": cd.f2_n_per_kph2 + dc * KPH**2,
            "note": note,
        }
    )


def _note_text(note: str | None, why: str) -> str:
    return f"{note.rstrip()} | configured: {why}" if note else f"configured: {why}"


@dataclass(frozen=True)
class FieldChange:
    """One field of the spec that a build changed (dotted path with its unit suffix)."""

    path: str
    before: float | str | None
    after: float | str | None


def _leaves(data: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every leaf of nested dicts and lists by its dotted path."""
    out = {} if out is None else out
    if isinstance(data, dict):
        for k, v in data.items():
            _leaves(v, f"{prefix}{k}.", out)
    elif isinstance(data, list | tuple):
        for i, v in enumerate(data):
            _leaves(v, f"{prefix}{i}.", out)
    else:
        out[prefix[:-1]] = data
    return out


#: Leaf names that record where a number came from rather than the car itself.
_METADATA = ("note", "notes", "basis", "source")


def spec_changes(before: VehicleSpec, after: VehicleSpec) -> tuple[FieldChange, ...]:
    """Fields whose value differs between two specs (figures by their nominal value).

    Metadata (sources, notes, bases) and ranges are left out: this is what changed
    about the car.
    """
    key = (before.content_hash, after.content_hash)
    hit = _SPEC_CHANGES.get(key)
    if hit is None:
        hit = _SPEC_CHANGES.put(key, _spec_changes(before, after))
    return hit


#: Changes by the two specs' content hashes (a configured spec is shared, see _APPLIED).
_SPEC_CHANGES: LruCache[tuple[str, str], tuple[FieldChange, ...]] = LruCache(128)


def _spec_changes(before: VehicleSpec, after: VehicleSpec) -> tuple[FieldChange, ...]:
    a = _leaves(before.model_dump(mode="json"))
    b = _leaves(after.model_dump(mode="json"))
    out = []
    for path in sorted(set(a) | set(b)):
        last = path.rsplit(".", 1)[-1]
        if path.startswith("sources.") or last in _METADATA or last in ("low", "high"):
            continue
        if a.get(path) != b.get(path):
            out.append(FieldChange(path.removesuffix(".value"), a.get(path), b.get(path)))
    return tuple(out)


@dataclass(frozen=True)
class Build:
    """A vehicle as ordered and loaded: the configured spec, people, luggage, trailer.

    Build one with :func:`configure`. ``spec`` is what the simulation runs;
    :meth:`run_options` gives the laden mass to run it at.
    """

    vehicle: VehicleSpec
    spec: VehicleSpec
    catalogue: Catalogue | None
    selection: Selection | None
    passengers: int = 0
    payload_kg: float = 0.0
    trailer: Trailer | None = None

    @property
    def options(self) -> tuple[str, ...]:
        """Every option in effect (chosen, included and standard), in catalogue order."""
        return self.selection.all if self.selection else ()

    @property
    def seats(self) -> int | None:
        """Seats of the build, the driver's included (None without a catalogue)."""
        if self.catalogue is None:
            return None
        return self.catalogue.seats + sum(self.catalogue.option(i).seats_add for i in self.options)

    @property
    def towing(self) -> Towing | None:
        """The towing rating of the build's tow bar, if it has one."""
        if self.catalogue is None:
            return None
        return next(
            (t for i in self.options if (t := self.catalogue.option(i).towing) is not None), None
        )

    @property
    def overall_height_mm(self) -> float:
        """Height of the car with its roof load [mm] (body height plus what options add)."""
        add = 0.0
        if self.catalogue is not None:
            for i in self.options:
                h = self.catalogue.option(i).effects.height_add_mm
                add += h.value if h is not None else 0.0
        return self.spec.body.height_mm.value + add

    @property
    def occupant_mass_kg(self) -> float:
        """Driver and passengers [kg]."""
        return (1 + self.passengers) * OCCUPANT_KG

    @property
    def load_kg(self) -> float:
        """Everything aboard on top of the kerb mass: people and payload [kg]."""
        return self.occupant_mass_kg + self.payload_kg

    @property
    def laden_mass_kg(self) -> float:
        """Configured kerb mass plus the load [kg] (the trailer not included)."""
        return self.spec.mass.kerb_kg.value + self.load_kg

    def run_options(self, **overrides: Any) -> RunOptions:
        """Run options that drive the build at its laden mass (other fields by keyword)."""
        return RunOptions(mass_kg=self.laden_mass_kg, **overrides)

    def changes(self) -> tuple[FieldChange, ...]:
        """What the options changed in the vehicle's spec."""
        return spec_changes(self.vehicle, self.spec)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary with unit-suffixed keys."""
        s = self.spec
        sel = self.selection
        t = self.towing
        return {
            "vehicle": s.id,
            "name": s.name,
            "has_options_catalogue": self.catalogue is not None,
            "options": list(self.options),
            "options_chosen": list(sel.chosen) if sel else [],
            "options_standard": list(sel.defaults) if sel else [],
            "options_included": {o: p for o, p in sel.included} if sel else {},
            "seats": self.seats,
            "passengers": self.passengers,
            "payload_kg": self.payload_kg,
            "occupant_mass_kg": self.occupant_mass_kg,
            "kerb_kg": s.mass.kerb_kg.value,
            "kerb_low_kg": s.mass.kerb_kg.at("low"),
            "kerb_high_kg": s.mass.kerb_kg.at("high"),
            "gross_kg": s.mass.gross_kg.value if s.mass.gross_kg else None,
            "laden_mass_kg": self.laden_mass_kg,
            "width_mm": s.body.width_mm.value,
            "height_mm": s.body.height_mm.value,
            "overall_height_mm": self.overall_height_mm,
            "frontal_area_m2": s.body.frontal_area_m2.value,
            "drag_coefficient": s.body.drag_coefficient.value,
            "drag_area_m2": s.body.drag_area_m2,
            "tyre_size": s.tyres.size,
            "tyre_type": s.tyres.type,
            "rolling_resistance_coefficient": s.tyres.rolling_resistance_coefficient.value,
            "rolling_radius_m": s.tyres.radius_m,
            "wheel_inertia_kgm2": s.tyres.wheel_inertia_kgm2.value,
            "uses_coastdown": s.coastdown is not None,
            "towing_braked_kg": t.braked_kg.value if t else None,
            "towing_unbraked_kg": t.unbraked_kg.value if t else None,
            "trailer": self.trailer.to_dict() if self.trailer else None,
            "trailer_checked": self.trailer is not None and self.catalogue is not None,
            "changes": [{"field": c.path, "from": c.before, "to": c.after} for c in self.changes()],
        }


def configure(
    vehicle: VehicleSpec | str | Path,
    options: Iterable[str] = (),
    *,
    passengers: int = 0,
    payload_kg: float = 0.0,
    trailer: Trailer | str | None = None,
    catalogue: Catalogue | None = None,
) -> Build:
    """Build a vehicle with options, passengers (besides the driver), payload and a trailer.

    Parameters
    ----------
    vehicle
        A spec, a shipped vehicle id or a vehicle file.
    options
        Option ids (comma-separated strings are split).
    passengers
        People aboard besides the driver; limited by the seats (a jump seat adds one).
    payload_kg
        Luggage and load [kg]; with the people, limited by the gross mass.
    trailer
        A :class:`Trailer` or the id of a shipped preset; needs a tow bar rated for it.
    catalogue
        The options catalogue; by default the shipped one for the vehicle.

    Raises
    ------
    OptionError
        Naming the options, the passengers, the payload or the trailer at fault.
    """
    spec = vehicle if isinstance(vehicle, VehicleSpec) else load_vehicle(vehicle)
    cat = catalogue if catalogue is not None else catalogue_for(spec.id)
    sel = resolve(cat, options) if cat is not None else None
    configured = apply(spec, sel if sel is not None else options, cat)
    if isinstance(trailer, str):
        try:
            trailer = trailer_preset(trailer)
        except KeyError as exc:
            raise OptionError(spec.id, [f"trailer: {exc.args[0]}"]) from None
    build = Build(spec, configured, cat, sel, passengers, float(payload_kg), trailer)
    problems, involved = _check_load(build)
    if problems:
        raise OptionError(spec.id, problems, involved)
    return build


def _check_load(build: Build) -> tuple[list[str], list[str]]:
    """Seats, gross mass and towing checks of a build."""
    problems: list[str] = []
    involved: list[str] = []
    s = build.spec
    if not isinstance(build.passengers, int) or build.passengers < 0:
        problems.append(f"passengers must be a whole number >= 0, got {build.passengers!r}")
        return problems, involved
    if not (math.isfinite(build.payload_kg) and build.payload_kg >= 0.0):
        problems.append(f"payload_kg must be >= 0, got {build.payload_kg:g}")
        return problems, involved
    seats = build.seats
    if seats is not None and build.passengers + 1 > seats:
        cat = build.catalogue
        assert cat is not None
        extra = [o.id for o in cat.options if o.seats_add and o.id not in build.options]
        hint = f" ({', '.join(extra)} adds seats)" if extra else ""
        problems.append(
            f"passengers: {build.passengers} passengers and the driver need "
            f"{build.passengers + 1} seats; this {s.id} has {seats}{hint}"
        )
        involved.extend(extra)
    gross = s.mass.gross_kg
    if gross is not None and build.laden_mass_kg > gross.value:
        problems.append(
            f"payload_kg: the load of {build.load_kg:g} kg (driver, {build.passengers} "
            f"passengers at {OCCUPANT_KG:g} kg, {build.payload_kg:g} kg payload) on the "
            f"configured kerb mass of {s.mass.kerb_kg.value:g} kg exceeds the gross mass of "
            f"{gross.value:g} kg"
        )
    tr = build.trailer
    if tr is not None and build.catalogue is not None:
        t = build.towing
        bars = [o.id for o in build.catalogue.options if o.towing is not None]
        if t is None:
            problems.append(
                f"trailer: towing needs {' or '.join(bars) if bars else 'a tow bar'}"
                + ("" if bars else f", which {s.id} does not offer")
            )
            involved.extend(bars)
        else:
            limit = t.braked_kg if tr.braked else t.unbraked_kg
            kind = "braked" if tr.braked else "unbraked"
            if tr.mass_kg > limit.value:
                rng = (
                    f" (range {limit.at('low'):g}-{limit.at('high'):g} kg)"
                    if limit.uncertain
                    else ""
                )
                problems.append(
                    f"trailer: {tr.mass_kg:g} kg exceeds the {kind} towing limit of "
                    f"{limit.value:g} kg{rng}"
                )
    return problems, involved


__all__ = [
    "N_WHEELS",
    "OCCUPANT_KG",
    "Build",
    "FieldChange",
    "Selection",
    "apply",
    "configure",
    "resolve",
    "spec_changes",
]
