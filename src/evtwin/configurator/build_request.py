"""A build as the configurator holds it, and as the query string of a share URL.

:class:`BuildFields` is the vehicle, its options, who and what it carries, a trailer,
and the conditions of a steady run, with the command line's bounds (``evtwin configure``
and ``evtwin conditions``). The API's ``EvaluateRequest`` is this model, so a saved
build is exactly a request the API evaluates and the two cannot drift apart.

Ids are checked against what ships (and listed as enums in a JSON schema); option ids
differ by vehicle and are checked by :func:`~evtwin.configurator.configure`.

:func:`share_query` writes every field into a query string and :func:`build_from_query`
reads it back, float for float (``repr`` round-trips), with no database::

    vehicle=defender-sport&o=roof-rack&o=tow-bar&passengers=2&payload_kg=60
    &trailer=caravan-1500&temp_c=-5&speed_kph=110

``o`` repeats, one per option, in the build's order; ``trailer``, ``temp_c`` and
``speed_kph`` are left out when None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any
from urllib.parse import quote, unquote

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from ..specs import vehicle_names
from .trailer import trailer_presets

DEFAULT_VEHICLE = "defender-sport"


def one_of(what: str, allowed: Sequence[str]) -> AfterValidator:
    """A validator that takes only the ``allowed`` ids, naming them when it refuses."""
    names = tuple(allowed)

    def check(value: str) -> str:
        if value not in names:
            raise ValueError(f"{what} {value!r} is not one of {', '.join(names)}")
        return value

    return AfterValidator(check)


def enum_schema(allowed: Sequence[str]) -> WithJsonSchema:
    """The ids as a JSON schema enum (so an OpenAPI client can offer them)."""
    return WithJsonSchema({"type": "string", "enum": list(allowed)})


_VEHICLES = vehicle_names()
_TRAILERS = list(trailer_presets())

VehicleId = Annotated[str, one_of("vehicle", _VEHICLES), enum_schema(_VEHICLES)]
TrailerId = Annotated[str, one_of("trailer", _TRAILERS), enum_schema(_TRAILERS)]
OptionId = Annotated[str, Field(min_length=1, max_length=64)]
Options = Annotated[list[OptionId], Field(max_length=32)]


class BuildFields(BaseModel):
    """A vehicle, its options, who and what it carries, a trailer, and the air and speed
    of a steady run (None: no steady run unless the other is given).

    Unknown fields, NaN and infinities are rejected. Options keep the order given: the
    figures do not depend on it, but the order of the configurator's messages does.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    vehicle: VehicleId = DEFAULT_VEHICLE
    options: Options = []
    passengers: int = Field(0, ge=0, le=8, description="People aboard besides the driver.")
    payload_kg: float = Field(0.0, ge=0.0, le=2000.0, description="Luggage and load [kg].")
    trailer: TrailerId | None = None
    temperature_c: float | None = Field(None, ge=-20.0, le=40.0, description="Air [C].")
    speed_kph: float | None = Field(None, ge=16.0, le=161.0, description="Steady speed [km/h].")


#: The fields of a build, in order.
BUILD_FIELDS: tuple[str, ...] = tuple(BuildFields.model_fields)


#: The query parameter of each field in a share URL (short ones where a URL repeats them).
QUERY_PARAMS: dict[str, str] = {
    "vehicle": "vehicle",
    "options": "o",
    "passengers": "passengers",
    "payload_kg": "payload_kg",
    "trailer": "trailer",
    "temperature_c": "temp_c",
    "speed_kph": "speed_kph",
}
_FIELD_OF = {param: field for field, param in QUERY_PARAMS.items()}
_NULLABLE = ("trailer", "temperature_c", "speed_kph")
# Strict numbers: Python's int() and float() also take "1_000", "nan" and " 5 ".
_INT = re.compile(r"[+-]?[0-9]{1,9}")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")

QueryParams = str | Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]]


class BuildQueryError(ValueError):
    """A share URL's query that does not describe a build; ``param`` is the parameter."""

    def __init__(self, param: str, msg: str) -> None:
        self.param = param
        super().__init__(f"{param}: {msg}")


