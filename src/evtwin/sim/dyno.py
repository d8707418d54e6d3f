"""EPA chassis-dynamometer replay: AC energy per mile from coast-down coefficients.

The EPA Test Car List gives, for every certified vehicle, the road-load target
``F = A + B v + C v^2`` (lbf, mph), the equivalent test weight (ETW, the dyno's
inertia class), the driven axles and the rated power. From those alone this
module predicts the AC recharge energy per mile of the charge-depleting UDDS and
highway tests (SAE J1634), with no per-vehicle tuning: every vehicle is the same
generic electric car, sized by its rated power, whose few free constants
(:data:`GENERIC`) were fitted once, for all vehicles, on the EPA tests of model
years 2019-2022 (``tools/fit_dyno.py``).

The replay, per test:

- road load: the target coefficients at EPA reference air, less the generic
  powertrain's own no-load drag (which the loss maps add back);
- inertia: ETW, plus the rotating parts of the axles the dyno turns;
- powertrain: one or two generic PMSM drive units sharing the rated power,
  least-loss torque split, regeneration limited by axle and battery;
- battery at mid charge and 25 C; AC energy through a generic charger.

The climate tests (``ftp_20f``, ``sc03``; :mod:`evtwin.sim.epa_procedures`) add the
test cell's temperature (tyres, battery resistance) and the generic car's cabin,
heated or cooled to 72 F; the cabin is the generic body's scaled to the test
weight (surface and heat capacity as mass^(2/3)). None of it was fitted: the
climate tests are predictions from the constants fitted on the UDDS and highway.
"""

from __future__ import annotations

import csv
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..cycles.procedure import Schedule
from ..physics.hvac import tyre_rolling_factor
from ..physics.motor import DEFAULT_LOSS_FRACTIONS
from ..reference.epa import DynoRecord
from ..specs import Figure
from ..specs.battery import Battery
from ..specs.body import Body
from ..specs.equipment import Auxiliary, Charging
from ..specs.mass import Mass
from ..specs.motor import Axle, LossModel, Motor
from ..specs.sources import Source
from ..specs.tyre import Tyres
from ..specs.vehicle import VehicleSpec
from ..units import KPH, LBF, MILE, MPH, POUND, RPM, WH
from ._layout import (
    P_MASS,
    P_RADIUS,
)
from .cabin import cabin_parameters, cabin_run
from .drive import simulate
from .epa_procedures import PROCEDURES, schedule_for
from .prepare import (
    ROAD_LOAD_REFERENCE_C,
    RunOptions,
    VehicleBatch,
    drive_unit,
    no_load_drag_fit,
    prepare_batch,
    rotor_inertia_at_wheels,
)
from .recharge import recharge_ac_energy_for

#: Cycles the dynamometer replay knows, and the names it accepts for them.
DYNO_CYCLES: dict[str, str] = {
    "udds": "udds",
    "city": "udds",
    "charge depleting udds": "udds",
    "hwfet": "hwfet",
    "hwy": "hwfet",
    "highway": "hwfet",
    "charge depleting highway": "hwfet",
    "ftp_20f": "ftp_20f",
    "20f ftp": "ftp_20f",
    "cold ftp": "ftp_20f",
    "charge depleting 20 degree f ftp": "ftp_20f",
    "sc03": "sc03",
    "charge depleting sc03": "sc03",
}

#: Drive descriptions, EPA's and short ones, to the driven axles.
DRIVES: dict[str, str] = {
    "fwd": "fwd",
    "rwd": "rwd",
    "awd": "awd",
    "4wd": "awd",
    "2-wheel drive, front": "fwd",
    "2-wheel drive, rear": "rwd",
    "front-wheel drive": "fwd",
    "rear-wheel drive": "rwd",
    "all wheel drive": "awd",
    "all-wheel drive": "awd",
    "4-wheel drive": "awd",
    "4-wheel or all-wheel drive": "awd",
    "part-time 4-wheel drive": "awd",
}


class DynoInputError(ValueError):
    """A test file the replay cannot use; the message names the file, line and column."""


