"""Property-based fuzz of the API against its own OpenAPI schema: no 5xx, ever.

schemathesis generates requests from the schema, valid ones (within the enums and
bounds) and invalid ones (wrong types, out of range, unknown fields, boundary values),
calls the application in process (ASGI) and fails on any server error. Examples are
bounded so that the default run takes some thirty seconds:

- the quick operations run for real;
- the claims check and the headline card (tens of seconds each for a new vehicle or
  sample count) run with the library call replaced by a stand-in, so the fuzz covers
  their HTTP layer (path, query, errors, NaN in the answer); ``test_api`` checks the
  real calls;
- the off-road suite (seconds a call) runs for real in the slow run (``-m slow``).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from evtwin.api import create_app, routes_report
from evtwin.specs import VehicleSpec

schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app())
REPORTS = r"^/api/(claims|report)/"
OFFROAD = r"^/api/offroad$"

quick = schema.exclude(path_regex=f"{REPORTS}|{OFFROAD}")
reports = schema.include(path_regex=REPORTS)
offroad = schema.include(path_regex=OFFROAD)

FUZZ = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        # The stand-ins below are the same for every example.
        HealthCheck.function_scoped_fixture,
    ],
    derandomize=True,
)


@quick.parametrize()
@FUZZ
def test_no_server_errors(case: Any) -> None:
    case.call_and_validate(checks=[not_a_server_error])


class _StandIn:
    """A result whose ``to_dict`` holds what it was asked for, and a NaN to encode."""

    def __init__(self, **asked: Any) -> None:
        self.asked = asked

    def to_dict(self) -> dict[str, Any]:
        return {**self.asked, "not_computed": math.nan}


@pytest.fixture
def stand_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    def check_claims(spec: VehicleSpec, *, samples: int) -> _StandIn:
        assert isinstance(spec, VehicleSpec)
        assert 64 <= samples <= 8192
        return _StandIn(vehicle=spec.id, samples=samples)

    def headline_card(spec: VehicleSpec, *, offroad: bool, claims: bool) -> _StandIn:
        assert isinstance(spec, VehicleSpec)
        return _StandIn(vehicle=spec.id, offroad=offroad, claims=claims)

    monkeypatch.setattr(routes_report, "check_claims", check_claims)
    monkeypatch.setattr(routes_report, "headline_card", headline_card)


@reports.parametrize()
@FUZZ
def test_no_server_errors_reports(case: Any, stand_ins: None) -> None:
    response = case.call_and_validate(checks=[not_a_server_error])
    if response.status_code == 200:
        assert response.json()["not_computed"] is None


@pytest.mark.slow
@offroad.parametrize()
@settings(FUZZ, max_examples=5)
def test_no_server_errors_offroad(case: Any) -> None:
    # A whole suite takes some 8.5 s alone, over schemathesis's 10 s read timeout once
    # another process shares the machine (a read timeout is no server error).
    case.call_and_validate(checks=[not_a_server_error], timeout=120)
