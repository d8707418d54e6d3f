"""A vehicle: the composition of its parts, and the sources they cite."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, Literal, Self

from pydantic import PrivateAttr, field_validator, model_validator

from .base import SpecModel
from .battery import Battery
from .body import Body
from .climate import Climate
from .equipment import Auxiliary, Charging, Price
from .figure import ESTIMATE
from .geometry import Geometry
from .mass import Mass
from .motor import Axle
from .ratings import Claim, Ratings
from .road_load import CoastDownKph, CoastDownMph
from .sources import Source
from .tyre import Tyres
from .walk import iter_sourced

Status = Literal["production", "announced", "rumoured"]
Drive = Literal["fwd", "rwd", "awd"]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class VehicleSpec(SpecModel):
    """Everything evtwin knows about one vehicle, each figure with its source.

    Parameters
    ----------
    id
        Slug used on the command line (``defender-sport``).
    name, make, model, variant, model_year
        What the vehicle is.
    status
        ``production`` (on sale, official data), ``announced`` (revealed, partial
        data) or ``rumoured`` (press reports only).
    sources
        Citation table; every ``source`` in the file is one of its keys or ``estimate``.
    body, mass, tyres, battery, auxiliary, charging
        The parts.
    front_axle, rear_axle
        The driven axles; at least one.
    coastdown
        Measured road load, if published. When given, it replaces the road load
        computed from the body and tyres at the reference conditions.
    climate
        Cabin heating and cooling (heat pump or not); estimated from the body when absent.
    geometry
        Off-road geometry (the body's lower outline, ride heights, articulation, wading
        depth), for approach, breakover and departure angles; optional.
    price
        List prices.
    ratings
        Official results, used to validate the twin.
    claims
        Published claims about results, kept to be checked.
    """

    schema_version: Literal[1] = 1
    id: str
    name: str
    make: str
    model: str
    variant: str | None = None
    model_year: int
    status: Status
    notes: str | None = None
    sources: dict[str, Source]
    body: Body
    mass: Mass
    tyres: Tyres
    battery: Battery
    front_axle: Axle | None = None
    rear_axle: Axle | None = None
    auxiliary: Auxiliary
    charging: Charging
    coastdown: CoastDownKph | CoastDownMph | None = None
    climate: Climate | None = None
    geometry: Geometry | None = None
    price: Price | None = None
    ratings: Ratings | None = None
    claims: tuple[Claim, ...] = ()

    _hash: str | None = PrivateAttr(default=None)

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError(f"id {v!r} must be a lowercase slug such as 'defender-sport'")
        return v

    @field_validator("model_year")
    @classmethod
    def _year(cls, v: int) -> int:
        if not 1990 <= v <= 2040:
            raise ValueError(f"model_year {v} is not between 1990 and 2040")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> VehicleSpec:
        if self.front_axle is None and self.rear_axle is None:
            raise ValueError("a vehicle needs front_axle, rear_axle or both")
        if ESTIMATE in self.sources:
            raise ValueError(f"sources may not define the reserved key {ESTIMATE!r}")
        for path, key in iter_sourced(self):
            if path.startswith("sources."):
                continue
            if key != ESTIMATE and key not in self.sources:
                raise ValueError(
                    f"{path}.source {key!r} is not a key of sources "
                    f"(known: {', '.join(sorted(self.sources)) or 'none'}) nor 'estimate'"
                )
        if self.charging.dc_added is not None:
            # Its range needs the car's rating on the same test to mean a charge.
            self.charging.dc_added.as_charge_time(self.ratings)
        ids = [c.id for c in self.claims]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"claims ids must be unique; repeated: {', '.join(sorted(dup))}")
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy (see pydantic); its content hash is worked out afresh.

        An ``update`` is not validated: prefer ``evtwin.study.corners.with_figures``,
        which validates, to change figures.
        """
        copy = super().model_copy(update=update, deep=deep)
        copy._hash = None
        return copy

    @property
    def content_hash(self) -> str:
        """SHA-256 of the spec's canonical JSON: equal specs, equal hashes (cached)."""
        # Read from pydantic's private store directly: its attribute lookup of a private
        # field takes some 3 us, and the simulation caches ask for this hash about twenty
        # times in one evaluation of a build.
        private = self.__pydantic_private__
        cached = private.get("_hash") if private is not None else None
        if cached is None:
            cached = hashlib.sha256(self.model_dump_json().encode()).hexdigest()
            self._hash = cached
        return cached

    @property
    def drive(self) -> Drive:
        """Which axles are driven."""
        if self.front_axle is not None and self.rear_axle is not None:
            return "awd"
        return "fwd" if self.front_axle is not None else "rwd"

    @property
    def axles(self) -> tuple[tuple[str, Axle], ...]:
        """The driven axles as ``(name, axle)`` pairs, front first."""
        out: list[tuple[str, Axle]] = []
        if self.front_axle is not None:
            out.append(("front", self.front_axle))
        if self.rear_axle is not None:
            out.append(("rear", self.rear_axle))
        return tuple(out)
