"""Shared fixtures: the reference data folder and small test vehicles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evtwin.specs import VehicleSpec, parse_vehicle

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    """Keep the stores that checks cache (``evtwin claims``, the report) and the saved
    builds out of the user's folders: one folder each per test session, shared by the
    commands tests start."""
    import tempfile

    # Under pytest-xdist each worker inherits the folders the controller made here; two
    # workers sharing one claims store would queue on its lock (and tests that expect a
    # fresh store would find the other's): each worker takes a folder of its own inside.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    for var, prefix in (
        ("EVTWIN_CACHE_DIR", "evtwin-test-cache-"),
        ("EVTWIN_DATA_DIR", "evtwin-test-data-"),
    ):
        if var not in os.environ:
            os.environ[var] = tempfile.mkdtemp(prefix=prefix)
        if worker:
            own = Path(os.environ[var]) / worker
            own.mkdir(parents=True, exist_ok=True)
            os.environ[var] = str(own)


def _find_shared_data() -> Path | None:
    """The project's reference data (see shared/data/README.md).

    ``EVTWIN_SHARED_DATA`` if set; else ``shared/data`` beside the checkout or beside
    any folder above it; else this workplace's own copy at /work/shared/data (a clone
    made elsewhere, as CI makes one, still finds it).
    """
    env = os.environ.get("EVTWIN_SHARED_DATA")
    if env:
        return Path(env)
    for parent in ROOT.parents:
        candidate = parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    fallback = Path("/work/shared/data")
    return fallback if fallback.is_dir() else None


SHARED_DATA = _find_shared_data()


def shared_data(*parts: str) -> Path:
    """A path in the reference data.

    Outside CI a missing folder skips the test, loudly; in CI (``CI`` set) it fails it,
    because the validation suite must never be skipped there.
    """
    path = SHARED_DATA.joinpath(*parts) if SHARED_DATA is not None else None
    if path is None or not path.exists():
        msg = f"reference data not found ({path}): set EVTWIN_SHARED_DATA to shared/data"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def rwd_car() -> VehicleSpec:
    """A small rear-driven test car (figures loosely after a 2022 Model 3 RWD)."""
    return parse_vehicle((FIXTURES / "rwd-car.yaml").read_text(), "rwd-car.yaml")


@pytest.fixture(scope="session")
def awd_car() -> VehicleSpec:
    """A dual-motor test car with a disconnecting front axle."""
    return parse_vehicle((FIXTURES / "awd-car.yaml").read_text(), "awd-car.yaml")
