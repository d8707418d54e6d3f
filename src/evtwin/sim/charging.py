"""Charging sessions: from one displayed state of charge to another on a charger.

The entry point is :func:`charge_session` (DC or AC); :func:`ac_session` is the AC
charge from empty to full on the car's on-board charger. The model lives in
``charge_model`` (parameters, defaults and their basis, the integration) and the
result in ``charge_result``; the chargers in ``chargers``.

An 800 V car on a charger whose output stops below its pack voltage charges
through its booster if its file gives one (``charging.dc_model.booster_kw``);
otherwise the session cannot start and the result says why. A 400 V car on an
800 V charger charges directly, within the charger's current.
"""

from __future__ import annotations

import math

import numpy as np

from ..specs.vehicle import VehicleSpec
from ..units import KWH, ZERO_CELSIUS
from .charge_model import (
    DEFAULT_ACCEPTANCE_C_RATE,
    LIMITS,
    ChargeParameters,
    acceptance_for_time,
    charge_parameters,
    charge_path,
    integrate,
)
from .charge_result import ChargeResult, held
from .chargers import (
    DC_150_400V,
    HPC_350,
    ON_BOARD_AC,
    UNLIMITED_DC,
    AcCharger,
    Charger,
    DcCharger,
)


def _check_fraction(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"{name} must be a fraction from 0 to 1, got {value!r}")


def _check_temperature(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and -40 <= value <= 60):
        raise ValueError(f"{name} must be a number from -40 to 60 (C), got {value!r}")


def charge_session(
    spec: VehicleSpec,
    charger: Charger = HPC_350,
    soc_from: float = 0.1,
    soc_to: float = 0.8,
    temperature_c: float = 25.0,
    battery_temperature_c: float | None = None,
    preconditioned: bool = True,
    consumption_kwh_per_100km: float | None = None,
    params: ChargeParameters | None = None,
) -> ChargeResult:
    """Charge a vehicle from one displayed state of charge to another.

    Parameters
    ----------
    spec
        The vehicle.
    charger
        A :class:`DcCharger` (default :data:`HPC_350`: 350 kW, 920 V, 500 A, whose
        current a 400 V car can reach) or an :class:`AcCharger` (the car's on-board
        charger).
    soc_from, soc_to
        Displayed state of charge at the start and the end, fractions of the
        usable window (``0.1`` is 10 %).
    temperature_c
        Air temperature [C], -40 to 60.
    battery_temperature_c
        Cell temperature at arrival [C]; the air temperature if not given.
    preconditioned
        For a DC session, whether the car heated the pack to its preconditioning
        target on the way (it never cools it: a hotter pack stays as it is). An AC
        session starts at the battery's temperature either way.
    consumption_kwh_per_100km
        Energy the car draws from its battery per distance, for the range added in
        10, 15 and 20 minutes; without it the range is not given.
    params
        The charging model; by default :func:`charge_parameters` of ``spec``.

    Returns
    -------
    ChargeResult
        Frozen; ``to_dict()`` gives the JSON form.

    Raises
    ------
    ValueError
        If an argument is out of range (the message names it).
    """
    _check_fraction("soc_from", soc_from)
    _check_fraction("soc_to", soc_to)
    if not soc_from < soc_to:
        raise ValueError(f"soc_from ({soc_from:g}) must be below soc_to ({soc_to:g})")
    _check_temperature("temperature_c", temperature_c)
    if battery_temperature_c is not None:
        _check_temperature("battery_temperature_c", battery_temperature_c)
    if consumption_kwh_per_100km is not None and not (
        isinstance(consumption_kwh_per_100km, int | float)
        and math.isfinite(consumption_kwh_per_100km)
        and consumption_kwh_per_100km > 0
    ):
        raise ValueError(
            f"consumption_kwh_per_100km must be a positive number, got "
            f"{consumption_kwh_per_100km!r}"
        )
    if not isinstance(charger, DcCharger | AcCharger):
        raise TypeError(f"charger must be a DcCharger or an AcCharger, got {charger!r}")
    p = params if params is not None else charge_parameters(spec)
    path = charge_path(p, charger)
    t_amb = temperature_c + ZERO_CELSIUS
    t_bat = (temperature_c if battery_temperature_c is None else battery_temperature_c) + (
        ZERO_CELSIUS
    )
    pre = preconditioned and path.kind == "dc"
    t0 = max(t_bat, p.preconditioning_target) if pre else t_bat
    a, b = p.soc_gross(soc_from), p.soc_gross(soc_to)
    tr = integrate(p, np.array([p.acceptance]), path, a, b, t0, t_amb)

    notes = list(p.notes)
    n_done = tr.time.shape[1] - 1
    reached = not bool(tr.stalled[0])
    if not reached:
        # Keep the steps actually charged; the first zero-current step says why.
        k = int(np.argmax(tr.current[0] == 0.0))
        why = LIMITS[int(tr.limit[0, k])]
        n_done = k
        notes.append(_stall_note(spec, p, charger, why, tr.soc[k]))
    sl = slice(0, n_done + 1)
    time = np.array(tr.time[0, sl])
    soc = np.array(tr.soc[sl])
    steps = slice(0, n_done)
    p_in = tr.power_inlet[0, steps]
    e_grid = np.concatenate([[0.0], np.cumsum(p_in * np.diff(time))])
    ds_energy = np.diff(soc) * p.capacity
    e_bat = np.concatenate([[0.0], np.cumsum(ds_energy)])
    window = p.soc_ceiling - p.soc_floor
    consumption = (
        None if consumption_kwh_per_100km is None else consumption_kwh_per_100km * KWH / 1e5
    )
    return ChargeResult(
        vehicle=spec.id,
        charger=charger.name,
        kind=path.kind,
        soc_from=float(soc_from),
        soc_to=float(soc_to),
        temperature_ambient=t_amb,
        temperature_start=t0,
        preconditioned=pre,
        time=time,
        soc=soc,
        soc_displayed=(soc - p.soc_floor) / window,
        power_inlet=held(p_in),
        power_cells=held(tr.power_cells[0, steps]),
        current=held(tr.current[0, steps]),
        voltage=held(tr.voltage[0, steps]),
        temperature=np.array(tr.temperature[0, sl]),
        limit=tuple(LIMITS[int(c)] for c in held(tr.limit[0, steps].astype(float))),
        energy_grid_cumulative=e_grid,
        energy_battery_cumulative=e_bat,
        loss_battery=float(tr.loss_battery[0, steps].sum()),
        loss_auxiliary=float(tr.loss_auxiliary[0, steps].sum()),
        loss_thermal=float(tr.loss_thermal[0, steps].sum()),
        loss_conversion=float(tr.loss_conversion[0, steps].sum()),
        reached=reached,
        consumption=consumption,
        acceptance_c_rate=p.acceptance_c_rate,
        acceptance_basis=p.basis.get("acceptance_c_rate", ""),
        notes=tuple(notes),
    )


