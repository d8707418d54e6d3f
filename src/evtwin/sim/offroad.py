"""Off-road capability: a car, its drivetrain architecture and its Terrain Response mode,
run through standard off-road tests.

:func:`build_model` joins a vehicle (or a reference such as the Defender 110), an
architecture (``data/offroad/architectures.yaml``) and a mode table into an
:class:`OffroadModel`, a packed row of SI parameters for the compiled kernel
(``sim/_offroad_kernel.py``). :func:`run_scenario` runs one scenario of
``sim/offroad_scenarios.py`` (searching over grades or step heights where the score is
a limit) and returns a frozen :class:`OffroadResult` with the pass/fail, the score, the
energy per kilometre and the time traces. :func:`run_suite` runs every scenario for
several architectures side by side.

Assumptions: test mass is kerb plus a 75 kg driver; the ground is from
``physics.ground`` with the architecture's tyre type at 240 kPa; the suspension's roll
stiffness comes from a roll gradient (it is not in the vehicle file); speed over the
ground is known to the car's software (an accelerometer-aided estimate, taken exact).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..control.slip_control import SLIP_SPEED_FLOOR
from ..control.terrain_response import ModeSettings, SurfaceEstimate, auto_select, mode_settings
from ..physics.drive_unit import axle_power, wheel_torque_limits
from ..physics.ground import G_CRR, G_D, ROW_LEN, ground_row
from ..specs.loader import load_vehicle
from ..specs.offroad_architecture import Architecture, load_architectures
from ..specs.terrain_response import FIXED_MODE_IDS, MODE_IDS
from ..specs.tyre import ROLLING_RADIUS_SHARE, tyre_diameter_m
from ..specs.vehicle import VehicleSpec
from ..units import GRAVITY, KPH, KWH
from . import _offroad_kernel as kn
from .chassis import chassis
from .offroad_scenarios import ROLLER, SCENARIOS, Scenario, scenario
from .prepare import DRIVER_MASS_KG, ROTOR_INERTIA_PER_TORQUE, drive_unit

#: Fixed step of the kernel [s] (1 kHz).
TIME_STEP_S = 1e-3
#: Trace sampling [steps] (100 Hz).
RECORD_EVERY = 10
#: Roll gradient of the body [rad per g of lateral acceleration], for the roll
#: stiffness that sets warp load transfer. Estimate: SUVs roll 4-6 degrees per g
#: (Gillespie 1992, ch. 8: passenger cars 3-7 deg/g).
ROLL_GRADIENT_RAD_PER_G = math.radians(5.0)
#: Share of the roll stiffness at the front axle [-] (estimate: SUVs carry 55-60 % at
#: the front for understeer).
FRONT_ROLL_SHARE = 0.55
#: Time constant of an electric axle's torque [s] (estimate: inverter current loops
#: settle in milliseconds; drive-shaft anti-jerk filtering brings it to 10-30 ms).
MOTOR_LAG_S = 0.02
#: Actuator lag for which the mode tables' control gains are set [s]; slower actuators
#: (an engine) get gains scaled by this over their lag (estimate: a tenth of a second,
#: between a motor's 0.02 s and a turbodiesel's 0.2-0.5 s).
GAIN_REFERENCE_LAG_S = 0.1
#: Air density for drag [kg/m^3] (20 C, sea level).
AIR_DENSITY = 1.204
#: Drag coefficient of a car's front pushing through water [-]. Estimate: a bluff
#: body at these Reynolds numbers, 0.8-1.2 (Hoerner, Fluid-Dynamic Drag, 1965).
WATER_DRAG_COEFFICIENT = 1.0
#: Ambient temperature of the brake discs [C].
AMBIENT_C = 20.0
#: Brake-control derating of the software, below the pads' fade [C] (estimate: ESC
#: brake-temperature models cut brake-based traction control at 500-600 C).
DERATE_START_C = 450.0
DERATE_END_C = 650.0
#: Specific heat of cast iron [J/(kg K)].
IRON_SPECIFIC_HEAT = 460.0
#: Ground clearance when a vehicle file gives none [m] (estimate: road SUVs 0.17-0.20 m).
DEFAULT_CLEARANCE_M = 0.18
#: Speed tolerance of a "held" run [m/s]: a run holds the grade if its speed at the
#: end is within this of the set speed. A car 0.1 % of grade past its limit loses
#: about 0.08 m/s in 8 s, so the search resolves the limit to about that.
HOLD_TOLERANCE_MPS = 0.05
#: Rounds and points per round of the limit searches (grid refinement): the
#: resolution is ``search_max / (points - 1) ** rounds``.
SEARCH_ROUNDS = 4
SEARCH_POINTS = 9
#: Profile grid step of stepped terrain [m].
PROFILE_DX = 0.005
#: How far past a step's edge the front wheel centre must get to have climbed it [m].
STEP_CLEARED_M = 0.2
#: Length of the probe drive by which Auto estimates the ground [s].
PROBE_S = 2.0

REFERENCES = (
    "T. D. Gillespie, Fundamentals of Vehicle Dynamics, SAE, 1992, ch. 2 and 8",
    "J. Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 2 and sec. 3.1",
    "H. B. Pacejka, Tyre and Vehicle Dynamics, 3rd ed., 2012, sec. 4.3.2 and 7.2.1",
)

#: Parameter names accepted by :meth:`OffroadModel.with_params` (kernel columns).
PARAMS: dict[str, int] = {
    name.removeprefix("P_").lower(): getattr(kn, name)
    for name in dir(kn)
    if name.startswith("P_") and isinstance(getattr(kn, name), int)
}

_SWAP = (
    ("P_LF", "P_LR"),
    ("P_TRACK_F", "P_TRACK_R"),
    ("P_J_ROT_F", "P_J_ROT_R"),
    ("P_TPK_F", "P_TPK_R"),
    ("P_PWR_F", "P_PWR_R"),
    ("P_LAG_F", "P_LAG_R"),
    ("P_LOCK_CAP_F", "P_LOCK_CAP_R"),
    ("P_ROLL_K_F", "P_ROLL_K_R"),
    ("P_WTOP_F", "P_WTOP_R"),
    ("P_TTOP_F", "P_TTOP_R"),
    ("P_WMAX_F", "P_WMAX_R"),
)
#: Kernel wheel of each car wheel when reversing (facing backwards, the car's rear
#: right is the leading left).
_REVERSE = (3, 2, 1, 0)


def _ro(a: NDArray[Any]) -> NDArray[Any]:
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class OffroadModel:
    """A car, its architecture and its mode, packed for the kernel.

    Build with :func:`build_model`. ``params`` is the kernel's row (``PARAMS`` names
    its columns); ``dc`` the axles' DC power on a (wheel speed, wheel torque) grid.
    """

    architecture: Architecture
    mode: ModeSettings
    mode_requested: str
    vehicle_name: str
    params: NDArray[np.float64]
    dc: NDArray[np.float64]
    tyre_width: float  #: [m]
    tyre_radius: float  #: unloaded [m]
    tyre_type: str
    wading_depth: float  #: at the mode's ride height [m]
    references: tuple[str, ...] = REFERENCES
    #: The car when it is not the architecture's shipped one (a study's configured or
    #: varied spec): it then brings its own tyres, type and size.
    spec: VehicleSpec | None = field(default=None, repr=False, compare=False)

    @property
    def radius(self) -> float:
        """Rolling radius [m]."""
        return float(self.params[kn.P_RADIUS])

    def param(self, name: str) -> float:
        """A kernel parameter by name (see :data:`PARAMS`)."""
        return float(self.params[PARAMS[name]])

    def with_params(self, **values: float) -> OffroadModel:
        """A copy with kernel parameters replaced by name (``tpk_f=0.0``)."""
        p = self.params.copy()
        for name, value in values.items():
            if name not in PARAMS:
                raise ValueError(f"{name!r} is not a parameter; known: {', '.join(PARAMS)}")
            p[PARAMS[name]] = float(value)
        return replace(self, params=_ro(p))

    def with_mode(self, mode: str | ModeSettings) -> OffroadModel:
        """The same car in another mode."""
        return build_model(self.architecture.id, mode, spec=self.spec)


@cache
def _architectures() -> dict[str, Architecture]:
    return {a.id: a for a in load_architectures().architectures}


def architecture_names() -> list[str]:
    """Ids of the shipped architectures, in file order."""
    return list(_architectures())


def _architecture(arch_id: str) -> Architecture:
    try:
        return _architectures()[arch_id]
    except KeyError:
        raise ValueError(
            f"architecture {arch_id!r} is not one of {', '.join(_architectures())}"
        ) from None


def _dc_table(axle: Any, w_top: float, t_top: float) -> NDArray[np.float64]:
    unit = drive_unit(axle)
    w = np.linspace(0.0, w_top, 48)
    t = np.linspace(-t_top, t_top, 41)
    ww, tt = np.meshgrid(w, t, indexing="ij")
    return np.asarray(axle_power(tt, ww, unit).power_dc, dtype=float)


def _resolve_mode(arch: Architecture, mode: str | ModeSettings) -> ModeSettings:
    if isinstance(mode, ModeSettings):
        return mode
    if mode not in MODE_IDS:
        raise ValueError(f"mode {mode!r} is not one of {', '.join(MODE_IDS)}")
    if not arch.terrain_response and mode != "comfort":
        raise ValueError(f"{arch.name} has no off-road modes; only 'comfort'")
    return mode_settings("comfort" if mode == "auto" else mode)


@cache
def _build(arch_id: str, mode: ModeSettings, mode_requested: str) -> OffroadModel:
    arch = _architecture(arch_id)
    spec = load_vehicle(arch.vehicle) if arch.vehicle is not None else None
    return _assemble(arch, spec, mode, mode_requested, own_spec=False)


def _assemble(
    arch: Architecture,
    spec: VehicleSpec | None,
    mode: ModeSettings,
    mode_requested: str,
    *,
    own_spec: bool,
) -> OffroadModel:
    """The model of ``arch`` on ``spec`` (its shipped car unless ``own_spec``)."""
    p = np.zeros(kn.N_P)
    dc = np.zeros((2, 48, 41))
    tyre_type = arch.tyre_type
    if spec is not None:
        ch = chassis(spec)
        name = spec.name
        mass = spec.mass.kerb_kg.value + DRIVER_MASS_KG
        wheelbase = ch.wheelbase
        front = ch.front_fraction
        cg = ch.cg_height
        track_f = spec.body.track_front_mm.value / 1000 if spec.body.track_front_mm else 1.6
        track_r = spec.body.track_rear_mm.value / 1000 if spec.body.track_rear_mm else 1.6
        radius = spec.tyres.radius_m
        r_unloaded = tyre_diameter_m(spec.tyres.size) / 2.0
        j_wheel = spec.tyres.wheel_inertia_kgm2.value
        width_m = (
            arch.tyre_width_mm.value / 1000
            if arch.tyre_width_mm and not own_spec
            else float(spec.tyres.size.split("/")[0]) / 1000
        )
        if own_spec:
            if spec.tyres.type not in ("road", "all_terrain"):
                raise ValueError(
                    f"the off-road ground model knows road and all-terrain tyres, "
                    f"not {spec.tyres.type}"
                )
            tyre_type = "all_terrain" if spec.tyres.type == "all_terrain" else "road"
        body_w = spec.body.width_mm.value / 1000
        body_l = spec.body.length_mm.value / 1000
        clearance = (
            spec.body.ground_clearance_mm.value / 1000
            if spec.body.ground_clearance_mm
            else DEFAULT_CLEARANCE_M
        )
        area = spec.body.frontal_area_m2.value if spec.body.frontal_area_m2 else 2.6
        cd = spec.body.drag_coefficient.value if spec.body.drag_coefficient else 0.35
        aux = spec.auxiliary.base_load_w.value
        for a, axle in enumerate((spec.front_axle, spec.rear_axle)):
            if axle is None:
                continue
            unit = drive_unit(axle)
            t_pk = float(wheel_torque_limits(np.array([0.0]), unit)[0][0])
            w_max = unit.max_speed / unit.ratio
            m = axle.motor
            j_rot = (
                m.rotor_inertia_kgm2.value
                if m.rotor_inertia_kgm2
                else ROTOR_INERTIA_PER_TORQUE * m.peak_torque_nm.value
            )
            p[kn.P_TPK_F + a] = t_pk
            p[kn.P_PWR_F + a] = unit.peak_power * unit.gear_efficiency
            p[kn.P_LAG_F + a] = MOTOR_LAG_S
            p[kn.P_J_ROT_F + a] = j_rot * unit.ratio**2
            p[kn.P_WMAX_F + a] = w_max
            p[kn.P_WTOP_F + a] = w_max
            p[kn.P_TTOP_F + a] = t_pk
            dc[a] = _dc_table(axle, w_max, t_pk)
    else:
        ref = _reference(arch)
        name = ref["name"]
        mass = ref["kerb_kg"] + DRIVER_MASS_KG
        wheelbase = ref["wheelbase_m"]
        front = ref["front_fraction"]
        cg = ref["cg_height_m"]
        track_f = track_r = ref["track_m"]
        r_unloaded = ref["radius_unloaded_m"]
        radius = ref["radius_m"]
        j_wheel = ref["wheel_inertia_kgm2"]
        width_m = ref["tyre_width_m"]
        body_w, body_l = ref["width_m"], ref["length_m"]
        clearance = ref["clearance_m"]
        area = 0.8 * ref["width_m"] * ref["height_m"]
        cd = 0.40
        aux = 300.0
    if arch.mechanical is not None:
        mech = arch.mechanical
        p[kn.P_MECHANICAL] = 1.0
        p[kn.P_ENG_TPK] = mech.wheel_torque_low_nm.value
        p[kn.P_ENG_PWR] = mech.peak_power_kw.value * 1e3 * 0.86
        p[kn.P_ENG_LAG] = mech.torque_lag_s.value
        # The same calibration tables drive an engine whose torque answers an order of
        # magnitude more slowly than a motor's: its loops are slowed in proportion,
        # as an engine's traction control is, or they would ring against the lag.
        p[kn.P_GAIN_SCALE] = min(1.0, GAIN_REFERENCE_LAG_S / mech.torque_lag_s.value)
        p[kn.P_CENTRE_CAP] = mech.centre_locker_torque_nm.value
        # The engine's rotating parts seen through the overall low-range ratio.
        ratio_total = mech.wheel_torque_low_nm.value / mech.engine_torque_nm.value
        p[kn.P_J_ENGINE] = mech.engine_inertia_kgm2.value * ratio_total**2
        p[kn.P_TPK_F] = p[kn.P_TPK_R] = 0.5 * mech.wheel_torque_low_nm.value
        p[kn.P_WMAX_F] = p[kn.P_WMAX_R] = 1e9
    p[kn.P_MASS] = mass
    p[kn.P_LF] = (1.0 - front) * wheelbase
    p[kn.P_LR] = front * wheelbase
    p[kn.P_HCG] = cg
    p[kn.P_TRACK_F] = track_f
    p[kn.P_TRACK_R] = track_r
    p[kn.P_RADIUS] = radius
    p[kn.P_J_WHEEL] = j_wheel
    k_roll = mass * GRAVITY * cg / ROLL_GRADIENT_RAD_PER_G
    p[kn.P_ROLL_K_F] = FRONT_ROLL_SHARE * k_roll
    p[kn.P_ROLL_K_R] = (1.0 - FRONT_ROLL_SHARE) * k_roll
    p[kn.P_AERO] = 0.5 * AIR_DENSITY * cd * area
    p[kn.P_AUX] = aux
    p[kn.P_SLIP_FLOOR] = SLIP_SPEED_FLOOR
    if p[kn.P_GAIN_SCALE] == 0.0:
        p[kn.P_GAIN_SCALE] = 1.0
    caps = {"open": 0.0, "locker": 1e7}
    for a, kind in enumerate((arch.front_differential, arch.rear_differential)):
        if kind == "e_locker":
            assert arch.locker_torque_nm is not None
            p[kn.P_LOCK_CAP_F + a] = arch.locker_torque_nm.value
        else:
            p[kn.P_LOCK_CAP_F + a] = caps[kind]
    p[kn.P_BIAS] = arch.differential_bias_ratio.value
    b = arch.brakes
    p[kn.P_BRAKE_MAX] = b.max_torque_nm.value
    p[kn.P_BRAKE_LAG] = b.lag_s.value
    p[kn.P_DISC_HEAT] = b.disc_mass_kg.value * IRON_SPECIFIC_HEAT
    p[kn.P_DISC_COOL] = b.cooling_w_per_k.value
    p[kn.P_FADE_START] = b.fade_start_c.value
    p[kn.P_FADE_END] = b.fade_end_c.value
    p[kn.P_FADE_FLOOR] = b.fade_floor.value
    p[kn.P_AMBIENT] = AMBIENT_C
    p[kn.P_DERATE_START] = DERATE_START_C
    p[kn.P_DERATE_END] = DERATE_END_C
    ride = mode.ride_height if arch.air_suspension else 0.0
    p[kn.P_BODY_WIDTH] = body_w
    p[kn.P_BODY_LENGTH] = body_l
    p[kn.P_BODY_CLEARANCE] = clearance + ride
    p[kn.P_WATER_CD] = WATER_DRAG_COEFFICIENT
    _apply_mode(p, mode, arch)
    return OffroadModel(
        architecture=arch,
        mode=mode,
        mode_requested=mode_requested,
        vehicle_name=name,
        params=_ro(p),
        dc=_ro(dc),
        tyre_width=width_m,
        tyre_radius=r_unloaded,
        tyre_type=tyre_type,
        wading_depth=arch.wading_depth_mm.value / 1000 + ride,
        spec=spec if own_spec else None,
    )


def _reference(arch: Architecture) -> dict[str, Any]:
    """Chassis numbers of a reference vehicle: the geometry reference where evtwin has
    it (published mass, wheelbase, track, centre of gravity, tyres), else the
    architecture's own chassis block."""
    ch = arch.chassis
    assert ch is not None
    out: dict[str, Any] = {
        "name": arch.name,
        "kerb_kg": ch.kerb_kg.value,
        "wheelbase_m": ch.wheelbase_mm.value / 1000,
        "front_fraction": ch.front_weight_fraction.value,
        "cg_height_m": ch.cg_height_mm.value / 1000,
        "track_m": ch.track_mm.value / 1000,
        "radius_unloaded_m": tyre_diameter_m(ch.tyre_size) / 2,
        "radius_m": ch.rolling_radius_m.value,
        "wheel_inertia_kgm2": ch.wheel_inertia_kgm2.value,
        "tyre_width_m": ch.tyre_width_mm.value / 1000,
        "width_m": 2.0,
        "length_m": 5.0,
        "height_m": 1.97,
        "clearance_m": 0.22,
    }
    if arch.reference is None:
        return out
    try:
        from ..specs.offroad_reference import load_reference

        ref = load_reference(arch.reference)
    except (ImportError, FileNotFoundError, ValueError):
        return out
    d = tyre_diameter_m(ref.tyre_size)
    out.update(
        name=ref.name,
        kerb_kg=ref.kerb_kg.value,
        wheelbase_m=ref.wheelbase_mm.value / 1000,
        front_fraction=ref.front_weight_fraction.value,
        cg_height_m=ref.cg_height_mm.value / 1000,
        track_m=0.5 * (ref.track_front_mm.value + ref.track_rear_mm.value) / 1000,
        radius_unloaded_m=d / 2,
        radius_m=ROLLING_RADIUS_SHARE * d / 2,
        width_m=ref.width_mm.value / 1000,
        length_m=ref.length_mm.value / 1000,
        height_m=ref.height_mm.value / 1000,
    )
    for pub in ref.published:
        if pub.mode.endswith("normal") and pub.ground_clearance_mm is not None:
            out["clearance_m"] = pub.ground_clearance_mm.value / 1000
    return out


