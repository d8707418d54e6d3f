"""Battery as an equivalent circuit: open-circuit voltage behind a resistance.

A pack of series-connected cells is a voltage source ``V_oc(soc, T)`` behind a
resistance ``R(soc, T)``. Terminal power ``P = V_oc I - R I^2`` fixes the current.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Molar gas constant [J/(mol K)].
GAS_CONSTANT = 8.314462618

#: Normalised open-circuit voltage shapes against state of charge (fraction of gross
#: capacity), as OCV / OCV(50 %). Estimates: the typical shapes of graphite-anode
#: cells with NMC, NCA and LFP cathodes (for NMC compare the LG M50 curve of
#: C.-H. Chen et al. (2020), J. Electrochem. Soc. 167, 080534,
#: doi:10.1149/1945-7111/ab9050). Good to a few per cent; the energy results depend
#: on the shape only through the battery's resistive loss and power limits.
OCV_SOC = np.array([0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0])
OCV_SHAPE: dict[str, NDArray[np.float64]] = {
    "nmc": np.array([3.00, 3.30, 3.42, 3.53, 3.60, 3.65, 3.70, 3.78, 3.87, 3.96, 4.06, 4.12, 4.18])
    / 3.70,
    "nca": np.array([2.90, 3.22, 3.36, 3.48, 3.56, 3.62, 3.68, 3.77, 3.87, 3.96, 4.06, 4.12, 4.18])
    / 3.68,
    "lfp": np.array([2.80, 3.10, 3.20, 3.24, 3.26, 3.28, 3.29, 3.30, 3.31, 3.33, 3.34, 3.38, 3.48])
    / 3.29,
}

#: Relative rise of DC resistance at low state of charge (factor on R at 50 %).
#: Estimate: the usual shape of pulse (HPPC) resistance against SOC in published
#: NMC and LFP cell tests, flat in the middle and rising below 20 %.
RESISTANCE_SOC = np.array([0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 1.0])
RESISTANCE_SOC_FACTOR = np.array([2.2, 1.45, 1.15, 1.05, 1.0, 1.0, 1.03, 1.08])

#: Activation energy of the pack's DC resistance [J/mol]. Estimate: published
#: Arrhenius fits of Li-ion cell resistance between -20 and 45 C fall at about
#: 20-35 kJ/mol; 25 kJ/mol makes R 3.1 times larger at -5 C than at 25 C.
RESISTANCE_ACTIVATION_ENERGY = 25_000.0


def open_circuit_voltage(
    soc: ArrayLike, soc_table: ArrayLike, voltage_table: ArrayLike
) -> NDArray[np.float64]:
    """Open-circuit voltage [V] at a state of charge, linear in the table, held at its ends."""
    return np.asarray(
        np.interp(
            np.asarray(soc, dtype=float),
            np.asarray(soc_table, dtype=float),
            np.asarray(voltage_table, dtype=float),
        )
    )


def resistance_arrhenius(
    resistance_ref: ArrayLike,
    temperature: ArrayLike,
    activation_energy: float = RESISTANCE_ACTIVATION_ENERGY,
    temperature_ref: float = 298.15,
) -> NDArray[np.float64]:
    """Resistance at a temperature from its value at a reference temperature [ohm].

    ``R_ref exp(Ea / R_gas (1/T - 1/T_ref))``. Temperatures in kelvin.
    """
    t = np.asarray(temperature, dtype=float)
    return np.asarray(
        np.asarray(resistance_ref)
        * np.exp(activation_energy / GAS_CONSTANT * (1.0 / t - 1.0 / temperature_ref))
    )


def current_from_power(
    power: ArrayLike, voltage_oc: ArrayLike, resistance: ArrayLike
) -> NDArray[np.float64]:
    """Current [A] that delivers a terminal power, the smaller root of ``V I - R I^2 = P``.

    Parameters
    ----------
    power : array_like
        Terminal power [W], positive discharging, negative charging.
    voltage_oc : array_like
        Open-circuit voltage [V].
    resistance : array_like
        Internal resistance [ohm], > 0.

    Returns
    -------
    numpy.ndarray
        ``(V - sqrt(V^2 - 4 R P)) / (2 R)``; NaN where ``P > V^2 / (4 R)``, beyond
        what the circuit can deliver.
    """
    p = np.asarray(power, dtype=float)
    v = np.asarray(voltage_oc, dtype=float)
    r = np.asarray(resistance, dtype=float)
    disc = v * v - 4.0 * r * p
    with np.errstate(invalid="ignore"):
        # 2P / (V + sqrt(.)) is the same root without cancellation when R P << V^2.
        return np.asarray(np.where(disc >= 0.0, 2.0 * p / (v + np.sqrt(disc)), np.nan))


def power_limit_discharge(
    voltage_oc: ArrayLike, resistance: ArrayLike, voltage_min: ArrayLike
) -> NDArray[np.float64]:
    """Largest terminal power [W] that keeps the terminal voltage at or above ``voltage_min``.

    ``V_min (V_oc - V_min) / R``, or the circuit's maximum ``V_oc^2 / (4 R)`` if that
    is reached first (when ``V_min < V_oc / 2``).
    """
    v = np.asarray(voltage_oc, dtype=float)
    r = np.asarray(resistance, dtype=float)
    vmin = np.maximum(np.asarray(voltage_min, dtype=float), 0.5 * v)
    return np.asarray(np.maximum(vmin * (v - vmin) / r, 0.0))


def power_limit_charge(
    voltage_oc: ArrayLike, resistance: ArrayLike, voltage_max: ArrayLike
) -> NDArray[np.float64]:
    """Largest charging power [W] at the terminals keeping the voltage at most ``voltage_max``.

    ``V_max (V_max - V_oc) / R``; zero when the open-circuit voltage is already at the limit.
    """
    v = np.asarray(voltage_oc, dtype=float)
    vmax = np.asarray(voltage_max, dtype=float)
    return np.asarray(np.maximum(vmax * (vmax - v) / np.asarray(resistance, dtype=float), 0.0))