def _stall_note(
    spec: VehicleSpec, p: ChargeParameters, charger: Charger, why: str, soc: float
) -> str:
    ocv = float(np.interp(soc, p.soc_table, p.ocv_table))
    shown = 100.0 * (soc - p.soc_floor) / (p.soc_ceiling - p.soc_floor)
    if why == "charger voltage" and isinstance(charger, DcCharger):
        if ocv > charger.max_voltage_v:
            return (
                f"cannot charge at {shown:.0f} %: the pack's open-circuit voltage ({ocv:.0f} V) "
                f"is above the charger's highest output ({charger.max_voltage_v:.0f} V), and "
                f"{spec.id} has no booster in its file (charging.dc_model.booster_kw)"
            )
        return (
            f"cannot charge at {shown:.0f} %: the pack's voltage ({ocv:.0f} V) is outside "
            f"the charger's output range ({charger.min_voltage_v:.0f}-"
            f"{charger.max_voltage_v:.0f} V)"
        )
    return f"charging stopped at {shown:.0f} %: no current allowed ({why})"


def ac_session(
    spec: VehicleSpec,
    charger: AcCharger = ON_BOARD_AC,
    soc_from: float = 0.0,
    soc_to: float = 1.0,
    temperature_c: float = 20.0,
    battery_temperature_c: float | None = None,
    consumption_kwh_per_100km: float | None = None,
) -> ChargeResult:
    """An AC charge on the car's on-board charger, by default 0 to 100 % at 20 C.

    The result gives the whole session's time and wall energy, and its
    ``time_10_80`` and ``energy_between(0.1, 0.8)`` the 10-80 % part.
    """
    return charge_session(
        spec,
        charger=charger,
        soc_from=soc_from,
        soc_to=soc_to,
        temperature_c=temperature_c,
        battery_temperature_c=battery_temperature_c,
        preconditioned=False,
        consumption_kwh_per_100km=consumption_kwh_per_100km,
    )


__all__ = [
    "DC_150_400V",
    "DEFAULT_ACCEPTANCE_C_RATE",
    "HPC_350",
    "LIMITS",
    "ON_BOARD_AC",
    "UNLIMITED_DC",
    "AcCharger",
    "ChargeParameters",
    "ChargeResult",
    "Charger",
    "DcCharger",
    "ac_session",
    "acceptance_for_time",
    "charge_parameters",
    "charge_session",
]
