"""The price of a build: the vehicle's base price plus its options, per currency.

A build has a price in a currency when the vehicle has a base price in it
(``price.base_gbp``...) and every option the buyer pays for has a price in it.
Standard choices and options a pack includes cost nothing extra. Low and high
totals add the low and high ends of every price: the widest span the figures
allow, not a probability interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..specs import Figure, VehicleSpec
from ..specs.figure import Corner
from .build import Build
from .options import CURRENCIES

_CORNERS: tuple[Corner, ...] = ("low", "nominal", "high")


@dataclass(frozen=True)
class PriceLine:
    """One option on the bill.

    ``amount`` is the option's price (None when it is standard or included);
    ``included_in`` names the pack that brings it; ``standard`` marks a group's default.
    """

    option: str
    name: str
    amount: Figure | None
    standard: bool = False
    included_in: str | None = None

    def to_dict(self, currency: str) -> dict[str, Any]:
        """JSON-ready, the amounts suffixed with the currency."""
        a = self.amount
        return {
            "option": self.option,
            "name": self.name,
            f"price_{currency}": a.value if a else 0.0,
            f"price_low_{currency}": a.at("low") if a else 0.0,
            f"price_high_{currency}": a.at("high") if a else 0.0,
            "standard": self.standard,
            "included_in": self.included_in,
        }


@dataclass(frozen=True)
class BuildPrice:
    """The price of a build in one currency.

    Attributes
    ----------
    currency
        ``gbp``, ``eur`` or ``usd``.
    base
        The vehicle's base (list) price.
    lines
        Every option in effect, in catalogue order.
    total, total_low, total_high
        Base plus options, at nominal, low and high ends.

    The base price is also the car's 'from' price: a catalogue's standard choices cost
    nothing and no option has a negative price, so nothing is cheaper.
    """

    vehicle: str
    currency: str
    base: Figure
    lines: tuple[PriceLine, ...]
    total: float
    total_low: float
    total_high: float

    @property
    def options_total(self) -> float:
        """What the options add to the base price."""
        return self.total - self.base.value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready with currency-suffixed keys."""
        c = self.currency
        return {
            "vehicle": self.vehicle,
            "currency": c,
            f"base_{c}": self.base.value,
            f"base_low_{c}": self.base.at("low"),
            f"base_high_{c}": self.base.at("high"),
            f"options_{c}": self.options_total,
            f"total_{c}": self.total,
            f"total_low_{c}": self.total_low,
            f"total_high_{c}": self.total_high,
            "lines": [line.to_dict(c) for line in self.lines],
        }


class PriceUnavailableError(ValueError):
    """A build has no price in a currency; the message says what is missing."""


def base_price(spec: VehicleSpec, currency: str) -> Figure | None:
    """The vehicle's base price in ``currency``, if its file gives one."""
    if currency not in CURRENCIES:
        raise ValueError(f"unknown currency {currency!r}; known: {', '.join(CURRENCIES)}")
    if spec.price is None:
        return None
    fig: Figure | None = getattr(spec.price, f"base_{currency}")
    return fig


def price(build: Build, currency: str = "gbp") -> BuildPrice:
    """The build's price in ``currency``.

    Raises
    ------
    PriceUnavailableError
        If the vehicle has no base price in the currency, or an option the buyer pays
        for has no price in it (naming which).
    """
    base = base_price(build.vehicle, currency)
    if base is None:
        raise PriceUnavailableError(f"{build.vehicle.id} has no base price in {currency.upper()}")
    cat, sel = build.catalogue, build.selection
    lines: list[PriceLine] = []
    missing: list[str] = []
    if cat is not None and sel is not None:
        for oid in sel.all:
            o = cat.option(oid)
            pack = sel.included_by(oid) if oid not in sel.chosen else None
            standard = oid in sel.defaults
            amount = None if (pack or standard) else o.price(currency)
            if amount is None and not (pack or standard):
                missing.append(oid)
            lines.append(PriceLine(oid, o.name, amount, standard, pack))
    if missing:
        raise PriceUnavailableError(
            f"no {currency.upper()} price for option(s) {', '.join(missing)} of {build.vehicle.id}"
        )
    ends = {c: base.at(c) + sum(ln.amount.at(c) for ln in lines if ln.amount) for c in _CORNERS}
    return BuildPrice(
        vehicle=build.vehicle.id,
        currency=currency,
        base=base,
        lines=tuple(lines),
        total=ends["nominal"],
        total_low=ends["low"],
        total_high=ends["high"],
    )


def prices(build: Build) -> dict[str, BuildPrice]:
    """The build's price in every currency where the data give one (may be empty)."""
    out = {}
    for c in CURRENCIES:
        try:
            out[c] = price(build, c)
        except PriceUnavailableError:
            continue
    return out


__all__ = ["BuildPrice", "PriceLine", "PriceUnavailableError", "base_price", "price", "prices"]
