"""One of my cases: what the victim sees of it, and talking to the officer (messages, update requests)."""

from __future__ import annotations

from typing import Annotated

import dependencies
from answers import answer, count
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from views import Accepted, CaseDetailView, Id, NewMessage

from caseline.services import officer_messages, victim_cases

router = APIGatewayRouter()


@router.get(
    "/v1/cases/<force_id>/<case_id>", summary="One of my cases: stage, timeline, officer, rights", tags=["Victims"]
)
def case_detail(force_id: Id, case_id: Id) -> CaseDetailView:
    user_id, reader = dependencies.case_caller(router.current_event)
    view = victim_cases.view_case(
        user_id,
        force_id,
        case_id,
        reader=reader,
        audit=dependencies.audit,
        clock=dependencies.clock,
        reads=dependencies.read_state,
        articles=dependencies.articles,
    )
    count("CaseViewsServed")
    return CaseDetailView.of(view)


@router.post("/v1/cases/<force_id>/<case_id>/messages", summary="Send a message to the officer", tags=["Victims"])
def send_message(force_id: Id, case_id: Id, message: Annotated[NewMessage, Body()]) -> Response[Accepted]:
    user_id, reader = dependencies.case_caller(router.current_event)
    store, clock = dependencies.messages, dependencies.clock
    officer_messages.send_message(
        user_id, force_id, case_id, message.text, reader=reader, store=store, clock=clock, key=message.idempotency_key
    )
    return answer(202, Accepted(status="sent"), "VictimMessagesSent")


@router.post(
    "/v1/cases/<force_id>/<case_id>/update-requests", summary="Ask the officer for an update", tags=["Victims"]
)
def request_update(force_id: Id, case_id: Id) -> Response[Accepted]:
    user_id, reader = dependencies.case_caller(router.current_event)
    outbound, clock = dependencies.outbound, dependencies.clock
    new = officer_messages.request_update(user_id, force_id, case_id, reader=reader, outbound=outbound, clock=clock)
    return answer(202, Accepted(status="requested" if new else "already-requested-today"), "UpdatesRequested")
