"""The closing survey of one of my cases."""

from __future__ import annotations

from typing import Annotated

import dependencies
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from views import Accepted, Id, SurveyBody

from caseline.adapters.request import caller
from caseline.observability import metrics
from caseline.services import survey

router = APIGatewayRouter()


@router.post(
    "/v1/cases/<force_id>/<case_id>/survey",
    summary="Answer the closing survey for my closed case (once)",
    tags=["Victims"],
)
def answer_survey(force_id: Id, case_id: Id, body: Annotated[SurveyBody, Body()]) -> Response[Accepted]:
    token = caller(router.current_event)
    survey.answer_survey(
        token.user_id,
        force_id,
        case_id,
        body.answers(),
        reader=dependencies.cases(token),
        store=dependencies.surveys,
        clock=dependencies.clock,
    )
    metrics.add_metric(name="SurveysAnswered", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=Accepted(status="answered"))
