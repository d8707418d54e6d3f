"""Charging: power against state of charge and against time for a chosen charger, the
10-80 % time, and the miles added per minute.

Range added is at the car's WLTP consumption (usable energy over WLTP range), as
``evtwin charge`` reports it.
"""

from functools import lru_cache
from typing import Any

from nicegui import ui

from ..sim.charge_result import ChargeResult
from ..sim.chargers import AcCharger, DcCharger
from ..sim.charging import charge_session
from ..sim.label import usable_energy, wltp
from ..specs import load_vehicle, vehicle_names
from ..units import MILE
from . import charts
from .layout import error_box, fmt, page_title, stat, tag
from .offload import in_thread

#: The chargers offered: id -> (label, charger). "ac" is the car's on-board charger.
CHARGERS: dict[str, tuple[str, DcCharger | AcCharger]] = {
    "hpc-350": ("350 kW HPC (920 V, 500 A)", DcCharger()),
    "dc-150": ("150 kW DC (920 V, 375 A)", DcCharger(150.0, 375.0, 920.0, 150.0, "150 kW DC")),
    "dc-150-400v": (
        "150 kW DC, 400 V only (500 V)",
        DcCharger(150.0, 375.0, 500.0, 150.0, "150 kW DC, 400 V only"),
    ),
    "dc-50": ("50 kW DC (500 V, 125 A)", DcCharger(50.0, 125.0, 500.0, 150.0, "50 kW DC")),
    "ac": ("AC wallbox (on-board charger)", AcCharger()),
}


@lru_cache(maxsize=16)
def wltp_kwh_per_100km(vehicle: str) -> float:
    """Battery energy per distance on the WLTP, for range added [kWh/100 km]."""
    spec = load_vehicle(vehicle)
    return usable_energy(spec) / 3.6e6 / float(wltp(spec).range_km[0]) * 100.0


@lru_cache(maxsize=128)
def session(
    vehicle: str, charger: str, soc_from: float, soc_to: float, temp_c: float, precon: bool
) -> ChargeResult:
    """One charging session (memoised; the library is deterministic)."""
    return charge_session(
        load_vehicle(vehicle),
        charger=CHARGERS[charger][1],
        soc_from=soc_from / 100.0,
        soc_to=soc_to / 100.0,
        temperature_c=temp_c,
        preconditioned=precon,
        consumption_kwh_per_100km=wltp_kwh_per_100km(vehicle),
    )


def miles_per_minute(res: ChargeResult) -> float | None:
    """Range added per minute over the session [mi/min] (None without a consumption)."""
    added = res.range_added(float(res.time[-1]))
    if added is None or res.time[-1] <= 0:
        return None
    return added / MILE / (float(res.time[-1]) / 60.0)


class Charging:
    def __init__(self) -> None:
        self.show_error = error_box()
        with ui.row().classes("w-full gap-4 items-end"):
            names = {v: load_vehicle(v).name for v in vehicle_names()}
            self.vehicle = tag(
                ui.select(names, value="defender-sport", label="Vehicle", on_change=self.refresh),
                "charging-vehicle",
            ).classes("w-80")
            self.charger = tag(
                ui.select(
                    {k: v[0] for k, v in CHARGERS.items()},
                    value="hpc-350",
                    label="Charger",
                    on_change=self.refresh,
                ),
                "charger-select",
            ).classes("w-72")
            self.temp = tag(
                ui.number("Air [C]", value=25, min=-20, max=40, step=5, on_change=self.refresh),
                "charging-temp",
            ).classes("w-24")
            self.precon = tag(
                ui.switch("Battery preconditioned", value=True, on_change=self.refresh),
                "charging-precon",
            )
        with ui.row().classes("w-full items-center gap-4"):
            ui.label("From / to state of charge [%]")
            self.window = tag(
                ui.range(min=0, max=100, step=5, value={"min": 10, "max": 80}).props(
                    "label-always"
                ),
                "charging-window",
            ).classes("w-96")
            self.window.on("change", self.refresh)
        with ui.row().classes("gap-3"):
            self.session_time = stat("Session", "…", "charging-session-time")
            self.t1080 = stat("10-80 %", "…", "charge-10-80")
            self.peak = stat("Peak power", "…", "charging-peak")
            self.mpm = stat("Miles added per minute", "…", "miles-per-minute")
            self.energy = stat("From the charger", "…", "charging-energy")
        with ui.grid(columns=2).classes("w-full gap-3"):
            self.by_soc = tag(ui.plotly({}).classes("w-full"), "charging-chart-soc")
            self.by_time = tag(ui.plotly({}).classes("w-full"), "charging-chart-time")
        self.notes = ui.label("").classes("text-xs text-gray-600")

    async def refresh(self, *_: Any) -> None:
        w = self.window.value or {"min": 10, "max": 80}
        lo, hi = float(w["min"]), float(w["max"])
        if hi <= lo:
            self.show_error("state of charge: 'to' must be above 'from'")
            return
        temp = self.temp.value
        if temp is None or not -20 <= float(temp) <= 40:
            self.show_error("air temperature: must be from -20 to 40 C")
            return
        args = (
            self.vehicle.value,
            self.charger.value,
            lo,
            hi,
            float(temp),
            bool(self.precon.value),
        )
        try:
            res = await in_thread(session, *args)
            ten80 = await in_thread(session, *args[:2], 10.0, 80.0, *args[4:])
        except Exception as exc:  # the library's errors name the field
            self.show_error(str(exc))
            return
        self.show_error(None)
        minutes = float(res.time[-1]) / 60.0
        self.session_time.set_text(f"{minutes:.1f} min" + ("" if res.reached else " (stopped)"))
        t = ten80.time_10_80
        self.t1080.set_text(fmt(None if t is None else t / 60.0, 1, "min"))
        self.peak.set_text(fmt(float(res.power_inlet.max()) / 1e3, 0, "kW"))
        self.mpm.set_text(fmt(miles_per_minute(res), 1, "mi/min"))
        self.energy.set_text(fmt(res.energy_grid / 3.6e6, 1, "kWh"))
        soc = 100.0 * res.soc_displayed
        by_soc, by_time = charts.charging_charts(
            soc, res.time / 60.0, res.power_inlet / 1e3, res.charger
        )
        self.by_soc.update_figure(by_soc)
        self.by_time.update_figure(by_time)
        self.notes.set_text(" ".join(res.notes))


async def page() -> None:
    page_title(
        "Charging",
        "A charging session from the car's pack model: the charger's power, current and "
        "voltage limits, the cells' acceptance taper and temperature.",
    )
    c = Charging()
    await c.refresh()


__all__ = ["CHARGERS", "miles_per_minute", "page", "session"]
