"""The one error→HTTP mapping (every HTTP handler's) and the shared request reading."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from caseline.adapters.http import problem_for
from caseline.adapters.request import caller, caller_email, claims, client_address, raw_body
from caseline.domain.errors import (
    ConflictError,
    SignatureInvalidError,
    StorageUnavailableError,
    UnauthenticatedError,
    ValidationFailedError,
    VictimNotKnownYetError,
)
from caseline.domain.reports import REPORT_FRAUD_URL, FieldError, ReportElsewhereError, ReportInvalidError
from caseline.services.reports import RateLimitedError


def _answer(error: Exception) -> tuple[int, dict[str, str], dict[str, Any]]:
    response = problem_for(error)  # type: ignore[arg-type]
    assert response.content_type == "application/problem+json"
    return response.status_code, response.headers, json.loads(str(response.body))


def test_a_report_with_fields_at_fault_is_a_validation_problem_with_one_message_per_field() -> None:
    error = ReportInvalidError([FieldError("reporter.email", "Enter an email address"), FieldError("category", "x")])
    status, _, body = _answer(error)
    assert (status, body) == (
        422,
        {
            "type": "urn:caseline:problem:validation",
            "title": error.title,
            "status": 422,
            "detail": error.detail,
            "field": "reporter.email",
            "errors": [
                {"field": "reporter.email", "message": "Enter an email address"},
                {"field": "category", "message": "x"},
            ],
        },
    )


def test_fraud_is_reported_elsewhere_with_the_address() -> None:
    status, _, body = _answer(ReportElsewhereError())
    assert (status, body["type"], body["field"], body["url"]) == (
        422,
        "urn:caseline:problem:report-elsewhere",
        "category",
        REPORT_FRAUD_URL,
    )


def test_any_other_invalid_request_has_neither_errors_nor_url() -> None:
    status, _, body = _answer(ValidationFailedError("bad", field="x"))
    assert (status, sorted(body)) == (422, ["detail", "field", "status", "title", "type"])


def test_a_rate_limit_says_how_long_to_wait() -> None:
    status, headers, body = _answer(RateLimitedError(retry_after=1234))
    assert (status, headers["Retry-After"], body["type"]) == (429, "1234", "urn:caseline:problem:too-many-requests")


def test_only_a_conflict_that_a_retry_can_get_past_says_when_to_retry() -> None:
    # "Already answered", "too late to ask": retrying changes nothing, so no Retry-After invites it
    assert "Retry-After" not in _answer(ConflictError("already answered"))[1]
    # An event about a victim whose crime.recorded has not arrived: the force retries with the same webhook-id
    status, headers, body = _answer(VictimNotKnownYetError())
    assert (status, headers["Retry-After"], body["type"]) == (409, "60", "urn:caseline:problem:victim-not-known-yet")
    assert _answer(StorageUnavailableError())[1]["Retry-After"] == "5"


@pytest.mark.parametrize("error", [UnauthenticatedError("no token", field="x"), SignatureInvalidError("bad sig")])
def test_a_401_never_says_why(error: Exception) -> None:
    status, _, body = _answer(error)
    assert (status, sorted(body)) == (401, ["status", "title", "type"])


def _event(**request: Any) -> APIGatewayProxyEvent:
    return APIGatewayProxyEvent({"requestContext": {}, **request})


def test_the_raw_body_is_the_bytes_sent_base64_or_not() -> None:
    assert raw_body(_event(body='{"a": "é"}')) == '{"a": "é"}'.encode()
    assert raw_body(_event(body=base64.b64encode(b"\xff\x00").decode(), isBase64Encoded=True)) == b"\xff\x00"
    assert raw_body(_event()) == b""


def test_the_caller_is_the_token_subject_and_none_is_a_401() -> None:
    signed_in = _event(requestContext={"authorizer": {"claims": {"sub": "alex", "email": "a@example.org"}}})
    assert (caller(signed_in).user_id, caller_email(signed_in)) == ("alex", "a@example.org")
    assert claims(_event()) == {}
    with pytest.raises(UnauthenticatedError):
        caller(_event(requestContext={"authorizer": {"claims": {"email": "a@example.org"}}}))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"CloudFront-Viewer-Address": "198.51.100.10:46532"}, "198.51.100.10"),
        ({"cloudfront-viewer-address": "2001:db8::1:46532"}, "2001:db8::1"),  # IPv6, then the port
        ({"CloudFront-Viewer-Address": "[2001:db8::7]:443"}, "2001:db8::7"),
        ({"CloudFront-Viewer-Address": "not-an-address:1"}, "203.0.113.9"),  # unreadable: the connection's
        ({"CloudFront-Viewer-Address": "198.51.100.10"}, "203.0.113.9"),  # no port: not CloudFront's form
        ({"X-Forwarded-For": "198.51.100.99"}, "203.0.113.9"),  # what a client says is never read
        ({}, "203.0.113.9"),
    ],
)
def test_the_client_address_is_the_viewers_behind_cloudfront_else_the_connections(
    headers: dict[str, str], expected: str
) -> None:
    event = APIGatewayProxyEvent({"headers": headers, "requestContext": {"identity": {"sourceIp": "203.0.113.9"}}})
    assert client_address(event) == expected
