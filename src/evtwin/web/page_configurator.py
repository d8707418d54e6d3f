"""The configurator: a car, its options, who and what it carries, a trailer and the
weather; every figure follows each change.

Changing the build (vehicle, options, passengers, payload, trailer) re-evaluates every
headline figure; moving the temperature or speed slider reruns only what they touch
(the steady run and the WLTC drive drawn as traces and breakdown), so the sliders stay
quick. Late answers to superseded changes are dropped. A build can be saved, reopened
and shared as a URL that reproduces it exactly.
"""

import asyncio
from dataclasses import dataclass, field, replace
from typing import Any

from nicegui import ui
from nicegui.page_arguments import PageArguments

from ..configurator import catalogue_for, trailer_presets
from ..specs import load_vehicle, vehicle_names
from ..units import MILE
from . import live_charts
from .builds_panel import BuildsPanel, form_from_query
from .form import BuildForm
from .layout import error_box, fmt, page_title, stat, tag
from .live import build_for, conditions, headline
from .offload import in_thread
from .option_choice import ticked, toggle
from .sources_panel import sources_panel

#: Slider limits, those of the CLI's `conditions` flags.
TEMP_RANGE_C = (-20.0, 40.0)
SPEED_RANGE_KPH = (30.0, 160.0)


@dataclass
class _Shown:
    """Handles of what the page updates."""

    stats: dict[str, ui.label] = field(default_factory=dict)
    plots: dict[str, ui.echart] = field(default_factory=dict)
    stamp: ui.label | None = None
    updates: int = 0


