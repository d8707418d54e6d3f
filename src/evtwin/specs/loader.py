"""Read vehicle files: YAML in, a validated :class:`VehicleSpec` out, or a clear error."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import SpecError
from .vehicle import VehicleSpec

_PACKAGE_VEHICLES = "evtwin.data.vehicles"


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a key given twice in one mapping."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
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


def _problems(err: ValidationError, root: yaml.Node | None) -> list[str]:
    out = []
    for e in err.errors():
        loc = tuple(e["loc"])
        path = ".".join(str(p) for p in loc if not str(p).startswith(("CoastDown",))) or "(top)"
        msg = e["msg"].removeprefix("Value error, ")
        line = _line_of(root, loc)
        where = f" (line {line})" if line else ""
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        elif e["type"] == "missing":
            msg = "required but missing"
        out.append(f"{path}{where}: {msg}")
    return out


def parse_vehicle(text: str, file: str = "<string>") -> VehicleSpec:
    """Validate the YAML text of a vehicle file.

    Raises
    ------
    SpecError
        If the YAML is malformed or any field is missing, unknown, of the wrong type
        or physically impossible. The message names the file, each field and its line.
    """
    try:
        root = yaml.compose(text, Loader=_StrictLoader)
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise SpecError(file, [f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise SpecError(file, ["(top): the file must hold a mapping of fields"])
    try:
        return VehicleSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(file, _problems(exc, root)) from None


def vehicle_names() -> list[str]:
    """Ids of the vehicles shipped with evtwin, sorted."""
    files = resources.files(_PACKAGE_VEHICLES).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def load_vehicle(name_or_path: str | Path) -> VehicleSpec:
    """Load a shipped vehicle by id (``"defender-sport"``) or any vehicle file by path.

    Raises
    ------
    SpecError
        If the file is malformed or holds an impossible value.
    FileNotFoundError
        If there is no such shipped vehicle or file.
    """
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise FileNotFoundError(f"no vehicle file at {p}")
        return parse_vehicle(p.read_text(encoding="utf-8"), str(p))
    name = str(name_or_path)
    res = resources.files(_PACKAGE_VEHICLES).joinpath(f"{name}.yaml")
    if not res.is_file():
        known = ", ".join(vehicle_names())
        raise FileNotFoundError(f"no vehicle called {name!r}; shipped vehicles: {known}")
    spec = parse_vehicle(res.read_text(encoding="utf-8"), f"{name}.yaml")
    if spec.id != name:
        raise SpecError(f"{name}.yaml", [f"id: {spec.id!r} does not match the file name"])
    return spec
