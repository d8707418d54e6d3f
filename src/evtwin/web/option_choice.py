"""Option ticks as the configurator shows them, from the catalogue's groups.

A group that takes exactly one option shows its default ticked until another is
chosen; one that takes at most one may be empty. Ticking an option of a group replaces
the group's other choice; unticking the only choice of an exactly-one group goes back
to its default. The build lists only what is chosen beyond the defaults, as
``evtwin configure -o`` does. Whether the choices fit together (a trailer needs the
tow bar) is the configurator's to judge, and its error names the options.
"""

from __future__ import annotations

from ..configurator.options import Catalogue


def _group_of(cat: Catalogue, option_id: str) -> str | None:
    return cat.option(option_id).group


def _default_of(cat: Catalogue, group: str | None) -> str | None:
    return next((g.default for g in cat.groups if g.id == group), None)


def ticked(cat: Catalogue, chosen: tuple[str, ...], option_id: str) -> bool:
    """Whether ``option_id`` shows ticked for the build that chose ``chosen``."""
    if option_id in chosen:
        return True
    group = _group_of(cat, option_id)
    if group is None or _default_of(cat, group) != option_id:
        return False
    return not any(_group_of(cat, o) == group for o in chosen if o in cat.ids)


def toggle(cat: Catalogue, chosen: tuple[str, ...], option_id: str, on: bool) -> tuple[str, ...]:
    """The choices after ``option_id`` is ticked (``on``) or unticked."""
    group = _group_of(cat, option_id)
    rest = tuple(o for o in chosen if o != option_id)
    if group is not None:
        rest = tuple(o for o in rest if o not in cat.ids or _group_of(cat, o) != group)
    if on and _default_of(cat, group) != option_id:
        return (*rest, option_id)
    if on or group is None:
        return rest
    # Unticked: an exactly-one group falls back to its default (not listed), and an
    # at-most-one group is left empty; either way the group's choice is gone.
    return rest


__all__ = ["ticked", "toggle"]