class Configurator:
    """One browser tab's configurator."""

    def __init__(self, form: BuildForm) -> None:
        self.form = form
        self.shown = _Shown()
        self._generation = 0
        self._headline: dict[str, Any] | None = None
        self._syncing = False
        self.notice: str | None = None  # what was wrong with the link that opened the page
        self.show_error = error_box()
        with ui.row().classes("w-full gap-6 items-start no-wrap"):
            with ui.column().classes("w-80 shrink-0 gap-2"):
                self._controls()
            with ui.column().classes("grow gap-3 min-w-0"):
                self._figures()
        self.builds = BuildsPanel(lambda: self.form, self.load_form)

    # ------------------------------------------------------------------ controls
    def _controls(self) -> None:
        names = {v: load_vehicle(v).name for v in vehicle_names()}
        tag(
            ui.select(names, value=self.form.vehicle, label="Vehicle", on_change=self._vehicle),
            "vehicle-select",
        ).classes("w-full")
        self._options_area = ui.column().classes("w-full gap-0")
        self._draw_options()
        tag(
            ui.number(
                "Passengers (beside the driver)",
                value=self.form.passengers,
                min=0,
                max=8,
                step=1,
                precision=0,
                on_change=self._passengers,
            ),
            "passengers",
        ).classes("w-full")
        tag(
            ui.number(
                "Payload [kg]",
                value=self.form.payload_kg,
                min=0,
                max=1000,
                step=10,
                on_change=self._payload,
            ),
            "payload",
        ).classes("w-full")
        trailers = {"": "No trailer"} | {k: t.name for k, t in trailer_presets().items()}
        tag(
            ui.select(
                trailers, value=self.form.trailer or "", label="Trailer", on_change=self._trailer
            ),
            "trailer-select",
        ).classes("w-full")
        ui.label("Conditions of the steady run and the WLTC traces").classes(
            "text-sm font-semibold mt-2"
        )
        self._temp_label = ui.label()
        tag(
            ui.slider(
                min=TEMP_RANGE_C[0],
                max=TEMP_RANGE_C[1],
                step=1,
                value=self.form.temperature_c,
                on_change=self._temperature,
            ),
            "temp-slider",
        )
        self._speed_label = ui.label()
        tag(
            ui.slider(
                min=SPEED_RANGE_KPH[0],
                max=SPEED_RANGE_KPH[1],
                step=1,
                value=self.form.speed_kph,
                on_change=self._speed,
            ),
            "speed-slider",
        )
        self._label_conditions()

    def _draw_options(self) -> None:
        self._options_area.clear()
        cat = catalogue_for(self.form.vehicle)
        self._boxes: dict[str, ui.checkbox] = {}
        with self._options_area:
            if cat is None:
                ui.label("No options catalogue for this vehicle.").classes("text-sm text-gray-500")
                return
            ui.label("Options").classes("text-sm font-semibold")
            for opt in cat.options:
                price = opt.price_gbp.value if opt.price_gbp is not None else 0.0
                text = f"{opt.name} (+£{price:,.0f})" if price else opt.name
                box = ui.checkbox(
                    text,
                    value=ticked(cat, self.form.options, opt.id),
                    on_change=lambda e, o=opt.id: self._option(o, e.value),
                ).classes("text-sm")
                self._boxes[opt.id] = tag(box, f"option-{opt.id}")
                if opt.description:
                    box.tooltip(opt.description)

    # ------------------------------------------------------------------ figures
    def _figures(self) -> None:
        s = self.shown.stats
        with ui.row().classes("gap-3 flex-wrap"):
            s["wltp"] = stat("WLTP range", "…", "wltp-range")
            s["epa"] = stat("EPA label range", "…", "epa-range")
            s["real"] = stat("Real-world (cold and mild)", "…", "real-world-range")
            s["custom"] = stat("Steady run, chosen conditions", "…", "custom-range")
            s["consumption"] = stat("WLTP consumption (wall)", "…", "consumption")
            s["accel"] = stat("0-60 mph", "…", "accel")
            s["charge"] = stat("DC 10-80 %", "…", "charge")
            s["price"] = stat("Price", "…", "price")
            s["grant"] = stat("UK grant", "…", "grant")
            s["cost"] = stat("Energy cost", "…", "running-cost")
            s["towing"] = stat("Towing range, 60 mph", "…", "towing-range")
        with ui.row().classes("text-xs text-gray-500 gap-2"):
            ui.label("updates:")
            self.shown.stamp = tag(ui.label("0"), "live-stamp")
            self._timing = tag(ui.label(""), "compute-ms")
        p = self.shown.plots
        with ui.grid(columns=2).classes("w-full gap-3"):
            for name in ("ranges", "breakdown"):
                p[name] = _chart(name)
        for name in ("speed", "soc"):
            p[name] = _chart(name)
        self._changes = ui.label("").classes("text-xs text-gray-600")
        self._sources = ui.column().classes("w-full")
        self._sources_for: str | None = None

    # ------------------------------------------------------------------ events
    async def _vehicle(self, e: Any) -> None:
        self.form = replace(self.form, vehicle=e.value, options=(), trailer=None)
        self._draw_options()
        await self.refresh()

    async def _option(self, option_id: str, value: bool) -> None:
        if self._syncing:
            return
        cat = catalogue_for(self.form.vehicle)
        assert cat is not None
        if value == ticked(cat, self.form.options, option_id):
            return  # the echo of a tick the page set itself (its handler runs later)
        self.form = replace(self.form, options=toggle(cat, self.form.options, option_id, value))
        self._sync_boxes()
        await self.refresh()

    def _sync_boxes(self) -> None:
        cat = catalogue_for(self.form.vehicle)
        if cat is None:
            return
        self._syncing = True
        try:
            for o in cat.options:
                want = ticked(cat, self.form.options, o.id)
                if self._boxes[o.id].value != want:
                    self._boxes[o.id].value = want
        finally:
            self._syncing = False

    async def _passengers(self, e: Any) -> None:
        if e.value is None:
            return
        self.form = replace(self.form, passengers=int(e.value))
        await self.refresh()

    async def _payload(self, e: Any) -> None:
        if e.value is None:
            return
        self.form = replace(self.form, payload_kg=float(e.value))
        await self.refresh()

    async def _trailer(self, e: Any) -> None:
        self.form = replace(self.form, trailer=e.value or None)
        await self.refresh()

    async def _temperature(self, e: Any) -> None:
        self.form = replace(self.form, temperature_c=float(e.value))
        self._label_conditions()
        await self.refresh(conditions_only=True)

    async def _speed(self, e: Any) -> None:
        self.form = replace(self.form, speed_kph=float(e.value))
        self._label_conditions()
        await self.refresh(conditions_only=True)

    def _label_conditions(self) -> None:
        self._temp_label.set_text(f"Air temperature: {self.form.temperature_c:.0f} C")
        kph = self.form.speed_kph
        self._speed_label.set_text(f"Speed: {kph:.0f} km/h ({kph * 1e3 / MILE:.0f} mph)")

    async def load_form(self, form: BuildForm) -> None:
        """Show a saved or shared build: every control set, every figure afresh."""
        self.form = form
        self._draw_options()
        await self.refresh()

    # ------------------------------------------------------------------ compute
    async def refresh(self, *, conditions_only: bool = False) -> None:
        """Recompute and redraw; an answer overtaken by a later change is dropped."""
        self._generation += 1
        gen = self._generation
        form = self.form
        key = form.key()
        t0 = asyncio.get_running_loop().time()
        try:
            if not conditions_only or self._headline is None:
                head = await in_thread(headline, key)
            else:
                head = self._headline
            # One hop to the thread pool for both runs the sliders change.
            steady, drive = await in_thread(conditions, key, form.temperature_c, form.speed_kph)
        except Exception as exc:  # the library's errors name the field; show, never 500
            if gen == self._generation and not self._gone():
                self.show_error(_message(exc))
            return
        if gen != self._generation or self._gone():
            return
        self.show_error(self.notice)
        self.builds.update_link()
        self._headline = head
        self._draw(head, steady, drive)
        ms = 1e3 * (asyncio.get_running_loop().time() - t0)
        self._timing.set_text(f"computed in {ms:.0f} ms")
        self.shown.updates += 1
        assert self.shown.stamp is not None
        self.shown.stamp.set_text(str(self.shown.updates))

    def _gone(self) -> bool:
        """Whether the page was left while its figures were computed."""
        return self.shown.stamp is None or self.shown.stamp.is_deleted

    def _draw(self, head: dict[str, Any], steady: Any, drive: Any) -> None:
        f = head["figures"]
        s = self.shown.stats
        wltp_km = f["wltp_range_km"]
        s["wltp"].set_text(f"{fmt(wltp_km)} km ({fmt(wltp_km * 1e3 / MILE)} mi)")
        s["epa"].set_text(f"{fmt(f['epa_range_mi'])} mi")
        s["real"].set_text(f"{fmt(f['real_world_headline_km'])} km")
        s["custom"].set_text(f"{fmt(steady.range_km)} km ({fmt(steady.range_km * 1e3 / MILE)} mi)")
        s["consumption"].set_text(fmt(f["wltp_kwh_per_100km"], 1, "kWh/100 km"))
        s["accel"].set_text(fmt(f["accel_0_60_mph_s"], 1, "s"))
        s["charge"].set_text(fmt(f["charge_10_80_min"], 1, "min"))
        money = head["money"]
        price = money.get("price")
        s["price"].set_text(f"£{price['total_gbp']:,.0f}" if price else "-")
        grant = money.get("grant")
        if grant is None:
            s["grant"].set_text("-")
        elif grant["eligible"]:
            s["grant"].set_text(f"£{grant['amount_gbp'] or 0:,.0f} ({grant['band']})")
        else:
            s["grant"].set_text("not eligible")
            s["grant"].tooltip("; ".join(grant.get("reasons") or []))
        cost = money.get("running_cost")
        s["cost"].set_text(f"{cost['cost_gbp_per_mi'] * 100:.1f} p/mi" if cost else "-")
        tow = f["towing_range_60mph_km"]
        s["towing"].set_text("no trailer" if tow is None else fmt(tow, 0, "km"))
        if self._sources_for != self.form.vehicle:
            self._sources.clear()
            with self._sources:
                sources_panel(build_for(self.form.key()).spec)
            self._sources_for = self.form.vehicle
        cond = f"{self.form.speed_kph:.0f} km/h at {self.form.temperature_c:.0f} C"
        p = self.shown.plots
        _show(p["ranges"], live_charts.ranges_chart(f, steady.range_km, cond))
        wltc = "WLTC class 3b, climate control on"
        _show(
            p["breakdown"],
            live_charts.breakdown_chart(drive.breakdown, "Where the energy goes on the WLTC"),
        )
        _show(p["speed"], live_charts.speed_chart(drive.time_s, drive.speed_kph, f"{wltc}: speed"))
        _show(
            p["soc"],
            live_charts.soc_chart(drive.time_s, drive.soc_pct, f"{wltc}: state of charge"),
        )
        changes = head["build"].get("changes") or []
        self._changes.set_text(
            "Options change: "
            + "; ".join(f"{c['field']} {_value(c['from'])} → {_value(c['to'])}" for c in changes)
            if changes
            else "Base car."
        )


