"""Where a vehicle file's figures come from."""

from __future__ import annotations

from .base import SpecModel


class Source(SpecModel):
    """A publication, data set or page that a figure cites by its key.

    Parameters
    ----------
    title
        What the source is called (article headline, data set name, page title).
    publisher
        Who published it.
    date
        When (ISO date, or year-month, or year).
    url
        Where to read it, if it is online.
    confidence
        ``high`` (maker's official data, regulatory record), ``medium`` (reputable
        press or database), ``low`` (report not confirmed elsewhere).
    note
        Anything a reader should know about how it was used.
    """

    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    confidence: str = "medium"
    note: str | None = None
