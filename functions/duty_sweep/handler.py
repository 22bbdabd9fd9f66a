"""Scheduled every minute: open Victims' Code duties that have reached their deadline become officer tasks."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.repository import DynamoDutyRepository
from caseline.config import get_settings
from caseline.observability import logger, metrics, tracer
from caseline.services.duties import sweep_due_duties

settings = get_settings()
duties = DynamoDutyRepository()
clock = SystemClock()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    flagged = sweep_due_duties(settings.forces, duties=duties, clock=clock)
    metrics.add_metric(name="DutiesAtRisk", unit=MetricUnit.Count, value=flagged)
    logger.info("Duty sweep finished", extra={"flagged": flagged})
    return {"flagged": flagged}
