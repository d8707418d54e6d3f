"""Walk a spec model and find every figure in it, with its dotted path."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from .figure import Figure


def iter_figures(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Figure]]:
    """Yield ``(path, figure)`` for every :class:`Figure` in ``model``, depth first."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, Figure):
            yield path, value
        elif isinstance(value, BaseModel):
            yield from iter_figures(value, path + ".")


def iter_sourced(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(path, source key)`` for every object in ``model`` that cites a source."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        items: list[tuple[str, object]]
        if isinstance(value, tuple):
            items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
        else:
            items = [(path, value)]
        for p, v in items:
            if isinstance(v, BaseModel):
                src = getattr(v, "source", None)
                if isinstance(src, str):
                    yield p, src
                if not isinstance(v, Figure):
                    yield from iter_sourced(v, p + ".")
