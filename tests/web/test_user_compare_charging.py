"""Compare and Charging in process: the figures shown are the library's."""

from __future__ import annotations

from nicegui.testing.user import User

from evtwin.web.page_charging import miles_per_minute, session
from evtwin.web.page_compare import vehicle_figures

from .helpers import element, error, text, until


async def test_compare_shows_the_rivals_figures(user: User) -> None:
    await user.open("/compare")
    await until(lambda: _has(user, "compare-table"), "the table", 120.0)
    table = element(user, "compare-table")
    wltp = next(r for r in table.rows if r["figure"].startswith("WLTP range"))
    want = vehicle_figures("jaguar-i-pace").wltp_range_km
    assert wltp["jaguar-i-pace"].split(" ")[0] == f"{want:,.0f}"
    assert error(user) == ""


async def test_charging_shows_the_session(user: User) -> None:
    await user.open("/charging")
    await until(lambda: text(user, "charge-10-80") != "…", "the session", 60.0)
    res = session("defender-sport", "hpc-350", 10.0, 80.0, 25.0, True)
    assert res.time_10_80 is not None
    assert text(user, "charge-10-80") == f"{res.time_10_80 / 60:.1f} min"
    mpm = miles_per_minute(res)
    assert mpm is not None
    assert text(user, "miles-per-minute") == f"{mpm:.1f} mi/min"
    element(user, "charger-select").value = "dc-150"
    slow = session("defender-sport", "dc-150", 10.0, 80.0, 25.0, True)
    assert slow.time_10_80 is not None
    await until(
        lambda: text(user, "charge-10-80") == f"{slow.time_10_80 / 60:.1f} min", "150 kW", 60.0
    )


def _has(user: User, marker: str) -> bool:
    try:
        element(user, marker)
    except AssertionError:
        return False
    return True
