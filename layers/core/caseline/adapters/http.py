"""HTTP adapter: the one place errors become status codes, as RFC 9457 problem details.

Problem types are ``urn:caseline:problem:<slug>`` and are documented in docs/api.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from caseline.domain.errors import (
    CaselineError,
    ConflictError,
    ForbiddenError,
    InvitationRefusedError,
    LinkRefusedError,
    MalformedBodyError,
    NotFoundError,
    OwnAccountError,
    PayloadTooLargeError,
    RecentSignInRequiredError,
    RetryableError,
    SignatureInvalidError,
    TooManyRequestsError,
    UnauthenticatedError,
    UnsupportedEventTypeError,
    UnsupportedMediaTypeError,
    ValidationFailedError,
    VictimNotKnownYetError,
)
from caseline.domain.json_body import read_json
from caseline.observability import entry, loggable_field, logger

PROBLEM_JSON = "application/problem+json"

# (status, slug) per error class; the most specific class wins (checked in MRO order).
_MAPPING: dict[type[CaselineError], tuple[int, str]] = {
    ValidationFailedError: (422, "validation"),
    MalformedBodyError: (400, "malformed-body"),
    UnsupportedEventTypeError: (422, "unsupported-event-type"),
    SignatureInvalidError: (401, "unauthenticated"),
    UnauthenticatedError: (401, "unauthenticated"),
    RecentSignInRequiredError: (401, "recent-sign-in-required"),
    PayloadTooLargeError: (413, "payload-too-large"),
    UnsupportedMediaTypeError: (415, "unsupported-media-type"),
    NotFoundError: (404, "not-found"),
    ForbiddenError: (403, "forbidden"),
    LinkRefusedError: (400, "link-refused"),
    InvitationRefusedError: (400, "invitation-refused"),
    TooManyRequestsError: (429, "too-many-requests"),
    ConflictError: (409, "conflict"),
    OwnAccountError: (422, "own-account"),
    # Not a server fault: the force sent this before the crime it is about; nothing is stored, retry later.
    VictimNotKnownYetError: (409, "victim-not-known-yet"),
    RetryableError: (503, "temporarily-unavailable"),
}


def problem(status: int, slug: str, title: str, detail: str | None = None, **extra: Any) -> Response[str]:
    body: dict[str, Any] = {"type": f"urn:caseline:problem:{slug}", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(
        status_code=status, content_type=PROBLEM_JSON, body=json.dumps(body), headers={"Cache-Control": "no-store"}
    )


def problem_for(error: CaselineError) -> Response[str]:
    for klass in type(error).__mro__:
        if klass in _MAPPING:
            status, slug = _MAPPING[klass]
            if status == 401:
                # 401s never say why: the same answer for an unknown force, a missing header or a bad signature.
                return problem(status, slug, error.title)
            if isinstance(error, ValidationFailedError):
                slug, members = _report_form(error, slug)
            else:
                members = {}
            answer = problem(status, slug, error.title, error.detail, field=error.field, **members)
            # an error a retry may get past says how long to wait (a RetryableError, a rate limit): never a 4xx
            # that retrying cannot change
            retry_after = getattr(error, "retry_after", None)
            if retry_after is not None:
                answer.headers["Retry-After"] = str(retry_after)
            return answer
    return problem(500, "internal", "Something went wrong")


def _report_form(error: ValidationFailedError, slug: str) -> tuple[str, dict[str, Any]]:
    """The report form's 422s: one GOV.UK-style message per field at fault, or where to report instead.
    Imported on this path only, so no function loads the report model for its error mapping."""
    from caseline.domain.reports import REPORT_FRAUD_URL, ReportElsewhereError, ReportInvalidError

    if isinstance(error, ReportElsewhereError):
        return "report-elsewhere", {"url": REPORT_FRAUD_URL}
    if isinstance(error, ReportInvalidError):
        return slug, {"errors": [{"field": e.field, "message": e.message} for e in error.errors]}
    return slug, {}


def install_problem_handlers(app: APIGatewayRestResolver) -> None:
    """Every error path of a resolver answers with problem details, never a stack trace."""

    @app.exception_handler(CaselineError)
    def _caseline_error(error: CaselineError) -> Response[str]:
        logger.info("Request rejected", extra={"error": type(error).__name__, "field": loggable_field(error.field)})
        return problem_for(error)

    @app.exception_handler(RequestValidationError)
    def _request_invalid(error: RequestValidationError) -> Response[str]:
        errors = error.errors()
        field = ".".join(str(p) for p in errors[0].get("loc", ())[1:]) if errors else None
        return problem(
            422, "validation", "The request is not valid", "a parameter is missing or malformed", field=field or None
        )

    @app.exception_handler(RequestUnsupportedContentType)
    def _not_json(_: RequestUnsupportedContentType) -> Response[str]:
        return problem(415, "unsupported-media-type", "The request body must be application/json")

    @app.exception_handler(UnicodeDecodeError)
    def _not_utf8(_: UnicodeDecodeError) -> Response[str]:
        return problem(400, "malformed-body", "The request body must be UTF-8")

    @app.not_found
    def _no_route(_: Exception) -> Response[str]:
        return problem(404, "not-found", "Not found")

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("Unhandled error", extra={"error": type(error).__name__})
        return problem(500, "internal", "Something went wrong")


_JSON_TYPES = ("application/json", "application/problem+json")
API_MAX_BODY_BYTES = 64 * 1024  # a victim's message is at most 2,000 characters; a report 16 KiB


def strict_json(text: str) -> Any:
    """The resolvers' body reader (``json_body_deserializer``): the same strict reader as the webhook and
    reports, so a deep, long-numbered or control-character body is a 400, never a 500."""
    return read_json(text.encode("utf-8", "surrogatepass"), max_bytes=API_MAX_BODY_BYTES)


def non_json_body_problem(event: dict[str, Any]) -> dict[str, Any] | None:
    """A 415 proxy response for a request body that is not JSON, before any parser looks at it."""
    if not event.get("body") or event.get("httpMethod") not in {"POST", "PUT", "PATCH"}:
        return None
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type in _JSON_TYPES:
        return None
    response = problem(415, "unsupported-media-type", "The request body must be application/json")
    return {
        "statusCode": 415,
        "headers": {"Content-Type": PROBLEM_JSON, **response.headers},
        "body": response.body,
        "isBase64Encoded": False,
    }


def api_entry(app: APIGatewayRestResolver, *, json_bodies: bool = True) -> Callable[[dict[str, Any], Any], Any]:
    """The Lambda entry point of an HTTP function. With ``json_bodies`` a POST, PUT or PATCH body that is
    not JSON gets a 415 before any route sees it."""

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return (json_bodies and non_json_body_problem(event)) or app.resolve(event, context)

    return entry(handle)
