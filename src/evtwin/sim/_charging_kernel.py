"""The compiled loop of a charging session: steps of state of charge, members of a batch.

The equations are those of ``evtwin.physics.charging`` written inline for speed;
``tests/unit/test_charging.py`` holds the two equal step by step. A step:

1. the pack's resistance and the charge acceptance at the cell temperature, the
   cooling the temperature calls for, and so the car's own loads;
2. every limit on the current (anode acceptance, cell cut-off voltage, the car's
   current, and the source's power, current and voltage, directly and through a
   booster where there is one); the smallest sets the current, the best path wins.
   If the cold acceptance sets it, the heater runs, its power taken from the source;
3. the step's time from the chemical energy it stores (``V_oc I dt``), its losses,
   and the pack's temperature by the exact update of a heat flow linear in it.

A member whose current falls below ``current_min`` has stalled: its remaining
steps take no time and carry zero current.
"""

from __future__ import annotations

import math
from typing import Any

from numba import njit

from ..physics.battery import GAS_CONSTANT

# Columns of the parameter vector.
(
    K_CAPACITY,  # gross energy [J]
    K_CHARGE,  # charge capacity [C]
    K_VOLTAGE_MAX,  # pack cut-off [V]
    K_CURRENT_MAX,  # car's current limit [A] (inf: none)
    K_T_FULL,  # [K]
    K_T_DERATE,
    K_T_MAX,
    K_HEAT_CAPACITY,  # [J/K]
    K_COOLING_MAX,  # [W]
    K_COOLING_ON,  # [K]
    K_COOLING_BAND,  # [K]
    K_COOLING_COP,
    K_HEATING,  # [W]
    K_AMBIENT_G,  # [W/K]
    K_ACTIVATION,  # [J/mol]
    K_AUX,  # car's loads on the bus [W]
    K_PATH_POWER,  # source's power limit [W]
    K_PATH_CURRENT,  # source's current limit [A] (inf: none)
    K_PATH_V_MAX,  # [V] (inf: none)
    K_PATH_V_MIN,  # [V]
    K_PATH_EFF,  # source to bus efficiency
    K_POWER_IS_PEAK,  # 1 if the source's power limit is the car's peak
    K_BOOST_POWER,  # [W], 0: no booster
    K_BOOST_EFF,
    K_T_START,  # [K]
    K_T_AMBIENT,  # [K]
    K_CURRENT_MIN,  # [A]
    N_K,
) = range(28)

# Limit codes, in the order of ``evtwin.sim.charging.LIMITS``.
L_CHARGER_POWER = 0
L_CHARGER_CURRENT = 1
L_CHARGER_VOLTAGE = 2
L_PEAK_POWER = 3
L_CAR_CURRENT = 4
L_CELL_VOLTAGE = 5
L_ACCEPTANCE = 6
L_BOOSTER = 7


@njit(cache=True)
def _power_current(power, ocv, r):  # type: ignore[no-untyped-def]
    """Positive root of ``ocv I + r I^2 = power`` (physics.charging.current_for_charge_power)."""
    if power <= 0.0:
        return 0.0
    return 2.0 * power / (ocv + math.sqrt(ocv * ocv + 4.0 * r * power))


@njit(cache=True)
def _path_limit(prm, ocv, r, extra, shared, shared_code, boost):  # type: ignore[no-untyped-def]
    """The current, its limit and the path's efficiency, given the limits every path shares.

    Direct from the source (its power at the path's efficiency less the car's loads
    ``extra``, its current, its voltage range), or through the booster, whichever
    allows more.
    """
    best = shared
    code = shared_code
    i_pow = _power_current(prm[K_PATH_POWER] * prm[K_PATH_EFF] - extra, ocv, r)
    if i_pow < best:
        best = i_pow
        code = L_PEAK_POWER if prm[K_POWER_IS_PEAK] > 0.5 else L_CHARGER_POWER
    imax = prm[K_PATH_CURRENT]
    if math.isfinite(imax):
        # physics.charging.current_limit_supply
        b = ocv - r * imax
        c = extra - imax * ocv
        disc = math.sqrt(max(b * b - 4.0 * r * c, 0.0))
        i_sup = max(-2.0 * c / (b + disc), 0.0)
        if i_sup < best:
            best = i_sup
            code = L_CHARGER_CURRENT
    vmax = prm[K_PATH_V_MAX]
    if math.isfinite(vmax):
        i_v = max((vmax - ocv) / r, 0.0)
        if ocv < prm[K_PATH_V_MIN]:
            i_v = 0.0
        if i_v < best:
            best = i_v
            code = L_CHARGER_VOLTAGE
    eff = prm[K_PATH_EFF]
    if boost:
        # Through the booster the charger works at its highest output voltage.
        p_b = min(
            prm[K_BOOST_EFF] * prm[K_PATH_POWER],
            prm[K_BOOST_POWER],
            prm[K_BOOST_EFF] * imax * vmax,
        )
        i_b = _power_current(p_b - extra, ocv, r)
        if i_b < shared:
            ib = i_b
            cb = L_BOOSTER
        else:
            ib = shared
            cb = shared_code
        if ib > best:
            best = ib
            code = cb
            eff = prm[K_BOOST_EFF]
    return best, code, eff


