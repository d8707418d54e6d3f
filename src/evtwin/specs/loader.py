"""Read vehicle files: YAML in, a validated :class:`VehicleSpec` out, or a clear error."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import SpecError
from .vehicle import VehicleSpec
from .yaml_document import read_model

_PACKAGE_VEHICLES = "evtwin.data.vehicles"


def parse_vehicle(text: str, file: str = "<string>") -> VehicleSpec:
    """Validate the YAML text of a vehicle file.

    Raises
    ------
    SpecError
        If the YAML is malformed or any field is missing, unknown, of the wrong type
        or physically impossible. The message names the file, each field and its line.
    """
    # A coast-down block is a union of the EU and EPA forms: their class names are not
    # part of the field's path in the file.
    return read_model(text, file, VehicleSpec, skip=("CoastDown",))


@lru_cache(maxsize=64)
def _parse_text(text: str, file: str) -> VehicleSpec:
    # Specs are frozen, so one parse may be shared. Keyed on the text itself, so an
    # edited file is read afresh; validation is some 9 ms a file, which a server
    # listing every vehicle per request would otherwise pay each time.
    return parse_vehicle(text, file)


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
        return _parse_text(p.read_text(encoding="utf-8"), str(p))
    name = str(name_or_path)
    res = resources.files(_PACKAGE_VEHICLES).joinpath(f"{name}.yaml")
    if not res.is_file():
        known = ", ".join(vehicle_names())
        raise FileNotFoundError(f"no vehicle called {name!r}; shipped vehicles: {known}")
    spec = _parse_text(res.read_text(encoding="utf-8"), f"{name}.yaml")
    if spec.id != name:
        raise SpecError(f"{name}.yaml", [f"id: {spec.id!r} does not match the file name"])
    return spec
