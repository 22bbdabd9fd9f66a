"""Victims' messages and requests go back to their force: relayed to a queue, then delivered with
retries and backoff. The force can dedupe on the event id, which never changes between attempts."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from caseline.domain.errors import DeliveryFailedError, RetryableError
from caseline.domain.outbound import DELAYED_AFTER_ATTEMPTS, REPORT_SUBMITTED, OutboundEvent, OutboundStatus
from caseline.domain.ports import ForceEndpoint, OutboundQueue, OutboundRepository, ReportStore
from caseline.services.reports import delivery_data


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    ALREADY_DELIVERED = "already-delivered"


def relay(event: OutboundEvent, *, queue: OutboundQueue, outbound: OutboundRepository) -> bool:
    """Queue a newly stored outbound event. A stream redelivery after it was queued is a no-op.

    Sending comes before marking it queued, so a failure in between can only queue it twice (which
    delivery and the force's dedupe on the event id absorb), never lose it.
    """
    stored = outbound.get(event.force_id, event.case_id, event.outbound_id)
    if stored is None or stored.status is not OutboundStatus.PENDING:
        return False
    queue.send(stored)
    return outbound.mark_queued(stored)


def deliver(
    event: OutboundEvent,
    attempt: int,
    *,
    outbound: OutboundRepository,
    endpoint: ForceEndpoint,
    reports: ReportStore | None = None,
) -> DeliveryOutcome:
    """Deliver one attempt. Raises a RetryableError (retry later) when the force did not accept it.

    A ``report.submitted`` is stored without its personal fields: they are decrypted here, for the
    request to the force only.
    """
    stored = outbound.get(event.force_id, event.case_id, event.outbound_id)
    if stored is not None and stored.status is OutboundStatus.DELIVERED:
        return DeliveryOutcome.ALREADY_DELIVERED
    try:
        to_send = event
        if event.event_type == REPORT_SUBMITTED:
            if reports is None:
                raise DeliveryFailedError("this function cannot open reports")
            to_send = replace(event, data=delivery_data(event, store=reports))
        endpoint.deliver(event.force_id, to_send)
    except RetryableError:
        if attempt >= DELAYED_AFTER_ATTEMPTS and (stored is None or stored.status is not OutboundStatus.DELAYED):
            outbound.mark_delayed(event, attempt)
        raise
    outbound.mark_delivered(event, attempt)
    return DeliveryOutcome.DELIVERED
