"""Reporting a crime online: POST /v1/reports (no sign-in), POST /v1/me/reports and GET /v1/me/reports
(Cognito ID token). A function of its own, so the victim API never loads the report model or the KMS
client at cold start, and only this function may encrypt with the data key."""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

from datetime import datetime
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel, ConfigDict, Field

from caseline.adapters.address_keys import KmsAddressKeyer
from caseline.adapters.aws import client
from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.dynamodb.sessions import DynamoSessionStore
from caseline.adapters.http import api_entry, install_problem_handlers, strict_json
from caseline.adapters.request import caller, client_address, raw_body
from caseline.adapters.sealing import KmsFieldSealer
from caseline.config import get_settings
from caseline.content.reporting import report_settings
from caseline.domain.reports import ReportInvalidError
from caseline.observability import loggable_field, logger, metrics
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
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built on first use, as the route needs it


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


def _signed_in() -> str:
    """The signed-in caller; a token from a session that was ended (sign out everywhere, quick exit,
    closure) is refused as on the victim API (one GetItem of the account's mark)."""
    token = caller(app.current_event)
    sessions.check_account(token, store=session_store)
    return token.user_id


def _submit(user_id: str | None) -> Response[Any]:
    # The address of the connection API Gateway accepted, never a client-supplied X-Forwarded-For (behind
    # the portal's CloudFront distribution this is CloudFront's address: docs/api.md).
    event = app.current_event
    source_ip = client_address(event)
    try:
        result = report_service.submit(
            raw_body(event), user_id=user_id, source_ip=source_ip, forces=forces, store=store, keyer=keyer, clock=clock
        )
    except ReportInvalidError as error:
        fields = [loggable_field(e.field) for e in error.errors]
        logger.info("Report refused", extra={"error": "ReportInvalidError", "fields": fields})
        raise  # the problem handlers answer every error: 422 validation, with one message per field
    except report_service.RateLimitedError:
        metrics.add_metric(name="ReportsRateLimited", unit=MetricUnit.Count, value=1)
        raise
    metrics.add_metric(name="ReportsSubmitted" if result.created else "ReportsRepeated", unit=MetricUnit.Count, value=1)
    logger.info("Report submitted", extra={"new_report": result.created, "signed_in": user_id is not None})
    body = ReportSubmitted(report_reference=result.reference, status=result.status.value).model_dump_json()
    return Response(201 if result.created else 200, "application/json", body, headers={"Cache-Control": "no-store"})


# The body and the answers of both POST routes are documented in caseline_local/openapi.py (_document_reports).
@app.post(
    "/v1/reports",
    summary="Report a crime online without signing in",
    tags=["Reports"],
)
def report() -> Response[Any]:
    return _submit(None)


@app.post(
    "/v1/me/reports",
    summary="Report a crime online, signed in: the report shows in my reports and its case is linked",
    tags=["Reports"],
)
def report_signed_in() -> Response[Any]:
    return _submit(_signed_in())


@app.get("/v1/me/reports", summary="My online reports and what the force did with them", tags=["Reports"])
def my_reports() -> MyReports:
    found = report_service.my_reports(_signed_in(), store=store)
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


lambda_handler = api_entry(app)


loading.resume()
