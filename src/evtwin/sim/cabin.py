"""Climate control over a run: the cabin's temperature and the power it draws.

The cabin's heat balance (``evtwin.physics.hvac``) is integrated along the run's
time grid before the drive loop starts, since it depends on time, weather and the
controller but not on how hard the car is driven. The result is the auxiliary
load of every step (the low-voltage base load plus heater, heat pump or air
conditioner and blower), which the compiled loop then draws from the battery.

Controller: an automatic system holding ``setpoint_c``. It heats (or cools) at
full capacity until the cabin reaches the set point, then supplies exactly the
cabin's losses (or gains). Within ``deadband_k`` of the set point, while the
weather alone brings the cabin back toward it, it only ventilates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import NDArray

from ..physics.hvac import (
    cooling_cop,
    heat_pump_cop,
    occupant_gain,
    solar_gain,
    ventilation_loss,
)
from ..specs.vehicle import VehicleSpec
from ..units import ZERO_CELSIUS
from .conditions import Ambient

#: Overall heat-transfer coefficient of a car's cabin envelope [W/(m^2 K)]: about
#: 5.5 for glazing and 1-2 for insulated panels, area-weighted with ~20 % glass at
#: road speed (Lee et al., SAE 2015-01-0358; Kambly & Bradley 2014 give cabin UA of
#: 30-60 W/K for cars of 15-25 m^2 envelope).
ENVELOPE_U = 2.3
#: Heat capacity of cabin air, seats and trim per m^2 of envelope [J/(m^2 K)]: it
#: gives 50-90 kJ/K for a car, the range of lumped cabin models fitted to warm-up
#: tests (Lee et al. 2015), and a 10-15 min warm-up at 6 kW from -7 C.
CABIN_CAPACITY_PER_AREA = 3500.0
#: Share of the cabin envelope that is glass [-].
GLAZING_SHARE = 0.18
#: Share of sunlight on the glass that ends up as heat in the cabin [-]
#: (solar transmittance of laminated/tinted automotive glass, 0.4-0.6).
SOLAR_TRANSMITTANCE = 0.5
#: Fresh air an automatic system draws with partial recirculation [kg/s]
#: (SAE J2765 test points: 3-6 kg/min total flow, about a third fresh when heating).
FRESH_AIR = 0.035
#: Default heater capacity [W]: the 5-7 kW PTC heaters of current EVs.
HEATER_MAX = 6000.0
#: Default cooling capacity [W, thermal].
COOLING_MAX = 5000.0
#: Blower and controls while the system runs [W].
BLOWER = 150.0
#: Below this outside temperature [K] a heat pump gives way to the resistive heater.
HEAT_PUMP_MIN = ZERO_CELSIUS - 20.0


@dataclass(frozen=True)
class CabinParameters:
    """A cabin's thermal figures in SI units (see :func:`cabin_parameters`)."""

    conductance: float  # UA [W/K]
    heat_capacity: float  # [J/K]
    glazing_area: float  # [m^2]
    heater_max: float  # [W thermal]
    cooling_max: float  # [W thermal]
    blower: float  # [W electrical]
    heat_pump: bool


def _envelope_area(spec: VehicleSpec) -> float:
    """Inside surface of the cabin [m^2], approximated as a box.

    The cabin spans ~60 % of the car's length, ~90 % of its width and its height less
    ~0.45 m of floor, battery and underbody.
    """
    b = spec.body
    length = 0.6 * b.length_mm.value / 1000.0
    width = 0.9 * b.width_mm.value / 1000.0
    height = max(b.height_mm.value / 1000.0 - 0.45, 0.8)
    return 2.0 * (length * width + length * height + width * height)