def _apply_mode(p: NDArray[np.float64], mode: ModeSettings, arch: Architecture) -> None:
    p[kn.P_PEDAL_EXP] = mode.pedal_exponent
    p[kn.P_SLIP_TARGET] = mode.slip_target
    p[kn.P_SLIP_GAIN] = mode.slip_gain
    # Every architecture compared has ESC-based brake traction control; the baselines
    # switch it off with ``with_params(btv=0.0)``.
    p[kn.P_BTV] = 1.0
    p[kn.P_BRAKE_ONSET] = mode.brake_onset
    p[kn.P_BRAKE_GAIN] = mode.brake_gain
    p[kn.P_BRAKE_RAMP] = mode.brake_ramp
    p[kn.P_LOCKER_POLICY] = mode.locker_policy
    p[kn.P_LOCKER_ONSET] = mode.locker_onset
    p[kn.P_FRONT_SHARE] = mode.front_torque_share
    p[kn.P_VCL] = 1.0 if mode.virtual_centre_lock else 0.0
    # Slip control watches the faster wheel only where nothing else can hold it back.
    has_hw = p[kn.P_LOCK_CAP_F] > 0.0 or p[kn.P_LOCK_CAP_R] > 0.0
    p[kn.P_SLIP_MAX_WHEEL] = 0.0 if (p[kn.P_BTV] > 0.5 or has_hw) else 1.0


