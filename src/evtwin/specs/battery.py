"""The traction battery."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from .base import SpecModel
from .figure import FractionFigure, PositiveFigure
from .table import Map2D, OcvCurve

Chemistry = Literal["nmc", "nca", "lfp"]
VoltageClass = Literal["400V", "800V"]

#: Nominal pack voltage bounds of each class [V]; packs outside these are mislabelled.
VOLTAGE_CLASS_BOUNDS: dict[str, tuple[float, float]] = {
    "400V": (250.0, 500.0),
    "800V": (500.0, 950.0),
}


class Battery(SpecModel):
    """A lithium-ion traction battery as an equivalent circuit (OCV and a resistance).

    Parameters
    ----------
    chemistry
        Cathode family; sets the default open-circuit-voltage shape.
    gross_energy_kwh, usable_energy_kwh
        Installed and usable (net) energy at the nominal voltage.
    nominal_voltage_v, voltage_class
        Nominal pack voltage and the 400 V / 800 V class it belongs to.
    soc_min, soc_max
        The usable window as fractions of gross capacity. If omitted, the window
        ``usable/gross`` is placed with a third of the reserve at the top and two
        thirds at the bottom (the usual buffer split; estimate).
    resistance_mohm
        DC internal resistance of the pack at 25 C and mid state of charge.
    resistance_table
        Optional resistance [mohm] against temperature ``x`` [C] and state of charge
        ``y``. If omitted, ``resistance_mohm`` scaled by an Arrhenius temperature law
        and the chemistry's state-of-charge shape.
    ocv
        Optional pack open-circuit voltage against state of charge. If omitted, the
        chemistry's normalised curve scaled to ``nominal_voltage_v``.
    max_discharge_power_kw, max_charge_power_kw
        Peak power the pack delivers and accepts (regeneration, DC charging) when warm.
    """

    chemistry: Chemistry
    gross_energy_kwh: PositiveFigure
    usable_energy_kwh: PositiveFigure
    nominal_voltage_v: PositiveFigure
    voltage_class: VoltageClass
    soc_min: FractionFigure | None = None
    soc_max: FractionFigure | None = None
    resistance_mohm: PositiveFigure
    resistance_table: Map2D | None = None
    ocv: OcvCurve | None = None
    max_discharge_power_kw: PositiveFigure
    max_charge_power_kw: PositiveFigure

    @model_validator(mode="after")
    def _consistent(self) -> Battery:
        if self.usable_energy_kwh.value > self.gross_energy_kwh.value:
            raise ValueError(
                f"usable_energy_kwh ({self.usable_energy_kwh.value:g}) exceeds "
                f"gross_energy_kwh ({self.gross_energy_kwh.value:g})"
            )
        lo, hi = VOLTAGE_CLASS_BOUNDS[self.voltage_class]
        if not lo <= self.nominal_voltage_v.value <= hi:
            raise ValueError(
                f"nominal_voltage_v {self.nominal_voltage_v.value:g} V is outside the "
                f"{self.voltage_class} class ({lo:g}-{hi:g} V)"
            )
        if (self.soc_min is None) != (self.soc_max is None):
            raise ValueError("give both soc_min and soc_max, or neither")
        if self.soc_min is not None and self.soc_max is not None:
            if self.soc_min.value >= self.soc_max.value:
                raise ValueError(
                    f"soc_min ({self.soc_min.value:g}) must be below "
                    f"soc_max ({self.soc_max.value:g})"
                )
            window = self.soc_max.value - self.soc_min.value
            share = self.usable_energy_kwh.value / self.gross_energy_kwh.value
            if abs(window - share) > 0.03:
                raise ValueError(
                    f"soc window {window:.3f} (soc_max - soc_min) disagrees with "
                    f"usable/gross = {share:.3f} by more than 0.03"
                )
        if self.resistance_table is not None:
            ys = self.resistance_table.y
            if ys[0] < 0.0 or ys[-1] > 1.0:
                raise ValueError("resistance_table.y (state of charge) must lie within 0 and 1")
            if any(v <= 0 for row in self.resistance_table.z for v in row):
                raise ValueError("resistance_table.z (resistance, mohm) must be positive")
        return self

    @property
    def soc_window(self) -> tuple[float, float]:
        """Nominal usable window (bottom, top) as fractions of gross capacity.

        Its width is always ``usable/gross``, so that the usable energy is what the
        file says; its top is ``soc_max`` when given.
        """
        share = self.usable_energy_kwh.value / self.gross_energy_kwh.value
        top = self.soc_max.value if self.soc_max is not None else 1.0 - (1.0 - share) / 3.0
        return max(top - share, 0.0), top
