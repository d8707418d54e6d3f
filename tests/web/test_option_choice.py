"""Option ticks follow the catalogue's groups."""

from __future__ import annotations

import pytest

from evtwin.configurator import catalogue_for
from evtwin.configurator.options import Catalogue
from evtwin.web.option_choice import ticked, toggle


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    c = catalogue_for("defender-sport")
    assert c is not None
    return c


def test_defaults_show_ticked_until_replaced(cat: Catalogue) -> None:
    assert ticked(cat, (), "wheels-20")
    chosen = toggle(cat, (), "wheels-22", True)
    assert chosen == ("wheels-22",)
    assert not ticked(cat, chosen, "wheels-20")
    assert ticked(cat, chosen, "wheels-22")


def test_unticking_a_choice_goes_back_to_the_default(cat: Catalogue) -> None:
    chosen = toggle(cat, ("roof-rack", "wheels-22"), "wheels-22", False)
    assert chosen == ("roof-rack",)
    assert ticked(cat, chosen, "wheels-20")


def test_a_default_cannot_be_unticked_on_its_own(cat: Catalogue) -> None:
    chosen = toggle(cat, ("roof-rack",), "wheels-20", False)
    assert chosen == ("roof-rack",)
    assert ticked(cat, chosen, "wheels-20")


def test_an_at_most_one_group_holds_one_or_none(cat: Catalogue) -> None:
    chosen = toggle(cat, (), "decals-side-stripe", True)
    chosen = toggle(cat, chosen, "decals-bonnet-and-side", True)
    assert chosen == ("decals-bonnet-and-side",)
    assert toggle(cat, chosen, "decals-bonnet-and-side", False) == ()


def test_ungrouped_options_add_and_remove(cat: Catalogue) -> None:
    chosen = toggle(cat, (), "roof-rack", True)
    chosen = toggle(cat, chosen, "tow-bar", True)
    assert chosen == ("roof-rack", "tow-bar")
    assert toggle(cat, chosen, "roof-rack", False) == ("tow-bar",)
