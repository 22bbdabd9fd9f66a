"""Requests to the force about one of my cases (docs/adr/0020): a review of a decision not to prosecute
(the Victims' Right to Review), and making or updating my Victim Personal Statement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import dependencies
from answers import answer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from views import Id, NewReviewRequest, NewStatementRequest, ReviewStatusView, StatementRequestView

from caseline.services import reviews, statements

if TYPE_CHECKING:
    from caseline.services.sessions import CheckedCaseReader

router = APIGatewayRouter()
T = TypeVar("T", ReviewStatusView, StatementRequestView)


def _ports(reader: CheckedCaseReader) -> dict[str, Any]:
    """What every request needs: the caller's view of the case, the store, the log and the clock."""
    return {
        "reader": reader,
        "store": dependencies.request_store,
        "audit": dependencies.audit,
        "clock": dependencies.clock,
    }


def _answer(body: T, new: bool, metric: str) -> Response[T]:
    """202 for a new request; 200 with the one already made (nothing written)."""
    return answer(202, body, metric) if new else Response(status_code=200, content_type="application/json", body=body)


@router.post(
    "/v1/cases/<force_id>/<case_id>/review-request",
    summary="Ask for a review of the decision on my case (again: the first request, 200)",
    tags=["Victims"],
)
def request_review(force_id: Id, case_id: Id, body: Annotated[NewReviewRequest, Body()]) -> Response[ReviewStatusView]:
    user_id, reader = dependencies.case_caller(router.current_event)
    status, new = reviews.request_review(user_id, force_id, case_id, body.reasons, **_ports(reader))
    return _answer(ReviewStatusView.model_validate(status), new, "ReviewsRequested")


@router.post(
    "/v1/cases/<force_id>/<case_id>/statement-request",
    summary="Ask the officer to take or update my Victim Personal Statement (while one waits: that one, 200)",
    tags=["Victims"],
)
def request_statement(
    force_id: Id, case_id: Id, body: Annotated[NewStatementRequest, Body()]
) -> Response[StatementRequestView]:
    user_id, reader = dependencies.case_caller(router.current_event)
    request, new = statements.request_statement(user_id, force_id, case_id, body.kind, body.use, **_ports(reader))
    return _answer(StatementRequestView.model_validate(request), new, "StatementsRequested")
