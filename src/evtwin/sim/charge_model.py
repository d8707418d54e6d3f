"""The charging model of a vehicle: its parameters, defaults and the integration.

The battery is the spec's equivalent circuit (OCV and resistance against state of
charge and temperature) with the charging limits of ``evtwin.physics.charging``:
the charger's power, current and voltage range, the car's peak DC power and
current, the cells' cut-off voltage (the constant-voltage phase) and the anode's
charge acceptance, which falls as the anode fills and in the cold. Heat from the
pack's resistance warms a lumped pack that the cooling system and the air cool.

A session is integrated in steps of displayed state of charge (0.25 % of the
usable window), each taking the time its energy needs at the current the limits
allow at the step's middle; the temperature follows by the exact update of a heat
flow linear in temperature (``_charging_kernel``). Every session is the same few
hundred steps whatever the charger, and the members of a batch advance together.
State of charge is energy-based, as in the drive kernel: it rises by the chemical
energy ``V_oc I dt`` over the gross capacity.

The car's charge acceptance (``dc_model.acceptance_c_rate``) is the taper's one
free parameter. In order of preference: the vehicle file's value; the value that
makes the simulated session match the maker's published DC time
(``charging.dc_time``, simulated at 25 C with a preconditioned battery on the
charger the maker names); the value that makes it add the maker's published range
in the maker's time (``charging.dc_added``: the range is a share of the car's rated
range on the same test, so the same match over that share of the window); or the
default, the median of what the makers' published times imply
(:data:`DEFAULT_ACCEPTANCE_C_RATE`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..physics.charging import (
    ACCEPTANCE_ACTIVATION_ENERGY,
    CELL_OCV_FULL,
    MAX_CELL_VOLTAGE,
    anode_lithiation,
)
from ..specs.battery import Battery
from ..specs.charging import DcChargeModel, DcChargeTime, DcRangeAdded
from ..specs.equipment import Auxiliary, Charging
from ..specs.figure import Figure
from ..specs.ratings import Ratings
from ..specs.vehicle import VehicleSpec
from ..units import KWH, MILE, ZERO_CELSIUS
from . import _charging_kernel as ck
from .chargers import UNLIMITED_DC, Charger, DcCharger
from .prepare import battery_tables

Array = NDArray[np.float64]

#: Step of the integration in displayed state of charge [-] (0.25 % of the window).
SOC_STEP = 0.0025

# --- Defaults of the charging model (each an estimate; its basis beside it) ---------

#: Default charge acceptance [1/h], for a car whose maker publishes no DC time: the
#: median of the acceptances that reproduce the published times of the shipped
#: vehicles that have one (BMW iX1 2.80, BMW iX3 3.70, Jaguar I-PACE 2.33, Jeep Recon
#: 2.82, Skoda Enyaq 85x 2.73; all graphite anodes). Those five spread by -17/+32 %
#: around it while their peak C-rates run from 1.2 to 3.7: the acceptance behaves as a
#: property of the cells, the peak as a choice of the maker. (A first default that let
#: the peak power last until the anode was half full disagreed with four of the five
#: times by -13 to -34 %, and was dropped; docs in tests/validation/test_dc_charging.py.)
DEFAULT_ACCEPTANCE_C_RATE = 2.8
#: Cell temperature from which the management allows its full rate [C] (estimate:
#: makers' preconditioning targets and fast-charge windows of 25-40 C).
FULL_RATE_TEMPERATURE_C = 25.0
#: Cell temperatures at which charging starts to be derated, and stops [C] (estimate:
#: cell datasheets allow charging to 45-60 C).
DERATE_TEMPERATURE_C = 50.0
MAX_TEMPERATURE_C = 60.0
#: Default preconditioning target [C]: 5 K above the full-rate temperature.
PRECONDITIONING_TARGET_C = 30.0
#: Pack heat capacity per kWh of gross energy [J/K per kWh]. Estimate: cells of about
#: 1.0 kJ/(kg K) at 230-270 Wh/kg (NMC, NCA) or 160-180 Wh/kg (LFP) give 3.7-4.3 and
#: 5.6-6.3 kJ/K per kWh; coolant, plates and housing add about a quarter.
HEAT_CAPACITY_PER_KWH: dict[str, float] = {"nmc": 5.0e3, "nca": 5.0e3, "lfp": 7.0e3}
#: Default cooling capacity as a share of the peak DC charging power [-]. Estimate:
#: battery chillers are sized for the heat of fast charging, a few per cent of its
#: power (4 % gives 4 kW for a 100 kW car and 12 kW for a 300 kW one).
COOLING_SHARE_OF_PEAK = 0.04
#: Cooling starts at this cell temperature and reaches full power this much above it.
COOLING_ON_C = 35.0
COOLING_BAND_K = 5.0
#: Coefficient of performance of the chiller that cools the pack [-] (estimate, 2-3).
COOLING_COP = 2.5
#: Default battery heater power [W] (estimate: 3-8 kW PTC heaters or motor heating).
HEATING_POWER = 5.0e3
#: Heat conductance from the pack to the air around the parked car [W/K] (estimate:
#: 4-6 m^2 of underbody at 3-5 W/(m^2 K) of natural convection).
AMBIENT_CONDUCTANCE = 20.0
#: Default booster efficiency where a file gives a booster but not its efficiency.
BOOSTER_EFFICIENCY = 0.97
#: Temperatures at which the resistance is tabulated [C].
_TABLE_TEMPERATURES_C = np.arange(-40.0, 81.0, 5.0)
#: Range of charge acceptance searched when matching a maker's time [1/h].
_ACCEPTANCE_SEARCH = (0.05, 50.0)

#: Names of the limit that sets the current of a step.
LIMITS = (
    "charger power",
    "charger current",
    "charger voltage",
    "vehicle peak power",
    "vehicle current",
    "cell voltage (CV)",
    "anode acceptance (taper)",
    "booster",
)
REFERENCES = (
    "C.-H. Chen et al. (2020), J. Electrochem. Soc. 167, 080534 (anode stoichiometry)",
    "V. R. Subramanian et al. (2005), J. Electrochem. Soc. 152, A2002 "
    "(diffusion-limited surface concentration)",
)


@dataclass(frozen=True, eq=False)
class ChargeParameters:
    """A vehicle's charging model in SI units, defaults resolved.

    Build it with :func:`charge_parameters`. ``basis`` says where each parameter
    that has a default came from (``"file"`` or the default's rule).
    """

    vehicle: str
    capacity: float  # gross energy [J]
    charge_capacity: float  # [C]
    soc_floor: float
    soc_ceiling: float
    soc_table: Array  # SOC grid of the tables
    ocv_table: Array  # [V] on soc_table
    temperature_table: Array  # [K]
    resistance_table: Array  # [ohm], (temperature, soc)
    voltage_max: float  # pack cut-off [V]
    power_peak: float  # car's peak DC power at the inlet [W]
    current_max: float  # car's largest current [A] (inf: none)
    acceptance: float  # [1/s]
    temperature_full: float  # [K]
    temperature_derate: float  # [K]
    temperature_max: float  # [K]
    heat_capacity: float  # [J/K]
    cooling_max: float  # [W]
    heating_power: float  # [W]
    preconditioning_target: float  # [K]
    booster_power: float  # [W], 0 for none
    booster_efficiency: float
    auxiliary: float  # [W]
    ac_max: float  # [W]
    ac_efficiency: float
    basis: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for a in (self.soc_table, self.ocv_table, self.temperature_table, self.resistance_table):
            a.setflags(write=False)
        object.__setattr__(self, "basis", MappingProxyType(dict(self.basis)))

    @property
    def acceptance_c_rate(self) -> float:
        """Charge acceptance [1/h]."""
        return self.acceptance * 3600.0

    def soc_gross(self, soc_displayed: float) -> float:
        """State of charge as a fraction of gross capacity from the displayed one."""
        return self.soc_floor + soc_displayed * (self.soc_ceiling - self.soc_floor)


def _value(fig: Figure | None, default: float) -> tuple[float, bool]:
    return (fig.value, True) if fig is not None else (default, False)


def _params_from_parts(
    vehicle: str, battery: Battery, charging: Charging, auxiliary: Auxiliary
) -> ChargeParameters:
    """Every parameter but the acceptance, which may need the others to be calibrated."""
    model = charging.dc_model or DcChargeModel()
    chem = battery.chemistry
    basis: dict[str, str] = {}
    temps = _TABLE_TEMPERATURES_C + ZERO_CELSIUS
    rows = []
    ocv = np.empty(0)
    for t in temps:
        tables, r_mid = battery_tables(battery, float(t))
        ocv = tables[0]
        rows.append(r_mid * tables[1])
    soc = np.linspace(0.0, 1.0, ocv.size)
    floor, ceiling = battery.soc_window

    cell_max, given = _value(model.max_cell_voltage_v, MAX_CELL_VOLTAGE[chem])
    basis["max_cell_voltage_v"] = "file" if given else f"{chem} cell datasheet cut-off"
    # The pack's series count follows from its OCV at full charge.
    voltage_max = float(ocv[-1]) * cell_max / CELL_OCV_FULL[chem]

    if charging.dc_peak_kw is not None:
        peak = charging.dc_peak_kw.value * 1e3
        basis["dc_peak_kw"] = "file (charging.dc_peak_kw)"
    else:
        peak = battery.max_charge_power_kw.value * 1e3
        basis["dc_peak_kw"] = "file (battery.max_charge_power_kw)"

    current_max, given = _value(model.max_current_a, math.inf)
    basis["max_current_a"] = "file" if given else "none (power-limited)"
    t_full, given = _value(model.full_rate_temperature_c, FULL_RATE_TEMPERATURE_C)
    basis["full_rate_temperature_c"] = "file" if given else "default"
    cap_default = HEAT_CAPACITY_PER_KWH[chem] * battery.gross_energy_kwh.value
    heat_capacity, given = _value(model.heat_capacity_kj_per_k, cap_default / 1e3)
    basis["heat_capacity_kj_per_k"] = "file" if given else f"{chem} default per kWh"
    cooling, given = _value(model.cooling_power_kw, COOLING_SHARE_OF_PEAK * peak / 1e3)
    basis["cooling_power_kw"] = "file" if given else "4 % of peak DC power"
    heating, given = _value(model.heating_power_kw, HEATING_POWER / 1e3)
    basis["heating_power_kw"] = "file" if given else "default"
    target, given = _value(model.preconditioning_target_c, PRECONDITIONING_TARGET_C)
    basis["preconditioning_target_c"] = "file" if given else "default"
    booster = model.booster_kw.value * 1e3 if model.booster_kw is not None else 0.0
    basis["booster_kw"] = "file" if model.booster_kw is not None else "none given"
    booster_eff, _ = _value(model.booster_efficiency, BOOSTER_EFFICIENCY)

    gross = battery.gross_energy_kwh.value * KWH
    params = ChargeParameters(
        vehicle=vehicle,
        capacity=gross,
        charge_capacity=gross / battery.nominal_voltage_v.value,
        soc_floor=floor,
        soc_ceiling=ceiling,
        soc_table=soc,
        ocv_table=np.array(ocv),
        temperature_table=np.array(temps),
        resistance_table=np.array(rows),
        voltage_max=voltage_max,
        power_peak=peak,
        current_max=current_max,
        acceptance=DEFAULT_ACCEPTANCE_C_RATE / 3600.0,  # until resolved
        temperature_full=t_full + ZERO_CELSIUS,
        temperature_derate=DERATE_TEMPERATURE_C + ZERO_CELSIUS,
        temperature_max=MAX_TEMPERATURE_C + ZERO_CELSIUS,
        heat_capacity=heat_capacity * 1e3,
        cooling_max=cooling * 1e3,
        heating_power=heating * 1e3,
        preconditioning_target=target + ZERO_CELSIUS,
        booster_power=booster,
        booster_efficiency=booster_eff,
        auxiliary=auxiliary.base_load_w.value,
        ac_max=charging.ac_max_kw.value * 1e3,
        ac_efficiency=charging.ac_efficiency.value,
        basis=basis,
    )
    return params


@lru_cache(maxsize=128)
def _cached_parameters(
    vehicle: str,
    battery: Battery,
    charging: Charging,
    auxiliary: Auxiliary,
    ratings: Ratings | None,
) -> ChargeParameters:
    params = _params_from_parts(vehicle, battery, charging, auxiliary)
    model = charging.dc_model
    notes: list[str] = []
    if model is not None and model.acceptance_c_rate is not None:
        acceptance = model.acceptance_c_rate.value / 3600.0
        basis = "file (charging.dc_model.acceptance_c_rate)"
    elif charging.dc_time is not None:
        acceptance, basis, note = acceptance_for_time(params, charging.dc_time)
        if note:
            notes.append(note)
        if charging.dc_added is not None:
            notes.append("charging.dc_added not used: the maker's dc_time is preferred")
    elif charging.dc_added is not None:
        acceptance, basis, note = acceptance_for_added(params, charging.dc_added, ratings)
        if note:
            notes.append(note)
    else:
        acceptance = DEFAULT_ACCEPTANCE_C_RATE / 3600.0
        basis = "default: median of the makers' published times (no published DC time)"
    return replace(
        params,
        acceptance=acceptance,
        basis={**params.basis, "acceptance_c_rate": basis},
        notes=tuple(notes),
    )


def charge_parameters(spec: VehicleSpec) -> ChargeParameters:
    """The vehicle's charging model with every default resolved (cached per battery)."""
    return _cached_parameters(spec.id, spec.battery, spec.charging, spec.auxiliary, spec.ratings)


# --- The integration ------------------------------------------------------------------


@dataclass(frozen=True)
class ChargePath:
    """How power reaches the pack: its source limits and conversion."""

    kind: Literal["dc", "ac"]
    power: float  # source's power limit at the inlet or wall [W]
    current: float  # source's current limit [A]
    voltage_max: float  # [V]
    voltage_min: float  # [V]
    efficiency: float  # inlet to HV bus (1 for DC direct, the OBC's for AC)


def charge_path(params: ChargeParameters, charger: Charger) -> ChargePath:
    if isinstance(charger, DcCharger):
        return ChargePath(
            "dc",
            min(charger.power_kw * 1e3, params.power_peak),
            charger.max_current_a,
            charger.max_voltage_v,
            charger.min_voltage_v,
            1.0,
        )
    wall = params.ac_max if charger.power_kw is None else min(charger.power_kw * 1e3, params.ac_max)
    return ChargePath("ac", wall, math.inf, math.inf, 0.0, params.ac_efficiency)


@dataclass(frozen=True, eq=False)
class ChargeTrace:
    """Per member (rows) and step (columns) values of an integration."""

    soc: Array  # (n_steps + 1,) gross, shared
    time: Array  # (n, n_steps + 1)
    temperature: Array  # (n, n_steps + 1) [K]
    current: Array  # (n, n_steps)
    voltage: Array  # (n, n_steps)
    power_inlet: Array  # (n, n_steps)
    power_cells: Array  # (n, n_steps)
    loss_battery: Array  # (n, n_steps) [J]
    loss_auxiliary: Array  # (n, n_steps) [J]
    loss_thermal: Array  # (n, n_steps) [J]
    loss_conversion: Array  # (n, n_steps) [J]
    limit: NDArray[np.int64]  # (n, n_steps)
    stalled: NDArray[np.bool_]  # (n,)


def integrate(
    params: ChargeParameters,
    acceptance: Array,
    path: ChargePath,
    soc_from: float,
    soc_to: float,
    temperature_start: float,
    temperature_ambient: float,
) -> ChargeTrace:
    """Charge a batch of members that differ only in their acceptance ``(n,)`` [1/s].

    States of charge are fractions of gross capacity; temperatures in kelvin.
    """
    n = acceptance.size
    window = params.soc_ceiling - params.soc_floor
    n_steps = max(1, math.ceil((soc_to - soc_from) / (SOC_STEP * window) - 1e-9))
    soc = np.linspace(soc_from, soc_to, n_steps + 1)
    mid = 0.5 * (soc[1:] + soc[:-1])
    # What depends on the state of charge alone is worked out for every step at once.
    ocv_steps = np.interp(mid, params.soc_table, params.ocv_table)
    r_steps = np.array([np.interp(mid, params.soc_table, row) for row in params.resistance_table])
    free = 1.0 - anode_lithiation(mid)
    dc = path.kind == "dc"

    prm = np.zeros(ck.N_K)
    prm[ck.K_CAPACITY] = params.capacity
    prm[ck.K_CHARGE] = params.charge_capacity
    prm[ck.K_VOLTAGE_MAX] = params.voltage_max
    prm[ck.K_CURRENT_MAX] = params.current_max
    prm[ck.K_T_FULL] = params.temperature_full
    prm[ck.K_T_DERATE] = params.temperature_derate
    prm[ck.K_T_MAX] = params.temperature_max
    prm[ck.K_HEAT_CAPACITY] = params.heat_capacity
    prm[ck.K_COOLING_MAX] = params.cooling_max
    prm[ck.K_COOLING_ON] = COOLING_ON_C + ZERO_CELSIUS
    prm[ck.K_COOLING_BAND] = COOLING_BAND_K
    prm[ck.K_COOLING_COP] = COOLING_COP
    prm[ck.K_HEATING] = params.heating_power
    prm[ck.K_AMBIENT_G] = AMBIENT_CONDUCTANCE
    prm[ck.K_ACTIVATION] = ACCEPTANCE_ACTIVATION_ENERGY
    # An AC efficiency already counts the loads that run while charging.
    prm[ck.K_AUX] = params.auxiliary if dc else 0.0
    prm[ck.K_PATH_POWER] = path.power
    prm[ck.K_PATH_CURRENT] = path.current
    prm[ck.K_PATH_V_MAX] = path.voltage_max
    prm[ck.K_PATH_V_MIN] = path.voltage_min
    prm[ck.K_PATH_EFF] = path.efficiency
    prm[ck.K_POWER_IS_PEAK] = 1.0 if dc and path.power >= params.power_peak else 0.0
    prm[ck.K_BOOST_POWER] = params.booster_power if dc else 0.0
    prm[ck.K_BOOST_EFF] = params.booster_efficiency
    prm[ck.K_T_START] = temperature_start
    prm[ck.K_T_AMBIENT] = temperature_ambient
    prm[ck.K_CURRENT_MIN] = 1e-4 * params.charge_capacity / 3600.0  # C/10000: stalled

    shape = (n, n_steps)
    time = np.zeros((n, n_steps + 1))
    temp = np.zeros((n, n_steps + 1))
    out = {k: np.zeros(shape) for k in _STEP_ARRAYS}
    limit = np.zeros(shape, dtype=np.int64)
    stalled = np.zeros(n, dtype=np.bool_)
    ck.charge_kernel(
        prm,
        soc,
        ocv_steps,
        free,
        r_steps,
        params.temperature_table,
        np.ascontiguousarray(acceptance, dtype=np.float64),
        time,
        temp,
        *(out[k] for k in _STEP_ARRAYS),
        limit,
        stalled,
    )
    return ChargeTrace(soc=soc, time=time, temperature=temp, limit=limit, stalled=stalled, **out)


#: Per-step outputs of the kernel, in its argument order.
_STEP_ARRAYS = (
    "current",
    "voltage",
    "power_inlet",
    "power_cells",
    "loss_battery",
    "loss_auxiliary",
    "loss_thermal",
    "loss_conversion",
)


def acceptance_for_time(
    params: ChargeParameters, claim: DcChargeTime, what: str | None = None
) -> tuple[float, str, str]:
    """The acceptance [1/s] whose session takes the maker's published time.

    The session is simulated at 25 C with the battery at its preconditioning target,
    on the charger the maker names (an unlimited one if none). Time falls as the
    acceptance rises, so a log-spaced batch brackets the answer and a second one
    narrows it; interpolation in log-log finishes it.

    Returns the acceptance, its basis (``"set to match the maker's <what>"``) and a
    note (empty unless the time could not be matched). ``what`` describes the claim;
    by default its window and time.
    """
    target = claim.time_min.value * 60.0
    charger = (
        UNLIMITED_DC
        if claim.charger_kw is None
        else DcCharger(claim.charger_kw, UNLIMITED_DC.max_current_a, UNLIMITED_DC.max_voltage_v)
    )
    path = charge_path(params, charger)
    a = params.soc_gross(claim.soc_from_pct / 100.0)
    b = params.soc_gross(claim.soc_to_pct / 100.0)
    t_amb = 25.0 + ZERO_CELSIUS
    t0 = max(t_amb, params.preconditioning_target)

    def durations(acc: Array) -> Array:
        tr = integrate(params, acc, path, a, b, t0, t_amb)
        return np.where(tr.stalled, np.inf, tr.time[:, -1])

    lo, hi = (x / 3600.0 for x in _ACCEPTANCE_SEARCH)
    grid = np.geomspace(lo, hi, 48)
    times = durations(grid)
    if what is None:
        what = f"{claim.soc_from_pct:g}-{claim.soc_to_pct:g} % time of {claim.time_min.value:g} min"
    label = f"set to match the maker's {what}"
    if target <= times[-1]:
        note = (
            f"the maker's {what} is shorter than the {times[-1] / 60:.1f} min the "
            f"peak power allows without any taper; acceptance held at the search's top"
        )
        return grid[-1], label + " (unreachable: clamped)", note
    if target >= times[0]:
        note = (
            f"the maker's {what} is longer than the "
            f"{times[0] / 60:.1f} min of the slowest acceptance searched"
        )
        return grid[0], label + " (clamped)", note
    i = int(np.searchsorted(-times, -target))  # first index with time <= target
    fine = np.geomspace(grid[i - 1], grid[i], 24)
    fine_t = durations(fine)
    # Time falls with acceptance: interpolate log(acceptance) against log(time).
    acc = float(np.exp(np.interp(np.log(target), np.log(fine_t[::-1]), np.log(fine[::-1]))))
    return acc, label, ""


def acceptance_for_added(
    params: ChargeParameters, added: DcRangeAdded, ratings: Ratings | None
) -> tuple[float, str, str]:
    """The acceptance [1/s] whose session adds the maker's published range in its time.

    The maker's range counts rated range per displayed state of charge, so it is
    ``range / rated_range`` of the usable window on the same test (the file's
    ``ratings.wltp_range_km`` or ``ratings.epa_range_mi``), and its energy is that
    share of the usable energy: the range times the rated consumption on a battery
    basis, ``usable / rated_range``. The claim is then a charge from the maker's
    start over that share in the maker's time, matched as :func:`acceptance_for_time`.

    Raises
    ------
    ValueError
        If the file lacks the rating or the range would end above 100 % (named).
    """
    claim = added.as_charge_time(ratings)
    share = (claim.soc_to_pct - claim.soc_from_pct) / 100.0
    usable = params.capacity * (params.soc_ceiling - params.soc_floor)
    rated = added.rated_range_m(ratings)
    consumption = usable / rated  # [J/m]
    unit = "km" if added.range_km is not None else "mi"
    per = "100 km" if unit == "km" else "100 mi"
    per_m = 1e5 if unit == "km" else 100.0 * MILE
    what = (
        f"{added.range_figure.value:g} {unit} ({added.range_basis.upper()}) in "
        f"{added.time_min:g} min from {claim.soc_from_pct:g} % (= {claim.soc_from_pct:g}-"
        f"{claim.soc_to_pct:.1f} %, {share * usable / KWH:.1f} kWh at "
        f"{consumption * per_m / KWH:.2f} kWh/{per}, usable energy over rated range)"
    )
    return acceptance_for_time(params, claim, what)


__all__ = [
    "DEFAULT_ACCEPTANCE_C_RATE",
    "LIMITS",
    "REFERENCES",
    "ChargeParameters",
    "ChargePath",
    "ChargeTrace",
    "acceptance_for_added",
    "acceptance_for_time",
    "charge_parameters",
    "charge_path",
    "integrate",
]