def _number(x: float) -> str:
    # repr is the shortest text that reads back as the same float; "60.0" reads as "60".
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def share_query(build: BuildFields) -> str:
    """The query string (without ``?``) that :func:`build_from_query` reads back as ``build``."""
    pairs: list[tuple[str, str]] = [("vehicle", build.vehicle)]
    pairs += [("o", o) for o in build.options]
    pairs += [("passengers", str(build.passengers)), ("payload_kg", _number(build.payload_kg))]
    if build.trailer is not None:
        pairs.append(("trailer", build.trailer))
    if build.temperature_c is not None:
        pairs.append(("temp_c", _number(build.temperature_c)))
    if build.speed_kph is not None:
        pairs.append(("speed_kph", _number(build.speed_kph)))
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def _decode(text: str, param: str) -> str:
    try:
        return unquote(text.replace("+", " "), errors="strict")
    except UnicodeDecodeError:
        raise BuildQueryError(param, "is not UTF-8 text") from None


def _pairs(params: QueryParams) -> list[tuple[str, str]]:
    if isinstance(params, str):
        query = params.partition("#")[0]
        query = query.partition("?")[2] if "?" in query else query
        out = []
        for item in query.split("&"):
            if item:
                key, _, value = item.partition("=")
                name = _decode(key, key)
                out.append((name, _decode(value, name)))
        return out
    multi = getattr(params, "multi_items", None)  # starlette's QueryParams keeps repeats here
    if callable(multi):
        return [(str(k), str(v)) for k, v in multi()]
    if isinstance(params, Mapping):
        return [(k, v) for k, vs in params.items() for v in ([vs] if isinstance(vs, str) else vs)]
    return list(params)


def _value(field: str, param: str, raw: str) -> Any:
    if field == "passengers":
        if not _INT.fullmatch(raw):
            raise BuildQueryError(param, f"{raw!r} is not a whole number")
        return int(raw)
    if field in ("payload_kg", "temperature_c", "speed_kph"):
        if not _FLOAT.fullmatch(raw):
            raise BuildQueryError(param, f"{raw!r} is not a number")
        return float(raw)
    return raw


def build_from_query(params: QueryParams, *, ignore_unknown: bool = False) -> BuildFields:
    """The build a share URL's query describes.

    ``params`` is the query string (a leading ``?`` or a whole URL is fine), a mapping
    of parameter to value or values, starlette's ``QueryParams``, or ``(param, value)``
    pairs. A parameter left out takes the field's default (None for ``trailer``,
    ``temp_c`` and ``speed_kph``, as is a blank one).

    Raises
    ------
    BuildQueryError
        Naming the parameter: unknown (unless ``ignore_unknown``), repeated (all but
        ``o``), not a number, or a value the build's bounds and ids reject.
    """
    given: dict[str, list[str]] = {}
    for param, value in _pairs(params):
        if param not in _FIELD_OF:
            if ignore_unknown:
                continue
            known = ", ".join(QUERY_PARAMS.values())
            raise BuildQueryError(param, f"unknown parameter (known: {known})")
        given.setdefault(param, []).append(value)
    data: dict[str, Any] = {}
    for param, values in given.items():
        field = _FIELD_OF[param]
        if field == "options":
            data[field] = values
        elif len(values) > 1:
            raise BuildQueryError(param, f"given {len(values)} times; give it once")
        elif values[0] == "" and field in _NULLABLE:
            data[field] = None
        else:
            data[field] = _value(field, param, values[0])
    try:
        return BuildFields.model_validate(data)
    except ValidationError as exc:
        raise _query_error(exc) from None


def _query_error(exc: ValidationError) -> BuildQueryError:
    e = exc.errors()[0]
    loc = e["loc"]
    param = QUERY_PARAMS.get(str(loc[0]), str(loc[0])) if loc else "query"
    msg = str(e["msg"]).removeprefix("Value error, ")
    if len(loc) > 1 and isinstance(loc[1], int):
        msg = f"item {loc[1] + 1}: {msg}"
    return BuildQueryError(param, msg)


__all__ = [
    "BUILD_FIELDS",
    "DEFAULT_VEHICLE",
    "QUERY_PARAMS",
    "BuildFields",
    "BuildQueryError",
    "QueryParams",
    "build_from_query",
    "enum_schema",
    "one_of",
    "share_query",
]