REQUIRED_COLUMNS = (
    "etw_lb",
    "target_a_lbf",
    "target_b_lbf_mph",
    "target_c_lbf_mph2",
    "drive",
    "rated_hp",
    "cycle",
)


@dataclass(frozen=True)
class DynoAssumptions:
    """The generic electric car of the replay: the only constants it has.

    The first four were fitted on the EPA data (``tools/fit_dyno.py``); the rest are
    stated estimates.

    Parameters
    ----------
    quadratic_factor, linear_factor, no_load_factor
        Factors on the default PMSM loss fractions of ``physics.motor``: the losses
        that grow with the square of torque (motor copper, inverter conduction),
        the one that grows with torque (inverter switching), and the no-load ones
        (iron, mechanical, field weakening) (fitted).
    loss_exponent
        At a given relative load the losses grow as (rated power)^loss_exponent; 1
        is a motor scaled up self-similarly (fitted, at most 1).
    aux_w
        Low-voltage and thermal-management load during the test [W] (fitted).
    charger_efficiency
        Wall-to-terminal efficiency of the recharge, standby loads included (fitted).
    regen_max_decel
        Deceleration regeneration may give on its own [m/s^2] (fitted).
    front_share
        Share of rated power on the front axle of an all-wheel-drive car (estimate:
        the median of the 2019-2022 dual-motor cars whose motor powers the
        fueleconomy.gov ``evMotor`` field gives).
    min_power_per_mass
        Rated power below this [W/kg of ETW] is a placeholder (see :func:`rated_power`).
    fallback_power_per_mass
        Power assumed for a placeholder [W/kg]: the median of the data set.
    heat_pump
        Whether the generic car heats its cabin with a heat pump (estimate: no; a
        resistive heater, the bound that needs no knowledge of the car).
    cabin_reference_mass
        Test mass [kg] the generic body's cabin belongs to (a 4.7 m SUV, ETW 4750 lb).
    """

    quadratic_factor: float = 1.0
    linear_factor: float = 1.0
    no_load_factor: float = 1.0
    loss_exponent: float = 1.0
    aux_w: float = 300.0
    charger_efficiency: float = 0.87
    regen_max_decel: float = 2.9
    front_share: float = 0.45
    min_power_per_mass: float = 20.0
    fallback_power_per_mass: float = 110.0
    heat_pump: bool = False
    cabin_reference_mass: float = 2150.0


#: The fitted generic car (see DynoAssumptions for how each value was found). The
#: loss factors are 1 because the fit's result became the default loss fractions of
#: ``physics.motor`` (the shape the data asked for: nearly all load-dependent loss in
#: the linear, switching-like term); a refit finds them again near 1. The low-voltage
#: load sits on its physical floor of 150 W.
GENERIC = DynoAssumptions(
    quadratic_factor=1.0,
    linear_factor=1.0,
    no_load_factor=1.0,
    loss_exponent=1.0,
    aux_w=150.0,
    charger_efficiency=0.834,
    front_share=0.43,
)

# The generic car's fixed parts (estimates for a current mid-size EV).
_REF_POWER = 100e3  # power of the tabulated drive unit [W]; others are scaled from it
_MAX_SPEED_RPM = 15000.0  # drive-unit top speed
_BASE_SPEED_SHARE = 1.0 / 3.0  # base speed over top speed
_TOP_SPEED = 200.0 * KPH  # vehicle speed at the drive unit's top speed
_TYRE = "235/55 R19"
_GEAR_EFFICIENCY = 0.975
_DRAG_PER_POWER = 1.5 / 100e3  # no-load drag at the wheels per watt of drive power [N m/W]
_WHEEL_INERTIA = 1.2  # one wheel and tyre [kg m^2]


def _fig(value: float, basis: str = "generic dynamometer car") -> Figure:
    return Figure(value=value, source="estimate", basis=basis)