def build_model(
    architecture: str = "defender-sport-brake",
    mode: str | ModeSettings = "comfort",
    *,
    spec: VehicleSpec | None = None,
) -> OffroadModel:
    """The off-road model of a shipped architecture in a Terrain Response mode.

    Parameters
    ----------
    architecture : str
        An id of ``data/offroad/architectures.yaml`` (see :func:`architecture_names`).
    mode : str or ModeSettings
        A mode id (``comfort``, ``sand``, ... ``auto``) or settings of one's own. Auto
        starts in Comfort; :func:`run_scenario` lets it pick.

    Raises
    ------
    ValueError
        Naming an unknown architecture or mode, or a mode the car does not have.
    """
    arch = _architecture(architecture)
    settings = _resolve_mode(arch, mode)
    requested = mode if isinstance(mode, str) else settings.id
    if spec is None:
        return _build(architecture, settings, requested)
    if arch.vehicle != spec.id:
        raise ValueError(
            f"architecture {architecture!r} is built on {arch.vehicle or 'a reference car'}, "
            f"not {spec.id}"
        )
    return _assemble(arch, spec, settings, requested, own_spec=True)


# --- running cases ---------------------------------------------------------------------


@cache
def _row(surface: str, width: float, radius: float, tyre_type: str) -> NDArray[np.float64]:
    if surface == ROLLER:
        # A free roller: a firm surface with no friction and no rolling resistance.
        row = ground_row("dry_asphalt", tyre_width_m=width, tyre_radius_m=radius).copy()
        row[G_D] = 0.0
        row[G_CRR] = 0.0
        return _ro(row)
    return _ro(ground_row(surface, tyre_width_m=width, tyre_radius_m=radius, tyre_type=tyre_type))


