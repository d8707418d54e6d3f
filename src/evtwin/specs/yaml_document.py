"""Strict YAML reading shared by every data file: one parse gives the data and the node
tree that locates each field's line for error messages; a key given twice is an error.

libyaml's C parser does the parsing when PyYAML was built with it (about ten times
faster than the pure-Python one, which matters for a report that reads every vehicle);
the results are identical, marks and lines included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import SpecError

M = TypeVar("M", bound=BaseModel)

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_Base):  # type: ignore[valid-type,misc]
    """A safe YAML loader that rejects a key given twice in one mapping."""


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node)
    return mapping


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_document(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree and the data of one YAML document (``yaml.YAMLError`` if malformed)."""
    loader = StrictLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return root, data


def line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the deepest node of ``loc`` present in the YAML tree."""
    node = root
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            if nxt is None:
                continue  # a union member's name or a computed location: skip it
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
        else:
            break
    return line


def validation_problems(
    err: ValidationError, root: yaml.Node | None, skip: Sequence[str] = ()
) -> list[str]:
    """One line per problem of a pydantic error: the field's dotted path, its line in
    the YAML and what is wrong (location parts starting with a ``skip`` prefix, such as
    the names of a union's members, are left out of the path)."""
    out = []
    for e in err.errors():
        loc = tuple(e["loc"])
        path = ".".join(str(p) for p in loc if not str(p).startswith(tuple(skip))) or "(top)"
        msg = e["msg"].removeprefix("Value error, ")
        line = line_of(root, loc)
        where = f" (line {line})" if line else ""
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        elif e["type"] == "missing":
            msg = "required but missing"
        out.append(f"{path}{where}: {msg}")
    return out


def read_model(
    text: str,
    file: str,
    model: type[M],
    error: type[SpecError] = SpecError,
    skip: Sequence[str] = (),
) -> M:
    """Parse YAML text and validate it as ``model``; ``error`` names the file, each
    field and its line when the text is not valid YAML, not a mapping, or not valid."""
    try:
        root, data = read_document(text)
    except yaml.YAMLError as exc:
        raise error(file, [f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise error(file, ["(top): the file must hold a mapping of fields"])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(file, validation_problems(exc, root, skip)) from None


__all__ = ["StrictLoader", "line_of", "read_document", "read_model", "validation_problems"]
