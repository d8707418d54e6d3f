"""The JSON API: what the command line can do, over HTTP, with an OpenAPI schema.

An interface beside ``cli.py``: it calls the library and returns the dictionaries the
commands print with ``--json``. ``create_app()`` is the API alone; ``router`` and
``install_error_handlers`` are what an application that mounts it (the web app) uses.
See docs/api.md.
"""

from .app import PREFIX, create_app, router
from .errors import install_error_handlers

__all__ = ["PREFIX", "create_app", "install_error_handlers", "router"]