def _generic_axle(power: float, radius: float, assumptions: DynoAssumptions) -> Axle:
    max_speed = _MAX_SPEED_RPM * RPM
    base = max_speed * _BASE_SPEED_SHARE
    ratio = max_speed * radius / _TOP_SPEED
    f = DEFAULT_LOSS_FRACTIONS["pmsm"]
    a = assumptions
    return Axle(
        motor=Motor(
            type="pmsm",
            peak_power_kw=_fig(power / 1e3),
            peak_torque_nm=_fig(power / base),
            max_speed_rpm=_fig(_MAX_SPEED_RPM),
            loss_model=LossModel(
                copper_at_peak_torque=f.copper_at_peak_torque * a.quadratic_factor,
                iron_at_max_speed=f.iron_at_max_speed * a.no_load_factor,
                mechanical_at_max_speed=f.mechanical_at_max_speed * a.no_load_factor,
                field_weakening_at_max_speed=f.field_weakening_at_max_speed * a.no_load_factor,
                inverter_switching_at_peak_torque=f.inverter_switching_at_peak_torque
                * a.linear_factor,
                inverter_conduction_at_peak_torque=f.inverter_conduction_at_peak_torque
                * a.quadratic_factor,
                inverter_standby=f.inverter_standby,
                source="estimate",
                basis="default PMSM fractions times the factors fitted on EPA dyno data",
            ),
        ),
        ratio=_fig(ratio),
        gear_efficiency=_fig(_GEAR_EFFICIENCY),
        drag_torque_nm=_fig(_DRAG_PER_POWER * power),
    )


def generic_vehicle(drive: str, assumptions: DynoAssumptions = GENERIC) -> VehicleSpec:
    """The generic car of the replay with ``_REF_POWER`` of drive, for a drive type."""
    radius = 0.97 * (19 * 25.4 + 2 * 235 * 0.55) / 2000.0
    share = {
        "fwd": (1.0, 0.0),
        "rwd": (0.0, 1.0),
        "awd": (assumptions.front_share, 1.0 - assumptions.front_share),
    }[drive]
    front = _generic_axle(share[0] * _REF_POWER, radius, assumptions) if share[0] > 0 else None
    rear = _generic_axle(share[1] * _REF_POWER, radius, assumptions) if share[1] > 0 else None
    return VehicleSpec(
        id=f"generic-dyno-{drive}",
        name=f"Generic dynamometer car ({drive})",
        make="generic",
        model="dyno",
        model_year=2022,
        status="production",
        sources={"generic": Source(title="evtwin generic dynamometer car", confidence="low")},
        body=Body(
            length_mm=_fig(4700),
            width_mm=_fig(1900),
            height_mm=_fig(1650),
            wheelbase_mm=_fig(2900),
            frontal_area_m2=_fig(2.6),
            drag_coefficient=_fig(0.28),
        ),
        mass=Mass(kerb_kg=_fig(2000)),
        tyres=Tyres(
            size=_TYRE,
            rolling_resistance_coefficient=_fig(0.008),
            wheel_inertia_kgm2=_fig(_WHEEL_INERTIA),
        ),
        battery=Battery(
            chemistry="nmc",
            gross_energy_kwh=_fig(80),
            usable_energy_kwh=_fig(75),
            nominal_voltage_v=_fig(360),
            voltage_class="400V",
            resistance_mohm=_fig(90),
            max_discharge_power_kw=_fig(400),
            max_charge_power_kw=_fig(150),
        ),
        front_axle=front,
        rear_axle=rear,
        auxiliary=Auxiliary(base_load_w=_fig(assumptions.aux_w)),
        charging=Charging(ac_max_kw=_fig(7.2), ac_efficiency=_fig(assumptions.charger_efficiency)),
    )


def parse_drive(text: str) -> str:
    """``fwd``, ``rwd`` or ``awd`` from a short or EPA drive description."""
    key = " ".join(str(text).strip().lower().split())
    if key not in DRIVES:
        raise DynoInputError(
            f"unknown drive {text!r}; use fwd, rwd, awd, 4wd or an EPA description"
        )
    return DRIVES[key]


