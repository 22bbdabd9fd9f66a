"""Safety alerts on one of my cases: confirming I have seen one (suspect released or bailed)."""

from __future__ import annotations

import dependencies
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from views import AlertId, Id, SafetyAlertView

from caseline.adapters.request import caller
from caseline.observability import metrics
from caseline.services import alerts

router = APIGatewayRouter()


@router.post(
    "/v1/cases/<force_id>/<case_id>/alerts/<alert_id>/acknowledgement",
    summary="Confirm I have seen a safety alert on my case (again: the first confirmation)",
    tags=["Victims"],
)
def acknowledge_alert(force_id: Id, case_id: Id, alert_id: AlertId) -> SafetyAlertView:
    token = caller(router.current_event)
    alert = alerts.acknowledge_alert(
        token.user_id,
        force_id,
        case_id,
        alert_id,
        reader=dependencies.cases(token),
        store=dependencies.alert_store,
        audit=dependencies.audit,
        clock=dependencies.clock,
    )
    metrics.add_metric(name="AlertsAcknowledged", unit=MetricUnit.Count, value=1)
    return SafetyAlertView.model_validate(alert)