def _charge_steps(  # type: ignore[no-untyped-def]
    prm,  # (N_K,)
    soc,  # (n_steps + 1,) gross
    ocv_steps,  # (n_steps,) at step middles [V]
    free_steps,  # (n_steps,) free anode capacity at step middles [-]
    r_table,  # (n_temperatures, n_steps) [ohm]
    t_table,  # (n_temperatures,) uniform [K]
    acceptance,  # (n,) [1/s]
    time,  # out (n, n_steps + 1)
    temp,  # out (n, n_steps + 1)
    current_out,  # out (n, n_steps)
    voltage_out,
    p_inlet_out,
    p_cells_out,
    loss_bat,  # out [J]
    loss_aux,
    loss_th,
    loss_conv,
    limit_out,  # out int64
    stalled,  # out bool (n,)
):
    n = acceptance.shape[0]
    n_steps = ocv_steps.shape[0]
    n_t = t_table.shape[0]
    t_lo = t_table[0]
    t_step = t_table[1] - t_table[0]
    ea_r = prm[K_ACTIVATION] / GAS_CONSTANT
    t_full = prm[K_T_FULL]
    cap = prm[K_CAPACITY]
    q_charge = prm[K_CHARGE]
    boost = prm[K_BOOST_POWER] > 0.0
    for m in range(n):
        time[m, 0] = 0.0
        temp[m, 0] = prm[K_T_START]
        stalled[m] = False
        for k in range(n_steps):
            t = temp[m, k]
            ocv = ocv_steps[k]
            # Resistance at the cell temperature: linear on the uniform table, held at its ends.
            x = (t - t_lo) / t_step
            if x <= 0.0:
                r = r_table[0, k]
            elif x >= n_t - 1:
                r = r_table[n_t - 1, k]
            else:
                i0 = int(x)
                f = x - i0
                r = r_table[i0, k] * (1.0 - f) + r_table[i0 + 1, k] * f
            # Charge acceptance at temperature (physics.charging.acceptance_temperature_factor).
            tc = min(t, t_full)
            factor = math.exp(-ea_r * (1.0 / tc - 1.0 / t_full))
            hot = (prm[K_T_MAX] - t) / (prm[K_T_MAX] - prm[K_T_DERATE])
            factor *= min(max(hot, 0.0), 1.0)
            # Cooling (physics.charging.cooling_heat) and the loads it adds to the car's own.
            xc = (t - prm[K_COOLING_ON]) / prm[K_COOLING_BAND]
            q_cool = prm[K_COOLING_MAX] * min(max(xc, 0.0), 1.0)
            p_th = q_cool / prm[K_COOLING_COP]
            extra = prm[K_AUX] + p_th

            # Limits every path shares.
            i_acc = acceptance[m] * factor * q_charge * max(free_steps[k], 0.0)
            shared = i_acc
            shared_code = L_ACCEPTANCE
            i_cell = max((prm[K_VOLTAGE_MAX] - ocv) / r, 0.0)
            if i_cell < shared:
                shared = i_cell
                shared_code = L_CELL_VOLTAGE
            if prm[K_CURRENT_MAX] < shared:
                shared = prm[K_CURRENT_MAX]
                shared_code = L_CAR_CURRENT

            best, code, eff = _path_limit(prm, ocv, r, extra, shared, shared_code, boost)
            # The management heats the pack while the cold holds the current back; the
            # heater's power then comes out of what the source gives.
            q_heat = 0.0
            if code == L_ACCEPTANCE and t < t_full and prm[K_HEATING] > 0.0:
                q_heat = prm[K_HEATING]
                p_th += q_heat
                extra += q_heat
                best, code, eff = _path_limit(prm, ocv, r, extra, shared, shared_code, boost)

            if best < prm[K_CURRENT_MIN]:
                stalled[m] = True
            if stalled[m]:
                for kk in range(k, n_steps):
                    time[m, kk + 1] = time[m, kk]
                    temp[m, kk + 1] = temp[m, kk]
                    current_out[m, kk] = 0.0
                    voltage_out[m, kk] = ocv_steps[kk]
                    p_inlet_out[m, kk] = 0.0
                    p_cells_out[m, kk] = 0.0
                    loss_bat[m, kk] = 0.0
                    loss_aux[m, kk] = 0.0
                    loss_th[m, kk] = 0.0
                    loss_conv[m, kk] = 0.0
                    limit_out[m, kk] = code
                break

            i = best
            p_cells = ocv * i
            dt = (soc[k + 1] - soc[k]) * cap / p_cells
            heat = r * i * i
            p_bus = p_cells + heat + extra
            p_in = p_bus / eff
            current_out[m, k] = i
            voltage_out[m, k] = ocv + r * i
            p_inlet_out[m, k] = p_in
            p_cells_out[m, k] = p_cells
            loss_bat[m, k] = heat * dt
            loss_aux[m, k] = prm[K_AUX] * dt
            loss_th[m, k] = p_th * dt
            loss_conv[m, k] = (p_in - p_bus) * dt
            limit_out[m, k] = code
            time[m, k + 1] = time[m, k] + dt

            # Heat balance, linear in temperature (physics.charging.lumped_temperature_step).
            q0 = heat + q_heat - q_cool + prm[K_AMBIENT_G] * (prm[K_T_AMBIENT] - t)
            g = prm[K_AMBIENT_G]
            if 0.0 < xc < 1.0:
                g += prm[K_COOLING_MAX] / prm[K_COOLING_BAND]
            y = g * dt / prm[K_HEAT_CAPACITY]
            share = -math.expm1(-y) / y if y > 1e-12 else 1.0
            temp[m, k + 1] = t + q0 * dt / prm[K_HEAT_CAPACITY] * share


#: The loop compiled (once per machine: numba caches it beside this file), releasing the
#: GIL while it runs (it touches no Python object): the web server's other requests go on.
charge_kernel: Any = njit(cache=True, nogil=True)(_charge_steps)
