"""Shared fixtures: the reference data folder and small test vehicles."""

from __future__ import annotations

from pathlib import Path

import pytest

from evtwin.specs import VehicleSpec, parse_vehicle

ROOT = Path(__file__).resolve().parents[1]
#: The project's reference data, beside the checkout (see shared/data/README.md).
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_data(*parts: str) -> Path:
    """A path in the reference data; skips the test, loudly, if the folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data not found at {path}: validation needs ../shared/data")
    return path


@pytest.fixture(scope="session")
def rwd_car() -> VehicleSpec:
    """A small rear-driven test car (figures loosely after a 2022 Model 3 RWD)."""
    return parse_vehicle((FIXTURES / "rwd-car.yaml").read_text(), "rwd-car.yaml")


@pytest.fixture(scope="session")
def awd_car() -> VehicleSpec:
    """A dual-motor test car with a disconnecting front axle."""
    return parse_vehicle((FIXTURES / "awd-car.yaml").read_text(), "awd-car.yaml")
