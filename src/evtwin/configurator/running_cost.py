"""Energy cost per distance: a consumption figure and a region's electricity tariffs.

The tariffs are data (``src/evtwin/data/tariffs/<region>.yaml``): prices per kWh at
home and at public chargers, each with its source and date, and a default home
rate, public rate and share of energy bought at home. The cost per distance is

    cost = consumption x (home_share x home_rate + (1 - home_share) x public_rate)

with the consumption as energy bought per distance (a car's AC consumption, which
counts its charging losses). Low and high figures take every price and the home
share at the ends that lower or raise the cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, model_validator

from ..specs.base import SpecModel
from ..specs.figure import ESTIMATE, Figure, FractionFigure, PositiveFigure
from ..specs.sources import Source
from ..specs.walk import iter_sourced
from ..units import KWH, MILE
from ._files import package_names, package_text, read_yaml, validate

_PACKAGE = "evtwin.data.tariffs"


class Rate(SpecModel):
    """One electricity price: where it is paid and how much per kWh."""

    name: str
    at: Literal["home", "public"]
    gbp_per_kwh: PositiveFigure | None = None
    eur_per_kwh: PositiveFigure | None = None
    usd_per_kwh: PositiveFigure | None = None

    def per_kwh(self, currency: str) -> Figure:
        """The price per kWh in ``currency``."""
        fig: Figure | None = getattr(self, f"{currency}_per_kwh")
        if fig is None:
            raise ValueError(f"rate {self.name!r} has no price in {currency}")
        return fig


class TariffDefaults(SpecModel):
    """The default mix: which home and public rates, and the share bought at home."""

    home_rate: str
    public_rate: str
    home_share: FractionFigure


class Tariffs(SpecModel):
    """A region's electricity prices for charging (see the module docstring)."""

    schema_version: Literal[1] = 1
    region: str
    currency: Literal["gbp", "eur", "usd"]
    as_of: str
    notes: str | None = None
    sources: dict[str, Source] = Field(default_factory=dict)
    rates: dict[str, Rate]
    defaults: TariffDefaults

    @model_validator(mode="after")
    def _consistent(self) -> Tariffs:
        for key, r in self.rates.items():
            r.per_kwh(self.currency)
            if not r.name.strip():
                raise ValueError(f"rates.{key}.name must not be empty")
        d = self.defaults
        for field, at in (("home_rate", "home"), ("public_rate", "public")):
            key = getattr(d, field)
            if key not in self.rates:
                raise ValueError(f"defaults.{field}: no rate {key!r}")
            if self.rates[key].at != at:
                raise ValueError(f"defaults.{field}: rate {key!r} is not a {at} rate")
        for path, key in iter_sourced(self):
            if not path.startswith("sources.") and key != ESTIMATE and key not in self.sources:
                raise ValueError(f"{path}.source {key!r} is not a key of sources")
        return self


def tariff_regions() -> list[str]:
    """Regions with shipped tariffs."""
    return package_names(_PACKAGE)


def load_tariffs(region: str = "uk") -> Tariffs:
    """The shipped tariffs of a region (``FileNotFoundError`` if there are none)."""
    text = package_text(_PACKAGE, f"{region}.yaml")
    if text is None:
        raise FileNotFoundError(
            f"no tariffs for {region!r}; regions: {', '.join(tariff_regions()) or 'none'}"
        )
    return parse_tariffs(text, f"tariffs/{region}.yaml")


def parse_tariffs(text: str, file: str = "<string>") -> Tariffs:
    """Validate the YAML text of a tariffs file (``ConfigError`` naming fields and lines)."""
    return _parse_tariffs(text, file)


@lru_cache(maxsize=16)
def _parse_tariffs(text: str, file: str) -> Tariffs:
    # Tariffs are frozen, so one parse may be shared. Keyed on the text itself, so an
    # edited file is read afresh; parsing and validating is about 1 ms, which every
    # running cost (each configurator evaluation) would otherwise pay. A file that
    # fails is not remembered (lru_cache keeps no exceptions).
    data, locate = read_yaml(text, file, "tariffs file")
    return validate(Tariffs, data, file, "tariffs file", locate)