def _chart(name: str) -> ui.echart:
    chart = ui.echart({}).classes("w-full").style(f"height: {live_charts.HEIGHT_PX[name]}px")
    return tag(chart, f"chart-{name}")


def _show(chart: ui.echart, options: live_charts.Options) -> None:
    """Send a chart's options only when they changed: the speed slider leaves the WLTC
    drive as it was, and a temperature step leaves its speed trace (redrawing costs the
    browser more than the simulation, and sending 1,800 points costs the wire)."""
    if chart.options == options:
        return
    chart.options.clear()
    chart.options.update(options)
    chart.update()


def _value(x: Any) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def _message(exc: Exception) -> str:
    return str(exc).strip() or type(exc).__name__


async def page(args: PageArguments) -> None:
    page_title(
        "Configurator",
        "Every figure is simulated afresh for the build: WLTP and EPA at their test masses; "
        "the real-world runs, performance and the steady run carry the driver, passengers "
        "and payload.",
    )
    form, problem = form_from_query(args.query_parameters)
    c = Configurator(form)
    c.notice = problem
    await c.refresh()


async def saved_page(build_id: str) -> None:
    page_title("Configurator", f"Saved build {build_id}")
    from .builds_panel import form_from_saved

    form, problem = form_from_saved(build_id)
    c = Configurator(form)
    c.notice = problem
    await c.refresh()


__all__ = ["Configurator", "page", "saved_page"]