def _step_profile(
    x: NDArray[np.float64], step_at: float, height: float, radius: float
) -> NDArray[np.float64]:
    """Wheel-centre height and slope over a step of ``height`` at ``step_at``: the
    envelope of a wheel of ``radius`` rolling over the step's corner."""
    z = np.full_like(x, radius)
    if height > 0.0:
        d = step_at - x
        touching = (d < radius) & (d > 0.0)
        over = np.sqrt(np.maximum(radius**2 - d**2, 0.0)) + height
        z = np.where(touching, np.maximum(z, over), z)
        z = np.where(d <= 0.0, height + radius, z)
    slope = np.gradient(z, x)
    return np.stack([z, slope], axis=-1)


@dataclass(frozen=True)
class _Case:
    overrides: dict[str, float]
    step_height: float = 0.0


@dataclass(frozen=True)
class _Raw:
    summary: NDArray[np.float64]
    traces: NDArray[np.float64]
    n_rec: NDArray[np.int64]


def _kernel_params(model: OffroadModel, sc: Scenario) -> NDArray[np.float64]:
    p = model.params.copy()
    if sc.reverse:
        for f_name, r_name in _SWAP:
            i, j = getattr(kn, f_name), getattr(kn, r_name)
            p[i], p[j] = p[j], p[i]
        p[kn.P_FRONT_SHARE] = 1.0 - p[kn.P_FRONT_SHARE]
    set_speed = sc.set_speed_kph * KPH
    mode = model.mode
    descent = sc.grade_pct < 0.0 and mode.descent_speed > 0.0
    if descent:
        p[kn.P_CAR_SPEED] = 1.0
        p[kn.P_SET_SPEED] = mode.descent_speed
    elif mode.crawl_speed > 0.0 and sc.grade_pct >= 0.0:
        p[kn.P_CAR_SPEED] = 1.0
        p[kn.P_SET_SPEED] = min(set_speed, mode.crawl_speed)
    else:
        p[kn.P_SET_SPEED] = set_speed
    p[kn.P_GRADE] = sc.grade_pct / 100.0
    # Runs start rolling at the set speed (onto the test), except a step, met from rest.
    p[kn.P_V0] = p[kn.P_SET_SPEED]
    if sc.kind == "step_limit":
        p[kn.P_V0] = 0.0
    p[kn.P_X_END] = sc.distance_m
    p[kn.P_X_FAIL] = -2.0
    p[kn.P_WATER_DEPTH] = sc.water_depth_m
    p[kn.P_WATER_X0] = sc.water_from_m
    p[kn.P_WATER_X1] = sc.water_to_m
    return p


