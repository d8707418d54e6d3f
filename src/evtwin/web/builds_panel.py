"""Saving, listing, reopening and sharing builds on the configurator page.

A share link carries the whole build in its query string
(:func:`~evtwin.configurator.build_request.share_query`), so it reproduces the build
exactly on any evtwin server, saved or not. A saved build also opens at ``/b/<id>``
from the build store (:class:`~evtwin.configurator.saved_builds.BuildStore`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from ..configurator.build_request import BuildQueryError, build_from_query, share_query
from ..configurator.saved_builds import BuildStore, SavedBuild
from .form import BuildForm
from .layout import tag
from .live import build_for
from .offload import in_thread

#: Saved builds listed on the page, newest first.
LIST_LIMIT = 50


def share_path(form: BuildForm) -> str:
    """The configurator's URL path that reproduces ``form`` exactly."""
    return "/configurator?" + share_query(form.fields())


def form_from_query(params: Any) -> tuple[BuildForm, str | None]:
    """The build a share URL describes, or the default build and what was wrong."""
    pairs = list(params.multi_items()) if hasattr(params, "multi_items") else params
    if not pairs:
        return BuildForm(), None
    try:
        return BuildForm.from_fields(build_from_query(pairs)), None
    except BuildQueryError as exc:
        return BuildForm(), f"share link: {exc} (showing the default build)"


def form_from_saved(build_id: str) -> tuple[BuildForm, str | None]:
    """A saved build by id, or the default build and what was wrong."""
    try:
        return BuildForm.from_fields(BuildStore().get(build_id).build), None
    except Exception as exc:  # not found, or the store refused: both name the cause
        return BuildForm(), f"saved build: {exc} (showing the default build)"


def _row(s: SavedBuild) -> dict[str, Any]:
    b = s.build
    return {
        "id": s.id,
        "name": s.name or "(unnamed)",
        "vehicle": b.vehicle,
        "options": ", ".join(b.options) or "-",
        "updated": s.updated[:19].replace("T", " "),
        "link": f"/b/{s.id}",
    }


class BuildsPanel:
    """Save the shown build, list saved ones, and the share link of what is shown."""

    def __init__(
        self, get: Callable[[], BuildForm], load: Callable[[BuildForm], Awaitable[None]]
    ) -> None:
        self.get = get
        self.load = load
        with ui.card().classes("w-full p-3 gap-2").props("flat bordered"):
            ui.label("Saved builds").classes("text-sm font-semibold")
            with ui.row().classes("w-full items-center gap-3"):
                self.name = tag(
                    ui.input("Name", validation={"at most 80 characters": lambda v: len(v) <= 80}),
                    "save-name",
                ).classes("w-64")
                tag(ui.button("Save build", on_click=self.save), "save-button")
                ui.label("Share:").classes("text-sm")
                self.link = tag(ui.link("", "/configurator"), "share-link").classes(
                    "text-sm break-all"
                )
            self.saved_link = tag(ui.link("", "/"), "saved-link").classes("text-sm")
            self.saved_link.set_visibility(False)
            self.table = tag(
                ui.table(
                    columns=[
                        {"name": "name", "label": "Name", "field": "name", "align": "left"},
                        {"name": "vehicle", "label": "Vehicle", "field": "vehicle"},
                        {"name": "options", "label": "Options", "field": "options"},
                        {"name": "updated", "label": "Saved (UTC)", "field": "updated"},
                        {"name": "link", "label": "", "field": "link"},
                    ],
                    rows=[],
                    row_key="id",
                )
                .props("dense flat")
                .classes("w-full"),
                "saved-list",
            )
            self.table.add_slot(
                "body-cell-link",
                '<q-td :props="props"><a :href="props.value" '
                ":data-testid=\"'open-' + props.row.id\">open</a></q-td>",
            )
        self.update_link()
        ui.timer(0.0, self.refresh_list, once=True)

    def update_link(self) -> None:
        """Point the share link at what the page shows now."""
        try:
            path = share_path(self.get())
        except ValueError:  # a value out of the bounds: nothing to share until fixed
            return
        self.link.set_text(path)
        self.link.props(f'href="{path}"')

    async def refresh_list(self) -> None:
        try:
            saved = await in_thread(BuildStore().list, LIST_LIMIT)
        except Exception as exc:  # a refused store file names its path
            ui.notify(f"saved builds: {exc}", type="negative")
            return
        self.table.rows = [_row(s) for s in saved]
        self.table.update()

    async def save(self) -> None:
        name = (self.name.value or "").strip() or None
        try:
            form = self.get()
            fields = form.fields()
            # Keep only builds the configurator accepts (a trailer needs its tow bar).
            await in_thread(build_for, form.key())
            saved = await in_thread(BuildStore().save, fields, name)
        except Exception as exc:  # bad name or a refused store: the message names it
            ui.notify(f"not saved: {exc}", type="negative")
            return
        self.saved_link.set_text(f"Saved as /b/{saved.id}")
        self.saved_link.props(f'href="/b/{saved.id}"')
        self.saved_link.set_visibility(True)
        ui.notify(f"Saved as {saved.id}", type="positive")
        await self.refresh_list()


__all__ = ["LIST_LIMIT", "BuildsPanel", "form_from_query", "form_from_saved", "share_path"]
