"""Reporting a crime online: POST /v1/reports (no sign-in), POST /v1/me/reports and GET /v1/me/reports
(Cognito ID token). A function of its own, so the victim API never loads the report model or the KMS
client at cold start, and only this function may encrypt with the data key."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from caseline.adapters.address_keys import KmsAddressKeyer
from caseline.adapters.aws import client
from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.dynamodb.sessions import DynamoSessionStore
from caseline.adapters.http import install_problem_handlers, non_json_body_problem, problem, problem_for, strict_json
from caseline.adapters.sealing import KmsFieldSealer
from caseline.config import get_settings
from caseline.content.reporting import report_settings
from caseline.domain.errors import UnauthenticatedError
from caseline.domain.reports import REPORT_FRAUD_URL, ReportElsewhereError, ReportInvalidError
from caseline.domain.sessions import token_from_claims
from caseline.observability import logger, metrics, tracer
from caseline.services import reports as report_service
from caseline.services import sessions

settings = get_settings()
app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=strict_json)
install_problem_handlers(app)
store = DynamoReportStore(KmsFieldSealer(client("kms"), key_id=settings.data_key_id))
keyer = KmsAddressKeyer(client("kms"), key_id=settings.report_rate_key_id)
clock = SystemClock()
session_store = DynamoSessionStore()
forces = report_settings(settings.forces)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportSubmitted(_Model):
    report_reference: str = Field(description="The force's prefix and two groups of 4 Crockford base32 characters")
    status: str = Field(description="Always submitted: the report is stored and on its way to the force")


class ReportCase(_Model):
    force_id: str
    case_id: str


class MyReport(_Model):
    report_reference: str
    category: str
    submitted_at: datetime
    status: str = Field(description="submitted, received, recorded or not-recorded")
    crime_reference: str | None
    case: ReportCase | None = Field(description="The case this report became, once recorded and linked to you")
    reason: str | None = Field(description="Why it was not recorded as a crime")
    where_to_go: str | None = Field(description="Where to go instead, when it was not recorded")


class MyReports(_Model):
    reports: list[MyReport]


_PROBLEMS: dict[int, Any] = {
    413: {"description": "The report is over 16 KiB"},
    422: {"description": "A field is not valid (errors: one GOV.UK-style message per field), or report elsewhere"},
    429: {
        "description": "Too many reports from this client network (an IPv4 address or IPv6 /64: 5 an hour) or account "
        "(10 a day); see Retry-After"
    },
}


def _raw_body() -> bytes:
    event = app.current_event
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8")


def _caller(required: bool) -> str | None:
    """The signed-in caller; a token from a session that was ended (sign out everywhere, quick exit,
    closure) is refused as on the victim API (one GetItem of the account's mark)."""
    context = app.current_event.request_context
    claims = (context.authorizer.claims or {}) if context and context.authorizer else {}
    if not claims.get("sub"):
        if required:
            raise UnauthenticatedError()
        return None
    token = token_from_claims(claims)
    sessions.check_account(token, store=session_store)
    return token.user_id


def _submit(user_id: str | None) -> Response[Any]:
    # The address of the connection API Gateway accepted, never a client-supplied X-Forwarded-For (behind
    # the portal's CloudFront distribution this is CloudFront's address: docs/api.md).
    source_ip = app.current_event.request_context.identity.source_ip
    try:
        result = report_service.submit(
            _raw_body(), user_id=user_id, source_ip=source_ip, forces=forces, store=store, keyer=keyer, clock=clock
        )
    except ReportElsewhereError as error:
        return problem(422, "report-elsewhere", error.title, error.detail, field=error.field, url=REPORT_FRAUD_URL)
    except ReportInvalidError as error:
        logger.info("Report refused", extra={"error": "ReportInvalidError", "fields": [e.field for e in error.errors]})
        return problem(
            422,
            "validation",
            error.title,
            error.detail,
            field=error.field,
            errors=[{"field": e.field, "message": e.message} for e in error.errors],
        )
    except report_service.RateLimitedError as error:
        metrics.add_metric(name="ReportsRateLimited", unit=MetricUnit.Count, value=1)
        answer = problem_for(error)
        answer.headers["Retry-After"] = str(error.retry_after)
        return answer
    metrics.add_metric(name="ReportsSubmitted" if result.created else "ReportsRepeated", unit=MetricUnit.Count, value=1)
    logger.info("Report submitted", extra={"new_report": result.created, "signed_in": user_id is not None})
    view = ReportSubmitted(report_reference=result.reference, status=result.status.value)
    return Response(
        status_code=201 if result.created else 200,
        content_type="application/json",
        body=view.model_dump_json(),
        headers={"Cache-Control": "no-store"},
    )


@app.post(
    "/v1/reports",
    summary="Report a crime online without signing in",
    tags=["Reports"],
    responses={201: {"description": "Stored and on its way to the force"}, 200: {"description": "Sent before"}}
    | _PROBLEMS,
)
def report() -> Response[Any]:
    return _submit(None)


@app.post(
    "/v1/me/reports",
    summary="Report a crime online, signed in: the report shows in my reports and its case is linked",
    tags=["Reports"],
    responses={201: {"description": "Stored and on its way to the force"}, 200: {"description": "Sent before"}}
    | _PROBLEMS,
)
def report_signed_in() -> Response[Any]:
    return _submit(_caller(required=True))


@app.get("/v1/me/reports", summary="My online reports and what the force did with them", tags=["Reports"])
def my_reports() -> MyReports:
    found = report_service.my_reports(str(_caller(required=True)), store=store)
    return MyReports(
        reports=[
            MyReport(
                report_reference=r.reference,
                category=r.category,
                submitted_at=r.submitted_at,
                status=r.status.value,
                crime_reference=r.crime_reference,
                case=ReportCase(force_id=r.force_id, case_id=r.case_id) if r.linked and r.case_id else None,
                reason=r.reason,
                where_to_go=r.where_to_go,
            )
            for r in found
        ]
    )


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    rejected = non_json_body_problem(event)
    if rejected is not None:
        return rejected
    return app.resolve(event, context)
