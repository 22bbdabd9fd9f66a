"""Victims' messages and requests go back to their force: relayed to a queue, then delivered with
retries and backoff. The force can dedupe on the event id, which never changes between attempts."""

from __future__ import annotations

from enum import StrEnum

from caseline.domain.errors import RetryableError
from caseline.domain.outbound import DELAYED_AFTER_ATTEMPTS, OutboundEvent, OutboundStatus
from caseline.domain.ports import ForceEndpoint, OutboundQueue, OutboundRepository


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
    event: OutboundEvent, attempt: int, *, outbound: OutboundRepository, endpoint: ForceEndpoint
) -> DeliveryOutcome:
    """Deliver one attempt. Raises a RetryableError (retry later) when the force did not accept it."""
    stored = outbound.get(event.force_id, event.case_id, event.outbound_id)
    if stored is not None and stored.status is OutboundStatus.DELIVERED:
        return DeliveryOutcome.ALREADY_DELIVERED
    try:
        endpoint.deliver(event.force_id, event)
    except RetryableError:
        if attempt >= DELAYED_AFTER_ATTEMPTS and (stored is None or stored.status is not OutboundStatus.DELAYED):
            outbound.mark_delayed(event, attempt)
        raise
    outbound.mark_delivered(event, attempt)
    return DeliveryOutcome.DELIVERED
