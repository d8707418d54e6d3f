"""Air: pressure with altitude and density from temperature, pressure and humidity."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Specific gas constant of dry air [J/(kg K)] (ISO 2533:1975).
R_DRY_AIR = 287.05287
#: Specific gas constant of water vapour [J/(kg K)].
R_WATER_VAPOUR = 461.495
#: ISA sea-level pressure [Pa] and temperature [K] (ISO 2533:1975).
P_SEA_LEVEL = 101325.0
T_SEA_LEVEL = 288.15
#: ISA tropospheric lapse rate [K/m].
LAPSE_RATE = 0.0065
#: Exponent g0 M / (R* L) of the ISA barometric formula [-].
_BAROMETRIC_EXPONENT = 5.255876


def pressure_isa(altitude: ArrayLike) -> NDArray[np.float64]:
    """Static pressure of the ISA troposphere at a geopotential altitude.

    Parameters
    ----------
    altitude : array_like
        Altitude above mean sea level [m], valid from -500 to 11000.

    Returns
    -------
    numpy.ndarray
        Pressure [Pa]: ``p0 (1 - L h / T0) ** 5.2559``.

    References
    ----------
    ISO 2533:1975, Standard Atmosphere.
    """
    h = np.asarray(altitude, dtype=float)
    return P_SEA_LEVEL * (1.0 - LAPSE_RATE * h / T_SEA_LEVEL) ** _BAROMETRIC_EXPONENT


def saturation_vapour_pressure(temperature: ArrayLike) -> NDArray[np.float64]:
    """Saturation pressure of water vapour over water [Pa] (Magnus-Tetens, Alduchov 1996).

    Parameters
    ----------
    temperature : array_like
        Air temperature [K], valid from 233 to 333.

    References
    ----------
    O. A. Alduchov and R. E. Eskridge (1996), "Improved Magnus form approximation of
    saturation vapor pressure", J. Appl. Meteor. 35, 601-609.
    doi:10.1175/1520-0450(1996)035<0601:IMFAOS>2.0.CO;2
    """
    tc = np.asarray(temperature, dtype=float) - 273.15
    return 610.94 * np.exp(17.625 * tc / (tc + 243.04))


def air_density(
    temperature: ArrayLike, pressure: ArrayLike, relative_humidity: ArrayLike = 0.0
) -> NDArray[np.float64]:
    """Density of moist air from the ideal-gas law for its dry and vapour parts.

    Parameters
    ----------
    temperature : array_like
        Air temperature [K].
    pressure : array_like
        Static pressure [Pa].
    relative_humidity : array_like, default 0
        Relative humidity [0-1]; 0 gives dry air.

    Returns
    -------
    numpy.ndarray
        Density [kg/m^3]: ``p_d / (R_d T) + p_v / (R_v T)``. Dry air at 20 C and
        101325 Pa gives 1.2041.
    """
    t = np.asarray(temperature, dtype=float)
    p_v = np.asarray(relative_humidity, dtype=float) * saturation_vapour_pressure(t)
    p_d = np.asarray(pressure, dtype=float) - p_v
    return np.asarray(p_d / (R_DRY_AIR * t) + p_v / (R_WATER_VAPOUR * t))
