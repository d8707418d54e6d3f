"""Errors of the API: every bad request answered 4xx with the field it is about.

The body is always FastAPI's shape, ``{"detail": [{"loc": [...], "msg": "...",
"type": "..."}]}``, whether pydantic rejected the request or the library did (a
``SpecError``, ``OptionError``, ``ConfigError``, ``CycleError`` or ``ValueError``).
Routes that know which field a library error is about say so with
:func:`field_errors`; anything else the library rejects is put on the body as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..configurator import ConfigError, OptionError, PriceUnavailableError
from ..cycles import CycleError
from ..specs import SpecError
from .encoding import SafeJSONResponse

Loc = tuple[str | int, ...]

#: Fields an ``OptionError`` problem can be about, by the prefix the configurator gives it.
_BUILD_FIELDS = ("passengers", "payload_kg", "trailer")


class ApiError(Exception):
    """A request the library cannot serve, with the status and the field(s) at fault."""

    def __init__(self, status: int, errors: Sequence[tuple[Loc, str]], kind: str) -> None:
        self.status = status
        self.errors = list(errors)
        self.kind = kind
        super().__init__("; ".join(msg for _, msg in self.errors))

    def body(self) -> dict[str, Any]:
        """The JSON body: one entry per problem, each with its location and message."""
        detail = [{"loc": list(loc), "msg": msg, "type": self.kind} for loc, msg in self.errors]
        return {"detail": detail}


def not_found(loc: Loc, msg: str) -> ApiError:
    """An unknown id in the path: 404, naming the parameter."""
    return ApiError(404, [(loc, msg)], "not_found")


def invalid(loc: Loc, msg: str) -> ApiError:
    """A value the library rejects: 422, naming the field."""
    return ApiError(422, [(loc, msg)], "value_error")


def _option_errors(exc: OptionError, loc: Loc) -> ApiError:
    """One entry per problem, put on the field its text starts with (else the options)."""
    out: list[tuple[Loc, str]] = []
    for problem in exc.problems:
        head = problem.split(":", 1)[0].split(" ", 1)[0]
        field = head if head in _BUILD_FIELDS else "options"
        out.append(((*loc[:-1], field), problem))
    return ApiError(422, out or [(loc, str(exc))], "option_error")


@contextmanager
def field_errors(loc: Loc) -> Iterator[None]:
    """Turn the library's input errors raised inside the block into a 422 on ``loc``.

    An ``OptionError`` is split by problem onto the build's fields (``passengers``,
    ``payload_kg``, ``trailer``, else ``options``), siblings of ``loc``.
    """
    try:
        yield
    except ApiError:
        raise
    except OptionError as exc:
        raise _option_errors(exc, loc) from None
    except (SpecError, ConfigError, CycleError, PriceUnavailableError, ValueError) as exc:
        raise invalid(loc, str(exc)) from None


def _validation_body(exc: RequestValidationError) -> dict[str, Any]:
    # FastAPI's own handler echoes ``input`` and ``ctx``, which may hold the rejected
    # NaN or an exception object; the location and message are what a client needs.
    return {
        "detail": [
            {"loc": list(e["loc"]), "msg": str(e["msg"]), "type": str(e["type"])}
            for e in exc.errors()
        ]
    }


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return SafeJSONResponse(_validation_body(exc), status_code=422)


async def _on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return SafeJSONResponse(exc.body(), status_code=exc.status)


async def _on_library_error(request: Request, exc: Exception) -> Response:
    # A library error no route placed on a field: it is about the request as a whole.
    if isinstance(exc, OptionError):
        return await _on_api_error(request, _option_errors(exc, ("body", "options")))
    return await _on_api_error(request, invalid(("body",), str(exc)))


async def _on_http_error(request: Request, exc: Exception) -> Response:
    # Unknown routes and wrong methods keep their status, in the same body shape.
    assert isinstance(exc, StarletteHTTPException)
    loc = ["path"] if exc.status_code in (404, 405) else []
    body = {"detail": [{"loc": loc, "msg": str(exc.detail), "type": "http_error"}]}
    return SafeJSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every known bad input with 4xx and the field it is about (never 500).

    Exception handlers belong to the application, not to a router: an application
    that mounts :data:`evtwin.api.router` (the web app) calls this too.
    """
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    for kind in (SpecError, ConfigError, OptionError, CycleError, PriceUnavailableError):
        app.add_exception_handler(kind, _on_library_error)
    app.add_exception_handler(ValueError, _on_library_error)


__all__ = [
    "ApiError",
    "field_errors",
    "install_error_handlers",
    "invalid",
    "not_found",
]
