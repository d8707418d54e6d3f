"""A client of the API application, in process, shared by the module's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from evtwin.api import create_app


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    # raise_server_exceptions=False: a bug must show as the 500 a client would get,
    # which the tests then fail on, rather than as an exception inside the test client.
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c
