"""Unit conversions at the edges of evtwin.

Everything inside evtwin is SI (m, s, kg, N, W, J, K, rad). Names at the edges
(YAML, CLI flags, CSV, JSON) carry their unit as a suffix, and every conversion
between the two goes through the constants here, so that one exact definition
serves the whole code base.
"""

from __future__ import annotations

#: Standard gravity [m/s^2] (CGPM 1901, exact).
GRAVITY = 9.80665

#: One international mile [m] (exact).
MILE = 1609.344
#: One km/h [m/s].
KPH = 1000.0 / 3600.0
#: One mile per hour [m/s] (exact).
MPH = MILE / 3600.0
#: One pound-mass [kg] (exact).
POUND = 0.45359237
#: One pound-force [N] (exact, standard gravity).
LBF = POUND * GRAVITY
#: One kilowatt-hour [J].
KWH = 3.6e6
#: One watt-hour [J].
WH = 3600.0
#: One revolution per minute [rad/s].
RPM = 2.0 * 3.141592653589793 / 60.0
#: Zero degrees Celsius [K].
ZERO_CELSIUS = 273.15
#: Energy content of one US gallon of gasoline as used by EPA for MPGe [Wh] (40 CFR 600.002).
MPGE_WH_PER_GALLON = 33705.0


def coastdown_si_from_lbf(
    a_lbf: float, b_lbf_per_mph: float, c_lbf_per_mph2: float
) -> tuple[float, float, float]:
    """Road-load coefficients F = A + B v + C v^2 from (lbf, lbf/mph, lbf/mph^2) to SI.

    Returns (A [N], B [N s/m], C [N s^2/m^2]).
    """
    return a_lbf * LBF, b_lbf_per_mph * LBF / MPH, c_lbf_per_mph2 * LBF / MPH**2


def coastdown_si_from_kph(
    f0_n: float, f1_n_per_kph: float, f2_n_per_kph2: float
) -> tuple[float, float, float]:
    """Road-load coefficients F = f0 + f1 v + f2 v^2 from (N, N/(km/h), N/(km/h)^2) to SI."""
    return f0_n, f1_n_per_kph / KPH, f2_n_per_kph2 / KPH**2
