"""My cases: the list of the cases linked to my account, and linking one more."""

from __future__ import annotations

from typing import Annotated

import dependencies
from answers import answer, count
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from views import CaseSummaryView, LinkedCaseView, LinkRequest, MyCasesView

from caseline.adapters.request import caller
from caseline.services import sessions, victim_cases
from caseline.services.linking import link_case

router = APIGatewayRouter()


@router.get("/v1/me/cases", summary="The signed-in victim's linked cases", tags=["Victims"])
def my_cases() -> MyCasesView:
    token = caller(router.current_event)
    found = victim_cases.list_my_cases(token.user_id, reader=dependencies.linked_cases(token))
    count("CaseListsServed")
    return MyCasesView(cases=[CaseSummaryView.of(summary) for summary in found])


@router.post("/v1/me/links", summary="Link a case with its crime reference and one-time access code", tags=["Victims"])
def link(request: Annotated[LinkRequest, Body()]) -> Response[LinkedCaseView]:
    user_id = dependencies.account_caller(router.current_event)
    clock, store = dependencies.clock, dependencies.session_store
    linked = link_case(
        user_id,
        request.crime_reference,
        request.access_code,
        links=dependencies.links,
        identity=dependencies.identity,
        clock=clock,
    )
    sessions.carry_to_new_case(user_id, linked.force_id, linked.case_id, store=store, clock=clock)
    view = LinkedCaseView(force_id=linked.force_id, case_id=linked.case_id, crime_reference=linked.crime_reference)
    return answer(201, view, "CasesLinked")
