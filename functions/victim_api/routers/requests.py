"""Requests to the force about one of my cases (docs/adr/0020): a review of a decision not to prosecute
(the Victims' Right to Review), and making or updating my Victim Personal Statement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import dependencies
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from views import Id, NewReviewRequest, NewStatementRequest, ReviewStatusView, StatementRequestView

from caseline.adapters.request import caller
from caseline.observability import metrics
from caseline.services import reviews, statements

if TYPE_CHECKING:
    from caseline.domain.sessions import Token

router = APIGatewayRouter()
T = TypeVar("T", ReviewStatusView, StatementRequestView)


def _ports(token: Token) -> dict[str, Any]:
    """What every request needs: the caller's view of the case, the store, the log and the clock."""
    return {
        "reader": dependencies.cases(token),
        "store": dependencies.request_store,
        "audit": dependencies.audit,
        "clock": dependencies.clock,
    }


def _answer(body: T, new: bool, metric: str) -> Response[T]:
    """202 for a new request; 200 with the one already made (nothing written)."""
    if new:
        metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    return Response(status_code=202 if new else 200, content_type="application/json", body=body)


@router.post(
    "/v1/cases/<force_id>/<case_id>/review-request",
    summary="Ask for a review of the decision on my case (again: the first request, 200)",
    tags=["Victims"],
)
def request_review(force_id: Id, case_id: Id, body: Annotated[NewReviewRequest, Body()]) -> Response[ReviewStatusView]:
    token = caller(router.current_event)
    status, new = reviews.request_review(token.user_id, force_id, case_id, body.reasons, **_ports(token))
    return _answer(ReviewStatusView.model_validate(status), new, "ReviewsRequested")


@router.post(
    "/v1/cases/<force_id>/<case_id>/statement-request",
    summary="Ask the officer to take or update my Victim Personal Statement (while one waits: that one, 200)",
    tags=["Victims"],
)
def request_statement(
    force_id: Id, case_id: Id, body: Annotated[NewStatementRequest, Body()]
) -> Response[StatementRequestView]:
    token = caller(router.current_event)
    request, new = statements.request_statement(token.user_id, force_id, case_id, body.kind, body.use, **_ports(token))
    return _answer(StatementRequestView.model_validate(request), new, "StatementsRequested")
