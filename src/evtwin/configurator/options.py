"""A vehicle's option catalogue: what can be ordered, at what price, with what physical effect.

The catalogue is data (``src/evtwin/data/options/<vehicle id>.yaml``), validated
here into frozen models. Every price and every physical effect is a
:class:`~evtwin.specs.Figure`: a value with its ``source`` (a key of the
catalogue's ``sources`` table, or ``estimate`` with a ``basis``) and, where
uncertain, a ``low``/``high`` range, exactly as in a vehicle file.

The pieces:

- an **option** has an id, a category, prices (``price_gbp``, ``price_eur``,
  ``price_usd``; a standard option costs nothing), its **effects** on the car's
  physics (added mass, frontal area, drag area, width, height, a spare wheel), the
  seats it adds, a towing rating (a tow bar), and rules: ``requires``, ``excludes``
  and ``includes`` (a pack brings other options at no extra price);
- a **group** holds options of which the buyer takes exactly one (``one``: wheel
  sizes, tyre types, trims; with a ``default``, the car as its vehicle file
  describes it) or at most one (``at_most_one``: decal packs);
- a **fitment** is one wheel-and-tyre combination the maker offers: which option of
  each wheel/tyre group it goes with, the tyre size, the mass of one wheel with its
  tyre, and the tyre's figures. The standard fitment carries no tyre figures: it is
  the vehicle file's own tyres. A pair with no fitment is not offered (all-terrain
  tyres on 22-inch wheels, say).

An option whose category is ``looks`` may have no physical effect at all.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from ..specs.base import SpecModel
from ..specs.figure import ESTIMATE, Figure, NonNegativeFigure, PositiveFigure
from ..specs.sources import Source
from ..specs.tyre import CrrFigure, Tyres, TyreType, tyre_diameter_m
from ..specs.walk import iter_sourced
from ._files import (
    Loc,
    Locator,
    field_label,
    package_names,
    package_text,
    problems,
    read_yaml,
)
from .errors import ConfigError

#: Currencies a price can be given in; ``price_<c>`` on options, ``base_<c>`` on the vehicle.
CURRENCIES: tuple[str, ...] = ("gbp", "eur", "usd")

Category = Literal["trim", "pack", "wheels", "tyres", "exterior", "interior", "towing", "looks"]
Choose = Literal["one", "at_most_one"]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PACKAGE = "evtwin.data.options"
#: Context flag that defers the cross-reference checks to :func:`parse_catalogue`,
#: which reports them with their lines.
_DEFER = "defer_cross_checks"


def _slug(kind: str, v: str) -> str:
    if not _SLUG.match(v):
        raise ValueError(f"{kind} id {v!r} must be a lowercase slug such as 'roof-rack'")
    return v


class Effects(SpecModel):
    """What an option does to the car's physics, as changes to its spec.

    Parameters
    ----------
    kerb_mass_add_kg
        Mass added to the kerb mass (negative for a lighter part).
    frontal_area_add_m2
        Projected frontal area added (roof load, wider arches). With no
        ``drag_area_add_m2`` the drag coefficient is kept, so the drag area grows by
        ``Cd x area``.
    drag_area_add_m2
        Drag area CdA added in total (including that of any added frontal area);
        the spec's drag coefficient is then referred to the new frontal area.
    width_add_mm
        Added overall width (wider arches).
    height_add_mm
        Added overall height (a roof load). A build reports it (``overall_height_mm``)
        but leaves the body's ``height_mm`` alone: that is the car's own height, from
        which procedures estimate the centre of gravity (``sim.chassis``), and a roof
        load of a few tens of kilograms barely moves it.
    spare_wheel
        Carries one more wheel with its tyre (of the fitted size); its mass is the
        fitment's ``corner_mass_kg``, added to ``kerb_mass_add_kg`` (the carrier).
    """

    kerb_mass_add_kg: Figure | None = None
    frontal_area_add_m2: NonNegativeFigure | None = None
    drag_area_add_m2: Figure | None = None
    width_add_mm: NonNegativeFigure | None = None
    height_add_mm: NonNegativeFigure | None = None
    spare_wheel: bool = False

    @property
    def empty(self) -> bool:
        """True when the option changes nothing physical (nor the overall height)."""
        return not self.spare_wheel and all(
            getattr(self, n) is None for n in type(self).model_fields if n != "spare_wheel"
        )


class Towing(SpecModel):
    """The largest trailer masses allowed with a tow bar fitted (gross trailer mass)."""

    braked_kg: PositiveFigure
    unbraked_kg: PositiveFigure

    @model_validator(mode="after")
    def _order(self) -> Towing:
        if self.unbraked_kg.value > self.braked_kg.value:
            raise ValueError(
                f"unbraked_kg ({self.unbraked_kg.value:g}) exceeds braked_kg "
                f"({self.braked_kg.value:g})"
            )
        return self


class Option(SpecModel):
    """One orderable option (see the module docstring)."""

    id: str
    name: str
    category: Category
    group: str | None = None
    description: str | None = None
    price_gbp: NonNegativeFigure | None = None
    price_eur: NonNegativeFigure | None = None
    price_usd: NonNegativeFigure | None = None
    effects: Effects = Effects()
    seats_add: int = 0
    towing: Towing | None = None
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    affects_powertrain: bool = False
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _slug("option", v)

    @field_validator("seats_add")
    @classmethod
    def _seats(cls, v: int) -> int:
        if not 0 <= v <= 3:
            raise ValueError(f"seats_add must be between 0 and 3, got {v}")
        return v

    @model_validator(mode="after")
    def _kind(self) -> Option:
        if self.category == "looks" and (
            not self.effects.empty or self.seats_add or self.towing or self.includes
        ):
            raise ValueError(
                "a 'looks' option changes appearance only: no effects, seats_add, towing "
                "or includes"
            )
        if self.category == "pack" and not self.includes:
            raise ValueError("a pack must list the options it includes")
        return self

    def price(self, currency: str) -> Figure | None:
        """The option's price in ``currency`` (``gbp``, ``eur``, ``usd``), if given."""
        if currency not in CURRENCIES:
            raise ValueError(f"unknown currency {currency!r}; known: {', '.join(CURRENCIES)}")
        fig: Figure | None = getattr(self, f"price_{currency}")
        return fig

    @property
    def looks_only(self) -> bool:
        """True for an option that changes the car's appearance and price only."""
        return self.category == "looks"


