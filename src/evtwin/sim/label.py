"""Regulatory procedures: WLTP range and consumption, and the EPA two-cycle label.

Both are run the way the regulations define them, from the vehicle's spec:

**WLTP** (UN GTR 15; EU 2017/1151 Annex XXI, Sub-Annex 8, for pure electric
vehicles). Test mass ``TM = MRO + 25 kg + 15 % of the maximum vehicle load``,
where the mass in running order MRO is the kerb mass plus a 75 kg driver and the
maximum load is ``gross - MRO - 25 kg`` (Sub-Annex 4, 2.5.2). Road load at the
reference conditions of 20 C and 100 kPa. The WLTC class 3b is driven from a
state of charge in the middle of the usable window. Pure electric range is the
usable battery energy over the DC consumption, ``PER = UBE / EC_DC`` (Sub-Annex 8,
4.4.2); the city range uses the Low and Medium phases (``PER_city``). AC
consumption is the wall energy to recharge the usable energy over the range.

**EPA** (40 CFR 600.116-12 and 600.210-12 with SAE J1634): equivalent test weight
``ETW`` = the inertia class of curb weight + 300 lb; road load at SAE J2263
reference air (20 C, 98.21 kPa); UDDS (city) and HWFET (highway); unadjusted
ranges are the usable energy over the DC consumption of each cycle; the label
divides consumption and multiplies range by 0.7 (the two-cycle adjustment a
maker may choose instead of five-cycle testing), and combines city and highway
55/45. A maker that certifies by five-cycle testing publishes a label with its
own factor; :func:`epa_label` can apply it to compare like with like.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..cycles import WLTC_PHASES
from ..specs.vehicle import VehicleSpec
from ..units import KWH, MILE, POUND, WH
from .conditions import EPA_CONDITIONS, WLTP_CONDITIONS
from .drive import simulate
from .prepare import RunOptions
from .recharge import recharge_ac_energy_for
from .result import DriveResult

Array = NDArray[np.float64]

#: WLTP mass of the driver in the mass in running order [kg] (EU 2017/1151, Art. 2).
WLTP_DRIVER = 75.0
#: WLTP addition to the mass in running order [kg] (Sub-Annex 4, 2.5.2).
WLTP_ADDED_MASS = 25.0
#: WLTP share of the maximum vehicle load in the test mass of an M1 vehicle [-].
WLTP_LOAD_SHARE = 0.15
#: Maximum vehicle load assumed when a spec gives no gross mass [kg] (estimate: the
#: median difference between gross and running-order mass of the 2025 spec table's
#: SUVs is about 500 kg).
DEFAULT_MAX_LOAD = 500.0
#: Added to curb weight to make the EPA loaded vehicle weight [lb] (40 CFR 86.1803).
EPA_LOAD_LB = 300.0
#: EPA two-cycle adjustment: label range is 0.7 times the unadjusted range.
EPA_ADJUSTMENT = 0.7
#: EPA city / highway weighting of the combined figures.
EPA_CITY_WEIGHT = 0.55
#: State of charge the procedures drive at: the middle of the usable window stands
#: in for the average over the full depletion the tests make.
WINDOW_MIDDLE = 0.5


def wltp_test_mass(spec: VehicleSpec) -> float:
    """WLTP test mass [kg]: MRO + 25 kg + 15 % of the maximum vehicle load."""
    mro = spec.mass.kerb_kg.value + WLTP_DRIVER
    if spec.mass.gross_kg is not None:
        max_load = spec.mass.gross_kg.value - mro - WLTP_ADDED_MASS
    else:
        max_load = DEFAULT_MAX_LOAD
    return mro + WLTP_ADDED_MASS + WLTP_LOAD_SHARE * max(max_load, 0.0)


def etw_class_lb(loaded_weight_lb: float) -> float:
    """EPA equivalent test weight class [lb] of a loaded vehicle weight.

    Classes step by 125 lb up to 4000 lb, by 250 lb up to 5500 lb and by 500 lb above
    (40 CFR 1066.805 table 1); the weight goes to the nearest class.
    """
    w = loaded_weight_lb
    step = 125.0 if w < 4000.0 - 62.5 else (250.0 if w < 5500.0 - 125.0 else 500.0)
    return float(np.round(w / step) * step)


def epa_test_mass(spec: VehicleSpec) -> float:
    """EPA equivalent test weight [kg] (the dyno inertia class)."""
    curb_lb = spec.mass.kerb_kg.value / POUND
    return etw_class_lb(curb_lb + EPA_LOAD_LB) * POUND


def _window_soc(spec: VehicleSpec) -> float:
    lo, hi = spec.battery.soc_window
    return lo + WINDOW_MIDDLE * (hi - lo)


def usable_energy(spec: VehicleSpec) -> float:
    """Usable battery energy [J]."""
    return spec.battery.usable_energy_kwh.value * KWH


@dataclass(frozen=True, eq=False)
class WltpResult:
    """WLTP results, one value per vehicle (SI units inside, converters for the edges).

    Attributes
    ----------
    range
        Pure electric range, combined WLTC [m].
    range_city
        Pure electric range on the Low and Medium phases [m].
    consumption_dc
        Battery-terminal energy per distance over the WLTC [J/m].
    consumption_ac
        Wall energy per distance, recharge included [J/m].
    test_mass
        [kg].
    drive
        The full WLTC run, with its energy breakdown and phase totals.
    """

    names: tuple[str, ...]
    range: Array
    range_city: Array
    consumption_dc: Array
    consumption_ac: Array
    test_mass: Array
    drive: DriveResult

    @property
    def range_km(self) -> Array:
        """[km]."""
        return self.range / 1000.0

    @property
    def consumption_ac_kwh_per_100km(self) -> Array:
        """[kWh/100 km], as the regulation states it."""
        return self.consumption_ac * 1e5 / KWH


@dataclass(frozen=True, eq=False)
class EpaLabelResult:
    """EPA two-cycle label results, one value per vehicle.

    Attributes
    ----------
    range_city, range_highway, range
        Label (adjusted) ranges: city (UDDS), highway (HWFET), combined [m].
    consumption_city, consumption_highway, consumption
        Label AC consumption (adjusted) [J/m].
    unadjusted_ac_city, unadjusted_ac_highway
        Raw dyno AC energy per distance, as the Test Car List reports it [J/m].
    test_mass
        Equivalent test weight [kg].
    adjustment
        The label factor applied to each vehicle [-].
    udds, hwfet
        The two cycle runs.
    """

    names: tuple[str, ...]
    range_city: Array
    range_highway: Array
    range: Array
    consumption_city: Array
    consumption_highway: Array
    consumption: Array
    unadjusted_ac_city: Array
    unadjusted_ac_highway: Array
    test_mass: Array
    adjustment: Array
    udds: DriveResult
    hwfet: DriveResult

    @property
    def range_mi(self) -> Array:
        """Combined label range [mi]."""
        return self.range / MILE

    @property
    def kwh_per_100mi(self) -> Array:
        """Combined label consumption [kWh/100 mi]."""
        return self.consumption * 100.0 * MILE / KWH

    @property
    def mpge(self) -> Array:
        """Combined label MPGe (33.705 kWh per gallon equivalent)."""
        return 33705.0 / (self.consumption * MILE / WH)


def _specs(vehicles: VehicleSpec | Sequence[VehicleSpec]) -> list[VehicleSpec]:
    return [vehicles] if isinstance(vehicles, VehicleSpec) else list(vehicles)


def wltp(vehicles: VehicleSpec | Sequence[VehicleSpec]) -> WltpResult:
    """WLTP pure electric range and consumption of one or more vehicles."""
    specs = _specs(vehicles)
    mass = np.array([wltp_test_mass(s) for s in specs])
    opts = [
        RunOptions(mass_kg=m, soc_start=_window_soc(s)) for s, m in zip(specs, mass, strict=True)
    ]
    res = simulate(
        specs, "wltc_class3b", ambient=WLTP_CONDITIONS, options=opts, segments=WLTC_PHASES
    )
    assert res.segments is not None
    ube = np.array([usable_energy(s) for s in specs])
    chem_per_m = res.energy.battery_chemical / res.distance
    seg = res.segments
    city = [seg.index("low"), seg.index("medium")]
    chem_city = seg.chemical[:, city].sum(axis=1) / seg.distance[:, city].sum(axis=1)
    rng = ube / chem_per_m
    ac = np.array([float(recharge_ac_energy_for(s, u)) for s, u in zip(specs, ube, strict=True)])
    return WltpResult(
        names=res.names,
        range=rng,
        range_city=ube / chem_city,
        consumption_dc=res.battery_terminal / res.distance,
        consumption_ac=ac / rng,
        test_mass=mass,
        drive=res,
    )


def label_factor(spec: VehicleSpec) -> float:
    """The adjustment the vehicle's published EPA label applied (0.7 if none is given)."""
    r = spec.ratings
    return r.epa_label_factor.value if r and r.epa_label_factor else EPA_ADJUSTMENT


