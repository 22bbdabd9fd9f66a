"""The Victims' Right to Review on one of my cases: asking for a review of a decision not to prosecute."""

from __future__ import annotations

from typing import Annotated

import dependencies
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from views import Id, NewReviewRequest, ReviewStatusView

from caseline.adapters.request import caller
from caseline.observability import metrics
from caseline.services import reviews

router = APIGatewayRouter()


@router.post(
    "/v1/cases/<force_id>/<case_id>/review-request",
    summary="Ask for a review of the decision on my case (again: the first request, 200)",
    tags=["Victims"],
)
def request_review(force_id: Id, case_id: Id, body: Annotated[NewReviewRequest, Body()]) -> Response[ReviewStatusView]:
    token = caller(router.current_event)
    status, new = reviews.request_review(
        token.user_id,
        force_id,
        case_id,
        body.reasons,
        reader=dependencies.cases(token),
        store=dependencies.review_store,
        audit=dependencies.audit,
        clock=dependencies.clock,
    )
    if new:
        metrics.add_metric(name="ReviewsRequested", unit=MetricUnit.Count, value=1)
    return Response(
        status_code=202 if new else 200,
        content_type="application/json",
        body=ReviewStatusView.model_validate(status),
    )