class Group(SpecModel):
    """Options that exclude one another: take exactly ``one`` or ``at_most_one``."""

    id: str
    name: str
    choose: Choose
    default: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _slug("group", v)

    @model_validator(mode="after")
    def _default(self) -> Group:
        if self.choose == "one" and self.default is None:
            raise ValueError("a group that takes exactly one option needs a default")
        if self.choose == "at_most_one" and self.default is not None:
            raise ValueError("a group that takes at most one option has no default")
        return self


class FitmentTyre(SpecModel):
    """The figures of a fitment's tyre (as :class:`~evtwin.specs.Tyres`, less its size)."""

    type: TyreType
    rolling_resistance_coefficient: CrrFigure
    rolling_resistance_rise_per_100kph: NonNegativeFigure | None = None
    rolling_radius_m: PositiveFigure | None = None
    wheel_inertia_kgm2: PositiveFigure


class Fitment(SpecModel):
    """A wheel-and-tyre combination the maker offers.

    Parameters
    ----------
    options
        One option of each wheel/tyre group (``[wheels-20, tyres-road]``).
    size
        Tyre size, e.g. ``"255/55 R20"``.
    corner_mass_kg
        One wheel with its tyre; four of them replace the standard set in the kerb mass.
    tyre
        The tyre's figures; absent for the standard fitment, which is the vehicle
        file's own tyres (whose size must then equal ``size``).
    """

    options: tuple[str, ...]
    size: str
    corner_mass_kg: PositiveFigure
    tyre: FitmentTyre | None = None

    @field_validator("size")
    @classmethod
    def _size(cls, v: str) -> str:
        tyre_diameter_m(v)
        return v

    @model_validator(mode="after")
    def _tyres(self) -> Fitment:
        if not self.options:
            raise ValueError("a fitment names the options it goes with")
        self.tyres()
        return self

    def tyres(self) -> Tyres | None:
        """The fitment's tyres as a spec part (None for the standard fitment)."""
        if self.tyre is None:
            return None
        return Tyres.model_validate({"size": self.size, **self.tyre.model_dump()})