def epa_label(
    vehicles: VehicleSpec | Sequence[VehicleSpec],
    *,
    adjustment: float | Literal["as_labelled"] = EPA_ADJUSTMENT,
) -> EpaLabelResult:
    """EPA label range and consumption of one or more vehicles.

    Parameters
    ----------
    vehicles
        One spec or several.
    adjustment
        The label's factor on unadjusted results: 0.7, the two-cycle method any
        maker may use (the default); or ``"as_labelled"``, each vehicle's own
        ``ratings.epa_label_factor`` where its maker certified by five-cycle testing
        (Tesla's labels of 2021-2022 imply 0.768), else 0.7. The second compares
        like with like against a published label.
    """
    specs = _specs(vehicles)
    if adjustment == "as_labelled":
        factor = np.array([label_factor(s) for s in specs])
    else:
        if not 0.5 < adjustment <= 1.0:
            raise ValueError(f"adjustment must be within (0.5, 1], got {adjustment}")
        factor = np.full(len(specs), float(adjustment))
    mass = np.array([epa_test_mass(s) for s in specs])
    opts = [
        RunOptions(mass_kg=m, soc_start=_window_soc(s)) for s, m in zip(specs, mass, strict=True)
    ]
    ube = np.array([usable_energy(s) for s in specs])
    runs = {}
    for cyc in ("udds", "hwfet"):
        runs[cyc] = simulate(specs, cyc, ambient=EPA_CONDITIONS, options=opts)
    unadj_range = {c: ube / (r.energy.battery_chemical / r.distance) for c, r in runs.items()}
    unadj_ac = {
        c: np.array(
            [
                float(recharge_ac_energy_for(s, e))
                for s, e in zip(specs, r.energy.battery_chemical, strict=True)
            ]
        )
        / r.distance
        for c, r in runs.items()
    }
    w = EPA_CITY_WEIGHT
    city_c = unadj_ac["udds"] / factor
    hwy_c = unadj_ac["hwfet"] / factor
    city_r = unadj_range["udds"] * factor
    hwy_r = unadj_range["hwfet"] * factor
    return EpaLabelResult(
        names=runs["udds"].names,
        range_city=city_r,
        range_highway=hwy_r,
        range=w * city_r + (1.0 - w) * hwy_r,
        consumption_city=city_c,
        consumption_highway=hwy_c,
        consumption=w * city_c + (1.0 - w) * hwy_c,
        unadjusted_ac_city=unadj_ac["udds"],
        unadjusted_ac_highway=unadj_ac["hwfet"],
        test_mass=mass,
        adjustment=factor,
        udds=runs["udds"],
        hwfet=runs["hwfet"],
    )


__all__ = [
    "EpaLabelResult",
    "WltpResult",
    "epa_label",
    "epa_test_mass",
    "etw_class_lb",
    "label_factor",
    "wltp",
    "wltp_test_mass",
]