def _run(model: OffroadModel, sc: Scenario, cases: list[_Case], duration: float) -> _Raw:
    n = len(cases)
    base = _kernel_params(model, sc)
    params = np.tile(base, (n, 1))
    rows = np.zeros((n, 4, ROW_LEN))
    order = _REVERSE if sc.reverse else (0, 1, 2, 3)
    step_kernel = {order.index(w) for w in sc.step_wheels}
    r = model.radius
    lf, lr = base[kn.P_LF], base[kn.P_LR]
    for c, case in enumerate(cases):
        for name, value in case.overrides.items():
            params[c, PARAMS[name]] = value
        for i in range(4):
            rows[c, i] = _row(
                sc.surfaces[order[i]], model.tyre_width, model.tyre_radius, model.tyre_type
            )
    if sc.step_wheels:
        # Profiles are indexed by the car's travel: the front wheels meet the step
        # after ``step_at_m``, the rear ones a wheelbase later.
        x = np.arange(-2.0, sc.step_at_m + lf + lr + 2.0, PROFILE_DX)
        prof = np.zeros((n, 4, x.size, 2))
        for c, case in enumerate(cases):
            for i in range(4):
                h = case.step_height if i in step_kernel else 0.0
                at = sc.step_at_m + (0.0 if i < 2 else lf + lr)
                prof[c, i] = _step_profile(x, at, h, r)
        params[:, kn.P_PROF_X0] = x[0]
        params[:, kn.P_PROF_DX] = PROFILE_DX
        params[:, kn.P_X_END] = sc.step_at_m + STEP_CLEARED_M
    else:
        prof = np.zeros((n, 4, 2, 2))
        prof[:, :, :, 0] = r
        params[:, kn.P_PROF_X0] = -1e6
        params[:, kn.P_PROF_DX] = 2e6
    n_steps = round(duration / TIME_STEP_S)
    n_rec = n_steps // RECORD_EVERY
    traces = np.zeros((n, kn.N_T, n_rec))
    summary = np.zeros((n, kn.N_S))
    counts = np.zeros(n, dtype=np.int64)
    kn.run_batch(
        params, rows, prof, model.dc, n_steps, TIME_STEP_S, RECORD_EVERY, traces, summary, counts
    )
    if sc.reverse:
        perm = [order[i] for i in range(4)]
        for base_ch in (kn.T_OMEGA, kn.T_SLIP, kn.T_BRAKE, kn.T_TEMP, kn.T_LOAD, kn.T_FORCE):
            traces[:, base_ch : base_ch + 4] = traces[
                :, [base_ch + perm.index(w) for w in range(4)]
            ]
        traces[:, [kn.T_TORQUE_F, kn.T_TORQUE_R]] = traces[:, [kn.T_TORQUE_R, kn.T_TORQUE_F]]
    return _Raw(summary, traces, counts)


