"""Where each number comes from: the car's figures with their source or estimate
basis and range, one click away on the pages that use them."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from ..specs import ESTIMATE, VehicleSpec, iter_figures
from .layout import tag


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


def figure_rows(spec: VehicleSpec) -> list[dict[str, Any]]:
    """One row per figure: its path, value, range, and its source's title and link (or
    the estimate's basis)."""
    rows = []
    for path, fig in iter_figures(spec):
        src = spec.sources.get(fig.source) if fig.source != ESTIMATE else None
        rows.append(
            {
                "field": path,
                "value": _fmt(fig.value),
                "range": f"{_fmt(fig.low)} - {_fmt(fig.high)}" if fig.low is not None else "",
                "source": (
                    f"estimate: {fig.basis}"
                    if fig.source == ESTIMATE
                    else (f"{src.title} ({src.publisher or ''} {src.date or ''})".strip())
                    if src
                    else fig.source
                ),
                "url": src.url if src is not None and src.url else "",
            }
        )
    return rows


def sources_panel(spec: VehicleSpec) -> ui.expansion:
    """A closed panel listing every figure of ``spec`` with its source."""
    with ui.expansion(f"Spec and sources: {spec.name}", icon="menu_book").classes(
        "w-full"
    ) as panel:
        table = tag(
            ui.table(
                columns=[
                    {"name": "field", "label": "Figure", "field": "field", "align": "left"},
                    {"name": "value", "label": "Value", "field": "value"},
                    {"name": "range", "label": "Range", "field": "range"},
                    {"name": "source", "label": "Source or basis", "field": "source"},
                ],
                rows=figure_rows(spec),
                row_key="field",
                pagination=20,
            )
            .props("dense flat wrap-cells")
            .classes("w-full"),
            "sources-table",
        )
        table.add_slot(
            "body-cell-source",
            '<q-td :props="props"><a v-if="props.row.url" :href="props.row.url" '
            'target="_blank" rel="noopener">{{ props.value }}</a>'
            "<span v-else>{{ props.value }}</span></q-td>",
        )
    return panel


__all__ = ["figure_rows", "sources_panel"]
