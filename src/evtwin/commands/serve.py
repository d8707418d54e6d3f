"""``evtwin serve``: the web app and the JSON API on one server."""

from __future__ import annotations

from typing import Annotated

import typer

from ..cli_support import err


def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise typer.BadParameter(f"must be from 1 to 65535, got {value}", param_hint="--port")
    return value


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", callback=_port)] = 8080,
) -> None:
    """Serve the web app (configurator, compare, charging, off road, claims, studies) and
    the JSON API (/api, OpenAPI at /api/docs). Every asset is served locally: it works
    with no internet. Stop it with Ctrl-C."""
    import socket

    from ..web.app import serve as run

    # Refuse a taken port before NiceGUI starts, with the flag named.
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            err.print(f"error: --host/--port: cannot listen on {host}:{port}: {exc.strerror}")
            raise typer.Exit(2) from None
    err.print(f"evtwin: serving on http://{host}:{port}/ (API docs at /api/docs); Ctrl-C stops")
    run(host, port)
