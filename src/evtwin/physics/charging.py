"""Charging a battery: the current its limits allow, and the heat it makes.

A pack is an open-circuit voltage behind a resistance (``evtwin.physics.battery``).
Charging current ``I`` is positive here. The terminal voltage is ``V = V_oc + R I``
and the power the pack takes at its terminals is ``P = V_oc I + R I^2``: ``V_oc I``
goes into the cells' chemistry, ``R I^2`` into heat. The battery management system
allows the smallest of several currents:

- the charger's power and current, less what the car's own loads take on the way;
- the cell charge cut-off voltage (the constant-voltage phase, CC-CV);
- the charge acceptance of the anode: lithium plates on graphite when lithium
  arrives at the particle surface faster than it can diffuse in. In the
  single-particle, polynomial picture the surface of a particle stands above its
  mean lithiation ``x`` by an amount proportional to the current, so the largest
  current that keeps the surface below saturation falls linearly with the free
  capacity ``1 - x`` (V. R. Subramanian, V. D. Diwakar and D. Tapriyal (2005),
  J. Electrochem. Soc. 152, A2002, doi:10.1149/1.2032427). Diffusion and reaction
  slow in the cold, so the allowed rate falls with temperature by an Arrhenius law.

Heat: ``R I^2`` into a lumped pack, less what the cooling takes and the ambient
exchanges; the temperature update is exact for a heat flow linear in temperature.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .battery import GAS_CONSTANT

#: Lithiation of the graphite anode at 0 % and 100 % cell state of charge [-].
#: C.-H. Chen et al. (2020), J. Electrochem. Soc. 167, 080534,
#: doi:10.1149/1945-7111/ab9050 (LG M50, graphite-SiOx against NMC 811): negative
#: electrode stoichiometry 0.0279 at 0 % and 0.9014 at 100 % (29866 of 33133 mol/m^3).
#: The anode is oversized, so it is never filled: the 10 % left at a full charge is
#: the margin against plating that the balance of the cell builds in.
ANODE_LITHIATION_EMPTY = 0.0279
ANODE_LITHIATION_FULL = 0.9014

#: Charge cut-off voltage of a cell [V], by cathode family: the datasheet maximum of
#: graphite/NMC and graphite/NCA cells (4.20 V) and of graphite/LFP cells (3.65 V).
MAX_CELL_VOLTAGE: dict[str, float] = {"nmc": 4.20, "nca": 4.20, "lfp": 3.65}

#: Cell open-circuit voltage at 100 % of gross capacity [V] of the normalised shapes in
#: ``evtwin.physics.battery.OCV_SHAPE`` (their last points), by which a pack's OCV at
#: full charge is divided to count its cells in series.
CELL_OCV_FULL: dict[str, float] = {"nmc": 4.18, "nca": 4.18, "lfp": 3.48}

#: Activation energy of the charge acceptance [J/mol]. Estimate: lithium diffusion in
#: graphite is fitted at 17-30 kJ/mol and the anode's charge-transfer kinetics at
#: 35-55 kJ/mol in published cell parametrisations (e.g. Chen et al. 2020 and their
#: follow-ups); 30 kJ/mol makes the allowed rate 0.33 of its full value at 0 C
#: against 25 C, and 0.15 at -15 C.
ACCEPTANCE_ACTIVATION_ENERGY = 30_000.0


def terminal_voltage(
    voltage_oc: ArrayLike, current: ArrayLike, resistance: ArrayLike
) -> NDArray[np.float64]:
    """Terminal voltage [V] of a pack charging at a current: ``V_oc + R I``.

    Parameters
    ----------
    voltage_oc : array_like
        Open-circuit voltage [V].
    current : array_like
        Charging current [A], positive into the pack.
    resistance : array_like
        Internal resistance [ohm].
    """
    return np.asarray(
        np.asarray(voltage_oc, dtype=float)
        + np.asarray(resistance, dtype=float) * np.asarray(current, dtype=float)
    )


def current_for_charge_power(
    power: ArrayLike, voltage_oc: ArrayLike, resistance: ArrayLike
) -> NDArray[np.float64]:
    """Charging current [A] at which the pack takes a terminal power: ``V_oc I + R I^2 = P``.

    The positive root ``2 P / (V_oc + sqrt(V_oc^2 + 4 R P))``, written without
    cancellation; zero for ``P <= 0``.

    Parameters
    ----------
    power : array_like
        Power into the terminals [W].
    voltage_oc : array_like
        Open-circuit voltage [V], > 0.
    resistance : array_like
        Internal resistance [ohm], >= 0.
    """
    p = np.maximum(np.asarray(power, dtype=float), 0.0)
    v = np.asarray(voltage_oc, dtype=float)
    r = np.asarray(resistance, dtype=float)
    return np.asarray(2.0 * p / (v + np.sqrt(v * v + 4.0 * r * p)))


def current_limit_voltage(
    voltage_oc: ArrayLike, resistance: ArrayLike, voltage_max: ArrayLike
) -> NDArray[np.float64]:
    """Largest charging current [A] keeping the terminal voltage at most ``voltage_max``.

    ``(V_max - V_oc) / R``, zero when the open-circuit voltage is already at the
    limit. Against the cells' cut-off it is the constant-voltage phase of CC-CV;
    against a charger's highest output voltage, the reason an 800 V pack cannot
    charge from a 500 V charger.
    """
    v = np.asarray(voltage_oc, dtype=float)
    r = np.asarray(resistance, dtype=float)
    return np.asarray(np.maximum((np.asarray(voltage_max, dtype=float) - v) / r, 0.0))


def current_limit_supply(
    current_max: ArrayLike, voltage_oc: ArrayLike, resistance: ArrayLike, power_other: ArrayLike
) -> NDArray[np.float64]:
    """Largest pack current [A] when the supply's current is at most ``current_max``.

    The supply feeds the pack and other loads ``power_other`` [W] at the pack's
    terminal voltage, so ``(V_oc I + R I^2 + P_o) / (V_oc + R I) <= I_max``: the
    positive root of ``R I^2 + (V_oc - R I_max) I + P_o - I_max V_oc = 0``, which is
    ``I_max`` itself when ``P_o = 0``. Zero when the other loads alone need more.
    """
    imax = np.asarray(current_max, dtype=float)
    v = np.asarray(voltage_oc, dtype=float)
    r = np.asarray(resistance, dtype=float)
    po = np.asarray(power_other, dtype=float)
    b = v - r * imax
    c = po - imax * v
    # -c >= 0 when the supply covers the other loads; the root -2c / (b + sqrt(b^2 - 4 r c))
    # avoids cancellation and is exact at r = 0.
    disc = np.sqrt(np.maximum(b * b - 4.0 * r * c, 0.0))
    return np.asarray(np.maximum(-2.0 * c / (b + disc), 0.0))


def anode_lithiation(
    soc: ArrayLike,
    lithiation_empty: float = ANODE_LITHIATION_EMPTY,
    lithiation_full: float = ANODE_LITHIATION_FULL,
) -> NDArray[np.float64]:
    """Mean lithiation of the anode [-] at a state of charge (fraction of gross capacity).

    Linear between the stoichiometries at 0 % and 100 %, as a cell's capacity is
    shared between its electrodes.
    """
    s = np.asarray(soc, dtype=float)
    return np.asarray(lithiation_empty + s * (lithiation_full - lithiation_empty))


def current_limit_plating(
    soc: ArrayLike,
    acceptance: ArrayLike,
    charge_capacity: ArrayLike,
    lithiation_empty: float = ANODE_LITHIATION_EMPTY,
    lithiation_full: float = ANODE_LITHIATION_FULL,
) -> NDArray[np.float64]:
    """Largest charging current [A] the anode accepts without plating lithium.

    ``I = k Q (1 - x(soc))``: the diffusion-limited rate falls linearly with the
    anode's free capacity (Subramanian et al. 2005; module docstring).

    Parameters
    ----------
    soc : array_like
        State of charge, fraction of gross capacity.
    acceptance : array_like
        ``k`` [1/s]: the allowed rate per unit of free anode capacity, at temperature.
    charge_capacity : array_like
        ``Q`` [C]: the pack's charge capacity (gross energy over nominal voltage).
    """
    free = 1.0 - anode_lithiation(soc, lithiation_empty, lithiation_full)
    return np.asarray(
        np.asarray(acceptance, dtype=float)
        * np.asarray(charge_capacity, dtype=float)
        * np.maximum(free, 0.0)
    )


def acceptance_temperature_factor(
    temperature: ArrayLike,
    temperature_full: ArrayLike,
    temperature_derate: ArrayLike,
    temperature_max: ArrayLike,
    activation_energy: float = ACCEPTANCE_ACTIVATION_ENERGY,
) -> NDArray[np.float64]:
    """Share of the full charge acceptance allowed at a cell temperature [-].

    Below ``temperature_full`` the Arrhenius factor
    ``exp(-Ea / R_gas (1/T - 1/T_full))`` (slower diffusion and kinetics raise the
    plating risk); 1 from there to ``temperature_derate``; then falling linearly to
    zero at ``temperature_max``, where the management stops charging to protect the
    cells. Temperatures in kelvin.
    """
    t = np.asarray(temperature, dtype=float)
    tf = np.asarray(temperature_full, dtype=float)
    td = np.asarray(temperature_derate, dtype=float)
    tm = np.asarray(temperature_max, dtype=float)
    cold = np.exp(-activation_energy / GAS_CONSTANT * (1.0 / np.minimum(t, tf) - 1.0 / tf))
    hot = np.clip((tm - t) / (tm - td), 0.0, 1.0)
    return np.asarray(cold * hot)


def joule_heat(current: ArrayLike, resistance: ArrayLike) -> NDArray[np.float64]:
    """Heat [W] the current makes in the pack's resistance: ``R I^2``."""
    i = np.asarray(current, dtype=float)
    return np.asarray(np.asarray(resistance, dtype=float) * i * i)


