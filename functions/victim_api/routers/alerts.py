"""Safety alerts on one of my cases: confirming I have seen one (suspect released or bailed)."""

from __future__ import annotations

import dependencies
from answers import count
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from views import AlertId, Id, SafetyAlertView

from caseline.services import alerts

router = APIGatewayRouter()


@router.post(
    "/v1/cases/<force_id>/<case_id>/alerts/<alert_id>/acknowledgement",
    summary="Confirm I have seen a safety alert on my case (again: the first confirmation)",
    tags=["Victims"],
)
def acknowledge_alert(force_id: Id, case_id: Id, alert_id: AlertId) -> SafetyAlertView:
    user_id, reader = dependencies.case_caller(router.current_event)
    store, audit, clock = dependencies.alert_store, dependencies.audit, dependencies.clock
    alert = alerts.acknowledge_alert(
        user_id, force_id, case_id, alert_id, reader=reader, store=store, audit=audit, clock=clock
    )
    count("AlertsAcknowledged")
    return SafetyAlertView.model_validate(alert)
