"""One of my cases: what the victim sees of it, and talking to the officer (messages, update requests)."""

from __future__ import annotations

from typing import Annotated

import dependencies
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from views import Accepted, CaseDetailView, Id, NewMessage

from caseline.adapters.request import caller
from caseline.observability import metrics
from caseline.services import victim_cases

router = APIGatewayRouter()


@router.get(
    "/v1/cases/<force_id>/<case_id>", summary="One of my cases: stage, timeline, officer, rights", tags=["Victims"]
)
def case_detail(force_id: Id, case_id: Id) -> CaseDetailView:
    token = caller(router.current_event)
    view = victim_cases.view_case(
        token.user_id,
        force_id,
        case_id,
        reader=dependencies.cases(token),
        audit=dependencies.audit,
        clock=dependencies.clock,
        reads=dependencies.read_state,
        articles=dependencies.articles,
    )
    metrics.add_metric(name="CaseViewsServed", unit=MetricUnit.Count, value=1)
    return CaseDetailView.of(view)


@router.post("/v1/cases/<force_id>/<case_id>/messages", summary="Send a message to the officer", tags=["Victims"])
def send_message(force_id: Id, case_id: Id, message: Annotated[NewMessage, Body()]) -> Response[Accepted]:
    token = caller(router.current_event)
    victim_cases.send_message(
        token.user_id,
        force_id,
        case_id,
        message.text,
        reader=dependencies.cases(token),
        store=dependencies.messages,
        clock=dependencies.clock,
    )
    metrics.add_metric(name="VictimMessagesSent", unit=MetricUnit.Count, value=1)
    return Response(status_code=202, content_type="application/json", body=Accepted(status="sent"))


@router.post(
    "/v1/cases/<force_id>/<case_id>/update-requests", summary="Ask the officer for an update", tags=["Victims"]
)
def request_update(force_id: Id, case_id: Id) -> Response[Accepted]:
    token = caller(router.current_event)
    new = victim_cases.request_update(
        token.user_id,
        force_id,
        case_id,
        reader=dependencies.cases(token),
        outbound=dependencies.outbound,
        clock=dependencies.clock,
    )
    metrics.add_metric(name="UpdatesRequested", unit=MetricUnit.Count, value=1)
    return Response(
        status_code=202,
        content_type="application/json",
        body=Accepted(status="requested" if new else "already-requested-today"),
    )