def _estimate(spec: VehicleSpec) -> CabinParameters:
    area = _envelope_area(spec)
    c = spec.climate

    def pick(fig: object, default: float, scale: float = 1.0) -> float:
        value = getattr(fig, "value", None)
        return default if value is None else float(value) * scale

    return CabinParameters(
        conductance=pick(c and c.cabin_conductance_w_per_k, ENVELOPE_U * area),
        heat_capacity=pick(
            c and c.cabin_heat_capacity_kj_per_k, CABIN_CAPACITY_PER_AREA * area, 1e3
        ),
        glazing_area=pick(c and c.glazing_area_m2, GLAZING_SHARE * area),
        heater_max=pick(c and c.heater_max_kw, HEATER_MAX, 1e3),
        cooling_max=pick(c and c.cooling_max_kw, COOLING_MAX, 1e3),
        blower=pick(c and c.blower_w, BLOWER),
        heat_pump=bool(c is not None and c.heat_pump.value),
    )


_CACHE: dict[str, CabinParameters] = {}


def cabin_parameters(spec: VehicleSpec) -> CabinParameters:
    """The cabin's figures from the spec, estimated from the body where it is silent."""
    key = spec.content_hash
    hit = _CACHE.get(key)
    if hit is None:
        if len(_CACHE) > 1024:
            _CACHE.clear()
        hit = _CACHE[key] = _estimate(spec)
    return hit


@dataclass(frozen=True)
class ClimateControl:
    """What the occupants ask of the climate control.

    Parameters
    ----------
    setpoint_c
        Cabin temperature the automatic system holds [C], 16 to 28.
    enabled
        False for "climate control off" (ventilation only, no heating or cooling).
    occupants
        People aboard (their body heat warms the cabin).
    cabin_start_c
        Cabin temperature at the start [C]; by default the air temperature (a car
        soaked outside).
    presoak_s
        Time parked in the weather (sun included) before the run, key off [s].
    deadband_k
        Band around the set point in which the system only ventilates [K].
    """

    setpoint_c: float = 22.0
    enabled: bool = True
    occupants: int = 1
    cabin_start_c: float | None = None
    presoak_s: float = 0.0
    deadband_k: float = 1.0

    def __post_init__(self) -> None:
        checks = {
            "setpoint_c": (self.setpoint_c, 16.0, 28.0),
            "occupants": (self.occupants, 0, 9),
            "presoak_s": (self.presoak_s, 0.0, 86_400.0),
            "deadband_k": (self.deadband_k, 0.0, 5.0),
        }
        if self.cabin_start_c is not None:
            checks["cabin_start_c"] = (self.cabin_start_c, -40.0, 80.0)
        for name, (value, lo, hi) in checks.items():
            if not (isinstance(value, int | float) and math.isfinite(value) and lo <= value <= hi):
                raise ValueError(f"{name} must be a number from {lo:g} to {hi:g}, got {value!r}")


#: Climate control off: ventilation only.
CLIMATE_OFF = ClimateControl(enabled=False)


@dataclass(frozen=True)
class CabinRun:
    """Cabin temperature and climate-control power along a run (time last)."""

    cabin_temperature: NDArray[np.float64]  # (n_t,) [K] at the start of each step
    thermal: NDArray[np.float64]  # (n_t,) heat put in (+) or taken out (-) [W]
    electrical: NDArray[np.float64]  # (n_t,) climate control's electrical draw [W]


