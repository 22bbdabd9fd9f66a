"""The call handler's view, behind the staff user pool's authorizer (issue 15, item 3; docs/api.md).

A crime reference is personal data: it comes only in a POST body, never in a path, a query or a log line.
Roles are the staff pool's groups (``caseline.domain.staff_access``); audit before answering.
"""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit
from staff_views import CallBody, CaseLookupsView, Id, LookupBody, Recorded, StaffCaseAnswer

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.staff_cases import DynamoStaffCases
from caseline.adapters.http import api_entry, install_problem_handlers, strict_json
from caseline.adapters.request import staff_caller
from caseline.config import get_settings
from caseline.content.articles_index import LazyArticleLibrary
from caseline.domain.staff_access import StaffMember
from caseline.observability import metrics
from caseline.services import staff_cases

settings = get_settings()
app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=strict_json)
install_problem_handlers(app)
store = DynamoStaffCases()
clock = SystemClock()
articles = LazyArticleLibrary()


def _staff() -> StaffMember:
    return staff_caller(app.current_event, settings.staff_user_pool_id)


@app.post("/v1/staff/case-lookups", summary="A call handler finds a case by crime reference", tags=["Staff"])
def look_up(body: Annotated[LookupBody, Body()]) -> StaffCaseAnswer:
    staff = _staff()
    found = staff_cases.look_up(
        staff,
        body.crime_reference,
        body.reason,
        body.detail,
        body.force_id,
        store=store,
        clock=clock,
        articles=articles,
    )
    metrics.add_metric(name="StaffCaseLookups", unit=MetricUnit.Count, value=1)
    return StaffCaseAnswer.of(found)


@app.post(
    "/v1/staff/cases/<force_id>/<case_id>/calls", summary="Record that the victim called for an update", tags=["Staff"]
)
def record_call(force_id: Id, case_id: Id, body: Annotated[CallBody | None, Body()] = None) -> Response[Recorded]:
    note = body.note if body else None
    entry = staff_cases.record_call(_staff(), force_id, case_id, note, store=store, clock=clock)
    metrics.add_metric(name="VictimCallsRecorded", unit=MetricUnit.Count, value=1)
    return Response(201, content_type="application/json", body=Recorded(status="recorded", at=entry.at))


@app.get("/v1/staff/cases/<force_id>/<case_id>/lookups", summary="Who looked a case up, when and why", tags=["Staff"])
def lookups(force_id: Id, case_id: Id) -> CaseLookupsView:
    return CaseLookupsView.of(staff_cases.case_lookups(_staff(), force_id, case_id, store=store))


lambda_handler = api_entry(app)


loading.resume()