class Catalogue(SpecModel):
    """The option catalogue of one vehicle (see the module docstring).

    ``seats`` is the number of seats of the car as its vehicle file describes it,
    the driver's included.
    """

    schema_version: Literal[1] = 1
    vehicle: str
    notes: str | None = None
    sources: dict[str, Source] = Field(default_factory=dict)
    seats: int
    groups: tuple[Group, ...] = ()
    options: tuple[Option, ...]
    fitments: tuple[Fitment, ...] = ()

    @field_validator("seats")
    @classmethod
    def _seats(cls, v: int) -> int:
        if not 1 <= v <= 9:
            raise ValueError(f"seats must be between 1 and 9, got {v}")
        return v

    @model_validator(mode="after")
    def _cross(self, info: ValidationInfo) -> Catalogue:
        if info.context and info.context.get(_DEFER):
            return self
        found = cross_check(self)
        if found:
            raise ValueError("; ".join(f"{_path(loc)}: {msg}" for loc, msg in found))
        return self

    def option(self, option_id: str) -> Option:
        """The option with this id; ``KeyError`` naming close matches if there is none."""
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(unknown_option_message(self, option_id))

    @property
    def ids(self) -> tuple[str, ...]:
        """Option ids in catalogue order."""
        return tuple(o.id for o in self.options)

    def group(self, group_id: str) -> Group:
        """The group with this id."""
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(f"no group {group_id!r}")

    def members(self, group_id: str) -> tuple[str, ...]:
        """Ids of the options of a group, in catalogue order."""
        return tuple(o.id for o in self.options if o.group == group_id)

    @property
    def fitment_groups(self) -> tuple[str, ...]:
        """The groups whose choice picks the fitment (wheel size, tyre type), in order."""
        used = {self.option(i).group for f in self.fitments for i in f.options}
        return tuple(g.id for g in self.groups if g.id in used)

    @property
    def standard_fitment(self) -> Fitment | None:
        """The fitment the vehicle file describes (no tyre figures of its own)."""
        return next((f for f in self.fitments if f.tyre is None), None)

    def fitment_for(self, chosen: Iterable[str]) -> Fitment | None:
        """The fitment whose options are all among ``chosen`` (None if none is)."""
        ids = set(chosen)
        for f in self.fitments:
            if set(f.options) <= ids:
                return f
        return None


def unknown_option_message(cat: Catalogue, option_id: str) -> str:
    """'no option X for V' with the closest known ids."""
    close = difflib.get_close_matches(option_id, cat.ids, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(cat.ids)}"
    return f"no option {option_id!r} for {cat.vehicle}{hint}"


def _path(loc: Loc) -> str:
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out or "(top)"


def cross_check(cat: Catalogue) -> list[tuple[Loc, str]]:
    """Problems between the parts of a catalogue: ids, references, groups, fitments, sources.

    Each problem is ``(location, message)``; the location is a path into the file.
    """
    out: list[tuple[Loc, str]] = []
    if not _SLUG.match(cat.vehicle):
        out.append((("vehicle",), f"{cat.vehicle!r} is not a vehicle id slug"))
    if ESTIMATE in cat.sources:
        out.append((("sources",), f"sources may not define the reserved key {ESTIMATE!r}"))
    for path, key in iter_sourced(cat):
        if not path.startswith("sources.") and key != ESTIMATE and key not in cat.sources:
            out.append(
                (
                    tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", path) if p),
                    f"source {key!r} is not a key of sources nor 'estimate'",
                )
            )
    ids = [o.id for o in cat.options]
    index = {o.id: i for i, o in enumerate(cat.options)}
    for i, o in enumerate(cat.options):
        if ids.count(o.id) > 1 and ids.index(o.id) != i:
            out.append((("options", i, "id"), f"option id {o.id!r} is given twice"))
    groups = {g.id: g for g in cat.groups}
    gids = [g.id for g in cat.groups]
    for j, g in enumerate(cat.groups):
        if gids.count(g.id) > 1 and gids.index(g.id) != j:
            out.append((("groups", j, "id"), f"group id {g.id!r} is given twice"))
        members = [o.id for o in cat.options if o.group == g.id]
        if not members:
            out.append((("groups", j), f"group {g.id!r} has no options"))
        if g.default is not None and g.default not in members:
            out.append(
                (
                    ("groups", j, "default"),
                    f"default {g.default!r} is not an option of group {g.id!r}",
                )
            )
        elif g.default is not None:
            d = cat.options[index[g.default]]
            for c in CURRENCIES:
                p = d.price(c)
                if p is not None and p.value != 0.0:
                    out.append(
                        (
                            ("options", index[g.default], f"price_{c}"),
                            f"{d.id} is the standard choice of group {g.id!r}, so it is in the "
                            "base price: its price must be 0",
                        )
                    )
    for i, o in enumerate(cat.options):
        if o.effects.spare_wheel and not cat.fitments:
            out.append(
                (
                    ("options", i, "effects", "spare_wheel"),
                    "a spare wheel takes its mass from the fitments, and there are none",
                )
            )
        if o.group is not None and o.group not in groups:
            out.append((("options", i, "group"), f"no group {o.group!r}"))
        for rule in ("requires", "excludes", "includes"):
            for ref in getattr(o, rule):
                if ref == o.id:
                    out.append((("options", i, rule), f"{o.id} refers to itself"))
                elif ref not in index:
                    out.append((("options", i, rule), unknown_option_message(cat, ref)))
                elif rule == "includes" and cat.options[index[ref]].includes:
                    out.append((("options", i, rule), f"{ref} is itself a pack: no nesting"))
    out.extend(_check_fitments(cat, index, groups))
    return out


