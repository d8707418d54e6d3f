"""Compiled core of the off-road model: one car, four wheels, a fixed 1 ms step.

The body moves along the path (``x`` along the grade plane); its pitch and roll are
quasi-static. Each step:

1. **Ground under each wheel.** Each wheel's centre follows a precomputed path over
   its own terrain profile (the envelope a wheel of radius ``r`` traces over steps and
   bumps); the path's slope ``tan(phi)`` tilts the contact: the tyre's force acts along
   ``(cos phi, sin phi)`` and its normal force along ``(-sin phi, cos phi)``.
2. **Normal loads.** Vertical balance and pitch moments about the centre of gravity,
   with the tyre forces of the previous step (Gillespie 1992, ch. 2, generalised to
   contacts at the edges of steps), split left and right by the warp of the terrain
   against the suspension's roll stiffnesses front and rear (a diagonal lift unloads
   the other diagonal until a wheel leaves the ground). Water lifts the body by its
   displaced volume.
3. **Tyre forces.** Transient slip (``physics.tyre.slip_step``) and the ground's force,
   motion resistance and sinkage (``physics.ground.ground_force``); a wheel on a free
   roller has a ground row with no friction.
4. **The car's software** (``evtwin.control``): speed control (crawl control, hill-
   descent control, or a driver model through the pedal map), torque split, per-axle
   slip control, the virtual centre lock, brake-based torque transfer, lockers.
5. **Drivetrain.** Each axle in carrier and differential coordinates
   (``omega_L,R = omega_c +- omega_d``): an open differential gives both wheels the same
   torque; a locker is a clutch on ``omega_d`` whose torque is the one that would stop
   the relative motion this step, held within its capacity (stick and slip in one
   formula, stable at any step). A mechanical car has one engine on the centre
   differential's carrier, with the same clutch between the axles. Brakes hold a
   wheel by the torque that would stop it this step, within their (faded) capacity.
6. **Body.** ``m a`` = the tyres' forces along the path less gravity, air and water.
   Semi-implicit Euler: speeds first, then positions.

References
----------
- T. D. Gillespie, Fundamentals of Vehicle Dynamics, SAE, 1992, ch. 2.
- J. Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, sec. 3.1 (differentials,
  lockers) and ch. 2 (soft ground, via ``physics.ground``).
- H. B. Pacejka, Tyre and Vehicle Dynamics, 3rd ed., 2012, sec. 7.2.1 (transient slip).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..control.brake_torque_vectoring import thermal_derate, transfer_brake_step
from ..control.crawl_control import pedal_to_demand, speed_hold_step
from ..control.descent_control import anti_lock
from ..control.slip_control import slip_error, slip_limit_step, slip_torque_limit
from ..control.virtual_centre_lock import reassign
from ..physics.ground import G_CRR, G_RELAX, ground_force
from ..physics.tyre import slip_step
from ..units import GRAVITY

# --- parameter row ---------------------------------------------------------------------
P_MASS = 0  #: [kg]
P_LF = 1  #: centre of gravity to front axle [m]
P_LR = 2  #: centre of gravity to rear axle [m]
P_HCG = 3  #: centre of gravity height [m]
P_TRACK_F = 4  #: [m]
P_TRACK_R = 5  #: [m]
P_RADIUS = 6  #: tyre rolling radius [m]
P_J_WHEEL = 7  #: one wheel [kg m^2]
P_J_ROT_F = 8  #: front motor rotor at the wheels (ratio^2) [kg m^2]
P_J_ROT_R = 9  #: [kg m^2]
P_J_ENGINE = 10  #: mechanical: engine and gearbox at the wheels [kg m^2]
P_MECHANICAL = 11  #: 1: one engine through a centre differential
P_TPK_F = 12  #: front axle peak wheel torque [N m] (0: not driven)
P_TPK_R = 13  #: [N m]
P_PWR_F = 14  #: front axle peak wheel power [W]
P_PWR_R = 15  #: [W]
P_LAG_F = 16  #: motor torque time constant [s]
P_LAG_R = 17  #: [s]
P_ENG_TPK = 18  #: mechanical: total peak wheel torque [N m]
P_ENG_PWR = 19  #: mechanical: engine power at the wheels [W]
P_ENG_LAG = 20  #: [s]
P_CENTRE_CAP = 21  #: centre locking clutch capacity [N m] (0: no lock)
P_LOCK_CAP_F = 22  #: front axle locker capacity [N m] (0: none)
P_LOCK_CAP_R = 23  #: [N m]
P_BIAS = 24  #: open differentials' torque-bias ratio [-]
P_BRAKE_MAX = 25  #: per wheel [N m]
P_BRAKE_LAG = 26  #: [s]
P_DISC_HEAT = 27  #: disc heat capacity [J/K]
P_DISC_COOL = 28  #: [W/K]
P_FADE_START = 29  #: [C]
P_FADE_END = 30  #: [C]
P_FADE_FLOOR = 31  #: [-]
P_AMBIENT = 32  #: [C]
P_ROLL_K_F = 33  #: front roll stiffness [N m/rad]
P_ROLL_K_R = 34  #: [N m/rad]
P_AERO = 35  #: 0.5 rho Cd A [kg/m]
P_PEDAL_EXP = 36  #: pedal map exponent [-]
P_SLIP_TARGET = 37  #: [-]
P_SLIP_GAIN = 38  #: [1/s]
P_BTV = 39  #: 1: brake-based torque transfer on
P_BRAKE_ONSET = 40  #: [m/s]
P_BRAKE_GAIN = 41  #: [N m s/m]
P_BRAKE_RAMP = 42  #: [N m/s]
P_LOCKER_POLICY = 43  #: 0 open, 1 on slip, 2 locked
P_LOCKER_ONSET = 44  #: [m/s]
P_FRONT_SHARE = 45  #: [-]
P_VCL = 46  #: 1: virtual centre lock
P_CAR_SPEED = 47  #: 1: the car's speed control (crawl / descent); 0: the driver's pedal
P_SET_SPEED = 48  #: [m/s]
P_DERATE_START = 49  #: brake control derate from [C]
P_DERATE_END = 50  #: [C]
P_SLIP_MAX_WHEEL = 51  #: 1: slip control on the faster wheel (no brake control, no locker)
P_GRADE = 52  #: rise over run, uphill positive [-]
P_V0 = 53  #: initial speed [m/s]
P_X_END = 54  #: distance at which the run ends [m]
P_X_FAIL = 55  #: roll-back distance at which the run ends [m] (negative)
P_PROF_X0 = 56  #: profile grid start [m]
P_PROF_DX = 57  #: profile grid step [m]
P_WATER_DEPTH = 58  #: [m]
P_WATER_X0 = 59  #: [m]
P_WATER_X1 = 60  #: [m]
P_BODY_WIDTH = 61  #: [m]
P_BODY_LENGTH = 62  #: [m]
P_BODY_CLEARANCE = 63  #: floor height, with the mode's ride height [m]
P_WATER_CD = 64  #: drag coefficient of the wetted front [-]
P_WTOP_F = 65  #: top of the DC power table's wheel-speed axis [rad/s]
P_WTOP_R = 66
P_TTOP_F = 67  #: top of the DC power table's torque axis [N m]
P_TTOP_R = 68
P_WMAX_F = 69  #: highest wheel speed of the front motor [rad/s]
P_WMAX_R = 70
P_AUX = 71  #: auxiliary electrical load [W]
P_SLIP_FLOOR = 72  #: speed below which slip control's allowance stops shrinking [m/s]
P_GAIN_SCALE = 73  #: factor on slip and speed control gains for a slow actuator [-]
N_P = 74

# --- traces (recorded every ``record_every`` steps) --------------------------------------
T_TIME = 0
T_X = 1
T_V = 2
T_OMEGA = 3  #: 4 channels, FL FR RL RR [rad/s]
T_SLIP = 7  #: 4 channels [-]
T_TORQUE_F = 11  #: front axle drive torque at the wheels [N m]
T_TORQUE_R = 12
T_BRAKE = 13  #: 4 channels [N m]
T_TEMP = 17  #: 4 channels [C]
T_LOAD = 21  #: 4 channels [N]
T_SINKAGE = 25  #: mean of the four [m]
T_FORCE = 26  #: 4 channels, tyre tractive force [N]
N_T = 30

# --- summary ---------------------------------------------------------------------------
S_TIME = 0  #: when the run ended [s]
S_X = 1  #: final distance [m]
S_X_MAX = 2
S_V = 3  #: final speed [m/s]
S_V_MIN = 4
S_V_MAX = 5
S_ENERGY = 6  #: battery DC energy, or the engine's work for a mechanical car [J]
S_WORK = 7  #: positive drive work at the wheels [J]
S_TEMP_MAX = 8  #: hottest disc [C]
S_SINK_MEAN = 9  #: time mean of the mean sinkage [m]
S_SINK_MAX = 10
S_FINISH = 11  #: time at which x_end was reached [s] (nan: not reached)
S_V_HALF = 12  #: speed at half the run [m/s]
S_LOCK_F = 13  #: 1 if the front locker closed
S_LOCK_R = 14
S_LOCK_C = 15
S_FRICTION = 16  #: highest total tractive force over total load [-]
S_RESIST = 17  #: mean motion resistance over load [-]
S_V_MEAN = 18  #: mean speed over the second half [m/s]
S_BRAKE_ENERGY = 19  #: heat put into the discs [J]
S_SPEED_ERR_MAX = 20  #: largest |v - set| in the second half [m/s]
N_S = 21

#: Speed below which motion resistance is taken in proportion, not at its full value
#: [m/s]: resistance cannot push a car at rest (a regularised Coulomb law).
V_STATIC = 0.02
#: Water density [kg/m^3].
RHO_WATER = 1000.0
#: Gains of the car's speed control (crawl, descent), per kilogram of mass: a 0.5 s
#: time constant with a 2 s integral (estimates; a calm speed hold at walking pace).
CRAWL_KP_PER_KG = 2.0
CRAWL_KI_PER_KG = 1.0
#: Gains of the driver's foot on the pedal: per m/s of speed error, per metre.
#: Estimate: a driver applies full pedal for a 2 m/s error, more slowly than a controller.
#: Scaled by ``P_GAIN_SCALE`` for a slow engine: a driver feathers a throttle that
#: answers late (unscaled, a 0.3 s lag in low range made the pedal loop ring).
DRIVER_KP = 0.5
DRIVER_KI = 0.25


@njit(cache=True, inline="always")
def _profile(prof, run, wheel, x, x0, dx):  # type: ignore[no-untyped-def]
    """Wheel-centre height and slope at x, linear on the uniform grid."""
    n = prof.shape[2]
    u = (x - x0) / dx
    if u <= 0.0:
        return prof[run, wheel, 0, 0], prof[run, wheel, 0, 1]
    if u >= n - 1:
        return prof[run, wheel, n - 1, 0], prof[run, wheel, n - 1, 1]
    i = int(u)
    f = u - i
    z = prof[run, wheel, i, 0] * (1.0 - f) + prof[run, wheel, i + 1, 0] * f
    s = prof[run, wheel, i, 1] * (1.0 - f) + prof[run, wheel, i + 1, 1] * f
    return z, s


@njit(cache=True, inline="always")
def _dc_power(dc, axle, w, t, w_top, t_top):  # type: ignore[no-untyped-def]
    """DC power [W] of an axle at wheel speed w and wheel torque t (bilinear)."""
    nw = dc.shape[1]
    nt = dc.shape[2]
    u = abs(w) / w_top * (nw - 1)
    if u > nw - 1.000001:
        u = nw - 1.000001
    s = (t + t_top) / (2.0 * t_top) * (nt - 1)
    if s < 0.0:
        s = 0.0
    if s > nt - 1.000001:
        s = nt - 1.000001
    i = int(u)
    j = int(s)
    fu = u - i
    fs = s - j
    return (
        dc[axle, i, j] * (1 - fu) * (1 - fs)
        + dc[axle, i + 1, j] * fu * (1 - fs)
        + dc[axle, i, j + 1] * (1 - fu) * fs
        + dc[axle, i + 1, j + 1] * fu * fs
    )


@njit(cache=True, inline="always")
def _cap(tpk, pwr, wmax, w):  # type: ignore[no-untyped-def]
    """Drive torque available at the wheels at wheel speed w [N m]."""
    aw = abs(w)
    if aw >= wmax:
        return 0.0
    if aw * tpk > pwr:
        return pwr / aw
    return tpk


@njit(cache=True, inline="always")
def _clutch(j_rel, w_rel, q_rel, cap, dt):  # type: ignore[no-untyped-def]
    """Torque of a clutch on a relative coordinate: what stops it this step, within cap."""
    need = j_rel * w_rel / (2.0 * dt) + 0.5 * q_rel
    if need > cap:
        return cap
    if need < -cap:
        return -cap
    return need


@njit(cache=True)
def run_one(  # type: ignore[no-untyped-def]
    p, rows, prof, dc, k, n_steps, dt, record_every, traces, summary
):
    """Run one case ``k`` of the batch; see the module docstring for the model.

    ``prof[k, wheel, j]`` holds the wheel centre's height over the grade plane and its
    slope when the car has travelled ``x0 + j dx`` from its start; ``rows[k, wheel]``
    the ground row under that wheel; ``dc[axle]`` the DC power table.
    """
    g = GRAVITY
    m = p[P_MASS]
    r = p[P_RADIUS]
    lf = p[P_LF]
    lr = p[P_LR]
    jw = p[P_J_WHEEL]
    mech = p[P_MECHANICAL] > 0.5
    cos_t = 1.0 / math.sqrt(1.0 + p[P_GRADE] ** 2)
    sin_t = p[P_GRADE] * cos_t
    k_warp = 0.0
    if p[P_ROLL_K_F] > 0.0 and p[P_ROLL_K_R] > 0.0:
        k_warp = p[P_ROLL_K_F] * p[P_ROLL_K_R] / (p[P_ROLL_K_F] + p[P_ROLL_K_R])
    tf = p[P_TRACK_F]
    tr = p[P_TRACK_R]
    x0 = p[P_PROF_X0]
    dxp = p[P_PROF_DX]

    jc = np.empty(2)
    jc[0] = 2.0 * jw + p[P_J_ROT_F]
    jc[1] = 2.0 * jw + p[P_J_ROT_R]
    jd = 2.0 * jw
    tpk = np.empty(2)
    tpk[0] = p[P_TPK_F]
    tpk[1] = p[P_TPK_R]
    if mech:
        tpk[0] = 0.5 * p[P_ENG_TPK]
        tpk[1] = 0.5 * p[P_ENG_TPK]
    pwr = np.empty(2)
    pwr[0] = p[P_PWR_F]
    pwr[1] = p[P_PWR_R]
    lag = np.empty(2)
    lag[0] = max(p[P_LAG_F], dt)
    lag[1] = max(p[P_LAG_R], dt)
    wmax = np.empty(2)
    wmax[0] = p[P_WMAX_F]
    wmax[1] = p[P_WMAX_R]
    lock_cap = np.empty(2)
    lock_cap[0] = p[P_LOCK_CAP_F]
    lock_cap[1] = p[P_LOCK_CAP_R]
    bias = (p[P_BIAS] - 1.0) / (p[P_BIAS] + 1.0)

    # state
    v = p[P_V0]
    x = 0.0
    wc = np.full(2, v / r)
    wd = np.zeros(2)
    kap = np.zeros(4)
    tm = np.zeros(2)  # motor (or engine share) torque at the wheels, per axle
    te = 0.0
    lim = tpk.copy()  # slip-control torque limits (integral part)
    lim_eff = tpk.copy()  # with the proportional part
    btv = np.zeros(2)  # brake-transfer controller integral per axle
    tb = np.zeros(4)  # actual brake torque per wheel
    temp = np.full(4, p[P_AMBIENT])
    fnet = np.zeros(4)  # previous tyre force along the contact tangent
    locked = np.zeros(3)  # front, rear, centre
    # Start in equilibrium at the initial speed: the speed control's integral and the
    # drive torque already hold the grade and the rolling resistance (as a car that
    # rolls onto the test at its set speed).
    f_hold = max(m * g * (sin_t + rows[k, 0, G_CRR] * cos_t), 0.0) if v > 0.0 else 0.0
    if p[P_CAR_SPEED] > 0.5:
        integ = f_hold
    else:
        share0 = min(f_hold * r / max(tpk[0] + tpk[1], 1.0), 1.0)
        integ = share0 ** (1.0 / p[P_PEDAL_EXP])
    if not mech and f_hold > 0.0:
        s_f0 = (
            p[P_FRONT_SHARE] if (tpk[0] > 0.0 and tpk[1] > 0.0) else (1.0 if tpk[0] > 0.0 else 0.0)
        )
        tm[0] = s_f0 * f_hold * r
        tm[1] = (1.0 - s_f0) * f_hold * r
    if mech:
        te = f_hold * r
    # ... and the tyres carry it already: each wheel's slip set to the smallest that
    # gives its share of the force at its static load (the peak, if none does).
    if f_hold > 0.0:
        n_static = np.array([lr, lr, lf, lf]) * m * g * cos_t / (2.0 * (lf + lr))
        for i in range(4):
            share_w = 0.5 * tm[i // 2] / r
            best_k = 0.0
            best_f = -1.0
            for j in range(1, 201):
                kj = 0.0025 * j
                f_j, _r, _s = ground_force(kj, n_static[i], v, rows[k, i])
                if f_j > best_f:
                    best_f = f_j
                    best_k = kj
                if f_j >= share_w:
                    best_k = kj
                    break
            kap[i] = best_k
        for a in range(2):
            wc[a] = v * (1.0 + 0.5 * (kap[2 * a] + kap[2 * a + 1])) / r

    omega = np.empty(4)
    zc = np.empty(4)
    tphi = np.empty(4)
    cphi = np.empty(4)
    sphi = np.empty(4)
    vload = np.empty(4)
    nload = np.zeros(4)
    ftr = np.zeros(4)
    tau = np.empty(4)
    tcmd = np.zeros(4)
    cmd = np.zeros(2)  # axle torque commands
    brk_applied = np.zeros(4)

    energy = 0.0
    work = 0.0
    brake_energy = 0.0
    x_max = 0.0
    v_min = v
    v_max = v
    sink_sum = 0.0
    sink_max = 0.0
    finish = math.nan
    v_half = v
    fric_max = 0.0
    resist_sum = 0.0
    resist_n = 0.0
    v_sum2 = 0.0
    n_sum2 = 0.0
    err_max2 = 0.0
    half = n_steps // 2
    rec = 0
    t = 0.0
    n_done = 0

    for step in range(n_steps):
        t = (step + 1) * dt
        for a in range(2):
            omega[2 * a] = wc[a] + wd[a]
            omega[2 * a + 1] = wc[a] - wd[a]

        # 1. ground under each wheel
        lift = 0.0
        for i in range(4):
            # Each wheel's profile is indexed by the car's travel (see ``prof``).
            z, s = _profile(prof, k, i, x, x0, dxp)
            zc[i] = z
            tphi[i] = s
            cphi[i] = 1.0 / math.sqrt(1.0 + s * s)
            sphi[i] = s * cphi[i]
            lift += 0.25 * (z - r)
        z_cg = p[P_HCG] + lift

        # water: buoyancy and drag over the wetted front
        depth = 0.0
        if p[P_WATER_X0] <= x <= p[P_WATER_X1]:
            depth = p[P_WATER_DEPTH]
        submerged = max(depth - p[P_BODY_CLEARANCE], 0.0)
        buoy = RHO_WATER * g * p[P_BODY_LENGTH] * p[P_BODY_WIDTH] * submerged
        weight = max(m * g - buoy, 0.05 * m * g)

        # 2. normal loads from the previous step's tyre forces
        wc_n = weight * cos_t
        kf = 0.0
        kr = 0.0
        rhs = 0.0
        for i in range(4):
            xc = (lf if i < 2 else -lr) + r * sphi[i]
            zc_rel = zc[i] - r * cphi[i] - z_cg
            kk = xc + zc_rel * tphi[i]
            if i < 2:
                kf += 0.5 * kk
            else:
                kr += 0.5 * kk
            rhs += zc_rel * fnet[i] / cphi[i]
        vf = (rhs - kr * wc_n) / (kf - kr)
        vf = min(max(vf, 0.0), wc_n)
        vr = wc_n - vf
        mom = k_warp * ((zc[0] - zc[1]) / tf - (zc[2] - zc[3]) / tr)
        mom_cap = 0.5 * min(vf * tf, vr * tr)
        mom = min(max(mom, -mom_cap), mom_cap)
        vload[0] = 0.5 * vf + mom / tf
        vload[1] = 0.5 * vf - mom / tf
        vload[2] = 0.5 * vr - mom / tr
        vload[3] = 0.5 * vr + mom / tr
        # On a steep contact (a step's edge) the tangential force carries much of the
        # vertical load, and the normal force follows from it with a gain of
        # mu tan(phi), which would ring if taken from the last step's force; the force
        # is taken as proportional to the load instead (its last ratio), N (cos + c sin) = V.
        for i in range(4):
            c_i = fnet[i] / nload[i] if nload[i] > 0.0 else 0.0
            nload[i] = max(vload[i] / max(cphi[i] + c_i * sphi[i], 0.05), 0.0)

        # 3. tyre forces
        h_sum = 0.0
        sink_mean = 0.0
        ftr_sum = 0.0
        res_sum = 0.0
        n_sum = 0.0
        for i in range(4):
            vx = v / cphi[i]
            kap[i] = slip_step(kap[i], omega[i] * r, vx, rows[k, i, G_RELAX], dt)
            f, res, sink = ground_force(kap[i], nload[i], vx, rows[k, i])
            ftr[i] = f
            res_eff = res * min(max(vx / V_STATIC, -1.0), 1.0)
            fnet[i] = f - res_eff
            h_sum += fnet[i] * cphi[i] - nload[i] * sphi[i]
            sink_mean += 0.25 * sink
            ftr_sum += f
            res_sum += res
            n_sum += nload[i]
        if n_sum > 0.0:
            fric_max = max(fric_max, abs(ftr_sum) / n_sum)
            resist_sum += res_sum / n_sum
            resist_n += 1.0

        # 4. the car's software
        if p[P_CAR_SPEED] > 0.5:
            f_max = m * g
            f_dem, integ = speed_hold_step(
                v,
                p[P_SET_SPEED],
                integ,
                CRAWL_KP_PER_KG * m,
                CRAWL_KI_PER_KG * m,
                -f_max,
                f_max,
                dt,
            )
            t_dem = f_dem * r
        else:
            ks = p[P_GAIN_SCALE]
            pedal, integ = speed_hold_step(
                v, p[P_SET_SPEED], integ, DRIVER_KP * ks, DRIVER_KI * ks, -1.0, 1.0, dt
            )
            share = pedal_to_demand(pedal, p[P_PEDAL_EXP])
            # Full pedal asks the motors' torque; full brake pedal the four brakes'.
            full = (tpk[0] + tpk[1]) if share >= 0.0 else 4.0 * p[P_BRAKE_MAX]
            t_dem = share * full
        driving = t_dem > 0.0

        # slip control per axle
        for a in range(2):
            rim_l = omega[2 * a] * r
            rim_r = omega[2 * a + 1] * r
            if p[P_SLIP_MAX_WHEEL] > 0.5 and locked[a] < 0.5:
                # Nothing else holds a spinning wheel back: the motor must.
                meas = max(rim_l, rim_r)
            else:
                # Brake control (or a locker) deals with the difference across the
                # axle; the motor answers only when the gripping wheel slips too.
                meas = min(rim_l, rim_r)
            err = slip_error(meas, v, p[P_SLIP_TARGET], p[P_SLIP_FLOOR])
            gain = p[P_SLIP_GAIN] * p[P_GAIN_SCALE]
            lim[a] = slip_limit_step(lim[a], err, gain, max(tpk[a], 1.0), dt)
            lim_eff[a] = slip_torque_limit(lim[a], err, gain, max(tpk[a], 1.0))

        # lockers (a locker with no hardware has no capacity)
        for a in range(2):
            dv = abs(omega[2 * a] - omega[2 * a + 1]) * r
            pol = p[P_LOCKER_POLICY]
            if pol > 1.5 or (pol > 0.5 and dv > p[P_LOCKER_ONSET]):
                locked[a] = 1.0
        if mech:
            dvc = abs(wc[0] - wc[1]) * r
            pol = p[P_LOCKER_POLICY]
            if pol > 1.5 or (pol > 0.5 and dvc > p[P_LOCKER_ONSET]):
                locked[2] = 1.0

        for i in range(4):
            tcmd[i] = 0.0
        cmd[0] = 0.0
        cmd[1] = 0.0
        te_cmd = 0.0
        if driving:
            if mech:
                w_c = 0.5 * (wc[0] + wc[1])
                cap_e = _cap(p[P_ENG_TPK], p[P_ENG_PWR], 1e9, w_c)
                # An open centre splits the torque equally, so the weaker axle's limit
                # caps both; a locked one lets each axle take its own.
                if locked[2] > 0.5 and p[P_CENTRE_CAP] > 0.0:
                    lim_e = lim_eff[0] + lim_eff[1]
                else:
                    lim_e = 2.0 * min(lim_eff[0], lim_eff[1])
                te_cmd = min(t_dem, cap_e, lim_e)
            else:
                s_f = p[P_FRONT_SHARE]
                if tpk[0] <= 0.0:
                    s_f = 0.0
                if tpk[1] <= 0.0:
                    s_f = 1.0
                cap_f = min(_cap(tpk[0], pwr[0], wmax[0], wc[0]), lim_eff[0])
                cap_r = min(_cap(tpk[1], pwr[1], wmax[1], wc[1]), lim_eff[1])
                cmd[0], cmd[1] = reassign(
                    s_f * t_dem, (1.0 - s_f) * t_dem, cap_f, cap_r, p[P_VCL] > 0.5
                )
        else:
            # braking: motors first (regeneration), friction brakes for the rest
            t_brake = -t_dem
            regen = 0.0
            if not mech:
                for a in range(2):
                    share_a = vf / wc_n if a == 0 else vr / wc_n
                    c_a = _cap(tpk[a], pwr[a], wmax[a], wc[a])
                    cmd[a] = -min(share_a * t_brake, c_a)
                    regen -= cmd[a]
            rest = max(t_brake - regen, 0.0)
            for i in range(4):
                share_i = vload[i] / wc_n
                tcmd[i] = anti_lock(rest * share_i, kap[i] if v >= 0.0 else -kap[i])

        # brake-based torque transfer across each axle
        if p[P_BTV] > 0.5 and driving:
            for a in range(2):
                il = 2 * a
                ir = 2 * a + 1
                dv = (omega[il] - omega[ir]) * r
                fast = il if abs(omega[il]) > abs(omega[ir]) else ir
                derate = thermal_derate(temp[fast], p[P_DERATE_START], p[P_DERATE_END])
                c_b, btv[a] = transfer_brake_step(
                    btv[a],
                    abs(dv),
                    p[P_BRAKE_ONSET],
                    p[P_BRAKE_GAIN],
                    p[P_BRAKE_RAMP],
                    derate,
                    dt,
                )
                tcmd[fast] += c_b
        else:
            btv[0] = 0.0
            btv[1] = 0.0

        # actuators: motor (engine) and brake lags
        if mech:
            te += (te_cmd - te) * dt / max(p[P_ENG_LAG], dt)
        else:
            for a in range(2):
                tm[a] += (cmd[a] - tm[a]) * dt / lag[a]
        for i in range(4):
            tb[i] += (min(tcmd[i], p[P_BRAKE_MAX]) - tb[i]) * dt / p[P_BRAKE_LAG]

        # 5. drivetrain
        for i in range(4):
            fade = 1.0
            if temp[i] > p[P_FADE_START]:
                u = min((temp[i] - p[P_FADE_START]) / (p[P_FADE_END] - p[P_FADE_START]), 1.0)
                fade = 1.0 - (1.0 - p[P_FADE_FLOOR]) * u
            cap_b = tb[i] * fade
            hold = jw * abs(omega[i]) / dt
            tbi = min(cap_b, hold)
            brk_applied[i] = tbi
            tau[i] = -ftr[i] * r - (tbi if omega[i] > 0.0 else -tbi)
        for a in range(2):
            ql = tau[2 * a]
            qr = tau[2 * a + 1]
            cap_l = 0.5 * bias * abs(tm[a] if not mech else 0.5 * te)
            if locked[a] > 0.5:
                cap_l = max(cap_l, lock_cap[a])
            tcl = _clutch(jd, wd[a], ql - qr, cap_l, dt)
            wd[a] += dt * (ql - qr - 2.0 * tcl) / jd
        if mech:
            qf = tau[0] + tau[1]
            qr_ = tau[2] + tau[3]
            w_c = 0.5 * (wc[0] + wc[1])
            w_d = 0.5 * (wc[0] - wc[1])
            mc = p[P_J_ENGINE] + jc[0] + jc[1]
            md = 0.5 * (jc[0] + jc[1])
            cap_c = p[P_CENTRE_CAP] if locked[2] > 0.5 else 0.0
            # Centre clutch on omega_d with inertia 2 md.
            tcc = _clutch(2.0 * md, w_d, qf - qr_, cap_c, dt)
            w_c += dt * (te + qf + qr_) / mc
            w_d += dt * (qf - qr_ - 2.0 * tcc) / (2.0 * md)
            wc[0] = w_c + w_d
            wc[1] = w_c - w_d
            tm[0] = 0.5 * te
            tm[1] = 0.5 * te
        else:
            for a in range(2):
                wc[a] += dt * (tm[a] + tau[2 * a] + tau[2 * a + 1]) / jc[a]

        # brake discs: heat in, convection out
        for i in range(4):
            q_in = brk_applied[i] * abs(omega[i])
            brake_energy += q_in * dt
            temp[i] += dt * (q_in - p[P_DISC_COOL] * (temp[i] - p[P_AMBIENT])) / p[P_DISC_HEAT]

        # energy
        if mech:
            pw = te * 0.5 * (wc[0] + wc[1])
            energy += max(pw, 0.0) * dt
            work += max(pw, 0.0) * dt
        else:
            p_el = p[P_AUX]
            for a in range(2):
                if tpk[a] > 0.0:
                    p_el += _dc_power(dc, a, wc[a], tm[a], p[P_WTOP_F + a], p[P_TTOP_F + a])
                    work += max(tm[a] * wc[a], 0.0) * dt
            energy += p_el * dt

        # 6. body
        drag_water = 0.0
        if depth > 0.0:
            wetted = p[P_BODY_WIDTH] * depth
            drag_water = 0.5 * RHO_WATER * p[P_WATER_CD] * wetted * v * abs(v)
        acc = (h_sum - weight * sin_t - p[P_AERO] * v * abs(v) - drag_water) / m
        v += acc * dt
        x += v * dt

        # bookkeeping
        x_max = max(x_max, x)
        v_min = min(v_min, v)
        v_max = max(v_max, v)
        sink_sum += sink_mean
        sink_max = max(sink_max, sink_mean)
        if step == half:
            v_half = v
        if step >= half:
            v_sum2 += v
            n_sum2 += 1.0
            err_max2 = max(err_max2, abs(v - p[P_SET_SPEED]))
        if (step + 1) % record_every == 0 and rec < traces.shape[2]:
            traces[k, T_TIME, rec] = t
            traces[k, T_X, rec] = x
            traces[k, T_V, rec] = v
            for i in range(4):
                traces[k, T_OMEGA + i, rec] = omega[i]
                traces[k, T_SLIP + i, rec] = kap[i]
                traces[k, T_BRAKE + i, rec] = brk_applied[i]
                traces[k, T_TEMP + i, rec] = temp[i]
                traces[k, T_LOAD + i, rec] = nload[i]
                traces[k, T_FORCE + i, rec] = ftr[i]
            traces[k, T_TORQUE_F, rec] = tm[0]
            traces[k, T_TORQUE_R, rec] = tm[1]
            traces[k, T_SINKAGE, rec] = sink_mean
            rec += 1
        n_done = step + 1
        if x >= p[P_X_END]:
            finish = t
            break
        if x <= p[P_X_FAIL]:
            break

    summary[k, S_TIME] = t
    summary[k, S_X] = x
    summary[k, S_X_MAX] = x_max
    summary[k, S_V] = v
    summary[k, S_V_MIN] = v_min
    summary[k, S_V_MAX] = v_max
    summary[k, S_ENERGY] = energy
    summary[k, S_WORK] = work
    summary[k, S_TEMP_MAX] = max(temp[0], temp[1], temp[2], temp[3])
    summary[k, S_SINK_MEAN] = sink_sum / max(n_done, 1)
    summary[k, S_SINK_MAX] = sink_max
    summary[k, S_FINISH] = finish
    summary[k, S_V_HALF] = v_half
    summary[k, S_LOCK_F] = locked[0] if lock_cap[0] > 0.0 else 0.0
    summary[k, S_LOCK_R] = locked[1] if lock_cap[1] > 0.0 else 0.0
    summary[k, S_LOCK_C] = locked[2] if (mech and p[P_CENTRE_CAP] > 0.0) else 0.0
    summary[k, S_FRICTION] = fric_max
    summary[k, S_RESIST] = resist_sum / max(resist_n, 1.0)
    summary[k, S_V_MEAN] = v_sum2 / n_sum2 if n_sum2 > 0.0 else v
    summary[k, S_BRAKE_ENERGY] = brake_energy
    summary[k, S_SPEED_ERR_MAX] = err_max2
    return rec


# nogil: touches no Python object, so the web server's other requests run meanwhile.
@njit(cache=True, nogil=True)
def run_batch(params, rows, prof, dc, n_steps, dt, record_every, traces, summary, n_rec):  # type: ignore[no-untyped-def]
    """Run every case of a batch (serially: cases are short and few)."""
    for k in range(params.shape[0]):
        n_rec[k] = run_one(params[k], rows, prof, dc, k, n_steps, dt, record_every, traces, summary)
