"""A configured build beside its base car: every figure, the price, the grant and the
running cost, each simulated afresh for both.

The base car carries the same people, payload and trailer as the build, so the
differences are those of the options alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..configurator import (
    OCCUPANT_KG,
    Build,
    BuildPrice,
    GrantAssessment,
    PriceUnavailableError,
    RunningCost,
    assess_build,
    configure,
    price,
    running_cost,
)
from .figures import ROWS, Figures, figures


@dataclass(frozen=True)
class Money:
    """What a build costs to buy and to run (None where no price data exists)."""

    price: BuildPrice | None
    grant: GrantAssessment | None
    running: RunningCost  # at the real-world consumption
    note: str | None  # why a price or grant is missing

    def to_dict(self) -> dict[str, Any]:
        return {
            "price": self.price.to_dict() if self.price else None,
            "grant": self.grant.to_dict() if self.grant else None,
            "running_cost": self.running.to_dict(),
            "note": self.note,
        }


@dataclass(frozen=True)
class BuildComparison:
    """A build's figures and money beside its base car's."""

    build: Build
    base: Figures
    configured: Figures
    base_money: Money
    configured_money: Money

    def rows(self) -> list[dict[str, Any]]:
        """Side-by-side rows: label, unit, base, build and their difference."""
        a, b = self.base.flat(), self.configured.flat()
        rows = []
        for r in ROWS:
            x, y = a[r.key], b[r.key]
            if x is None and y is None:
                continue
            rows.append(
                {
                    "key": r.key,
                    "label": r.label,
                    "unit": r.unit,
                    "better": r.better,
                    "digits": r.digits,
                    "base": x,
                    "build": y,
                    "change": None if x is None or y is None else y - x,
                }
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "build": self.build.to_dict(),
            "figures": [
                {k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}
                for row in self.rows()
            ],
            "base_money": self.base_money.to_dict(),
            "build_money": self.configured_money.to_dict(),
            "base": self.base.to_dict(),
            "configured": self.configured.to_dict(),
        }


def money(build: Build, fig: Figures) -> Money:
    """Price (GBP), the UK grant at the nominal price and the running cost of a build."""
    note = None
    bill: BuildPrice | None = None
    grant: GrantAssessment | None = None
    try:
        bill = price(build, "gbp")
        grant = assess_build(build, wltp_range_km=fig.wltp_range_km)
    except PriceUnavailableError as exc:
        note = str(exc)
    return Money(bill, grant, running_cost(fig.real_world_wall_kwh_per_100km), note)


def compare_build(build: Build) -> BuildComparison:
    """Simulate a build and its base car (same load and trailer) and price both."""
    base_build = configure(
        build.vehicle,
        (),
        passengers=0,
        payload_kg=0.0,
        catalogue=build.catalogue,
    )
    load = build.load_kg - OCCUPANT_KG  # aboard beyond the driver
    trailer = build.trailer.to_sim() if build.trailer is not None else None
    base = figures(base_build.spec, load_kg=load, trailer=trailer)
    configured = figures(build.spec, load_kg=load, trailer=trailer)
    return BuildComparison(
        build=build,
        base=base,
        configured=configured,
        base_money=money(base_build, base),
        configured_money=money(build, configured),
    )


__all__ = ["BuildComparison", "Money", "compare_build", "money"]
