"""Traction motors, their inverters, and the axles that carry them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import model_validator

from .base import SpecModel
from .figure import (
    ESTIMATE,
    EfficiencyFigure,
    Figure,
    NonNegativeFigure,
    PositiveFigure,
    bounded,
)
from .table import Map2D

MotorType = Literal["pmsm", "induction", "eesm"]


class LossModel(SpecModel):
    """Coefficients of evtwin's motor and inverter loss model (see ``physics.motor``).

    Each is a loss as a fraction of the motor's peak power at a reference point, so
    that one set of fractions describes motors of any size. All are dimensionless.
    """

    copper_at_peak_torque: float
    iron_at_max_speed: float
    mechanical_at_max_speed: float
    field_weakening_at_max_speed: float
    inverter_switching_at_peak_torque: float
    inverter_conduction_at_peak_torque: float
    inverter_standby: float
    source: str
    basis: str | None = None

    @model_validator(mode="after")
    def _check(self) -> LossModel:
        for name in type(self).model_fields:
            if name in ("source", "basis"):
                continue
            v = getattr(self, name)
            if not 0.0 <= v < 0.5:
                raise ValueError(f"{name} must be a fraction between 0 and 0.5, got {v:g}")
        if self.source == ESTIMATE and not self.basis:
            raise ValueError("an estimate must state its basis")
        return self


# Plausibility bounds of one axle's drive unit, well beyond any road vehicle's (the
# largest shaft figures of heavy-truck e-axles are a few thousand N m and under 1 MW):
# a value past them is a typing error, and the loss maps and axle split, tabulated up
# to the peak torque, would lose all resolution at road loads.
_ShaftPower = Annotated[Figure, bounded(gt=0, le=2000.0)]
_ShaftTorque = Annotated[Figure, bounded(gt=0, le=10_000.0)]
_ShaftSpeed = Annotated[Figure, bounded(gt=0, le=50_000.0)]


class Motor(SpecModel):
    """The electric drive unit of one axle (all its motors together) and its inverter.

    Parameters
    ----------
    type
        ``pmsm`` (permanent magnet synchronous), ``induction`` or ``eesm``
        (electrically excited synchronous).
    peak_power_kw, peak_torque_nm
        Short-time (about 10 s) mechanical output at the motor shaft.
    continuous_power_kw, continuous_torque_nm
        Thermally sustainable output (30 min rating, UN R85 for power).
    max_speed_rpm
        Highest shaft speed.
    rotor_inertia_kgm2
        Rotor polar moment of inertia.
    loss_model
        Loss coefficients; by default those of the motor type (``physics.motor``).
    efficiency_map
        Optional measured map: efficiency ``z`` (0-1) against shaft speed ``x``
        [rpm] and torque ``y`` [N m, >= 0], motor and inverter together. Overrides
        ``loss_model`` where it covers the operating point; regeneration uses the
        same losses at the mirrored torque.
    """

    type: MotorType
    peak_power_kw: _ShaftPower
    peak_torque_nm: _ShaftTorque
    continuous_power_kw: _ShaftPower | None = None
    continuous_torque_nm: _ShaftTorque | None = None
    max_speed_rpm: _ShaftSpeed
    rotor_inertia_kgm2: PositiveFigure | None = None
    loss_model: LossModel | None = None
    efficiency_map: Map2D | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Motor:
        if self.continuous_power_kw and self.continuous_power_kw.value > self.peak_power_kw.value:
            raise ValueError("continuous_power_kw exceeds peak_power_kw")
        if (
            self.continuous_torque_nm
            and self.continuous_torque_nm.value > self.peak_torque_nm.value
        ):
            raise ValueError("continuous_torque_nm exceeds peak_torque_nm")
        base_rpm = self.peak_power_kw.value * 1e3 / self.peak_torque_nm.value * 60 / 6.283185307
        if base_rpm >= self.max_speed_rpm.value:
            raise ValueError(
                f"peak_power_kw / peak_torque_nm gives a base speed of {base_rpm:.0f} rpm, "
                f"not below max_speed_rpm ({self.max_speed_rpm.value:g})"
            )
        if self.efficiency_map is not None:
            m = self.efficiency_map
            if m.x[0] < 0 or m.y[0] < 0:
                raise ValueError("efficiency_map axes (speed rpm, torque N m) must be >= 0")
            if any(not 0.0 < v <= 1.0 for row in m.z for v in row):
                raise ValueError("efficiency_map.z values must be efficiencies in (0, 1]")
        return self


class Axle(SpecModel):
    """A driven axle: its drive unit, its fixed reduction, and whether it can disconnect.

    Parameters
    ----------
    motor
        The axle's drive unit.
    ratio
        Overall reduction, motor revolutions per wheel revolution.
    gear_efficiency
        Mesh efficiency of the reduction and differential under load (per direction).
    drag_torque_nm
        Torque at the wheels that spins the reduction and differential with no load
        (bearings, seals, oil churning).
    disconnect
        True if a clutch decouples the motor when the axle is not driving, so the
        idle motor adds no drag.
    """

    motor: Motor
    ratio: PositiveFigure
    gear_efficiency: EfficiencyFigure
    drag_torque_nm: NonNegativeFigure
    disconnect: bool = False

    @model_validator(mode="after")
    def _drag_below_drive(self) -> Axle:
        # No-load drag is a few N m at the wheels (2-5 in the shipped files, against
        # thousands the motor drives through the reduction). A tenth of the motor's peak
        # torque at the wheels is no drive unit, and a drag beyond its torque would hold
        # the car still: a car that cannot move has no range to report.
        limit = 0.1 * self.motor.peak_torque_nm.value * self.ratio.value
        d = self.drag_torque_nm
        top = d.high if d.high is not None else d.value
        if top >= limit:
            raise ValueError(
                f"drag_torque_nm ({top:g} N m at the wheels) must be below a tenth of the "
                f"motor's peak torque at the wheels ({limit:g} N m)"
            )
        return self
