"""Cognito post-authentication trigger: a victim signed in, so each case their account is linked to gets
the day's sign-in record (the journeys function sends the "new sign-in" notice from it).

It returns the event unchanged and never fails a sign-in: Cognito refuses the sign-in when its trigger
raises, so any error is logged (its type only) and swallowed.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.sign_in import DynamoSignInStore
from caseline.observability import logger, metrics, tracer
from caseline.services.sign_in import record_sign_in

store = DynamoSignInStore()
clock = SystemClock()


def _record(event: dict[str, Any]) -> None:
    try:
        user_id = str(event["request"]["userAttributes"]["sub"])
        recorded = record_sign_in(user_id, store, clock)
    except Exception as exc:  # a failed record must never block the victim's sign-in
        logger.error("Sign-in not recorded", extra={"error": type(exc).__name__})
        metrics.add_metric(name="SignInsNotRecorded", unit=MetricUnit.Count, value=1)
        return
    metrics.add_metric(name="SignInsRecorded", unit=MetricUnit.Count, value=recorded)
    logger.info("Sign-in recorded", extra={"user_id": user_id, "cases": recorded})


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    _record(event)
    return event