def _held(sc: Scenario, model: OffroadModel, summary: NDArray[np.float64]) -> bool:
    set_speed = _kernel_params(model, sc)[kn.P_SET_SPEED]
    return bool(summary[kn.S_V] >= set_speed - HOLD_TOLERANCE_MPS and summary[kn.S_X] > 0.0)


def _search(
    model: OffroadModel, sc: Scenario, make: Any, passes: Any, hi: float
) -> tuple[float, _Raw | None, int]:
    """Largest value in ``[0, hi]`` whose run passes (grid refinement); its raw run."""
    lo_v, hi_v = 0.0, hi
    best: float = math.nan
    best_raw: _Raw | None = None
    best_i = 0
    for _ in range(SEARCH_ROUNDS):
        values = np.linspace(lo_v, hi_v, SEARCH_POINTS)
        raw = _run(model, sc, [make(v) for v in values], sc.duration_s)
        ok = [passes(raw.summary[i]) for i in range(values.size)]
        if not ok[0]:
            if math.isnan(best):
                return 0.0, raw, 0
            break
        last = max(i for i in range(values.size) if ok[i] and all(ok[: i + 1]))
        best, best_raw, best_i = float(values[last]), raw, last
        if last == values.size - 1:
            break
        lo_v, hi_v = float(values[last]), float(values[last + 1])
    return best, best_raw, best_i


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OffroadResult:
    """One scenario run by one car in one mode.

    Traces are sampled at 100 Hz, wheels in the order front left, front right, rear
    left, rear right (arrays shaped (4, n)); for a limit search they are those of the
    hardest case that passed (or of the easiest, when none did).
    """

    scenario: str
    scenario_name: str
    architecture: str
    mode: str
    mode_requested: str
    passed: bool
    score: float
    score_unit: str
    pass_threshold: float
    higher_is_better: bool
    energy_kwh_per_km: float
    distance_m: float
    duration_s: float
    brake_temperature_max_c: float
    brake_energy_kj: float
    sinkage_mean_m: float
    lockers_closed: tuple[bool, bool, bool]
    time_s: NDArray[np.float64] = field(repr=False)
    speed_mps: NDArray[np.float64] = field(repr=False)
    wheel_speed_radps: NDArray[np.float64] = field(repr=False)
    slip: NDArray[np.float64] = field(repr=False)
    drive_torque_nm: NDArray[np.float64] = field(repr=False)
    brake_torque_nm: NDArray[np.float64] = field(repr=False)
    brake_temperature_c: NDArray[np.float64] = field(repr=False)
    normal_load_n: NDArray[np.float64] = field(repr=False)
    references: tuple[str, ...] = REFERENCES

    def to_dict(self, traces: bool = False) -> dict[str, Any]:
        """JSON-ready, unit-suffixed keys; traces only when asked for."""

        def num(x: float) -> float | None:
            return None if not math.isfinite(x) else round(float(x), 4)

        d: dict[str, Any] = {
            "scenario": self.scenario,
            "scenario_name": self.scenario_name,
            "architecture": self.architecture,
            "mode": self.mode,
            "mode_requested": self.mode_requested,
            "passed": self.passed,
            "score": num(self.score),
            "score_unit": self.score_unit,
            "pass_threshold": self.pass_threshold,
            "higher_is_better": self.higher_is_better,
            "energy_kwh_per_km": num(self.energy_kwh_per_km),
            "distance_m": num(self.distance_m),
            "duration_s": num(self.duration_s),
            "brake_temperature_max_c": num(self.brake_temperature_max_c),
            "brake_energy_kj": num(self.brake_energy_kj),
            "sinkage_mean_m": num(self.sinkage_mean_m),
            "lockers_closed": {
                "front": self.lockers_closed[0],
                "rear": self.lockers_closed[1],
                "centre": self.lockers_closed[2],
            },
        }
        if traces:
            d["traces"] = {
                "time_s": self.time_s.round(3).tolist(),
                "speed_mps": self.speed_mps.round(4).tolist(),
                "wheel_speed_radps": self.wheel_speed_radps.round(4).tolist(),
                "slip": self.slip.round(4).tolist(),
                "drive_torque_nm": self.drive_torque_nm.round(1).tolist(),
                "brake_torque_nm": self.brake_torque_nm.round(1).tolist(),
                "brake_temperature_c": self.brake_temperature_c.round(2).tolist(),
                "normal_load_n": self.normal_load_n.round(1).tolist(),
            }
        return d


