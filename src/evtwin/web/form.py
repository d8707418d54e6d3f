"""The configurator's controls as one value: what a saved build and a share URL hold."""

from __future__ import annotations

from dataclasses import dataclass

from ..configurator.build_request import DEFAULT_VEHICLE, BuildFields
from ..units import KPH, MPH
from .live import BuildKey

#: The sliders' starting place: a mild day, 70 mph.
DEFAULT_TEMPERATURE_C = 20.0
DEFAULT_SPEED_KPH = round(70.0 * MPH / KPH)


@dataclass(frozen=True)
class BuildForm:
    """A build and the conditions of its steady run, as the page shows them."""

    vehicle: str = DEFAULT_VEHICLE
    options: tuple[str, ...] = ()
    passengers: int = 0
    payload_kg: float = 0.0
    trailer: str | None = None
    temperature_c: float = DEFAULT_TEMPERATURE_C
    speed_kph: float = DEFAULT_SPEED_KPH

    def key(self) -> BuildKey:
        """The build without the conditions (what the headline figures depend on)."""
        return BuildKey(self.vehicle, self.options, self.passengers, self.payload_kg, self.trailer)

    def fields(self) -> BuildFields:
        """As saved and shared (validated: bounds and ids are checked here)."""
        return BuildFields(
            vehicle=self.vehicle,
            options=list(self.options),
            passengers=self.passengers,
            payload_kg=self.payload_kg,
            trailer=self.trailer,
            temperature_c=self.temperature_c,
            speed_kph=self.speed_kph,
        )

    @classmethod
    def from_fields(cls, b: BuildFields) -> BuildForm:
        """A saved or shared build; conditions it leaves open take the defaults."""
        return cls(
            vehicle=b.vehicle,
            options=tuple(b.options),
            passengers=b.passengers,
            payload_kg=b.payload_kg,
            trailer=b.trailer,
            temperature_c=DEFAULT_TEMPERATURE_C if b.temperature_c is None else b.temperature_c,
            speed_kph=DEFAULT_SPEED_KPH if b.speed_kph is None else b.speed_kph,
        )


__all__ = ["DEFAULT_SPEED_KPH", "DEFAULT_TEMPERATURE_C", "BuildForm"]
