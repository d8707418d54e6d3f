"""Column layouts of the arrays the compiled kernel reads and writes.

The kernel takes a few packed arrays rather than dozens of arguments, which keeps
the call cheap. These constants name the columns; they are the only place the
layout is defined.
"""

from __future__ import annotations

# Vehicle parameters: one row per vehicle, SI units.
P_MASS = 0  # translational mass [kg]
P_MASS_EQ = 1  # mass plus rotating-part equivalent [kg]
P_RADIUS = 2  # dynamic rolling radius [m]
P_ROLL0 = 3  # constant rolling-type force on the level [N]
P_ROLL1 = 4  # linear-in-speed force on the level [N s/m]
P_AERO = 5  # quadratic-in-air-speed force coefficient [N s^2/m^2]
P_WIND = 6  # head wind [m/s]
P_AUX = 7  # auxiliary electrical load [W]
P_CAPACITY = 8  # gross battery energy [J]
P_SOC_START = 9  # state of charge at the start [-]
P_SOC_FLOOR = 10  # bottom of the usable window [-]
P_SOC_CEILING = 11  # top of the usable window [-]
P_RESISTANCE = 12  # pack resistance at mid SOC and the run's cell temperature [ohm]
P_POWER_DISCHARGE = 13  # pack discharge power limit [W]
P_POWER_CHARGE = 14  # pack charge power limit [W]
P_VOLTAGE_MIN = 15  # lowest terminal voltage [V]
P_VOLTAGE_MAX = 16  # highest terminal voltage [V]
P_REGEN_DECEL = 17  # deceleration regeneration may provide on its own [m/s^2]
P_FADE_HIGH = 18  # speed below which regeneration fades [m/s]
P_FADE_LOW = 19  # speed at which regeneration is gone [m/s]
P_MAP = 20  # index of the powertrain's split map
P_BATTERY = 21  # index of the battery's tables
P_POWERTRAIN_SCALE = 22  # size of the powertrain relative to its map [-] (see below)
P_LOSS_FACTOR = 23  # factor on every drivetrain loss of the map [-]
P_AUX_PROFILE = 24  # row of the auxiliary-load profiles replacing P_AUX, or -1 for none
N_PARAM = 25

# P_POWERTRAIN_SCALE: the loss model scales exactly with motor size when the loss
# fractions and the motors' speeds stay fixed (torque and every loss proportional to
# peak power), so one map serves a family of powertrains of any size: the kernel
# reads the map at torque / scale and multiplies losses and limits by scale.
# P_AUX_PROFILE: climate control makes the auxiliary load vary in time (a cabin
# warming up, a soak with the car switched off). Such a load is precomputed along
# the trace, outside the loop, as it depends on time and weather but not on the
# car's state; the kernel then reads it step by step instead of the constant P_AUX.
# P_LOSS_FACTOR multiplies the losses on top (1 for a vehicle as specified; studies
# use it for "what if the drive units lost 10 % less").

# Battery tables: uniform state-of-charge grid from 0 to 1.
N_SOC = 21
B_OCV = 0  # open-circuit voltage [V]
B_RFACTOR = 1  # resistance factor relative to mid SOC [-]

# Channels of each powertrain's split map, on its (wheel speed, wheel torque) grid.
M_GEAR = 0  # gear and differential loss [W]
M_MOTOR = 1  # motor loss [W]
M_INVERTER = 2  # inverter loss [W]
M_FRONT = 3  # net front-axle wheel torque of the chosen split [N m]
N_MAP = 4

# Limits of each powertrain map against wheel speed.
L_TORQUE_MAX = 0
L_TORQUE_MIN = 1

# Per-vehicle accumulators (energies in J, distances in m, times in s). The first
# fourteen rows are the energy breakdown in the order of ``result.TERMS``.
A_AERO = 0
A_ROLLING = 1
A_GRADE = 2
A_INERTIA = 3
A_FRICTION = 4
A_GEAR = 5
A_MOTOR = 6
A_INVERTER = 7
A_BATTERY = 8
A_AUX = 9
A_CHEMICAL = 10  # left for the fall in SOC times capacity, the independent measure
A_TRACTION = 11  # positive energy at the wheels from the motors
A_REGEN = 12  # energy taken from the wheels by the motors when braking
A_REGEN_CHEMICAL = 13  # chemical energy stored while charging from regeneration
N_BREAKDOWN = 14
A_TERMINAL = 14
A_DISTANCE = 15
A_DISTANCE_TARGET = 16
A_MISS_TIME = 17  # time the speed was more than the tolerance below the trace
A_MAX_DEFICIT = 18  # largest shortfall of speed below the trace [m/s]
A_SOC_END = 19
A_SOC_LOW = 20  # lowest SOC reached
A_POWER_TERMINAL_MAX = 21  # peak discharge power at the terminals [W]
A_POWER_TERMINAL_MIN = 22  # peak charge power at the terminals [W] (negative)
A_FRONT_ENERGY = 23  # positive traction energy of the front axle at the wheels
N_ACC = 24

# Per-segment accumulators.
S_CHEMICAL = 0
S_TERMINAL = 1
S_DISTANCE = 2
S_TIME = 3
N_SEG = 4

# Time traces (sample 0 is the initial state).
T_SPEED = 0  # achieved speed [m/s]
T_SOC = 1
T_POWER_TERMINAL = 2  # battery terminal power over the step ending here [W]
T_POWER_WHEEL = 3  # motors' net power at the wheels [W]
T_POWER_FRICTION = 4  # friction brake power [W]
T_TORQUE_FRONT = 5  # net front wheel torque [N m]
T_TORQUE_REAR = 6  # net rear wheel torque [N m]
T_LIMITED = 7  # 1 where the car could not follow the trace
N_TRACE = 8

#: Speed shortfall counted as missing the trace [m/s]: 2 mph, EPA's speed tolerance
#: (40 CFR 1066.425).
TRACE_TOLERANCE = 2.0 * 0.44704
