"""Scheduled every minute: overdue Victims' Code duties become officer tasks, and messages held for the
victim's safe hours go back to dispatch once those hours begin."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.repository import DynamoDutyRepository, DynamoOutboxRepository
from caseline.config import get_settings
from caseline.observability import logger, metrics, tracer
from caseline.services.duties import sweep_due_duties
from caseline.services.timers import release_deferred_messages

settings = get_settings()
duties = DynamoDutyRepository()
outbox = DynamoOutboxRepository()
clock = SystemClock()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    flagged = sweep_due_duties(settings.forces, duties=duties, clock=clock)
    released = release_deferred_messages(settings.forces, outbox=outbox, clock=clock)
    metrics.add_metric(name="DutiesAtRisk", unit=MetricUnit.Count, value=flagged)
    metrics.add_metric(name="DeferredMessagesReleased", unit=MetricUnit.Count, value=released)
    logger.info("Sweep finished", extra={"flagged": flagged, "released": released})
    return {"flagged": flagged, "released": released}
