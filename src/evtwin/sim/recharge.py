"""Energy from the wall: what it takes to put the battery's energy back.

Regulatory consumption (EPA MPGe, WLTP kWh/100 km) is AC energy at the wall. The
charge passes the on-board charger (its efficiency, with the loads that run while
charging) and the battery's own resistance at the charging current.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..physics.battery import current_from_power, resistance_arrhenius
from ..physics.charger import ac_energy
from ..specs.vehicle import VehicleSpec
from .prepare import LruCache

#: Cell temperature of a recharge in a test laboratory [K] (EPA and WLTP soak at 20-30 C).
RECHARGE_TEMPERATURE = 298.15


def recharge_ac_energy(
    chemical_energy: ArrayLike,
    charger_power: float,
    charger_efficiency: float,
    voltage_oc: float,
    resistance: float,
) -> NDArray[np.float64]:
    """AC energy [J] to restore a chemical energy at a steady AC charging power.

    Parameters
    ----------
    chemical_energy : array_like
        Energy drawn from the cells' chemistry [J].
    charger_power : float
        AC power of the charge [W].
    charger_efficiency : float
        Wall-to-terminal efficiency [-].
    voltage_oc : float
        Open-circuit voltage of the pack, mid charge [V].
    resistance : float
        Pack resistance [ohm].

    Returns
    -------
    numpy.ndarray
        ``E_chem / (1 - R I / V) / eta``: the terminal energy exceeds the chemical
        energy stored by the resistive loss at the charging current ``I``.
    """
    share = stored_share(charger_power, charger_efficiency, voltage_oc, resistance)
    return ac_energy(np.asarray(chemical_energy, dtype=float) / share, charger_efficiency)


def stored_share(
    charger_power: float, charger_efficiency: float, voltage_oc: float, resistance: float
) -> float:
    """Share of the terminal energy of a steady AC charge that the cells store [-]:
    ``1 - R I^2 / P`` at the charge's terminal power ``P`` and current ``I`` (the
    parameters as :func:`recharge_ac_energy` takes them)."""
    p_term = charger_power * charger_efficiency
    current = -float(current_from_power(-p_term, voltage_oc, resistance))
    return 1.0 - resistance * current * current / p_term


def recharge_ac_energy_for(spec: VehicleSpec, chemical_energy: ArrayLike) -> NDArray[np.float64]:
    """AC energy [J] for a vehicle to restore a chemical energy on its on-board charger."""
    share, efficiency = _recharge_of(spec)
    return ac_energy(np.asarray(chemical_energy, dtype=float) / share, efficiency)


def _recharge_of(spec: VehicleSpec) -> tuple[float, float]:
    """The stored share and the charger's efficiency of a spec, worked out once per spec:
    every drive until empty ends in a recharge, and the NumPy calls on scalars here
    cost more than the division they set up (cached by content)."""
    key = spec.content_hash
    hit = _RECHARGE.get(key)
    if hit is not None:
        return hit
    bat = spec.battery
    r = float(resistance_arrhenius(bat.resistance_mohm.value * 1e-3, RECHARGE_TEMPERATURE))
    efficiency = spec.charging.ac_efficiency.value
    share = stored_share(
        spec.charging.ac_max_kw.value * 1e3, efficiency, bat.nominal_voltage_v.value, r
    )
    return _RECHARGE.put(key, (share, efficiency))


_RECHARGE: LruCache[str, tuple[float, float]] = LruCache(256)
