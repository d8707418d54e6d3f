"""The web application: the JSON API under ``/api`` and the NiceGUI pages beside it.

NiceGUI keeps one global application per process, so :func:`create_web_app` may be
called once per process (``evtwin serve`` does; tests start a server process).
"""

from __future__ import annotations

import os
import secrets

from fastapi import FastAPI

from ..api import create_app
from .routes import root

#: The page title (NiceGUI adds nothing to it).
TITLE = "evtwin"

# NiceGUI's Plotly element resizes its chart whenever the element's box changes,
# including when a page change hides or removes it; Plotly then rejects the resize
# ("Resize must be passed a displayed plot div element"), harmlessly. Only that
# rejection is silenced: every other error still reaches the console (and fails the
# browser tests).
_IGNORE_HIDDEN_RESIZE = """<script>
window.addEventListener("unhandledrejection", (e) => {
  const m = String(e.reason && e.reason.message);
  if (m.startsWith("Resize must be passed a displayed plot div")) e.preventDefault();
});
</script>"""


def create_web_app(*, storage_secret: str | None = None) -> FastAPI:
    """The API application with the NiceGUI pages mounted at ``/``.

    ``storage_secret`` signs the browser's session cookie; by default a random one per
    process (sessions then do not outlive the server, which holds nothing per user
    that a reload cannot rebuild: builds are saved in the build store, not the session).
    """
    from nicegui import ui

    app = create_app()
    ui.add_head_html(_IGNORE_HIDDEN_RESIZE, shared=True)
    secret = storage_secret or os.environ.get("EVTWIN_STORAGE_SECRET") or secrets.token_hex(16)
    ui.run_with(
        app,
        root=root,
        title=TITLE,
        favicon="🚙",
        storage_secret=secret,
        show_welcome_message=False,
        reconnect_timeout=10.0,
    )
    return app


def serve(host: str = "127.0.0.1", port: int = 8080, *, log_level: str = "warning") -> None:
    """Serve the app with uvicorn until interrupted (one process, one event loop;
    simulations run in its thread pool)."""
    import uvicorn

    uvicorn.run(create_web_app(), host=host, port=port, log_level=log_level)


__all__ = ["TITLE", "create_web_app", "serve"]
