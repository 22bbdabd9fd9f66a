"""Schemathesis generates requests from docs/openapi.json against the running local stack: every answer
must match the documented responses, and none may be a server error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance, unsupported_method

from caseline_local.stack import LocalStack

from .conftest import FUZZ_EXAMPLES
from .test_local_stack import id_token

# A request that breaks the schema must be refused with a 4xx: schemathesis' own list, and 413, which the
# document gives every route with a body limit (a generated body can be larger than the limit).
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
SCHEMA = schemathesis.openapi.from_path(
    Path(__file__).resolve().parents[2] / "docs" / "openapi.json",
    config=SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": REJECTED}}}),
)


@pytest.fixture(scope="module")
def victim_token(stack: LocalStack) -> str:
    return id_token(stack)


@SCHEMA.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES or 30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not FUZZ_EXAMPLES,
)
def test_the_api_answers_every_generated_request_as_documented(case: Any, stack: LocalStack, victim_token: str) -> None:
    assert stack.gateway is not None
    signed_in = case.operation.path.startswith(("/v1/me", "/v1/cases"))
    headers = {"Authorization": victim_token} if signed_in else {}
    # API Gateway (REST) answers 403 "Missing Authentication Token" to a method a path does not declare,
    # not 405: the local gateway does the same, so that check does not apply. Nor does "schema-valid data
    # is accepted": generated data can't hold a real access code or the id of a case linked to the caller.
    response = case.call_and_validate(
        base_url=stack.gateway.url, headers=headers, excluded_checks=[unsupported_method, positive_data_acceptance]
    )
    assert response.status_code < 500
