"""Scheduled every minute: waiting journey runs and "no news yet" cadences resume, Victims' Code duties
due today are flagged at risk (the force is told) and overdue ones marked missed, and messages held for
the victim's safe hours or quiet hours go back to dispatch once those begin."""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.duties import DynamoDutyRepository
from caseline.adapters.dynamodb.journeys import DynamoJourneyStore
from caseline.adapters.dynamodb.outbox import DynamoOutboxRepository
from caseline.config import get_settings
from caseline.content import journey_definitions, template_info
from caseline.observability import entry, logger, metrics
from caseline.services.duties import sweep_due_duties
from caseline.services.journey_timers import fire_due_timers
from caseline.services.journeys import JourneyEnvironment
from caseline.services.timers import release_deferred_messages, report_unrecorded_sends

RESERVE_MS = 2_000  # what one more item, and the metrics, may take
settings = get_settings()
duties = DynamoDutyRepository()
outbox = DynamoOutboxRepository()
clock = SystemClock()
environment = JourneyEnvironment(
    store=DynamoJourneyStore(),
    clock=clock,
    definitions=journey_definitions(),
    template_placeholders={t.template_id: t.placeholders for t in template_info().values()},
    portal_url=settings.portal_url,
)


def sweep(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    def time_left() -> bool:  # stop short of the time-out: the next minute's run carries on
        return context.get_remaining_time_in_millis() > RESERVE_MS

    fired = fire_due_timers(settings.forces, environment, time_left)
    swept = sweep_due_duties(settings.forces, duties=duties, clock=clock, time_left=time_left)
    released = release_deferred_messages(settings.forces, outbox=outbox, clock=clock, time_left=time_left)
    unrecorded = report_unrecorded_sends(settings.forces, outbox=outbox, clock=clock, time_left=time_left)
    metrics.add_metric(name="JourneyTimersFired", unit=MetricUnit.Count, value=fired)
    metrics.add_metric(name="DutiesAtRisk", unit=MetricUnit.Count, value=swept.at_risk)
    metrics.add_metric(name="DutiesMissed", unit=MetricUnit.Count, value=swept.missed)
    metrics.add_metric(name="DeferredMessagesReleased", unit=MetricUnit.Count, value=released)
    metrics.add_metric(name="SendsUnrecorded", unit=MetricUnit.Count, value=unrecorded)
    result = {
        "fired": fired,
        "at_risk": swept.at_risk,
        "missed": swept.missed,
        "released": released,
        "unrecorded": unrecorded,
    }
    logger.info("Sweep finished", extra=result)
    return result


lambda_handler = entry(sweep)


loading.resume()