@dataclass(frozen=True)
class RunningCost:
    """Energy cost per distance of driving, with its low and high ends.

    Attributes
    ----------
    consumption
        Energy bought per distance [J/m].
    price, price_low, price_high
        Blended price of energy [currency per J].
    cost, cost_low, cost_high
        Cost per distance [currency per m].
    """

    region: str
    currency: str
    home_rate: str
    public_rate: str
    home_share: float
    consumption: float
    price: float
    price_low: float
    price_high: float
    cost: float
    cost_low: float
    cost_high: float
    as_of: str

    @property
    def per_mi(self) -> float:
        """Cost per mile [currency]."""
        return self.cost * MILE

    @property
    def per_km(self) -> float:
        """Cost per kilometre [currency]."""
        return self.cost * 1000.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready with unit- and currency-suffixed keys."""
        c = self.currency
        return {
            "region": self.region,
            "currency": c,
            "as_of": self.as_of,
            "home_rate": self.home_rate,
            "public_rate": self.public_rate,
            "home_share": self.home_share,
            "consumption_kwh_per_100km": self.consumption * 1e5 / KWH,
            f"price_{c}_per_kwh": self.price * KWH,
            f"price_low_{c}_per_kwh": self.price_low * KWH,
            f"price_high_{c}_per_kwh": self.price_high * KWH,
            f"cost_{c}_per_km": self.per_km,
            f"cost_{c}_per_mi": self.per_mi,
            f"cost_low_{c}_per_mi": self.cost_low * MILE,
            f"cost_high_{c}_per_mi": self.cost_high * MILE,
            f"cost_{c}_per_100km": self.cost * 1e5,
        }


def running_cost(
    consumption_kwh_per_100km: float,
    tariffs: Tariffs | None = None,
    *,
    home_share: float | None = None,
    home_rate: str | None = None,
    public_rate: str | None = None,
) -> RunningCost:
    """Energy cost per distance from a consumption and a region's tariffs.

    Parameters
    ----------
    consumption_kwh_per_100km
        Energy bought per 100 km (an AC, wall-to-wheels consumption) [kWh/100 km].
    tariffs
        The region's tariffs; the UK's by default.
    home_share
        Share of the energy bought at home, 0-1; the tariffs' default when omitted.
    home_rate, public_rate
        Keys of the tariffs' rates; the defaults when omitted.
    """
    t = tariffs if tariffs is not None else load_tariffs("uk")
    if not (math.isfinite(consumption_kwh_per_100km) and consumption_kwh_per_100km > 0):
        raise ValueError(f"consumption_kwh_per_100km must be > 0, got {consumption_kwh_per_100km}")
    d = t.defaults
    home_key = home_rate or d.home_rate
    public_key = public_rate or d.public_rate
    for name, key, at in (("home_rate", home_key, "home"), ("public_rate", public_key, "public")):
        if key not in t.rates:
            raise ValueError(f"{name}: no rate {key!r}; rates: {', '.join(t.rates)}")
        if t.rates[key].at != at:
            raise ValueError(f"{name}: {key!r} is a {t.rates[key].at} rate, not a {at} one")
    if home_share is not None and not 0.0 <= home_share <= 1.0:
        raise ValueError(f"home_share must be between 0 and 1, got {home_share}")
    share = d.home_share if home_share is None else Figure(value=home_share, source="user")
    home = t.rates[home_key].per_kwh(t.currency)
    public = t.rates[public_key].per_kwh(t.currency)

    def blend(s: float, h: float, p: float) -> float:
        return (s * h + (1.0 - s) * p) / KWH

    nominal = blend(share.value, home.value, public.value)
    # Each end: every price at that end, and the share that moves the blend that way.
    ends = [
        blend(s, home.at(c), public.at(c))
        for c in ("low", "high")
        for s in (share.at("low"), share.at("high"))
    ]
    consumption = consumption_kwh_per_100km * KWH / 1e5
    return RunningCost(
        region=t.region,
        currency=t.currency,
        home_rate=home_key,
        public_rate=public_key,
        home_share=share.value,
        consumption=consumption,
        price=nominal,
        price_low=min(ends),
        price_high=max(ends),
        cost=consumption * nominal,
        cost_low=consumption * min(ends),
        cost_high=consumption * max(ends),
        as_of=t.as_of,
    )


__all__ = [
    "Rate",
    "RunningCost",
    "TariffDefaults",
    "Tariffs",
    "load_tariffs",
    "parse_tariffs",
    "running_cost",
    "tariff_regions",
]
