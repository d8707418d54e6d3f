"""Waiting on the in-process app: figures are computed off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.testing.user import User


def element(user: User, marker: str) -> Any:
    """The one element marked ``marker``, shown or hidden (``User.find`` sees only
    what is shown)."""
    with user as client:
        found = [e for e in client.elements.values() if marker in e._markers]
    assert len(found) == 1, f"{len(found)} elements marked {marker!r}"
    return found[0]


def error(user: User) -> str:
    """The page's error line ("" when hidden)."""
    box = element(user, "error")
    return str(box.text) if box.visible else ""


def text(user: User, marker: str) -> str:
    el = element(user, marker)
    assert isinstance(el, ui.label | ui.link)
    return str(el.text)


async def until(check: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    """Wait until ``check()`` holds, failing with ``what`` after ``timeout_s``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout_s
    while not check():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def updates_reach(user: User, n: int) -> None:
    """Wait until the configurator has drawn its figures ``n`` times."""
    await until(lambda: int(text(user, "live-stamp")) >= n, f"update {n}")
