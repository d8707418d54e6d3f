"""The configurator in process: each control changes what it should, and only that;
share links and saved builds reproduce a build exactly."""

from __future__ import annotations

from urllib.parse import quote

from nicegui.testing.user import User

from evtwin.configurator.saved_builds import BuildStore
from evtwin.web.form import BuildForm
from evtwin.web.live import BuildKey, headline, steady_run

from .helpers import element, error, text, until, updates_reach


def _km(label: str) -> float:
    return float(label.split(" km")[0].replace(",", ""))


async def test_opens_with_the_defender_figures(user: User) -> None:
    await user.open("/configurator")
    await updates_reach(user, 1)
    want = headline(BuildKey())["figures"]["wltp_range_km"]
    assert _km(text(user, "wltp-range")) == round(want)
    assert error(user) == ""


async def test_an_option_changes_every_headline_figure(user: User) -> None:
    await user.open("/configurator")
    await updates_reach(user, 1)
    before = _km(text(user, "wltp-range"))
    element(user, "option-roof-rack").value = True
    await updates_reach(user, 2)
    after = _km(text(user, "wltp-range"))
    want = headline(BuildKey(options=("roof-rack",)))["figures"]["wltp_range_km"]
    assert after == round(want)
    assert after < before  # a roof rack adds drag and mass


async def test_a_group_choice_replaces_the_default(user: User) -> None:
    await user.open("/configurator")
    await updates_reach(user, 1)
    element(user, "option-wheels-22").value = True
    await updates_reach(user, 2)
    assert element(user, "option-wheels-20").value is False
    assert "o=wheels-22" in text(user, "share-link")


async def test_the_temperature_slider_moves_only_the_conditions(user: User) -> None:
    await user.open("/configurator")
    await updates_reach(user, 1)
    wltp = text(user, "wltp-range")
    element(user, "temp-slider").value = -10
    await updates_reach(user, 2)
    assert text(user, "wltp-range") == wltp  # the test's conditions are its own
    want = steady_run(BuildKey(), -10.0, BuildForm().speed_kph).range_km
    assert _km(text(user, "custom-range")) == round(want)


async def test_a_share_link_reproduces_the_build(user: User) -> None:
    query = "vehicle=defender-sport&o=roof-rack&passengers=2&payload_kg=60.5&temp_c=-5&speed_kph=97"
    await user.open(f"/configurator?{query}")
    await updates_reach(user, 1)
    assert element(user, "option-roof-rack").value is True
    assert element(user, "passengers").value == 2
    assert element(user, "temp-slider").value == -5
    key = BuildKey(options=("roof-rack",), passengers=2, payload_kg=60.5)
    assert _km(text(user, "custom-range")) == round(steady_run(key, -5.0, 97.0).range_km)
    assert text(user, "share-link") == f"/configurator?{query}"


async def test_a_bad_share_link_names_the_parameter(user: User) -> None:
    await user.open(f"/configurator?passengers={quote('two')}")
    await updates_reach(user, 1)
    assert "passengers" in error(user)


async def test_save_then_reopen_by_id(user: User) -> None:
    await user.open("/configurator?o=tow-bar&trailer=caravan-1500")
    await updates_reach(user, 1)
    element(user, "save-name").value = "caravan trip"
    user.find(marker="save-button").click()
    saved = BuildStore().list()
    await until(lambda: any(s.name == "caravan trip" for s in BuildStore().list()), "the save")
    saved = next(s for s in BuildStore().list() if s.name == "caravan trip")
    assert saved.build.trailer == "caravan-1500"
    assert saved.build.options == ["tow-bar"]
    wltp = text(user, "wltp-range")
    await user.open(f"/b/{saved.id}")
    await updates_reach(user, 1)
    assert element(user, "trailer-select").value == "caravan-1500"
    assert text(user, "wltp-range") == wltp


async def test_an_unknown_saved_build_is_named(user: User) -> None:
    await user.open("/b/000000000000")
    await updates_reach(user, 1)
    assert "000000000000" in error(user)


async def test_a_build_the_configurator_rejects_is_not_saved(user: User) -> None:
    await user.open("/configurator?trailer=caravan-1500")  # no tow bar
    await updates_reach(user, 0)
    await until(lambda: "tow" in error(user), "the configurator's error")
    before = len(BuildStore().list())
    user.find(marker="save-button").click()
    await user.should_see("not saved")
    assert len(BuildStore().list()) == before


async def test_an_impossible_payload_is_named_and_nothing_else_changes(user: User) -> None:
    await user.open("/configurator")
    await updates_reach(user, 1)
    wltp = text(user, "wltp-range")
    element(user, "payload").value = 5000
    await until(lambda: "payload_kg" in error(user), "the payload error")
    assert text(user, "wltp-range") == wltp  # the last good figures stay
    element(user, "payload").value = 100
    await until(lambda: error(user) == "", "the error to clear")