@njit(cache=True)
def _integrate(  # type: ignore[no-untyped-def]
    dt, key_on, t_c, t_amb, t_set, sun, people, loss_k, ua, cap, q_heat, q_cool, deadband,
    enabled, cop_heat, cop_cool, blower,
):  # fmt: skip
    n = dt.shape[0]
    temp = np.empty(n)
    thermal = np.zeros(n)
    electric = np.zeros(n)
    t_eq_off = t_amb + sun / ua
    for k in range(n):
        h = dt[k]
        temp[k] = t_c
        if key_on[k]:
            free = sun + people - loss_k * (t_c - t_amb)  # heat flow with nothing running
            q = 0.0
            if enabled:
                # Heat (cool) to reach the set point within this step, at most at capacity.
                need = cap * (t_set - t_c) / h - free
                # Within the band, let the weather bring the cabin back by itself.
                dev = t_c - t_set
                coast = 1e-3 < abs(dev) <= deadband and dev * free < 0.0
                if not coast:
                    q = min(max(need, -q_cool), q_heat)
                if q > 0.0:
                    electric[k] = q / cop_heat + blower
                elif q < 0.0:
                    electric[k] = -q / cop_cool + blower
                else:
                    electric[k] = blower
            thermal[k] = q
            t_c += h * (free + q) / cap
        else:
            # Parked: exact relaxation toward the sun-warmed equilibrium (a soak is
            # often one long step).
            t_c = t_eq_off + (t_c - t_eq_off) * math.exp(-h * ua / cap)
    return temp, thermal, electric


def cabin_run(
    params: CabinParameters,
    ambient: Ambient,
    control: ClimateControl,
    dt: NDArray[np.float64],
    key_on: NDArray[np.bool_] | None = None,
) -> CabinRun:
    """Integrate the cabin's heat balance over steps ``dt`` [s] (explicit Euler).

    The cabin's time constant (C / (UA + m c_p), 10-20 min) is hundreds of steps of a
    1 Hz trace, so the explicit scheme is accurate and stable. Where ``key_on`` is
    False the car is parked: nothing runs and the cabin drifts toward the weather.
    Heating uses the heat pump down to ``HEAT_PUMP_MIN`` and resistance below it.
    """
    t_amb = ambient.temperature_c + ZERO_CELSIUS
    sun = float(solar_gain(ambient.solar_w_per_m2, params.glazing_area, SOLAR_TRANSMITTANCE))
    t_c = t_amb if control.cabin_start_c is None else control.cabin_start_c + ZERO_CELSIUS
    # Parked before the run: the sun heats the closed cabin (no fresh air, no people).
    if control.presoak_s > 0.0:
        t_eq = t_amb + sun / params.conductance
        t_c = t_eq + (t_c - t_eq) * math.exp(
            -control.presoak_s * params.conductance / params.heat_capacity
        )
    use_hp = params.heat_pump and t_amb >= HEAT_PUMP_MIN
    temp, thermal, electric = _integrate(
        np.ascontiguousarray(dt, dtype=np.float64),
        np.ones(dt.shape[0], dtype=np.bool_) if key_on is None else key_on,
        t_c,
        t_amb,
        control.setpoint_c + ZERO_CELSIUS,
        sun,
        float(occupant_gain(control.occupants)),
        params.conductance + float(ventilation_loss(FRESH_AIR, 1.0, 0.0)),
        params.conductance,
        params.heat_capacity,
        params.heater_max,
        params.cooling_max,
        control.deadband_k,
        control.enabled,
        float(heat_pump_cop(t_amb)) if use_hp else 1.0,
        float(cooling_cop(t_amb)),
        params.blower,
    )
    return CabinRun(cabin_temperature=temp, thermal=thermal, electrical=electric)


def auxiliary_profile(
    spec: VehicleSpec,
    ambient: Ambient,
    control: ClimateControl,
    dt: NDArray[np.float64],
    *,
    base_w: float | None = None,
    key_on: NDArray[np.bool_] | None = None,
) -> NDArray[np.float64]:
    """Auxiliary load of every step [W]: base load plus climate control, zero when parked."""
    run = cabin_run(cabin_parameters(spec), ambient, control, dt, key_on)
    base = spec.auxiliary.base_load_w.value if base_w is None else base_w
    prof = run.electrical + base
    if key_on is not None:
        prof[~key_on] = 0.0
    return prof


__all__ = [
    "CLIMATE_OFF",
    "CabinParameters",
    "CabinRun",
    "ClimateControl",
    "auxiliary_profile",
    "cabin_parameters",
    "cabin_run",
]
