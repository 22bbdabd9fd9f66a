"""The closing survey of one of my cases."""

from __future__ import annotations

from typing import Annotated

import dependencies
from answers import answer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from views import Accepted, Id, SurveyBody

from caseline.services import survey

router = APIGatewayRouter()


@router.post(
    "/v1/cases/<force_id>/<case_id>/survey",
    summary="Answer the closing survey for my closed case (once)",
    tags=["Victims"],
)
def answer_survey(force_id: Id, case_id: Id, body: Annotated[SurveyBody, Body()]) -> Response[Accepted]:
    user_id, reader = dependencies.case_caller(router.current_event)
    store, clock = dependencies.surveys, dependencies.clock
    survey.answer_survey(user_id, force_id, case_id, body.answers(), reader=reader, store=store, clock=clock)
    return answer(201, Accepted(status="answered"), "SurveysAnswered")