def parse_cycle(text: str) -> str:
    """``udds``, ``hwfet``, ``ftp_20f`` or ``sc03`` from the names the replay accepts."""
    key = " ".join(str(text).strip().lower().split())
    if key not in DYNO_CYCLES:
        raise DynoInputError(f"unknown cycle {text!r}; use udds, hwfet, ftp_20f or sc03")
    return DYNO_CYCLES[key]


def rated_power(
    rated_hp: NDArray[np.float64],
    etw_lb: NDArray[np.float64],
    assumptions: DynoAssumptions = GENERIC,
) -> NDArray[np.float64]:
    """Rated power [W], with placeholders replaced.

    Rule: a rated power under ``min_power_per_mass`` (20 W per kg of ETW) is a
    placeholder, not a power (no electric car certified 2019-2022 has under 40; the
    Test Car List gives 33-38 "hp" for the Hyundai Ioniq, Kona and Kia Niro and
    Soul, whose motors make 100-150 kW). It is replaced by the data set's median
    power per mass times the ETW.
    """
    mass = etw_lb * POUND
    power = rated_hp * 745.699872
    placeholder = power / mass < assumptions.min_power_per_mass
    return np.where(placeholder, assumptions.fallback_power_per_mass * mass, power)


@dataclass(frozen=True)
class DynoTests:
    """Dynamometer tests as SI arrays (one entry per test)."""

    etw_lb: NDArray[np.float64]
    a_lbf: NDArray[np.float64]
    b_lbf_mph: NDArray[np.float64]
    c_lbf_mph2: NDArray[np.float64]
    drive: tuple[str, ...]
    rated_hp: NDArray[np.float64]
    cycle: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.cycle)


@dataclass(frozen=True, eq=False)
class _CycleBatch:
    """The tests of one cycle packed for the kernel, before the fitted constants go in."""

    cycle: str
    index: NDArray[np.int64]
    batch: VehicleBatch
    scale: NDArray[np.float64]
    road_load: NDArray[np.float64]  # (n, 3) target A, B, C [SI]
    drag: NDArray[np.float64]  # (n, 3) the unit-size generic powertrain's no-load drag [SI]


def prepare_tests(tests: DynoTests, assumptions: DynoAssumptions = GENERIC) -> list[_CycleBatch]:
    """Pack the tests per cycle (the slow part, done once for many sets of constants)."""
    specs = {d: generic_vehicle(d, assumptions) for d in ("fwd", "rwd", "awd")}
    power = rated_power(tests.rated_hp, tests.etw_lb, assumptions)
    drives = np.array(tests.drive)
    cycles = np.array(tests.cycle)
    out = []
    for cyc_name in sorted(set(tests.cycle)):
        idx = np.flatnonzero(cycles == cyc_name)
        vehicles = [specs[d] for d in drives[idx]]
        proc = PROCEDURES[cyc_name]
        batch = prepare_batch(vehicles, proc.ambient, RunOptions(soc_start=0.5))
        scale = power[idx] / _REF_POWER
        mass = tests.etw_lb[idx] * POUND
        radius = float(batch.params[0, P_RADIUS])
        drag = {
            d: no_load_drag_fit([drive_unit(ax) for _, ax in specs[d].axles], radius)
            for d in ("fwd", "rwd", "awd")
        }
        # The dyno simulates ETW; the wheels and rotors of the driven axles turn too.
        n_wheels = np.where(drives[idx] == "awd", 4, 2)
        rotors = np.array([rotor_inertia_at_wheels(specs[d]) for d in drives[idx]]) * scale
        batch = batch.with_params(
            P_MASS=mass,
            P_MASS_EQ=mass + (n_wheels * _WHEEL_INERTIA + rotors) / radius**2,
            P_POWERTRAIN_SCALE=scale,
        )
        road = np.column_stack(
            [
                tests.a_lbf[idx] * LBF,
                tests.b_lbf_mph[idx] * LBF / MPH,
                tests.c_lbf_mph2[idx] * LBF / MPH**2,
            ]
        )
        out.append(
            _CycleBatch(cyc_name, idx, batch, scale, road, np.array([drag[d] for d in drives[idx]]))
        )
    return out