def cooling_heat(
    temperature: ArrayLike,
    temperature_on: ArrayLike,
    band: ArrayLike,
    heat_max: ArrayLike,
) -> NDArray[np.float64]:
    """Heat [W] a proportional cooling system takes from the pack.

    Zero below ``temperature_on``, rising linearly over ``band`` [K] to ``heat_max``.
    """
    t = np.asarray(temperature, dtype=float)
    x = (t - np.asarray(temperature_on, dtype=float)) / np.asarray(band, dtype=float)
    return np.asarray(np.asarray(heat_max, dtype=float) * np.clip(x, 0.0, 1.0))


def lumped_temperature_step(
    temperature: ArrayLike,
    duration: ArrayLike,
    heat_rate: ArrayLike,
    conductance: ArrayLike,
    heat_capacity: ArrayLike,
) -> NDArray[np.float64]:
    """Temperature [K] of a lumped body after ``duration`` [s] of a heat flow linear in T.

    ``C dT/dt = q0 - G (T - T0)``, with ``q0`` the net heat flow into the body at its
    present temperature ``T0`` [W] and ``G = -dq/dT >= 0`` [W/K]: exactly
    ``T0 + q0 / G (1 - exp(-G t / C))``, and ``T0 + q0 t / C`` when ``G = 0``. Stable
    for any step, since it never overshoots the equilibrium ``T0 + q0 / G``.
    """
    t0 = np.asarray(temperature, dtype=float)
    dt = np.asarray(duration, dtype=float)
    q = np.asarray(heat_rate, dtype=float)
    g = np.asarray(conductance, dtype=float)
    c = np.asarray(heat_capacity, dtype=float)
    x = g * dt / c
    # (1 - exp(-x)) / x -> 1 as x -> 0; expm1 keeps it accurate for small x.
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(x > 1e-12, -np.expm1(-x) / np.where(x > 1e-12, x, 1.0), 1.0)
    return np.asarray(t0 + q * dt / c * share)
