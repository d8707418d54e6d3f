"""Compare: the Defender Sport beside chosen rivals, figure by figure, with charts.

Each car's figures are :func:`evtwin.study.figures.figures` of its nominal spec (the
same runs as ``evtwin report``'s rivals table), computed once per process and reused.
"""

from functools import lru_cache
from typing import Any

from nicegui import ui

from ..specs import load_vehicle, vehicle_names
from ..study.figures import ROWS, Figures, figures
from . import charts
from .layout import error_box, fmt, page_title, tag
from .offload import in_thread

SUBJECT = "defender-sport"
DEFAULT_RIVALS = ("jaguar-i-pace", "bmw-ix3", "tesla-model-y", "skoda-enyaq-85x")

#: The charts: (title, unit, {key of ROWS: short label}).
CHARTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "Range",
        "km",
        {
            "wltp_range_km": "WLTP",
            "real_world_mild_combined_km": "Mild, combined",
            "real_world_cold_combined_km": "Cold, combined",
            "real_world_cold_motorway_km": "Cold, 110 km/h",
        },
    ),
    (
        "Acceleration and charging",
        "s or min",
        {"accel_0_60_mph_s": "0-60 mph [s]", "charge_10_80_min": "DC 10-80 % [min]"},
    ),
)


@lru_cache(maxsize=16)
def vehicle_figures(vehicle: str) -> Figures:
    """The nominal car's headline figures (memoised: the library is deterministic)."""
    return figures(load_vehicle(vehicle))


def _best(values: list[float | None], better: str) -> float | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    return max(known) if better == "higher" else min(known)


def _table_rows(ids: list[str], figs: list[dict[str, float | None]]) -> list[dict[str, Any]]:
    rows = []
    for r in ROWS:
        values = [f[r.key] for f in figs]
        best = _best(values, r.better)
        row: dict[str, Any] = {"figure": f"{r.label} [{r.unit}]"}
        for vid, v in zip(ids, values, strict=True):
            mark = " ★" if v is not None and v == best and len(ids) > 1 else ""
            row[vid] = fmt(v, r.digits) + mark
        rows.append(row)
    return rows


class Compare:
    def __init__(self) -> None:
        names = {v: load_vehicle(v).name for v in vehicle_names() if v != SUBJECT}
        self.show_error = error_box()
        self.select = tag(
            ui.select(
                names,
                value=list(DEFAULT_RIVALS),
                multiple=True,
                label="Rivals",
                on_change=self.refresh,
            ).props("use-chips"),
            "rivals-select",
        ).classes("w-full")
        self.spinner = ui.spinner(size="lg")
        self.table_area = ui.column().classes("w-full")
        with ui.grid(columns=2).classes("w-full gap-3"):
            self.plots = [tag(ui.plotly({}).classes("w-full"), "compare-chart")]
            self.plots.append(ui.plotly({}).classes("w-full"))
        ui.label(
            "★ marks the best of the cars shown. Nominal specs; the Defender Sport's is a "
            "rumour (see Claims for how sure each figure is)."
        ).classes("text-xs text-gray-600")

    async def refresh(self, *_: Any) -> None:
        ids = [SUBJECT, *(self.select.value or [])]
        self.spinner.set_visibility(True)
        try:
            figs = [await in_thread(vehicle_figures, v) for v in ids]
        except Exception as exc:  # the library's errors name the field
            self.show_error(str(exc))
            return
        finally:
            self.spinner.set_visibility(False)
        self.show_error(None)
        flat = [f.flat() for f in figs]
        names = [f.name for f in figs]
        self.table_area.clear()
        with self.table_area:
            columns = [{"name": "figure", "label": "", "field": "figure", "align": "left"}] + [
                {"name": v, "label": n, "field": v} for v, n in zip(ids, names, strict=True)
            ]
            tag(
                ui.table(columns=columns, rows=_table_rows(ids, flat), row_key="figure")
                .props("dense flat bordered")
                .classes("w-full"),
                "compare-table",
            )
        short = [n.split(" (")[0] for n in names]
        for plot, (title, unit, keys) in zip(self.plots, CHARTS, strict=True):
            series = {label: [f[k] for f in flat] for k, label in keys.items()}
            plot.update_figure(charts.compare_chart(short, series, unit, title))


async def page() -> None:
    page_title(
        "Compare",
        "The Defender Sport beside its rivals: range on the tests and in the real world, "
        "performance and charging, each simulated from the car's own file.",
    )
    c = Compare()
    await c.refresh()


__all__ = ["page", "vehicle_figures"]
