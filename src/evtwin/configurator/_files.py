"""Reading the configurator's data and configuration files, with field lines for errors.

YAML is read with the vehicle loader's strict loader (a key given twice is an error)
and its node tree locates a field's line; TOML (Python's ``tomllib``) keeps no
positions, so its lines are found by scanning for ``key =`` under the right table.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..specs.yaml_document import line_of, read_document
from .errors import ConfigError

Loc = tuple[int | str, ...]
#: Finds the 1-based line of a field (by its location) in a file, or None.
Locator = Callable[[Loc], int | None]

M = TypeVar("M", bound=BaseModel)


def read_yaml(text: str, file: str, what: str) -> tuple[Any, Locator]:
    """Parse YAML text; the data and a locator of field lines."""
    try:
        root, data = read_document(text)
    except yaml.YAMLError as exc:
        raise ConfigError(file, [f"not valid YAML: {exc}"], what) from None

    def locate(loc: Loc) -> int | None:
        return line_of(root, loc)

    return data, locate


_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=""")


def _toml_keys(text: str) -> list[tuple[tuple[str, ...], str, int]]:
    """(table path, key, line) of every ``key = ...`` line and ``[table]`` header of a TOML text."""
    out = []
    table: tuple[str, ...] = ()
    for i, line in enumerate(text.splitlines(), start=1):
        m = _TABLE.match(line)
        if m:
            table = tuple(p.strip().strip("\"'") for p in m.group(1).split("."))
            out.append((table[:-1], table[-1], i))  # a table is found by its header
            continue
        k = _KEY.match(line)
        if k:
            parts = tuple(p.strip().strip("\"'") for p in k.group(1).split("."))
            out.append((table + parts[:-1], parts[-1], i))
    return out


def read_toml(text: str, file: str, what: str) -> tuple[Any, Locator]:
    """Parse TOML text; the data and a locator of field lines (best effort)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, [f"not valid TOML: {exc}"], what) from None
    keys = _toml_keys(text)

    def locate(loc: Loc) -> int | None:
        names = tuple(str(p) for p in loc if isinstance(p, str))
        # The deepest key that exists: (table..., key) for ever shorter prefixes.
        for n in range(len(names), 0, -1):
            table, key = names[: n - 1], names[n - 1]
            for t, k, line in keys:
                if t == table and k == key:
                    return line
        return None

    return data, locate


def field_label(data: Any, loc: Loc) -> str:
    """A dotted path; a list item that has an ``id`` is named by it (``options[roof-box]``)."""
    parts: list[str] = []
    node = data
    for p in loc:
        if isinstance(p, int):
            item = node[p] if isinstance(node, Sequence) and 0 <= p < len(node) else None
            ident = item.get("id") if isinstance(item, Mapping) else None
            if parts:
                parts[-1] += f"[{ident}]" if isinstance(ident, str) else f"[{p}]"
            else:
                parts.append(f"[{p}]")
            node = item
        else:
            parts.append(p)
            node = node.get(p) if isinstance(node, Mapping) else None
    return ".".join(parts) or "(top)"


def problems(err: ValidationError, data: Any, locate: Locator, prefix: Loc = ()) -> list[str]:
    """One line per validation error: the field, its line where known, and the problem."""
    out = []
    for e in err.errors():
        loc = prefix + _in_data(_at(data, prefix), tuple(e["loc"]))
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        elif e["type"] == "missing":
            msg = "required but missing"
        line = locate(loc)
        where = f" (line {line})" if line else ""
        out.append(f"{field_label(data, loc)}{where}: {msg}")
    return out


def _at(data: Any, loc: Loc) -> Any:
    node = data
    for p in loc:
        node = node.get(p) if isinstance(node, Mapping) else None
    return node


def _in_data(data: Any, loc: tuple[int | str, ...]) -> Loc:
    """The parts of an error location that are in the file.

    Pydantic puts the names of union members and validators into a location; they
    are not keys of the data, so they are dropped (the last part is kept: it may be
    a missing field).
    """
    out: list[int | str] = []
    node = data
    for i, p in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(p, int) and isinstance(node, Sequence) and not isinstance(node, str):
            out.append(p)
            node = node[p] if 0 <= p < len(node) else None
        elif isinstance(node, Mapping) and p in node:
            out.append(p)
            node = node[p]
        elif last and isinstance(node, Mapping):
            out.append(p)
    return tuple(out)


def validate(
    model: type[M], data: Any, file: str, what: str, locate: Locator, prefix: Loc = ()
) -> M:
    """Validate ``data`` as ``model`` or raise :class:`ConfigError` naming fields and lines."""
    if not isinstance(data, dict):
        raise ConfigError(file, ["(top): the file must hold a mapping of fields"], what)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(file, problems(exc, data, locate, prefix), what) from None


@functools.lru_cache(maxsize=64)
def package_text(package: str, name: str) -> str | None:
    """The text of a data file shipped in ``package``, or None if there is none.

    Read once per process: shipped files do not change under a running evtwin, and the
    web API prices every build from the grant rule and the tariffs.
    """
    res = resources.files(package).joinpath(name)
    return res.read_text(encoding="utf-8") if res.is_file() else None


def package_names(package: str, suffix: str = ".yaml") -> list[str]:
    """Names (without ``suffix``) of the data files shipped in ``package``, sorted."""
    files = resources.files(package).iterdir()
    return sorted(f.name.removesuffix(suffix) for f in files if f.name.endswith(suffix))