def _result(
    model: OffroadModel, sc: Scenario, raw: _Raw | None, i: int, score: float
) -> OffroadResult:
    if raw is None:
        raise RuntimeError("no run to report")
    s = raw.summary[i]
    n = int(raw.n_rec[i])
    tr = raw.traces[i, :, :n]
    dist = float(s[kn.S_X])
    energy = float(s[kn.S_ENERGY])
    e_km = energy / KWH / (dist / 1000.0) if dist > 1.0 else math.nan
    ok = score >= sc.pass_threshold if sc.higher_is_better else score <= sc.pass_threshold

    def ch(base: int, count: int = 4) -> NDArray[np.float64]:
        return _ro(tr[base : base + count].copy())

    return OffroadResult(
        scenario=sc.id,
        scenario_name=sc.name,
        architecture=model.architecture.id,
        mode=model.mode.id,
        mode_requested=model.mode_requested,
        passed=bool(ok),
        score=float(score),
        score_unit=sc.score_unit,
        pass_threshold=sc.pass_threshold,
        higher_is_better=sc.higher_is_better,
        energy_kwh_per_km=e_km,
        distance_m=dist,
        duration_s=float(s[kn.S_TIME]),
        brake_temperature_max_c=float(s[kn.S_TEMP_MAX]),
        brake_energy_kj=float(s[kn.S_BRAKE_ENERGY]) / 1e3,
        sinkage_mean_m=float(s[kn.S_SINK_MEAN]),
        lockers_closed=(bool(s[kn.S_LOCK_F]), bool(s[kn.S_LOCK_R]), bool(s[kn.S_LOCK_C])),
        time_s=_ro(tr[kn.T_TIME].copy()),
        speed_mps=_ro(tr[kn.T_V].copy()),
        wheel_speed_radps=ch(kn.T_OMEGA),
        slip=ch(kn.T_SLIP),
        drive_torque_nm=ch(kn.T_TORQUE_F, 2),
        brake_torque_nm=ch(kn.T_BRAKE),
        brake_temperature_c=ch(kn.T_TEMP),
        normal_load_n=ch(kn.T_LOAD),
    )


def estimate_surface(model: OffroadModel, sc: Scenario) -> SurfaceEstimate:
    """What the car estimates on a scenario's main surface in a short probe drive:
    full pedal from 2 m/s on the level for :data:`PROBE_S`, in Comfort."""
    probe = Scenario(
        id="probe",
        name="probe",
        surfaces=(sc.main_surface,) * 4,
        kind="drive",
        metric="speed_held",
        score_unit="",
        pass_threshold=0.0,
        higher_is_better=True,
        set_speed_kph=100.0,
    )
    comfort = build_model(model.architecture.id, "comfort", spec=model.spec)
    raw = _run(comfort, probe, [_Case({"v0": 2.0})], PROBE_S)
    s = raw.summary[0]
    return SurfaceEstimate(
        friction=float(s[kn.S_FRICTION]),
        sinkage=float(s[kn.S_SINK_MEAN]),
        resistance=float(s[kn.S_RESIST]),
        water_depth=sc.water_depth_m,
        obstacle_ratio=sc.obstacle_ratio,
    )


