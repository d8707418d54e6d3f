"""Purchase grants: the rule is data, the logic is generic.

A grant file (``src/evtwin/data/grants/<region>.yaml``) states the scheme's price
caps, its bands and their amounts, each with a source, and what could and could not
be confirmed. :func:`assess` applies it:

- the car's starting price (its cheapest version) must be at or under the starting
  cap (or under it, when the caps are not inclusive);
- the configured price must be at or under the variant cap, where the scheme has
  one; which options count towards it is the file's ``configured_price_includes``
  (``all_options``, ``powertrain_options`` or ``none``);
- where the scheme sets a minimum range and one is given, the range must reach it;
- the amount is the band's; a car whose band is not known gets every band's amount
  reported, and no single amount.

Conditions that are not prices or ranges (a manufacturer's emissions targets,
warranties) are listed in the file and reported as not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..specs.base import SpecModel
from ..specs.figure import ESTIMATE, Figure, PositiveFigure
from ..specs.sources import Source
from ..specs.walk import iter_sourced
from ..units import MILE
from ._files import package_names, package_text, read_yaml, validate
from .build import Build
from .pricing import price

_PACKAGE = "evtwin.data.grants"

Counted = Literal["all_options", "powertrain_options", "none"]
Corner = Literal["low", "nominal", "high"]


class GrantBand(SpecModel):
    """One band of a grant and its amount (in the rule's currency)."""

    id: str
    amount_gbp: PositiveFigure | None = None
    amount_eur: PositiveFigure | None = None
    amount_usd: PositiveFigure | None = None
    criterion: str

    def amount(self, currency: str) -> Figure:
        """The band's amount in ``currency``."""
        fig: Figure | None = getattr(self, f"amount_{currency}")
        if fig is None:
            raise ValueError(f"band {self.id} has no amount in {currency}")
        return fig


class GrantRule(SpecModel):
    """A purchase-grant scheme as published (see the module docstring)."""

    schema_version: Literal[1] = 1
    id: str
    scheme: str
    region: str
    currency: Literal["gbp", "eur", "usd"]
    administrator: str | None = None
    in_force_from: str
    as_of: str
    sources: dict[str, Source] = Field(default_factory=dict)
    starting_price_cap_gbp: PositiveFigure | None = None
    starting_price_cap_eur: PositiveFigure | None = None
    starting_price_cap_usd: PositiveFigure | None = None
    variant_price_cap_gbp: PositiveFigure | None = None
    variant_price_cap_eur: PositiveFigure | None = None
    variant_price_cap_usd: PositiveFigure | None = None
    cap_inclusive: bool = True
    configured_price_includes: Counted = "all_options"
    min_wltp_range_mi: PositiveFigure | None = None
    bands: tuple[GrantBand, ...]
    vehicle_bands: dict[str, str] = Field(default_factory=dict)
    conditions_not_modelled: tuple[str, ...] = ()
    confirmed: str
    not_confirmed: str

    @field_validator("bands")
    @classmethod
    def _bands(cls, v: tuple[GrantBand, ...]) -> tuple[GrantBand, ...]:
        if not v:
            raise ValueError("a grant needs at least one band")
        ids = [b.id for b in v]
        if len(set(ids)) != len(ids):
            raise ValueError(f"band ids must be unique, got {', '.join(ids)}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> GrantRule:
        c = self.currency
        if self.cap("starting") is None:
            raise ValueError(f"starting_price_cap_{c} is required (the rule's currency is {c})")
        start, variant = self.cap("starting"), self.cap("variant")
        if start is not None and variant is not None and variant.value < start.value:
            raise ValueError(f"variant_price_cap_{c} is below starting_price_cap_{c}")
        for b in self.bands:
            b.amount(c)
        known = {b.id for b in self.bands}
        for vehicle, band in self.vehicle_bands.items():
            if band not in known:
                raise ValueError(f"vehicle_bands.{vehicle}: no band {band!r}")
        for path, key in iter_sourced(self):
            if not path.startswith("sources.") and key != ESTIMATE and key not in self.sources:
                raise ValueError(f"{path}.source {key!r} is not a key of sources")
        return self

    def cap(self, which: Literal["starting", "variant"]) -> Figure | None:
        """The starting-price or variant-price cap in the rule's currency."""
        fig: Figure | None = getattr(self, f"{which}_price_cap_{self.currency}")
        return fig

    def band(self, band_id: str) -> GrantBand:
        """The band with this id."""
        for b in self.bands:
            if b.id == band_id:
                return b
        raise KeyError(f"no band {band_id!r}; bands: {', '.join(b.id for b in self.bands)}")


def grant_regions() -> list[str]:
    """Regions with a shipped grant rule."""
    return package_names(_PACKAGE)


def load_grant_rule(region: str = "uk") -> GrantRule:
    """The shipped grant rule of a region (``FileNotFoundError`` if there is none)."""
    text = package_text(_PACKAGE, f"{region}.yaml")
    if text is None:
        raise FileNotFoundError(
            f"no grant rule for {region!r}; regions: {', '.join(grant_regions()) or 'none'}"
        )
    return parse_grant_rule(text, f"grants/{region}.yaml")


def parse_grant_rule(text: str, file: str = "<string>") -> GrantRule:
    """Validate the YAML text of a grant rule (``ConfigError`` naming fields and lines)."""
    return _parse_grant_rule(text, file)


@lru_cache(maxsize=16)
def _parse_grant_rule(text: str, file: str) -> GrantRule:
    # Rules are frozen, so one parse may be shared. Keyed on the text itself, so an
    # edited file is read afresh; parsing and validating is about 1 ms, which every
    # priced build (each configurator evaluation) would otherwise pay. A file that
    # fails is not remembered (lru_cache keeps no exceptions).
    data, locate = read_yaml(text, file, "grant file")
    return validate(GrantRule, data, file, "grant file", locate)


@dataclass(frozen=True)
class GrantAssessment:
    """Whether a price (and range) qualifies for a grant, and for how much.

    Attributes
    ----------
    eligible
        True when every condition that can be checked is met.
    amount
        The grant, when the car's band is known (0 when not eligible); else None.
    amounts_by_band
        The grant in each band (0 when not eligible).
    reasons
        Why the car does not qualify, one sentence each (empty when it does).
    not_checked
        Conditions of the scheme that evtwin cannot check.
    """

    scheme: str
    currency: str
    starting_price: float
    configured_price: float
    starting_cap: float
    variant_cap: float | None
    wltp_range_mi: float | None
    band: str | None
    eligible: bool
    amount: float | None
    amounts_by_band: dict[str, float]
    reasons: tuple[str, ...]
    not_checked: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, amounts suffixed with the currency."""
        c = self.currency
        amounts = list(self.amounts_by_band.values())
        return {
            "scheme": self.scheme,
            "eligible": self.eligible,
            "band": self.band,
            f"starting_price_{c}": self.starting_price,
            f"configured_price_{c}": self.configured_price,
            f"starting_price_cap_{c}": self.starting_cap,
            f"variant_price_cap_{c}": self.variant_cap,
            "wltp_range_mi": self.wltp_range_mi,
            f"amount_{c}": self.amount,
            f"amounts_by_band_{c}": dict(self.amounts_by_band),
            f"net_price_{c}": (
                self.configured_price - self.amount if self.amount is not None else None
            ),
            f"net_price_low_{c}": self.configured_price - max(amounts),
            f"net_price_high_{c}": self.configured_price - min(amounts),
            "reasons": list(self.reasons),
            "not_checked": list(self.not_checked),
        }


def assess(
    rule: GrantRule,
    *,
    starting_price: float,
    configured_price: float | None = None,
    band: str | None = None,
    wltp_range_km: float | None = None,
) -> GrantAssessment:
    """Apply a grant rule to a car's prices (in the rule's currency) and range.

    Parameters
    ----------
    rule
        The scheme.
    starting_price
        The price of the car's cheapest version.
    configured_price
        The price that counts against the variant cap (default: the starting price).
    band
        The car's band, if assessed; otherwise every band's amount is reported.
    wltp_range_km
        WLTP range, checked against the scheme's minimum when given.
    """
    configured = starting_price if configured_price is None else configured_price
    if band is not None:
        rule.band(band)
    c = rule.currency
    start_cap = rule.cap("starting")
    assert start_cap is not None
    variant_cap = rule.cap("variant")

    def within(p: float, cap: float) -> bool:
        return p <= cap if rule.cap_inclusive else p < cap

    word = "at or under" if rule.cap_inclusive else "under"
    reasons = []
    if not within(starting_price, start_cap.value):
        reasons.append(
            f"starting price {starting_price:,.0f} {c.upper()} is not {word} the "
            f"{start_cap.value:,.0f} cap"
        )
    if variant_cap is not None and not within(configured, variant_cap.value):
        reasons.append(
            f"configured price {configured:,.0f} {c.upper()} is not {word} the variant cap "
            f"of {variant_cap.value:,.0f}"
        )
    range_mi = None if wltp_range_km is None else wltp_range_km * 1000.0 / MILE
    not_checked = list(rule.conditions_not_modelled)
    if rule.min_wltp_range_mi is not None:
        if range_mi is None:
            not_checked.append(f"WLTP range of at least {rule.min_wltp_range_mi.value:g} miles")
        elif range_mi < rule.min_wltp_range_mi.value:
            reasons.append(
                f"WLTP range {range_mi:.0f} mi is below the scheme's "
                f"{rule.min_wltp_range_mi.value:g} mi minimum"
            )
    eligible = not reasons
    by_band = {b.id: (b.amount(c).value if eligible else 0.0) for b in rule.bands}
    return GrantAssessment(
        scheme=rule.scheme,
        currency=c,
        starting_price=starting_price,
        configured_price=configured,
        starting_cap=start_cap.value,
        variant_cap=variant_cap.value if variant_cap else None,
        wltp_range_mi=range_mi,
        band=band,
        eligible=eligible,
        amount=by_band[band] if band is not None else None,
        amounts_by_band=by_band,
        reasons=tuple(reasons),
        not_checked=tuple(not_checked),
    )


def assess_build(
    build: Build,
    rule: GrantRule | None = None,
    *,
    corner: Corner = "nominal",
    band: str | None = None,
    wltp_range_km: float | None = None,
) -> GrantAssessment:
    """Apply a grant rule (by default the UK's) to a build's price at one end of its range.

    The starting price is the vehicle's base price; the configured price counts the
    options the rule says count (``configured_price_includes``). ``band`` defaults to
    the rule's assessment of the vehicle, if it has one.

    Raises
    ------
    PriceUnavailableError
        If the build has no price in the rule's currency.
    """
    rule = rule if rule is not None else load_grant_rule("uk")
    bill = price(build, rule.currency)
    start = bill.base.at(corner)
    if rule.configured_price_includes == "none":
        configured = start
    else:
        cat = build.catalogue
        configured = start + sum(
            ln.amount.at(corner)
            for ln in bill.lines
            if ln.amount is not None
            and (
                rule.configured_price_includes == "all_options"
                or (cat is not None and cat.option(ln.option).affects_powertrain)
            )
        )
    return assess(
        rule,
        starting_price=start,
        configured_price=configured,
        band=band if band is not None else rule.vehicle_bands.get(build.vehicle.id),
        wltp_range_km=wltp_range_km,
    )


__all__ = [
    "GrantAssessment",
    "GrantBand",
    "GrantRule",
    "assess",
    "assess_build",
    "grant_regions",
    "load_grant_rule",
    "parse_grant_rule",
]
