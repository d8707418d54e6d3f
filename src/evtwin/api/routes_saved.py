"""Saved builds: save a build under its id, list them, reopen one, forget one.

The store is :func:`get_store`'s (a dependency, so that tests and other applications
can point it elsewhere with ``app.dependency_overrides``): by default the SQLite file
at ``$EVTWIN_DATA_DIR/builds.sqlite`` or in the user's data folder. Every answer
carries ``share_url``, the configurator's URL with the whole build in its query, which
reproduces the build without the store.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field, field_validator

from ..configurator import (
    BuildNotFoundError,
    BuildStore,
    BuildStoreError,
    SavedBuild,
    build_from_args,
    share_query,
)
from ..configurator.saved_builds import NAME_MAX, as_build, clean_name, default_store_path
from .errors import ApiError, field_errors, not_found
from .models import EvaluateRequest

router = APIRouter(tags=["saved builds"])
log = logging.getLogger(__name__)

#: The web app's configurator page, which opens a build from its query string.
CONFIGURATOR_PATH = "/configurator"


class SaveBuildRequest(EvaluateRequest):
    """A build to save (the fields of `POST /api/evaluate`) and, if given, its name."""

    name: str | None = Field(
        None, max_length=NAME_MAX, description="A name to list it by (none: keep the old one)."
    )

    @field_validator("name")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return clean_name(v)


def get_store() -> BuildStore:
    """The store the routes use (the path read per request: ``$EVTWIN_DATA_DIR`` may change)."""
    return BuildStore(default_store_path())


Store = Annotated[BuildStore, Depends(get_store)]


@contextmanager
def _store_errors(build_id: str | None = None) -> Iterator[None]:
    """An unknown id is the client's 404; an unusable store is the server's 503 (the
    client can do nothing about it), its file named in the log only."""
    try:
        yield
    except BuildNotFoundError as exc:
        raise not_found(("path", "build_id"), str(exc)) from None
    except BuildStoreError as exc:
        log.error("saved builds: %s", exc)
        what = f"saved build {build_id!r}" if build_id else "the saved builds"
        msg = f"{what} cannot be read or written just now (the server's log says why)"
        raise ApiError(503, [((), msg)], "store_error") from None


def _answer(saved: SavedBuild) -> dict[str, Any]:
    return {**saved.to_dict(), "share_url": f"{CONFIGURATOR_PATH}?{share_query(saved.build)}"}


@router.post("/builds", status_code=201, summary="Save a build (same build, same id)")
def save_build(
    req: SaveBuildRequest, request: Request, response: Response, store: Store
) -> dict[str, Any]:
    """Save the build under the start of its content's hash and answer it with its id and
    ``share_url``. Saving it again keeps its id and first time and takes a new name. The
    build is checked as `POST /api/configure` checks it (422 on the field at fault)."""
    build = as_build(req)
    with field_errors(("body", "options")):
        build_from_args(
            build.vehicle,
            build.options,
            passengers=build.passengers,
            payload_kg=build.payload_kg,
            trailer=build.trailer,
        )
    with _store_errors():
        saved = store.save(build, req.name)
    response.headers["Location"] = str(request.url_for("get_build", build_id=saved.id))
    return _answer(saved)


@router.get("/builds", summary="Saved builds, the most recently saved first")
def list_builds(
    store: Store,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many.")] = 100,
) -> list[dict[str, Any]]:
    """Each saved build with its id, name, times, fields and ``share_url``."""
    with _store_errors():
        return [_answer(s) for s in store.list(limit)]


@router.get("/builds/{build_id}", name="get_build", summary="One saved build")
def get_build(build_id: str, store: Store) -> dict[str, Any]:
    """The build saved as ``build_id`` (404 if there is none)."""
    with _store_errors(build_id):
        return _answer(store.get(build_id))


@router.delete("/builds/{build_id}", status_code=204, summary="Forget a saved build")
def delete_build(build_id: str, store: Store) -> Response:
    """Forget the build saved as ``build_id`` (404 if there is none)."""
    with _store_errors(build_id):
        store.delete(build_id)
    return Response(status_code=204)


__all__ = ["CONFIGURATOR_PATH", "SaveBuildRequest", "get_store", "router"]