def _cabin_profiles(
    p: _CycleBatch, schedule: Schedule, assumptions: DynoAssumptions
) -> NDArray[np.float64] | None:
    """Auxiliary load of each test along its schedule, or None without climate control."""
    proc = PROCEDURES[p.cycle]
    if proc.climate is None:
        return None
    base = cabin_parameters(generic_vehicle("fwd", assumptions))
    mass = p.batch.params[:, P_MASS]
    out = np.empty((len(mass), schedule.cycle.n_steps))
    for i, m in enumerate(mass):
        size = (m / assumptions.cabin_reference_mass) ** (2.0 / 3.0)
        params = replace(
            base,
            conductance=base.conductance * size,
            heat_capacity=base.heat_capacity * size,
            glazing_area=base.glazing_area * size,
            heat_pump=assumptions.heat_pump,
        )
        run = cabin_run(params, proc.ambient, proc.climate, schedule.cycle.dt, schedule.key_on)
        out[i] = np.where(schedule.key_on, run.electrical + assumptions.aux_w, 0.0)
    return out


def predict_prepared(
    prepared: list[_CycleBatch],
    n: int,
    assumptions: DynoAssumptions = GENERIC,
    *,
    sc03_cycle: str | Path | None = None,
) -> NDArray[np.float64]:
    """AC Wh/mi of packed tests under a set of generic constants."""
    out = np.full(n, np.nan)
    generic = generic_vehicle("fwd", assumptions)
    for p in prepared:
        proc = PROCEDURES[p.cycle]
        schedule = schedule_for(p.cycle, sc03_cycle)
        loss_factor = p.scale ** (assumptions.loss_exponent - 1.0)
        # The coast-down holds the powertrain's no-load drag; the maps add it back.
        road = p.road_load - p.drag * (p.scale * loss_factor)[:, None]
        # The target holds the tyres' loss at 20 C; on the rolls they feel the cell.
        k_tyre = float(tyre_rolling_factor(proc.ambient.temperature_c)) / float(
            tyre_rolling_factor(ROAD_LOAD_REFERENCE_C)
        )
        road[:, :2] *= k_tyre
        batch = p.batch.with_params(
            P_ROLL0=road[:, 0],
            P_ROLL1=road[:, 1],
            P_AERO=road[:, 2],
            P_LOSS_FACTOR=loss_factor,
            P_AUX=assumptions.aux_w,
            P_REGEN_DECEL=assumptions.regen_max_decel,
        )
        profiles = _cabin_profiles(p, schedule, assumptions)
        if profiles is not None:
            batch = batch.with_params(P_AUX_PROFILE=np.arange(len(p.index), dtype=float))
        res = simulate(
            batch,
            schedule.cycle,
            traces=False,
            key_on=schedule.key_on if profiles is not None else None,
            aux_profiles=profiles,
        )
        ac = recharge_ac_energy_for(generic, res.energy.battery_chemical)
        out[p.index] = ac / WH / (res.distance / MILE)
    return out


def predict(
    tests: DynoTests,
    assumptions: DynoAssumptions = GENERIC,
    *,
    sc03_cycle: str | Path | None = None,
) -> NDArray[np.float64]:
    """Predicted AC recharge energy per mile [Wh/mi] of each test.

    ``sc03_cycle`` is a trace file for the ``sc03`` tests (not shipped; see
    :mod:`evtwin.sim.epa_procedures`).
    """
    return predict_prepared(
        prepare_tests(tests, assumptions), len(tests), assumptions, sc03_cycle=sc03_cycle
    )


def tests_from_records(records: Sequence[DynoRecord]) -> DynoTests:
    """The replay's inputs from EPA records read by ``evtwin.reference.epa``."""
    return DynoTests(
        etw_lb=np.array([r.etw_lb for r in records]),
        a_lbf=np.array([r.a_lbf for r in records]),
        b_lbf_mph=np.array([r.b_lbf_mph for r in records]),
        c_lbf_mph2=np.array([r.c_lbf_mph2 for r in records]),
        drive=tuple(parse_drive(r.drive) for r in records),
        rated_hp=np.array([r.rated_hp for r in records]),
        cycle=tuple(r.cycle for r in records),
    )


