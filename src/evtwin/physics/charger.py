"""On-board charger: wall (AC) energy for a given energy into the battery."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def ac_energy(energy_terminal: ArrayLike, efficiency: ArrayLike) -> NDArray[np.float64]:
    """AC energy from the wall [J] that puts ``energy_terminal`` into the battery terminals.

    ``E_ac = E_dc / eta``, with ``eta`` the wall-to-terminal efficiency of the charge
    (charger, cable, and the loads that run while charging).
    """
    return np.asarray(np.asarray(energy_terminal, dtype=float) / np.asarray(efficiency))
