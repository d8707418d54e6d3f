"""Plain-data summaries that the command line (``--json``) and the JSON API both give.

One place builds each, so the two interfaces cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from ..cycles import Cycle
from ..sim.drive import simulate
from ..sim.label import epa_label, wltp
from ..sim.prepare import DRIVER_MASS_KG, RunOptions
from ..specs import VehicleSpec, load_vehicle, vehicle_names
from ..units import KWH, MILE

#: The energy breakdown's rows. Motor and inverter are shown together: the
#: EPA-calibrated loss model fixes a drive unit's total loss, not how it divides.
BREAKDOWN_ROWS = (
    "aero",
    "rolling",
    "grade",
    "inertia",
    "drivetrain",
    "motor_and_inverter",
    "battery",
    "auxiliary",
    "friction_brakes",
)


def vehicle_rows() -> list[dict[str, Any]]:
    """Id, name, status, drive, usable energy and kerb mass of every shipped vehicle."""
    return [
        {
            "id": s.id,
            "name": s.name,
            "status": s.status,
            "drive": s.drive,
            "usable_energy_kwh": s.battery.usable_energy_kwh.value,
            "kerb_kg": s.mass.kerb_kg.value,
        }
        for s in (load_vehicle(n) for n in vehicle_names())
    ]


def breakdown_rows(energy: dict[str, float], distance_m: float) -> list[tuple[str, float, float]]:
    """(term, Wh/km, share of the battery's chemical energy in %) for each breakdown row."""
    total = energy["battery_chemical"]
    merged = dict(energy)
    merged["motor_and_inverter"] = energy["motor"] + energy["inverter"]
    return [
        (k, merged[k] / 3600.0 / (distance_m / 1000.0), 100.0 * merged[k] / total)
        for k in BREAKDOWN_ROWS
    ]


def _procedures(spec: VehicleSpec) -> tuple[dict[str, Any], dict[str, float], float]:
    w = wltp(spec)
    e = epa_label(spec)
    e_own = epa_label(spec, adjustment="as_labelled")
    data: dict[str, Any] = {
        "vehicle": spec.id,
        "wltp": {
            "range_km": float(w.range_km[0]),
            "range_mi": float(w.range[0] / MILE),
            "city_range_km": float(w.range_city[0] / 1000.0),
            "consumption_ac_kwh_per_100km": float(w.consumption_ac_kwh_per_100km[0]),
            "consumption_dc_kwh_per_100km": float(w.consumption_dc[0] * 1e5 / KWH),
            "test_mass_kg": float(w.test_mass[0]),
        },
        "epa": {
            "range_mi": float(e.range_mi[0]),
            "city_range_mi": float(e.range_city[0] / MILE),
            "highway_range_mi": float(e.range_highway[0] / MILE),
            "kwh_per_100mi": float(e.kwh_per_100mi[0]),
            "mpge": float(e.mpge[0]),
            "test_weight_lb": float(e.test_mass[0] / 0.45359237),
            "label_factor": float(e.adjustment[0]),
        },
        "epa_as_labelled": {
            "label_factor": float(e_own.adjustment[0]),
            "range_mi": float(e_own.range_mi[0]),
            "kwh_per_100mi": float(e_own.kwh_per_100mi[0]),
        },
        "breakdown_cycle": "wltc_class3b",
    }
    return data, w.drive.energy.item(0), float(w.drive.distance[0])


def _on_cycle(spec: VehicleSpec, cyc: Cycle) -> tuple[dict[str, Any], dict[str, float], float]:
    lo, hi = spec.battery.soc_window
    options = RunOptions(payload_kg=DRIVER_MASS_KG, soc_start=0.5 * (lo + hi))
    r = simulate(spec, cyc, options=options)
    energy = r.energy.item(0)
    dist = float(r.distance[0])
    chem_per_m = energy["battery_chemical"] / dist
    data: dict[str, Any] = {
        "vehicle": spec.id,
        "cycle": cyc.name,
        "distance_km": dist / 1000.0,
        "consumption_dc_kwh_per_100km": float(r.battery_terminal[0]) / dist * 1e5 / KWH,
        "range_km": spec.battery.usable_energy_kwh.value * KWH / chem_per_m / 1000.0,
        "trace_missed_s": float(r.trace_miss.time_missed[0]),
        "max_speed_deficit_kph": float(r.trace_miss.max_speed_deficit[0] * 3.6),
        "breakdown_cycle": cyc.name,
    }
    data["range_mi"] = data["range_km"] * 1000.0 / MILE
    return data, energy, dist


def range_summary(
    spec: VehicleSpec, cycle: Cycle | None = None
) -> tuple[dict[str, Any], list[tuple[str, float, float]]]:
    """``evtwin range --json`` of ``spec``, and its breakdown rows (for a table).

    Without ``cycle``: WLTP (class 3b, test mass) and the EPA two-cycle label. With it:
    that trace at 20 C with the driver aboard, from the middle of the usable window;
    range is usable energy over the consumption on the trace.
    """
    data, energy, dist = _procedures(spec) if cycle is None else _on_cycle(spec, cycle)
    rows = breakdown_rows(energy, dist)
    data["breakdown_wh_per_km"] = {k: v for k, v, _ in rows}
    data["regen_recovered_wh_per_km"] = energy["regen_recovered"] / 3.6 / dist
    data["battery_chemical_wh_per_km"] = energy["battery_chemical"] / 3.6 / dist
    return data, rows


__all__ = ["BREAKDOWN_ROWS", "breakdown_rows", "range_summary", "vehicle_rows"]