def _check_fitments(
    cat: Catalogue, index: dict[str, int], groups: dict[str, Group]
) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    if not cat.fitments:
        return out
    used: set[str] = set()
    for k, f in enumerate(cat.fitments):
        for ref in f.options:
            if ref not in index:
                out.append((("fitments", k, "options"), unknown_option_message(cat, ref)))
                continue
            g = cat.options[index[ref]].group
            if g is None or g not in groups or groups[g].choose != "one":
                out.append(
                    (
                        ("fitments", k, "options"),
                        f"{ref} must belong to a group that takes exactly one option",
                    )
                )
            else:
                used.add(g)
    if out:
        return out
    combos: list[frozenset[str]] = []
    for k, f in enumerate(cat.fitments):
        per_group = [cat.options[index[r]].group for r in f.options]
        if sorted(per_group, key=str) != sorted(used):
            out.append(
                (
                    ("fitments", k, "options"),
                    f"a fitment names one option of each of the groups {', '.join(sorted(used))}",
                )
            )
        combo = frozenset(f.options)
        if combo in combos:
            out.append((("fitments", k, "options"), "this combination is given twice"))
        combos.append(combo)
        standard = all(groups[g].default in f.options for g in used if g in groups)
        if standard and f.tyre is not None:
            out.append(
                (
                    ("fitments", k, "tyre"),
                    "the standard fitment is the vehicle file's own tyres: leave tyre out",
                )
            )
        if not standard and f.tyre is None:
            out.append((("fitments", k, "tyre"), "required for a fitment other than the standard"))
    defaults = frozenset(groups[g].default or "" for g in used)
    if defaults not in combos:
        out.append((("fitments",), f"no fitment for the standard {', '.join(sorted(defaults))}"))
    return out


def parse_catalogue(text: str, file: str = "<string>") -> Catalogue:
    """Validate the YAML text of an option catalogue.

    Raises
    ------
    ConfigError
        If the YAML is malformed, a field is missing, unknown or impossible, or the
        parts do not fit together; each problem names its field and line.
    """
    data, locate = read_yaml(text, file, "options catalogue")
    cat = _validate_deferred(data, file, locate)
    found = cross_check(cat)
    if found:
        raise ConfigError(file, _with_lines(found, data, locate), "options catalogue")
    return cat


def _validate_deferred(data: object, file: str, locate: Locator) -> Catalogue:
    if not isinstance(data, dict):
        raise ConfigError(
            file, ["(top): the file must hold a mapping of fields"], "options catalogue"
        )
    try:
        return Catalogue.model_validate(data, context={_DEFER: True})
    except ValidationError as exc:
        raise ConfigError(file, problems(exc, data, locate), "options catalogue") from None


def _with_lines(found: Sequence[tuple[Loc, str]], data: object, locate: Locator) -> list[str]:
    out = []
    for loc, msg in found:
        line = locate(loc)
        out.append(f"{field_label(data, loc)}{f' (line {line})' if line else ''}: {msg}")
    return out


@functools.cache
def _names() -> tuple[str, ...]:
    return tuple(package_names(_PACKAGE))


def catalogue_names() -> list[str]:
    """Ids of the vehicles that have a shipped option catalogue, sorted."""
    return list(_names())


def load_catalogue(name_or_path: str | Path) -> Catalogue:
    """Load a shipped catalogue by vehicle id, or any catalogue file by path.

    Raises
    ------
    FileNotFoundError
        If there is no such catalogue.
    ConfigError
        If the file is malformed or its parts do not fit together.
    """
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise FileNotFoundError(f"no options catalogue at {p}")
        return parse_catalogue(p.read_text(encoding="utf-8"), str(p))
    return _shipped(str(name_or_path))


@functools.cache
def _shipped(name: str) -> Catalogue:
    """A shipped catalogue, parsed once (catalogues are frozen)."""
    text = package_text(_PACKAGE, f"{name}.yaml")
    if text is None:
        have = ", ".join(catalogue_names()) or "none"
        raise FileNotFoundError(f"no options catalogue for {name!r}; catalogues: {have}")
    cat = parse_catalogue(text, f"options/{name}.yaml")
    if cat.vehicle != name:
        raise ConfigError(
            f"options/{name}.yaml",
            [f"vehicle: {cat.vehicle!r} does not match the file name"],
            "options catalogue",
        )
    return cat


def catalogue_for(vehicle_id: str) -> Catalogue | None:
    """The shipped catalogue of a vehicle, or None: evtwin has no options for it."""
    if vehicle_id not in catalogue_names():
        return None
    return load_catalogue(vehicle_id)


__all__ = [
    "CURRENCIES",
    "Catalogue",
    "Effects",
    "Fitment",
    "FitmentTyre",
    "Group",
    "Option",
    "Towing",
    "catalogue_for",
    "catalogue_names",
    "cross_check",
    "load_catalogue",
    "parse_catalogue",
]
