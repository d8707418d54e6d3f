"""Fixtures of the web app's tests: an in-process NiceGUI ``User``.

The root is wrapped in a function of this test package: after a simulation NiceGUI
forgets (pops from ``sys.modules``) the modules of the page functions it served unless
they are tests' own, and evtwin must stay imported once for the whole session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from nicegui.testing.user import User
from nicegui.testing.user_simulation import user_simulation


def _root() -> None:
    from evtwin.web.routes import root

    root()


@pytest.fixture
async def user() -> AsyncIterator[User]:
    async with user_simulation(root=_root) as u:
        yield u
