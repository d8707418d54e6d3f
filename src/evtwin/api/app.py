"""The API application: every route under ``/api``, its OpenAPI schema and error handling.

``router`` is what another FastAPI application (the NiceGUI web app) mounts;
:func:`create_app` is the API on its own::

    uvicorn evtwin.api.app:create_app --factory
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from .. import __version__
from . import (
    routes_build,
    routes_drive,
    routes_offroad,
    routes_report,
    routes_saved,
    routes_vehicles,
)
from .encoding import SafeJSONResponse
from .errors import install_error_handlers

PREFIX = "/api"

router = APIRouter(default_response_class=SafeJSONResponse)
for _module in (
    routes_vehicles,
    routes_drive,
    routes_build,
    routes_saved,
    routes_offroad,
    routes_report,
):
    router.include_router(_module.router)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # What exists when the server starts (modules, shipped specs: some 200,000 objects)
    # lives as long as the server. Frozen, the garbage collector's full passes skip it:
    # each pass over it took 100-170 ms here, a pause for whichever request met it.
    gc.collect()
    gc.freeze()
    yield


def create_app() -> FastAPI:
    """A FastAPI application serving :data:`router` under ``/api``, with the schema at
    ``/api/openapi.json``, interactive docs at ``/api/docs`` and 4xx (never 500) for bad
    input."""
    app = FastAPI(
        title="evtwin",
        version=__version__,
        summary="A physics-based digital twin of battery-electric vehicles, as JSON.",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
        default_response_class=SafeJSONResponse,
        lifespan=_lifespan,
    )
    app.include_router(router, prefix=PREFIX)
    install_error_handlers(app)
    return app


__all__ = ["PREFIX", "create_app", "router"]
