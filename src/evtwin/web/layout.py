"""The frame every page shares: the header with the pages' links, and small helpers.

Elements the tests look for carry both a NiceGUI marker (for the in-process ``User``
tests) and a ``data-testid`` attribute (for Playwright in a real browser), set by
:func:`tag`, so the two kinds of test name the same things.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from nicegui import ui

E = TypeVar("E", bound=ui.element)

#: The pages in the header, in order: (path, label).
NAV: tuple[tuple[str, str], ...] = (
    ("/configurator", "Configurator"),
    ("/compare", "Compare"),
    ("/charging", "Charging"),
    ("/offroad", "Off road"),
    ("/claims", "Claims"),
    ("/studies", "Studies"),
)


def tag(element: E, name: str) -> E:
    """Mark ``element`` as ``name`` for both kinds of test."""
    element.mark(name)
    element.props(f'data-testid="{name}"')
    return element


def header() -> None:
    """The app bar: the name, the pages, and the API's docs."""
    with ui.header().classes("items-center gap-4 bg-slate-800 text-white py-2 px-4"):
        ui.link("evtwin", "/").classes("text-lg font-bold text-white no-underline")
        for path, label in NAV:
            tag(ui.link(label, path).classes("text-white no-underline"), f"nav-{path[1:]}")
        ui.space()
        ui.link("API", "/api/docs", new_tab=True).classes("text-white no-underline text-sm")


def page_title(text: str, subtitle: str | None = None) -> None:
    """A page's heading, and a line saying what it shows."""
    tag(ui.label(text).classes("text-2xl font-semibold"), "page-title")
    if subtitle:
        ui.label(subtitle).classes("text-sm text-gray-600 max-w-4xl")


def stat(label: str, value: str, name: str) -> ui.label:
    """A headline figure in a small card; returns the value's label to update."""
    with ui.card().classes("p-3 min-w-[9rem]").props("flat bordered"):
        ui.label(label).classes("text-xs text-gray-500")
        out = tag(ui.label(value).classes("text-xl font-semibold"), name)
    return out


def fmt(x: float | None, digits: int = 0, unit: str = "") -> str:
    """A figure for display, "-" where there is none (not computed or not finite)."""
    if x is None or x != x or x in (float("inf"), float("-inf")):
        return "-"
    text = f"{x:,.{digits}f}"
    return f"{text} {unit}" if unit else text


def cells_table(
    headers: Sequence[str], rows: Sequence[Sequence[str | tuple[str, str]]], name: str
) -> ui.element:
    """A plain HTML table of text cells (a cell ``(text, url)`` is a link); each cell's
    text is visible content, so the tests can read the numbers."""
    with tag(ui.element("table").classes("text-sm border-collapse"), name) as table:
        with ui.element("tr"):
            for h in headers:
                with ui.element("th").classes("text-left px-2 py-1 border-b font-semibold"):
                    ui.label(h)
        for row in rows:
            with ui.element("tr"):
                for c in row:
                    with ui.element("td").classes("px-2 py-1 border-b align-top"):
                        if isinstance(c, tuple):
                            ui.link(c[0], c[1], new_tab=True)
                        else:
                            ui.label(c)
    return table


def error_box() -> Callable[[str | None], None]:
    """A red line for a page's errors; returns the function that shows (or clears) one."""
    box = tag(ui.label("").classes("text-red-700 text-sm whitespace-pre-line"), "error")
    box.set_visibility(False)

    def show(message: str | None) -> None:
        box.set_text(message or "")
        box.set_visibility(bool(message))

    return show


__all__ = ["NAV", "cells_table", "error_box", "fmt", "header", "page_title", "stat", "tag"]
