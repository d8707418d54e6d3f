"""A configuration as a file (YAML or TOML) or as command-line arguments.

A configuration names a vehicle, its options, the people and payload aboard and a
trailer::

    vehicle: defender-sport          # a shipped id, or a vehicle file (relative to this file)
    options: [pack-off-road-look, roof-rack, tow-bar]
    passengers: 2                    # besides the driver
    payload_kg: 60
    trailer: box-trailer-750         # a preset id, or a mapping:
    # trailer: {mass_kg: 900, frontal_area_m2: 2.0, drag_coefficient: 0.4,
    #           rolling_resistance_coefficient: 0.011, braked: true}
    catalogue: my-options.yaml       # optional: an options catalogue other than the shipped one

or the same keys in TOML (``[trailer]`` as a table). Every problem, in the file or in
the build it describes, raises :class:`ConfigError` naming the field and its line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from ..specs import SpecError, VehicleSpec, load_vehicle
from ..specs.base import SpecModel
from ._files import Loc, Locator, problems, read_toml, read_yaml, validate
from .build import Build, configure
from .errors import ConfigError, OptionError
from .options import Catalogue, load_catalogue
from .trailer import Trailer

_WHAT = "configuration file"
Format = Literal["yaml", "toml"]


class ConfigFile(SpecModel):
    """The fields of a configuration file (the trailer checked apart)."""

    vehicle: str
    options: tuple[str, ...] = ()
    passengers: int = Field(default=0, ge=0, strict=True)
    payload_kg: float = Field(default=0.0, ge=0.0, strict=True)
    trailer: str | dict[str, Any] | None = None
    catalogue: str | None = None


def _format(file: str, fmt: Format | None) -> Format:
    if fmt is not None:
        return fmt
    return "toml" if file.lower().endswith(".toml") else "yaml"


def parse_config(
    text: str, file: str = "<string>", fmt: Format | None = None, base_dir: Path | None = None
) -> Build:
    """Read a configuration from text and build it.

    Parameters
    ----------
    text
        YAML or TOML.
    file
        Its name, for messages (and its format, by suffix, when ``fmt`` is not given).
    fmt
        ``"yaml"`` or ``"toml"``.
    base_dir
        Where relative vehicle and catalogue paths start (default: the working directory).

    Raises
    ------
    ConfigError
        Naming each field at fault and its line.
    """
    kind = _format(file, fmt)
    data, locate = (read_toml if kind == "toml" else read_yaml)(text, file, _WHAT)
    cfg = validate(ConfigFile, data, file, _WHAT, locate)
    trailer = _trailer(cfg, data, file, locate)
    spec = _vehicle(cfg, file, locate, base_dir)
    cat = _catalogue(cfg, file, locate, base_dir)
    try:
        return configure(
            spec,
            cfg.options,
            passengers=cfg.passengers,
            payload_kg=cfg.payload_kg,
            trailer=trailer,
            catalogue=cat,
        )
    except OptionError as exc:
        raise ConfigError(file, _option_problems(exc, cfg, locate), _WHAT) from None


def load_config(path: str | Path) -> Build:
    """Read a configuration file (``.yaml``, ``.yml`` or ``.toml``) and build it."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no configuration file at {p}")
    return parse_config(p.read_text(encoding="utf-8"), str(p), base_dir=p.parent)


def build_from_args(
    vehicle: VehicleSpec | str | Path,
    options: Iterable[str] = (),
    *,
    passengers: int = 0,
    payload_kg: float = 0.0,
    trailer: Trailer | str | None = None,
    catalogue: Catalogue | str | Path | None = None,
) -> Build:
    """Build from command-line style arguments.

    ``options`` may hold comma-separated lists (``["roof-rack,roof-box", "tow-bar"]``);
    ``trailer`` is a preset id or a :class:`Trailer`; ``catalogue`` a catalogue or its
    file. Errors are :class:`OptionError` (naming the options) and the loaders' own.
    """
    cat: Catalogue | None
    if catalogue is None or isinstance(catalogue, Catalogue):
        cat = catalogue
    else:
        cat = load_catalogue(catalogue)
    return configure(
        vehicle,
        options,
        passengers=passengers,
        payload_kg=payload_kg,
        trailer=trailer,
        catalogue=cat,
    )


def _where(locate: Locator, loc: Loc) -> str:
    line = locate(loc)
    return f" (line {line})" if line else ""


def _path(value: str, base_dir: Path | None) -> Path:
    p = Path(value)
    return p if p.is_absolute() or base_dir is None else base_dir / p


def _trailer(cfg: ConfigFile, data: Any, file: str, locate: Locator) -> Trailer | str | None:
    if not isinstance(cfg.trailer, dict):
        return cfg.trailer
    try:
        return Trailer.model_validate(cfg.trailer)
    except ValidationError as exc:
        raise ConfigError(file, problems(exc, data, locate, ("trailer",)), _WHAT) from None


def _vehicle(cfg: ConfigFile, file: str, locate: Locator, base_dir: Path | None) -> VehicleSpec:
    name = cfg.vehicle
    target: str | Path = name
    if name.endswith((".yaml", ".yml")):
        target = _path(name, base_dir)
    try:
        return load_vehicle(target)
    except (FileNotFoundError, SpecError) as exc:
        raise ConfigError(file, [f"vehicle{_where(locate, ('vehicle',))}: {exc}"], _WHAT) from None


def _catalogue(
    cfg: ConfigFile, file: str, locate: Locator, base_dir: Path | None
) -> Catalogue | None:
    if cfg.catalogue is None:
        return None
    try:
        return load_catalogue(_path(cfg.catalogue, base_dir))
    except (FileNotFoundError, ConfigError) as exc:
        where = _where(locate, ("catalogue",))
        raise ConfigError(file, [f"catalogue{where}: {exc}"], _WHAT) from None


_FIELDS = ("passengers", "payload_kg", "trailer")


def _option_problems(exc: OptionError, cfg: ConfigFile, locate: Locator) -> list[str]:
    """The build's problems, each placed on the field (and line) of the file it is about."""
    out = []
    for p in exc.problems:
        head, _, rest = p.partition(": ")
        if head in _FIELDS:
            out.append(f"{head}{_where(locate, (head,))}: {rest}")
            continue
        loc: Loc = ("options",)
        item = _first_item(cfg.options, [o for o in exc.options if o in p] or exc.options)
        if item is not None:
            loc = ("options", item)
        label = f"options[{cfg.options[item]}]" if item is not None else "options"
        out.append(f"{label}{_where(locate, loc)}: {p}")
    return out


def _first_item(given: Sequence[str], involved: Sequence[str]) -> int | None:
    """Index of the first option of the file's list that a problem involves."""
    for i, g in enumerate(given):
        if any(part.strip() in involved for part in g.split(",")):
            return i
    return None


__all__ = ["ConfigFile", "build_from_args", "load_config", "parse_config"]
