"""Traction motor and inverter: torque envelope and a scalable loss model.

The loss model builds a two-dimensional torque-speed efficiency map from a
motor's peak power, peak torque and maximum speed and a handful of
dimensionless loss fractions. Each term follows the physics of its loss:

====================  ==============================================  ============
term                  form                                            physics
====================  ==============================================  ============
copper                ``k_cu T^2``                                    I^2 R, current ~ torque
iron                  ``k_fe w^1.5 (phi0 + (1 - phi0) |T|/T_p)``      hysteresis ~ w, eddy ~ w^2
mechanical            ``k_m (w/2 + w^3/2)`` scaled at max speed       bearings ~ w, windage ~ w^3
field weakening       ``k_fw ((w - w_b)/(w_max - w_b))^2``, w > w_b    d-axis current (PMSM)
inverter              ``P_p (s0 + s1 |T|/T_p + s2 (T/T_p)^2)``         standby, switching,
                                                                      conduction
====================  ==============================================  ============

``phi0`` is the share of the full-load iron loss left at zero torque: 1 for a
permanent-magnet machine (its magnets cannot be switched off), small for an
induction machine, whose flux the inverter lowers at light load.

References
----------
- K. Yamazaki and Y. Seto (2006), "Iron loss analysis of interior permanent-magnet
  synchronous motors", IEEE Trans. Ind. Appl. 42(4), 1045-1052. doi:10.1109/TIA.2006.876070
- Y. Mahmoudi, S. Kahourzade, W. Soong, N. Ertugrul (2015), "Efficiency map of
  interior PM synchronous machines", IEEE ECCE. doi:10.1109/ECCE.2015.7310488
- D. Graovac and M. Purschel (2009), "IGBT power losses calculation using the
  data-sheet parameters", Infineon application note AN 2009-01.
- T. Burress et al. (2011), "Evaluation of the 2010 Toyota Prius hybrid synergy
  drive system", ORNL/TM-2010/253 (measured maps against which the shape is checked).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import vectorize
from numpy.typing import ArrayLike, NDArray


class LossFractions(NamedTuple):
    """Losses as fractions of peak power at reference points (dimensionless)."""

    copper_at_peak_torque: float
    iron_at_max_speed: float
    mechanical_at_max_speed: float
    field_weakening_at_max_speed: float
    inverter_switching_at_peak_torque: float
    inverter_conduction_at_peak_torque: float
    inverter_standby: float
    iron_share_at_zero_torque: float


#: Default loss fractions per motor type. Basis, in two steps:
#:
#: 1. Shape (estimate): a PMSM with peak efficiency of motor and inverter together
#:    of about 96 %, an induction machine about 94 %, an EESM about 95 %, a spin
#:    loss near 0.5 % of peak power at half top speed, as in the maps of Oak Ridge
#:    National Laboratory's benchmarking of production drives (Burress et al. 2011
#:    and later reports of the programme). Literature fractions (PMSM): copper 0.080,
#:    iron 0.012, mechanical 0.004, field weakening 0.012, switching 0.015,
#:    conduction 0.015, standby 0.0003.
#: 2. Scale (fitted once): the EPA dynamometer replay (``evtwin.sim.dyno``,
#:    ``tools/fit_dyno.py``) fitted three factors on the 529 charge-depleting UDDS and
#:    highway tests of 2019-2022: x0.154 on the terms quadratic in torque (copper,
#:    conduction), x2.574 on the term linear in torque (switching), x0.706 on the
#:    no-load terms. At the light and moderate loads of drive cycles the production
#:    drives behave as near-constant-efficiency converters; at peak torque the model
#:    loses about 5.5 % of peak power. The induction machine and the EESM keep the
#:    PMSM's calibrated no-load terms and carry more load loss (rotor copper and
#:    magnetising current; rotor excitation): peak 97.1 % like the PMSM, about one
#:    point lower at light load in the middle of the speed range, less spin loss at
#:    high speed (the reason makers put them on the secondary axle).
DEFAULT_LOSS_FRACTIONS: dict[str, LossFractions] = {
    "pmsm": LossFractions(0.0123, 0.00847, 0.00282, 0.00847, 0.0386, 0.00231, 0.0003, 1.0),
    "induction": LossFractions(0.030, 0.00847, 0.00282, 0.0, 0.060, 0.0028, 0.0003, 0.40),
    "eesm": LossFractions(0.020, 0.00706, 0.00282, 0.00282, 0.042, 0.0025, 0.0003, 0.35),
}


class LossCoefficients(NamedTuple):
    """The loss model of one drive unit in SI units (see the module docstring)."""

    peak_power: float  #: [W]
    peak_torque: float  #: [N m]
    max_speed: float  #: [rad/s]
    k_copper: float  #: [W/(N m)^2]
    k_iron: float  #: [W/(rad/s)^1.5]
    k_mechanical: float  #: [W] at max speed
    k_field_weakening: float  #: [W] at max speed
    inverter_standby: float  #: [W]
    inverter_switching: float  #: [W] at peak torque
    inverter_conduction: float  #: [W] at peak torque
    iron_share_at_zero_torque: float  #: [-]


def base_speed(peak_power: float, peak_torque: float) -> float:
    """Corner speed where the constant-torque and constant-power regions meet [rad/s]."""
    return peak_power / peak_torque


def loss_coefficients(
    peak_power: float, peak_torque: float, max_speed: float, fractions: LossFractions
) -> LossCoefficients:
    """Scale dimensionless loss fractions to a motor of given size.

    Parameters
    ----------
    peak_power : float
        [W].
    peak_torque : float
        [N m].
    max_speed : float
        [rad/s].
    fractions : LossFractions
    """
    f = fractions
    return LossCoefficients(
        peak_power=peak_power,
        peak_torque=peak_torque,
        max_speed=max_speed,
        k_copper=f.copper_at_peak_torque * peak_power / peak_torque**2,
        k_iron=f.iron_at_max_speed * peak_power / max_speed**1.5,
        k_mechanical=f.mechanical_at_max_speed * peak_power,
        k_field_weakening=f.field_weakening_at_max_speed * peak_power,
        inverter_standby=f.inverter_standby * peak_power,
        inverter_switching=f.inverter_switching_at_peak_torque * peak_power,
        inverter_conduction=f.inverter_conduction_at_peak_torque * peak_power,
        iron_share_at_zero_torque=f.iron_share_at_zero_torque,
    )


def torque_envelope(
    speed: ArrayLike, peak_torque: float, peak_power: float, max_speed: float
) -> NDArray[np.float64]:
    """Peak shaft torque available at a speed [N m] (motoring and generating alike).

    Constant torque up to the base speed, constant power above it, zero beyond the
    maximum speed.
    """
    w = np.abs(np.asarray(speed, dtype=float))
    t = np.minimum(peak_torque, peak_power / np.maximum(w, 1e-9))
    return np.where(w <= max_speed, t, 0.0)


@vectorize(["float64(" + ", ".join(["float64"] * 10) + ")"], cache=True)  # type: ignore[no-untyped-call]
def _motor_loss(t, w, peak_torque, max_speed, wb, phi0, k_cu, k_fe, k_m, k_fw):  # type: ignore[no-untyped-def]
    # One pass per point: the split-map solver evaluates this on ~10^6 points per car,
    # where numpy's temporaries (and its general power) cost several times the arithmetic.
    t = abs(t)
    w = abs(w)
    load = min(t / peak_torque, 1.0)
    phi = phi0 + (1.0 - phi0) * load
    wn = w / max_speed
    fw = max((w - wb) / (max_speed - wb), 0.0)
    return (
        k_cu * t * t
        + k_fe * (w * math.sqrt(w)) * phi
        + k_m * 0.5 * (wn + wn * wn * wn)
        + k_fw * fw * fw
    )


@vectorize(["float64(" + ", ".join(["float64"] * 6) + ")"], cache=True)  # type: ignore[no-untyped-call]
def _inverter_loss(t, w, peak_torque, s0, s1, s2):  # type: ignore[no-untyped-def]
    t = abs(t)
    if t == 0.0 and w == 0.0:
        return 0.0
    x = t / peak_torque
    return s0 + s1 * x + s2 * x * x


def motor_loss(torque: ArrayLike, speed: ArrayLike, c: LossCoefficients) -> NDArray[np.float64]:
    """Electromagnetic and mechanical loss of the motor [W] (inverter excluded).

    Parameters
    ----------
    torque : array_like
        Shaft torque [N m], positive motoring, negative generating.
    speed : array_like
        Shaft speed [rad/s], >= 0.
    c : LossCoefficients

    Returns
    -------
    numpy.ndarray
        Loss [W], >= 0. Zero at standstill with zero torque.
    """
    return np.asarray(
        _motor_loss(
            np.asarray(torque, dtype=float),
            np.asarray(speed, dtype=float),
            c.peak_torque,
            c.max_speed,
            base_speed(c.peak_power, c.peak_torque),
            c.iron_share_at_zero_torque,
            c.k_copper,
            c.k_iron,
            c.k_mechanical,
            c.k_field_weakening,
        ),
        dtype=float,
    )


def inverter_loss(torque: ArrayLike, speed: ArrayLike, c: LossCoefficients) -> NDArray[np.float64]:
    """Inverter loss [W]: standby, switching (~ current) and conduction (~ current^2).

    Phase current is taken as proportional to torque. The inverter is off, and
    loses nothing, when the motor neither turns nor makes torque.
    """
    return np.asarray(
        _inverter_loss(
            np.asarray(torque, dtype=float),
            np.abs(np.asarray(speed, dtype=float)),
            c.peak_torque,
            c.inverter_standby,
            c.inverter_switching,
            c.inverter_conduction,
        ),
        dtype=float,
    )


def efficiency(torque: ArrayLike, speed: ArrayLike, c: LossCoefficients) -> NDArray[np.float64]:
    """Efficiency of motor and inverter together [-], DC to shaft when motoring, shaft to DC
    when generating. NaN where no power flows.
    """
    t = np.asarray(torque, dtype=float)
    w = np.asarray(speed, dtype=float)
    p_mech = t * w
    loss = motor_loss(t, w, c) + inverter_loss(t, w, c)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.where(p_mech >= 0.0, p_mech / (p_mech + loss), (-p_mech - loss) / -p_mech)
    return np.where(p_mech == 0.0, np.nan, eta)
