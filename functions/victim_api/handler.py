"""Victim API behind the Cognito authorizer. The caller is the token's subject, never a parameter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from caseline.adapters.dynamodb.repository import DynamoVictimCaseReader
from caseline.adapters.http import install_problem_handlers
from caseline.domain.errors import UnauthenticatedError
from caseline.domain.vocabulary import CRIME_CATEGORIES
from caseline.observability import logger, metrics, tracer
from caseline.services.victim_cases import list_my_cases

app = APIGatewayRestResolver(enable_validation=True)
install_problem_handlers(app)
reader = DynamoVictimCaseReader()


class CaseSummaryView(BaseModel):
    force_id: str
    case_id: str
    crime_reference: str
    category: str
    category_label: str
    stage: str
    updated_at: datetime


class MyCasesView(BaseModel):
    cases: list[CaseSummaryView]


def _caller() -> str:
    claims = (app.current_event.request_context.authorizer.claims or {}) if app.current_event.request_context else {}
    subject = claims.get("sub")
    if not subject:
        raise UnauthenticatedError()
    return str(subject)


@app.get("/v1/me/cases", summary="The signed-in victim's linked cases", tags=["Victims"])
def my_cases() -> MyCasesView:
    summaries = list_my_cases(_caller(), reader=reader)
    metrics.add_metric(name="CaseListsServed", unit=MetricUnit.Count, value=1)
    return MyCasesView(
        cases=[
            CaseSummaryView(
                force_id=s.force_id,
                case_id=s.case_id,
                crime_reference=s.crime_reference,
                category=s.category,
                category_label=CRIME_CATEGORIES.get(s.category, "Crime"),
                stage=s.stage.slug,
                updated_at=s.updated_at,
            )
            for s in summaries
        ]
    )


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
