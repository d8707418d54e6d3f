"""The app's pages by path, and the root every request renders.

The root draws the header and a :class:`nicegui.ui.sub_pages` frame; moving between
pages swaps the frame's content without reloading the page. Page builders take their
query parameters by name (``/configurator?vehicle=...`` reproduces a build exactly).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from . import (
    page_charging,
    page_claims,
    page_compare,
    page_configurator,
    page_home,
    page_offroad,
    page_studies,
)
from .layout import header

ROUTES: dict[str, Callable[..., Any]] = {
    "/": page_home.page,
    "/configurator": page_configurator.page,
    "/b/{build_id}": page_configurator.saved_page,
    "/compare": page_compare.page,
    "/charging": page_charging.page,
    "/offroad": page_offroad.page,
    "/claims": page_claims.page,
    "/studies": page_studies.page,
}


def root() -> None:
    """Every page: the header, then the routed content."""
    header()
    with ui.column().classes("w-full max-w-7xl mx-auto p-4 gap-4"):
        ui.sub_pages(ROUTES)


__all__ = ["ROUTES", "root"]