def _number(row: dict[str, str], col: str, line: int, *, positive: bool) -> float:
    raw = row.get(col)
    try:
        x = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DynoInputError(f"line {line}, column {col}: {raw!r} is not a number") from None
    if not math.isfinite(x) or (positive and x <= 0):
        raise DynoInputError(f"line {line}, column {col}: {raw!r} must be a positive number")
    return x


def read_tests(rows: Sequence[dict[str, str]]) -> DynoTests:
    """Validate CSV rows into :class:`DynoTests`; errors name the line and column."""
    cols: dict[str, list[float]] = {k: [] for k in ("etw", "a", "b", "c", "hp")}
    drives: list[str] = []
    cycles: list[str] = []
    for i, row in enumerate(rows):
        line = i + 2  # the header is line 1
        cols["etw"].append(_number(row, "etw_lb", line, positive=True))
        cols["a"].append(_number(row, "target_a_lbf", line, positive=True))
        cols["b"].append(_number(row, "target_b_lbf_mph", line, positive=False))
        cols["c"].append(_number(row, "target_c_lbf_mph2", line, positive=True))
        cols["hp"].append(_number(row, "rated_hp", line, positive=True))
        try:
            drives.append(parse_drive(row.get("drive", "")))
        except DynoInputError as exc:
            raise DynoInputError(f"line {line}, column drive: {exc}") from None
        try:
            cycles.append(parse_cycle(row.get("cycle", "")))
        except DynoInputError as exc:
            raise DynoInputError(f"line {line}, column cycle: {exc}") from None
        if cols["etw"][-1] > 20000:
            raise DynoInputError(
                f"line {line}, column etw_lb: {cols['etw'][-1]:g} lb is not a car's"
            )
    return DynoTests(
        etw_lb=np.array(cols["etw"]),
        a_lbf=np.array(cols["a"]),
        b_lbf_mph=np.array(cols["b"]),
        c_lbf_mph2=np.array(cols["c"]),
        drive=tuple(drives),
        rated_hp=np.array(cols["hp"]),
        cycle=tuple(cycles),
    )


def run_csv(
    path_in: str | Path,
    path_out: str | Path,
    assumptions: DynoAssumptions = GENERIC,
    *,
    sc03_cycle: str | Path | None = None,
) -> int:
    """Read tests from ``path_in``, write them with ``ac_wh_per_mi`` to ``path_out``.

    Every input column passes through as given; ``ac_wh_per_mi`` is appended (or, if
    the input already has one, replaced in place). The output is written to a
    temporary file and moved into place only when complete, so a failure leaves any
    existing ``path_out`` as it was.

    Returns
    -------
    int
        The number of tests written.
    """
    path_in = Path(path_in)
    try:
        with path_in.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise DynoInputError(f"{path_in}: missing column(s) {', '.join(missing)}")
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DynoInputError(f"{path_in}: not a readable UTF-8 CSV file ({exc})") from None
    if not rows:
        raise DynoInputError(f"{path_in}: no tests")
    for i, row in enumerate(rows):
        if None in row:
            raise DynoInputError(f"{path_in}: line {i + 2} has more fields than the header")
    tests = read_tests(rows)
    if "sc03" in tests.cycle and sc03_cycle is None:
        line = tests.cycle.index("sc03") + 2
        raise DynoInputError(
            f"{path_in}: line {line}, column cycle: sc03 needs the SC03 speed trace, "
            "which evtwin does not ship; pass it with --sc03-cycle FILE"
        )
    values = predict(tests, assumptions, sc03_cycle=sc03_cycle)
    out_header = header if "ac_wh_per_mi" in header else [*header, "ac_wh_per_mi"]
    path_out = Path(path_out)
    fd, tmp = tempfile.mkstemp(dir=path_out.parent, prefix=f".{path_out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=out_header, lineterminator="\n")
            writer.writeheader()
            for row, v in zip(rows, values, strict=True):
                writer.writerow({**row, "ac_wh_per_mi": f"{v:.1f}"})
        os.replace(tmp, path_out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(rows)
