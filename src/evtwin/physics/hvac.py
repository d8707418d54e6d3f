"""Cabin heat balance and the electrical cost of heating and cooling it.

The cabin is one lumped thermal mass (air, seats, trim) at temperature ``T_c``:

    C dT_c/dt = Q_hvac + Q_solar + Q_occupants - (UA + m_dot c_p) (T_c - T_a)

with ``UA`` the conductance of the body and glazing, ``m_dot`` the fresh air drawn
through the cabin, ``T_a`` the outside air. Heat pumps and air conditioners are
described by a fraction of the Carnot coefficient of performance between the
temperatures their heat exchangers run at. References:

- ASHRAE Handbook, Fundamentals (2017), ch. 18 (occupant heat gains) and 1 (moist air);
- J. Lee, et al., "Development of a Cabin Thermal Model...", SAE 2015-01-0358 (lumped cabin);
- S. Kambly, T. Bradley, "Estimating the HVAC energy consumption of plug-in electric
  vehicles", J. Power Sources 259 (2014) 117-124 (cabin loads and heat-pump COP);
- ISO 28580:2018, 8.2 (temperature correction of tyre rolling resistance).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Specific heat of dry air at constant pressure [J/(kg K)].
CP_AIR = 1005.0
#: Sensible heat given off by a seated adult driving [W] (ASHRAE Fundamentals ch. 18,
#: "seated, light work": 70 W sensible of about 130 W in all).
OCCUPANT_SENSIBLE_W = 70.0
#: ISO 28580 temperature correction factor of a passenger-car (C1) tyre [1/K].
TYRE_TEMPERATURE_FACTOR = 0.008
#: ISO 28580 reference temperature [C].
TYRE_REFERENCE_C = 25.0


def _f(x: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(x, dtype=float)


def envelope_loss(ua: ArrayLike, t_cabin: ArrayLike, t_ambient: ArrayLike) -> NDArray[np.float64]:
    """Heat lost through body and glazing [W]: ``UA (T_c - T_a)``.

    ``ua`` [W/K]; temperatures in K or C (only the difference counts).
    """
    return _f(ua) * (_f(t_cabin) - _f(t_ambient))


def ventilation_loss(
    mass_flow: ArrayLike, t_cabin: ArrayLike, t_ambient: ArrayLike
) -> NDArray[np.float64]:
    """Heat carried out by fresh air [W]: ``m_dot c_p (T_c - T_a)``; ``mass_flow`` [kg/s]."""
    return _f(mass_flow) * CP_AIR * (_f(t_cabin) - _f(t_ambient))


def solar_gain(
    irradiance: ArrayLike, glazing_area: ArrayLike, transmittance: ArrayLike
) -> NDArray[np.float64]:
    """Sun's heat absorbed in the cabin [W]: irradiance [W/m^2] x glazing [m^2] x share."""
    return _f(irradiance) * _f(glazing_area) * _f(transmittance)


def occupant_gain(occupants: ArrayLike) -> NDArray[np.float64]:
    """Sensible heat of the people on board [W] (ASHRAE, seated adult)."""
    return _f(occupants) * OCCUPANT_SENSIBLE_W


def heat_pump_cop(
    t_ambient: ArrayLike,
    *,
    t_supply: float = 318.15,
    approach: float = 10.0,
    carnot_fraction: float = 0.4,
    cop_max: float = 4.0,
) -> NDArray[np.float64]:
    """Coefficient of performance of a heat pump heating the cabin [-].

    ``COP = f T_h / (T_h - T_e)``: the condenser at ``t_supply`` [K] (45 C air to the
    cabin) and the evaporator ``approach`` [K] below the outside air ``t_ambient`` [K],
    times the share ``f`` of Carnot a real cycle reaches (0.35-0.45 for R1234yf and
    R744 automotive units, Kambly & Bradley 2014). Bounded to [1, ``cop_max``]: below
    COP 1 the unit is worse than a resistive heater and the controller would not run it.
    """
    t_e = _f(t_ambient) - approach
    lift = np.maximum(t_supply - t_e, 1.0)
    return np.clip(carnot_fraction * t_supply / lift, 1.0, cop_max)


def cooling_cop(
    t_ambient: ArrayLike,
    *,
    t_evaporator: float = 278.15,
    approach: float = 15.0,
    carnot_fraction: float = 0.35,
    cop_max: float = 5.0,
) -> NDArray[np.float64]:
    """Coefficient of performance of the air conditioner [-].

    ``COP = f T_e / (T_c - T_e)`` with the evaporator at ``t_evaporator`` [K] (5 C, to
    dry the air) and the condenser ``approach`` [K] above the outside air [K]. At 35 C
    this gives about 2.2, the range measured on compact automotive systems.
    """
    t_c = _f(t_ambient) + approach
    lift = np.maximum(t_c - t_evaporator, 1.0)
    return np.clip(carnot_fraction * t_evaporator / lift, 1.0, cop_max)


def tyre_rolling_factor(temperature_c: ArrayLike) -> NDArray[np.float64]:
    """Rolling resistance at ``temperature_c`` relative to 25 C [-] (ISO 28580, 8.2).

    ISO 28580 corrects a measurement at ``t`` to 25 C by ``F_25 = F_t [1 + K (t - 25)]``
    with ``K = 0.008`` for car tyres; inverted, a tyre at ``t`` rolls with
    ``1 / (1 + K (t - 25))`` times its 25 C resistance: about 27 % more at -7 C.
    """
    return 1.0 / (1.0 + TYRE_TEMPERATURE_FACTOR * (_f(temperature_c) - TYRE_REFERENCE_C))


__all__ = [
    "CP_AIR",
    "OCCUPANT_SENSIBLE_W",
    "cooling_cop",
    "envelope_loss",
    "heat_pump_cop",
    "occupant_gain",
    "solar_gain",
    "tyre_rolling_factor",
    "ventilation_loss",
]