def auto_mode(model: OffroadModel, scenario_id: str) -> str:
    """The mode Auto picks for a scenario (see ``control.terrain_response.auto_select``)."""
    return auto_select(estimate_surface(model, scenario(scenario_id)))


def run_scenario(model: OffroadModel, scenario_id: str | Scenario) -> OffroadResult:
    """Run one scenario of the suite by id, or a :class:`Scenario` of one's own
    (``ValueError`` naming an unknown id)."""
    sc = scenario_id if isinstance(scenario_id, Scenario) else scenario(scenario_id)
    if model.mode_requested == "auto":
        picked = auto_select(estimate_surface(model, sc))
        if model.spec is None:
            model = _build(model.architecture.id, mode_settings(picked), "auto")
        else:
            model = _assemble(
                model.architecture, model.spec, mode_settings(picked), "auto", own_spec=True
            )
    r = model.radius
    if sc.kind == "grade_limit":
        grade, raw, i = _search(
            model,
            sc,
            lambda g: _Case({"grade": g}),
            lambda s: _held(sc, model, s),
            sc.search_max,
        )
        return _result(model, sc, raw, i, 100.0 * grade)
    if sc.kind == "step_limit":
        ratio, raw, i = _search(
            model,
            sc,
            lambda h: _Case({}, step_height=h * r),
            lambda s: bool(math.isfinite(s[kn.S_FINISH])),
            sc.search_max,
        )
        return _result(model, sc, raw, i, ratio)
    raw = _run(model, sc, [_Case({})], sc.duration_s)
    return _result(model, sc, raw, 0, _drive_score(model, sc, raw))


def _drive_score(model: OffroadModel, sc: Scenario, raw: _Raw) -> float:
    s = raw.summary[0]
    n = int(raw.n_rec[0])
    t = raw.traces[0, kn.T_TIME, :n]
    v = raw.traces[0, kn.T_V, :n]
    x = raw.traces[0, kn.T_X, :n]
    if sc.metric == "speed_held":
        return 100.0 * float(s[kn.S_V_MEAN]) / (sc.set_speed_kph * KPH)
    if sc.metric == "freeboard":
        wet = (x >= sc.water_from_m) & (x <= sc.water_to_m)
        v_wet = float(np.max(np.abs(v[wet]))) if wet.any() else 0.0
        bow = sc.water_depth_m + v_wet**2 / (2.0 * GRAVITY)
        return 1000.0 * (model.wading_depth - bow)
    if sc.metric == "peak_speed":
        late = t >= 1.0
        return float(np.max(np.abs(v[late]))) / KPH if late.any() else math.nan
    raise ValueError(f"metric {sc.metric!r} is not a drive metric")


# --- the suite -------------------------------------------------------------------------


def recommended_mode(arch: Architecture, sc: Scenario) -> str:
    """The mode a driver would select: the one the scenario is meant for, if the car
    has Terrain Response, else Comfort."""
    if arch.terrain_response and sc.meant_for is not None:
        return sc.meant_for
    return "comfort"


@dataclass(frozen=True)
class Scorecard:
    """Results of the suite: ``results[architecture][scenario]``."""

    architectures: tuple[str, ...]
    scenarios: tuple[str, ...]
    results: dict[str, dict[str, OffroadResult]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "architectures": list(self.architectures),
            "scenarios": list(self.scenarios),
            "results": {
                a: {s: r.to_dict() for s, r in per.items()} for a, per in self.results.items()
            },
            "limitations": {
                a: _architectures()[a].limitation
                for a in self.architectures
                if a in _architectures() and _architectures()[a].limitation
            },
        }


def run_suite(
    architectures: tuple[str, ...] | None = None,
    scenarios: tuple[str, ...] | None = None,
    mode: str | None = None,
) -> Scorecard:
    """Every scenario for every architecture, side by side.

    ``mode=None`` runs each scenario in :func:`recommended_mode`; a mode id runs all in
    that mode (Comfort for a car without off-road modes).
    """
    archs = architectures or tuple(architecture_names())
    scs = scenarios or tuple(SCENARIOS)
    out: dict[str, dict[str, OffroadResult]] = {}
    for a in archs:
        arch = _architecture(a)
        out[a] = {}
        for s in scs:
            sc = scenario(s)
            m = mode if mode is not None else recommended_mode(arch, sc)
            if not arch.terrain_response:
                m = "comfort"
            out[a][s] = run_scenario(build_model(a, m), s)
    return Scorecard(tuple(archs), tuple(scs), out)


__all__ = [
    "FIXED_MODE_IDS",
    "PARAMS",
    "OffroadModel",
    "OffroadResult",
    "Scorecard",
    "architecture_names",
    "auto_mode",
    "build_model",
    "estimate_surface",
    "recommended_mode",
    "run_scenario",
    "run_suite",
]
